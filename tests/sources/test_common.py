"""Steps the readers share: dates, sessions, absentees, duplicates."""

from __future__ import annotations

import pandas as pd
import pytest

from unvote.errors import DataError
from unvote.sources import parse_date, regular_session_on, roll_call, session_of


@pytest.mark.parametrize(
    "text",
    ["2024-09-22", "2024-09-22 00:00:00", "22 September 2024", "22\xa0September 2024",
     " 22  SEPTEMBER\xa02024 "],
)  # fmt: skip
def test_parse_date_spellings(text):
    assert parse_date(text, source="f") == pd.Timestamp("2024-09-22")


@pytest.mark.parametrize("text", ["2024-02-30", "22 Septembre 2024", "2011", ""])
def test_parse_date_rejects(text):
    with pytest.raises(DataError, match=r"^file: date"):
        parse_date(text, source="file")


@pytest.mark.parametrize(
    ("symbol", "date", "session"),
    [
        ("A/RES/79/7", "2024-10-30", 79),
        ("A/RES/2758(XXVI)", "1971-10-25", 26),
        ("A/RES/1004(ES-II)", "1956-11-04", 11),
        ("A/RES/ES-11/1", "2022-03-02", 76),
        ("A/RES/ES-11/4", "2022-10-12", 77),
        ("A/RES/ES-8/2", "1981-09-14", 35),  # the 36th session opened on 15 September
        ("A/RES/ES-10/24", "2024-09-18", 79),
        ("A/RES/S-14/1", "1986-09-20", 41),
        ("A/73/L.42", "2018-12-06", 73),
    ],
)
def test_session_of(symbol, date, session):
    assert session_of(symbol, pd.Timestamp(date)) == session


def test_regular_session_numbering():
    # the first session sat from January 1946 to September 1947
    assert regular_session_on(pd.Timestamp("1946-01-26")) == 1
    assert regular_session_on(pd.Timestamp("1947-05-15")) == 1
    assert regular_session_on(pd.Timestamp("1947-10-01")) == 2
    assert regular_session_on(pd.Timestamp("2025-06-01")) == 79
    assert regular_session_on(pd.Timestamp("2025-09-30")) == 80


def test_roll_call_rows_are_the_members_of_the_day():
    # Czechoslovakia split on 1 January 1993: its successors are members in 1993
    frame = roll_call(
        "A/RES/48/16", pd.Timestamp("1993-11-03"), "t", {"yes": ["CUBA"], "no": ["CZECHIA"]},
        source="f",
    )  # fmt: skip
    assert {"CZE", "SVK"} <= set(frame["iso3"]) and "CSK" not in set(frame["iso3"])
    assert frame["vote"].value_counts()[["yes", "no"]].tolist() == [1, 1]
