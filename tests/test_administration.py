"""Alignment with the current US administration: hand-checked values and the as-of rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tidy_votes import tidy_votes

from unvote import paths
from unvote.administration import (
    ADMINISTRATION_STARTS,
    MIN_ROLLCALLS,
    NEARLY_ALONE_MAX,
    administration_alignment,
    administration_start,
    administration_votes,
    nearly_alone,
)
from unvote.errors import DataError
from unvote.idealpoints import vote_matrix

MEMBERS = ["AAA", "BBB", "CCC", "DDD", "USA"]
AS_OF = pd.Timestamp("2021-06-01")  # the span starts on 2021-01-20; 365 days back: 2020-06-01

# Positions of AAA, BBB, CCC, DDD, USA.
ROLL_CALLS = [
    ("A/RES/0", "2020-05-01", "yes yes yes yes no"),  # more than 365 days before AS_OF
    ("A/RES/1", "2020-12-10", "no no no no no"),  # previous administration, inside 365 days
    ("A/RES/2", "2021-02-01", "no yes abstain absent no"),  # US no with 1 other
    ("A/RES/3", "2021-03-01", "yes yes no abstain yes"),  # US yes with 2 others
    ("A/RES/4", "2021-04-01", "abstain yes yes yes abstain"),  # US abstains
]
COLUMNS = [
    "agree_us_admin",
    "n_common_us_admin",
    "us_lonely_share",
    "n_us_lonely",
    "agree_us_admin_pct",
    "us_lonely_pct",
]


def _tidy(rows) -> pd.DataFrame:
    return tidy_votes(rows, MEMBERS, session=75)


@pytest.fixture
def votes() -> pd.DataFrame:
    return _tidy(ROLL_CALLS)


def _alignment(votes, **kwargs) -> pd.DataFrame:
    kwargs = {"min_rollcalls": 3, "max_others": 1} | kwargs
    return administration_alignment(votes, AS_OF, MEMBERS, **kwargs)


# --- the start date -----------------------------------------------------------------------
def test_starts_are_the_inaugurations_in_order():
    assert len(ADMINISTRATION_STARTS) == 7
    assert list(ADMINISTRATION_STARTS) == sorted(ADMINISTRATION_STARTS)
    assert all((day.month, day.day) == (1, 20) for day in ADMINISTRATION_STARTS)
    assert [day.year for day in ADMINISTRATION_STARTS] == [
        1989, 1993, 2001, 2009, 2017, 2021, 2025
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "start"),
    [
        ("1989-01-21", "1989-01-20"),  # the first day allowed
        ("1993-01-20", "1989-01-20"),  # on an inauguration day: votes before it only
        ("1993-01-21", "1993-01-20"),
        ("2000-12-31", "1993-01-20"),  # a re-election (1997) starts no new administration
        ("2024-10-29", "2021-01-20"),
        ("2025-01-20", "2021-01-20"),
        ("2025-01-21", "2025-01-20"),
        (pd.Timestamp("2025-10-01 15:30"), "2025-01-20"),  # the time of day is ignored
    ],
)
def test_administration_start(as_of, start):
    assert administration_start(as_of) == pd.Timestamp(start)


@pytest.mark.parametrize("as_of", ["1989-01-20", "1975-06-01"])
def test_administration_start_before_the_first_start_is_an_error(as_of):
    with pytest.raises(DataError, match=r"as_of .* allowed: 1989-01-21 or later"):
        administration_start(as_of)


# --- hand-checked values ------------------------------------------------------------------
def test_alignment_by_hand(votes):
    out = _alignment(votes)
    assert list(out.columns) == COLUMNS
    assert list(out.index) == MEMBERS and out.index.name == "iso3"
    # Span: A/RES/2, 3, 4. Scores AAA 1,1,1; BBB 0,1,.5; CCC .5,0,.5; DDD absent,.5,.5.
    np.testing.assert_allclose(out["agree_us_admin"], [1, 0.5, 1 / 3, 0.5, 1])
    assert out["n_common_us_admin"].tolist() == [3, 3, 3, 2, 3]
    # Nearly alone with max_others=1: A/RES/2 only; DDD was absent from it.
    np.testing.assert_allclose(out["us_lonely_share"], [1, 0, 0.5, np.nan, 1])
    assert out["n_us_lonely"].tolist() == [1, 1, 1, 0, 1]
    assert out["n_common_us_admin"].dtype == int and out["n_us_lonely"].dtype == int


def test_the_united_states_sides_with_itself(votes):
    out = _alignment(votes)
    assert out.loc["USA", "agree_us_admin"] == 1 and out.loc["USA", "us_lonely_share"] == 1
    # Top of the rank, shared with AAA that voted as the US throughout.
    assert out.loc["USA", "agree_us_admin_pct"] == out["agree_us_admin_pct"].max() == 0.9


def test_rank_scale(votes):
    out = administration_alignment(votes, AS_OF, [*MEMBERS, "EEE"], min_rollcalls=3, max_others=1)
    # agree 1, .5, 1/3, .5, 1 and EEE (no votes) NaN: ranks 4.5, 2.5, 1, 2.5, 4.5 of 5.
    np.testing.assert_allclose(out["agree_us_admin_pct"], [0.9, 0.5, 0.2, 0.5, np.nan, 0.9])
    # lonely 1, 0, .5, NaN, NaN, 1: ranks 3.5, 1, 2, -, -, 3.5 of 4.
    np.testing.assert_allclose(out["us_lonely_pct"], [0.875, 0.25, 0.5, np.nan, np.nan, 0.875])
    assert out.loc["EEE", "n_common_us_admin"] == 0 and out.loc["EEE", "n_us_lonely"] == 0
    ranked = out["agree_us_admin_pct"].dropna()
    assert ranked.gt(0).all() and ranked.le(1).all()


# --- what counts ------------------------------------------------------------------------
def test_votes_on_or_after_as_of_change_nothing(votes):
    later = _tidy(
        [
            ("A/RES/5", AS_OF.strftime("%Y-%m-%d"), "yes no no no yes"),
            ("A/RES/6", "2022-01-01", "no no no no yes"),
        ]
    )
    pd.testing.assert_frame_equal(
        _alignment(pd.concat([votes, later], ignore_index=True)), _alignment(votes)
    )


def test_roll_calls_before_the_start_are_ignored(votes):
    changed = votes.copy()
    before = changed["date"] < pd.Timestamp("2021-01-20")
    changed.loc[before, "vote"] = "yes"
    pd.testing.assert_frame_equal(_alignment(changed), _alignment(votes))
    assert set(administration_votes(votes, AS_OF, min_rollcalls=3)["resolution"]) == {
        "A/RES/2",
        "A/RES/3",
        "A/RES/4",
    }


def test_nearly_alone_threshold(votes):
    matrix = vote_matrix(votes)
    # Others casting the US's vote: R0 0, R1 4, R2 1, R3 2; on R4 the US abstained.
    assert nearly_alone(matrix, max_others=1).tolist() == [True, False, True, False, False]
    assert nearly_alone(matrix, max_others=2).tolist() == [True, False, True, True, False]
    assert nearly_alone(matrix, max_others=4).tolist() == [True, True, True, True, False]
    assert not nearly_alone(matrix.drop(index="USA")).any()
    # The threshold is a keyword of the alignment too: with 2, A/RES/3 joins A/RES/2.
    out = _alignment(votes, max_others=2)
    np.testing.assert_allclose(out["us_lonely_share"], [1, 0.5, 0.25, 0.5, 1])
    assert out["n_us_lonely"].tolist() == [2, 2, 2, 1, 2]
    assert NEARLY_ALONE_MAX == 8


def test_abstaining_with_the_us_is_not_siding_with_it():
    rows = [("A/RES/9", "2021-02-01", "abstain abstain abstain absent no")]
    assert nearly_alone(vote_matrix(_tidy(rows)), max_others=0).tolist() == [True]


# --- the fallback -------------------------------------------------------------------------
def test_fallback_to_365_days_when_the_span_is_short(votes):
    exact = _alignment(votes, min_rollcalls=3)  # 3 roll calls since the start: enough
    short = _alignment(votes, min_rollcalls=4)  # not enough: back to 2020-06-01
    used = administration_votes(votes, AS_OF, min_rollcalls=4)
    assert set(used["resolution"]) == {"A/RES/1", "A/RES/2", "A/RES/3", "A/RES/4"}
    assert exact["n_common_us_admin"].tolist() == [3, 3, 3, 2, 3]
    # A/RES/1 (all no) adds a 1 for everyone; A/RES/0, older than 365 days, stays out.
    np.testing.assert_allclose(short["agree_us_admin"], [1, 0.625, 0.5, 2 / 3, 1])
    assert short["n_common_us_admin"].tolist() == [4, 4, 4, 3, 4]
    # The default minimum is far above this toy's 3 roll calls: it falls back too.
    assert MIN_ROLLCALLS > 4
    pd.testing.assert_frame_equal(
        administration_alignment(votes, AS_OF, MEMBERS, max_others=1), short
    )


# --- the real data ------------------------------------------------------------------------
@pytest.mark.raw
def test_alignment_on_the_real_data_as_of_october_2025():
    """As of 2025-10-01: the roll calls since 2025-01-20, and who ranks near the US."""
    if not paths.ALL_VOTES_PARQUET.exists():
        pytest.skip(f"{paths.ALL_VOTES_PARQUET} not present: build it with `make data`")
    from unvote.history import load_all_votes

    votes = load_all_votes(paths.ALL_VOTES_PARQUET)
    as_of = pd.Timestamp("2025-10-01")
    used = administration_votes(votes, as_of)
    # 30 roll calls from 20 January to 30 September 2025 (the data stop there): no fallback.
    assert used["resolution"].nunique() == 30
    assert used["date"].min() >= pd.Timestamp("2025-01-20")
    out = administration_alignment(votes, as_of)
    assert len(out) == 193
    assert out.loc["USA", ["agree_us_admin", "us_lonely_share"]].tolist() == [1, 1]
    # Israel votes with the US more than any other state does: next to the US at the top.
    assert out.loc["ISR", "agree_us_admin_pct"] >= 0.95
    assert out.loc["ISR", "us_lonely_pct"] >= 0.95
    # Cuba, the embargo's target, sits near the bottom of agreement.
    assert out.loc["CUB", "agree_us_admin_pct"] <= 0.1
    # The US is nearly alone on most of 2025's roll calls.
    assert out.loc["USA", "n_us_lonely"] > 15
