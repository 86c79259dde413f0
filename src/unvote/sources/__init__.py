"""Readers of the raw UN voting files, one module per format, all returning the tidy table.

- :mod:`unvote.sources.ga_scrape`: the wide scrape of the UN Digital Library, 1946-2021;
- :mod:`unvote.sources.unxml`: the Secretariat's JSON-lines extracts, sessions 74-80;
- :mod:`unvote.sources.emergency`: Akoma Ntoso XML of the emergency special sessions;
- :mod:`unvote.sources.undl`: the UN Digital Library's official bulk CSV (long layout).

Each reader returns the tidy table of :mod:`unvote.votes` (``resolution, date, session,
title, iso3, vote``). This module holds the steps they share: dates, sessions, count
checks, absentees from membership, and duplicate records.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from unvote.errors import DataError
from unvote.votes import TIDY_COLUMNS, VOTE_DTYPE, validate_tidy

#: Levels whose totals the UN records with each vote (absent is derived, never checked).
COUNTED = ("yes", "no", "abstain")
#: The one-letter vote codes of the UN Digital Library's files (the scrape and the bulk CSV):
#: ``X`` is a member that did not vote.
VOTE_LETTERS: dict[str, str] = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent"}

_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_LONG_DATE = re.compile(r"^(\d{1,2}) ([a-z]+),? (\d{4})$")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def parse_date(text: str, *, source: str) -> pd.Timestamp:
    """Parse one adoption date in any of the spellings the UN files use.

    Accepts ``2019-10-10``, ``2019-10-10 00:00:00`` and ``22 September 2024`` (any case,
    ordinary or non-breaking spaces).

    Returns
    -------
    pandas.Timestamp
        Midnight of that day.
    """
    clean = " ".join(str(text).replace("\xa0", " ").split()).lower()
    match = _ISO_DATE.match(clean)
    try:
        if match:
            return pd.Timestamp(dt.date(*(int(g) for g in match.groups())))
        match = _LONG_DATE.match(clean)
        if match and match.group(2) in _MONTHS:
            day, month, year = match.groups()
            return pd.Timestamp(dt.date(int(year), _MONTHS[month], int(day)))
    except ValueError:
        pass
    raise DataError(
        f"{source}: date {text!r} is not a date; allowed: YYYY-MM-DD or '22 September 2024'"
    )


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
    )


def _session_opening(year: int) -> dt.date:
    # Rule 1 of the GA's rules of procedure: the regular session opens on the Tuesday of
    # the third week of September (counted from the first week with a working day); the
    # third Tuesday is exact to within a week, which no recorded vote falls into.
    first = dt.date(year, 9, 1)
    first_tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
    return first_tuesday + dt.timedelta(weeks=2)


def regular_session_on(date: pd.Timestamp) -> int:
    """Number of the regular GA session sitting on ``date`` (session 1 opened in 1946).

    Emergency and special sessions are numbered by the regular session in which they sat.
    """
    day = pd.Timestamp(date).date()
    # the first session opened in January 1946 and sat until September 1947
    return max(1, day.year - 1946 + (day >= _session_opening(day.year)))


_SYMBOL_SESSION = re.compile(r"^A/(?:RES/)?(\d+)/")
_SYMBOL_ROMAN = re.compile(r"^A/RES/\d+\s*\(([IVXLC]+)\)")


def session_of(symbol: str, date: pd.Timestamp) -> int:
    """Regular session of a resolution: from its symbol (``A/RES/76/10``, the draft
    ``A/73/L.42``, ``A/RES/2758(XXVI)``), else (emergency and special sessions, records
    without a symbol) from its date."""
    match = _SYMBOL_SESSION.match(symbol)
    if match:
        return int(match.group(1))
    match = _SYMBOL_ROMAN.match(symbol)
    if match:
        return _roman(match.group(1))
    return regular_session_on(date)


@cache
def _member_set(day: pd.Timestamp) -> frozenset[str]:
    """:func:`unvote.countries.members_on` as a set, cached: many votes share a day."""
    from unvote.countries import members_on

    return frozenset(members_on(day))


_UNDATED: dict[str, str] = {}
_DATED: dict[tuple[str, pd.Timestamp | None], str] = {}


def iso3_of(name: str, *, source: str, date: pd.Timestamp | None = None) -> str:
    """ISO3 code of a member-state name as the UN files spell it, on ``date``.

    Cached by name (by name and day for the few names that meant two states over time),
    because the same ~200 names recur in every roll call.
    """
    from unvote.countries import name_to_iso3

    if name in _UNDATED:
        return _UNDATED[name]
    day = None if date is None else pd.Timestamp(date).normalize()
    if (name, day) in _DATED:
        return _DATED[(name, day)]
    try:
        _UNDATED[name] = name_to_iso3(name, source=source)
        return _UNDATED[name]
    except DataError:
        if day is None:
            raise
    # a name whose meaning depends on the day (or an unknown one: this raises)
    _DATED[(name, day)] = name_to_iso3(name, source=source, date=day)
    return _DATED[(name, day)]


# the Digital Library catalogue's " : resolution / adopted by the General Assembly",
# sometimes cut to " : resolution / adopted by the [...]"
_CATALOGUE_SUFFIX = re.compile(r"\s*:\s*resolution\s*/\s*adopted by the\b.*$")


def clean_title(title: str) -> str:
    """A resolution title without the catalogue's suffix and with single spaces."""
    return " ".join(_CATALOGUE_SUFFIX.sub("", str(title)).split())


