"""The sponsor rule: a state votes yes on the draft it sponsors.

The embargo resolution is tabled by Cuba alone: the Secretariat's records list Cuba, and
no co-sponsor, as the sponsor of every embargo resolution they cover (A/RES/74/7 of 2019,
A/RES/75/289 of 2021, A/RES/77/7, 78/7 and 79/7 of 2022-2024; ``tests/test_sponsors.py``
checks this on the raw files). The forecast fixes the sponsors' vote at yes, whatever the
model, the levers or the shocks say (:func:`unvote.simulate.fixed_probabilities`).
:func:`sponsor_votes` measures how far the data supports the rule: how sponsors voted on
the recorded votes on their own drafts (``benchmarks/sponsor_rule.py`` prints it).
"""

from __future__ import annotations

import pandas as pd

#: ISO3 of the embargo resolution's sponsors (see the module docstring for the source).
EMBARGO_SPONSORS: tuple[str, ...] = ("CUB",)


def sponsor_votes(votes: pd.DataFrame, sponsors: pd.DataFrame) -> pd.DataFrame:
    """How each sponsor voted on the recorded votes on the drafts it sponsored.

    Parameters
    ----------
    votes : DataFrame
        The tidy roll-call table (``resolution, iso3, vote`` at least).
    sponsors : DataFrame
        ``resolution, iso3`` (and ``kind``): the sponsors table of ``unvote data build``.

    Returns
    -------
    DataFrame
        ``resolution, iso3, kind, vote``: one row per sponsor of a resolution adopted by a
        recorded vote (resolutions adopted without a vote have no roll call and are left
        out).
    """
    keys = ["resolution", "iso3"]
    cols = [c for c in ("resolution", "iso3", "kind") if c in sponsors]
    pairs = sponsors.loc[:, cols].drop_duplicates(keys)
    merged = pairs.merge(votes.loc[:, [*keys, "vote"]], on=keys, how="inner")
    merged["vote"] = merged["vote"].astype(str)
    return merged.reset_index(drop=True)
