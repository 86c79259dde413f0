"""The vote-choice model: the contract's interface, sums and shapes, and recovery of a known model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize
from scipy.special import logsumexp

from unvote.countries import GROUPS
from unvote.errors import DataError
from unvote.model import (
    ALPHA_CAMPAIGN,
    ALPHA_CONST,
    CAMPAIGN_TERMS,
    CAMPAIGN_YEARS,
    DEFAULT_ALPHA,
    VoteChoiceModel,
    derive_features,
    probabilities,
    training_rows,
    training_table,
)
from unvote.votes import NON_YES, PROBA_COLUMNS, VOTE_LEVELS


def _features(rng: np.random.Generator, n: int) -> pd.DataFrame:
    n_recent = rng.integers(0, 6, size=n)
    recent_no = rng.binomial(n_recent, 0.1)
    return pd.DataFrame(
        {
            "year": rng.integers(2010, 2021, size=n),
            "iso3": [f"C{i:04d}" for i in range(n)],
            "agree_us": rng.uniform(0.1, 0.9, size=n),
            "agree_rus": rng.uniform(0.1, 0.9, size=n),
            "ideal_point": rng.normal(size=n),
            "n_recent": n_recent,
            "recent_yes": n_recent - recent_no,
            "recent_abstain": 0,
            "recent_no": recent_no,
            "recent_absent": 0,
            "years_since_nonyes": rng.integers(0, 30, size=n),
            "last_vote": rng.choice(["yes", "abstain", "no", "absent", "none"], size=n),
            "group": rng.choice(GROUPS, size=n),
            "eu": rng.uniform(size=n) < 0.15,
            "nato": rng.uniform(size=n) < 0.15,
            "agree_us_admin_pct": rng.uniform(size=n),
            "us_lonely_pct": rng.uniform(size=n),
            "precedent_departure": np.where(rng.uniform(size=n) < 0.5, np.nan, 0.0),
        }
    )


TRUE_NO_SLOPE = 2.0  # log-odds of no per unit of raw agreement with the US, over 0.5


def _draw_votes(rng, X: pd.DataFrame) -> pd.Series:
    """A known model: no rises with agreement with the US, absent with a last absence."""
    n = len(X)
    eta = np.zeros((n, 4))
    eta[:, 1] = -3.0
    eta[:, 2] = -2.5 + TRUE_NO_SLOPE * (X["agree_us"].to_numpy() - 0.5) * 4
    eta[:, 3] = -3.0 + 2.5 * (X["last_vote"] == "absent").to_numpy()
    p = probabilities(eta)
    u = rng.uniform(size=(n, 1))
    idx = (u > p.cumsum(axis=1)).sum(axis=1)
    return pd.Series(np.array(VOTE_LEVELS)[idx], index=X.index), p


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(20251001)
    X = _features(rng, 6000)
    vote, p_true = _draw_votes(rng, X)
    train = X.assign(vote=vote)
    return VoteChoiceModel(alpha=1.0).fit(train), X, p_true


def test_probabilities_softmax_by_hand():
    eta = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, np.log(2), np.log(3), np.log(4)]])
    np.testing.assert_allclose(probabilities(eta), [[0.25] * 4, [0.1, 0.2, 0.3, 0.4]])
    big = probabilities(np.array([[0.0, 1000.0, 0.0, 0.0]]))
    np.testing.assert_allclose(big, [[0.0, 1.0, 0.0, 0.0]])


def test_results_interface(fitted):
    res, X, _ = fitted
    p = len(res.terms)
    assert res.terms[0] == "const"
    assert "campaign" in res.terms and "campaign_x_admin_pct" in res.terms
    assert "last_vote[absent]" in res.terms and "group[Asia-Pacific]" in res.terms
    assert list(res.params.columns) == list(NON_YES)
    assert list(res.params.index) == list(res.terms)
    assert res.cov.shape == (3 * p, 3 * p)
    np.testing.assert_allclose(res.cov, res.cov.T)
    assert np.all(np.linalg.eigvalsh(res.cov) > 0)
    Z = res.design(X.iloc[:7])
    assert Z.shape == (7, p)
    np.testing.assert_array_equal(Z[:, 0], 1.0)


def test_predictions_sum_to_one_and_keep_the_index(fitted):
    res, X, _ = fitted
    sub = X.iloc[[5, 3, 99]].set_index("iso3")
    proba = res.predict_proba(sub)
    assert list(proba.columns) == list(PROBA_COLUMNS)
    assert list(proba.index) == list(sub.index)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba.to_numpy() > 0).all()
    eta = res.linear_predictor(sub)
    assert eta.shape == (3, 4)
    np.testing.assert_array_equal(eta[:, 0], 0.0)
    np.testing.assert_allclose(probabilities(eta), proba.to_numpy())


def test_parameter_draws(fitted):
    res, X, _ = fitted
    draws = res.sample_params(np.random.default_rng(1), 4000)
    assert draws.shape == (4000, len(res.terms), 3)
    np.testing.assert_allclose(draws.mean(axis=0), res.params.to_numpy(), atol=0.08)
    se = res.summary().set_index(["term", "outcome"])["se"]
    assert draws[:, 1, 1].std() == pytest.approx(se[(res.terms[1], "no")], rel=0.1)
    eta = res.linear_predictor(X.iloc[:10], draws[:5])
    assert eta.shape == (5, 10, 4)
    np.testing.assert_array_equal(eta[..., 0], 0.0)
    again = res.sample_params(np.random.default_rng(1), 4000)
    np.testing.assert_array_equal(draws, again)


def test_recovers_the_known_model(fitted):
    res, X, p_true = fitted
    proba = res.predict_proba(X).to_numpy()
    assert np.abs(proba - p_true).mean() < 0.02
    table = res.summary().set_index(["term", "outcome"])
    # agree_us is standardised: the true slope per sd is TRUE_NO_SLOPE * 4 * sd(agree_us)
    expected = TRUE_NO_SLOPE * 4 * X["agree_us"].std()
    row = table.loc[("agree_us", "no")]
    assert row["lower"] < expected < row["upper"]
    assert table.loc[("last_vote[absent]", "absent"), "lower"] > 1.5
    assert (
        table.loc[("agree_us", "abstain"), "lower"]
        < 0
        < table.loc[("agree_us", "abstain"), "upper"]
    )


def test_summary_columns(fitted):
    res, _, _ = fitted
    table = res.summary()
    assert list(table.columns) == ["term", "outcome", "coef", "se", "lower", "upper"]
    assert len(table) == 3 * len(res.terms)
    assert (table["lower"] < table["coef"]).all() and (table["coef"] < table["upper"]).all()


def test_perfect_separation_stays_finite():
    rng = np.random.default_rng(2)
    X = _features(rng, 400)
    vote = np.where(X["last_vote"] == "no", "no", "yes")  # last_vote[no] separates perfectly
    res = VoteChoiceModel(alpha=1.0).fit(X.assign(vote=vote))
    assert res.converged
    assert np.isfinite(res.params.to_numpy()).all()
    assert 2 < res.params.loc["last_vote[no]", "no"] < 20
    assert np.isfinite(res.summary()["se"]).all()


def test_stronger_penalty_shrinks():
    rng = np.random.default_rng(3)
    X = _features(rng, 2000)
    vote, _ = _draw_votes(rng, X)
    train = X.assign(vote=vote)
    weak = VoteChoiceModel(alpha=0.1).fit(train).params.iloc[1:]
    strong = VoteChoiceModel(alpha=100.0).fit(train).params.iloc[1:]
    assert np.abs(strong.to_numpy()).sum() < 0.5 * np.abs(weak.to_numpy()).sum()


def test_campaign_term():
    X = pd.DataFrame({"year": [2016, 2017, 2019, 2025], "agree_us": [0.5, 0.4, np.nan, 0.3]})
    D = derive_features(X)
    assert D["campaign"].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert D["campaign_x_agree_us"].tolist() == [0.0, 0.4, 0.0, 0.0]
    assert set(CAMPAIGN_YEARS) == {2017, 2018, 2019}
    forced = derive_features(X.assign(campaign=1.0))
    assert forced["campaign_x_agree_us"].tolist()[:2] == [0.5, 0.4]


def test_bad_input_errors(fitted):
    res, X, _ = fitted
    with pytest.raises(DataError, match="'group' has value 'Atlantis'"):
        res.predict_proba(X.iloc[:2].assign(group="Atlantis"))
    with pytest.raises(DataError, match="missing feature column 'agree_rus'"):
        res.predict_proba(X.iloc[:2].drop(columns="agree_rus"))
    with pytest.raises(DataError, match="vote 'maybe'"):
        VoteChoiceModel().fit(X.iloc[:5].assign(vote="maybe"))
    with pytest.raises(DataError, match="unknown feature"):
        VoteChoiceModel(features=("shoe_size",)).fit(X.iloc[:5].assign(vote="yes"))


def test_training_table_joins_votes():
    features = pd.DataFrame({"year": [2000, 2000, 2025], "iso3": ["AAA", "BBB", "AAA"]})
    embargo = pd.DataFrame({"year": [2000, 2000], "iso3": ["BBB", "AAA"], "vote": ["no", "yes"]})
    out = training_table(features, embargo)
    assert out[["iso3", "vote"]].to_numpy().tolist() == [["AAA", "yes"], ["BBB", "no"]]


def test_unpenalised_limit_matches_statsmodels():
    """With a negligible penalty, the Newton fit and its covariance are statsmodels' MNLogit."""
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    X = _features(rng, 3000)
    vote, _ = _draw_votes(rng, X)
    model = VoteChoiceModel(features=("agree_us", "ideal_point"), alpha=1e-9, alpha_const=1e-9)
    res = model.fit(X.assign(vote=vote))
    codes = pd.Categorical(vote, categories=VOTE_LEVELS).codes
    ref = sm.MNLogit(codes, res.design(X)).fit(disp=0, method="newton", maxiter=100)
    np.testing.assert_allclose(res.params.to_numpy(), np.asarray(ref.params), atol=1e-5)
    se = res.summary()["se"].to_numpy()
    np.testing.assert_allclose(se, np.asarray(ref.bse).ravel("F"), rtol=1e-4)


