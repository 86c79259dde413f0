"""Features as of a date: hand-checked definitions and the as-of rule."""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest
from tidy_votes import tidy_votes

from unvote import paths
from unvote.feature_files import format_features, load_features, write_features
from unvote.features import (
    agreement,
    build_features,
    build_features_table,
    embargo_record,
    ukraine_stance,
)
from unvote.idealpoints import vote_matrix
from unvote.precedents import precedents

MEMBERS = ["AAA", "BBB", "CCC", "RUS", "USA"]
GROUPS = pd.Series(
    {
        "AAA": "African",
        "BBB": "Asia-Pacific",
        "CCC": "Latin American and Caribbean",
        "RUS": "Eastern European",
        "USA": "Western European and Others",
    }
)
BLOCS = pd.DataFrame({"nato": [False, False, False, False, True]}, index=MEMBERS)

# Ordinary roll calls: positions of AAA, BBB, CCC, RUS, USA.
ROLL_CALLS = [
    ("A/RES/1", "2020-12-01", "yes yes no no yes"),
    ("A/RES/2", "2020-12-02", "yes absent yes yes no"),
    ("A/RES/3", "2020-12-03", "abstain yes yes yes abstain"),
    ("A/RES/4", "2021-12-01", "no yes yes yes no"),
    ("A/RES/5", "2021-12-02", "yes no no no yes"),
    ("A/RES/6", "2021-12-03", "yes yes yes no yes"),
    ("A/RES/ES-11/1", "2022-03-02", "yes no abstain no yes"),
    ("A/RES/ES-11/2", "2022-03-24", "yes absent yes no yes"),
    ("A/RES/7", "2022-12-01", "no no yes yes no"),
    ("A/RES/ES-11/3", "2023-02-23", "no no absent no yes"),
]
EMBARGO = [
    (2020, "2020-11-01", "no yes yes yes no"),
    (2021, "2021-11-01", "abstain yes yes yes no"),
    (2022, "2022-11-01", "yes absent yes yes no"),
    (2023, "2023-11-01", "yes yes abstain yes no"),
]


def _tidy(rows) -> pd.DataFrame:
    return tidy_votes(rows, MEMBERS, session=75)


@pytest.fixture
def embargo() -> pd.DataFrame:
    rows = [(f"A/RES/E/{year}", date, pos) for year, date, pos in EMBARGO]
    frame = _tidy(rows)
    frame.insert(0, "year", frame["date"].dt.year)
    return frame.loc[:, ["year", "date", "resolution", "iso3", "vote"]]


@pytest.fixture
def votes(embargo) -> pd.DataFrame:
    emb = _tidy([(f"A/RES/E/{year}", date, pos) for year, date, pos in EMBARGO])
    return pd.concat([_tidy(ROLL_CALLS), emb], ignore_index=True)


#: No open US campaign in these votes (tests/test_precedents.py covers them).
NO_PRECEDENTS = precedents().iloc[0:0]


def _features(votes, embargo, as_of, **kwargs):
    return build_features(
        votes,
        embargo,
        as_of,
        members=MEMBERS,
        groups=GROUPS,
        blocs=BLOCS,
        precedents=NO_PRECEDENTS,
        **kwargs,
    )


def test_agreement_by_hand():
    # USA: yes, no, abstain. AAA: yes, yes, abstain -> 1, 0, 1. BBB: no, absent, yes -> 0, -, .5
    matrix = vote_matrix(
        _tidy(
            [
                ("r1", "2020-01-01", "yes no yes yes yes"),
                ("r2", "2020-01-02", "yes absent yes yes no"),
                ("r3", "2020-01-03", "abstain yes yes yes abstain"),
            ]
        )
    )
    out = agreement(matrix, "USA")
    assert out.loc["AAA", "agree"] == pytest.approx(2 / 3)
    assert out.loc["AAA", "n_common"] == 3
    assert out.loc["BBB", "agree"] == pytest.approx(0.25)
    assert out.loc["BBB", "n_common"] == 2
    assert out.loc["USA", "agree"] == 1.0


def test_agreement_without_reference_is_missing():
    matrix = vote_matrix(_tidy([("r1", "2020-01-01", "yes no yes yes yes")])).drop(index="USA")
    out = agreement(matrix, "USA")
    assert out["agree"].isna().all()
    assert (out["n_common"] == 0).all()


