"""The backtest: predict every embargo vote 2000-2024 from earlier years only, and score it.

For each target year ``T`` the model is fitted on the embargo votes of the years before
``T`` (from :data:`TRAIN_FIRST_YEAR`, the first with an earlier vote to learn from) and
predicts year ``T`` from the features as of the day before that vote. The penalty
``alpha`` is chosen per target year by a rolling origin inside the past: each candidate is
fitted on the years before ``t`` and scored on ``t`` for the :data:`SELECTION_YEARS` years
``t`` before ``T``; the candidate with the lowest mean log loss is used for ``T``. Scored
years never choose their own penalty.

Two baselines, both from the same past only:

- ``persistence``: a country repeats its last embargo vote with probability ``p_stay``,
  the share of country-years in the last :data:`SELECTION_YEARS` training years that
  repeated their previous vote (recent years, because repeats grew more common over time;
  add-one smoothed: ``(repeats + 1) / (rows + 2)``); the rest, ``1 - p_stay``, is
  split evenly over the other three outcomes, so no probability is 0. A country with no
  earlier vote gets the pooled frequencies of the training years.
- ``frequency``: a country's own frequencies of each outcome over all its earlier embargo
  votes, shrunk to the pooled frequencies of the training years with one pseudo-vote:
  ``(count_k + pooled_k) / (n + 1)``.

Scores per year and over all years: mean log loss (natural log) and multiclass Brier
score (sum over the four outcomes of the squared error, mean over countries), and the
absolute error of the expected tally (sum of the probabilities) for each outcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from unvote.model import (
    TRAIN_FIRST_YEAR,
    VoteChoiceModel,
    VoteChoiceResults,
    one_hot,
    outcome_matrix,
    probabilities,
    training_rows,
    training_table,
)
from unvote.votes import PROBA_COLUMNS, VOTE_LEVELS

FIRST_TARGET_YEAR, LAST_TARGET_YEAR = 2000, 2024
#: Candidate penalties (prior precision on the standardised slopes).
ALPHAS: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0, 30.0)
#: How many past years choose the penalty for a target year.
SELECTION_YEARS = 5
#: The first year scored when choosing a penalty (two training years before it).
FIRST_SELECTION_YEAR = 1995
METHODS: tuple[str, ...] = ("model", "persistence", "frequency")


def log_loss(proba: np.ndarray, vote: pd.Series) -> float:
    """Mean negative natural log of the probability given to the actual outcome.

    Parameters
    ----------
    proba : ndarray, shape (n, 4)
        Probabilities of yes, abstain, no, absent.
    vote : Series of str, length n
    """
    p = (np.asarray(proba) * one_hot(vote)).sum(axis=1)
    return float(-np.log(p).mean())


def brier(proba: np.ndarray, vote: pd.Series) -> float:
    """Multiclass Brier score: per country the sum over outcomes of (p - y)^2, then the mean."""
    return float(((np.asarray(proba) - one_hot(vote)) ** 2).sum(axis=1).mean())


def tally_errors(proba: np.ndarray, vote: pd.Series) -> dict[str, float]:
    """Absolute error of the expected count of each outcome: |sum_i p_ik - count_k|."""
    err = np.abs(np.asarray(proba).sum(axis=0) - one_hot(vote).sum(axis=0))
    return {f"abs_err_{o}": float(e) for o, e in zip(VOTE_LEVELS, err, strict=True)}


def score(proba: np.ndarray, vote: pd.Series) -> dict[str, float]:
    """All scores of one set of predictions: n, log_loss, brier, abs_err_<outcome>."""
    return {
        "n": len(vote),
        "log_loss": log_loss(proba, vote),
        "brier": brier(proba, vote),
        **tally_errors(proba, vote),
    }


def pooled_frequencies(train: pd.DataFrame) -> np.ndarray:
    """Share of each outcome among the training rows, add-one smoothed; shape (4,)."""
    counts = one_hot(train["vote"]).sum(axis=0) + 1.0
    return counts / counts.sum()


def persistence_proba(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """The persistence baseline's probabilities for ``test``, shape (n, 4) (see module doc)."""
    recent_years = sorted(train["year"].unique())[-SELECTION_YEARS:]
    known = train.loc[(train["last_vote"] != "none") & train["year"].isin(recent_years)]
    repeats = float((known["vote"].astype(str) == known["last_vote"].astype(str)).sum())
    p_stay = (repeats + 1.0) / (len(known) + 2.0)
    last = one_hot(test["last_vote"])
    proba = last * p_stay + (1 - last) * (1 - p_stay) / (len(VOTE_LEVELS) - 1)
    new = test["last_vote"].astype(str).eq("none").to_numpy()
    proba[new] = pooled_frequencies(train)
    return proba


