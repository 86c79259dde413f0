"""``unvote forecast`` / ``compare`` end to end on the committed data, and their error paths."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from unvote import __version__, paths
from unvote.cli import main
from unvote.context import features_as_of, prepare
from unvote.errors import DataError, UnvoteError
from unvote.forecast import evaluate, run_forecast
from unvote.outputs import LABEL_COLUMNS
from unvote.scenario import BASELINE, Lever, Scenario, load_scenario
from unvote.scoring import actual_and_scores
from unvote.simulate import Uncertainty
from unvote.tables import ARTICLE_COLUMNS, COUNTRY_COLUMNS, article_table
from unvote.votes import PROBA_COLUMNS

DRAWS = 400
SPLIT = (0.6, 0.3, 0.1)


@pytest.fixture(scope="module")
def context():
    return prepare("2025-10-01")


def forecast(tmp_path, *args):
    out = tmp_path / "out"
    code = main(["forecast", "--draws", str(DRAWS), "--out", str(out), *args])
    return code, out


def test_forecast_writes_its_files_as_specified(tmp_path, capsys):
    code, out = forecast(tmp_path)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "article_table.csv",
        "country_forecast.csv",
        "drivers.csv",
        "forecast.json",
        "tally.csv",
    ]
    drivers = pd.read_csv(out / "drivers.csv", keep_default_na=False, na_values=[""])
    assert list(drivers.columns[:6]) == [*LABEL_COLUMNS, "iso3", "driver", "outcome", "effect"]
    assert set(drivers["kind"]) == {"model", "lever", "rule"}
    # the sponsor's one row is the rule; every other member has model terms and levers
    assert drivers.loc[drivers["iso3"] == "CUB", "kind"].tolist() == ["rule"]
    assert drivers.loc[drivers["kind"] == "lever", "iso3"].nunique() > 100
    countries = pd.read_csv(out / "country_forecast.csv", keep_default_na=False)
    assert tuple(countries.columns) == (*LABEL_COLUMNS, *COUNTRY_COLUMNS)
    assert set(countries["scenario"]) == {"us_lobbying_2025"}
    assert set(countries["as_of"]) == {"2025-10-01"}
    assert len(countries) == 193 and countries["iso3"].is_unique
    assert countries["p_yes"].is_monotonic_increasing
    probs = countries[["p_yes", "p_abstain", "p_no", "p_absent"]].sum(axis=1)
    np.testing.assert_allclose(probs, 1.0, atol=1e-5)
    tally = pd.read_csv(out / "tally.csv", index_col=0)
    assert list(tally.index) == ["yes", "no", "abstain", "absent"]
    # the vote stays first (the report reads tally.csv with index_col=0)
    assert tally.index.name == "vote"
    assert list(tally.columns) == [
        *LABEL_COLUMNS,
        *["mean", "q05", "q10", "q25", "q50", "q75", "q90", "q95"],
    ]
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
        pd.DataFrame.from_dict(doc["tally"], orient="index"),
        tally.drop(columns=list(LABEL_COLUMNS)),
        check_names=False,
    )
    # the 2025 vote is not in the data: nothing to score
    assert doc["actual"] is None and doc["scores"] is None
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
    assert "Actual result" not in printed
    article = pd.read_csv(out / "article_table.csv", keep_default_na=False)
    assert tuple(article.columns) == (*LABEL_COLUMNS, *ARTICLE_COLUMNS)
    # one row per state, in the order of country_forecast.csv: least likely yes first
    assert list(article["ISO3"]) == list(countries["iso3"])
    assert article.set_index("ISO3").loc["FRA", "Blocs"] == "European Union; NATO"
    assert article.set_index("ISO3").loc["FRA", "Regional group"] == "Western European and Others"


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
    assert header == "probability,scenario,as_of,baseline,us_lobbying_2025"
    for name in ("compare_tally.csv", "compare_thresholds.csv", "compare_countries.csv"):
        frame = pd.read_csv(out / name)
        assert set(frame["scenario"]) == {"baseline vs us_lobbying_2025"}, name
        assert set(frame["as_of"]) == {"2025-10-01"}, name


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


def test_compare_weights_a_scenarios_given_votes_as_the_forecast_does(tmp_path):
    from unvote.compare import run_compare

    path = tmp_path / "news.toml"
    lever = '[levers.u]\nanchor = "feature"\nfeature = "ukraine_yes_share"\n'
    lever += "range = [0.0, 0.3]\nsplit = { abstain = 1.0 }\n"
    path.write_text(f'name = "news"\n{lever}[given]\nPOL = "abstain"\n', encoding="utf-8")
    compared = run_compare("baseline", path, draws=400, seed=3)
    forecast = run_forecast(path, draws=400, seed=3)
    assert compared.tally["mean_news"].tolist() == pytest.approx(forecast.tally["mean"].tolist())
    assert compared.thresholds["news"].to_dict() == pytest.approx(forecast.thresholds)
    # and the tally agrees with the conditioned probabilities (up to the draws' noise)
    p_yes = compared.countries.set_index("iso3")["p_yes_news"]
    assert p_yes["POL"] == 0.0
    assert compared.tally.loc["yes", "mean_news"] == pytest.approx(p_yes.sum(), abs=0.5)


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


def test_without_the_roll_calls_the_message_names_the_nearest_dates(tmp_path, capsys, monkeypatch):
    # a fresh clone has the roll calls; a clone without them gets the dates that still work
    missing = tmp_path / "votes.parquet"
    monkeypatch.setattr(paths, "ALL_VOTES_PARQUET", missing)
    code, out = forecast(tmp_path, "--scenario", "baseline", "--as-of", "2019-10-01")
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(missing) in err
    # the days before the 2018 and 2019 votes, which features.csv holds
    assert "the nearest 2018-10-31 and 2019-11-06" in err
    # the day before the 1993 vote precedes the first allowed date: not offered
    with pytest.raises(DataError, match=r"the nearest 1994-10-25;"):
        prepare("1993-12-01", votes_path=missing)


def test_a_date_features_csv_lacks_gets_the_features_it_would_hold():
    # computed from the committed roll calls and sponsors, as features.csv is
    from unvote.feature_files import load_features
    from unvote.history import load_embargo_votes

    features, day = load_features(paths.FEATURES_CSV), pd.Timestamp("2019-11-06")
    held = features.loc[features["as_of"] == day].drop(columns=["as_of", "year"])
    computed = features_as_of(
        features.loc[features["as_of"] != day],
        load_embargo_votes(paths.EMBARGO_VOTES_CSV),
        day,
        features_path=paths.FEATURES_CSV,
        votes_path=paths.ALL_VOTES_PARQUET,
    )
    pd.testing.assert_frame_equal(
        computed,
        held.set_index("iso3").sort_index().loc[:, computed.columns],
        check_dtype=False,
        check_exact=True,
    )


def test_forecasts_as_of_two_dates_say_which_is_which(tmp_path):
    frames: dict[str, list[pd.DataFrame]] = {}
    for day in ("2018-10-31", "2019-11-06"):
        out = tmp_path / day
        code = main(["forecast", "--scenario", "baseline", "--as-of", day, "--draws", "50",
                     "--out", str(out)])  # fmt: skip
        assert code == 0
        for name in ("country_forecast.csv", "tally.csv", "drivers.csv", "article_table.csv"):
            frames.setdefault(name, []).append(pd.read_csv(out / name, keep_default_na=False))
    for name, (first, second) in frames.items():
        assert list(first.columns) == list(second.columns), name
        both = pd.concat([first, second])
        assert set(both["scenario"]) == {"baseline"}, name
        # the as_of column alone separates the two runs' rows
        assert both.groupby("as_of").size().to_dict() == {
            "2018-10-31": len(first),
            "2019-11-06": len(second),
        }, name


def test_article_table_names_groups_and_blocs_and_rounds_half_up():
    countries = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB"],
            "country": ["Aland", "Bland"],
            "p_yes": [0.125, 0.9375],
            "p_abstain": [0.375, 0.0],
            "p_no": [0.0625, 0.0625],
            "p_absent": [0.4375, 0.0],
            "last_vote": ["yes", "none"],
            "p_yes_baseline": [0.5, 0.9375],
        }
    )
    features = pd.DataFrame(
        {"group": ["none", "African"], "eu": [True, False], "nato": [True, False]},
        index=pd.Index(["BBB", "AAA"], name="iso3"),
    )
    table = article_table(countries, features)
    assert tuple(table.columns) == ARTICLE_COLUMNS
    assert table.to_dict(orient="records") == [
        {
            "Country": "Aland",
            "ISO3": "AAA",
            "Regional group": "African",
            "Blocs": "",
            "Last vote": "yes",
            # 12.5 -> 13, 37.5 -> 38, 6.25 -> 6, 43.75 -> 44: whole percents, half up
            "Yes (%)": 13,
            "Abstain (%)": 38,
            "No (%)": 6,
            "Absent (%)": 44,
            "Yes without the campaign (%)": 50,
        },
        {
            "Country": "Bland",
            "ISO3": "BBB",
            "Regional group": "",
            "Blocs": "European Union; NATO",
            "Last vote": "none on record",
            "Yes (%)": 94,
            "Abstain (%)": 0,
            "No (%)": 6,
            "Absent (%)": 0,
            "Yes without the campaign (%)": 94,
        },
    ]


def _tiny_vote():
    """Five states, two votes: B and E leave yes, C is absent after a yes, D stays no."""
    before = {"A": "yes", "B": "yes", "C": "yes", "D": "no", "E": "yes"}
    now = {"A": "yes", "B": "abstain", "C": "absent", "D": "no", "E": "no"}
    embargo = pd.DataFrame(
        [(2018, "2018-11-01", k, v) for k, v in before.items()]
        + [(2019, "2019-11-07", k, v) for k, v in now.items()],
        columns=["year", "date", "iso3", "vote"],
    ).assign(date=lambda f: pd.to_datetime(f["date"]))
    probs = {
        "A": (0.9, 0.05, 0.03, 0.02),
        "B": (0.5, 0.3, 0.1, 0.1),
        "C": (0.8, 0.1, 0.05, 0.05),
        "D": (0.1, 0.1, 0.7, 0.1),
        "E": (0.6, 0.1, 0.2, 0.1),
    }
    countries = pd.DataFrame.from_dict(probs, orient="index", columns=list(PROBA_COLUMNS))
    return countries.rename_axis("iso3").reset_index(), embargo


def test_a_back_dated_forecast_is_scored_as_by_hand():
    countries, embargo = _tiny_vote()
    actual, scores = actual_and_scores(countries, embargo, 2019, top=1)
    assert actual == {"year": 2019, "date": "2019-11-07", "yes": 1, "abstain": 1, "no": 2,
                      "absent": 1}  # fmt: skip
    assert scores is not None
    # the probability of what each state did: A yes .9, B abstain .3, C absent .05, D no .7,
    # E no .2
    assert scores["log_loss"] == pytest.approx(-np.log([0.9, 0.3, 0.05, 0.7, 0.2]).mean())
    # (p - y)^2 summed per state: .0138, .76, 1.555, .12, 1.02
    assert scores["brier"] == pytest.approx(3.4688 / 5)
    # C was absent: not a departure, counted apart; D never voted yes
    assert scores["left_yes"] == 2 and scores["left_yes_states"] == ["B", "E"]
    assert scores["absent_after_yes"] == 1 and scores["absent_after_yes_states"] == ["C"]
    # ranked among A, B, E (yes before, present now) by 1 - p_yes: B .5, E .4, A .1
    assert scores["ranked_among"] == 3 and scores["n"] == 5
    assert scores["left_yes_in_top"] == 1 and scores["left_yes_auc"] == 1.0
    assert actual_and_scores(countries, embargo, 2019, top=2)[1]["left_yes_in_top"] == 2
    # a vote not in the data: nothing to score
    assert actual_and_scores(countries, embargo, 2020) == (None, None)


def test_a_back_dated_forecast_prints_and_saves_the_actual_result(tmp_path, capsys):
    from unvote.backtest import log_loss

    code, out = forecast(tmp_path, "--scenario", "baseline", "--as-of", "2019-11-06")
    assert code == 0
    printed = capsys.readouterr().out
    assert "Actual result (2019-11-07): yes 187, no 3, abstain 2, absent 1" in printed
    # Brazil (no) and Colombia (abstain) left yes; Ukraine abstained after an absence
    assert "Left yes since the last vote: 2 (BRA, COL);" in printed
    assert "Absent after voting yes (not counted as leaving): 0" in printed
    doc = json.loads((out / "forecast.json").read_text())
    assert doc["actual"] == {"year": 2019, "date": "2019-11-07", "yes": 187, "abstain": 2,
                             "no": 3, "absent": 1}  # fmt: skip
    scores = doc["scores"]
    assert scores["left_yes_states"] == ["BRA", "COL"] and scores["top"] == 25
    assert 0 <= scores["left_yes_in_top"] <= 2 and scores["n"] == 193
    # the saved score is the log loss of the saved probabilities
    countries = pd.read_csv(out / "country_forecast.csv", keep_default_na=False)
    embargo = pd.read_csv(paths.EMBARGO_VOTES_CSV, keep_default_na=False)
    vote = embargo.loc[embargo["year"] == 2019].set_index("iso3")["vote"]
    rows = countries.set_index("iso3").sort_index()
    assert scores["log_loss"] == pytest.approx(
        log_loss(rows[list(PROBA_COLUMNS)].to_numpy(), vote.loc[rows.index]), abs=1e-5
    )


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
    from unvote import outputs as fc

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


def test_a_state_fixed_by_an_override_gives_no_votes_to_the_levers(context):
    """As in the simulation, where the override replaces whatever the levers did to it."""
    from dataclasses import replace

    from unvote.forecast import lever_effects
    from unvote.scenario import load_scenario

    scenario = load_scenario("us_lobbying_2025")
    fixed_pol = replace(scenario, overrides=(("POL", (1.0, 0.0, 0.0, 0.0)),))
    free, fixed = lever_effects(context, scenario), lever_effects(context, fixed_pol)
    assert (fixed["mid"] <= free["mid"]).all()
    assert free.loc["ukraine", "mid"] - fixed.loc["ukraine", "mid"] > 0.1  # POL's share