def check_counts(
    symbol: str, counted: Mapping[str, int], stated: Mapping[str, int], *, source: str
) -> None:
    """Raise DataError unless the votes counted from the rows equal the stated totals.

    Parameters
    ----------
    counted, stated : mapping of ``yes/no/abstain`` -> int
        Totals counted from the country rows, and as the file states them.
    """
    wrong = [k for k in COUNTED if int(counted.get(k, 0)) != int(stated[k])]
    if wrong:
        rows = "-".join(str(int(counted.get(k, 0))) for k in COUNTED)
        says = "-".join(str(int(stated[k])) for k in COUNTED)
        raise DataError(
            f"{source}: resolution {symbol}: the country rows give yes-no-abstain {rows}, "
            f"the file's counts say {says}"
        )


def roll_call(
    symbol: str,
    date: pd.Timestamp,
    title: str,
    lists: Mapping[str, Iterable[str]],
    *,
    source: str,
) -> pd.DataFrame:
    """Tidy rows of one recorded vote given as lists of names (absentees derived).

    Parameters
    ----------
    lists : mapping of ``yes/no/abstain`` -> names of the member states voting so
    source : str
        File to name in errors.

    Returns
    -------
    DataFrame
        Tidy table, one row per member state on ``date``: the listed votes, and
        ``absent`` for the members in none of the lists.

    Raises
    ------
    DataError
        A name that cannot be mapped, a state listed twice, or a listed state that was
        not a member that day.
    """
    votes: dict[str, str] = {}
    for vote, names in lists.items():
        for name in names:
            code = iso3_of(name, source=f"{source}: {symbol}", date=date)
            if code in votes:
                raise DataError(
                    f"{source}: resolution {symbol}: {name} ({code}) is listed twice "
                    f"({votes[code]} and {vote}); expected one vote per member state"
                )
            votes[code] = vote
    members = _member_set(pd.Timestamp(date).normalize())
    outsiders = sorted(set(votes) - members)
    if outsiders:
        raise DataError(
            f"{source}: resolution {symbol}: {', '.join(outsiders)} voted but were not "
            f"UN members on {date:%Y-%m-%d}"
        )
    iso3 = sorted(members)
    return pd.DataFrame(
        {
            "resolution": symbol,
            "date": pd.Timestamp(date),
            "session": session_of(symbol, date),
            "title": title,
            "iso3": iso3,
            "vote": pd.Categorical([votes.get(c, "absent") for c in iso3], dtype=VOTE_DTYPE),
        }
    )


def drop_repeated_votes(
    frame: pd.DataFrame, key: str, clash: Callable[[object, str, str], str]
) -> pd.DataFrame:
    """One row per (``key``, iso3): a state's vote recorded twice the same way is read once.

    Parameters
    ----------
    frame : DataFrame
        Rows with columns ``key``, ``iso3`` and ``vote``.
    key : str
        The column naming the vote (a resolution, a row of the file).
    clash : callable
        ``clash(key value, iso3, "vote and vote")`` -> the message of the DataError raised
        when the repeated rows hold different votes.

    Returns
    -------
    DataFrame
        ``frame`` without the repeats, with a default index.
    """
    dup = frame.duplicated([key, "iso3"], keep=False)
    if not dup.any():
        return frame.reset_index(drop=True)
    repeated = frame.loc[dup]
    kinds = repeated.groupby([key, "iso3"], observed=True)["vote"].nunique()
    kinds = kinds[kinds > 1]
    if len(kinds):
        value, iso3 = kinds.index[0]
        found = repeated.loc[(repeated[key] == value) & (repeated["iso3"] == iso3), "vote"]
        raise DataError(clash(value, iso3, " and ".join(sorted(found.astype(str)))))
    return frame.drop_duplicates([key, "iso3"]).reset_index(drop=True)