def frequency_proba(
    train: pd.DataFrame, test: pd.DataFrame, embargo: pd.DataFrame, target_year: int
) -> np.ndarray:
    """The historical-frequency baseline's probabilities for ``test``, shape (n, 4)."""
    past = embargo.loc[embargo["year"] < target_year]
    counts = (
        pd.crosstab(past["iso3"], past["vote"].astype(str))
        .reindex(columns=list(VOTE_LEVELS), fill_value=0)
        .reindex(test["iso3"].to_numpy(), fill_value=0)
        .to_numpy(dtype=float)
    )
    pooled = pooled_frequencies(train)
    return (counts + pooled) / (counts.sum(axis=1, keepdims=True) + 1.0)


@dataclass(frozen=True)
class BacktestResult:
    """``predictions``: year, iso3, vote, p_*; ``scores``: per year and 'all', per method."""

    predictions: pd.DataFrame
    scores: pd.DataFrame
    alphas: pd.Series
    seconds: float


class _Rolling:
    """The training table encoded once, to fit on the years before any target year fast."""

    def __init__(self, table: pd.DataFrame, model_kwargs: dict | None = None):
        self.table = table
        self.model_kwargs = model_kwargs or {}
        self.encoding = VoteChoiceModel(**self.model_kwargs).encoding(table.columns)
        self.raw = self.encoding.raw(table)
        self.Y = outcome_matrix(table["vote"])
        self.year = table["year"].to_numpy()
        self.years = sorted(int(y) for y in np.unique(self.year))

    def train_mask(self, year: int) -> np.ndarray:
        return (self.year >= TRAIN_FIRST_YEAR) & (self.year < year)

    def fit(self, year: int, alpha: float, *, covariance=False, start=None) -> VoteChoiceResults:
        """The model with penalty ``alpha`` fitted on the years before ``year``."""
        mask = self.train_mask(year)
        model = VoteChoiceModel(alpha=alpha, **self.model_kwargs)
        return model.fit_design(
            self.encoding, self.raw[mask], self.Y[mask], covariance=covariance, start=start
        )

    def fits(self, year: int, alphas: Sequence[float]) -> dict[float, np.ndarray]:
        """Predictions for ``year`` (n, 4) per alpha, each fitted on the years before it.

        The fits run from the strongest penalty down, each starting from the previous
        solution: the same optimum, fewer Newton steps.
        """
        test = self.year == year
        out, start = {}, None
        for alpha in sorted(alphas, reverse=True):
            res = self.fit(year, alpha, start=start)
            start = res.params.to_numpy()
            eta = res.encoding.scale(self.raw[test]) @ start
            out[alpha] = probabilities(np.column_stack([np.zeros(len(eta)), eta]))
        return out

    def selection_years(self, target_year: int, selection_years: int) -> list[int]:
        past = [y for y in self.years if FIRST_SELECTION_YEAR <= y < target_year]
        return past[-selection_years:]

    def losses(self, years: Sequence[int], alphas: Sequence[float]):
        """Log loss per (year, alpha), and the predictions behind it."""
        loss = pd.DataFrame(index=list(years), columns=list(alphas), dtype=float)
        proba = {}
        for year in years:
            vote = self.table.loc[self.year == year, "vote"]
            for alpha, p in self.fits(year, alphas).items():
                proba[(alpha, year)] = p
                loss.loc[year, alpha] = log_loss(p, vote)
        return loss, proba


def _choose(loss: pd.DataFrame, past: Sequence[int], alphas: Sequence[float]) -> float:
    """The candidate with the lowest mean log loss over ``past`` (ties: the first listed)."""
    if not len(past):
        return float(alphas[0])
    return float(cast(float, loss.loc[list(past), list(alphas)].mean().idxmin()))


def select_alpha(
    table: pd.DataFrame,
    target_year: int,
    *,
    alphas: Sequence[float] = ALPHAS,
    selection_years: int = SELECTION_YEARS,
    model_kwargs: dict | None = None,
) -> float:
    """The penalty for ``target_year``, chosen by rolling origin on earlier years only.

    Parameters
    ----------
    table : DataFrame
        Features with ``vote`` (:func:`unvote.model.training_table`).
    target_year : int

    Returns
    -------
    float
        The candidate in ``alphas`` with the lowest mean log loss when each of the
        ``selection_years`` years before ``target_year`` is predicted from the years
        before it.
    """
    rolling = _Rolling(table, model_kwargs)
    past = rolling.selection_years(target_year, selection_years)
    with threadpool_limits(limits=1, user_api="blas"):  # small products: threads only contend
        loss, _ = rolling.losses(past, alphas)
    return _choose(loss, past, alphas)


