"""The Secretariat's JSON-lines reader on tiny hand-built extracts."""

from __future__ import annotations

import pandas as pd
import pytest

from unvote.countries import members_on
from unvote.errors import DataError
from unvote.sources.unxml import KNOWN_BAD_RECORDS, read_unxml, read_unxml_dir

from .rawfiles import unxml_record, write_jsonl

CUBA_2024 = unxml_record(
    "A/RES/79/7",
    "30\xa0October 2024",
    yes=["CUBA", "MEXICO", "TÜRKİYE"],
    no=["UNITED STATES", "ISRAEL"],
    abstain=["REPUBLIC OF MOLDOVA"],
)


def test_recorded_vote_with_absentees_from_membership(tmp_path):
    quiet = unxml_record("A/RES/79/1", "2019-10-10 00:00:00")  # adopted without a vote
    tidy = read_unxml(write_jsonl(tmp_path / "79.json", [quiet, CUBA_2024]))

    assert tidy["resolution"].unique().tolist() == ["A/RES/79/7"]
    assert len(tidy) == len(members_on("2024-10-30")) == 193
    votes = tidy.set_index("iso3")["vote"].astype(str)
    assert votes[["CUB", "MEX", "TUR"]].eq("yes").all()
    assert votes[["USA", "ISR"]].eq("no").all()
    assert votes["MDA"] == "abstain"
    assert (votes == "absent").sum() == 193 - 6
    assert tidy["date"].unique().tolist() == [pd.Timestamp("2024-10-30")]
    assert tidy["session"].unique().tolist() == [79]


@pytest.mark.parametrize(
    "spelling", ["2024-10-30", "2024-10-30 00:00:00", "30 October 2024", "30\xa0october\xa02024"]
)
def test_date_spellings(tmp_path, spelling):
    record = {**CUBA_2024, "adoption_date": spelling}
    tidy = read_unxml(write_jsonl(tmp_path / "79.json", [record]))
    assert tidy["date"].unique().tolist() == [pd.Timestamp("2024-10-30")]


def test_bad_date_names_file_line_and_value(tmp_path):
    record = {**CUBA_2024, "adoption_date": "30 Octobre 2024"}
    with pytest.raises(DataError, match=r"79\.json: line 1: resolution A/RES/79/7.*Octobre"):
        read_unxml(write_jsonl(tmp_path / "79.json", [record]))


def test_duplicates_differing_only_in_spelling_are_read_once(tmp_path):
    respelled = {**CUBA_2024, "MS_in_favour": ["CUBA", "MEXICO", "TÜRKÝYE"]}
    tidy = read_unxml(write_jsonl(tmp_path / "79.json", [CUBA_2024, respelled]))
    assert len(tidy) == 193


def test_conflicting_duplicates_name_resolution_and_country(tmp_path):
    changed = unxml_record(
        "A/RES/79/7",
        "30 October 2024",
        yes=["CUBA", "MEXICO", "TÜRKİYE", "REPUBLIC OF MOLDOVA"],
        no=["UNITED STATES", "ISRAEL"],
    )
    with pytest.raises(DataError, match=r"A/RES/79/7.*different votes: MDA abstain/yes"):
        read_unxml(write_jsonl(tmp_path / "79.json", [CUBA_2024, changed]))


def test_lists_disagreeing_with_counts_are_an_error(tmp_path):
    record = {**CUBA_2024, "MS_abstaining_count": "2"}
    with pytest.raises(DataError) as err:
        read_unxml(write_jsonl(tmp_path / "79.json", [record]))
    assert "79.json: line 1" in str(err.value) and "A/RES/79/7" in str(err.value)
    assert "3-2-1" in str(err.value) and "3-2-2" in str(err.value)


def test_known_bad_record_is_skipped_with_a_warning(tmp_path, capsys):
    symbol = "A/RES/77/293"
    assert symbol in KNOWN_BAD_RECORDS
    bad = unxml_record(symbol, "7 June 2023", yes=["CUBA"], abstain=["MEXICO"], counts=(1, 0, 2))
    tidy = read_unxml(write_jsonl(tmp_path / "77.json", [bad, CUBA_2024]))
    assert symbol not in set(tidy["resolution"])
    assert f"skipping resolution {symbol}" in capsys.readouterr().err


def test_na_count_with_empty_list_is_zero(tmp_path):
    record = unxml_record(
        "A/RES/74/9", "2019-12-10", yes=["CUBA"], abstain=["MEXICO"], counts=(1, 0, 1)
    )
    record["MS_against_count"] = "N.A."
    tidy = read_unxml(write_jsonl(tmp_path / "74.json", [record]))
    assert (tidy["vote"] == "no").sum() == 0 and len(tidy) == len(members_on("2019-12-10"))


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"MS_against": ["UNITED STATES", "ATLANTIS"]}, r"A/RES/79/7.*ATLANTIS"),
        ({"MS_against": ["UNITED STATES", "CUBA"]}, r"CUBA \(CUB\) is listed twice"),
    ],
)
def test_bad_names(tmp_path, change, pattern):
    record = {**CUBA_2024, **change}
    with pytest.raises(DataError, match=pattern):
        read_unxml(write_jsonl(tmp_path / "79.json", [record]))


def test_non_member_in_a_list_is_an_error(tmp_path):
    record = {**CUBA_2024, "MS_against": ["UNITED STATES", "CZECHOSLOVAKIA"]}
    with pytest.raises(DataError, match=r"CSK voted but were not UN members on 2024-10-30"):
        read_unxml(write_jsonl(tmp_path / "79.json", [record]))


def test_missing_key_and_invalid_json(tmp_path):
    record = {k: v for k, v in CUBA_2024.items() if k != "MS_against"}
    with pytest.raises(DataError, match=r"line 1: missing key\(s\) \['MS_against'\]"):
        read_unxml(write_jsonl(tmp_path / "79.json", [record]))
    path = tmp_path / "78.json"
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"78\.json: line 1: not valid JSON"):
        read_unxml(path)


def test_folder_reader(tmp_path):
    write_jsonl(tmp_path / "79.json", [CUBA_2024])
    assert len(read_unxml_dir(tmp_path)) == 193
    with pytest.raises(DataError, match="no session extracts"):
        read_unxml_dir(tmp_path / "empty")
