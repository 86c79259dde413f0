"""Country features as of a date, from every General Assembly roll call before that date.

The as-of rule: a feature for date ``as_of`` uses only votes dated strictly before
``as_of``. Each step below is a pure function of the tidy vote table (see
:mod:`unvote.votes`) and the embargo votes table; :func:`build_features` joins them into one
row per member state; :func:`build_features_table` does so for the day before every
embargo vote and for the forecast date, which is what ``data/processed/features.csv``
holds.

Definitions (also in data/README.md):

- *agreement* of a country with a reference state (the United States, Russia) is the mean,
  over the roll calls of the ``window_days`` days before ``as_of`` on which both cast a
  vote, of 1 for the same position, 0.5 when exactly one of them abstained, 0 for yes
  against no. Absences are left out. ``n_common_*`` is the number of roll calls behind it.
- *ideal point*: a one-dimensional item-response model fitted to the same window's roll
  calls (see :mod:`unvote.idealpoints`), standardised, the United States positive.
- *Ukraine stance*: shares of yes and of no among the ES-11 roll calls (emergency special
  session on Russia's war on Ukraine) held before ``as_of`` while the country was a member;
  missing (NaN) when there was none, i.e. before March 2022.
- *embargo record*: the country's vote at the last embargo vote before ``as_of``, its votes
  at the last ``RECENT_VOTES`` embargo votes, and the years since it last abstained or
  voted no.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from unvote import countries, paths
from unvote.administration import administration_alignment
from unvote.dates import CUTOFF
from unvote.errors import DataError
from unvote.idealpoints import fit_ideal_points, vote_matrix
from unvote.precedents import precedent_response, precedent_votes
from unvote.rollcalls import WINDOW_DAYS, agreement, votes_before, window
from unvote.sources.unxml import SPONSOR_COLUMNS
from unvote.susceptibility import us_susceptibility
from unvote.ukraine import ukraine_reach, ukraine_votes
from unvote.votes import VOTE_LEVELS

#: Bump when a definition changes: it is part of the cache key.
FEATURES_VERSION = "3"
IDEAL_POINT_DECIMALS = 4
US, RUSSIA = "USA", "RUS"
#: Columns of :func:`unvote.administration.administration_alignment` in the table.
ADMINISTRATION_COLUMNS: tuple[str, ...] = (
    "agree_us_admin",
    "n_common_us_admin",
    "us_lonely_share",
    "n_us_lonely",
    "agree_us_admin_pct",
    "us_lonely_pct",
)
#: Columns of :func:`unvote.ukraine.ukraine_reach` in the table.
UKRAINE_REACH_COLUMNS: tuple[str, ...] = (
    "ukraine_commitment",
    "n_ukraine_rollcalls",
    "ukraine_sponsorship",
    "n_sponsor_records",
    "former_soviet_bloc",
    "borders_russia",
    "km_to_russia",
    "russia_proximity",
    "ukraine_reach",
)
#: Columns of :func:`unvote.precedents.precedent_response` in the table.
PRECEDENT_COLUMNS: tuple[str, ...] = (
    "precedent_departure",
    "n_precedents",
    "precedent_departure_max",
)
#: Number of past embargo votes summarised in ``recent_*``.
RECENT_VOTES = 5
UKRAINE_PREFIX = "A/RES/ES-11/"
#: The first embargo vote was in 1992; a country that never abstained or voted no counts
#: its years since this year (the record is censored there).
RECORD_START_YEAR = 1991
#: The forecast's as-of date, before the 2025 embargo vote: the day the embargo table stops.
FORECAST_AS_OF: pd.Timestamp = CUTOFF
#: The group of a member that sat in none of the five.
NO_GROUP = "none"
GROUP_LEVELS: tuple[str, ...] = (*countries.GROUPS, NO_GROUP)
LAST_VOTE_LEVELS: tuple[str, ...] = (*VOTE_LEVELS, "none")


def ukraine_stance(votes: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Each country's votes on the ES-11 resolutions (Russia's war on Ukraine) before ``as_of``.

    Returns
    -------
    DataFrame
        Index ISO3 of every country with at least one such roll call; columns
        ``ukraine_yes_share``, ``ukraine_no_share`` (shares of the roll calls held while
        the country was a member, absences included in the denominator) and
        ``n_ukraine_votes``.
    """
    before = votes_before(votes, as_of)
    es11 = before.loc[before["resolution"].str.startswith(UKRAINE_PREFIX)]
    vote = es11["vote"].astype(str)
    frame = pd.DataFrame(
        {"iso3": es11["iso3"].to_numpy(), "yes": vote.eq("yes"), "no": vote.eq("no")}
    )
    out = frame.groupby("iso3", sort=True).agg(
        ukraine_yes_share=("yes", "mean"),
        ukraine_no_share=("no", "mean"),
        n_ukraine_votes=("yes", "size"),
    )
    return out


