"""``unvote data build``: end to end on a tiny raw folder, bad input, and the real rebuild."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from sources.rawfiles import scrape_row, unxml_record, write_jsonl, write_scrape

from unvote import paths
from unvote.build import EMBARGO_YEARS, build_all, combine_sources, embargo_votes
from unvote.cli import main
from unvote.countries import display_name, members_on
from unvote.dates import CUTOFF
from unvote.errors import DataError
from unvote.history import load_all_votes, load_embargo_votes
from unvote.sources import sort_tidy
from unvote.votes import VOTE_DTYPE

EMBARGO = (
    "Necessity of ending the economic, commercial and financial embargo imposed by the "
    "United States of America against Cuba : resolution / adopted by the [...]"
)
CELLS = {"CUBA": "Y", "UNITED STATES": "N", "ISRAEL": "N", "MEXICO": "Y"}


def embargo_rows(last_year: int = 2021) -> list[dict[str, str]]:
    """One embargo vote a year in the scrape layout, 1992 to ``last_year``, none in 2020."""
    rows = []
    for year in (y for y in EMBARGO_YEARS if y <= last_year):
        date = "2021-06-23" if year == 2021 else f"{year}-11-02"
        session = 75 if year == 2021 else year - 1945
        rows.append(scrape_row(f"A/RES/{session}/9", CELLS, date=date, title=EMBARGO))
    return rows


def embargo_unxml(year: int, **change) -> dict:
    record = unxml_record(
        f"A/RES/{year - 1945}/9",
        f"2 November {year}",
        yes=["CUBA", "MEXICO"],
        no=["UNITED STATES", "ISRAEL"],
        title="Necessity of ending the economic, commercial and financial embargo imposed "
        "by the United States of America against Cuba",
    )
    record.update(change)
    return record


@pytest.fixture
def raw(tmp_path):
    """A tiny raw folder: the scrape 1992-2021 and session extracts 2019 and 2022-2024.

    In 2019, in both sources, every member has a vote: the scrape marks the absentees
    ``X``, the extract leaves them out of its lists.
    """
    folder = tmp_path / "raw"
    rows = embargo_rows()
    absentees = {display_name(c).upper(): "X" for c in members_on("2019-11-02")}
    rows[EMBARGO_YEARS.index(2019)].update({**absentees, **CELLS})
    columns = dict.fromkeys([*rows[0], *absentees])
    write_scrape(folder / "ga_scrape" / "scrape.csv", rows, columns=columns)
    for year in (2019, 2022, 2023, 2024):
        write_jsonl(folder / "unxml" / f"{year - 1945}.json", [embargo_unxml(year)])
    return folder


def test_end_to_end_build_is_deterministic(raw, tmp_path):
    out, interim = tmp_path / "processed", tmp_path / "interim"
    written = build_all(raw, out_dir=out, interim_dir=interim, progress=False)

    embargo = load_embargo_votes(written["embargo_votes"])
    assert sorted(embargo["year"].unique()) == list(EMBARGO_YEARS)
    # the scrape holds only the states with a cell; the extracts add the absentees
    assert (embargo["year"] < 2019).sum() == 4 * 27
    assert (embargo.loc[embargo["year"] == 2022, "vote"] == "absent").sum() == 193 - 4
    assert embargo.loc[embargo["iso3"] == "USA", "vote"].eq("no").all()
    # 2019 is in both sources (they agree): kept once
    assert embargo.loc[embargo["year"] == 2019, "resolution"].unique().tolist() == ["A/RES/74/9"]
    assert embargo.loc[embargo["year"] == 2019, "iso3"].is_unique
    votes = load_all_votes(written["votes"])
    assert len(votes) == len(embargo)
    countries = pd.read_csv(written["countries"])
    assert {"iso3", "country"} <= set(countries.columns) and len(countries) >= 193

    before = {name: path.read_bytes() for name, path in written.items() if name != "votes"}
    again = build_all(raw, out_dir=tmp_path / "again", interim_dir=interim, progress=False)
    assert {name: again[name].read_bytes() for name in before} == before


def _scrape_with(rows, tmp_path, columns=None):
    folder = tmp_path / "bad"
    write_scrape(folder / "ga_scrape" / "scrape.csv", rows, columns=columns)
    return folder


def _bad_scrapes():
    good = embargo_rows(1993)
    conflicting = scrape_row(
        "A/RES/47/9", {**CELLS, "ISRAEL": "A"}, date="1992-11-02", title=EMBARGO
    )
    return {
        "missing column": (good, "drop YES COUNT", r"missing column\(s\) \['YES COUNT'\]"),
        "unknown vote code": (
            [*good, scrape_row("A/RES/48/1", {"CUBA": "Y", "MEXICO": "?"}, counts=(1, 0, 0))],
            None,
            r"line 4 \(A/RES/48/1\), column 'MEXICO': unknown vote code '\?'",
        ),
        "unmappable name": (good, "add ATLANTIS", r"column header.*'ATLANTIS'"),
        "conflicting duplicate": (
            [*good, conflicting],
            None,
            r"A/RES/47/9 is recorded twice with different votes: ISR no/abstain",
        ),
        "counts disagree": (
            [*good, scrape_row("A/RES/48/2", CELLS, counts=(3, 2, 0))],
            None,
            r"line 4: resolution A/RES/48/2: the country rows give yes-no-abstain 2-2-0, "
            r"the file's counts say 3-2-0",
        ),
    }


@pytest.mark.parametrize("case", list(_bad_scrapes()))
def test_bad_raw_input_exits_2_with_one_line_and_touches_nothing(case, tmp_path, capsys):
    rows, change, pattern = _bad_scrapes()[case]
    columns = list(rows[0])
    if change == "drop YES COUNT":
        columns.remove("YES COUNT")
    elif change == "add ATLANTIS":
        columns.append("ATLANTIS")
        rows = [{**rows[0], "ATLANTIS": "Y", "YES COUNT": "3"}, *rows[1:]]
    bad = _scrape_with(rows, tmp_path, columns=columns)
    error = _failed_build(bad, tmp_path, capsys)
    assert "scrape.csv" in error
    assert re.search(pattern, error), error


def _failed_build(raw_dir, tmp_path, capsys) -> str:
    """Run `unvote data build` on bad raw files: exit 2, one error line, outputs untouched."""
    out, interim = tmp_path / "processed", tmp_path / "interim"
    out.mkdir()
    interim.mkdir()
    sentinels = {
        out / "embargo_votes.csv": b"old embargo\n",
        out / "countries.csv": b"old countries\n",
        interim / "votes.parquet": b"old votes\n",
    }
    for path, content in sentinels.items():
        path.write_bytes(content)

    code = main(
        ["data", "build", "--raw", str(raw_dir), "--out", str(out), "--interim", str(interim)]
    )

    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 2 and err[0].startswith("unvote: reading")  # progress, then the error
    assert err[1].startswith("unvote: error: ")
    assert {p: p.read_bytes() for p in sentinels} == sentinels
    assert sorted(p.name for p in out.iterdir()) == ["countries.csv", "embargo_votes.csv"]
    assert sorted(p.name for p in interim.iterdir()) == ["votes.parquet"]
    return err[1]


UNDL_ROW = {"ms_code": "CUB", "ms_vote": "Y", "date": "2024-11-02", "session": "79",
            "resolution": "A/RES/79/9", "title": "t", "total_yes": "1.0", "total_no": "0.0",
            "total_abstentions": "0.0", "total_ms": "1.0"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"ms_vote": None}, r"missing column\(s\) \['ms_vote'\]"),
        ({"ms_vote": "Q"}, r"line 2 \(A/RES/79/9\): unknown vote code 'Q'"),
        ({"ms_code": "XXX"}, r"line 2 \(A/RES/79/9\): unknown member-state code 'XXX'"),
        ({"total_yes": "2.0"}, r"resolution A/RES/79/9: .* 1-0-0, the file's counts say 2-0-0"),
        ({"date": "2024-13-02"}, r"line 2 \(A/RES/79/9\), column 'date': date '2024-13-02'"),
    ],
)
def test_bad_digital_library_file_exits_2_with_one_line(change, pattern, tmp_path, capsys):
    row = {k: v for k, v in {**UNDL_ROW, **change}.items() if v is not None}
    (tmp_path / "raw" / "undl").mkdir(parents=True)
    pd.DataFrame([row]).to_csv(tmp_path / "raw" / "undl" / "bulk.csv", index=False)
    error = _failed_build(tmp_path / "raw", tmp_path, capsys)
    assert "bulk.csv" in error
    assert re.search(pattern, error), error


def test_sources_that_disagree_name_the_resolution_and_countries(raw, capsys):
    write_jsonl(
        raw / "unxml" / "74.json",
        [embargo_unxml(2019, MS_against=["UNITED STATES"], MS_abstaining=["ISRAEL"],
                       MS_against_count="1", MS_abstaining_count="1")],
    )  # fmt: skip
    code = main(["data", "build", "--raw", str(raw), "--out", str(raw.parent / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "disagree on resolution A/RES/74/9" in err and "ISR abstain/no" in err
    assert not (raw.parent / "o").exists()


def test_missing_raw_folder(tmp_path, capsys):
    assert main(["data", "build", "--raw", str(tmp_path / "nowhere")]) == 2
    assert "raw data folder not found" in capsys.readouterr().err


def tidy(symbol, date, title, votes):
    return sort_tidy(
        pd.DataFrame(
            {
                "resolution": symbol,
                "date": pd.Timestamp(date),
                "session": 74,
                "title": title,
                "iso3": list(votes),
                "vote": pd.Categorical(list(votes.values()), dtype=VOTE_DTYPE),
            }
        )
    )


def test_combine_keeps_one_copy_and_checks_dates():
    a = tidy("A/RES/74/7", "2019-11-07", "t", {"CUB": "yes", "USA": "no"})
    b = tidy("A/RES/74/7", "2019-11-07", "t : resolution", {"CUB": "yes", "USA": "no"})
    assert len(combine_sources({"unxml": a, "ga_scrape": b})) == 2
    late = tidy("A/RES/74/7", "2019-11-08", "t", {"CUB": "yes", "USA": "no"})
    with pytest.raises(DataError, match="2019-11-07 in unxml, 2019-11-08 in ga_scrape"):
        combine_sources({"unxml": a, "ga_scrape": late})
    missing = tidy("A/RES/74/7", "2019-11-07", "t", {"CUB": "yes"})
    with pytest.raises(DataError, match="USA no/-"):
        combine_sources({"unxml": a, "ga_scrape": missing})


def test_embargo_selection_by_title_and_year():
    title = EMBARGO.split(" : ")[0]
    typo = title.replace("United States", "Unites States")  # as catalogued in 2004
    votes = pd.concat(
        [
            tidy("A/RES/59/11", "2004-10-28", typo, {"CUB": "yes", "USA": "no"}),
            tidy("A/RES/59/99", "2004-12-01", "Situation of human rights in Cuba", {"CUB": "no"}),
            tidy("A/RES/80/9", "2025-10-29", title, {"CUB": "yes"}),  # after the cut-off
        ]
    )
    out = embargo_votes(votes, years=(2004,))
    assert out.columns.tolist() == ["year", "date", "resolution", "iso3", "country", "vote"]
    assert out.values.tolist() == [
        [2004, "2004-10-28", "A/RES/59/11", "CUB", "Cuba", "yes"],
        [2004, "2004-10-28", "A/RES/59/11", "USA", "United States", "no"],
    ]
    with pytest.raises(DataError, match=r"2003: none"):
        embargo_votes(votes, years=(2003, 2004))


@pytest.mark.raw
@pytest.mark.slow
def test_rebuild_from_shared_raw_reproduces_the_committed_files(raw_build):
    written = raw_build  # build_all from the raw files, shared with other tests (conftest.py)
    for name, committed in (
        ("embargo_votes", paths.EMBARGO_VOTES_CSV),
        ("countries", paths.COUNTRIES_CSV),
    ):
        assert written[name].read_bytes() == committed.read_bytes(), (
            f"{committed} differs from a fresh build: run `make data`"
        )
    votes = load_all_votes(written["votes"])
    assert len(votes) > 900_000
    assert votes.groupby("resolution")["date"].nunique().eq(1).all()
    # the committed roll calls and sponsors (the features of any date read them): the same
    # tables (compared as tables: parquet's bytes name the writer's version)
    pd.testing.assert_frame_equal(votes, load_all_votes(paths.ALL_VOTES_PARQUET))
    pd.testing.assert_frame_equal(
        pd.read_parquet(written["sponsors"]), pd.read_parquet(paths.SPONSORS_PARQUET)
    )


def test_build_from_the_digital_library_bulk_file_alone(tmp_path):
    rows = []
    for year in EMBARGO_YEARS:
        date = "2021-06-23" if year == 2021 else f"{year}-11-02"
        symbol = "A/RES/75/289" if year == 2021 else f"A/RES/{year - 1945}/9"
        for code, vote in (("CUB", "Y"), ("USA", "N"), ("MEX", "X")):
            rows.append(
                {"undl_id": "1", "ms_code": code, "ms_name": code, "ms_vote": vote,
                 "date": date, "session": "", "resolution": symbol, "title": EMBARGO,
                 "total_yes": "1.0", "total_no": "1.0", "total_abstentions": "0.0",
                 "total_ms": "3.0"}
            )  # fmt: skip
    (tmp_path / "raw" / "undl").mkdir(parents=True)
    pd.DataFrame(rows).to_csv(tmp_path / "raw" / "undl" / "bulk.csv", index=False)
    written = build_all(tmp_path / "raw", tmp_path / "p", tmp_path / "i", progress=False)
    embargo = load_embargo_votes(written["embargo_votes"])
    assert len(embargo) == 3 * 32
    assert embargo.groupby("vote", observed=True).size().to_dict() == {
        "yes": 32, "no": 32, "absent": 32,
    }  # fmt: skip


def _bulk_rows(symbol: str, date: str, title: str, votes: dict[str, str]) -> list[dict]:
    """Rows of the Digital Library's bulk CSV for one roll call (``votes``: ISO3 -> Y/N/A/X)."""
    totals = {key: str(sum(v == code for v in votes.values())) + ".0" for key, code in
              (("total_yes", "Y"), ("total_no", "N"), ("total_abstentions", "A"))}  # fmt: skip
    return [
        {"undl_id": "1", "ms_code": code, "ms_name": display_name(code).upper(),
         "ms_vote": vote, "date": date, "session": symbol.split("/")[2], "resolution": symbol,
         "title": f"{title} : resolution / adopted by the General Assembly", **totals,
         "total_ms": f"{len(votes)}.0"}
        for code, vote in votes.items()
    ]  # fmt: skip