def fit_before(
    features: pd.DataFrame, embargo: pd.DataFrame, target_year: int, **kwargs
) -> VoteChoiceResults:
    """The model for ``target_year``: penalty by :func:`select_alpha`, fitted on earlier years.

    This is exactly the fit the backtest scores for a past year; the forecast uses it for
    the next vote. Keyword arguments go to :func:`select_alpha`.

    Returns
    -------
    VoteChoiceResults
        Fitted on the embargo votes of ``TRAIN_FIRST_YEAR`` to ``target_year - 1``, with
        its covariance.
    """
    table = training_table(features, embargo)
    alpha = select_alpha(table, target_year, **kwargs)
    train = training_rows(table, target_year)
    return VoteChoiceModel(alpha=alpha, **(kwargs.get("model_kwargs") or {})).fit(train)


def run_backtest(
    features: pd.DataFrame,
    embargo: pd.DataFrame,
    *,
    target_years: Sequence[int] | None = None,
    alphas: Sequence[float] = ALPHAS,
    selection_years: int = SELECTION_YEARS,
    model_kwargs: dict | None = None,
) -> BacktestResult:
    """Fit and predict each target year from earlier years only; score model and baselines.

    Parameters
    ----------
    features : DataFrame
        The features table (``load_features``).
    embargo : DataFrame
        The embargo votes (``year, date, resolution, iso3, vote``).
    target_years : sequence of int, optional
        Default: the embargo vote years 2000-2024.
    alphas : sequence of float
        Candidate penalties.
    selection_years : int
        Past years that choose the penalty for a target year.

    Returns
    -------
    BacktestResult
    """
    start = time.perf_counter()
    table = training_table(features, embargo)
    rolling = _Rolling(table, model_kwargs)
    if target_years is None:
        target_years = [y for y in rolling.years if FIRST_TARGET_YEAR <= y <= LAST_TARGET_YEAR]
    target_years = sorted(int(y) for y in target_years)
    # Every (alpha, year) fit is the same whichever later target it serves: compute once.
    needed = sorted(
        {y for y in rolling.years if FIRST_SELECTION_YEAR <= y <= max(target_years)}
        | set(target_years)
    )
    with threadpool_limits(limits=1, user_api="blas"):  # small products: threads only contend
        loss, proba = rolling.losses(needed, alphas)

    rows, preds, chosen = [], [], {}
    for year in target_years:
        alpha = _choose(loss, rolling.selection_years(year, selection_years), alphas)
        chosen[year] = alpha
        test = table.loc[rolling.year == year]
        train = table.loc[rolling.train_mask(year)]
        by_method = {
            "model": proba[(alpha, year)],
            "persistence": persistence_proba(train, test),
            "frequency": frequency_proba(train, test, embargo, year),
        }
        for method, p in by_method.items():
            rows.append({"year": str(year), "method": method, **score(p, test["vote"])})
        pred = test.loc[:, ["year", "iso3", "vote"]].reset_index(drop=True)
        pred[list(PROBA_COLUMNS)] = by_method["model"]
        preds.append(pred)

    predictions = pd.concat(preds, ignore_index=True)
    per_year = pd.DataFrame(rows)
    overall = []
    for method in METHODS:
        grp = per_year.loc[per_year["method"] == method]
        n = int(grp["n"].sum())
        overall.append(
            {
                "year": "all",
                "method": method,
                "n": n,
                # country-weighted means over all country-years; tally errors: mean per year
                "log_loss": float((grp["log_loss"] * grp["n"]).sum() / n),
                "brier": float((grp["brier"] * grp["n"]).sum() / n),
                **{f"abs_err_{o}": float(grp[f"abs_err_{o}"].mean()) for o in VOTE_LEVELS},
            }
        )
    scores = pd.concat([per_year, pd.DataFrame(overall)], ignore_index=True)
    alpha_col = scores["year"].map({str(y): a for y, a in chosen.items()})
    scores["alpha"] = alpha_col.where(scores["method"] == "model")
    return BacktestResult(
        predictions=predictions,
        scores=scores,
        alphas=pd.Series(chosen, name="alpha"),
        seconds=time.perf_counter() - start,
    )


#: The tables ``unvote backtest`` writes (the pipeline adds calibration.png beside them).
BACKTEST_FILES: tuple[str, ...] = ("predictions.csv", "scores.csv")


