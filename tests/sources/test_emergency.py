"""The Akoma Ntoso reader of the emergency special sessions, on a tiny hand-built file."""

from __future__ import annotations

import pandas as pd
import pytest

from unvote.errors import DataError
from unvote.paths import SHARED_RAW_DIR
from unvote.sources.emergency import read_emergency, read_emergency_dir


def akoma_ntoso(symbol="A/RES/ES-11/1", date="2022-03-02", sides=None, values=None) -> str:
    sides = sides or {
        "inFavour": ["UKRAINE", "CÔTE D'IVOIRE", "POLAND"],
        "against": ["RUSSIAN FEDERATION", "BELARUS"],
        "abstaining": ["CHINA"],
    }
    values = values or {side: len(names) for side, names in sides.items()}
    counts = "".join(
        f'<count value="{values[side]}" refersTo="{side}"><akn4un:voters>'
        + "".join(f'<organization refersTo="memberState">{n}</organization>' for n in names)
        + "</akn4un:voters></count>"
        for side, names in sides.items()
    )
    return f"""<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
    xmlns:akn4un="http://un.org/akn4un">
  <statement name="resolution"><meta><identification source="#DGACM">
    <FRBRWork><FRBRdate date="{date}" name="adoption"></FRBRdate></FRBRWork>
    <FRBRExpression><FRBRdate date="2022-03-18" name="publication"></FRBRdate></FRBRExpression>
  </identification></meta>
  <preface><docNumber refersTo="#symbol">{symbol}</docNumber>
    <docTitle refersTo="#resolutionTitle">Aggression against
      Ukraine</docTitle></preface>
  <preamble><voting outcome="adoptedRecordedVote">{counts}</voting></preamble>
  </statement></akomaNtoso>"""


def write(tmp_path, text, name="A_RES_ES-11_1.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_symbol_date_title_votes_and_session(tmp_path):
    tidy = read_emergency(write(tmp_path, akoma_ntoso()))
    assert len(tidy) == 193
    assert tidy["resolution"].unique().tolist() == ["A/RES/ES-11/1"]
    assert tidy["title"].unique().tolist() == ["Aggression against Ukraine"]
    assert tidy["date"].unique().tolist() == [pd.Timestamp("2022-03-02")]
    # the emergency session sat during the 76th regular session
    assert tidy["session"].unique().tolist() == [76]
    votes = tidy.set_index("iso3")["vote"].astype(str)
    assert votes[["UKR", "CIV", "POL"]].eq("yes").all()
    assert votes[["RUS", "BLR"]].eq("no").all() and votes["CHN"] == "abstain"
    assert (votes == "absent").sum() == 187


def test_count_value_disagreeing_with_list(tmp_path):
    text = akoma_ntoso(values={"inFavour": 141, "against": 2, "abstaining": 1})
    with pytest.raises(DataError, match=r"A_RES_ES-11_1\.xml.*ES-11/1.*3-2-1.*141-2-1"):
        read_emergency(write(tmp_path, text))


def test_unknown_side_and_missing_symbol(tmp_path):
    text = akoma_ntoso(sides={"inFavour": ["UKRAINE"], "maybe": ["CHINA"]})
    with pytest.raises(DataError, match=r"refersTo='maybe'.*allowed: inFavour"):
        read_emergency(write(tmp_path, text))
    text = akoma_ntoso().replace('refersTo="#symbol"', "")
    with pytest.raises(DataError, match="resolution symbol"):
        read_emergency(write(tmp_path, text))


def test_folder_reader_and_malformed_xml(tmp_path):
    write(tmp_path, akoma_ntoso())
    write(tmp_path, akoma_ntoso("A/RES/ES-11/4", "2022-10-12"), "b.xml")
    tidy = read_emergency_dir(tmp_path)
    assert tidy.groupby("resolution")["session"].first().to_dict() == {
        "A/RES/ES-11/1": 76,
        "A/RES/ES-11/4": 77,
    }
    write(tmp_path, "<akomaNtoso>", "c.xml")
    with pytest.raises(DataError, match=r"c\.xml: cannot read the XML"):
        read_emergency_dir(tmp_path)


@pytest.mark.raw
def test_real_files_match_their_stated_counts():
    folder = SHARED_RAW_DIR / "unxml_emergency"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present (raw UN files are not part of the project)")
    tidy = read_emergency_dir(folder)
    counts = pd.crosstab(tidy["resolution"], tidy["vote"])
    # ES-11/1 (2 March 2022): 141 in favour, 5 against, 35 abstaining
    assert counts.loc["A/RES/ES-11/1", ["yes", "no", "abstain"]].tolist() == [141, 5, 35]
    assert counts.sum(axis=1).eq(193).all()
