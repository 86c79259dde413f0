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

import numpy as np
import pandas as pd

from unvote.errors import DataError
from unvote.sources import (
    COUNTED,
    check_counts,
    clean_title,
    code_votes,
    finish,
    parse_date,
    session_of,
)
from unvote.votes import VOTE_DTYPE

REQUIRED_COLUMNS: tuple[str, ...] = ("ms_code", "ms_vote", "date", "resolution", "title")
TOTAL_COLUMNS: dict[str, str] = {
    "yes": "total_yes",
    "no": "total_no",
    "abstain": "total_abstentions",
}
CODES: dict[str, str] = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent"}


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
    raw = raw.assign(line=np.arange(len(raw)) + 2, ms_vote=raw["ms_vote"].str.strip())
    rows = raw.loc[raw["ms_vote"] != ""].reset_index(drop=True)
    codes = _iso3_codes(rows, source=source)
    votes = code_votes(
        rows["ms_vote"].to_numpy(),
        CODES,
        source=source,
        where=lambda i: f"line {rows['line'].iloc[i]} ({rows['resolution'].iloc[i]})",
    )
    symbols = rows["resolution"].str.strip()
    dates = {
        text: parse_date(text, source=f"{source}: column 'date'") for text in set(rows["date"])
    }
    date = rows["date"].map(dates)
    if "session" in rows.columns:
        session = pd.to_numeric(rows["session"], errors="coerce")
    else:
        session = pd.Series(np.nan, index=rows.index)
    derived = [session_of(s, d) for s, d in zip(symbols, date, strict=True)]
    session = session.fillna(pd.Series(derived, index=rows.index)).astype("int64")
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
    tidy = _drop_repeated_rows(tidy, source=source)
    if complete:
        _check_totals(tidy, rows, source=source)
    return finish([tidy], source=source)


def _iso3_codes(rows: pd.DataFrame, *, source: str) -> pd.Series:
    from unvote.countries import code_to_iso3

    lookup = {}
    for code in rows["ms_code"].unique():
        i = int(np.flatnonzero((rows["ms_code"] == code).to_numpy())[0])
        place = f"{source}: line {rows['line'].iloc[i]} ({rows['resolution'].iloc[i]})"
        lookup[code] = code_to_iso3(code, source=place)
    return rows["ms_code"].map(lookup).astype("str")


def _drop_repeated_rows(tidy: pd.DataFrame, *, source: str) -> pd.DataFrame:
    dup = tidy.duplicated(["resolution", "iso3"], keep=False)
    if not dup.any():
        return tidy
    clash = tidy.loc[dup].groupby(["resolution", "iso3"])["vote"].nunique()
    clash = clash[clash > 1]
    if len(clash):
        symbol, iso3 = clash.index[0]
        found = tidy.loc[dup & (tidy["resolution"] == symbol) & (tidy["iso3"] == iso3), "vote"]
        raise DataError(
            f"{source}: resolution {symbol}: {iso3} appears twice with different votes "
            f"{' and '.join(sorted(found.astype(str)))}"
        )
    return tidy.drop_duplicates(["resolution", "iso3"]).reset_index(drop=True)


def _check_totals(tidy: pd.DataFrame, rows: pd.DataFrame, *, source: str) -> None:
    present = [c for c in (*TOTAL_COLUMNS.values(), "total_ms") if c in rows.columns]
    if not present:
        return
    stated = (
        rows.assign(resolution=rows["resolution"].str.strip())
        .groupby("resolution")[present]
        .first()
        .apply(pd.to_numeric, errors="coerce")
    )
    counted = pd.crosstab(tidy["resolution"], tidy["vote"])
    for symbol, totals in stated.iterrows():
        got = counted.loc[symbol]
        if "total_ms" in totals and pd.notna(totals["total_ms"]):
            if int(got.sum()) != int(totals["total_ms"]):
                raise DataError(
                    f"{source}: resolution {symbol} has {int(got.sum())} rows, total_ms says "
                    f"{int(totals['total_ms'])} (an extract cut short? read it with "
                    "complete=False)"
                )
        if all(TOTAL_COLUMNS[k] in totals and pd.notna(totals[TOTAL_COLUMNS[k]]) for k in COUNTED):
            check_counts(
                symbol,
                {k: int(got.get(k, 0)) for k in COUNTED},
                {k: int(totals[TOTAL_COLUMNS[k]]) for k in COUNTED},
                source=source,
            )
