"""Voting-day tools end to end: ``--given``, ``[given]``, ``--save-draws``, blocs as names."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from unvote.blocs import memberships_on, unit_members
from unvote.cli import main
from unvote.conditioning import MIN_EFFECTIVE_DRAWS
from unvote.errors import UnvoteError
from unvote.forecast import run_forecast
from unvote.outputs import forecast_json, format_forecast

DRAWS = 1500
#: A day in features.csv (the day before the 2003 vote), before South Sudan joined.
AS_OF_2003 = "2003-11-03"


def forecast(tmp_path, *args, draws=DRAWS):
    out = tmp_path / "out"
    code = main(["forecast", "--draws", str(draws), "--out", str(out), *args])
    return code, out


def test_a_vote_no_simulation_gives_exits_2_naming_it_and_writes_nothing(tmp_path, capsys):
    code, out = forecast(tmp_path, "--given", "CUB=no")
    err = capsys.readouterr().err.strip()
    assert code == 2 and not out.exists()
    assert err.count("\n") == 0
    assert "--given CUB=no" in err and "sponsors the resolution" in err and "allowed" in err


def test_conditioning_on_the_sponsors_certain_vote_changes_nothing(tmp_path):
    _, plain = forecast(tmp_path / "a")
    _, given = forecast(tmp_path / "b", "--given", "CUB=yes")
    for name in ("country_forecast.csv", "tally.csv", "drivers.csv"):
        assert (plain / name).read_bytes() == (given / name).read_bytes()
    doc = json.loads((given / "forecast.json").read_text())
    assert doc["given"]["states"] == {"CUB": "yes"}
    assert doc["given"]["effective_draws"] == DRAWS


def test_given_a_nato_member_abstains_the_other_members_are_less_sure_of_yes():
    nato = set(unit_members("nato", memberships_on("2025-10-01"))) - {"POL", "USA"}
    for scenario in ("baseline", "us_lobbying_2025"):
        before = run_forecast(scenario, draws=DRAWS).countries.set_index("iso3")["p_yes"]
        result = run_forecast(scenario, draws=DRAWS, given={"POL": "abstain"})
        after = result.countries.set_index("iso3")["p_yes"]
        change = (after - before).drop("POL")
        assert after["POL"] == 0.0
        assert (change[sorted(nato)] < 0).all()
        assert change[sorted(nato)].mean() < change.drop(sorted(nato)).mean()
        assert 0 < result.effective_draws < DRAWS
        # the tally moves the same way, beyond Poland's own vote
        assert result.tally.loc["yes", "mean"] < result.prior_tally.loc["yes", "mean"] - 1


def test_few_carrying_simulations_are_flagged_with_more_draws_suggested():
    result = run_forecast(draws=300, given="POL=abstain,LTU=no")
    text = format_forecast(result)
    assert result.effective_draws < MIN_EFFECTIVE_DRAWS
    assert f"fewer than {MIN_EFFECTIVE_DRAWS} simulations carry it" in text
    assert "rerun with --draws" in text
    assert "Given POL=abstain, LTU=no (2 states)" in text


def test_saved_draws_hold_every_vote_and_reproduce_the_forecast(tmp_path):
    code, out = forecast(tmp_path, "--save-draws", "--given", "GTM=abstain")
    assert code == 0
    draws = pd.read_parquet(out / "draws.parquet")
    assert len(draws) == DRAWS and list(draws.columns[:2]) == ["draw", "AFG"]
    assert draws["draw"].tolist() == list(range(DRAWS))
    states = draws.drop(columns=["draw", "weight"])
    assert states.shape[1] == 193 and (states.dtypes == np.int8).all()
    assert (states["GTM"] == 1).all() and (states["CUB"] == 0).all()
    meta = draws.attrs["unvote"]
    assert meta["codes"] == {"0": "yes", "1": "abstain", "2": "no", "3": "absent"}
    assert meta["given"] == {"GTM": "abstain"}
    tally = pd.read_csv(out / "tally.csv", index_col=0)
    yes = (states == 0).sum(axis=1).to_numpy()
    assert draws["weight"].to_numpy() @ yes == pytest.approx(tally.loc["yes", "mean"], abs=1e-5)
    countries = pd.read_csv(out / "country_forecast.csv", keep_default_na=False)
    p_yes = countries.set_index("iso3")["p_yes"]
    by_draws = draws["weight"].to_numpy() @ (states == 0).to_numpy()
    # the forecast averages probabilities, the file holds votes: they agree within noise
    assert np.abs(by_draws - p_yes[states.columns].to_numpy()).max() < 0.1


def test_without_a_condition_the_draws_file_has_no_weight_and_the_tally_agrees(tmp_path):
    _, out = forecast(tmp_path, "--save-draws", draws=300)
    draws = pd.read_parquet(out / "draws.parquet")
    assert "weight" not in draws.columns
    tally = pd.read_csv(out / "tally.csv", index_col=0)
    yes = (draws.drop(columns="draw") == 0).sum(axis=1)
    assert yes.mean() == pytest.approx(tally.loc["yes", "mean"])


def test_bloc_names_in_a_scenario_file_fix_the_members_of_the_day(tmp_path):
    path = tmp_path / "eu.toml"
    path.write_text('name = "eu"\n[overrides]\nEU = "abstain"\nFRA = "no"\n', encoding="utf-8")
    result = run_forecast(path, draws=200)
    table = result.countries.set_index("iso3")
    eu = unit_members("EU", memberships_on("2025-10-01"))
    assert (table.loc[[i for i in eu if i != "FRA"], "p_abstain"] == 1.0).all()
    assert table.loc["FRA", "p_no"] == 1.0 and table.loc["GBR", "p_abstain"] < 1.0
    assert result.tally.loc["abstain", "q05"] >= 26


def test_a_bloc_that_moves_together_moves_as_one_and_its_news_spreads(tmp_path):
    path = tmp_path / "together.toml"
    path.write_text(
        'name = "t"\n[together.EU]\nvote = "abstain"\nprobability = 0.4\n', encoding="utf-8"
    )
    result = run_forecast(path, draws=2000)
    assert 26 * 0.3 < result.tally.loc["abstain", "mean"] - 1.6 < 28 * 0.5
    given = run_forecast(path, draws=2000, given="FRA=abstain")
    table = given.countries.set_index("iso3")
    assert table.loc["DEU", "p_abstain"] > 0.9
    path.write_text(
        'name = "t"\n[together.EU]\nvote = "abstain"\nprobability = 1.0\n', encoding="utf-8"
    )
    with pytest.raises(UnvoteError, match=r"given DEU=no.*its chance is 0 in all 300"):
        run_forecast(path, draws=300, given="FRA=abstain,DEU=no")


def test_unknown_names_and_non_members_get_one_line_and_exit_2(tmp_path, capsys):
    code, out = forecast(tmp_path, "--given", "Europe=no")
    assert code == 2 and not out.exists()
    assert "--given: key 'Europe'; allowed:" in capsys.readouterr().err
    code, out = forecast(tmp_path, "--as-of", AS_OF_2003, "--given", "SSD=no", draws=200)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert f"--given SSD=no: SSD is not a UN member on {AS_OF_2003}; allowed:" in err


def test_the_command_lines_given_beats_the_files_and_both_are_kept(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text('name = "g"\n[given]\nGTM = "no"\nPAN = "no"\n', encoding="utf-8")
    result = run_forecast(path, draws=200, given="GTM=abstain")
    assert result.given_votes == {"GTM": "abstain", "PAN": "no"}
    assert result.given == (("GTM", "no"), ("PAN", "no"), ("GTM", "abstain"))
    doc = json.loads(forecast_json(result))
    assert doc["scenario"]["given"] == {"GTM": "no", "PAN": "no"}
    assert doc["given"]["states"] == {"GTM": "abstain", "PAN": "no"}