def drop_identical_duplicates(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Keep one copy of resolutions recorded more than once, if every copy is identical.

    ``frame`` is a tidy table that may hold several ``record`` numbers per resolution
    (column ``record``: which entry of the file a row came from).

    Returns
    -------
    DataFrame
        The tidy table with the ``record`` column dropped and one record per resolution.

    Raises
    ------
    DataError
        Two records of one resolution that differ (date, title, or any country's vote),
        naming the resolution and the first difference.
    """
    records = frame.groupby("resolution", sort=False)["record"].unique()
    repeated = records[records.map(len) > 1]
    keep = pd.Series(True, index=frame.index)
    for symbol, numbers in repeated.items():
        first = frame.loc[frame["record"] == numbers[0]].set_index("iso3")
        for number in numbers[1:]:
            other = frame.loc[frame["record"] == number].set_index("iso3")
            _check_same(str(symbol), first, other, source=source)
            keep &= frame["record"] != number
    return frame.loc[keep].drop(columns="record").reset_index(drop=True)


def _check_same(symbol: str, first: pd.DataFrame, other: pd.DataFrame, *, source: str) -> None:
    for column in ("date", "title"):
        a, b = first[column].iloc[0], other[column].iloc[0]
        if a != b:
            raise DataError(
                f"{source}: resolution {symbol} is recorded twice with different {column}: "
                f"{a!r} and {b!r}"
            )
    diff = vote_differences(first["vote"], other["vote"])
    if diff:
        raise DataError(
            f"{source}: resolution {symbol} is recorded twice with different votes: "
            + "; ".join(diff)
        )


def vote_differences(a: pd.Series, b: pd.Series, limit: int = 8) -> list[str]:
    """Countries whose votes differ between two records of one vote (both indexed by iso3).

    Returns
    -------
    list of str
        ``"ISO3 a/b"`` for each difference (``-`` where a country has no row), at most
        ``limit`` entries plus a count of the rest.
    """
    both = pd.concat(
        [a.astype("object").rename("a"), b.astype("object").rename("b")], axis=1
    ).fillna("-")
    differ = both.loc[both["a"] != both["b"]].sort_index()
    out = [f"{iso} {row.a}/{row.b}" for iso, row in differ.head(limit).iterrows()]
    if len(differ) > limit:
        out.append(f"and {len(differ) - limit} more")
    return out


def read_folder(
    folder: str | os.PathLike,
    pattern: str,
    reader: Callable[[Path], pd.DataFrame],
    *,
    what: str,
) -> pd.DataFrame:
    """Read every file matching ``pattern`` in ``folder`` (sorted by name) into one table.

    Raises
    ------
    DataError
        No such file in ``folder`` (``what`` names what was expected), or any error of
        ``reader``.
    """
    files = sorted(Path(folder).glob(pattern))
    if not files:
        raise DataError(f"{folder}: no {what} ({pattern}) found")
    return finish([reader(f) for f in files], source=str(folder))


def finish(frames: list[pd.DataFrame], *, source: str) -> pd.DataFrame:
    """Concatenate tidy pieces, check the schema, and sort by date, resolution, iso3."""
    if frames:
        frame = pd.concat(frames, ignore_index=True)
    else:
        frame = empty_tidy()
    return sort_tidy(validate_tidy(frame, source=source))


def empty_tidy() -> pd.DataFrame:
    """A tidy table with no rows and the right dtypes."""
    return pd.DataFrame(
        {
            "resolution": pd.Series([], dtype="str"),
            "date": pd.Series([], dtype="datetime64[ns]"),
            "session": pd.Series([], dtype="int64"),
            "title": pd.Series([], dtype="str"),
            "iso3": pd.Series([], dtype="str"),
            "vote": pd.Categorical([], dtype=VOTE_DTYPE),
        }
    )


def sort_tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """The tidy table in its canonical order (date, resolution, iso3), fixed dtypes."""
    out = frame.loc[:, list(TIDY_COLUMNS)].astype(
        {
            "resolution": "str",
            "date": "datetime64[ns]",
            "session": "int64",
            "title": "str",
            "iso3": "str",
        }
    )
    return out.sort_values(["date", "resolution", "iso3"], kind="stable").reset_index(drop=True)


def code_votes(
    codes: np.ndarray, mapping: Mapping[str, str], *, source: str, where: Callable[[int], str]
) -> np.ndarray:
    """Translate one-letter vote codes with ``mapping``.

    ``where(i)`` names the place of code ``i`` (e.g. ``"row 12 (A/RES/47/19), column
    CUBA"``) in the error raised on the first code not in ``mapping``.
    """
    uniques, inverse = np.unique(codes.astype(str), return_inverse=True)
    known = np.array([u in mapping for u in uniques])
    if not known.all():
        first = int(np.flatnonzero(~known[inverse])[0])
        raise DataError(
            f"{source}: {where(first)}: unknown vote code {str(codes[first])!r}; "
            f"allowed: {', '.join(mapping)}"
        )
    return np.array([mapping[u] for u in uniques], dtype=object)[inverse]
