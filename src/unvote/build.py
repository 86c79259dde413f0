"""Build the processed tables from the raw UN files: ``unvote data build``.

raw folders -> one tidy table per source -> cross-checked where they overlap -> combined
tidy table (``data/processed/votes.parquet``) -> the embargo votes 1992-2024
(``data/processed/embargo_votes.csv``) and the member states (``countries.csv``).

The raw folder holds any of these sub-folders (the ones present are read):

- ``ga_scrape/*.csv``: the wide scrape 1946-2021 (:mod:`unvote.sources.ga_scrape`);
- ``unxml/*.json``: the Secretariat's session extracts (:mod:`unvote.sources.unxml`);
- ``unxml_emergency/*.xml``: emergency special sessions (:mod:`unvote.sources.emergency`);
- ``undl/*.csv``: the UN Digital Library's bulk voting file (:mod:`unvote.sources.undl`).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import pandas as pd

from unvote import paths
from unvote.atomic import atomic_dir, write_csv
from unvote.dates import CUTOFF
from unvote.errors import DataError
from unvote.sources import finish, vote_differences
from unvote.sources.emergency import read_emergency_dir
from unvote.sources.ga_scrape import read_ga_scrape_dir
from unvote.sources.undl import read_undl_dir
from unvote.sources.unxml import SPONSOR_COLUMNS, read_unxml_dir, read_unxml_sponsors_dir

EMBARGO_TITLE = (
    "Necessity of ending the economic, commercial and financial embargo imposed by the "
    "United States of America against Cuba"
)
#: The embargo votes of the history: every year from 1992 to 2024 but 2020 (the 2020
#: vote was postponed to June 2021, A/RES/75/289, and 2021 had no other).
EMBARGO_YEARS: tuple[int, ...] = tuple(y for y in range(1992, 2025) if y != 2020)
#: Forecasts are made as of this day; no vote on or after it enters the embargo table.


#: Sub-folder of the raw folder -> the reader of its files; the order is the order of
#: precedence where sources overlap.
SOURCES: dict[str, Callable[[Path], pd.DataFrame]] = {
    "unxml": read_unxml_dir,
    "unxml_emergency": read_emergency_dir,
    "undl": read_undl_dir,
    "ga_scrape": read_ga_scrape_dir,
}


@contextmanager
def _step(message: str, progress: bool) -> Iterator[None]:
    start = time.perf_counter()
    if progress:
        print(f"unvote: {message} ...", file=sys.stderr, flush=True)
    yield
    if progress:
        print(
            f"unvote:   done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True
        )


def read_sources(raw_dir: str | os.PathLike, *, progress: bool = False) -> dict[str, pd.DataFrame]:
    """Read every source folder present in ``raw_dir``.

    Returns
    -------
    dict of str -> DataFrame
        Sub-folder name -> its tidy table, in the order of :data:`SOURCES`.

    Raises
    ------
    DataError
        ``raw_dir`` missing or holding none of the source folders, or any reader's error.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise DataError(
            f"{raw_dir}: raw data folder not found; expected sub-folders {', '.join(SOURCES)} "
            "(see data/README.md)"
        )
    present = [name for name in SOURCES if (raw_dir / name).is_dir()]
    if not present:
        raise DataError(
            f"{raw_dir}: none of the source folders {', '.join(SOURCES)} is there "
            "(see data/README.md)"
        )
    tables = {}
    for name in present:
        with _step(f"reading {raw_dir / name}", progress):
            tables[name] = SOURCES[name](raw_dir / name)
    return tables


