"""``unvote forecast`` / ``compare`` end to end on the committed data, and their error paths."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from unvote import __version__, paths
from unvote.cli import main
from unvote.errors import DataError, UnvoteError
from unvote.forecast import COUNTRY_COLUMNS, evaluate, prepare, run_forecast
from unvote.scenario import BASELINE, Lever, Scenario, load_scenario
from unvote.simulate import Uncertainty

DRAWS = 400
SPLIT = (0.6, 0.3, 0.1)


@pytest.fixture(scope="module")
def context():
    return prepare("2025-10-01")


def forecast(tmp_path, *args):
    out = tmp_path / "out"
    code = main(["forecast", "--draws", str(DRAWS), "--out", str(out), *args])
    return code, out


def test_forecast_writes_the_four_files_as_specified(tmp_path, capsys):
    code, out = forecast(tmp_path)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "country_forecast.csv",
        "drivers.csv",
        "forecast.json",
        "tally.csv",
    ]
    drivers = pd.read_csv(out / "drivers.csv", keep_default_na=False, na_values=[""])
    assert list(drivers.columns[:4]) == ["iso3", "driver", "outcome", "effect"]
    assert set(drivers["kind"]) == {"model", "lever", "rule"}
    # the sponsor's one row is the rule; every other member has model terms and levers
    assert drivers.loc[drivers["iso3"] == "CUB", "kind"].tolist() == ["rule"]
    assert drivers.loc[drivers["kind"] == "lever", "iso3"].nunique() > 100
    countries = pd.read_csv(out / "country_forecast.csv", keep_default_na=False)
    assert tuple(countries.columns) == COUNTRY_COLUMNS
    assert len(countries) == 193 and countries["iso3"].is_unique
    assert countries["p_yes"].is_monotonic_increasing
    probs = countries[["p_yes", "p_abstain", "p_no", "p_absent"]].sum(axis=1)
    np.testing.assert_allclose(probs, 1.0, atol=1e-5)
    tally = pd.read_csv(out / "tally.csv", index_col=0)
    assert list(tally.index) == ["yes", "no", "abstain", "absent"]
    assert list(tally.columns) == ["mean", "q05", "q10", "q25", "q50", "q75", "q90", "q95"]
    assert tally["mean"].sum() == pytest.approx(193)
    doc = json.loads((out / "forecast.json").read_text())
    assert doc["scenario"]["name"] == "us_lobbying_2025"
    assert doc["as_of"] == "2025-10-01" and doc["target_year"] == 2025
    assert doc["last_vote"]["year"] == 2024
    assert doc["seed"] == 20251001 and doc["draws"] == DRAWS
    assert set(doc["thresholds"]) == {
        "p_yes_below_180",
        "p_yes_below_170",
        "p_yes_below_160",
        "p_no_at_least_5",
        "p_no_at_least_10",
    }
    # everything forecast.json promises: the same tables, the scenario as loaded, provenance
    assert doc["scenario"] == load_scenario("us_lobbying_2025").to_dict()
    # relative to the project: the same bytes in any clone
    assert doc["scenario"]["source"] == "scenarios/us_lobbying_2025.toml"
    assert doc["data_last_vote_date"] == "2024-10-30" and doc["version"] == __version__
    pd.testing.assert_frame_equal(
        pd.DataFrame.from_dict(doc["tally"], orient="index"), tally, check_names=False
    )
    assert set(doc["baseline"]["tally"]) == set(tally.index)
    assert set(doc["baseline"]["thresholds"]) == set(doc["thresholds"])
    assert [row["iso3"] for row in doc["countries"]] == list(countries["iso3"])
    assert all("p_yes_change" in row for row in doc["countries"])
    assert set(doc["lever_effects"]) == {"pressure", "ukraine"}
    assert {row["outcome"] for row in doc["coefficients"]} == {"abstain", "no", "absent"}
    printed = capsys.readouterr().out
    # last year's result, read from the data, next to the forecast
    assert "2024 result" in printed and "187" in printed
    assert "15 states most likely not to vote yes" in printed


def test_predict_is_the_models_linear_predictor(context):
    eta = context.results.linear_predictor(context.features)
    np.testing.assert_allclose(context.predict(None, False), eta[:, 1:].T)
    draws = context.results.sample_params(np.random.default_rng(0), 3)
    eta_draws = context.results.linear_predictor(context.features, draws)
    np.testing.assert_allclose(
        context.predict(draws, False), np.moveaxis(eta_draws[..., 1:], 2, 0)
    )


def test_last_years_result_is_read_from_the_data(context):
    assert context.last_vote == {
        "year": 2024,
        "date": "2024-10-30",
        "yes": 187,
        "abstain": 1,
        "no": 2,
        "absent": 3,
    }


def test_same_seed_same_bytes_other_seed_other_numbers(tmp_path):
    outs = []
    for i, seed in enumerate(("7", "7", "8")):
        out = tmp_path / str(i)
        assert main(["forecast", "--draws", "300", "--seed", seed, "--out", str(out)]) == 0
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1]
    assert outs[0]["tally.csv"] != outs[2]["tally.csv"]


def test_tallies_sum_to_the_members_of_the_day(context):
    sims = evaluate(context, [load_scenario("us_lobbying_2025"), BASELINE], 300, seed=3)
    assert len(context.features) == 193
    for sim in sims:
        assert (sim.counts.sum(axis=1) == 193).all()


def test_a_scenario_with_zero_effect_equals_the_baseline(context):
    zero = Scenario(
        "zero",
        levers=(
            Lever("pressure", "campaign", 0.0, 0.0, SPLIT),
            Lever("ukraine", "feature", 0.0, 0.0, SPLIT, "ukraine_yes_share"),
        ),
    )
    base, same = evaluate(context, [BASELINE, zero], 500, seed=11)
    assert np.array_equal(base.counts, same.counts)
    assert np.array_equal(base.probs, same.probs)


@pytest.mark.parametrize("anchor", ["campaign", "feature"])
def test_stronger_pressure_never_raises_any_p_yes(context, anchor):
    feature = None if anchor == "campaign" else "ukraine_yes_share"
    scenarios = [
        Scenario(f"s{m}", levers=(Lever("lever", anchor, m, m, SPLIT, feature),))
        for m in (0.0, 0.5, 1.0, 3.0)
    ]
    sims = evaluate(context, scenarios, 300, seed=5)
    for weak, strong in zip(sims, sims[1:], strict=False):
        assert (strong.probs[:, 0] <= weak.probs[:, 0] + 1e-12).all()
        assert (strong.counts[:, 0] <= weak.counts[:, 0]).all()
    assert sims[-1].probs[:, 0].sum() < sims[0].probs[:, 0].sum()


def test_lobbying_moves_votes_away_from_yes_compared_with_baseline(tmp_path):
    result = run_forecast(draws=DRAWS, uncertainty=Uncertainty(shocks=False))
    change = result.countries["p_yes"] - result.countries["p_yes_baseline"]
    assert (change <= 1e-12).all()
    assert result.tally.loc["yes", "mean"] < result.baseline_tally.loc["yes", "mean"]


def test_compare_prints_and_writes_the_differences(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = ["compare", "baseline", "us_lobbying_2025", "--draws", "300", "--out", str(out)]
    assert main(args) == 0
    tally = pd.read_csv(out / "compare_tally.csv", index_col=0)
    assert tally.loc["yes", "mean_diff"] < 0
    countries = pd.read_csv(out / "compare_countries.csv", keep_default_na=False)
    assert len(countries) == 193
    assert countries["diff"].abs().is_monotonic_decreasing
    printed = capsys.readouterr().out
    assert "us_lobbying_2025 against baseline" in printed
    assert re.search(r"^probability\s+baseline\s+us_lobbying_2025$", printed, re.MULTILINE)
    header = (out / "compare_thresholds.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "probability,baseline,us_lobbying_2025"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--seed", "-1"], "non-negative integer"),
        (["--draws", "200001"], "1 to 200,000"),
        (["--draws", "0"], "1 to 200,000"),
    ],
)
def test_compare_bad_options_exit_2_and_write_nothing(tmp_path, capsys, args, expected):
    out = tmp_path / "cmp"
    code = main(["compare", "baseline", "us_lobbying_2025", "--out", str(out), *args])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err


def test_compare_two_files_with_one_name_says_to_rename_one(tmp_path, capsys):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('name = "mine"\n', encoding="utf-8")
    second.write_text('name = "mine"\n[overrides]\nFRA = "abstain"\n', encoding="utf-8")
    out = tmp_path / "cmp"
    code = main(["compare", str(first), str(second), "--draws", "50", "--out", str(out)])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert "both scenarios are named 'mine'" in err and "another `name`" in err


def test_overrides_fix_a_countrys_vote_or_its_probabilities(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[overrides]\nBRA = "no"\nFRA = { yes = 0.5, abstain = 0.5 }\n')
    code, out = forecast(tmp_path, "--scenario", str(path))
    assert code == 0
    countries = pd.read_csv(out / "country_forecast.csv", keep_default_na=False)
    probs = countries.set_index("iso3")[["p_yes", "p_abstain", "p_no", "p_absent"]]
    assert probs.loc["BRA"].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert probs.loc["FRA"].tolist() == [0.5, 0.5, 0.0, 0.0]
    # the baseline column stays the model's, and every other country keeps the baseline
    assert countries.set_index("iso3").loc["BRA", "p_yes_baseline"] > 0.5
    others = countries.loc[~countries["iso3"].isin(["BRA", "FRA"])]
    np.testing.assert_allclose(others["p_yes"], others["p_yes_baseline"], atol=1e-6)


# --- bad input: one line, exit 2, nothing written ------------------------------------------
def bad_scenario(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--as-of", "1980-01-01"], "outside the data"),
        (["--as-of", "2030-01-01"], "outside the data"),
        (["--as-of", "not-a-date"], "not a date"),
        (["--draws", "0"], "1 to 200,000"),
        (["--draws", "100000000"], "1 to 200,000"),
        (["--seed", "-1"], "non-negative integer"),
        (["--scenario", "no_such_scenario"], "not found"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(tmp_path, capsys, args, expected):
    # forecast() passes a small --draws first; a later --draws in args wins (argparse)
    code, out = forecast(tmp_path, *args)
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err
    assert "allowed" in err or "expected" in err


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('colour = "red"', "'colour'"),
        ("[levers.p]\nanchor = 'campaign'\nrange = [2, 1]\nsplit = {no = 1.0}", "range"),
        ("[levers.p]\nanchor = 'campaign'\nrange = [1, 2]\nsplit = {no = 1.5}", "split.no"),
        ("[levers.p]\nanchor = 'campaign'\nrange = 'big'\nsplit = {no = 1.0}", "range"),
        ('[overrides]\nXYZ = "no"', "overrides.XYZ"),
        # a real state, but not a member in 2025
        ('[overrides]\nYUG = "no"', "overrides.YUG"),
    ],
)
def test_bad_scenario_files_exit_2_and_write_nothing(tmp_path, capsys, text, key):
    path = bad_scenario(tmp_path, text)
    code, out = forecast(tmp_path, "--scenario", path)
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip()
    assert path in err and key in err and "allowed" in err and "\n" not in err


def test_other_as_of_dates_need_the_raw_cache(tmp_path):
    with pytest.raises(DataError, match="run `make data`"):
        prepare("2025-03-01", votes_path=tmp_path / "absent.parquet")


def test_an_earlier_embargo_vote_can_be_forecast_from_its_own_past(context):
    # the day before the 2019 vote is in features.csv: fitted on 1993-2018 only
    past = prepare("2019-11-06")
    assert past.target_year == 2019 and past.last_vote["year"] == 2018
    assert past.results.n_obs < context.results.n_obs


def test_a_forecast_as_of_a_date_is_blind_to_everything_after_it(tmp_path):
    # The honest-forecasting rule: the 2018 forecast made the day before that vote is the
    # same whether or not the 2018-2024 votes and their features are in the data.
    as_of = pd.Timestamp("2018-10-31")
    embargo = pd.read_csv(paths.EMBARGO_VOTES_CSV, dtype=str, keep_default_na=False)
    features = pd.read_csv(paths.FEATURES_CSV, dtype=str, keep_default_na=False)
    cut_embargo, cut_features = tmp_path / "embargo.csv", tmp_path / "features.csv"
    embargo.loc[pd.to_datetime(embargo["date"]) < as_of].to_csv(cut_embargo, index=False)
    features.loc[pd.to_datetime(features["as_of"]) <= as_of].to_csv(cut_features, index=False)
    assert len(features.loc[pd.to_datetime(features["as_of"]) > as_of]) > 0

    full = run_forecast("us_lobbying_2025", as_of, draws=DRAWS, seed=7)
    blind = run_forecast(
        "us_lobbying_2025",
        as_of,
        draws=DRAWS,
        seed=7,
        features_path=cut_features,
        embargo_path=cut_embargo,
    )
    assert full.target_year == blind.target_year == 2018
    assert full.data_last_date == blind.data_last_date < as_of
    pd.testing.assert_frame_equal(full.countries, blind.countries)
    pd.testing.assert_frame_equal(full.tally, blind.tally)


def test_failure_while_writing_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    from unvote import forecast as fc

    code, out = forecast(tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args, **kwargs):
        raise UnvoteError("disk full (simulated)")

    monkeypatch.setattr(fc, "_csv", boom)
    assert forecast(tmp_path, "--seed", "99")[0] == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_committed_paths_are_the_defaults():
    assert paths.FEATURES_CSV.exists() and paths.EMBARGO_VOTES_CSV.exists()


def test_the_sponsor_votes_yes_under_any_campaign(tmp_path):
    """Cuba tables the resolution: certain yes in the baseline and under the strongest levers."""
    from dataclasses import replace

    from unvote.forecast import run_forecast
    from unvote.scenario import load_scenario

    scenario = load_scenario("us_lobbying_2025")
    strongest = replace(
        scenario,
        name="strongest",
        levers=tuple(replace(lv, low=lv.high * 4, high=lv.high * 4) for lv in scenario.levers),
    )
    result = run_forecast(strongest, draws=DRAWS)
    cuba = result.countries.set_index("iso3").loc["CUB"]
    assert cuba["p_yes"] == 1.0 and cuba["p_yes_baseline"] == 1.0
    assert result.sponsors == ("CUB",)
    # the levers do move others: the rule is not a campaign that does nothing
    assert result.countries["p_yes"].mean() < result.countries["p_yes_baseline"].mean() - 0.05


def test_levers_keep_their_expected_votes_when_shared(context):
    """share_by moves who gives the votes, not how many: the lever's expected votes stay."""
    from dataclasses import replace

    from unvote.forecast import lever_effects
    from unvote.scenario import load_scenario

    scenario = load_scenario("us_lobbying_2025")
    flat = replace(scenario, levers=tuple(replace(lv, share_by=None) for lv in scenario.levers))
    shared, unshared = lever_effects(context, scenario), lever_effects(context, flat)
    # equal but for the sponsor's small share, which the rule then keeps at yes
    np.testing.assert_allclose(shared.to_numpy(), unshared.to_numpy(), rtol=0.01, atol=1e-6)
    assert shared.loc["ukraine", "mid"] > 5  # and not a lever that moves nothing