# --- the penalised fit against an independent implementation -----------------------------
#
# The objective is written again here, from the model's definition rather than from
# unvote.model: the negative multinomial log-likelihood (reference yes) plus half the
# penalty-weighted squared coefficients, the penalty being ALPHA_CONST on the intercepts,
# ALPHA_CAMPAIGN on the campaign terms and alpha on every other slope. It is minimised by
# L-BFGS (scipy), not Newton's method, and its Hessian is taken by finite differences.


def _penalty(terms, alpha: float) -> np.ndarray:
    """The prior precision of each design column, from the model's definition."""
    return np.array(
        [
            ALPHA_CONST if t == "const" else ALPHA_CAMPAIGN if t in CAMPAIGN_TERMS else alpha
            for t in terms
        ]
    )


def _objective(theta: np.ndarray, Z: np.ndarray, y: np.ndarray, penalty: np.ndarray):
    """Penalised negative log-likelihood and its gradient.

    ``theta`` is ``params.ravel("F")`` (all abstain coefficients, then no, then absent),
    the layout of ``VoteChoiceResults.cov``; ``y`` holds outcome codes 0-3 (yes first).
    """
    n, p = Z.shape
    B = theta.reshape(3, p).T
    eta = np.column_stack([np.zeros(n), Z @ B])
    lse = logsumexp(eta, axis=1)
    value = (lse - eta[np.arange(n), y]).sum() + 0.5 * (penalty[:, None] * B**2).sum()
    resid = np.exp(eta - lse[:, None]) - np.eye(4)[y]
    grad = Z.T @ resid[:, 1:] + penalty[:, None] * B
    return value, grad.ravel("F")


