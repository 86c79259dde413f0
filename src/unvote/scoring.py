"""How a back-dated forecast did: the actual result of the vote it forecast, and its scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unvote.history import vote_record
from unvote.votes import PROBA_COLUMNS


def actual_and_scores(
    countries: pd.DataFrame, embargo: pd.DataFrame, target_year: int, top: int | None = None
) -> tuple[dict | None, dict | None]:
    """The actual result of the forecast vote, and the forecast's scores, if it is in the data.

    Parameters
    ----------
    countries : DataFrame
        :func:`unvote.tables.country_table` (``iso3`` and :data:`unvote.votes.PROBA_COLUMNS`).
    embargo : DataFrame
        The embargo votes (``year, date, iso3, vote``).
    target_year : int
    top : int, optional
        How far down the ranking to look (default :data:`unvote.backtest.TOP_RANKED`).

    Returns
    -------
    actual : dict or None
        ``year, date`` and the count of each vote; None if the vote is not in the data.
    scores : dict or None
        ``n`` (states both forecast and recorded), ``log_loss`` and ``brier`` of the
        country probabilities (:mod:`unvote.backtest`); ``left_yes``: the states that voted
        yes at the previous embargo vote and abstain or no at this one (``left_yes_states``);
        ``absent_after_yes``: those absent at this one, counted apart and not as leaving
        (``absent_after_yes_states``); ``left_yes_in_top``: how many of the states that left
        yes are among the ``top`` by chance of not voting yes, ranked among the
        ``ranked_among`` states that voted yes before and were present now;
        ``left_yes_auc`` (:func:`unvote.backtest.departure_ranking`).
    """
    from unvote.backtest import TOP_RANKED, brier, departure_ranking, log_loss

    top = TOP_RANKED if top is None else top
    rows = embargo.loc[embargo["year"] == target_year]
    if rows.empty:
        return None, None
    now = rows.set_index("iso3")["vote"].astype(str)
    actual = vote_record(embargo, target_year)
    earlier = embargo.loc[embargo["year"] < target_year, "year"]
    before = (
        embargo.loc[embargo["year"] == earlier.max()].set_index("iso3")["vote"].astype(str)
        if len(earlier)
        else pd.Series(dtype=str)
    )
    was_yes = before.reindex(now.index).eq("yes")
    left = now.index[was_yes & now.isin(["abstain", "no"])]
    absent = now.index[was_yes & now.eq("absent")]
    stayers = now.index[was_yes & now.ne("absent")]

    probs = countries.set_index("iso3").loc[:, list(PROBA_COLUMNS)]
    scored = probs.index.intersection(now.index).sort_values()
    proba, vote = probs.loc[scored].to_numpy(dtype=float), now.loc[scored]
    with np.errstate(divide="ignore"):  # a vote given probability 0: infinite, said as null
        loss = log_loss(proba, vote)
    ranking = departure_ranking(1.0 - probs["p_yes"], now.loc[stayers].ne("yes"), top)
    scores = {
        "n": len(scored),
        "log_loss": loss,
        "brier": brier(proba, vote),
        "left_yes": len(left),
        "left_yes_states": sorted(left),
        "absent_after_yes": len(absent),
        "absent_after_yes_states": sorted(absent),
        "top": top,
        "ranked_among": ranking["n"],
        "left_yes_in_top": ranking["in_top"],
        "left_yes_auc": ranking["auc"],
    }
    return actual, scores
