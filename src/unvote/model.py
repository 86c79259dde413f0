"""The vote-choice model: each country's probabilities of yes, abstain, no and absent.

A multinomial logit with "yes" the reference outcome, one row per country and embargo
vote. The parameters are the mode of an L2-penalised likelihood (equivalently, the
posterior mode under independent normal priors with precision ``alpha`` on the slopes
and ``alpha_const`` on the intercepts), found by Newton's method; their covariance is the
inverse of the penalised Hessian at the mode (the Laplace approximation), which gives the
coefficient table's standard errors and :meth:`VoteChoiceResults.sample_params`.

Why penalised: the non-yes outcomes are rare (a handful of countries a year) and some
feature patterns separate them perfectly (the United States has voted no every year but
2016), where the unpenalised likelihood has no finite maximum.

Why not statsmodels: its results API (``summary``, ``cov_params``, ``predict``) would be
welcome, but statsmodels (0.15) cannot fit this model through supported, tested API.
``MNLogit.fit_regularized`` penalises with L1 only, ``GLM.fit_regularized`` has no
multinomial family, and the L2 ``PenalizedMixin`` is private (``statsmodels.base._penalized``)
and tested with binary and count models only; mixed into ``MNLogit`` it finds the same
mode and covariance as here, but ``summary()`` raises because the penalty cannot take
MNLogit's two-dimensional parameters. A ``GenericLikelihoodModel`` subclass would need the
same likelihood, gradient and Hessian written here. So the fit stays this module's
Newton's method, and the tests hold it to an independent minimiser of the same objective
(L-BFGS, at :data:`DEFAULT_ALPHA`) and to statsmodels' ``MNLogit`` in the unpenalised limit.

The design (``VoteChoiceResults.design``):

- ``const``;
- numeric features, standardised with the training rows' mean and sd (missing values
  become 0, the training mean): :data:`NUMERIC_TERMS`;
- ``last_vote[abstain|no|absent|none]`` (reference yes) and ``group[...]`` (reference
  African; ``none`` for a member in no regional group): one-hot;
- bloc memberships (0/1) present in the data among :data:`BLOC_TERMS`;
- the 2017-2019 US campaign: ``campaign`` (1 in a campaign year, see
  :data:`CAMPAIGN_YEARS`) and ``campaign_x_agree_us`` (``campaign`` times the raw
  agreement with the United States, in [0, 1]); neither is standardised, so the shift of
  country ``i``'s log-odds of outcome ``k`` against yes in a campaign year is
  ``params.loc["campaign", k] + params.loc["campaign_x_agree_us", k] * agree_us_i``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import linalg, stats

from unvote.errors import DataError
from unvote.features import GROUP_LEVELS, LAST_VOTE_LEVELS
from unvote.votes import NON_YES, PROBA_COLUMNS, VOTE_LEVELS

#: Years in which the United States campaigned against the resolution: the first Trump
#: administration, which returned to voting no in 2017 after the 2016 abstention and pressed
#: other states to follow in 2018-2019 (in 2018 it also tabled amendments, all rejected; in
#: 2019 Brazil voted no and Colombia and Ukraine abstained, as embargo_votes.csv records).
#: Sources: the project brief (issue 4, "the US campaigned against the resolution in
#: 2017-2019") and the UN's meetings coverage of the debates of 1 November 2017,
#: 1 November 2018 and 7 November 2019 (press.un.org).
CAMPAIGN_YEARS: tuple[int, ...] = (2017, 2018, 2019)

#: Numeric features, standardised in the design; derived ones are made by
#: :func:`derive_features`.
NUMERIC_TERMS: tuple[str, ...] = (
    "agree_us",
    "agree_rus",
    "ideal_point",
    "recent_abstain_share",
    "recent_no_share",
    "recent_absent_share",
    "log_years_since_nonyes",
    # alignment with the US administration in office (unvote.administration), as a rank
    "agree_us_admin_pct",
    "us_lonely_pct",
    # answers to earlier open US campaigns (unvote.precedents)
    "precedent_departure",
)
CATEGORICAL_TERMS: dict[str, tuple[str, ...]] = {
    "last_vote": LAST_VOTE_LEVELS,
    "group": GROUP_LEVELS,
}
BLOC_TERMS: tuple[str, ...] = (
    "eu",
    "nato",
    "mnna",
    "cofa",
    "oas",
    "caricom",
    "alba",
    "arab_league",
    "csto",
)
#: The campaign indicator and its interactions: who a campaign moves. Not standardised:
#: each interaction is ``campaign`` times a feature in [0, 1] (a missing rank counts as
#: the median 0.5, a missing departure as 0: no precedent, nothing to answer).
CAMPAIGN_TERMS: tuple[str, ...] = (
    "campaign",
    "campaign_x_agree_us",
    "campaign_x_admin_pct",
    "campaign_x_lonely_pct",
    "campaign_x_precedent",
)
#: The features the campaign interactions multiply, and the value a missing one takes.
CAMPAIGN_INTERACTIONS: dict[str, tuple[str, float]] = {
    "campaign_x_agree_us": ("agree_us", 0.0),
    "campaign_x_admin_pct": ("agree_us_admin_pct", 0.5),
    "campaign_x_lonely_pct": ("us_lonely_pct", 0.5),
    "campaign_x_precedent": ("precedent_departure", 0.0),
}
#: 1992 had no earlier embargo vote (no record to learn from): training starts in 1993.
TRAIN_FIRST_YEAR = 1993
#: The feature families of issue 8 (who a campaign moves), for the ablation benchmark.
FEATURE_FAMILIES: dict[str, tuple[str, ...]] = {
    "administration": (
        "agree_us_admin_pct",
        "us_lonely_pct",
        "campaign_x_admin_pct",
        "campaign_x_lonely_pct",
    ),
    "precedents": ("precedent_departure", "campaign_x_precedent"),
}
_NEW_TERMS = {term for family in FEATURE_FAMILIES.values() for term in family}
#: Every term the model knows.
ALL_FEATURES: tuple[str, ...] = (
    *NUMERIC_TERMS,
    *CATEGORICAL_TERMS,
    *BLOC_TERMS,
    *CAMPAIGN_TERMS,
)
#: The specification before the administration and precedent features: alignment from a
#: 365-day window only, and the campaign interacting with raw agreement with the US.
#: Kept for the before/after benchmarks (benchmarks/who_moves.py).
WINDOW_FEATURES: tuple[str, ...] = tuple(f for f in ALL_FEATURES if f not in _NEW_TERMS)
#: The model's specification: the campaign interacts with the ranks of alignment with the
#: administration in office and with the answers to earlier campaigns, not with raw
#: 365-day agreement (whose 2025 values lie below any year the model was fitted on).
DEFAULT_FEATURES: tuple[str, ...] = tuple(f for f in ALL_FEATURES if f != "campaign_x_agree_us")
#: Default penalty on the slopes (prior precision). The backtest chooses it per target year
#: (:func:`unvote.backtest.select_alpha`); this is its choice for 2025, from the votes of
#: 2019-2024 only (a test checks it still is, on the committed data).
DEFAULT_ALPHA = 30.0
#: A weak penalty on the intercepts: they stay almost free but finite.
ALPHA_CONST = 1e-2
#: A fixed penalty on the campaign terms (:data:`CAMPAIGN_TERMS`), whatever ``alpha``: they
#: are the anchor of the scenario's pressure lever, learned from three years only, and the
#: rolling choice of ``alpha`` (which trades off some forty ordinary slopes) should not
#: decide whether they exist. Precision 1 is a prior sd of 1 on the log-odds: a campaign
#: that multiplies the odds of leaving yes by up to e**2 (about 7) is unremarkable a priori.
ALPHA_CAMPAIGN = 1.0


def derive_features(X: pd.DataFrame) -> pd.DataFrame:
    """Add the model's derived columns to a features table (a copy; inputs untouched).

    ``recent_{abstain,no,absent}_share`` = count / ``n_recent`` (0 with no record),
    ``log_years_since_nonyes`` = log(1 + years), and ``campaign`` (from ``year`` in
    :data:`CAMPAIGN_YEARS` unless a ``campaign`` column is given) and
    ``campaign_x_agree_us`` (``campaign`` times ``agree_us``, missing agreement as 0).
    """
    out = X.copy()
    if "n_recent" in out:
        n = out["n_recent"].astype(float).replace(0.0, np.nan)
        for level in NON_YES:
            out[f"recent_{level}_share"] = (out[f"recent_{level}"] / n).fillna(0.0)
    if "years_since_nonyes" in out:
        out["log_years_since_nonyes"] = np.log1p(out["years_since_nonyes"].astype(float))
    if "campaign" not in out:
        if "year" not in out:
            raise DataError("model input: needs a 'year' or a 'campaign' column")
        out["campaign"] = out["year"].isin(CAMPAIGN_YEARS).astype(float)
    campaign = out["campaign"].astype(float)
    for term, (feature, missing) in CAMPAIGN_INTERACTIONS.items():
        if feature in out:
            out[term] = campaign * out[feature].astype(float).fillna(missing)
    return out


def probabilities(eta: np.ndarray) -> np.ndarray:
    """Softmax over the last axis: linear predictors (..., 4) -> probabilities (..., 4)."""
    eta = np.asarray(eta, dtype=float)
    z = eta - eta.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class _Encoding:
    """How to turn a features table into the design matrix (learned on the training rows).

    :meth:`raw` gives the unscaled columns (numeric ones with their missing values);
    :meth:`scale` standardises the numeric ones with ``means``/``sds`` and sets missing
    values to 0 (the training mean). ``matrix = scale(raw(X))``.
    """

    numeric: tuple[str, ...]
    categorical: tuple[tuple[str, tuple[str, ...]], ...]
    blocs: tuple[str, ...]
    campaign: tuple[str, ...]
    means: tuple[float, ...] = ()
    sds: tuple[float, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        cat = tuple(f"{name}[{lvl}]" for name, levels in self.categorical for lvl in levels[1:])
        return ("const", *self.numeric, *cat, *self.blocs, *self.campaign)

    def raw(self, X: pd.DataFrame) -> np.ndarray:
        """Unscaled design columns, shape (n, p); numeric features keep their NaN."""
        D = derive_features(X)
        cols: list[np.ndarray] = [np.ones(len(D))]
        for name in self.numeric:
            _require(D, name)
            cols.append(D[name].astype(float).to_numpy())
        for name, levels in self.categorical:
            _require(D, name)
            values = D[name].astype(str)
            bad = ~values.isin(levels)
            if bad.any():
                raise DataError(
                    f"model input: column {name!r} has value {values[bad].iloc[0]!r}; "
                    f"allowed: {', '.join(levels)}"
                )
            for level in levels[1:]:
                cols.append((values == level).to_numpy(dtype=float))
        for name in (*self.blocs, *self.campaign):
            _require(D, name)
            cols.append(D[name].astype(float).fillna(0.0).to_numpy())
        return np.column_stack(cols)

    def with_scaling(self, raw: np.ndarray) -> _Encoding:
        """The same encoding with means and sds of the numeric columns of ``raw``."""
        numeric = raw[:, 1 : 1 + len(self.numeric)]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column
            means = np.nan_to_num(np.nanmean(numeric, axis=0), nan=0.0)
            sds = np.nanstd(numeric, axis=0, ddof=1)
        sds = np.where(np.isfinite(sds) & (sds > 0), sds, 1.0)
        return replace(self, means=tuple(map(float, means)), sds=tuple(map(float, sds)))

    def scale(self, raw: np.ndarray) -> np.ndarray:
        """Standardise the numeric columns of ``raw``; missing values become 0."""
        Z = raw.copy()
        cols = slice(1, 1 + len(self.numeric))
        Z[:, cols] = np.nan_to_num((Z[:, cols] - self.means) / np.asarray(self.sds), nan=0.0)
        return Z

    def matrix(self, X: pd.DataFrame) -> np.ndarray:
        """The design matrix of ``X``, shape (n, p)."""
        return self.scale(self.raw(X))


def _require(frame: pd.DataFrame, name: str) -> None:
    if name not in frame:
        raise DataError(f"model input: missing feature column {name!r}")


def one_hot(labels: pd.Series) -> np.ndarray:
    """One-hot of vote labels, shape (n, 4) in VOTE_LEVELS order; any other label (``none``)
    gives a row of zeros."""
    return (labels.astype(str).to_numpy()[:, None] == np.array(VOTE_LEVELS)[None, :]).astype(float)


def outcome_matrix(vote: pd.Series) -> np.ndarray:
    """One-hot of the votes, shape (n, 4) in VOTE_LEVELS order; DataError on another label."""
    vote = vote.astype(str)
    bad = ~vote.isin(VOTE_LEVELS)
    if bad.any():
        raise DataError(
            f"model training data: vote {vote[bad].iloc[0]!r}; allowed: {', '.join(VOTE_LEVELS)}"
        )
    return one_hot(vote)


class VoteChoiceModel:
    """Specification of the penalised multinomial logit (no work done here).

    Parameters
    ----------
    features : sequence of str
        Feature names among :data:`ALL_FEATURES`; bloc columns absent from the
        training data are skipped.
    alpha : float
        Penalty (prior precision) on the slopes, in units of the standardised features.
    alpha_const : float
        Penalty on the intercepts.
    max_iter : int
        Newton iterations.
    """

    def __init__(
        self,
        features: Sequence[str] = DEFAULT_FEATURES,
        alpha: float = DEFAULT_ALPHA,
        alpha_const: float = ALPHA_CONST,
        max_iter: int = 100,
    ):
        self.features = tuple(features)
        self.alpha = alpha
        self.alpha_const = alpha_const
        self.max_iter = max_iter

    def __repr__(self) -> str:
        return f"VoteChoiceModel(features={self.features!r}, alpha={self.alpha!r})"

    def encoding(self, columns) -> _Encoding:
        """The design's columns for a table with ``columns`` (not yet scaled)."""
        unknown = [f for f in self.features if f not in ALL_FEATURES]
        if unknown:
            raise DataError(f"model spec: unknown feature(s) {unknown}; allowed: {ALL_FEATURES}")
        return _Encoding(
            numeric=tuple(f for f in self.features if f in NUMERIC_TERMS),
            categorical=tuple(
                (name, levels)
                for name, levels in CATEGORICAL_TERMS.items()
                if name in self.features
            ),
            blocs=tuple(f for f in self.features if f in BLOC_TERMS and f in columns),
            campaign=tuple(f for f in self.features if f in CAMPAIGN_TERMS),
        )

    def fit(self, train: pd.DataFrame) -> VoteChoiceResults:
        """Fit on ``train`` (feature columns and ``vote``, one row per country and vote).

        Returns
        -------
        VoteChoiceResults
        """
        if "vote" not in train:
            raise DataError("model training data: missing column 'vote'")
        if train.empty:
            raise DataError("model training data: no rows")
        Y = outcome_matrix(train["vote"])
        enc = self.encoding(train.columns)
        return self.fit_design(enc, enc.raw(train), Y)

    def fit_design(
        self,
        encoding: _Encoding,
        raw: np.ndarray,
        Y: np.ndarray,
        *,
        covariance: bool = True,
        start: np.ndarray | None = None,
    ) -> VoteChoiceResults:
        """Fit from an unscaled design ``raw`` (n, p) and one-hot outcomes ``Y`` (n, 4).

        The backtest's fast path: it encodes the whole table once and fits on slices.
        ``covariance=False`` skips the inverse Hessian (``cov`` is None); ``start`` (p, 3)
        warm-starts Newton's method.
        """
        enc = encoding.with_scaling(raw)
        Z = enc.scale(raw)
        penalty = np.full(Z.shape[1], self.alpha, dtype=float)
        penalty[0] = self.alpha_const
        penalty[[i for i, term in enumerate(enc.terms) if term in CAMPAIGN_TERMS]] = ALPHA_CAMPAIGN
        beta, hessian, n_iter, converged = _newton(Z, Y, penalty, self.max_iter, start)
        cov = None
        if covariance:
            cov = linalg.inv(hessian)
            cov = (cov + cov.T) / 2
        params = pd.DataFrame(beta, index=pd.Index(enc.terms, name="term"), columns=NON_YES)
        return VoteChoiceResults(
            model=self,
            encoding=enc,
            params=params,
            cov=cov,
            n_obs=len(Y),
            n_iter=n_iter,
            converged=converged,
        )