def embargo_record(
    embargo: pd.DataFrame, as_of: pd.Timestamp, recent: int = RECENT_VOTES
) -> pd.DataFrame:
    """Each country's record at the embargo votes held before ``as_of``.

    Parameters
    ----------
    embargo : DataFrame
        ``year, date, resolution, iso3, vote`` (the embargo votes table).
    as_of : Timestamp
    recent : int
        How many of the last embargo votes ``recent_*`` counts.

    Returns
    -------
    DataFrame
        Index ISO3 of every country that took part in at least one earlier embargo vote;
        ``last_vote`` (its vote at the last embargo vote before ``as_of``, or "none" if it
        was not a member then), ``n_recent`` and ``recent_yes/abstain/no/absent`` (counts
        over the last ``recent`` embargo votes it was a member for), and
        ``years_since_nonyes`` (``as_of`` year minus the year it last abstained or voted
        no; ``as_of`` year minus 1991 if it never did).
    """
    as_of = pd.Timestamp(as_of)
    before = embargo.loc[embargo["date"] < as_of]
    if before.empty:
        return pd.DataFrame(
            columns=[
                "last_vote",
                "n_recent",
                *(f"recent_{v}" for v in VOTE_LEVELS),
                "years_since_nonyes",
            ],
            index=pd.Index([], name="iso3", dtype=str),
        )
    dates = np.sort(before["date"].unique())
    last_date = dates[-1]
    recent_dates = dates[-recent:]
    vote = before["vote"].astype(str)
    last = before.loc[before["date"] == last_date].set_index("iso3")["vote"].astype(str)
    rec = before.loc[before["date"].isin(recent_dates)]
    counts = pd.crosstab(rec["iso3"], rec["vote"].astype(str)).reindex(
        columns=list(VOTE_LEVELS), fill_value=0
    )
    nonyes = before.loc[vote.isin(["abstain", "no"]).to_numpy()]
    last_nonyes = nonyes.groupby("iso3")["year"].max()
    countries = pd.Index(sorted(before["iso3"].unique()), name="iso3")
    out = pd.DataFrame(index=countries)
    out["last_vote"] = last.reindex(countries).fillna("none").astype(str)
    counts = counts.reindex(countries, fill_value=0)
    out["n_recent"] = counts.sum(axis=1).astype(int)
    for level in VOTE_LEVELS:
        out[f"recent_{level}"] = counts[level].astype(int)
    since = last_nonyes.reindex(countries).fillna(RECORD_START_YEAR)
    out["years_since_nonyes"] = (as_of.year - since).astype(int)
    return out


