"""Departures at the precedents of open US campaigns, on the recorded votes.

Prints, for each precedent of ``unvote/facts/precedents.csv``, how many member states did
not vote yes (abstain or no; absent states left out), and the 15 largest
``precedent_departure`` values of :func:`unvote.precedents.precedent_response` as of
2019-10-01 (three precedents; the 2019 embargo vote is on 7 November) and as of 2025-10-01
(all four), from ``data/interim/votes.parquet``.

Run: ``make data && .venv/bin/python benchmarks/precedent_departures.py``
"""

from __future__ import annotations

import sys

from unvote import paths
from unvote.countries import display_name
from unvote.precedents import departures, precedent_response, precedents

AS_OF = ("2019-10-01", "2025-10-01")
TOP = 15


def main() -> int:
    from unvote.history import load_all_votes

    if not paths.ALL_VOTES_PARQUET.exists():
        print(f"{paths.ALL_VOTES_PARQUET} not found: run `make data` first", file=sys.stderr)
        return 1
    votes = load_all_votes(paths.ALL_VOTES_PARQUET)
    print("Departures from yes at each precedent (absent states left out):")
    for row in precedents().itertuples(index=False):
        departed = departures(votes, row.resolution)
        present = departed.dropna()
        print(
            f"  {row.resolution:<15} {row.date.date()}  {row.subject:<13} "
            f"{int(present.sum()):>3} of {len(present)} present did not vote yes "
            f"({int(departed.isna().sum())} absent)"
        )
    for as_of in AS_OF:
        table = precedent_response(votes, as_of)
        top = table.sort_values(
            ["precedent_departure", "precedent_departure_max"], ascending=False
        ).head(TOP)
        print(
            f"\nLargest precedent_departure as of {as_of} "
            f"({table['n_precedents'].max()} precedents before it; "
            f"{int(table['precedent_departure'].notna().sum())} of {len(table)} states with one):"
        )
        print(f"  {'iso3':<5}{'country':<34}{'departure':>10}{'max':>8}{'n':>4}")
        for iso3, values in top.iterrows():
            print(
                f"  {iso3:<5}{display_name(iso3)[:32]:<34}"
                f"{values['precedent_departure']:>10.3f}"
                f"{values['precedent_departure_max']:>8.3f}{int(values['n_precedents']):>4}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