def test_ukraine_stance_counts_absences_in_the_denominator(votes):
    out = ukraine_stance(votes, pd.Timestamp("2023-06-01"))
    # CCC: abstain, yes, absent -> yes 1/3, no 0; BBB: no, absent, no -> no 2/3
    assert out.loc["CCC", "ukraine_yes_share"] == pytest.approx(1 / 3)
    assert out.loc["CCC", "ukraine_no_share"] == 0
    assert out.loc["BBB", "ukraine_no_share"] == pytest.approx(2 / 3)
    assert (out["n_ukraine_votes"] == 3).all()
    assert ukraine_stance(votes, pd.Timestamp("2022-03-02")).empty


def test_embargo_record(embargo):
    out = embargo_record(embargo, pd.Timestamp("2023-10-31"), recent=2)
    assert out.loc["AAA", "last_vote"] == "yes"
    assert out.loc["BBB", "last_vote"] == "absent"
    # AAA abstained in 2021: 2023 - 2021; BBB never abstained or voted no: since 1991
    assert out.loc["AAA", "years_since_nonyes"] == 2
    assert out.loc["BBB", "years_since_nonyes"] == 2023 - 1991
    assert out.loc["USA", "years_since_nonyes"] == 1  # no in 2022
    # last two votes (2021, 2022): AAA abstain, yes
    assert out.loc["AAA", ["recent_yes", "recent_abstain", "n_recent"]].tolist() == [1, 1, 2]


def test_build_features_one_row_per_member(votes, embargo):
    out = _features(votes, embargo, "2023-10-31", window_days=3 * 365)
    assert list(out.index) == MEMBERS
    assert out.index.name == "iso3"
    for col in (
        "agree_us",
        "agree_rus",
        "n_common_us",
        "n_common_rus",
        "ideal_point",
        "ukraine_yes_share",
        "ukraine_no_share",
        "n_ukraine_votes",
        "last_vote",
        "years_since_nonyes",
        "group",
        "nato",
    ):
        assert col in out
    assert out.loc["USA", "ideal_point"] > 0
    assert out.loc["USA", "agree_us"] == 1.0
    assert out.loc["USA", "nato"]
    assert out.loc["CCC", "group"] == "Latin American and Caribbean"


def test_before_the_war_ukraine_stance_is_missing(votes, embargo):
    out = _features(votes, embargo, "2021-11-30")
    assert out["ukraine_yes_share"].isna().all()
    assert (out["n_ukraine_votes"] == 0).all()


def test_as_of_rule_later_votes_change_nothing(votes, embargo):
    as_of = pd.Timestamp("2022-03-24")  # the day of ES-11/2: it must not count
    full = _features(votes, embargo, as_of)
    cut = _features(votes.loc[votes["date"] < as_of], embargo.loc[embargo["date"] < as_of], as_of)
    pd.testing.assert_frame_equal(full, cut)
    assert full.loc["AAA", "n_ukraine_votes"] == 1


def test_window_limits_agreement(votes, embargo):
    # as of 2021-12-02 with a 1-day window: only A/RES/4 (2021-12-01) counts
    out = _features(votes, embargo, "2021-12-02", window_days=1)
    assert out.loc["AAA", "n_common_us"] == 1
    assert out.loc["AAA", "agree_us"] == 1.0
    assert out.loc["BBB", "agree_us"] == 0.0


def test_member_in_no_group(votes, embargo):
    out = build_features(
        votes,
        embargo,
        "2023-10-31",
        members=MEMBERS,
        groups=GROUPS.drop("AAA"),
        blocs=BLOCS,
        precedents=NO_PRECEDENTS,
    )
    assert out.loc["AAA", "group"] == "none"
    assert out.loc["BBB", "group"] == "Asia-Pacific"


