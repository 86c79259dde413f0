"""The committed embargo history reproduces the UN's recorded totals, every year."""

from __future__ import annotations

import pandas as pd
import pytest

from unvote import paths
from unvote.countries import members_on
from unvote.errors import DataError
from unvote.history import (
    format_history,
    history_table,
    load_all_votes,
    load_embargo_votes,
    vote_changes,
)
from unvote.votes import VOTE_DTYPE

#: yes-no-abstain as the UN recorded them (issue 2); no vote in 2020.
UN_TOTALS = {
    1992: (59, 3, 71), 1993: (88, 4, 57), 1994: (101, 2, 48), 1995: (117, 3, 38),
    1996: (137, 3, 25), 1997: (143, 3, 17), 1998: (157, 2, 12), 1999: (155, 2, 8),
    2000: (167, 3, 4), 2001: (167, 3, 3), 2002: (173, 3, 4), 2003: (179, 3, 2),
    2004: (179, 4, 1), 2005: (182, 4, 1), 2006: (183, 4, 1), 2007: (184, 4, 1),
    2008: (185, 3, 2), 2009: (187, 3, 2), 2010: (187, 2, 3), 2011: (186, 2, 3),
    2012: (188, 3, 2), 2013: (188, 2, 3), 2014: (188, 2, 3), 2015: (191, 2, 0),
    2016: (191, 0, 2), 2017: (191, 2, 0), 2018: (189, 2, 0), 2019: (187, 3, 2),
    2021: (184, 2, 3), 2022: (185, 2, 2), 2023: (187, 2, 1), 2024: (187, 2, 1),
}  # fmt: skip


@pytest.fixture(scope="module")
def committed():
    votes = load_embargo_votes(paths.EMBARGO_VOTES_CSV)
    return votes, history_table(votes).set_index("year")


def test_one_vote_a_year_1992_2024_but_2020(committed):
    _, table = committed
    assert table.index.tolist() == sorted(UN_TOTALS)
    assert table.loc[2021, "resolution"] == "A/RES/75/289"
    assert table.loc[2021, "date"] == pd.Timestamp("2021-06-23")
    assert (table["date"] < pd.Timestamp("2025-10-01")).all()


@pytest.mark.parametrize("year", sorted(UN_TOTALS))
def test_totals_equal_the_un_record(committed, year):
    votes, table = committed
    row = table.loc[year]
    assert (row["yes"], row["no"], row["abstain"]) == UN_TOTALS[year]
    # absent = the members of the day minus those who voted
    members = members_on(row["date"])
    assert row["absent"] == len(members) - sum(UN_TOTALS[year])
    assert sorted(votes.loc[votes["year"] == year, "iso3"]) == members


def test_who_voted_no(committed):
    _, table = committed
    assert table.loc[1992, "voted_no"] == ("ISR", "ROU", "USA")
    assert table.loc[2016, "voted_no"] == ()
    assert table.loc[2016, "abstained"] == ("ISR", "USA")
    assert all("USA" in row for row in table.drop(index=2016)["voted_no"])


def tiny_votes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2000, 2000, 2000, 2001, 2001],
            "date": pd.to_datetime(["2000-11-09"] * 3 + ["2001-11-27"] * 2),
            "resolution": ["A/RES/55/20"] * 3 + ["A/RES/56/9"] * 2,
            "iso3": ["CUB", "USA", "MHL", "CUB", "USA"],
            "country": ["Cuba", "United States", "Marshall Islands", "Cuba", "United States"],
            "vote": pd.Categorical(["yes", "no", "absent", "yes", "abstain"], dtype=VOTE_DTYPE),
        }
    )


def test_history_table_counts_and_lists():
    table = history_table(tiny_votes())
    assert table[["year", "yes", "no", "abstain", "absent", "members"]].values.tolist() == [
        [2000, 1, 1, 0, 1, 3],
        [2001, 1, 0, 1, 0, 2],
    ]
    assert table["voted_no"].tolist() == [("USA",), ()]
    assert table["abstained"].tolist() == [(), ("USA",)]


def test_format_history_lines():
    votes = tiny_votes()
    text = format_history(history_table(votes), votes)
    lines = text.splitlines()
    assert any(line.split()[:6] == ["2000", "A/RES/55/20", "1", "1", "0", "1"] for line in lines)
    assert "      no: United States" in lines
    assert "      abstained: United States" in lines
    assert "attribute to the United Nations" in " ".join(lines)


def test_load_embargo_votes_rejects_bad_files(tmp_path):
    path = tmp_path / "embargo_votes.csv"
    tiny_votes().drop(columns="country").to_csv(path, index=False)
    with pytest.raises(DataError, match=r"embargo_votes\.csv: missing column\(s\) \['country'\]"):
        load_embargo_votes(path)
    tiny_votes().assign(vote=["yes", "no", "maybe", "yes", "no"]).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"embargo_votes\.csv.*'maybe'"):
        load_embargo_votes(path)
    with pytest.raises(DataError, match="file not found; build it"):
        load_embargo_votes(tmp_path / "nothing.csv")


def test_load_all_votes_round_trip(tmp_path):
    from unvote.sources import sort_tidy

    tidy = sort_tidy(
        tiny_votes()
        .drop(columns=["year", "country"])
        .assign(session=[55, 55, 55, 56, 56], title="Necessity")
    )
    path = tmp_path / "votes.parquet"
    tidy.to_parquet(path, index=False)
    back = load_all_votes(path)
    pd.testing.assert_frame_equal(back, tidy)
    with pytest.raises(DataError, match="unvote data build"):
        load_all_votes(tmp_path / "missing.parquet")


def test_vote_changes_lists_who_moved_and_when():
    votes = pd.DataFrame(
        {
            "year": [2022, 2023, 2024, 2022, 2023, 2024],
            "iso3": ["BRA"] * 3 + ["UKR"] * 3,
            "country": ["Brazil"] * 3 + ["Ukraine"] * 3,
            "vote": ["abstain", "yes", "yes", "abstain", "abstain", "absent"],
        }
    )
    changes = vote_changes(votes)
    assert changes.to_dict("records") == [
        {"year": 2023, "iso3": "BRA", "country": "Brazil", "before": "abstain", "after": "yes"},
        {
            "year": 2024,
            "iso3": "UKR",
            "country": "Ukraine",
            "before": "abstain",
            "after": "absent",
        },
    ]