def build_features(
    votes: pd.DataFrame,
    embargo: pd.DataFrame,
    as_of,
    *,
    members: Sequence[str] | None = None,
    groups: pd.Series | None = None,
    blocs: pd.DataFrame | None = None,
    precedents: pd.DataFrame | None = None,
    sponsors: pd.DataFrame | None = None,
    window_days: int = WINDOW_DAYS,
    ukraine_rows: pd.DataFrame | None = None,
    precedent_rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Features of every member state as of ``as_of``, from votes strictly before it.

    Parameters
    ----------
    votes : DataFrame
        The tidy roll-call table (``resolution, date, session, iso3, vote``).
    embargo : DataFrame
        The embargo votes (``year, date, resolution, iso3, vote``).
    as_of : date-like
    members : sequence of str, optional
        ISO3 of the states to describe; default ``unvote.countries.members_on(as_of)``.
    groups : Series, optional
        ISO3 -> regional group; default ``unvote.countries.regional_groups(as_of)``.
    blocs : DataFrame, optional
        Index ISO3, one boolean column per bloc; default ``unvote.countries.blocs(as_of)``.
    precedents : DataFrame, optional
        The open US campaigns to read answers from; default
        :func:`unvote.precedents.precedents` (the facts table).
    sponsors : DataFrame, optional
        The sponsors table (``resolution, date, iso3, kind``, ``unvote data build``);
        default none (no state sponsored anything).
    window_days : int
        Days of roll calls behind agreement and ideal points.
    ukraine_rows, precedent_rows : DataFrame, optional
        The rows of ``votes`` that the Ukraine and the precedent features read
        (:func:`unvote.ukraine.ukraine_votes`, :func:`unvote.precedents.precedent_votes`
        with ``precedents``); default ``votes`` itself. The features are the same either
        way; :func:`build_features_table` selects them once, which saves filtering the
        whole table again for every date.

    Returns
    -------
    DataFrame
        One row per member (index ``iso3``, sorted): ``agree_us, agree_rus, n_common_us,
        n_common_rus, ideal_point, n_window_votes, ukraine_yes_share, ukraine_no_share,
        n_ukraine_votes, last_vote, n_recent, recent_yes, recent_abstain, recent_no,
        recent_absent, years_since_nonyes, group`` (one of GROUPS, or "none" for a
        member in no regional group) and the bloc booleans.
    """
    as_of = pd.Timestamp(as_of)
    if sponsors is None:
        sponsors = pd.DataFrame(columns=list(SPONSOR_COLUMNS))
    if members is None:
        members = countries.members_on(as_of)
    if groups is None:
        groups = countries.regional_groups(as_of)
    if blocs is None:
        blocs = countries.blocs(as_of)
    index = pd.Index(sorted(members), name="iso3")
    out = pd.DataFrame(index=index)

    matrix = vote_matrix(window(votes, as_of, window_days))
    for ref, suffix in ((US, "us"), (RUSSIA, "rus")):
        agree = agreement(matrix, ref).reindex(index)
        out[f"agree_{suffix}"] = agree["agree"]
        out[f"n_common_{suffix}"] = agree["n_common"].fillna(0).astype(int)
    ideal = fit_ideal_points(matrix, positive=US)
    out["ideal_point"] = ideal["ideal_point"].reindex(index)
    out["n_window_votes"] = ideal["n_votes"].reindex(index).fillna(0).astype(int)

    admin = administration_alignment(votes, as_of, members=list(index))
    for col in ADMINISTRATION_COLUMNS:
        out[col] = admin[col].reindex(index)

    ukraine_rows = votes if ukraine_rows is None else ukraine_rows
    precedent_rows = votes if precedent_rows is None else precedent_rows
    response = precedent_response(precedent_rows, as_of, members=list(index), table=precedents)
    for col in PRECEDENT_COLUMNS:
        out[col] = response[col].reindex(index)

    reach = ukraine_reach(ukraine_rows, sponsors, as_of, list(index))
    for col in UKRAINE_REACH_COLUMNS:
        out[col] = reach[col].reindex(index)

    ukraine = ukraine_stance(ukraine_rows, as_of).reindex(index)
    out["ukraine_yes_share"] = ukraine["ukraine_yes_share"].astype(float)
    out["ukraine_no_share"] = ukraine["ukraine_no_share"].astype(float)
    out["n_ukraine_votes"] = ukraine["n_ukraine_votes"].fillna(0).astype(int)

    record = embargo_record(embargo, as_of).reindex(index)
    out["last_vote"] = record["last_vote"].fillna("none").astype(str)
    for col in ("n_recent", *(f"recent_{v}" for v in VOTE_LEVELS)):
        out[col] = record[col].fillna(0).astype(int)
    never = as_of.year - RECORD_START_YEAR
    out["years_since_nonyes"] = record["years_since_nonyes"].fillna(never).astype(int)

    # Some members sat in no regional group (Israel before 2000, Kiribati before 2010).
    out["group"] = groups.reindex(index).astype(object).fillna(NO_GROUP).astype(str)
    bloc_table = blocs.reindex(index).fillna(False).astype(bool)
    for col in sorted(bloc_table.columns):
        out[str(col)] = bloc_table[col]
    return us_susceptibility(out)


def feature_dates(embargo: pd.DataFrame, forecast_as_of=FORECAST_AS_OF) -> pd.DataFrame:
    """The (as_of, year) pairs of features.csv: the day before each embargo vote, and the forecast.

    Returns
    -------
    DataFrame
        ``as_of`` (Timestamp), ``year`` (int, of the embargo vote it precedes), sorted.
    """
    votes = embargo.groupby("year", sort=True)["date"].min()
    rows = pd.DataFrame(
        {"as_of": votes.to_numpy() - np.timedelta64(1, "D"), "year": votes.index.astype(int)}
    )
    forecast_as_of = pd.Timestamp(forecast_as_of)
    if forecast_as_of > votes.max():
        rows = pd.concat(
            [rows, pd.DataFrame({"as_of": [forecast_as_of], "year": [forecast_as_of.year]})],
            ignore_index=True,
        )
    rows["as_of"] = pd.to_datetime(rows["as_of"]).astype("datetime64[ns]")
    return rows


def build_features_table(
    votes: pd.DataFrame,
    embargo: pd.DataFrame,
    *,
    forecast_as_of=FORECAST_AS_OF,
    forecast_members: Sequence[str] | None = None,
    groups=None,
    blocs=None,
    precedents: pd.DataFrame | None = None,
    sponsors: pd.DataFrame | None = None,
    window_days: int = WINDOW_DAYS,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Features for every embargo vote (as of the day before it) and for the forecast date.

    For an embargo vote the states described are those recorded in it (members that
    day); for the forecast date, ``forecast_members`` (default
    ``unvote.countries.members_on``).

    Parameters
    ----------
    groups, blocs : callable, optional
        ``date -> Series`` / ``date -> DataFrame``; default those of :mod:`unvote.countries`.
    progress : callable, optional
        Called with a short message per as-of date (the build takes some seconds).

    Returns
    -------
    DataFrame
        Columns ``as_of, year, iso3`` then the features of :func:`build_features`, sorted
        by ``as_of, iso3``, with a default RangeIndex.
    """
    groups = groups or countries.regional_groups
    blocs = blocs or countries.blocs
    # sorted by date, the as-of cuts are slices (unvote.rollcalls.votes_between)
    votes = votes.sort_values("date", kind="stable")
    ukraine_rows = ukraine_votes(votes)
    precedent_rows = precedent_votes(votes, precedents)
    dates = feature_dates(embargo, forecast_as_of)
    frames = []
    # Small matrices: BLAS threads only contend (4 times slower on 2 busy cores).
    with threadpool_limits(limits=1, user_api="blas"):
        for i, (as_of, year) in enumerate(dates.itertuples(index=False), start=1):
            if progress is not None:
                progress(f"features as of {as_of.date()} ({i}/{len(dates)})")
            in_vote = embargo.loc[embargo["year"] == year, "iso3"]
            if len(in_vote):
                members = sorted(in_vote)
            elif forecast_members is not None:
                members = sorted(forecast_members)
            else:
                members = countries.members_on(as_of)
            feats = build_features(
                votes,
                embargo,
                as_of,
                members=members,
                groups=groups(as_of),
                blocs=blocs(as_of),
                precedents=precedents,
                sponsors=sponsors,
                window_days=window_days,
                ukraine_rows=ukraine_rows,
                precedent_rows=precedent_rows,
            )
            feats.insert(0, "year", int(year))
            feats.insert(0, "as_of", as_of)
            frames.append(feats.reset_index())
    table = pd.concat(frames, ignore_index=True)
    # reset_index put iso3 first: the file's order is as_of, year, iso3, features
    return table.loc[:, ["as_of", "year", "iso3", *table.columns[3:]]]


# --- files ---------------------------------------------------------------------------------
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


def load_features(path: str | Path = paths.FEATURES_CSV) -> pd.DataFrame:
    """Read features.csv: ``as_of`` as Timestamp, ``last_vote``/``group`` as str, blocs as bool.

    The table is checked on load by :func:`validate_features`.

    Raises
    ------
    DataError
        If the file is missing or unreadable, or fails a check of :func:`validate_features`;
        the message names the file, the line, the column, the value and what is allowed.
    """
    path = Path(path)
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
_BOOL_TEXT = {"True": True, "False": False}


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
    missing = [c for c in dict.fromkeys((*KEY_COLUMNS, *TEXT_COLUMNS)) if c not in table]
    if missing:
        raise DataError(
            f"{source}: missing column(s) {missing}; allowed: a features table with "
            f"{', '.join(dict.fromkeys((*KEY_COLUMNS, *TEXT_COLUMNS)))} and the features"
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
    votes_path: str | Path = paths.ALL_VOTES_PARQUET,
    embargo_path: str | Path = paths.EMBARGO_VOTES_CSV,
    countries_path: str | Path = paths.COUNTRIES_CSV,
    cache_dir: str | Path = paths.INTERIM_DIR,
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
    votes_path = Path(votes_path)
    if not votes_path.exists():
        raise DataError(
            f"{votes_path}: not found; run `make data` (unvote data build) to build the "
            "roll-call table first"
        )
    sponsors_path = Path(votes_path).with_name(paths.SPONSORS_PARQUET.name)
    key = data_key(votes_path, embargo_path, countries_path, sponsors_path)
    if precedents is not None:  # not the facts table: a cache of its own
        key += "-" + hashlib.sha256(precedents.to_csv().encode()).hexdigest()[:8]
    cache = Path(cache_dir) / f"features-{key}.parquet"
    if cache.exists():
        try:
            table = pd.read_parquet(cache)
            missing = [c for c in dict.fromkeys((*KEY_COLUMNS, *TEXT_COLUMNS)) if c not in table]
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
    sponsors = pd.read_parquet(sponsors_path) if sponsors_path.exists() else None
    table = build_features_table(
        votes, embargo, precedents=precedents, sponsors=sponsors, progress=progress
    )
    for stale in Path(cache_dir).glob("features-*.parquet"):
        stale.unlink()  # built from other data: never read again
    with atomic_path(cache) as tmp:
        table.to_parquet(tmp, index=False)
    return table


def write_features(table: pd.DataFrame, path: str | Path = paths.FEATURES_CSV) -> Path:
    """Write the features table to ``path`` (atomically), formatted by :func:`format_features`."""
    from unvote.atomic import write_csv

    write_csv(path, format_features(table))
    return Path(path)
