"""The backtest: scores against a hand-computed example, baselines, honesty and outputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unvote.backtest import (
    brier,
    frequency_proba,
    log_loss,
    persistence_proba,
    run_backtest,
    score,
    tally_errors,
    write_backtest,
)
from unvote.countries import GROUPS

PROBA = np.array([[0.5, 0.25, 0.25, 0.0], [0.1, 0.2, 0.3, 0.4]])
VOTE = pd.Series(["yes", "absent"])


def test_scores_by_hand():
    assert log_loss(PROBA, VOTE) == pytest.approx((np.log(2) + np.log(2.5)) / 2)
    # (0.25 + 0.0625 + 0.0625 + 0) and (0.01 + 0.04 + 0.09 + 0.36)
    assert brier(PROBA, VOTE) == pytest.approx((0.375 + 0.5) / 2)
    assert tally_errors(PROBA, VOTE) == pytest.approx(
        {"abs_err_yes": 0.4, "abs_err_abstain": 0.45, "abs_err_no": 0.55, "abs_err_absent": 0.6}
    )
    assert score(PROBA, VOTE)["n"] == 2


def test_persistence_baseline_by_hand():
    # the last 5 training years (1997-2001) hold 8 rows with a record, 5 of them repeats:
    # p_stay = (5 + 1) / (8 + 2); the 1990 rows are too old to count
    train = pd.DataFrame(
        {
            "year": [1990, 1990, 1997, 1998, 1999, 2000] + [2001] * 5,
            "last_vote": ["no", "no", "yes", "yes", "no", "abstain"] + ["yes"] * 4 + ["none"],
            "vote": ["yes", "yes", "yes", "yes", "yes", "absent"] + ["yes"] * 3 + ["no", "yes"],
        }
    )
    test = pd.DataFrame({"last_vote": ["no", "none"]})
    p = persistence_proba(train, test)
    np.testing.assert_allclose(p[0], [0.4 / 3, 0.4 / 3, 0.6, 0.4 / 3])
    pooled = np.array([9 + 1, 0 + 1, 1 + 1, 1 + 1]) / 15  # all 11 training rows, add-one
    np.testing.assert_allclose(p[1], pooled)


def test_frequency_baseline_by_hand():
    embargo = pd.DataFrame(
        {
            "year": [2000, 2001, 2002, 2003],
            "iso3": ["AAA"] * 4,
            "vote": ["yes", "abstain", "yes", "no"],  # 2003 is the target: not used
        }
    )
    train = pd.DataFrame({"vote": ["yes"] * 6})  # pooled: (7, 1, 1, 1) / 10
    p = frequency_proba(train, pd.DataFrame({"iso3": ["AAA", "NEW"]}), embargo, 2003)
    pooled = np.array([0.7, 0.1, 0.1, 0.1])
    np.testing.assert_allclose(p[0], (np.array([2, 1, 0, 0]) + pooled) / 4)
    np.testing.assert_allclose(p[1], pooled)


def _synthetic(rng: np.random.Generator, years=range(1993, 2005), n_countries=40):
    """Features and embargo votes where a few countries flip between yes and abstain."""
    iso3 = [f"C{i:02d}" for i in range(n_countries)]
    lean = np.linspace(-2, 2, n_countries)
    rows, votes = [], []
    last = dict.fromkeys(iso3, "none")
    for year in years:
        for i, code in enumerate(iso3):
            agree_us = 1 / (1 + np.exp(-lean[i])) + rng.normal(scale=0.05)
            rows.append(
                {
                    "as_of": pd.Timestamp(f"{year}-10-31"),
                    "year": year,
                    "iso3": code,
                    "agree_us": agree_us,
                    "agree_rus": 1 - agree_us,
                    "ideal_point": lean[i],
                    "n_recent": 0,
                    "recent_yes": 0,
                    "recent_abstain": 0,
                    "recent_no": 0,
                    "recent_absent": 0,
                    "years_since_nonyes": 3,
                    "last_vote": last[code],
                    "group": GROUPS[i % 5],
                    "eu": False,
                    "nato": i > 35,
                    "agree_us_admin_pct": (i + 1) / n_countries,
                    "us_lonely_pct": (i + 1) / n_countries,
                    "precedent_departure": np.nan,
                }
            )
            p_abstain = 1 / (1 + np.exp(-(3 * lean[i] - 4)))
            vote = "abstain" if rng.uniform() < p_abstain else "yes"
            if i == 39:
                vote = "no"
            elif rng.uniform() < 0.03:
                vote = "absent"
            votes.append({"year": year, "iso3": code, "vote": vote})
            last[code] = vote
    features = pd.DataFrame(rows)
    embargo = pd.DataFrame(votes)
    embargo["date"] = pd.to_datetime(embargo["year"].astype(str) + "-11-01")
    return features, embargo


@pytest.fixture(scope="module")
def synthetic():
    return _synthetic(np.random.default_rng(0))


@pytest.fixture(scope="module")
def result(synthetic):
    features, embargo = synthetic
    return run_backtest(features, embargo, target_years=[2001, 2002, 2003, 2004])


def test_backtest_outputs(result):
    preds = result.predictions
    assert list(preds.columns) == [
        "year",
        "iso3",
        "vote",
        "p_yes",
        "p_abstain",
        "p_no",
        "p_absent",
    ]
    assert len(preds) == 4 * 40
    np.testing.assert_allclose(preds.filter(like="p_").sum(axis=1), 1.0)
    scores = result.scores
    assert set(scores["method"]) == {"model", "persistence", "frequency"}
    assert scores["year"].tolist().count("all") == 3
    assert len(scores) == 3 * 5
    overall = scores.loc[scores["year"] == "all"].set_index("method")
    assert overall.loc["model", "n"] == 160
    # the model sees agreement with the US, which drives the abstentions: it must win
    assert overall.loc["model", "log_loss"] < overall.loc["persistence", "log_loss"]
    assert overall.loc["model", "log_loss"] < overall.loc["frequency", "log_loss"]
    assert set(result.alphas.index) == {2001, 2002, 2003, 2004}
    assert scores.loc[scores["method"] != "model", "alpha"].isna().all()


def test_backtest_never_looks_ahead(synthetic, result):
    """Scrambling the votes of 2003 and later leaves the 2001-2002 predictions as they were."""
    features, embargo = synthetic
    later = embargo["year"] >= 2003
    scrambled = embargo.copy()
    scrambled.loc[later, "vote"] = np.random.default_rng(9).permutation(
        ["no", "absent", "abstain", "yes"] * (later.sum() // 4)
    )
    again = run_backtest(features, scrambled, target_years=[2001, 2002, 2003, 2004])
    early = result.predictions["year"] < 2003
    pd.testing.assert_frame_equal(result.predictions[early], again.predictions[early])
    assert again.alphas[2001] == result.alphas[2001]
    assert again.alphas[2002] == result.alphas[2002]


def test_write_backtest(result, tmp_path):
    written = write_backtest(result, tmp_path / "bt")
    names = {p.name for p in written}
    assert {"predictions.csv", "scores.csv"} <= names
    back = pd.read_csv(tmp_path / "bt" / "predictions.csv")
    assert len(back) == len(result.predictions)
    np.testing.assert_allclose(back.filter(like="p_").sum(axis=1), 1.0, atol=1e-5)
    scores = pd.read_csv(tmp_path / "bt" / "scores.csv", dtype={"year": str})
    assert "all" in set(scores["year"])


def test_fit_before_is_the_backtests_fit(synthetic, result):
    from unvote.backtest import fit_before

    features, embargo = synthetic
    res = fit_before(features, embargo, 2003)
    assert res.model.alpha == result.alphas[2003]
    rows = features.loc[features["year"] == 2003]
    got = res.predict_proba(rows).to_numpy()
    expected = result.predictions.loc[result.predictions["year"] == 2003].filter(like="p_")
    np.testing.assert_allclose(got, expected.to_numpy())


def test_calibration_table_by_hand():
    from unvote.backtest import calibration_table
    from unvote.figures import plot_calibration

    preds = pd.DataFrame(
        {
            "vote": ["yes", "no"],
            "p_yes": [0.995, 0.995],
            "p_abstain": [0.001, 0.001],
            "p_no": [0.003, 0.003],
            "p_absent": [0.001, 0.001],
        }
    )
    table = calibration_table(preds)
    # bins: [0, .002) abstain+absent x2 -> 4, none happened; [.002, .005) no x2, one
    # happened; [.99, 1] yes x2, one happened
    assert table["n"].tolist() == [4, 2, 2]
    assert table["freq"].tolist() == [0.0, 0.5, 0.5]
    assert table["mean_p"].tolist() == pytest.approx([0.001, 0.003, 0.995])
    fig = plot_calibration(table)
    assert fig.axes[0].get_xscale() == "logit"


@pytest.mark.slow
def test_default_penalty_is_the_nested_choice_for_2025():
    """The forecast's default alpha is what the rolling choice picks from the years before 2025."""
    from unvote import paths
    from unvote.backtest import select_alpha
    from unvote.feature_files import load_features
    from unvote.history import load_embargo_votes
    from unvote.model import DEFAULT_ALPHA, training_table

    table = training_table(
        load_features(paths.FEATURES_CSV), load_embargo_votes(paths.EMBARGO_VOTES_CSV)
    )
    assert select_alpha(table, 2025) == DEFAULT_ALPHA


@pytest.mark.slow
def test_backtest_command_on_the_committed_data(tmp_path, capsys):
    """`unvote backtest` from a fresh clone's tables: files written, the model beats both baselines."""
    from unvote.cli import main

    assert main(["backtest", "--out", str(tmp_path)]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {
        "predictions.csv",
        "scores.csv",
        "calibration.png",
    }
    preds = pd.read_csv(tmp_path / "predictions.csv")
    assert sorted(preds["year"].unique()) == [*range(2000, 2020), 2021, 2022, 2023, 2024]
    np.testing.assert_allclose(preds.filter(like="p_").sum(axis=1), 1.0, atol=5e-6)
    scores = pd.read_csv(tmp_path / "scores.csv", dtype={"year": str})
    overall = scores.loc[scores["year"] == "all"].set_index("method")["log_loss"]
    assert overall["model"] < min(overall["persistence"], overall["frequency"])
    assert "model" in capsys.readouterr().out
