"""From probabilities to votes and counts, and the counts summarised.

``probs`` are ``(4, d, n)`` (outcomes in ``VOTE_LEVELS`` order, ``d`` simulations, ``n``
states); votes are codes 0..3 in that order, ``(d, n)``; counts ``(d, 4)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from unvote.votes import VOTE_LEVELS

#: Rows of tally.csv, in the order the issue asks for.
TALLY_ROWS: tuple[str, ...] = ("yes", "no", "abstain", "absent")
QUANTILES: dict[str, float] = {
    "q05": 0.05,
    "q10": 0.10,
    "q25": 0.25,
    "q50": 0.50,
    "q75": 0.75,
    "q90": 0.90,
    "q95": 0.95,
}
YES_BELOW: tuple[int, ...] = (180, 170, 160)
NO_AT_LEAST: tuple[int, ...] = (5, 10)


def draw_votes(probs: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One vote per simulation and country: codes 0..3 in VOTE_LEVELS order, shape (d, n).

    ``probs`` is ``(4, d, n)``; a vote is the first outcome whose cumulative probability
    exceeds the uniform.
    """
    cumulative = probs[0]
    votes = (uniforms >= cumulative).astype(np.int8)
    for k in (1, 2):
        cumulative = cumulative + probs[k]
        votes += uniforms >= cumulative
    return votes


def tally(votes: np.ndarray) -> np.ndarray:
    """Counts of each outcome per simulation: shape (d, 4), VOTE_LEVELS order; rows sum to n."""
    k = len(VOTE_LEVELS)
    offsets = (np.arange(votes.shape[0]) * k)[:, None]
    return np.bincount((votes + offsets).ravel(), minlength=votes.shape[0] * k).reshape(-1, k)


def summarise_tally(counts: np.ndarray, weights: np.ndarray | None = None) -> pd.DataFrame:
    """Mean and quantiles of each outcome's count.

    Parameters
    ----------
    counts : ndarray (d, 4)
    weights : ndarray (d,), optional
        Each simulation's weight (a conditioned forecast, :class:`unvote.conditioning.Simulation`); the
        quantile is then the smallest count whose cumulative weight reaches it.

    Returns
    -------
    DataFrame
        Index ``yes, no, abstain, absent``; columns ``mean, q05, q10, q25, q50, q75, q90,
        q95`` (numbers of member states; each quantile is a count some simulation gave,
        never a fraction between two, however few the draws).
    """
    frame = pd.DataFrame(counts, columns=list(VOTE_LEVELS)).loc[:, list(TALLY_ROWS)]
    if weights is not None:
        return _weighted_summary(frame, np.asarray(weights, float))
    table = pd.DataFrame(
        {
            "mean": frame.mean(),
            **{k: frame.quantile(q, interpolation="lower") for k, q in QUANTILES.items()},
        }
    )
    table.index.name = "vote"
    return table


def _weighted_summary(frame: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    weights = weights / weights.sum()
    rows = {}
    for vote in frame.columns:
        values = frame[vote].to_numpy()
        order = np.argsort(values, kind="stable")
        cumulative = np.cumsum(weights[order])
        # a hair below q, so that a quantile hit exactly by a sum of weights is not
        # pushed to the next count by rounding
        at = np.searchsorted(cumulative, np.array(list(QUANTILES.values())) - 1e-12)
        picked = values[order][np.minimum(at, len(values) - 1)]
        rows[vote] = {"mean": float(weights @ values), **dict(zip(QUANTILES, picked, strict=True))}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "vote"
    return table


def thresholds(counts: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    """P(yes < 180, 170, 160) and P(no >= 5, 10) over the simulations (weighted if given)."""
    yes = counts[:, VOTE_LEVELS.index("yes")]
    no = counts[:, VOTE_LEVELS.index("no")]
    if weights is not None:
        w = np.asarray(weights, float) / np.sum(weights)
        out = {f"p_yes_below_{t}": float(w @ (yes < t)) for t in YES_BELOW}
        out.update({f"p_no_at_least_{t}": float(w @ (no >= t)) for t in NO_AT_LEAST})
        return out
    out = {f"p_yes_below_{t}": float((yes < t).mean()) for t in YES_BELOW}
    out.update({f"p_no_at_least_{t}": float((no >= t).mean()) for t in NO_AT_LEAST})
    return out
