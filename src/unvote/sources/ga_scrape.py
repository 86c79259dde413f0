"""Reader of the wide scrape of UN Digital Library voting records, 1946-2021.

``ga_scrape/un_votes_1946_2021.csv``: one row per adopted resolution (General Assembly
and Security Council), 11 metadata columns, then one column per country named as at the
time (``USSR``, ``ZAIRE`` ...). Cells: ``Y`` yes, ``N`` no, ``A`` abstain, ``X``
non-voting; empty = not a member then. Only General Assembly rows are read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from unvote.errors import DataError
from unvote.sources import (
    COUNTED,
    VOTE_LETTERS,
    check_counts,
    clean_title,
    code_votes,
    drop_identical_duplicates,
    drop_repeated_votes,
    finish,
    parse_date,
    read_folder,
    session_of,
)
from unvote.votes import VOTE_DTYPE, VOTE_LEVELS

GA = "General Assembly"
META_COLUMNS: tuple[str, ...] = (
    "Council",
    "Date",
    "Title",
    "Resolution",
    "TOTAL VOTES",
    "NO-VOTE COUNT",
    "ABSENT COUNT",
    "NO COUNT",
    "YES COUNT",
    "Link",
    "token",
)
#: The scrape's count columns are mislabelled: ``ABSENT COUNT`` holds the abstentions
#: (and ``NO-VOTE COUNT`` the non-voting members, which are not checked).
COUNT_COLUMNS: dict[str, str] = {"yes": "YES COUNT", "no": "NO COUNT", "abstain": "ABSENT COUNT"}

#: Values of ``Resolution`` that stand for a missing symbol.
MISSING_SYMBOL: tuple[str, ...] = ("MISSING_DATA", "")

#: Rows whose ``Date`` is only a year. The day is the resolution's adoption date as
#: printed on the resolution (UN Digital Library record in the row's ``Link``); a fix is
#: applied only when the raw year matches, so a corrected file is read as it is.
DATE_FIXES: dict[str, str] = {
    "A/RES/66/230": "2011-12-24",  # Situation of human rights in Myanmar
    "A/RES/32/105[M]": "1977-12-14",  # the apartheid resolutions 32/105 A-N, same meeting
}


def read_ga_scrape(path: str | os.PathLike) -> pd.DataFrame:
    """Read the wide scrape into the tidy table (General Assembly votes only).

    Parameters
    ----------
    path : path-like
        ``un_votes_1946_2021.csv`` (UTF-8, with or without BOM).

    Returns
    -------
    DataFrame
        Tidy table (``resolution, date, session, title, iso3, vote``), about 860,000
        rows for the full file, sorted by date, resolution and iso3.

    Raises
    ------
    DataError
        Missing column, unknown vote code, unmappable country name, counts that disagree
        with the cells, or a resolution recorded twice with different votes.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as err:
        raise DataError(f"{path}: cannot read the scrape CSV: {err}") from err
    return tidy_ga_scrape(raw, source=str(path))


