"""The 2025 forecast before and after issue 8: who the campaign moves, and how concentrated.

*Before*: the model with 365-day alignment only (:data:`unvote.model.WINDOW_FEATURES`) and
the levers as they were (no ``share_by``: the pressure lever follows each state's fitted
campaign term, the Ukraine lever its share of yes votes on ES-11). *After*: the model and
``scenarios/us_lobbying_2025.toml`` as shipped. Both on the same seed and draws.

Prints the tallies, the top 30 states by probability of not voting yes, side by side, and
how concentrated the campaign's move is: the share of the expected non-yes votes carried
by the 25 states most likely not to vote yes, and the share of the campaign's expected
move (baseline P(yes) minus scenario P(yes), summed) carried by the 25 states it moves most.

Run: ``.venv/bin/python benchmarks/who_moves.py``
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from unvote.explain import main_drivers
from unvote.forecast import run_forecast
from unvote.model import WINDOW_FEATURES
from unvote.scenario import load_scenario

TOP = 30
CONCENTRATION_TOP = 25


def concentration(countries: pd.DataFrame, top: int = CONCENTRATION_TOP) -> dict[str, float]:
    """Shares of expected non-yes votes, and of the campaign's move, held by the top states."""
    not_yes = 1.0 - countries["p_yes"]
    move = (countries["p_yes_baseline"] - countries["p_yes"]).clip(lower=0.0)
    return {
        "expected_not_yes": float(not_yes.sum()),
        f"share_not_yes_top{top}": float(not_yes.nlargest(top).sum() / not_yes.sum()),
        "expected_move": float(move.sum()),
        f"share_move_top{top}": float(move.nlargest(top).sum() / move.sum()),
        "states_moved_5_points": int((move >= 0.05).sum()),
    }


def main() -> None:
    scenario = load_scenario("us_lobbying_2025")
    flat = replace(
        scenario, levers=tuple(replace(lever, share_by=None) for lever in scenario.levers)
    )
    runs = {
        "before": run_forecast(flat, model_features=WINDOW_FEATURES),
        "after": run_forecast(scenario),
    }
    for name, result in runs.items():
        print(f"== {name}: mean tally")
        print(result.tally["mean"].round(1).to_string())
    stats = pd.DataFrame({name: concentration(r.countries) for name, r in runs.items()})
    print("\n== concentration")
    print(stats.to_string(float_format=lambda v: f"{v:.3f}"))
    cols = []
    for name, result in runs.items():
        c = result.countries.assign(p_not_yes=1.0 - result.countries["p_yes"])
        c = c.nlargest(TOP, "p_not_yes").reset_index(drop=True)
        block = pd.DataFrame(
            {f"{name}: state": c["country"], f"{name}: P(not yes)": c["p_not_yes"].round(2)}
        )
        if name == "after":
            drivers = main_drivers(result.drivers, result.countries)["short"]
            block["after: main driver"] = drivers.reindex(c["iso3"]).to_numpy()
        cols.append(block)
    print(f"\n== top {TOP} by probability of not voting yes")
    print(pd.concat(cols, axis=1).to_string())


if __name__ == "__main__":
    main()
