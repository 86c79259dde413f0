"""Reader of the UN Digital Library's bulk "General Assembly Voting Data" (record 4060887).

Long layout, one row per member state per resolution. Columns are read by name (newer
versions add or move columns): ``ms_code`` (ISO3; ``GER`` for the Federal Republic of
Germany before 1990), ``ms_vote`` (``Y``/``N``/``A``/``X``,
``X`` = non-voting; an empty vote = no row), ``date``, ``session``, ``resolution``,
``title``, and, when present, the stated totals ``total_yes``, ``total_no``,
``total_abstentions`` and ``total_ms`` (members on the day), which are checked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from unvote.countries import code_to_iso3
from unvote.errors import DataError
from unvote.sources import (
    COUNTED,
    VOTE_LETTERS,
    check_counts,
    clean_title,
    code_votes,
    drop_repeated_votes,
    finish,
    parse_date,
    read_folder,
    session_of,
)
from unvote.votes import VOTE_DTYPE

REQUIRED_COLUMNS: tuple[str, ...] = ("ms_code", "ms_vote", "date", "resolution", "title")
TOTAL_COLUMNS: dict[str, str] = {
    "yes": "total_yes",
    "no": "total_no",
    "abstain": "total_abstentions",
}


def read_undl(path: str | os.PathLike, *, complete: bool = True) -> pd.DataFrame:
    """Read the UN Digital Library's bulk voting CSV into the tidy table.

    Parameters
    ----------
    path : path-like
        The bulk CSV (or an extract of it with the same columns).
    complete : bool
        True (the bulk file): every resolution must have ``total_ms`` rows and its
        yes/no/abstain rows must equal the stated totals. False for an extract cut in the
        middle of a resolution (such as ``undl_sample/``): totals are not checked.

    Returns
    -------
    DataFrame
        Tidy table sorted by date, resolution and iso3.

    Raises
    ------
    DataError
        Missing column, unknown vote code, an unknown member-state code, rows that disagree
        with the stated totals, or a country listed twice in one resolution with
        different votes.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as err:
        raise DataError(f"{path}: cannot read the CSV: {err}") from err
    return tidy_undl(raw, source=str(path), complete=complete)


def tidy_undl(raw: pd.DataFrame, *, source: str, complete: bool = True) -> pd.DataFrame:
    """The bulk file's rows (as read, all strings) as the tidy table; see read_undl."""
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(
            f"{source}: missing column(s) {missing}; expected at least {list(REQUIRED_COLUMNS)}"
        )
    raw = raw.assign(
        line=np.arange(len(raw)) + 2,
        ms_vote=raw["ms_vote"].str.strip(),
        resolution=raw["resolution"].str.strip(),
    )
    rows = raw.loc[raw["ms_vote"] != ""].reset_index(drop=True)
    symbols = rows["resolution"]

    def place(i: int) -> str:
        return f"line {rows['line'].iloc[i]} ({symbols.iloc[i]})"

    # each distinct code and date is read once, an error naming its first row
    firsts = rows.drop_duplicates("ms_code")["ms_code"]
    lookup = {
        code: code_to_iso3(code, source=f"{source}: {place(cast(int, i))}")
        for i, code in firsts.items()
    }
    codes = rows["ms_code"].map(lookup).astype("str")
    votes = code_votes(rows["ms_vote"].to_numpy(), VOTE_LETTERS, source=source, where=place)
    firsts = rows.drop_duplicates("date")["date"]
    dates = {
        text: parse_date(text, source=f"{source}: {place(cast(int, i))}, column 'date'")
        for i, text in firsts.items()
    }
    date = rows["date"].map(dates)
    if "session" in rows.columns:
        session = pd.to_numeric(rows["session"], errors="coerce")
    else:
        session = pd.Series(np.nan, index=rows.index)
    unknown = session.isna()
    if unknown.any():
        session.loc[unknown] = np.array(
            [session_of(s, d) for s, d in zip(symbols[unknown], date[unknown], strict=True)]
        )
    session = session.astype("int64")
    tidy = pd.DataFrame(
        {
            "resolution": symbols,
            "date": date.astype("datetime64[ns]"),
            "session": session,
            "title": rows["title"].map(clean_title),
            "iso3": codes,
            "vote": pd.Categorical(votes, dtype=VOTE_DTYPE),
        }
    )
    tidy = drop_repeated_votes(
        tidy,
        "resolution",
        lambda symbol, iso3, votes: (
            f"{source}: resolution {symbol}: {iso3} appears twice with different votes {votes}"
        ),
    )
    if complete:
        _check_totals(tidy, rows, source=source)
    return finish([tidy], source=source)


def _check_totals(tidy: pd.DataFrame, rows: pd.DataFrame, *, source: str) -> None:
    present = [c for c in (*TOTAL_COLUMNS.values(), "total_ms") if c in rows.columns]
    if not present:
        return
    text = rows.groupby("resolution")[present].first()
    stated = text.apply(pd.to_numeric, errors="coerce")
    bad = stated.isna() & text.apply(lambda column: column.str.strip() != "")
    if bad.to_numpy().any():
        symbol, column = bad.stack().loc[lambda flags: flags].index[0]
        raise DataError(
            f"{source}: resolution {symbol}: column {column!r} holds "
            f"{text.loc[symbol, column]!r}, expected a number or nothing"
        )
    counted = pd.crosstab(tidy["resolution"], tidy["vote"])
    for symbol, totals in stated.iterrows():
        got = counted.loc[symbol]
        if "total_ms" in totals and pd.notna(totals["total_ms"]):
            if int(got.sum()) != int(totals["total_ms"]):
                raise DataError(
                    f"{source}: resolution {symbol} has {int(got.sum())} rows, total_ms says "
                    f"{int(totals['total_ms'])}; allowed: the full bulk file, one row per member "
                    "state per resolution (is this an extract cut short?)"
                )
        if all(TOTAL_COLUMNS[k] in totals and pd.notna(totals[TOTAL_COLUMNS[k]]) for k in COUNTED):
            check_counts(
                symbol,
                {k: int(got.get(k, 0)) for k in COUNTED},
                {k: int(totals[TOTAL_COLUMNS[k]]) for k in COUNTED},
                source=source,
            )


def read_undl_dir(folder: str | os.PathLike) -> pd.DataFrame:
    """Read every ``*.csv`` bulk file in ``folder`` (complete ones) into one tidy table."""
    return read_folder(folder, "*.csv", read_undl, what="Digital Library bulk CSV")
