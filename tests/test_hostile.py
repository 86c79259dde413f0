"""Hostile input (issue 10): each case is one clear line, exit 2, and nothing written.

Each row of a table below breaks one input the way a tester did, runs the ``unvote``
command on it in ``tmp_path`` and checks: exit code 2, one line on stderr naming the file,
the field and the value, and no output folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from unvote import paths
from unvote.cli import main

ES_XML = """<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
  <statement name="resolution"><meta><identification source="#DGACM">
    <FRBRWork><FRBRdate date="2022-03-02" name="adoption"></FRBRdate></FRBRWork>
  </identification></meta>
  <preface><docNumber refersTo="#symbol">A/RES/ES-11/1</docNumber></preface>
  {voting}
  </statement></akomaNtoso>"""


def one_error_line(capsys, *, progress: str | None = None) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    if progress is not None:  # `data build` reports its steps ("unvote: reading ...")
        lines = [line for line in lines if not line.startswith(progress)]
    assert len(lines) == 1, err
    assert lines[0].startswith("unvote: error: ")
    return lines[0]


# --- features.csv ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def features_text() -> pd.DataFrame:
    """The committed features.csv as text, to be broken one cell at a time."""
    return pd.read_csv(paths.FEATURES_CSV, dtype=str, keep_default_na=False)


def _first(df, iso3, as_of="2024-10-29"):
    return df.index[(df["iso3"] == iso3) & (df["as_of"] == as_of)][0]


def _set(column, value, iso3="CUB"):
    def breaks(df):
        df.loc[_first(df, iso3), column] = value
        return df

    return breaks


FEATURES_CASES = [
    # (what the tester did, how the table is broken, fragments of the one line)
    ("text in a numeric column", _set("agree_us", "abc"), ["'agree_us'", "'abc'", "a finite"]),
    ("inf in a feature", _set("ideal_point", "inf"), ["'ideal_point'", "inf", "a finite"]),
    ("-inf in a count", _set("n_recent", "-inf"), ["'n_recent'", "-inf", "a finite"]),
    ("a bloc holding 'perhaps'", _set("nato", "perhaps"), ["'nato'", "'perhaps'", "True or"]),
    (
        "a duplicate row",
        lambda df: pd.concat([df, df.iloc[[_first(df, "CUB")]]]),
        ["'iso3'", "'CUB'", "each member once"],
    ),
    (
        "an unknown ISO3 (Zimbabwe renamed XXX)",
        lambda df: df.replace({"iso3": {"ZWE": "XXX"}}),
        ["'iso3'", "'XXX'", "UN members on"],
    ),
    (
        "a member left out (Zimbabwe deleted)",
        lambda df: df.loc[df["iso3"] != "ZWE"],
        ["'iso3'", "'ZWE'", "one row per UN member"],
    ),
    (
        "a state that was no member that day (South Sudan in 1992)",
        lambda df: df.replace({"iso3": {"ZWE": "SSD"}}),
        ["1992", "'SSD'", "UN members on 1992"],
    ),
    ("a header-only file", lambda df: df.iloc[:0], ["holds no rows", "allowed"]),
    ("an unreadable date", _set("as_of", "yesterday"), ["'as_of'", "'yesterday'", "YYYY-MM-DD"]),
    ("a year in words", _set("year", "soon"), ["'year'", "'soon'", "a whole year"]),
    ("an unknown last vote", _set("last_vote", "maybe"), ["'last_vote'", "'maybe'", "abstain"]),
    ("an unknown group", _set("group", "Mars"), ["'group'", "'Mars'", "African"]),
    (
        "a lower-case ISO3",
        lambda df: df.replace({"iso3": {"ZWE": "zwe"}}),
        ["'iso3'", "'zwe'", "an ISO3 code"],
    ),
    (
        "the iso3 column dropped",
        lambda df: df.drop(columns=["iso3"]),
        ["missing column", "'iso3'"],
    ),
]


@pytest.mark.parametrize(
    ("breaks", "fragments"),
    [pytest.param(b, f, id=d) for d, b, f in FEATURES_CASES],
)
def test_a_broken_features_csv_is_one_line_and_writes_nothing(
    tmp_path, capsys, features_text, breaks, fragments
):
    bad = tmp_path / "features.csv"
    breaks(features_text.copy()).to_csv(bad, index=False)
    out = tmp_path / "backtest"
    code = main(
        ["backtest", "--features", str(bad), "--embargo", str(paths.EMBARGO_VOTES_CSV)]
        + ["--out", str(out)]
    )
    assert code == 2
    line = one_error_line(capsys)
    assert str(bad) in line
    for fragment in fragments:
        assert fragment in line, line
    assert not out.exists()


def test_the_report_takes_groups_and_blocs_of_its_date_not_from_features_csv(tmp_path):
    """Was a KeyError 'kind', then a DataError: a forecast date features.csv lacks.

    `unvote report --as-of 2025-06-01` ran the forecast (which computes that date's
    features) and then stopped because features.csv had no such rows; the report's groups
    and blocs now come from the facts tables of the day.
    """
    from unvote.report.data import load_report_data

    forecast = tmp_path / "forecast"
    forecast.mkdir()
    (forecast / "forecast.json").write_text(
        json.dumps({"as_of": "2025-06-01", "scenario": {"name": "x"}}), encoding="utf-8"
    )
    (forecast / "country_forecast.csv").write_text("iso3\nCUB\n", encoding="utf-8")
    (forecast / "tally.csv").write_text(",mean\nyes,185\n", encoding="utf-8")
    (forecast / "drivers.csv").write_text("iso3,driver\n", encoding="utf-8")
    groups = load_report_data(forecast, backtest_dir=tmp_path / "none").groups
    assert len(groups) == 193 and groups.loc["POL", "European Union"]
    assert groups.loc["CUB", "Latin American and Caribbean"] and not groups.loc["CUB", "NATO"]


# --- scenarios ----------------------------------------------------------------------------
SPLIT = "split = { abstain = 1.0 }\n"
SCENARIO_CASES = [
    (
        "a 400-digit number",
        f'[levers.push]\nanchor = "campaign"\nrange = [0, {"9" * 400}]\n{SPLIT}',
        ["'levers.push.range'", "999...", "a finite number"],
    ),
    (
        "a 5000-digit number (beyond int conversion)",
        f"x = {'9' * 5000}\n",
        ["cannot read a value", "allowed: a TOML file"],
    ),
    (
        "arrays nested thousands deep",
        f"x = {'[' * 5000}{']' * 5000}\n",
        ["nested too deep", "allowed"],
    ),
    (
        "inline tables nested thousands deep",
        f"x = {'{a=' * 3000}1{'}' * 3000}\n",
        ["nested too deep", "allowed"],
    ),
    (
        "a table header thousands of keys deep",
        f"[{'.'.join(['a'] * 3000)}]\n",
        ["key 'a'", "{'a': {'a':", "allowed: keys name"],
    ),
]


@pytest.mark.parametrize(
    ("text", "fragments"), [pytest.param(t, f, id=d) for d, t, f in SCENARIO_CASES]
)
def test_a_hostile_scenario_is_one_line_and_writes_nothing(tmp_path, capsys, text, fragments):
    bad = tmp_path / "hostile.toml"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["forecast", "--scenario", str(bad), "--out", str(out)]) == 2
    line = one_error_line(capsys)
    assert str(bad) in line and len(line) < 400
    for fragment in fragments:
        assert fragment in line, line
    assert not out.exists()


# --- raw files ------------------------------------------------------------------------------
def _unxml_with_a_list_in_a_name_list(raw):
    record = {
        "symbol": "A/RES/79/5",
        "title": "t",
        "adoption_date": "2024-10-30",
        "MS_in_favour": [["CUBA"], "MEXICO"],
        "MS_against": [],
        "MS_abstaining": [],
        "MS_in_favour_count": "2",
        "MS_against_count": "N.A.",
        "MS_abstaining_count": "N.A.",
    }
    (raw / "unxml").mkdir()
    (raw / "unxml" / "79.json").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return raw / "unxml" / "79.json"


def _emergency(voting):
    def write(raw):
        (raw / "unxml_emergency").mkdir()
        path = raw / "unxml_emergency" / "A_RES_ES-11_1.xml"
        path.write_text(ES_XML.format(voting=voting), encoding="utf-8")
        return path

    return write


RAW_CASES = [
    (
        "a name list holding a list",
        _unxml_with_a_list_in_a_name_list,
        ["A/RES/79/5", "MS_in_favour", "['CUBA']", "allowed: member-state names"],
    ),
    (
        "an emergency-session vote list removed",
        _emergency(""),
        ["ES-11/1", "no <voting>", "allowed"],
    ),
    (
        "an emergency-session recorded vote without counts",
        _emergency('<voting outcome="adoptedRecordedVote"></voting>'),
        ["ES-11/1", "'adoptedRecordedVote'", "holds no <count>"],
    ),
]


@pytest.mark.parametrize(
    ("writes", "fragments"), [pytest.param(w, f, id=d) for d, w, f in RAW_CASES]
)
def test_a_hostile_raw_file_is_one_line_and_writes_nothing(tmp_path, capsys, writes, fragments):
    raw = tmp_path / "raw"
    raw.mkdir()
    bad = writes(raw)
    out, interim = tmp_path / "processed", tmp_path / "interim"
    args = ["data", "build", "--raw", str(raw), "--out", str(out), "--interim", str(interim)]
    assert main(args) == 2
    line = one_error_line(capsys, progress="unvote: reading ")
    assert str(bad) in line
    for fragment in fragments:
        assert fragment in line, line
    assert not out.exists() and not interim.exists()


# --- Ctrl-C, the feature cache ----------------------------------------------------------------
def test_ctrl_c_is_one_line_and_exit_130(capsys, monkeypatch):
    def interrupted(*_, **__):
        raise KeyboardInterrupt

    monkeypatch.setattr("unvote.history.load_embargo_votes", interrupted)
    assert main(["history"]) == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["unvote: interrupted"]


def test_a_corrupt_feature_cache_is_rebuilt_with_one_warning(tmp_path, capsys, monkeypatch):
    import unvote.feature_files as feature_files
    import unvote.features as features

    votes = tmp_path / "votes.parquet"
    votes.write_bytes(b"votes")  # only hashed: the build below is replaced
    # the sponsors table beside votes.parquet is part of the key (absent here)
    key = feature_files.data_key(
        votes, tmp_path / "e.csv", tmp_path / "c.csv", tmp_path / "sponsors.parquet"
    )
    cache = tmp_path / f"features-{key}.parquet"
    cache.write_bytes(b"PAR1 half a file, as a killed write leaves it")
    table = pd.DataFrame(
        {"as_of": pd.to_datetime(["2024-10-29"]), "year": [2024], "iso3": ["CUB"]}
        | {"last_vote": ["yes"], "group": ["Latin American and Caribbean"]}
    )
    monkeypatch.setattr("unvote.history.load_all_votes", lambda _: None)
    monkeypatch.setattr("unvote.history.load_embargo_votes", lambda _: None)
    monkeypatch.setattr(features, "build_features_table", lambda *_, **__: table)
    got = feature_files.cached_features_table(
        votes, tmp_path / "e.csv", tmp_path / "c.csv", cache_dir=tmp_path
    )
    pd.testing.assert_frame_equal(got, table)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"unvote: warning: {cache}: unreadable")
    pd.testing.assert_frame_equal(pd.read_parquet(cache), table)  # rebuilt, readable


# --- folders of outputs ---------------------------------------------------------------------
KILLED_WRITER = """
import os, sys
from unvote.atomic import atomic_dir
with atomic_dir(sys.argv[1]) as tmp:
    (tmp / "country_forecast.csv").write_text("run 2\\n")
    os._exit(9)  # killed between two files
