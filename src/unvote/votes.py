"""The tidy roll-call table every source reader produces, and its checks.

One row per member state per recorded vote, with columns ``resolution, date, session,
title, iso3, vote``. ``vote`` is a categorical with the explicit levels
``yes, abstain, no, absent``: absent is a member of the day that did not vote; states that
were not members have no row.
"""

from __future__ import annotations

import pandas as pd

from unvote.errors import DataError

VOTE_LEVELS: tuple[str, ...] = ("yes", "abstain", "no", "absent")
#: The votes other than yes (the model's outcomes against yes; where a lever sends what it
#: takes from yes), in VOTE_LEVELS order.
NON_YES: tuple[str, ...] = VOTE_LEVELS[1:]
#: A model's or a forecast's probability columns, one per vote in VOTE_LEVELS order.
PROBA_COLUMNS: tuple[str, ...] = tuple(f"p_{v}" for v in VOTE_LEVELS)
VOTE_DTYPE = pd.CategoricalDtype(list(VOTE_LEVELS), ordered=False)
TIDY_COLUMNS: tuple[str, ...] = ("resolution", "date", "session", "title", "iso3", "vote")


def as_vote(values, *, source: str) -> pd.Categorical[str]:
    """Turn vote labels into the vote categorical, failing on any label not in VOTE_LEVELS.

    Parameters
    ----------
    values : array-like of str
        Labels already translated to ``yes/abstain/no/absent``.
    source : str
        File (and row or resolution) to name in the error message.
    """
    series = pd.Series(values, dtype="object")
    bad = ~series.isin(VOTE_LEVELS)
    if bad.any():
        first = series[bad].iloc[0]
        raise DataError(
            f"{source}: unknown vote {first!r} ({int(bad.sum())} rows); "
            f"allowed: {', '.join(VOTE_LEVELS)}"
        )
    return pd.Categorical(series, dtype=VOTE_DTYPE)


def validate_tidy(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Check the tidy schema: columns, dtypes, one row per (resolution, iso3).

    Returns the frame with columns in the canonical order; raises DataError naming
    ``source`` otherwise.
    """
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {missing}; expected {list(TIDY_COLUMNS)}")
    if not isinstance(frame["vote"].dtype, pd.CategoricalDtype) or list(
        frame["vote"].cat.categories
    ) != list(VOTE_LEVELS):
        raise DataError(f"{source}: column 'vote' must be categorical with levels {VOTE_LEVELS}")
    dup = frame.duplicated(["resolution", "iso3"], keep=False)
    if dup.any():
        row = frame.loc[dup].iloc[0]
        raise DataError(
            f"{source}: resolution {row['resolution']} has {int(dup.sum())} duplicate rows "
            f"(first: {row['iso3']}); expected one row per member state"
        )
    return frame.loc[:, list(TIDY_COLUMNS)]
