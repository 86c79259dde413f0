"""Roll calls before a date, and agreement between states over them: the as-of rule's primitives.

Every feature of :mod:`unvote.features` and the modules it draws on
(:mod:`unvote.administration`, :mod:`unvote.precedents`, :mod:`unvote.ukraine`) reads the tidy
roll-call table (:mod:`unvote.votes`) through :func:`votes_before` or :func:`window`, so the
rule "only votes strictly before the as-of date" is written once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Roll calls of this many days before the as-of date feed agreement and ideal points.
WINDOW_DAYS = 365
#: The two states agreement is measured with (ISO3).
US, RUSSIA = "USA", "RUS"


def votes_between(
    votes: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp
) -> pd.DataFrame:
    """The rows of ``votes`` with ``start <= date < end`` (no lower bound if ``start`` is None)."""
    dates = votes["date"]
    if dates.is_monotonic_increasing:
        # The tidy table is sorted by date: a slice costs nothing, where a boolean mask
        # copies every column (Arrow strings, ~1M rows), which made the features build slow.
        lo = 0 if start is None else int(dates.searchsorted(start, side="left"))
        return votes.iloc[lo : int(dates.searchsorted(end, side="left"))]
    keep = dates < end
    if start is not None:
        keep &= dates >= start
    return votes.loc[keep]


def votes_before(votes: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The roll calls dated strictly before ``as_of`` (the as-of rule, in one place)."""
    return votes_between(votes, None, pd.Timestamp(as_of))


def window(votes: pd.DataFrame, as_of: pd.Timestamp, days: int = WINDOW_DAYS) -> pd.DataFrame:
    """The roll calls of the ``days`` days before ``as_of``: ``as_of - days <= date < as_of``."""
    as_of = pd.Timestamp(as_of)
    return votes_between(votes, as_of - pd.Timedelta(days=days), as_of)


def agreement(matrix: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Agreement of every country with ``reference`` over the roll calls of ``matrix``.

    Parameters
    ----------
    matrix : DataFrame
        Countries (index, ISO3) by roll calls, coded yes 1, abstain 0.5, no 0, absent NaN
        (see :func:`unvote.idealpoints.vote_matrix`).
    reference : str
        ISO3 of the reference state.

    Returns
    -------
    DataFrame
        Index ISO3 as ``matrix``; ``agree`` in [0, 1] (NaN with no common vote) and
        ``n_common`` (int), the number of roll calls on which both voted.
    """
    if reference not in matrix.index:
        nan = np.full(len(matrix), np.nan)
        return pd.DataFrame({"agree": nan, "n_common": 0}, index=matrix.index)
    values = matrix.to_numpy(dtype=float)
    ref = matrix.loc[reference].to_numpy(dtype=float)
    score = 1.0 - np.abs(values - ref)
    common = ~np.isnan(score)
    n_common = common.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        agree = np.where(n_common > 0, np.nansum(score, axis=1) / n_common, np.nan)
    return pd.DataFrame({"agree": agree, "n_common": n_common}, index=matrix.index)