def write_backtest(
    result: BacktestResult,
    out_dir: str | Path,
    *,
    also: Callable[[Path], Sequence[str]] | None = None,
) -> list[Path]:
    """Write predictions.csv and scores.csv into ``out_dir``, whole or not at all.

    Parameters
    ----------
    also : callable, optional
        Given the folder being built, writes more files into it and returns their names
        (the pipeline adds the calibration figure so), so that all are swapped in together
        while this module draws nothing.

    Returns
    -------
    list of Path
        The files written, tables first.
    """
    from unvote.atomic import atomic_dir

    out_dir = Path(out_dir)
    names = list(BACKTEST_FILES)
    with atomic_dir(out_dir) as tmp:
        preds = result.predictions.round({col: 6 for col in PROBA_COLUMNS})
        preds.to_csv(tmp / names[0], index=False, lineterminator="\n")
        result.scores.round(6).to_csv(tmp / names[1], index=False, lineterminator="\n")
        if also is not None:
            names += also(tmp)
    return [out_dir / name for name in names]


def format_scores(scores: pd.DataFrame) -> str:
    """The overall rows as a small text table (method, log loss, Brier, tally errors)."""
    overall = scores.loc[scores["year"] == "all"].drop(columns=["year", "alpha"])
    return overall.to_string(index=False, float_format=lambda v: f"{v:.4f}")


#: Bin edges of the calibration plot: fine near 0 and 1, where most predictions fall.
CALIBRATION_EDGES: tuple[float, ...] = (
    0.0,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.5,
    0.8,
    0.9,
    0.95,
    0.98,
    0.99,
    1.0,
)


def calibration_table(predictions: pd.DataFrame) -> pd.DataFrame:
    """Predicted against observed, all four outcomes pooled (one-vs-rest), binned.

    Parameters
    ----------
    predictions : DataFrame
        ``vote, p_yes, p_abstain, p_no, p_absent`` (reports/backtest/predictions.csv).

    Returns
    -------
    DataFrame
        One row per non-empty bin of :data:`CALIBRATION_EDGES`: ``mean_p`` (mean
        predicted probability), ``freq`` (share that happened) and ``n`` (predictions).
    """
    levels = VOTE_LEVELS
    prob = np.concatenate([predictions[f"p_{v}"].to_numpy(dtype=float) for v in levels])
    vote = predictions["vote"].astype(str).to_numpy()
    hit = np.concatenate([(vote == v).astype(float) for v in levels])
    last = len(CALIBRATION_EDGES) - 2
    bins = np.clip(np.searchsorted(CALIBRATION_EDGES, prob, side="right") - 1, 0, last)
    frame = pd.DataFrame({"bin": bins, "p": prob, "hit": hit})
    table = frame.groupby("bin").agg(mean_p=("p", "mean"), freq=("hit", "mean"), n=("p", "size"))
    return table.reset_index(drop=True)


# --- who departs: ranking checks -------------------------------------------------------------
#: How many states a ranking check looks at the top of: about the number of states a
#: reader of the report's country page sees first (it lists 30).
TOP_RANKED = 25


def departure_ranking(
    score: pd.Series, departed: pd.Series, top: int = TOP_RANKED
) -> dict[str, float]:
    """How well ``score`` ranks the states that departed from yes at a vote.

    Parameters
    ----------
    score : Series
        Index ISO3; higher means more likely to depart. Missing scores rank last.
    departed : Series of bool
        Index ISO3: the states considered (present at the vote), True for a departure.
    top : int

    Returns
    -------
    dict
        ``n`` states, ``departures``, ``auc`` (the area under the ROC curve,
        :func:`sklearn.metrics.roc_auc_score`: the chance that a random departure outranks
        a random state that stayed; NaN without both kinds), and ``in_top`` (departures
        among the ``top`` highest scores; ties broken by ISO3 for a fixed answer).
    """
    from sklearn.metrics import roc_auc_score

    departed = departed.astype(bool)
    values = score.reindex(departed.index).astype(float)
    values = values.fillna(values.min() - 1.0 if values.notna().any() else 0.0)
    both = departed.any() and not departed.all()
    auc = float(roc_auc_score(departed.to_numpy(), values.to_numpy())) if both else float("nan")
    order = pd.DataFrame({"score": values.to_numpy(), "state": values.index.to_numpy()})
    order = order.sort_values(["score", "state"], ascending=[False, True])
    in_top = int(departed.reindex(order["state"].iloc[:top]).sum())
    return {"n": len(departed), "departures": int(departed.sum()), "auc": auc, "in_top": in_top}
