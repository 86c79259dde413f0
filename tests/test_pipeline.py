"""The pipeline: where outputs go by default, and what is stale, decided from the files alone."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from unvote import paths
from unvote.cli import main
from unvote.pipeline import (
    MAX_FOLDER_NAME,
    Inputs,
    default_out_dir,
    forecast_mismatch,
    is_stale,
    plan_report,
)


def small_backtest(folder):
    """Backtest files newer than the data, so that a plan finds the backtest current."""
    folder.mkdir()
    for name in ("predictions.csv", "scores.csv"):
        (folder / name).write_text("x\n", encoding="utf-8")
    return folder


# --- where outputs go -----------------------------------------------------------------------
def test_default_folders_are_by_scenario_and_as_of_date(tmp_path):
    assert default_out_dir("baseline", "2019-11-06", reports_dir=tmp_path) == (
        tmp_path / "baseline" / "2019-11-06"
    )
    assert default_out_dir("baseline", pd.Timestamp("2025-10-01")) == (
        paths.REPORTS_DIR / "baseline" / "2025-10-01"
    )


def test_given_votes_get_a_readable_folder_whatever_their_order_or_case():
    one = default_out_dir("s", "2025-10-01", {"GTM": "abstain", "PAN": "no"})
    assert one.name == "2025-10-01_given_GTM-abstain_PAN-no"
    assert default_out_dir("s", "2025-10-01", {"pan": "No", "gtm": "abstain"}) == one
    assert default_out_dir("s", "2025-10-01", {}) == default_out_dir("s", "2025-10-01")
    assert default_out_dir("s", "2025-10-01", {"GTM": "no"}) != one
    bloc = default_out_dir("s", "2025-10-01", {"Western European and Others": "abstain"})
    assert bloc.name == "2025-10-01_given_WESTERN-EUROPEAN-AND-OTHERS-abstain"


def test_a_long_list_of_given_votes_is_cut_and_keeps_one_folder_each():
    many = {f"X{i:02d}": "no" for i in range(40)}
    folder = default_out_dir("s", "2025-10-01", many)
    assert len(folder.name) <= MAX_FOLDER_NAME
    assert folder.name.startswith("2025-10-01_given_X00-no_X01-no")
    assert default_out_dir("s", "2025-10-01", {**many, "X39": "yes"}) != folder


@pytest.mark.slow
def test_two_forecasts_of_different_dates_leave_each_others_files_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path)
    for as_of in ("2025-10-01", "2024-10-29"):
        args = ["forecast", "--scenario", "baseline", "--as-of", as_of, "--draws", "200"]
        assert main(args) == 0
    first, second = tmp_path / "baseline" / "2025-10-01", tmp_path / "baseline" / "2024-10-29"
    assert json.loads((first / "forecast.json").read_text())["target_year"] == 2025
    assert json.loads((second / "forecast.json").read_text())["target_year"] == 2024
    assert sorted(p.name for p in (tmp_path / "baseline").iterdir()) == [
        "2024-10-29",
        "2025-10-01",
    ]


# --- what is stale --------------------------------------------------------------------------
def test_is_stale_when_missing_or_older_than_an_input(tmp_path):
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("x")
    assert is_stale([output], [source])
    output.write_text("y")
    os.utime(source, (1_000, 1_000))
    os.utime(output, (2_000, 2_000))
    assert not is_stale([output], [source, tmp_path / "absent-input.csv"])
    os.utime(source, (3_000, 3_000))
    assert is_stale([output], [source])


def test_the_plan_reruns_what_is_missing_stale_or_of_another_run(tmp_path):
    """The staleness rule, decided from the files alone: nothing is run or drawn."""
    from unvote.forecast import run_forecast
    from unvote.outputs import write_forecast

    inputs = Inputs.resolve(backtest_dir=small_backtest(tmp_path / "backtest"))
    out = tmp_path / "out"

    def why(scenario="us_lobbying_2025", **kwargs):
        plan = plan_report(scenario, out, inputs=inputs, **kwargs)
        return plan.forecast

    assert why() == "outputs missing"
    write_forecast(run_forecast("us_lobbying_2025", draws=200, seed=1), out)
    assert why() is None
    assert plan_report("us_lobbying_2025", out, inputs=inputs).backtest is None
    # another scenario's report in the same folder does not reuse this forecast
    assert why("baseline") == "of another scenario or another scenario file"
    assert why(as_of="2024-10-01") == "as of 2025-10-01"
    # a forecast.json of another unvote version, or without the coefficients, is rerun
    doc = json.loads((out / "forecast.json").read_text())
    (out / "forecast.json").write_text(json.dumps({**doc, "version": "0.0.1"}))
    assert why() == "written by another version of unvote"
    del doc["coefficients"]
    (out / "forecast.json").write_text(json.dumps(doc))
    assert why() == "written by another version of unvote"
    (out / "forecast.json").write_text("[1, 2]")
    assert why() == "no readable forecast.json"
    # older than the data, or one file missing
    for path in out.iterdir():
        os.utime(path, (1_000, 1_000))
    assert why() == "outputs older than the scenario or the data"
    (out / "tally.csv").unlink()
    assert why() == "outputs missing"
    for path in inputs.backtest_dir.iterdir():
        os.utime(path, (1_000, 1_000))
    assert plan_report("us_lobbying_2025", out, inputs=inputs).backtest == (
        "outputs older than the data"
    )
    (inputs.backtest_dir / "scores.csv").unlink()
    assert plan_report("us_lobbying_2025", out, inputs=inputs).backtest == "outputs missing"


def test_report_reruns_a_forecast_of_a_same_named_copy_or_a_sensitivity_run(tmp_path):
    from unvote.forecast import run_forecast
    from unvote.outputs import previous_source, write_forecast
    from unvote.scenario import load_scenario
    from unvote.simulate import Uncertainty

    shipped = load_scenario(paths.SCENARIOS_DIR / "us_lobbying_2025.toml")
    text = (paths.SCENARIOS_DIR / "us_lobbying_2025.toml").read_text(encoding="utf-8")
    copy_path = tmp_path / "copy.toml"
    copy_path.write_text(text.replace("range = [0.0, 0.3]", "range = [0.0, 0.1]"), "utf-8")
    copy = load_scenario(copy_path)
    assert copy.name == shipped.name

    out = tmp_path / "out"
    write_forecast(run_forecast(shipped, draws=200, seed=1), out)
    assert forecast_mismatch(out, shipped, "2025-10-01") is None
    assert forecast_mismatch(out, copy, "2025-10-01") is not None
    assert previous_source(out, copy) == "scenarios/us_lobbying_2025.toml"
    assert previous_source(out, shipped) is None

    no_shocks = run_forecast(shipped, draws=200, seed=1, uncertainty=Uncertainty(shocks=False))
    write_forecast(no_shocks, out)
    assert forecast_mismatch(out, shipped, "2025-10-01") == "a sensitivity run"
