"""Small tidy roll-call tables for the tests, written as one line of votes per roll call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from unvote.votes import VOTE_DTYPE

COLUMNS = ["resolution", "date", "session", "title", "iso3", "vote"]


def tidy_votes(
    rows: Iterable[tuple], members: Sequence[str], *, session: int = 0, title: str = "t"
) -> pd.DataFrame:
    """The tidy roll-call table of ``rows``: ``(resolution, date, [title,] "yes no ...")``.

    The votes of a row are those of ``members``, in order; a row without a title gets
    ``title``.
    """
    records = []
    for resolution, date, *named, positions in rows:
        row_title = named[0] if named else title
        for iso3, vote in zip(members, positions.split(), strict=True):
            records.append((resolution, pd.Timestamp(date), session, row_title, iso3, vote))
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame["vote"] = frame["vote"].astype(VOTE_DTYPE)
    return frame