def _objective(Z, Y, beta, penalty):
    eta = np.column_stack([np.zeros(len(Z)), Z @ beta])
    m = eta.max(axis=1, keepdims=True)
    logsum = (m[:, 0] + np.log(np.exp(eta - m).sum(axis=1))).sum()
    loglik = (Y * eta).sum() - logsum
    return -loglik + 0.5 * float((penalty[:, None] * beta**2).sum()), eta


def _newton(Z, Y, penalty, max_iter, start=None, tol=1e-8):
    """Penalised Newton iterations with step halving; returns (beta, hessian, iters, ok)."""
    n, p = Z.shape
    k = Y.shape[1] - 1
    beta = np.zeros((p, k)) if start is None else np.array(start, dtype=float)
    value, eta = _objective(Z, Y, beta, penalty)
    pen_diag = np.tile(penalty, k)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        P = probabilities(eta)[:, 1:]
        grad = (Z.T @ (P - Y[:, 1:])).ravel("F") + pen_diag * beta.ravel("F")
        hessian = _hessian(Z, P) + np.diag(pen_diag)
        step = linalg.solve(hessian, grad, assume_a="pos")
        t = 1.0
        while True:
            cand = beta - t * step.reshape((p, k), order="F")
            cand_value, cand_eta = _objective(Z, Y, cand, penalty)
            if cand_value <= value + 1e-12 or t < 1e-6:
                break
            t /= 2
        decrease = value - cand_value
        beta, value, eta = cand, cand_value, cand_eta
        if decrease < tol * (1 + abs(value)) and np.abs(grad).max() < 1e-4:
            converged = True
            break
    P = probabilities(eta)[:, 1:]
    hessian = _hessian(Z, P) + np.diag(pen_diag)
    return beta, hessian, it, converged