def _one_hot(vote: pd.Series) -> np.ndarray:
    """One-hot of the votes in VOTE_LEVELS order (written here, not unvote.model.one_hot)."""
    return np.eye(4)[pd.Categorical(vote, categories=VOTE_LEVELS).codes]


def _independent_fit(Z: np.ndarray, vote: pd.Series, penalty: np.ndarray) -> np.ndarray:
    """The minimiser of :func:`_objective` by L-BFGS, shape (p, 3)."""
    y = pd.Categorical(vote, categories=VOTE_LEVELS).codes
    assert (y >= 0).all()
    p = Z.shape[1]
    out = optimize.minimize(
        _objective,
        np.zeros(3 * p),
        args=(Z, y, penalty),
        jac=True,
        method="L-BFGS-B",
        # ftol 0: run until no step lowers the objective; with the default relative
        # reduction test L-BFGS stops 4e-4 from the mode on the committed 1993-2024 rows
        options={"maxiter": 20000, "maxcor": 50, "ftol": 0.0, "gtol": 1e-10},
    )
    assert np.abs(out.jac).max() < 1e-4, out.message
    return out.x.reshape(3, p).T


@pytest.fixture(scope="module")
def penalised():
    """A fit at the penalty the forecast uses, on a problem with campaign years in it."""
    rng = np.random.default_rng(5)
    X = _features(rng, 1500)
    vote, _ = _draw_votes(rng, X)
    res = VoteChoiceModel(alpha=DEFAULT_ALPHA).fit(X.assign(vote=vote))
    assert res.converged
    assert X["year"].isin(CAMPAIGN_YEARS).any() and (~X["year"].isin(CAMPAIGN_YEARS)).any()
    return res, X, vote


