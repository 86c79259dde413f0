"""Days: the one parser of a date given by a user or a file, and the data's cutoff."""

from __future__ import annotations

import pandas as pd

from unvote.errors import UnvoteError

#: The raw data stop on 30 September 2025 on purpose: the shipped forecast is made as of
#: this day, before that year's embargo vote. By default every table the build writes ends
#: before it (``unvote data build --until`` moves it for newer downloads).
CUTOFF: pd.Timestamp = pd.Timestamp("2025-10-01")


def as_day(date, what: str = "date") -> pd.Timestamp:
    """``date`` (a string, date or Timestamp) as a Timestamp at midnight.

    Raises
    ------
    UnvoteError
        Naming ``what`` and the value, when it is not a date or is missing.
    """
    try:
        day = pd.Timestamp(date)
    except (ValueError, TypeError) as err:
        raise UnvoteError(
            f"{what} {date!r} is not a date; allowed: a day such as '2024-10-30' (YYYY-MM-DD)"
        ) from err
    if pd.isna(day):
        raise UnvoteError(f"{what} is missing; allowed: a day such as '2024-10-30' (YYYY-MM-DD)")
    return day.normalize()