"""


def test_a_killed_run_leaves_the_old_folder_and_the_next_run_cleans_up(tmp_path):
    from unvote.atomic import TMP_PREFIX, atomic_dir

    out = tmp_path / "reports" / "s"
    with atomic_dir(out) as tmp:
        for name in ("country_forecast.csv", "tally.csv"):
            (tmp / name).write_text("run 1\n")
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "src")}
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(out)], env=env, check=False)
    leftovers = [p for p in out.parent.iterdir() if p.name.startswith(TMP_PREFIX)]
    assert len(leftovers) == 1  # the killed run's folder
    assert {p.read_text() for p in out.iterdir()} == {"run 1\n"}
    with atomic_dir(out) as tmp:
        for name in ("country_forecast.csv", "tally.csv"):
            (tmp / name).write_text("run 3\n")
    assert sorted(p.name for p in out.parent.iterdir()) == ["s"]
    assert {p.read_text() for p in out.iterdir()} == {"run 3\n"}


def test_a_folder_is_replaced_whole_keeping_other_commands_files(tmp_path):
    from unvote.atomic import TMP_PREFIX, atomic_dir

    out = tmp_path / "s"
    with atomic_dir(out) as tmp:
        (tmp / "tally.csv").write_text("run 1\n")
        (tmp / "report.pdf").write_text("report of run 1\n")
    before = out.stat().st_ino
    live = tmp_path / f"{TMP_PREFIX}{os.getpid()}-s-inprogress"
    live.mkdir()  # a run in progress (this process): kept
    with atomic_dir(out) as tmp:
        (tmp / "tally.csv").write_text("run 2\n")
    assert out.stat().st_ino != before  # a new folder, swapped in
    assert (out / "tally.csv").read_text() == "run 2\n"
    assert (out / "report.pdf").read_text() == "report of run 1\n"
    assert live.exists()
