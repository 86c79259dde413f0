"""Departures at the precedents: hand-checked values, the as-of rule, the sign, absences."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from tidy_votes import tidy_votes

import unvote.precedents as prec
from unvote import paths
from unvote.build import EMBARGO_TITLE
from unvote.errors import DataError
from unvote.precedents import (
    departures,
    expected_score,
    precedent_response,
    precedent_votes,
    precedents,
)

MEMBERS = ["AAA", "BBB", "CCC", "DDD", "EEE", "USA"]
# Roll calls: (resolution, date, title, positions of AAA BBB CCC DDD EEE USA). The symbols
# and days of the two precedents are the real ones, so the shipped facts table applies.
ROLL_CALLS = [
    ("A/RES/68/8", "2013-10-29", EMBARGO_TITLE, "no yes yes yes absent no"),  # 4th back
    ("A/RES/69/5", "2014-10-28", EMBARGO_TITLE, "yes yes yes yes absent no"),
    ("A/RES/70/5", "2015-10-27", EMBARGO_TITLE, "yes abstain yes absent absent no"),
    ("A/RES/71/5", "2016-10-26", EMBARGO_TITLE, "yes yes yes absent absent abstain"),
    ("A/RES/70/90", "2016-06-01", "Jerusalem", "no no no no absent no"),  # > 365 days before
    ("A/RES/71/9", "2017-06-01", "Palestine refugees", "yes yes abstain yes absent no"),
    ("A/RES/71/10", "2017-06-02", "Oceans and the law of the sea", "no no no no no yes"),
    ("A/RES/72/4", "2017-11-01", EMBARGO_TITLE, "abstain no yes absent no no"),
    ("A/RES/ES-10/19", "2017-12-21", "Status of Jerusalem", "yes abstain yes no no no"),
]
# Later roll calls: none may change anything as of a day before them.
LATER = [
    ("A/RES/72/90", "2018-06-01", "Question of Palestine", "no no no no no yes"),
    ("A/RES/73/8", "2018-11-01", EMBARGO_TITLE, "no no no no no no"),
]
AS_OF = "2018-01-01"


def _tidy(rows) -> pd.DataFrame:
    return tidy_votes(rows, MEMBERS)


@pytest.fixture
def votes() -> pd.DataFrame:
    return _tidy(ROLL_CALLS)


def _row(resolution: str) -> pd.Series:
    table = precedents()
    return table.loc[table["resolution"] == resolution].iloc[0]


# --- the facts table ------------------------------------------------------------------------
def test_facts_table_loads_with_real_symbols():
    table = precedents()
    assert list(table.columns) == list(prec.COLUMNS)
    assert table["resolution"].tolist() == [
        "A/RES/72/4",
        "A/RES/ES-10/19",
        "A/RES/73/8",
        "A/RES/74/7",
    ]
    assert table["date"].is_monotonic_increasing
    assert set(table["subject"]) == set(prec.SUBJECTS)
    symbol = re.compile(r"A/RES/(ES-\d+/\d+|\d+/\d+)")
    assert all(symbol.fullmatch(r) for r in table["resolution"])
    assert (table["source"].str.len() > 20).all() and (table["us_ask"].str.len() > 5).all()
    # The embargo rows are the committed embargo votes of those days, symbol and day.
    embargo = pd.read_csv(paths.EMBARGO_VOTES_CSV, usecols=["date", "resolution"])
    recorded = set(embargo.drop_duplicates().itertuples(index=False, name=None))
    rows = table[table["subject"] == "cuba_embargo"]
    assert {
        (d.strftime("%Y-%m-%d"), r) for d, r in zip(rows["date"], rows["resolution"], strict=True)
    } <= recorded
    assert _row("A/RES/ES-10/19")["date"] == pd.Timestamp("2017-12-21")


def test_facts_table_rejects_an_unknown_subject(monkeypatch):
    bad = precedents().astype({"date": str})
    bad.loc[0, "subject"] = "guam"
    monkeypatch.setattr(
        prec, "read_facts", lambda *_: bad.assign(date=pd.to_datetime(bad["date"]))
    )
    prec._precedents.cache_clear()
    try:
        with pytest.raises(DataError, match=r"precedents.csv: column 'subject': \['guam'\]"):
            precedents()
    finally:
        prec._precedents.cache_clear()


# --- expected scores and departures -----------------------------------------------------
def test_expected_score_embargo_uses_the_last_three_votes_present(votes):
    got = expected_score(votes, _row("A/RES/72/4"), MEMBERS)
    # AAA's no of 2013 is the 4th vote back; DDD was present once; EEE never.
    want = [1.0, 2.5 / 3, 1.0, 1.0, np.nan, 0.5 / 3]
    np.testing.assert_allclose(got.to_numpy(), want)
    assert got.index.tolist() == MEMBERS


def test_expected_score_jerusalem_uses_same_subject_titles_of_the_year_before(votes):
    got = expected_score(votes, _row("A/RES/ES-10/19"), ["CCC", "AAA", "EEE"])
    # Only "Palestine refugees" counts: "Oceans" is off the subject, "Jerusalem" of
    # 2016-06-01 is more than 365 days before; EEE was absent from it.
    np.testing.assert_allclose(got.to_numpy(), [0.5, 1.0, np.nan])


def test_departures_marks_absent_states_apart(votes):
    got = departures(votes, "A/RES/72/4")
    assert got.dtype == "boolean"
    assert got.isna().tolist() == [False, False, False, True, False, False]  # DDD absent
    assert got.dropna().to_dict() == {
        "AAA": True, "BBB": True, "CCC": False, "EEE": True, "USA": True
    }  # fmt: skip
    assert got.dropna().index.tolist() == ["AAA", "BBB", "CCC", "EEE", "USA"]
    with pytest.raises(DataError, match="A/RES/73/8"):
        departures(votes, "A/RES/73/8")


# --- the feature --------------------------------------------------------------------------
def test_precedent_response_by_hand(votes):
    got = precedent_response(votes, AS_OF, MEMBERS)
    # Departure at 72/4 | at ES-10/19 (expected - actual):
    # AAA 1-0.5 | 1-1; BBB 5/6-0 | 1-0.5; CCC 1-1 | 0.5-1; DDD absent | 1-0;
    # EEE no baseline at either; USA 1/6-0 | 0-0.
    want = pd.DataFrame(
        {
            "precedent_departure": [0.25, (5 / 6 + 0.5) / 2, -0.25, 1.0, np.nan, 1 / 12],
            "n_precedents": [2, 2, 2, 1, 0, 2],
            "precedent_departure_max": [0.5, 5 / 6, 0.0, 1.0, np.nan, 1 / 6],
        },
        index=pd.Index(MEMBERS, name="iso3"),
    )
    pd.testing.assert_frame_equal(got, want)


def test_sign_positive_towards_the_us_negative_away(votes):
    got = precedent_response(votes, AS_OF, MEMBERS)["precedent_departure_max"]
    assert got["DDD"] == 1.0  # yes on Palestine before, no at ES-10/19: all the way to the US
    flipped = votes.copy()
    at = (flipped["resolution"] == "A/RES/ES-10/19") & (flipped["iso3"] == "DDD")
    flipped.loc[at, "vote"] = "yes"
    assert precedent_response(flipped, AS_OF, MEMBERS).loc["DDD", "precedent_departure"] == 0.0
    # CCC abstained on Palestine before and voted yes at ES-10/19: away from the US.
    each = precedent_response(votes, AS_OF, ["CCC"])
    assert each.loc["CCC", "precedent_departure"] < 0


def test_as_of_rule(votes):
    # A precedent on or after as_of contributes nothing.
    on_day = precedent_response(votes, "2017-12-21", MEMBERS)
    assert on_day["n_precedents"].max() == 1
    assert on_day.loc["AAA", "precedent_departure"] == 0.5
    none = precedent_response(votes, "2017-11-01", MEMBERS)
    assert none["precedent_departure"].isna().all() and (none["n_precedents"] == 0).all()
    # Votes after as_of, a later precedent's among them, change nothing.
    later = pd.concat([votes, _tidy(LATER)], ignore_index=True)
    pd.testing.assert_frame_equal(
        precedent_response(later, AS_OF, MEMBERS), precedent_response(votes, AS_OF, MEMBERS)
    )
    # ... but once that precedent is before as_of it counts.
    after = precedent_response(later, "2019-01-01", MEMBERS)
    assert after["n_precedents"].max() == 3


def test_absent_states_are_left_out_not_counted(votes):
    got = precedent_response(votes, AS_OF, MEMBERS)
    # DDD was absent at 72/4: one precedent, not a departure of 0 or 1 there.
    assert got.loc["DDD", "n_precedents"] == 1
    absent = votes.copy()
    absent.loc[absent["iso3"] == "AAA", "vote"] = "absent"
    again = precedent_response(absent, AS_OF, MEMBERS)
    assert np.isnan(again.loc["AAA", "precedent_departure"])
    assert again.loc["AAA", "n_precedents"] == 0
    pd.testing.assert_frame_equal(again.drop(index="AAA"), got.drop(index="AAA"))


def test_default_members_and_errors(votes):
    got = precedent_response(votes, AS_OF)
    assert len(got) == 193 and got.index.is_monotonic_increasing
    assert got.loc["AAA":"AAA"].empty  # not a member state
    without = votes[votes["resolution"] != "A/RES/ES-10/19"]
    with pytest.raises(DataError, match=r"precedent A/RES/ES-10/19 .* no roll call"):
        precedent_response(without, AS_OF, MEMBERS)
    moved = votes.copy()
    moved.loc[moved["resolution"] == "A/RES/72/4", "date"] = pd.Timestamp("2017-11-02")
    with pytest.raises(DataError, match=r"A/RES/72/4 dated 2017-11-01.*2017-11-02"):
        precedent_response(moved, AS_OF, MEMBERS)


def test_precedent_votes_keep_what_the_response_reads(votes):
    """The subset the features build reads (selected once) gives the same responses."""
    rows = precedent_votes(_tidy(ROLL_CALLS + LATER))
    unrelated = "A/RES/71/10"  # the law of the sea: neither subject nor precedent
    kept = set(rows["resolution"])
    assert unrelated not in kept and kept < {r[0] for r in ROLL_CALLS + LATER}
    everything = _tidy(ROLL_CALLS + LATER)
    for as_of in ("2017-11-02", AS_OF, "2019-01-01"):
        pd.testing.assert_frame_equal(
            precedent_response(rows, as_of, MEMBERS),
            precedent_response(everything, as_of, MEMBERS),
        )


# --- the real data ------------------------------------------------------------------------
@pytest.mark.raw
def test_real_precedents():
    """On the recorded votes: the precedents are there and the departures follow the record."""
    if not paths.SHARED_RAW_DIR.exists():
        pytest.skip(f"raw UN files not present at {paths.SHARED_RAW_DIR}")
    if not paths.ALL_VOTES_PARQUET.exists():
        pytest.skip(f"{paths.ALL_VOTES_PARQUET} not built: run `make data`")
    from unvote.history import load_all_votes

    votes = load_all_votes(paths.ALL_VOTES_PARQUET)
    jerusalem = departures(votes, "A/RES/ES-10/19")
    # The recorded tally of 21 December 2017: 128 yes, 9 no, 35 abstentions, 21 absent.
    assert jerusalem.isna().sum() == 21 and jerusalem.dropna().sum() == 9 + 35

    # As of 1 October 2019 the 2019 embargo vote (7 November) is still to come.
    before_2019 = precedent_response(votes, "2019-10-01")
    assert before_2019["n_precedents"].max() == 3
    latest = precedent_response(votes, "2025-10-01")
    assert latest["n_precedents"].max() == 4

    # States that abstained at ES-10/19 after voting yes at every Palestine roll call of
    # the year before it departed by 0.5 there, and on balance towards the US by then.
    expected = expected_score(votes, _row("A/RES/ES-10/19"), jerusalem.index)
    abstained = votes.loc[
        (votes["resolution"] == "A/RES/ES-10/19") & (votes["vote"] == "abstain"), "iso3"
    ]
    loyal = sorted(set(abstained) & set(expected[expected == 1.0].index))
    print("abstained at ES-10/19 after yes on every Palestine vote:", loyal)
    assert len(loyal) >= 5
    early = precedent_response(votes, "2018-01-01")
    assert (early.loc[loyal, "precedent_departure"] > 0).all()
    # The US itself: it abstained in 2016 and voted no in 2017 (1/6 at 72/4); it abstained
    # at 2 of the 18 Palestine roll calls of the year and voted no at ES-10/19 (1/18).
    assert early.loc["USA", "precedent_departure"] == pytest.approx((1 / 6 + 1 / 18) / 2)
    # Brazil voted yes in 2016-2018 and no in 2019: a full departure at 74/7.
    assert latest.loc["BRA", "precedent_departure_max"] == 1.0
    print(latest.sort_values("precedent_departure", ascending=False).head(10))
