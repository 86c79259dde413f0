"""The embargo vote history 1992-2024 as the UN recorded it: ``unvote history``.

Loads the committed ``embargo_votes.csv``, counts each year's votes, and formats the
table with who voted no and who abstained.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import cast

import pandas as pd

from unvote import paths
from unvote.errors import DataError
from unvote.votes import VOTE_DTYPE, VOTE_LEVELS, as_vote, validate_tidy

#: Columns of ``embargo_votes.csv`` (written by :func:`unvote.build.embargo_votes`).
EMBARGO_COLUMNS: tuple[str, ...] = ("year", "date", "resolution", "iso3", "country", "vote")
#: Columns of :func:`history_table`.
HISTORY_COLUMNS: tuple[str, ...] = (
    "year",
    "date",
    "resolution",
    "yes",
    "no",
    "abstain",
    "absent",
    "members",
    "voted_no",
    "abstained",
)


#: Lists of up to this many states are printed by name, longer ones by ISO3 code.
MAX_NAMED = 6
WIDTH = 88
SOURCE_NOTE = (
    "Source: United Nations Digital Library / UN General Assembly voting records; "
    "unofficial extracts, attribute to the United Nations."
)


def load_embargo_votes(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``embargo_votes.csv`` (default :data:`unvote.paths.EMBARGO_VOTES_CSV`, read when called).

    Returns
    -------
    DataFrame
        Columns ``year`` (int), ``date`` (datetime64, day), ``resolution``, ``iso3``,
        ``country`` (str) and ``vote`` (categorical yes/abstain/no/absent); one row per
        member state per embargo vote.

    Raises
    ------
    DataError
        Missing file or column, unreadable date or year, unknown vote.
    """
    path = Path(paths.EMBARGO_VOTES_CSV if path is None else path)
    if not path.is_file():
        raise DataError(f"{path}: file not found; build it with `unvote data build`")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as err:  # pandas' parser errors are ValueErrors
        raise DataError(f"{path}: cannot read it as the embargo votes CSV: {err}") from err
    missing = [c for c in EMBARGO_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {missing}; expected {list(EMBARGO_COLUMNS)}")
    try:
        year = frame["year"].astype("int64")
        date = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    except ValueError as err:
        raise DataError(f"{path}: column 'year' or 'date': {err}") from err
    out = frame.loc[:, list(EMBARGO_COLUMNS)].assign(
        year=year, date=date, vote=as_vote(frame["vote"], source=f"{path}: column 'vote'")
    )
    dup = out.duplicated(["resolution", "iso3"])
    if dup.any():
        row = out.loc[dup].iloc[0]
        raise DataError(
            f"{path}: {row['iso3']} appears twice for resolution {row['resolution']}; "
            "expected one row per member state per vote"
        )
    return out


def load_all_votes(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read the full tidy table of roll calls written by ``unvote data build``.

    ``path`` defaults to :data:`unvote.paths.ALL_VOTES_PARQUET`, read when called.

    Returns
    -------
    DataFrame
        The tidy table (``resolution, date, session, title, iso3, vote``), about 920,000
        rows, sorted by date, resolution and iso3.

    Raises
    ------
    DataError
        The file is missing (build it from the raw files) or not a tidy table.
    """
    path = Path(paths.ALL_VOTES_PARQUET if path is None else path)
    if not path.is_file():
        raise DataError(
            f"{path}: file not found; build it with `unvote data build --raw DIR` "
            "(see data/README.md)"
        )
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as err:  # pyarrow's errors are ValueErrors or OSErrors
        raise DataError(f"{path}: cannot read the roll-call table: {err}") from err
    if "vote" in frame.columns:
        frame = frame.assign(vote=frame["vote"].astype(str).astype(VOTE_DTYPE))
    return validate_tidy(frame, source=str(path))


def vote_record(embargo: pd.DataFrame, year: int) -> dict:
    """One embargo vote's ``year``, ``date`` (ISO) and count of each vote (VOTE_LEVELS)."""
    rows = embargo.loc[embargo["year"] == year]
    counts = rows["vote"].astype(str).value_counts()
    return {
        "year": int(year),
        "date": pd.Timestamp(rows["date"].min()).date().isoformat(),
        **{v: int(counts.get(v, 0)) for v in VOTE_LEVELS},
    }


def history_table(votes: pd.DataFrame) -> pd.DataFrame:
    """Count each embargo vote.

    Parameters
    ----------
    votes : DataFrame
        As from :func:`load_embargo_votes`.

    Returns
    -------
    DataFrame
        One row per vote, in date order, columns :data:`HISTORY_COLUMNS`: counts of
        ``yes, no, abstain, absent`` (int), ``members`` (their sum: the UN's membership
        that day), and ``voted_no`` / ``abstained`` (tuples of ISO3 codes, sorted).
    """
    counts = pd.crosstab(votes["resolution"], votes["vote"]).reindex(
        columns=list(VOTE_LEVELS), fill_value=0
    )
    first = votes.groupby("resolution")[["year", "date"]].first()
    named = {
        # pandas-stubs types agg's result as a scalar; a tuple per group is fine at run time
        level: votes.loc[votes["vote"] == level]  # type: ignore[type-var]
        .groupby("resolution")["iso3"]
        .agg(lambda s: tuple(sorted(s)))
        for level in ("no", "abstain")
    }
    table = first.join(counts).reset_index()
    table["members"] = table[list(VOTE_LEVELS)].sum(axis=1)
    table["voted_no"] = table["resolution"].map(named["no"]).map(_as_tuple)
    table["abstained"] = table["resolution"].map(named["abstain"]).map(_as_tuple)
    table = table.sort_values("date", kind="stable").reset_index(drop=True)
    return table.loc[:, list(HISTORY_COLUMNS)].astype(
        {level: "int64" for level in (*VOTE_LEVELS, "members")}
    )


def _as_tuple(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()


def format_history(table: pd.DataFrame, votes: pd.DataFrame | None = None) -> str:
    """The history as plain text: one line per vote, then who voted no and abstained.

    Parameters
    ----------
    table : DataFrame
        As from :func:`history_table`.
    votes : DataFrame, optional
        The embargo votes, for short country names: a list of up to
        :data:`MAX_NAMED` states is given by name, a longer one by ISO3 codes (all codes
        without ``votes``).

    Returns
    -------
    str
        Title, header, one line per vote (year, resolution, yes, no, abstain, absent),
        each followed by indented lines naming the states that voted no and abstained,
        and the source line.
    """
    names = {}
    if votes is not None:
        names = dict(zip(votes["iso3"], votes["country"], strict=True))

    def who(codes: tuple[str, ...]) -> str:
        if len(codes) <= MAX_NAMED:
            return ", ".join(names.get(c, c) for c in codes) or "-"
        return " ".join(codes)

    header = f"{'year':<4}  {'resolution':<13} {'yes':>4} {'no':>4} {'abstain':>8} {'absent':>7}"
    lines = [
        "UN General Assembly votes on the resolution 'Necessity of ending the economic,",
        "commercial and financial embargo imposed by the United States of America against",
        "Cuba', 1992-2024 (no vote in 2020)",
        "",
        header,
        "-" * WIDTH,
    ]
    for row in table.itertuples(index=False):
        lines.append(
            f"{row.year:<4}  {row.resolution:<13} {row.yes:>4} {row.no:>4} {row.abstain:>8} "
            f"{row.absent:>7}"
        )
        for label, codes in (("no", row.voted_no), ("abstained", row.abstained)):
            lines += textwrap.wrap(
                f"{label}: {who(cast(tuple[str, ...], codes))}",
                width=WIDTH,
                initial_indent=" " * 6,
                subsequent_indent=" " * (8 + len(label)),
            )
    lines += [
        "-" * WIDTH,
        "absent = members of the UN that day that did not vote.",
        *textwrap.wrap(SOURCE_NOTE, width=WIDTH),
    ]
    return "\n".join(lines)


def vote_changes(votes: pd.DataFrame) -> pd.DataFrame:
    """Who moved and when: every change of a country's embargo vote from its previous one.

    Parameters
    ----------
    votes : pandas.DataFrame
        :func:`unvote.history.load_embargo_votes` (year, iso3, country, vote).

    Returns
    -------
    pandas.DataFrame
        Columns ``year, iso3, country, before, after`` (the previous and the new vote),
        sorted by year and country; a country's first vote is not a change.
    """
    frame = votes.loc[:, ["year", "iso3", "country", "vote"]].sort_values(["iso3", "year"])
    frame = frame.assign(vote=frame["vote"].astype(str))
    before = frame.groupby("iso3")["vote"].shift()
    moved = frame.assign(before=before).loc[before.notna() & (before != frame["vote"])]
    moved = moved.rename(columns={"vote": "after"})
    return moved.loc[:, ["year", "iso3", "country", "before", "after"]].sort_values(
        ["year", "country"], ignore_index=True
    )