def tidy_ga_scrape(raw: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """The scrape's rows (as read, all strings) as the tidy table; see read_ga_scrape."""
    missing = [c for c in META_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {missing}; expected {list(META_COLUMNS)}")
    lines = np.arange(len(raw)) + 2  # file line of each row: 1-based, after the header
    is_ga = (raw["Council"] == GA).to_numpy()
    ga = raw.loc[is_ga].reset_index(drop=True)
    lines = lines[is_ga]
    symbols = ga["Resolution"].str.strip()
    # a record without a symbol is named by its UN Digital Library record number
    unnamed = symbols.isin(MISSING_SYMBOL)
    symbols = symbols.where(~unnamed, "UNDL record " + ga["token"].str.strip()).to_numpy()

    def where(row: int) -> str:
        return f"line {lines[row]} ({symbols[row]})"

    countries = [c for c in raw.columns if c not in META_COLUMNS]
    cells = ga[countries].to_numpy(dtype=object)
    row, col = np.nonzero(cells != "")
    codes = cells[row, col]
    votes = code_votes(
        codes,
        VOTE_LETTERS,
        source=source,
        where=lambda i: f"{where(row[i])}, column {countries[col[i]]!r}",
    )
    dates = _dates(ga, where, source=source)
    long = pd.DataFrame({"row": row, "iso3": _column_iso3(countries, col, dates[row], source)})
    long["vote"] = votes
    # Several headers can name one state (CZECH REPUBLIC / CZECHIA): at most one of them
    # may hold a vote in a row, or they must agree.
    long = drop_repeated_votes(
        long,
        "row",
        lambda row, iso3, votes: (
            f"{source}: {where(cast(int, row))}: two columns for {iso3} hold different votes {votes}"
        ),
    )
    _check_row_counts(ga, long, where, source=source)

    titles = ga["Title"].map(clean_title).to_numpy()
    sessions = np.array([session_of(s, d) for s, d in zip(symbols, dates, strict=True)])
    r = long["row"].to_numpy()
    tidy = pd.DataFrame(
        {
            "resolution": symbols[r],
            "date": dates[r],
            "session": sessions[r],
            "title": titles[r],
            "iso3": long["iso3"].to_numpy(),
            "vote": pd.Categorical(long["vote"], dtype=VOTE_DTYPE),
            "record": r,
        }
    )
    tidy = drop_identical_duplicates(tidy, source=source)
    tidy = _drop_draft_records(tidy)
    return finish([tidy], source=source)


def _column_iso3(
    countries: list[str], col: np.ndarray, days: np.ndarray, source: str
) -> np.ndarray:
    # A header can mean two states over time (YUGOSLAVIA), so names are mapped per
    # (column, day); each distinct pair is looked up once.
    from unvote.countries import names_to_iso3

    pairs = pd.DataFrame({"col": col, "day": days})
    distinct = pairs.drop_duplicates().reset_index(drop=True)
    distinct["iso3"] = names_to_iso3(
        pd.Series(countries, dtype=object)[distinct["col"]].reset_index(drop=True),
        source=f"{source}: column header",
        dates=distinct["day"].to_numpy(),
    ).to_numpy()
    return pairs.merge(distinct, on=["col", "day"], how="left")["iso3"].to_numpy()


def _check_row_counts(ga: pd.DataFrame, long: pd.DataFrame, where, *, source: str) -> None:
    level = pd.Categorical(long["vote"], categories=list(VOTE_LEVELS)).codes
    counted = np.bincount(
        long["row"].to_numpy() * len(VOTE_LEVELS) + level, minlength=len(ga) * len(VOTE_LEVELS)
    ).reshape(len(ga), len(VOTE_LEVELS))
    stated = np.empty((len(ga), len(COUNTED)), dtype=np.int64)
    for j, key in enumerate(COUNTED):
        column = COUNT_COLUMNS[key]
        numbers = pd.to_numeric(ga[column], errors="coerce")
        if numbers.isna().any():
            row = int(np.flatnonzero(numbers.isna().to_numpy())[0])
            raise DataError(
                f"{source}: {where(row)}: column {column!r} holds {ga[column].iloc[row]!r}, "
                "expected a whole number"
            )
        stated[:, j] = numbers.to_numpy().astype(np.int64)
    index = [VOTE_LEVELS.index(k) for k in COUNTED]
    bad = np.flatnonzero((counted[:, index] != stated).any(axis=1))
    if len(bad):
        row = int(bad[0])
        check_counts(
            ga["Resolution"].iloc[row],
            dict(zip(COUNTED, counted[row, index], strict=True)),
            dict(zip(COUNTED, stated[row], strict=True)),
            source=f"{source}: {where(row).split(' (')[0]}",
        )


def _dates(ga: pd.DataFrame, where, *, source: str) -> np.ndarray:
    parsed: dict[tuple[str, str], pd.Timestamp] = {}
    out = []
    for row, (text, symbol) in enumerate(zip(ga["Date"], ga["Resolution"], strict=True)):
        key = (text, symbol if re.fullmatch(r"\d{4}", text.strip()) else "")
        if key not in parsed:
            parsed[key] = _date(text.strip(), symbol.strip(), where(row), source=source)
        out.append(parsed[key])
    return np.array(out, dtype="datetime64[ns]")


def _date(text: str, symbol: str, place: str, *, source: str) -> pd.Timestamp:
    if re.fullmatch(r"\d{4}", text):
        fix = DATE_FIXES.get(symbol)
        if fix is None or not fix.startswith(text):
            raise DataError(
                f"{source}: {place}: date {text!r} gives only the year; allowed: YYYY-MM-DD "
                f"(known fixes: {', '.join(DATE_FIXES)})"
            )
        text = fix
    return parse_date(text, source=f"{source}: {place}")


def _drop_draft_records(tidy: pd.DataFrame) -> pd.DataFrame:
    # A few votes are filed under the draft's symbol (A/76/L.14) beside the resolution it
    # became (A/RES/76/10): such a record is dropped when a resolution of the same day
    # holds exactly the same votes. Other draft records are votes on drafts that were not
    # adopted (A/73/L.42) and are kept.
    drafts = sorted(set(tidy.loc[~tidy["resolution"].str.startswith("A/RES/"), "resolution"]))
    for draft in drafts:
        rows = tidy.loc[tidy["resolution"] == draft]
        same_day = tidy.loc[(tidy["date"] == rows["date"].iloc[0]) & (tidy["resolution"] != draft)]
        key = rows.set_index("iso3")["vote"].astype(str).sort_index()
        if any(
            other.set_index("iso3")["vote"].astype(str).sort_index().equals(key)
            for _, other in same_day.groupby("resolution")
        ):
            tidy = tidy.loc[tidy["resolution"] != draft]
    return tidy.reset_index(drop=True)


def read_ga_scrape_dir(folder: str | os.PathLike) -> pd.DataFrame:
    """Read every ``*.csv`` scrape in ``folder`` into one tidy table."""
    return read_folder(folder, "*.csv", read_ga_scrape, what="scrape CSV")
