"""The as-of cuts: a slice of a date-sorted table, a mask otherwise, the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unvote.rollcalls import votes_before, votes_between, window


@pytest.fixture
def votes() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, 400), unit="D")
    return pd.DataFrame(
        {"resolution": [f"R{i}" for i in range(400)], "date": days.astype("datetime64[ns]")}
    )


@pytest.mark.parametrize("order", ["sorted", "shuffled"])
def test_cuts_are_the_rows_the_rule_names(votes, order):
    table = votes.sort_values("date", kind="stable") if order == "sorted" else votes
    assert table["date"].is_monotonic_increasing == (order == "sorted")
    date = table["date"]
    for day in ("2019-06-01", "2020-01-01", "2020-07-15", "2021-03-03", "2023-01-01"):
        as_of = pd.Timestamp(day)
        start = as_of - pd.Timedelta(days=365)
        pd.testing.assert_frame_equal(votes_before(table, as_of), table.loc[date < as_of])
        pd.testing.assert_frame_equal(
            window(table, as_of), table.loc[(date >= start) & (date < as_of)]
        )
        pd.testing.assert_frame_equal(
            votes_between(table, start, as_of), window(table, as_of, days=365)
        )