def _hessian(Z, P):
    """Negative log-likelihood Hessian, blocks (k, l) = Z' diag(p_k (delta_kl - p_l)) Z."""
    p = Z.shape[1]
    k = P.shape[1]
    H = np.empty((p * k, p * k))
    for a in range(k):
        for b in range(a, k):
            w = P[:, a] * ((a == b) - P[:, b])
            block = Z.T @ (Z * w[:, None])
            H[a * p : (a + 1) * p, b * p : (b + 1) * p] = block
            H[b * p : (b + 1) * p, a * p : (a + 1) * p] = block.T
    return H


@dataclass(frozen=True)
class VoteChoiceResults:
    """A fitted vote-choice model: parameters, their covariance and predictions.

    Attributes
    ----------
    terms : tuple of str
        Design column names, ``const`` first.
    params : DataFrame
        Index ``terms``, columns ``abstain, no, absent``: log-odds of each outcome
        against yes per unit of the design column.
    cov : ndarray, shape (3p, 3p)
        Covariance of ``params.to_numpy().ravel("F")`` (all abstain terms, then no,
        then absent), the inverse penalised Hessian.
    """

    model: VoteChoiceModel
    encoding: _Encoding
    params: pd.DataFrame
    cov: np.ndarray | None
    n_obs: int
    n_iter: int = 0
    converged: bool = True
    terms: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "terms", self.encoding.terms)

    def design(self, X: pd.DataFrame) -> np.ndarray:
        """The design matrix of ``X``, shape (n, p), encoded and scaled as in training."""
        return self.encoding.matrix(X)

    def linear_predictor(self, X: pd.DataFrame, params: np.ndarray | None = None) -> np.ndarray:
        """Log-odds against yes, shape (n, 4) (column 0, yes, is 0).

        ``params`` of shape (p, 3) replaces the fitted ones; of shape (d, p, 3) (draws)
        gives (d, n, 4). The same numbers as :meth:`design_predictor`, laid out by state.
        """
        eta = np.moveaxis(self.design_predictor(self.design(X), params), 0, -1)
        return np.concatenate([np.zeros((*eta.shape[:-1], 1)), eta], axis=-1)

    def design_predictor(self, design: np.ndarray, params: np.ndarray | None = None) -> np.ndarray:
        """Log-odds of abstain, no, absent against yes from a design matrix, outcome-first.

        ``design`` is (n, p) (:meth:`design`, computed once for many calls); returns (3, n)
        at the fitted parameters or ``params`` (p, 3), and (3, d, n) for draws (d, p, 3):
        the layout :mod:`unvote.simulate` works in.
        """
        beta = self.params.to_numpy() if params is None else np.asarray(params, dtype=float)
        if beta.ndim == 2:
            return beta.T @ design.T
        return np.matmul(np.moveaxis(beta, 2, 0), design.T)

    def sample_params(self, rng: np.random.Generator, n_draws: int) -> np.ndarray:
        """Draws from the Laplace approximation N(params, cov), shape (n_draws, p, 3)."""
        if self.cov is None:
            raise DataError("this fit has no covariance: cannot sample its parameters")
        p = len(self.terms)
        mean = self.params.to_numpy().ravel("F")
        chol = linalg.cholesky(self.cov, lower=True)
        draws = mean + rng.standard_normal((n_draws, mean.size)) @ chol.T
        return draws.reshape(n_draws, len(NON_YES), p).transpose(0, 2, 1)

    def predict_proba(self, X: pd.DataFrame) -> pd.DataFrame:
        """Probabilities of each outcome: index ``X.index``, columns p_yes .. p_absent."""
        proba = probabilities(self.linear_predictor(X))
        return pd.DataFrame(proba, index=X.index, columns=list(PROBA_COLUMNS))

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Coefficient table: ``term, outcome, coef, se, lower, upper`` (normal interval)."""
        coef = self.params.to_numpy().ravel("F")
        se = np.sqrt(np.diag(self.cov)) if self.cov is not None else np.full(coef.size, np.nan)
        z = stats.norm.ppf(0.5 + level / 2)
        p = len(self.terms)
        return pd.DataFrame(
            {
                "term": list(self.terms) * len(NON_YES),
                "outcome": np.repeat(NON_YES, p),
                "coef": coef,
                "se": se,
                "lower": coef - z * se,
                "upper": coef + z * se,
            }
        )


def training_table(features: pd.DataFrame, embargo: pd.DataFrame) -> pd.DataFrame:
    """Features joined with the vote each country cast at the embargo vote of that year.

    Rows of ``features`` with no embargo vote (the forecast date) are dropped.

    Returns
    -------
    DataFrame
        ``features``' columns plus ``vote`` (str), in the order of ``features``.
    """
    votes = embargo.loc[:, ["year", "iso3", "vote"]].copy()
    votes["vote"] = votes["vote"].astype(str)
    merged = features.merge(votes, on=["year", "iso3"], how="inner", validate="one_to_one")
    return merged


def training_rows(table: pd.DataFrame, target_year: int) -> pd.DataFrame:
    """The rows of :func:`training_table` a model for ``target_year`` may learn from.

    Embargo votes from :data:`TRAIN_FIRST_YEAR` to the year before ``target_year``: the
    one rule shared by the backtest and the forecast.
    """
    return table.loc[(table["year"] >= TRAIN_FIRST_YEAR) & (table["year"] < target_year)]