@pytest.mark.slow
def test_a_newer_digital_library_file_leaves_the_history_and_the_2025_features_alone(
    raw, tmp_path, capsys
):
    """A user adds a fresh bulk download holding the October 2025 embargo vote.

    By default the build leaves every vote after the cutoff out of every table (and says
    so), so the tables and the features as of 2025-10-01 stay byte for byte the same. With
    a later ``until`` the vote enters both the roll calls and the embargo history, and gets
    its features as of the day before it, like every other year.
    """
    from unvote.feature_files import cached_features_table, write_features
    from unvote.precedents import precedents

    title = EMBARGO.split(" : ")[0]
    # 2024's vote again (it must agree with the extract), then two votes after the as-of date
    old = {code: "X" for code in members_on("2024-11-02")}
    old.update({"CUB": "Y", "MEX": "Y", "USA": "N", "ISR": "N"})
    late = {"CUB": "Y", "MEX": "Y", "USA": "N", "ISR": "N"}
    rows = [
        *_bulk_rows("A/RES/79/9", "2024-11-02", title, old),
        *_bulk_rows("A/RES/80/5", "2025-10-15", "Another resolution", {**late, "MEX": "N"}),
        *_bulk_rows("A/RES/80/9", "2025-10-29", title, late),
    ]
    (raw / "undl").mkdir()
    pd.DataFrame(rows).to_csv(raw / "undl" / "ga_voting_2025.csv", index=False)

    outputs = {}
    shutil.copytree(raw, raw.parent / "without", ignore=shutil.ignore_patterns("undl"))
    runs = {
        "before": (raw.parent / "without", CUTOFF),
        "after": (raw, CUTOFF),
        "updated": (raw, pd.Timestamp("2025-11-01")),
    }
    for name, (folder, until) in runs.items():
        out = tmp_path / name
        written = build_all(folder, out_dir=out, interim_dir=out, until=until, progress=True)
        # the raw fixture holds no roll call of 2017 (tests/test_precedents.py covers them)
        features = cached_features_table(
            written["votes"],
            written["embargo_votes"],
            written["countries"],
            cache_dir=out,
            precedents=precedents().iloc[0:0],
        )
        outputs[name] = (written, write_features(features, out / "features.csv"), features)
    err = capsys.readouterr().err

    (new, new_features, table), (old_files, old_features, _) = outputs["after"], outputs["before"]
    assert "A/RES/80/9" not in set(load_all_votes(new["votes"])["resolution"])
    assert "A/RES/80/9 (2025-10-29)" in err and "left out of every table" in err
    for key in ("embargo_votes", "votes"):
        assert new[key].read_bytes() == old_files[key].read_bytes()
    assert new_features.read_bytes() == old_features.read_bytes()

    updated, _, updated_table = outputs["updated"]
    assert "A/RES/80/9" in set(load_all_votes(updated["votes"])["resolution"])
    assert "A/RES/80/9" in set(load_embargo_votes(updated["embargo_votes"])["resolution"])
    # the 2025 vote now has its features as of the day before it, like every other year
    assert (updated_table["year"] == 2025).any()
    assert updated_table.loc[updated_table["year"] == 2025, "as_of"].max() == pd.Timestamp(
        "2025-10-28"
    )
    assert table["as_of"].max() == pd.Timestamp("2025-10-01")
    forecast_rows = table.loc[table["year"] == 2025].set_index("iso3")
    assert forecast_rows.loc["MEX", "last_vote"] == "yes"  # 2024's vote, not anything later
