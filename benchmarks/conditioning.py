"""What a known vote tells about the others, and through which shared source.

For a condition (default ``POL=abstain``: a NATO and EU member under the campaign
scenario), prints the effective number of simulations that carry it and the mean change of
P(yes) of the other NATO members and of everyone else, with all sources of uncertainty and
with each switched off in turn (the same seed and draws), and the shock sizes the
simulation uses. A source whose removal leaves the change near zero is the one carrying
the news.

Run: ``.venv/bin/python benchmarks/conditioning.py [GIVEN] [SCENARIO] [DRAWS]``
"""

from __future__ import annotations

import sys

from unvote.blocs import memberships_on, unit_members
from unvote.conditioning import parse_given
from unvote.forecast import run_forecast
from unvote.simulate import Uncertainty

SOURCES = ("parameters", "effects", "shocks")


def main(given: str = "POL=abstain", scenario: str = "us_lobbying_2025", draws: int = 10_000):
    known = {k for k, _ in parse_given(given)}
    nato = sorted(set(unit_members("nato", memberships_on("2025-10-01"))) - known)
    print(f"{scenario}, given {given}, {draws:,} draws: mean change of P(yes)")
    print(f"{'uncertainty':24}{'effective':>10}{'NATO others':>13}{'everyone else':>15}")
    for off in (None, *SOURCES):
        uncertainty = Uncertainty(**({off: False} if off else {}))
        before = run_forecast(scenario, draws=draws, uncertainty=uncertainty)
        after = run_forecast(scenario, draws=draws, uncertainty=uncertainty, given=given)
        change = (after.countries.set_index("iso3")["p_yes"] - before.countries.set_index("iso3")["p_yes"]).drop(sorted(known))  # fmt: skip
        rest = change.drop(nato, errors="ignore")
        label = "all sources" if off is None else f"without {off}"
        print(
            f"{label:24}{after.effective_draws:10,.0f}{change[nato].mean():+13.3f}"
            f"{rest.mean():+15.4f}"
        )
    print("shock sizes (sd, log-odds of leaving yes):", before.shock_sd.round(3).to_dict())


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*(args[:2]), *(int(a) for a in args[2:3]))
