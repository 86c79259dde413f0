"""The features table on disk: written, read back and checked, and cached.

:mod:`unvote.features` computes the features as of a date; this module is what touches
files: ``data/processed/features.csv`` (:func:`write_features`, :func:`load_features`, which
checks every row with :func:`validate_features`: a user may have edited the file) and the
cache of the full table in ``data/interim/`` (:func:`cached_features_table`, keyed by the
content of the tables it is built from). Path defaults are read from :mod:`unvote.paths`
when a function is called, so a test can redirect them.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from unvote import countries, features, paths
from unvote.errors import DataError
from unvote.features import FEATURES_VERSION, GROUP_LEVELS, IDEAL_POINT_DECIMALS, LAST_VOTE_LEVELS


def format_features(table: pd.DataFrame) -> pd.DataFrame:
    """The table as written to CSV: dates as ISO strings, floats rounded.

    Shares to 6 decimals; ideal points, an optimiser's output whose last digits depend on
    the BLAS build and threads, to :data:`IDEAL_POINT_DECIMALS` (far below their
    statistical precision). This keeps rebuilds byte-identical and the file modest.
    """
    out = table.copy()
    out["as_of"] = pd.to_datetime(out["as_of"]).dt.strftime("%Y-%m-%d")
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(IDEAL_POINT_DECIMALS if col == "ideal_point" else 6)
    return out


def load_features(path: str | Path | None = None) -> pd.DataFrame:
    """Read features.csv: ``as_of`` as Timestamp, ``last_vote``/``group`` as str, blocs as bool.

    The table is checked on load by :func:`validate_features`.

    Raises
    ------
    DataError
        If the file is missing or unreadable, or fails a check of :func:`validate_features`;
        the message names the file, the line, the column, the value and what is allowed.
    """
    path = Path(paths.FEATURES_CSV if path is None else path)
    if not path.exists():
        raise DataError(f"{path}: not found; run `unvote features build` (needs `make data`)")
    try:
        table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise DataError(
            f"{path}: empty; allowed: the features CSV (run `unvote features build`)"
        ) from None
    except (OSError, ValueError) as err:  # pandas' parser errors are ValueErrors
        raise DataError(f"{path}: cannot read it as the features CSV: {err}") from err
    return validate_features(table, source=str(path), first_line=2)


#: Columns every features table has; the other columns are the features, checked by dtype.
KEY_COLUMNS: tuple[str, ...] = ("as_of", "year", "iso3")
TEXT_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "iso3": None,
    "last_vote": LAST_VOTE_LEVELS,
    "group": GROUP_LEVELS,
}
#: The key and text columns, once each: what a features table or cache must hold.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys((*KEY_COLUMNS, *TEXT_COLUMNS)))
_BOOL_TEXT = {"True": True, "False": False}


def sponsors_beside(votes_path) -> Path:
    """The sponsors table that goes with a roll-call table: in the same folder."""
    return Path(votes_path).with_name(paths.SPONSORS_PARQUET.name)


def load_sponsors(votes_path) -> pd.DataFrame | None:
    """The sponsors beside ``votes_path``, or None without them (the features then count none)."""
    path = sponsors_beside(votes_path)
    return pd.read_parquet(path) if path.exists() else None


def validate_features(
    table: pd.DataFrame, *, source: str, first_line: int | None = None
) -> pd.DataFrame:
    """Check a features table read from a file, and give its columns their types.

    Checks: at least one row; the columns ``as_of, year, iso3, last_vote, group``; dates
    and whole years; ``last_vote`` and ``group`` among their levels; ISO3 codes of the
    UN members on each ``as_of`` (:func:`unvote.countries.members_on`), each once, and
    every member there; bloc columns (:func:`unvote.countries.bloc_names`, or any column
    holding True/False) boolean; every other column numeric and finite (empty = missing,
    allowed). A column of text in which no value is a number is left as text.

    Parameters
    ----------
    table : DataFrame
        As read (CSV with ``keep_default_na=False, na_values=[""]``, or the parquet cache).
    source : str
        The file, named in errors.
    first_line : int, optional
        The file's line of the table's first row (2 for a CSV with a header); errors
        then name the line.

    Returns
    -------
    DataFrame
        The table, ``as_of`` datetime64, ``iso3``/``last_vote``/``group`` str, blocs bool.

    Raises
    ------
    DataError
        On the first check that fails.
    """
    table = table.reset_index(drop=True)

    def fail(column: str, row: int, value, allowed: str) -> DataError:
        where = f"line {row + first_line}" if first_line is not None else f"row {row}"
        keys = [
            f"{k} {_plain(table.at[row, k])}"
            for k in ("as_of", "iso3")
            if k in table and k != column
        ]
        if keys:
            where += f" ({', '.join(keys)})"
        text = repr(value.item() if isinstance(value, np.generic) else value)
        text = text if len(text) <= 60 else f"{text[:57]}..."
        return DataError(f"{source}: {where}: column {column!r} is {text}; allowed: {allowed}")

    if table.empty:
        raise DataError(
            f"{source}: holds no rows ({len(table.columns)} columns); allowed: one row per "
            "member state per as_of date (rebuild it with `unvote features build`)"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in table]
    if missing:
        raise DataError(
            f"{source}: missing column(s) {missing}; allowed: a features table with "
            f"{', '.join(REQUIRED_COLUMNS)} and the features"
        )
    if table.columns.duplicated().any():
        dup = table.columns[table.columns.duplicated()][0]
        raise DataError(f"{source}: column {dup!r} appears twice; allowed: once")

    raw_dates = table["as_of"]
    dates = pd.to_datetime(raw_dates, errors="coerce", format="ISO8601")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise fail("as_of", row, raw_dates.iloc[row], "a date YYYY-MM-DD")
    table["as_of"] = dates.astype("datetime64[ns]")
    years = pd.to_numeric(table["year"], errors="coerce")
    bad = years.isna() | (years != years.round()) | ~np.isfinite(years)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise fail("year", row, table.at[row, "year"], "a whole year")
    table["year"] = years.astype(int)

    for column, levels in TEXT_COLUMNS.items():
        values = table[column]
        ok = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool, copy=True)
        if levels is not None:
            ok &= values.isin(levels).to_numpy(dtype=bool)
        else:
            ok &= values.astype(str).str.fullmatch(r"[A-Z]{3}").to_numpy(dtype=bool)
        if not ok.all():
            row = int(np.flatnonzero(~ok)[0])
            allowed = ", ".join(levels) if levels is not None else "an ISO3 code (AAA)"
            raise fail(column, row, values.iloc[row], allowed)
        table[column] = values.astype(str)

    _check_members(table, fail, source)

    blocs = set(countries.bloc_names())
    for column in table.columns:
        if column in KEY_COLUMNS or column in TEXT_COLUMNS:
            continue
        table[column] = _feature_column(table[column], column in blocs, column, fail)
    return table


def _plain(value) -> str:
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


def _check_members(table: pd.DataFrame, fail, source: str) -> None:
    """ISO3 codes of members of the day, once per as_of, and no member left out."""
    member = countries.member_mask(table["iso3"].to_numpy(), table["as_of"].to_numpy())
    if not member.all():
        row = int(np.flatnonzero(~member)[0])
        day = cast(pd.Timestamp, table.at[row, "as_of"]).date()
        raise fail("iso3", row, table.at[row, "iso3"], f"ISO3 codes of the UN members on {day}")
    dup = table.duplicated(["as_of", "iso3"]).to_numpy()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        raise fail("iso3", row, table.at[row, "iso3"], "each member once per as_of date")
    for as_of, group in table.groupby("as_of", sort=True)["iso3"]:
        absent = sorted(set(countries.members_on(as_of)) - set(group))
        if absent:
            day = cast(pd.Timestamp, as_of).date()
            raise DataError(
                f"{source}: as_of {day}: column 'iso3' lacks {absent[:5]}"
                f"{' ...' if len(absent) > 5 else ''} ({len(absent)} member(s) of the day); "
                f"allowed: one row per UN member on {day}"
            )


def _feature_column(values: pd.Series, is_bloc: bool, column: str, fail) -> pd.Series:
    """A feature column as bool (blocs, True/False text) or finite numbers (NaN = missing)."""
    if pd.api.types.is_bool_dtype(values):
        return values
    if pd.api.types.is_numeric_dtype(values):
        if is_bloc:
            raise fail(column, 0, values.iloc[0], "True or False (a bloc)")
        inf = np.isinf(values.to_numpy(dtype=float))
        if inf.any():
            row = int(np.flatnonzero(inf)[0])
            raise fail(column, row, values.iloc[row], "a finite number, or empty if missing")
        return values
    text = values.where(values.isna(), values.astype(str))
    if is_bloc or text.isin(list(_BOOL_TEXT)).any():
        ok = text.isin(list(_BOOL_TEXT)).to_numpy()
        if not ok.all():
            row = int(np.flatnonzero(~ok)[0])
            raise fail(column, row, values.iloc[row], "True or False")
        return text.map(_BOOL_TEXT).astype(bool)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.isna().all():
        return text  # a column of text (a label): no number in it
    bad = (numbers.isna() & text.notna()).to_numpy() | np.isinf(numbers.to_numpy(dtype=float))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise fail(column, row, values.iloc[row], "a finite number, or empty if missing")
    return numbers


def data_key(*files: str | Path) -> str:
    """A short hash of the files' contents and of FEATURES_VERSION: the feature cache's key."""
    digest = hashlib.sha256(FEATURES_VERSION.encode())
    for file in files:
        file = Path(file)
        digest.update(file.name.encode())
        digest.update(file.read_bytes() if file.exists() else b"<absent>")
    return digest.hexdigest()[:16]


def cached_features_table(
    votes_path: str | Path | None = None,
    embargo_path: str | Path | None = None,
    countries_path: str | Path | None = None,
    cache_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    precedents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`build_features_table` from the files, cached in ``cache_dir`` by content hash.

    The cache file is ``features-<key>.parquet``, ``key`` from :func:`data_key` over the
    vote, embargo and countries tables: any change to them, or to FEATURES_VERSION,
    rebuilds. A cache that cannot be read (or lacks the key columns) is rebuilt, with one
    warning line on stderr.

    precedents : DataFrame, optional
        The open US campaigns (default the facts table, see :func:`build_features`).

    Raises
    ------
    DataError
        If ``votes_path`` is missing (it is built by ``make data``).
    """
    votes_path = Path(paths.ALL_VOTES_PARQUET if votes_path is None else votes_path)
    embargo_path = paths.EMBARGO_VOTES_CSV if embargo_path is None else embargo_path
    countries_path = paths.COUNTRIES_CSV if countries_path is None else countries_path
    cache_dir = paths.INTERIM_DIR if cache_dir is None else cache_dir
    if not votes_path.exists():
        raise DataError(
            f"{votes_path}: not found; run `make data` (unvote data build) to build the "
            "roll-call table first"
        )
    sponsors_path = sponsors_beside(votes_path)
    key = data_key(votes_path, embargo_path, countries_path, sponsors_path)
    if precedents is not None:  # not the facts table: a cache of its own
        key += "-" + hashlib.sha256(precedents.to_csv().encode()).hexdigest()[:8]
    cache = Path(cache_dir) / f"features-{key}.parquet"
    if cache.exists():
        try:
            table = pd.read_parquet(cache)
            missing = [c for c in REQUIRED_COLUMNS if c not in table]
            if missing or table.empty:
                raise DataError(f"no rows, or missing column(s) {missing}")
            return table
        except (OSError, ValueError, DataError) as err:  # pyarrow: ArrowInvalid is a ValueError
            # A cache is only a copy: a corrupt one (a killed write, a full disk) is rebuilt.
            reason = " ".join(str(err).split())[:160]
            print(
                f"unvote: warning: {cache}: unreadable ({reason}); rebuilding it", file=sys.stderr
            )
    from unvote.atomic import atomic_path
    from unvote.history import load_all_votes, load_embargo_votes

    votes = load_all_votes(votes_path)
    embargo = load_embargo_votes(embargo_path)
    sponsors = load_sponsors(votes_path)
    # through the module, so that a test can stand in for the build
    table = features.build_features_table(
        votes, embargo, precedents=precedents, sponsors=sponsors, progress=progress
    )
    for stale in Path(cache_dir).glob("features-*.parquet"):
        stale.unlink()  # built from other data: never read again
    with atomic_path(cache) as tmp:
        table.to_parquet(tmp, index=False)
    return table


def write_features(table: pd.DataFrame, path: str | Path | None = None) -> Path:
    """Write the features table to ``path`` (atomically), formatted by :func:`format_features`."""
    from unvote.atomic import write_csv

    path = paths.FEATURES_CSV if path is None else path
    write_csv(path, format_features(table))
    return Path(path)
