"""The reach of the Ukraine argument: roll calls, commitment, sponsorship, exposure, reach."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from tidy_votes import tidy_votes

from unvote import paths
from unvote.countries import members_on
from unvote.dates import CUTOFF
from unvote.errors import DataError
from unvote.sources.unxml import read_unxml_sponsors, read_unxml_sponsors_dir
from unvote.ukraine import (
    russia_distance,
    russia_exposure,
    soviet_bloc,
    ukraine_commitment,
    ukraine_reach,
    ukraine_roll_calls,
    ukraine_sponsorship,
    ukraine_votes,
)

# Real codes, so that the exposure facts apply: Poland (bloc, borders Russia via
# Kaliningrad), Portugal (distant), Russia, Cuba.
MEMBERS = ["CUB", "POL", "PRT", "RUS"]
# (resolution, date, title, positions of CUB POL PRT RUS)
ROLL_CALLS = [
    ("A/RES/70/1", "2015-12-01", "Some other question", "no yes yes no"),
    ("A/RES/68/262", "2014-03-27", "Territorial integrity of Ukraine", "no yes yes no"),
    ("A/RES/ES-11/1", "2022-03-02", "Aggression against Ukraine", "no yes absent no"),
    (
        "A/RES/77/13",
        "2022-11-21",
        "Cooperation between the United Nations and the Collective Security Treaty Organization",
        "yes no abstain yes",
    ),
    (
        "A/RES/77/338",
        "2023-09-01",
        "Cooperation between the United Nations and the Shanghai Cooperation Organization",
        "yes no no yes",
    ),
    (
        "A/RES/78/221",
        "2023-12-19",
        "Situation of human rights in the temporarily occupied territories of Ukraine, "
        "including the Autonomous Republic of Crimea and the city of Sevastopol",
        "no yes yes no",
    ),
]


def _tidy(rows, members=MEMBERS) -> pd.DataFrame:
    return tidy_votes(rows, members)


@pytest.fixture
def votes() -> pd.DataFrame:
    return _tidy(ROLL_CALLS)


@pytest.fixture
def sponsors() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "resolution": ["A/RES/78/221", "A/RES/78/221", "A/RES/77/13"],
            "date": pd.to_datetime(["2023-12-19", "2023-12-19", "2022-11-21"]),
            "iso3": ["POL", "UKR", "RUS"],
            "kind": ["sponsor", "additional", "sponsor"],
        }
    )


def test_roll_calls_kinds_and_directions(votes):
    calls = ukraine_roll_calls(votes)
    assert calls.columns.tolist() == ["resolution", "date", "title", "kind", "direction"]
    kinds = zip(calls["kind"], calls["direction"], strict=True)
    assert dict(zip(calls["resolution"], kinds, strict=True)) == {
        "A/RES/68/262": ("ukraine", 1),
        "A/RES/ES-11/1": ("es11", 1),
        "A/RES/77/13": ("russia_body", -1),
        "A/RES/78/221": ("ukraine", 1),
    }  # the SCO and the unrelated roll call are left out
    assert calls["date"].is_monotonic_increasing


def test_commitment_scores_absent_as_abstain_and_reverses_russia_bodies(votes):
    out = ukraine_commitment(votes, "2024-01-01", MEMBERS)
    assert out.index.tolist() == MEMBERS
    assert out["n_ukraine_rollcalls"].tolist() == [4, 4, 4, 4]
    # PRT: yes 1, absent 0.5, abstain on the CSTO 0.5, yes 1
    assert out.loc["PRT", "ukraine_commitment"] == pytest.approx(3 / 4)
    assert out.loc["POL", "ukraine_commitment"] == 1.0
    assert out.loc["RUS", "ukraine_commitment"] == 0.0


def test_commitment_as_of_rule_and_non_members(votes):
    # ES-11/1 on 2022-03-02 is not before that day: only 68/262 counts
    out = ukraine_commitment(votes, "2022-03-02", [*MEMBERS, "UKR"])
    assert out["n_ukraine_rollcalls"].tolist() == [1, 1, 1, 1, 0]
    assert out.loc["PRT", "ukraine_commitment"] == 1.0
    assert np.isnan(out.loc["UKR", "ukraine_commitment"])  # no row: not a member then
    before = ukraine_commitment(votes, "2014-03-27", MEMBERS)
    assert before["ukraine_commitment"].isna().all()
    assert before["n_ukraine_rollcalls"].eq(0).all()


def test_sponsorship_counts_only_pro_ukraine_drafts_with_records(votes, sponsors):
    out = ukraine_sponsorship(sponsors, votes, "2024-01-01", MEMBERS)
    # 78/221 is the only pro-Ukraine roll call with sponsor records (77/13's are Russia's)
    assert out["n_sponsor_records"].tolist() == [1, 1, 1, 1]
    assert out["ukraine_sponsorship"].tolist() == [0.0, 1.0, 0.0, 0.0]
    early = ukraine_sponsorship(sponsors, votes, "2023-12-19", MEMBERS)
    assert early["ukraine_sponsorship"].isna().all()
    assert early["n_sponsor_records"].eq(0).all()


def test_ukraine_votes_keep_what_the_reach_reads(votes, sponsors):
    """The subset the features build reads (selected once) gives the same reach."""
    rows = ukraine_votes(votes)
    assert set(rows["resolution"]) == set(ukraine_roll_calls(votes)["resolution"])
    assert "A/RES/70/1" not in set(rows["resolution"])
    for as_of in ("2022-06-01", "2024-01-01"):
        pd.testing.assert_frame_equal(
            ukraine_reach(rows, sponsors, as_of, MEMBERS),
            ukraine_reach(votes, sponsors, as_of, MEMBERS),
        )


def test_exposure_from_the_facts():
    out = russia_exposure(["PRT", "POL", "CUB", "RUS", "CSK"])
    assert out.index.tolist() == ["CSK", "CUB", "POL", "PRT", "RUS"]
    assert out["former_soviet_bloc"].tolist() == [True, False, True, False, True]
    assert out["borders_russia"].tolist() == [False, False, True, False, False]
    assert out.loc["POL", "russia_proximity"] == 1.0
    assert 0 < out.loc["PRT", "russia_proximity"] < 0.1  # Portugal: over 2000 km away
    assert np.isnan(out.loc["CSK", "km_to_russia"]) and out.loc["CSK", "russia_proximity"] == 0
    assert out["russia_proximity"].between(0, 1).all()


def test_reach_properties(votes, sponsors):
    out = ukraine_reach(votes, sponsors, "2024-01-01", MEMBERS)
    assert out["ukraine_reach"].between(0, 1).all()
    # no pro-Ukraine record (Cuba votes with Russia), and Russia itself: 0
    assert out.loc["CUB", "ukraine_reach"] == 0.0
    assert out.loc["RUS", "ukraine_reach"] == 0.0
    # Poland: full support, sponsored the one draft, exposed: full reach
    assert out.loc["POL", "ukraine_reach"] == pytest.approx(1.0)
    # Portugal: support (0.75 - 0.5) / 0.5, no sponsorship, distant
    prt = out.loc["PRT"]
    expected = 0.5 * 0.7 * (0.5 + 0.5 * prt["russia_proximity"])
    assert prt["ukraine_reach"] == pytest.approx(expected)
    # before any roll call: no record, no reach
    assert ukraine_reach(votes, sponsors, "2014-01-01", MEMBERS)["ukraine_reach"].eq(0).all()


def test_reach_grows_with_commitment_and_exposure(sponsors):
    # two distant states and one exposed one; the same roll calls
    members = ["PRT", "ESP", "EST"]
    rows = [
        ("A/RES/ES-11/1", "2022-03-02", "Aggression against Ukraine", "yes abstain yes"),
        ("A/RES/ES-11/2", "2022-03-24", "Humanitarian consequences", "yes yes yes"),
    ]
    out = ukraine_reach(_tidy(rows, members), sponsors, "2023-01-01", members)
    assert out.loc["PRT", "ukraine_reach"] > out.loc["ESP", "ukraine_reach"] > 0
    assert out.loc["EST", "ukraine_reach"] > out.loc["PRT", "ukraine_reach"]
    # co-sponsoring lifts it
    more = pd.concat(
        [sponsors, pd.DataFrame({"resolution": ["A/RES/ES-11/2"], "date": [pd.Timestamp(0)],
                                 "iso3": ["PRT"], "kind": ["sponsor"]})]
    )  # fmt: skip
    lifted = ukraine_reach(_tidy(rows, members), more, "2023-01-01", members)
    assert lifted.loc["PRT", "ukraine_reach"] > out.loc["PRT", "ukraine_reach"]
    assert lifted.loc["ESP", "ukraine_reach"] == out.loc["ESP", "ukraine_reach"]


# --- the sponsor reader ---------------------------------------------------------------------
def _record(symbol, sponsors, additional=(), date="19 December 2023"):
    return {
        "symbol": symbol,
        "adoption_date": date,
        "sponsors": list(sponsors),
        "additional_sponsors": list(additional),
    }


def test_sponsor_reader(tmp_path):
    records = [
        _record(
            "A/RES/78/221",
            ["UKRAINE", "THE REPUBLIC OF MOLDOVA", "STATE OF PALESTINE", "GE RMANY"],
            ["POLAND", "UKRAINE", "AUSTRALIA, AUSTRIA AND TÜRKIYE"],
        ),
        _record("A/RES/78/221", ["UKRAINE"], ["POLAND"]),  # a repeated record
        _record(
            "A/RES/78/1",
            ["CUBA (ON BEHALF OF THE STATES MEMBERS OF THE UNITED NATIONS THAT ARE MEMBERS "
             "OF THE GROUP OF 77 AND CHINA)", "submitted by the President of the General "
             "Assembly", "TRINIDAD AND TOBAGO"],
            date="2023-10-10 00:00:00",
        ),
    ]  # fmt: skip
    path = tmp_path / "78.json"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = read_unxml_sponsors(path)
    assert out.columns.tolist() == ["resolution", "date", "iso3", "kind"]
    rows = {(r.resolution, r.iso3): r.kind for r in out.itertuples()}
    assert rows == {
        ("A/RES/78/1", "CUB"): "sponsor",
        ("A/RES/78/1", "TTO"): "sponsor",
        ("A/RES/78/221", "UKR"): "sponsor",  # in both lists: a sponsor
        ("A/RES/78/221", "MDA"): "sponsor",
        ("A/RES/78/221", "DEU"): "sponsor",
        ("A/RES/78/221", "POL"): "additional",
        ("A/RES/78/221", "AUS"): "additional",
        ("A/RES/78/221", "AUT"): "additional",
        ("A/RES/78/221", "TUR"): "additional",
    }
    assert out["date"].is_monotonic_increasing
    assert (read_unxml_sponsors_dir(tmp_path) == out).all().all()


def test_sponsor_reader_names_file_record_and_name(tmp_path):
    path = tmp_path / "78.json"
    records = [_record("A/RES/78/2", ["POLAND"]), _record("A/RES/78/3", ["ATLANTIS"])]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(DataError, match=r"78\.json: line 2: resolution A/RES/78/3.*'ATLANTIS'"):
        read_unxml_sponsors(path)
    with pytest.raises(DataError, match="no session extracts"):
        read_unxml_sponsors_dir(tmp_path / "empty")


# --- the facts ------------------------------------------------------------------------------
BORDERING = {"NOR", "FIN", "EST", "LVA", "LTU", "POL", "BLR", "UKR", "GEO", "AZE", "KAZ",
             "CHN", "MNG", "PRK"}  # fmt: skip


def test_russia_distance_covers_every_member_once():
    table = russia_distance()
    assert table["iso3"].is_unique
    assert set(table["iso3"]) == set(members_on(CUTOFF))
    assert set(table.loc[table["borders_russia"] == 1, "iso3"]) == BORDERING
    assert table.loc[table["borders_russia"] == 1, "km_to_russia"].eq(0).all()
    far = table.loc[(table["borders_russia"] == 0) & (table["iso3"] != "RUS"), "km_to_russia"]
    assert far.gt(0).all()
    km = table.set_index("iso3")["km_to_russia"]
    # across a strait, not a land border: close but not 0
    assert 0 < km["JPN"] < 100 and 0 < km["USA"] < 100
    assert km["AUS"] > 5000 and km["CUB"] > 5000


def test_soviet_bloc_facts():
    table = soviet_bloc()
    assert table["iso3"].is_unique
    assert (table["kind"] == "ussr").sum() == 15
    assert set(table.loc[table["kind"] == "warsaw_pact", "iso3"]) == {
        "BGR", "CSK", "CZE", "HUN", "POL", "ROU", "SVK",
    }  # fmt: skip
    assert "DEU" not in set(table["iso3"])


# --- the real data --------------------------------------------------------------------------
@pytest.mark.raw
@pytest.mark.slow  # the raw build it shares takes ~10 s
def test_reach_on_the_real_data(raw_build):
    from unvote.history import load_all_votes

    # the raw files' votes before 2025-10-01, combined by build_all (shared, conftest.py)
    votes = load_all_votes(raw_build["votes"])
    sponsors = read_unxml_sponsors_dir(paths.SHARED_RAW_DIR / "unxml")
    assert sponsors.duplicated(["resolution", "iso3"]).sum() == 0
    calls = ukraine_roll_calls(votes.loc[votes["date"] < "2025-10-01"])
    assert calls["kind"].value_counts().to_dict() == {"ukraine": 15, "es11": 6, "russia_body": 3}
    assert "A/RES/68/262" in set(calls["resolution"])
    out = ukraine_reach(votes, sponsors, "2025-10-01")
    assert len(out) == 193 and out["ukraine_reach"].between(0, 1).all()
    assert out.loc[["RUS", "BLR", "CUB", "PRK"], "ukraine_reach"].eq(0).all()
    assert out.loc["UKR", "ukraine_reach"] > 0.9
    # the frontline states are reached more than distant Western ones
    assert out.loc["POL", "ukraine_reach"] > out.loc["PRT", "ukraine_reach"]
