"""The reach of the Ukraine argument as of 1 October 2025, against the old feature.

Reads ``data/interim/votes.parquet`` and ``data/interim/sponsors.parquet`` (both built by
``make data``) and prints: the Ukraine roll calls before the as-of date by kind, the 30
states with the highest ``ukraine_reach`` with its components, and how many states have a
reach above 0.5 against how many have ``ukraine_yes_share`` 1.0 (the share of yes at the
ES-11 roll calls, :func:`unvote.features.ukraine_stance`, which the scenario's lever used).

Run: ``make data && .venv/bin/python benchmarks/ukraine_reach.py``
"""

from __future__ import annotations

import sys

import pandas as pd

from unvote import paths
from unvote.features import UKRAINE_REACH_COLUMNS as COLUMNS
from unvote.ukraine import ukraine_reach, ukraine_roll_calls

AS_OF = pd.Timestamp("2025-10-01")


def main() -> int:
    from unvote.features import ukraine_stance
    from unvote.history import load_all_votes

    for path in (paths.ALL_VOTES_PARQUET, paths.SPONSORS_PARQUET):
        if not path.exists():
            print(f"{path} not found: run `make data` first", file=sys.stderr)
            return 1
    votes = load_all_votes(paths.ALL_VOTES_PARQUET)
    sponsors = pd.read_parquet(paths.SPONSORS_PARQUET)
    calls = ukraine_roll_calls(votes.loc[votes["date"] < AS_OF])
    print(f"Ukraine roll calls before {AS_OF:%Y-%m-%d}, by kind:")
    print(calls["kind"].value_counts().to_string(), end="\n\n")
    reach = ukraine_reach(votes, sponsors, AS_OF)
    top = reach.sort_values("ukraine_reach", ascending=False, kind="stable").head(30)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(top[list(COLUMNS)].round(3).to_string(), end="\n\n")
    old = ukraine_stance(votes, AS_OF)["ukraine_yes_share"].reindex(reach.index)
    print(f"states with ukraine_reach > 0.5:     {int((reach['ukraine_reach'] > 0.5).sum())}")
    print(f"states with ukraine_yes_share == 1.0: {int((old == 1.0).sum())}")
    print(f"states with ukraine_reach > 0:       {int((reach['ukraine_reach'] > 0).sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