def test_table_round_trips_through_csv(votes, embargo, tmp_path, monkeypatch):
    table = build_features_table(
        votes,
        embargo,
        forecast_as_of="2025-10-01",
        forecast_members=MEMBERS,
        groups=lambda _: GROUPS,
        blocs=lambda _: BLOCS,
        precedents=NO_PRECEDENTS,
    )
    assert table.groupby("year").size().to_dict() == {2020: 5, 2021: 5, 2022: 5, 2023: 5, 2025: 5}
    assert list(table.columns[:3]) == ["as_of", "year", "iso3"]
    assert table.loc[table["year"] == 2021, "as_of"].iloc[0] == pd.Timestamp("2021-10-31")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_features(table, first)
    write_features(table, second)
    assert filecmp.cmp(first, second, shallow=False)
    # the fixture's states AAA .. CCC are members only here
    monkeypatch.setattr("unvote.countries.members_on", lambda _: MEMBERS)
    monkeypatch.setattr("unvote.countries.member_mask", lambda iso3, _: np.isin(iso3, MEMBERS))
    back = load_features(first)
    pd.testing.assert_frame_equal(format_features(back), format_features(table), check_dtype=False)
    assert back["nato"].dtype == bool


@pytest.mark.raw
@pytest.mark.slow
def test_committed_features_are_what_the_build_gives(raw_build, tmp_path):
    """Rebuild the roll-call table and the features from the raw files: the committed table.

    Byte for byte except the estimated ideal points: their optimiser's last digits follow the
    installed numpy/scipy and BLAS, so a fresh install may round a few of them the other way
    at the fourth decimal. Everything counted from votes must match exactly.
    """
    from unvote.feature_files import cached_features_table

    # raw_build: build_all from the raw files, shared with other tests (conftest.py)
    table = cached_features_table(
        raw_build["votes"],
        raw_build["embargo_votes"],
        raw_build["countries"],
        cache_dir=tmp_path,
    )
    out = write_features(table, tmp_path / "features.csv")
    rebuilt, committed = pd.read_csv(out), pd.read_csv(paths.FEATURES_CSV)
    estimated = ["ideal_point"]
    pd.testing.assert_frame_equal(
        rebuilt.drop(columns=estimated), committed.drop(columns=estimated)
    )
    pd.testing.assert_frame_equal(
        rebuilt[estimated], committed[estimated], check_exact=False, atol=1e-3, rtol=0
    )
    assert np.isfinite(table.loc[table["year"] == 2025, "agree_us"]).mean() > 0.95


def _write_inputs(folder, votes, embargo):
    votes.to_parquet(folder / "votes.parquet")
    emb = embargo.assign(country=embargo["iso3"], date=embargo["date"].dt.strftime("%Y-%m-%d"))
    emb.to_csv(folder / "embargo_votes.csv", index=False)
    (folder / "countries.csv").write_text("iso3\nAAA\n")


def test_cache_is_used_and_rebuilt_when_the_data_change(votes, embargo, tmp_path, monkeypatch):
    import unvote.feature_files as feature_files
    import unvote.features as features

    _write_inputs(tmp_path, votes, embargo)
    args = [tmp_path / f for f in ("votes.parquet", "embargo_votes.csv", "countries.csv")]
    first = feature_files.cached_features_table(
        *args, cache_dir=tmp_path, precedents=NO_PRECEDENTS
    )
    [cache] = tmp_path.glob("features-*.parquet")

    def fail(*_, **__):
        raise AssertionError("rebuilt although nothing changed")

    with monkeypatch.context() as patch:
        patch.setattr(features, "build_features_table", fail)
        again = feature_files.cached_features_table(
            *args, cache_dir=tmp_path, precedents=NO_PRECEDENTS
        )
    pd.testing.assert_frame_equal(first, again)

    changed = embargo.copy()
    changed.loc[changed.index[-1], "vote"] = "abstain"  # USA, 2023
    _write_inputs(tmp_path, votes, changed)
    rebuilt = feature_files.cached_features_table(
        *args, cache_dir=tmp_path, precedents=NO_PRECEDENTS
    )
    [new_cache] = tmp_path.glob("features-*.parquet")
    assert new_cache != cache
    assert len(rebuilt) == len(first)


def test_missing_roll_calls_tell_to_run_make_data(tmp_path, capsys):
    from unvote.cli import main

    code = main(["features", "build", "--votes", str(tmp_path / "votes.parquet")])
    err = capsys.readouterr().err
    assert code == 2
    assert "votes.parquet: not found; run `make data`" in err
    assert len(err.strip().splitlines()) == 1
