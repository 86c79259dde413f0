"""The UN Digital Library bulk-CSV reader: the official sample and tiny fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from unvote.errors import DataError
from unvote.paths import SHARED_RAW_DIR
from unvote.sources.undl import read_undl

SAMPLE = SHARED_RAW_DIR / "undl_sample" / "2025_7_23_ga_voting_sample.csv"


def bulk(rows, columns=None) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["ms_code", "ms_vote", "resolution", "total_yes", "total_no"]
    ).assign(
        date="1992-11-24",
        session="47",
        title="Necessity of ending the embargo",
        total_abstentions="1.0",
        total_ms="4.0",
        undl_link="https://digitallibrary.un.org/record/1",
    )
    return frame[columns] if columns else frame


ROWS = [
    ("CUB", "Y", "A/RES/47/19", "1.0", "2.0"),
    ("USA", "N", "A/RES/47/19", "1.0", "2.0"),
    ("ISR", "N", "A/RES/47/19", "1.0", "2.0"),
    ("MEX", "A", "A/RES/47/19", "1.0", "2.0"),
]


def write(tmp_path, frame, name="bulk.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_reads_by_column_name_in_any_order(tmp_path):
    frame = bulk(ROWS)
    shuffled = frame[list(reversed(frame.columns))].assign(extra_column="x")
    tidy = read_undl(write(tmp_path, shuffled))
    assert tidy.set_index("iso3")["vote"].astype(str).to_dict() == {
        "CUB": "yes",
        "ISR": "no",
        "MEX": "abstain",
        "USA": "no",
    }
    assert tidy["session"].unique().tolist() == [47]


def test_totals_are_checked(tmp_path):
    frame = bulk(ROWS).assign(total_yes="2.0")
    with pytest.raises(DataError, match=r"bulk\.csv.*A/RES/47/19.*1-2-1.*2-2-1"):
        read_undl(write(tmp_path, frame))


def test_cut_extract_needs_complete_false(tmp_path):
    path = write(tmp_path, bulk(ROWS[:3]))
    with pytest.raises(DataError, match="has 3 rows, total_ms says 4"):
        read_undl(path)
    assert len(read_undl(path, complete=False)) == 3


@pytest.mark.parametrize(
    ("rows", "drop", "pattern"),
    [
        (ROWS, "ms_vote", r"missing column\(s\) \['ms_vote'\]"),
        ([*ROWS[:3], ("MEX", "Z", "A/RES/47/19", "1.0", "2.0")], None, r"line 5.*'Z'"),
        ([*ROWS[:3], ("MEXICO", "A", "A/RES/47/19", "1.0", "2.0")], None, r"line 5.*'MEXICO'"),
        ([*ROWS, ("MEX", "Y", "A/RES/47/19", "1.0", "2.0")], None, r"MEX appears twice"),
        (
            [(*row[:4], "two") for row in ROWS],
            None,
            r"A/RES/47/19: column 'total_no' holds 'two', expected a number",
        ),
    ],
)
def test_bad_input(tmp_path, rows, drop, pattern):
    frame = bulk(rows)
    if drop:
        frame = frame.drop(columns=drop)
    with pytest.raises(DataError, match=pattern):
        read_undl(write(tmp_path, frame))


@pytest.mark.raw
def test_official_sample():
    if not SAMPLE.is_file():
        pytest.skip(f"{SAMPLE} not present (raw UN files are not part of the project)")
    # the sample is the first 100 rows of the bulk file: one resolution, cut short
    with pytest.raises(DataError, match="has 100 rows, total_ms says 159"):
        read_undl(SAMPLE)
    tidy = read_undl(SAMPLE, complete=False)
    assert len(tidy) == 100
    assert tidy["resolution"].unique().tolist() == ["A/RES/40/86"]
    assert tidy["date"].unique().tolist() == [pd.Timestamp("1985-12-12")]
    assert tidy["vote"].value_counts().to_dict() == {"yes": 88, "absent": 8, "abstain": 4, "no": 0}


def test_federal_republic_of_germany_code(tmp_path):
    rows = [("GER", "Y", "A/RES/40/86", "2.0", "0.0"), ("CUB", "Y", "A/RES/40/86", "2.0", "0.0")]
    frame = bulk(rows).assign(total_abstentions="0.0", total_ms="2.0")
    assert sorted(read_undl(write(tmp_path, frame))["iso3"]) == ["CUB", "DEU"]


def test_bad_date_names_the_line_and_resolution(tmp_path):
    frame = bulk(ROWS)
    frame.loc[2, "date"] = "24/11/1992"
    with pytest.raises(
        DataError, match=r"line 4 \(A/RES/47/19\), column 'date': date '24/11/1992'"
    ):
        read_undl(write(tmp_path, frame))


def test_session_from_the_symbol_when_the_column_is_empty(tmp_path):
    frame = bulk(ROWS).assign(session="")
    frame.loc[3, "session"] = "47"
    assert read_undl(write(tmp_path, frame))["session"].unique().tolist() == [47]
