"""Alignment with the current US administration on the real data, and the reasons for its constants.

Reads ``data/interim/votes.parquet`` and ``data/processed/embargo_votes.csv`` (build them
with ``make data``) and prints three tables:

1. For the day before each embargo vote 2017-2024 and for the forecast date (2025-10-01):
   the administration's start, the roll calls since it, whether the 365-day fallback
   applied, the roll calls used, the nearly-alone ones among them, and the median raw
   agreement with the US (``agree_us_admin``) across members, beside the median 365-day
   agreement of :mod:`unvote.features`. The medians show why the features are ranked.
2. On the roll calls of 1989 to the data's end where the US voted no: how many other
   states sided with it, and which share of those were Israel, Micronesia, the Marshall
   Islands, Palau, Nauru, Canada and Australia (the reason for ``NEARLY_ALONE_MAX``).
3. For the administrations 1989-2021: the Spearman correlation across members of the
   agreement over the first n roll calls after the inauguration with that over the whole
   first year (the reason for ``MIN_ROLLCALLS``).

Run: ``.venv/bin/python benchmarks/administration_alignment.py``
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from unvote import paths
from unvote.administration import (
    ADMINISTRATION_STARTS,
    MIN_ROLLCALLS,
    NEARLY_ALONE_MAX,
    US,
    administration_alignment,
    administration_start,
    administration_votes,
    nearly_alone,
)
from unvote.countries import members_on
from unvote.dates import CUTOFF
from unvote.idealpoints import vote_matrix
from unvote.rollcalls import agreement, votes_before, window

#: The seven states that side with the US when it is nearly alone (table 2).
CORE = ("ISR", "FSM", "MHL", "PLW", "NRU", "CAN", "AUS")
FIRST_N = (10, 15, 20, 25, 30, 40, 60)


def as_of_table(votes: pd.DataFrame, embargo: pd.DataFrame) -> pd.DataFrame:
    """Table 1: one row per as-of date."""
    days = embargo.loc[embargo["year"].between(2017, 2024)].groupby("year")["date"].min()
    as_ofs = [*(days - pd.Timedelta(days=1)), CUTOFF]
    rows = []
    for as_of in as_ofs:
        start = administration_start(as_of)
        before = votes_before(votes, as_of)
        since = before.loc[before["date"] >= start, "resolution"].nunique()
        matrix = vote_matrix(administration_votes(votes, as_of))
        table = administration_alignment(votes, as_of)
        members = members_on(as_of)
        year_agree = agreement(vote_matrix(window(votes, as_of)), US)["agree"].reindex(members)
        rows.append(
            {
                "as_of": as_of.date(),
                "start": start.date(),
                "since_start": since,
                "fallback": since < MIN_ROLLCALLS,
                "used": matrix.shape[1],
                "nearly_alone": int(nearly_alone(matrix).sum()),
                "median_agree_us_admin": float(np.nanmedian(table["agree_us_admin"])),
                "median_agree_us_365d": float(np.nanmedian(year_agree)),
            }
        )
    return pd.DataFrame(rows)


def siding_table(votes: pd.DataFrame) -> pd.DataFrame:
    """Table 2: US no votes by the number of others casting no, and the CORE share of those."""
    matrix = vote_matrix(votes.loc[votes["date"] >= ADMINISTRATION_STARTS[0]])
    us = matrix.loc[US]
    others = matrix.drop(index=US)
    no = us.index[us == 0.0]
    siding = others[no].eq(0.0)
    count = siding.sum(axis=0)
    rows = []
    for k in range(1, 16):
        cols = count.index[count == k]
        sides = siding[cols]
        rows.append(
            {
                "others": k,
                "roll_calls": len(cols),
                "core_share": float(sides.loc[list(CORE)].sum().sum() / max(sides.sum().sum(), 1)),
                "cumulative_share_of_us_no": float((count <= k).mean()),
            }
        )
    return pd.DataFrame(rows)


def first_n_table(votes: pd.DataFrame) -> pd.DataFrame:
    """Table 3: rank correlation of agreement over the first n roll calls with the first year's."""
    rows = {}
    for start in ADMINISTRATION_STARTS[:-1]:
        year = votes.loc[
            (votes["date"] >= start) & (votes["date"] < start + pd.Timedelta(365, "D"))
        ]
        members = members_on(start + pd.Timedelta(days=365))
        full = agreement(vote_matrix(year), US)["agree"].reindex(members)
        order = year.drop_duplicates("resolution").sort_values(["date", "resolution"])
        order = order["resolution"].tolist()
        row = {}
        for n in FIRST_N:
            first = year.loc[year["resolution"].isin(order[:n])]
            part = agreement(vote_matrix(first), US)["agree"].reindex(members)
            row[n] = part.corr(full, method="spearman")
        rows[start.year] = row
    table = pd.DataFrame(rows).T
    table.loc["median"] = table.median()
    table.loc["min"] = table.iloc[:-1].min()
    return table


def main() -> int:
    from unvote.history import load_all_votes, load_embargo_votes

    for path in (paths.ALL_VOTES_PARQUET, paths.EMBARGO_VOTES_CSV):
        if not path.exists():
            print(f"{path} not found: run `make data` first", file=sys.stderr)
            return 1
    votes = load_all_votes(paths.ALL_VOTES_PARQUET)
    embargo = load_embargo_votes(paths.EMBARGO_VOTES_CSV)

    def fmt(value: float) -> str:
        return f"{value:.3f}"

    print(
        f"1. As of each date (MIN_ROLLCALLS={MIN_ROLLCALLS}, NEARLY_ALONE_MAX={NEARLY_ALONE_MAX})"
    )
    print(as_of_table(votes, embargo).to_string(index=False, float_format=fmt))
    print(f"\n2. US no votes since 1989 by the number of others voting no; core = {CORE}")
    print(siding_table(votes).to_string(index=False, float_format=fmt))
    print("\n3. Spearman: agreement over the first n roll calls vs the first year (columns n)")
    print(first_n_table(votes).to_string(float_format=fmt))
    return 0


if __name__ == "__main__":
    sys.exit(main())