def test_the_penalty_is_alpha_const_on_intercepts_alpha_campaign_on_campaign_terms(penalised):
    """At the mode the likelihood's score balances each coefficient's own penalty.

    The stationarity condition of the penalised fit, score_j = penalty_j * beta_j, with
    the penalty the model defines: ALPHA_CONST on the intercepts, ALPHA_CAMPAIGN on the
    campaign terms, alpha on the other slopes. A penalty vector built wrong (alpha on the
    intercepts or on the campaign terms, ALPHA_CONST on a slope) breaks it by far more than
    the tolerance: the three penalties differ by orders of magnitude and the coefficients
    they multiply are not near zero.
    """
    res, X, vote = penalised
    Z = res.design(X)
    resid = res.predict_proba(X).to_numpy() - _one_hot(vote)
    score = -(Z.T @ resid[:, 1:])  # d loglik / d params, shape (p, 3)
    beta = res.params
    assert len({ALPHA_CONST, ALPHA_CAMPAIGN, DEFAULT_ALPHA}) == 3
    assert (beta.loc["const"].abs() > 1).all()
    assert (beta.loc[["campaign", "campaign_x_admin_pct"]].abs().max(axis=1) > 0.3).all()
    assert (beta.loc["agree_us"].abs() > 1).any()
    balance = _penalty(res.terms, DEFAULT_ALPHA)[:, None] * beta.to_numpy()
    np.testing.assert_allclose(score, balance, atol=1e-8)


def test_penalised_fit_matches_an_independent_minimiser(penalised):
    """Coefficients: Newton's mode equals L-BFGS on the objective written independently."""
    res, X, vote = penalised
    Z = res.design(X)
    ref = _independent_fit(Z, vote, _penalty(res.terms, DEFAULT_ALPHA))
    np.testing.assert_allclose(res.params.to_numpy(), ref, atol=1e-5)


def test_laplace_covariance_is_the_inverse_numerical_hessian(penalised):
    """Covariance: the inverse of the independent objective's Hessian, by central differences."""
    res, X, vote = penalised
    Z = res.design(X)
    y = pd.Categorical(vote, categories=VOTE_LEVELS).codes
    penalty = _penalty(res.terms, DEFAULT_ALPHA)
    theta = res.params.to_numpy().ravel("F")
    h = 1e-5
    columns = []
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = h
        up = _objective(theta + step, Z, y, penalty)[1]
        down = _objective(theta - step, Z, y, penalty)[1]
        columns.append((up - down) / (2 * h))
    hessian = np.column_stack(columns)
    hessian = (hessian + hessian.T) / 2
    np.testing.assert_allclose(np.linalg.inv(res.cov), hessian, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(res.cov, np.linalg.inv(hessian), rtol=1e-5, atol=1e-8)


def test_penalised_fit_on_the_committed_data_matches_an_independent_minimiser():
    """The forecast's own fit (1993-2024, DEFAULT_ALPHA): Newton's mode equals L-BFGS's."""
    from unvote import paths
    from unvote.feature_files import load_features
    from unvote.history import load_embargo_votes

    table = training_table(
        load_features(paths.FEATURES_CSV), load_embargo_votes(paths.EMBARGO_VOTES_CSV)
    )
    train = training_rows(table, 2025)
    res = VoteChoiceModel().fit(train)
    assert res.model.alpha == DEFAULT_ALPHA and res.converged
    assert "campaign" in res.terms
    ref = _independent_fit(res.design(train), train["vote"], _penalty(res.terms, DEFAULT_ALPHA))
    np.testing.assert_allclose(res.params.to_numpy(), ref, atol=1e-4)
