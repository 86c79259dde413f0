"""The wide scrape reader on tiny hand-built files."""

from __future__ import annotations

import pandas as pd
import pytest

from unvote.errors import DataError
from unvote.sources.ga_scrape import read_ga_scrape
from unvote.votes import VOTE_LEVELS

from .rawfiles import SCRAPE_COUNTRIES, good_scrape_rows, scrape_row, write_scrape


def test_reads_ga_rows_only_with_codes_members_and_sessions(tmp_path):
    tidy = read_ga_scrape(write_scrape(tmp_path / "scrape.csv", good_scrape_rows()))

    assert set(tidy["resolution"]) == {"A/RES/47/19", "A/RES/2758(XXVI)"}
    cuba92 = tidy.loc[tidy["resolution"] == "A/RES/47/19"].set_index("iso3")["vote"]
    assert cuba92.astype(str).to_dict() == {
        "CUB": "yes",
        "USA": "no",
        "ISR": "no",
        "RUS": "abstain",
        "MEX": "absent",  # X = non-voting member
    }
    # USSR is the Russian Federation's seat; empty cells (non-members) give no row
    china71 = tidy.loc[tidy["resolution"] == "A/RES/2758(XXVI)"]
    assert sorted(china71["iso3"]) == ["CUB", "ISR", "RUS", "USA"]
    assert china71["session"].unique().tolist() == [26]
    assert tidy.loc[tidy["resolution"] == "A/RES/47/19", "session"].unique().tolist() == [47]
    assert tidy["title"].unique().tolist() == ["Some title"]
    assert list(tidy["vote"].cat.categories) == list(VOTE_LEVELS)
    assert tidy["date"].dtype == "datetime64[ns]"
    assert tidy.loc[0, "date"] == pd.Timestamp("1971-10-25")


def test_identical_duplicate_is_read_once(tmp_path):
    rows = [*good_scrape_rows(), good_scrape_rows()[0]]
    tidy = read_ga_scrape(write_scrape(tmp_path / "scrape.csv", rows))
    assert (tidy["resolution"] == "A/RES/47/19").sum() == 5


def test_conflicting_duplicate_names_resolution_and_country(tmp_path):
    changed = scrape_row(
        "A/RES/47/19",
        {"CUBA": "Y", "UNITED STATES": "N", "ISRAEL": "N", "RUSSIAN FEDERATION": "Y",
         "MEXICO": "X"},
    )  # fmt: skip
    path = write_scrape(tmp_path / "scrape.csv", [*good_scrape_rows(), changed])
    with pytest.raises(DataError, match=r"scrape\.csv.*A/RES/47/19.*different votes.*RUS"):
        read_ga_scrape(path)


def test_counts_disagreeing_with_cells_name_file_resolution_and_numbers(tmp_path):
    # ABSENT COUNT holds the abstentions: 1 stated, but the cells hold none
    row = scrape_row("A/RES/47/19", {"CUBA": "Y", "UNITED STATES": "N"}, counts=(1, 1, 1))
    path = write_scrape(tmp_path / "scrape.csv", [row])
    with pytest.raises(DataError) as err:
        read_ga_scrape(path)
    message = str(err.value)
    assert "scrape.csv" in message and "line 2" in message and "A/RES/47/19" in message
    assert "1-1-0" in message and "1-1-1" in message


def test_unknown_vote_code_names_line_and_column(tmp_path):
    row = scrape_row("A/RES/47/19", {"CUBA": "Y", "MEXICO": "Q"}, counts=(1, 0, 0))
    with pytest.raises(DataError, match=r"line 2 \(A/RES/47/19\), column 'MEXICO'.*'Q'"):
        read_ga_scrape(write_scrape(tmp_path / "scrape.csv", [row]))


def test_unmappable_column_name(tmp_path):
    columns = [*SCRAPE_COUNTRIES, "ATLANTIS"]
    row = scrape_row("A/RES/47/19", {"CUBA": "Y", "ATLANTIS": "Y"})
    path = write_scrape(tmp_path / "scrape.csv", [row], columns=[*row][:11] + columns)
    with pytest.raises(DataError, match=r"scrape\.csv.*ATLANTIS"):
        read_ga_scrape(path)


def test_missing_column(tmp_path):
    columns = [c for c in good_scrape_rows()[0] if c != "YES COUNT"]
    path = write_scrape(tmp_path / "scrape.csv", good_scrape_rows(), columns=columns)
    with pytest.raises(DataError, match=r"scrape\.csv: missing column\(s\) \['YES COUNT'\]"):
        read_ga_scrape(path)


def test_year_only_date_is_fixed_only_for_known_records(tmp_path):
    known = scrape_row("A/RES/66/230", {"CUBA": "N"}, date="2011")
    tidy = read_ga_scrape(write_scrape(tmp_path / "a.csv", [known]))
    assert tidy["date"].tolist() == [pd.Timestamp("2011-12-24")]
    unknown = scrape_row("A/RES/66/1", {"CUBA": "N"}, date="2011")
    with pytest.raises(DataError, match=r"A/RES/66/1.*'2011' gives only the year"):
        read_ga_scrape(write_scrape(tmp_path / "b.csv", [unknown]))


def test_draft_record_twin_of_a_resolution_is_dropped(tmp_path):
    cells = {"CUBA": "Y", "UNITED STATES": "N"}
    rows = [
        scrape_row("A/RES/76/10", cells, date="2021-12-01"),
        scrape_row("A/76/L.14", cells, date="2021-12-01"),
        scrape_row("A/73/L.42", {"CUBA": "N", "UNITED STATES": "Y"}, date="2018-12-06"),
    ]
    tidy = read_ga_scrape(write_scrape(tmp_path / "scrape.csv", rows))
    # the twin is dropped, the vote on a draft that was not adopted is kept
    assert sorted(tidy["resolution"].unique()) == ["A/73/L.42", "A/RES/76/10"]
    assert tidy.loc[tidy["resolution"] == "A/73/L.42", "session"].unique().tolist() == [73]


def test_two_headers_of_one_state(tmp_path):
    # RUSSIAN FEDERATION and USSR are one seat: agreeing cells are one vote, differing ones fail
    columns = [*SCRAPE_COUNTRIES]
    same = scrape_row("A/RES/47/1", {"USSR": "Y", "RUSSIAN FEDERATION": "Y"}, counts=(1, 0, 0))
    tidy = read_ga_scrape(write_scrape(tmp_path / "a.csv", [same], columns=[*same][:11] + columns))
    assert tidy[["iso3", "vote"]].astype(str).values.tolist() == [["RUS", "yes"]]
    differ = scrape_row("A/RES/47/1", {"USSR": "Y", "RUSSIAN FEDERATION": "N"}, counts=(1, 1, 0))
    path = write_scrape(tmp_path / "b.csv", [differ], columns=[*differ][:11] + columns)
    with pytest.raises(DataError, match=r"b\.csv: line 2 \(A/RES/47/1\): two columns for RUS "):
        read_ga_scrape(path)