def combine_sources(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One tidy table of all sources, cross-checked where they record the same vote.

    A resolution present in several sources must have the same date and the same vote
    for every country (a country missing on one side counts as a difference); it is then
    kept once, from the first source in ``tables``.

    Returns
    -------
    DataFrame
        Tidy table sorted by date, resolution and iso3.

    Raises
    ------
    DataError
        Two sources disagreeing, naming both sources, the resolution and the countries.
    """
    kept: list[pd.DataFrame] = []
    owner: dict[str, str] = {}  # resolution -> the source it is kept from
    for name, table in tables.items():
        overlap = table["resolution"].isin(owner.keys())
        if overlap.any():
            _check_overlap(pd.concat(kept, ignore_index=True), table.loc[overlap], owner, name)
        table = table.loc[~overlap]
        owner.update(dict.fromkeys(table["resolution"].unique(), name))
        kept.append(table)
    return finish(kept, source="combined sources")


def _check_overlap(kept: pd.DataFrame, other: pd.DataFrame, owner: dict[str, str], name: str):
    # One vectorised comparison of all shared resolutions (thousands when a full bulk file
    # meets the scrape); the first that differs, in the file's order, is then described.
    first = kept.loc[kept["resolution"].isin(set(other["resolution"]))]
    keys = ["resolution", "iso3"]
    both = first[[*keys, "date", "vote"]].merge(
        other[[*keys, "date", "vote"]], on=keys, how="outer", suffixes=("_a", "_b")
    )
    vote_a, vote_b = (both[c].astype(object).fillna("-") for c in ("vote_a", "vote_b"))
    differ = (vote_a != vote_b) | (both["date_a"].notna() & (both["date_a"] != both["date_b"]))
    if differ.any():
        bad = set(both.loc[differ, "resolution"])
        symbol = next(s for s in other["resolution"].unique() if s in bad)
        rows = (first.loc[first["resolution"] == symbol], other.loc[other["resolution"] == symbol])
        _check_agree(symbol, (owner[symbol], rows[0]), (name, rows[1]))


def _check_agree(symbol: str, first: tuple[str, pd.DataFrame], other: tuple[str, pd.DataFrame]):
    (name_a, a), (name_b, b) = first, other
    day_a, day_b = a["date"].iloc[0], b["date"].iloc[0]
    if day_a != day_b:
        raise DataError(
            f"sources {name_a} and {name_b} disagree on resolution {symbol}: adopted "
            f"{day_a:%Y-%m-%d} in {name_a}, {day_b:%Y-%m-%d} in {name_b}"
        )
    diff = vote_differences(a.set_index("iso3")["vote"], b.set_index("iso3")["vote"])
    if diff:
        raise DataError(
            f"sources {name_a} and {name_b} disagree on resolution {symbol} "
            f"(vote {name_a}/{name_b}): " + "; ".join(diff)
        )


def is_embargo_title(title: str) -> bool:
    """Whether a resolution title is the embargo resolution's.

    Compared without case, spacing or a final full stop, on its start and end only,
    because the catalogue misspells the middle once ("Unites States", 2004).
    """
    text = " ".join(str(title).split()).rstrip(" .").casefold()
    start, end = EMBARGO_TITLE.casefold().split(" imposed by ")
    return text.startswith(start) and text.endswith(end.split(" of america ")[-1])


def embargo_roll_calls(votes: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``votes`` (tidy) whose title is the embargo resolution's, any date."""
    titles = pd.Series(votes["title"].unique())
    return votes.loc[votes["title"].isin(set(titles[titles.map(is_embargo_title)]))]


def embargo_votes(
    votes: pd.DataFrame,
    *,
    cutoff: pd.Timestamp = CUTOFF,
    years: tuple[int, ...] = EMBARGO_YEARS,
) -> pd.DataFrame:
    """The embargo resolutions' roll calls, one row per member state per vote.

    Parameters
    ----------
    votes : DataFrame
        Tidy table of all votes.
    cutoff : Timestamp
        Votes on or after this day are left out.
    years : tuple of int
        The years that must each hold exactly one embargo vote; no earlier year may hold
        one, and a later year (newer data) at most one.

    Returns
    -------
    DataFrame
        Columns ``year`` (int), ``date`` (str, YYYY-MM-DD), ``resolution``, ``iso3``,
        ``country`` (short English name), ``vote`` (categorical); 6,086 rows for 1992-2024,
        sorted by date and iso3.

    Raises
    ------
    DataError
        Not exactly one embargo vote in each of ``years``, or one outside them.
    """
    from unvote.countries import display_name

    rows = embargo_roll_calls(votes)
    rows = rows.loc[rows["date"] < cutoff]
    per_year = rows.groupby(rows["date"].dt.year)["resolution"].unique()
    found = {int(cast(int, y)): sorted(s) for y, s in per_year.items()}
    wrong = {y: found.get(y, []) for y in sorted(set(years) | set(found))}
    # Years after the known record (newer data, built with a later cutoff) may hold one vote
    # or none (the year's vote may still be to come); the known years exactly one each.
    wrong = {
        y: s
        for y, s in wrong.items()
        if (len(s) > 1 if y > max(years) else len(s) != (y in years))
    }
    if wrong:
        detail = "; ".join(f"{y}: {', '.join(s) or 'none'}" for y, s in wrong.items())
        raise DataError(
            f"embargo votes: expected one resolution titled {EMBARGO_TITLE!r} in each of "
            f"the years {_span(years)}, found {detail}"
        )
    out = pd.DataFrame(
        {
            "year": rows["date"].dt.year.astype("int64"),
            "date": rows["date"].dt.strftime("%Y-%m-%d"),
            "resolution": rows["resolution"],
            "iso3": rows["iso3"],
            "country": rows["iso3"].map(display_name),
            "vote": rows["vote"],
        }
    )
    return out.sort_values(["date", "iso3"], kind="stable").reset_index(drop=True)


def _say_left_out(late: pd.DataFrame, until: pd.Timestamp) -> None:
    # Newer raw files (a fresh Digital Library download) hold votes after the cutoff: the
    # build leaves them out of every table, so that the roll calls behind the features and
    # the embargo history always end on the same day. Say so, or a user would wonder.
    if late.empty:
        return
    held = embargo_roll_calls(late).drop_duplicates("resolution")
    listed = ", ".join(
        f"{r} ({d:%Y-%m-%d})" for r, d in zip(held["resolution"], held["date"], strict=True)
    )
    print(
        f"unvote: note: {late['resolution'].nunique()} roll call(s) on or after "
        f"{until:%Y-%m-%d} are left out of every table"
        + (f", among them the embargo vote(s) {listed}" if listed else "")
        + "; use `unvote data build --until DATE` to include them",
        file=sys.stderr,
    )


def _span(years: tuple[int, ...]) -> str:
    missing = sorted(set(range(min(years), max(years) + 1)) - set(years))
    gaps = f" but {', '.join(map(str, missing))}" if missing else ""
    return f"{min(years)}-{max(years)}{gaps}"


def build_all(
    raw_dir: str | os.PathLike | None = None,
    out_dir: str | os.PathLike | None = None,
    interim_dir: str | os.PathLike | None = None,
    *,
    until: str | pd.Timestamp = CUTOFF,
    progress: bool = True,
) -> dict[str, Path]:
    """Read the raw files and write the processed and interim tables.

    Writes ``out_dir/embargo_votes.csv``, ``out_dir/countries.csv``,
    ``interim_dir/votes.parquet`` and ``interim_dir/sponsors.parquet`` (the sponsors of the
    ``unxml`` extracts' resolutions; no rows without that folder). Everything is computed before anything is written,
    and each file is written whole or not at all, so bad input leaves them untouched.

    Parameters
    ----------
    raw_dir : path-like, optional
        Folder with the source sub-folders (see the module docstring); default
        :data:`unvote.paths.RAW_DIR`.
    out_dir, interim_dir : path-like, optional
        Where the embargo and countries tables, and the roll-call and sponsors tables, go
        (by default both to :data:`unvote.paths.PROCESSED_DIR`: all four are committed).
        The defaults are read when called.
    until : date-like
        Only votes before this day go into any table (default: :data:`CUTOFF`, the
        shipped forecast's as-of date). A later day takes in newer votes from a fresh
        download, e.g. the October 2025 embargo vote.
    progress : bool
        Print one line per step on stderr.

    Returns
    -------
    dict of str -> Path
        ``embargo_votes``, ``countries``, ``votes`` and ``sponsors`` -> the files written.
    """
    from unvote.countries import countries_table

    raw_dir = paths.RAW_DIR if raw_dir is None else raw_dir
    out_dir = Path(paths.PROCESSED_DIR if out_dir is None else out_dir)
    interim_dir = Path(paths.ALL_VOTES_PARQUET.parent if interim_dir is None else interim_dir)
    until = pd.Timestamp(until)
    tables = read_sources(raw_dir, progress=progress)
    with _step("cross-checking and combining the sources", progress):
        votes = combine_sources(tables)
        late = votes["date"] >= until
        votes, left_out = votes.loc[~late].reset_index(drop=True), votes.loc[late]
        embargo = embargo_votes(votes, cutoff=until)
        countries = countries_table()
        unxml = Path(raw_dir) / "unxml"
        sponsors = (
            read_unxml_sponsors_dir(unxml)
            if unxml.is_dir()
            else pd.DataFrame(columns=list(SPONSOR_COLUMNS))
        )
        sponsors = sponsors.loc[pd.to_datetime(sponsors["date"]) < until]
    if progress:
        _say_left_out(left_out, until)
    with _step(f"writing {len(votes):,} votes and the processed tables", progress):
        written = {
            "embargo_votes": out_dir / paths.EMBARGO_VOTES_CSV.name,
            "countries": out_dir / paths.COUNTRIES_CSV.name,
            "votes": interim_dir / paths.ALL_VOTES_PARQUET.name,
            "sponsors": interim_dir / paths.SPONSORS_PARQUET.name,
        }
        writers: dict[str, Callable[[Path], object]] = {
            "votes": lambda path: votes.to_parquet(path, index=False),
            "sponsors": lambda path: sponsors.to_parquet(path, index=False),
            "embargo_votes": lambda path: write_csv(path, embargo),
            "countries": lambda path: write_csv(path, countries),
        }
        # one swap per folder: by default both kinds of table go to data/processed
        for folder in dict.fromkeys((interim_dir, out_dir)):
            with atomic_dir(folder) as tmp:
                for key, path in written.items():
                    if path.parent == folder:
                        writers[key](tmp / path.name)
    if progress:
        for path in written.values():
            print(f"wrote {path}", file=sys.stderr)
    return written
