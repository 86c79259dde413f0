"""How a state answered earlier open US campaigns: its departures at the precedents.

A *precedent* is a General Assembly vote at which the United States lobbied openly against
the text and named what it asked of other states (``unvote/facts/precedents.csv``: the
Jerusalem vote of the emergency session, A/RES/ES-10/19 of 21 December 2017, and the
embargo votes of 2017-2019). At each, a state's *departure* is its expected position before
the precedent minus the position it took, on the score yes 1, abstain 0.5, no 0: positive
when it moved towards the US position (away from yes), negative when it moved away from it.

Every function reads the tidy roll-call table (:mod:`unvote.votes`) only, through the
as-of primitives of :mod:`unvote.rollcalls`.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from unvote.build import embargo_roll_calls
from unvote.countries import member_index, read_facts
from unvote.dates import as_day
from unvote.errors import DataError
from unvote.rollcalls import votes_before, window

FACTS_FILE = "precedents.csv"
#: Columns of ``unvote/facts/precedents.csv``, in order.
COLUMNS: tuple[str, ...] = ("resolution", "date", "subject", "us_ask", "source")
#: Subjects of the facts table: each names how :func:`expected_score` finds the roll calls
#: that give a state's expected position before the precedent.
SUBJECTS: tuple[str, ...] = ("jerusalem", "cuba_embargo")

#: A vote as a position between the US one (no, 0) and the text's sponsors (yes, 1); a
#: member that did not vote has no position (NaN).
SCORES: dict[str, float] = {"yes": 1.0, "abstain": 0.5, "no": 0.0, "absent": np.nan}

#: Titles of the roll calls on the Jerusalem vote's subject: Palestine, Israel (the
#: catalogue misspells it "Isareli" once, in 1970s titles), Jerusalem and the territories
#: Israel occupies (the Syrian Golan, "the occupied Arab territories", and the refugees of
#: "the June 1967 and subsequent hostilities"). Matched without case. Titles that name none
#: of them (e.g. "Oil slick on Lebanese shores") are left out even when the vote lines up
#: the same way, so that the choice rests on the title alone and not on how states voted.
#: In the 365 days before ES-10/19 this gives 18 roll calls, at all of which the US voted
#: no or abstained: a yes at them is a position against the US one, as at ES-10/19.
JERUSALEM_TITLES: re.Pattern[str] = re.compile(
    r"palestin|israel|isareli|jerusalem|golan|occupied arab|june 1967", re.IGNORECASE
)
#: Days before a Jerusalem-subject precedent whose same-subject roll calls give the
#: expected position: one year, a full session of the Assembly's annual Palestine texts
#: (most are adopted each November-December), as :data:`unvote.rollcalls.WINDOW_DAYS`.
JERUSALEM_DAYS = 365
#: Embargo votes before an embargo precedent whose mean gives the expected position. Three
#: (one vote a year) are recent enough to be the state's stance of the time, not of an
#: earlier government, and enough that one absence still leaves a baseline. For the 2018
#: and 2019 precedents they include the earlier campaign votes, so a state that moved in
#: 2017 and stayed put departs in 2017 only: the feature measures moves under pressure.
RECENT = 3


# --- the facts --------------------------------------------------------------------------
@cache
def _precedents() -> pd.DataFrame:
    table = read_facts(FACTS_FILE, ("date",))
    where = f"unvote/facts/{FACTS_FILE}"
    if tuple(table.columns) != COLUMNS:
        raise DataError(f"{where}: columns {list(table.columns)}; expected {list(COLUMNS)}")
    bad = sorted(set(table["subject"]) - set(SUBJECTS))
    if bad:
        raise DataError(f"{where}: column 'subject': {bad}; allowed {list(SUBJECTS)}")
    twice = sorted(table.loc[table["resolution"].duplicated(), "resolution"])
    if twice:
        raise DataError(f"{where}: resolution {twice} listed twice; expected one row each")
    empty = table[(table[list(COLUMNS)] == "").any(axis=1) | table["date"].isna()]
    if len(empty):
        raise DataError(f"{where}: resolution {empty['resolution'].iloc[0]!r} has an empty field")
    return table.sort_values(["date", "resolution"], ignore_index=True)


def precedents() -> pd.DataFrame:
    """The precedents: votes at which the US lobbied openly against the text.

    Returns
    -------
    DataFrame
        One row per precedent, sorted by date: ``resolution`` (UN symbol), ``date``
        (datetime64, the day of the vote), ``subject`` (one of :data:`SUBJECTS`),
        ``us_ask`` and ``source`` (text). A copy; see ``unvote/facts/precedents.csv``.
    """
    return _precedents().copy()


# --- scores -----------------------------------------------------------------------------
def _scores(rows: pd.DataFrame) -> pd.Series:
    """Score of each row's vote (:data:`SCORES`), NaN for an absent member."""
    return pd.Series(rows["vote"].astype(object).map(SCORES), index=rows.index, dtype=float)


def _subject_roll_calls(before: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """The roll calls of ``before`` (all before the precedent) that give its baseline."""
    if row["subject"] == "jerusalem":
        recent = window(before, row["date"], JERUSALEM_DAYS)
        titles = pd.Series(recent["title"].unique())
        chosen = set(titles[titles.str.contains(JERUSALEM_TITLES)])
        return recent.loc[recent["title"].isin(chosen)]
    if row["subject"] == "cuba_embargo":
        embargo = embargo_roll_calls(before)
        dates = embargo.groupby("resolution", observed=True)["date"].min().sort_values()
        return embargo.loc[embargo["resolution"].isin(dates.index[-RECENT:])]
    raise DataError(
        f"precedent {row['resolution']}: subject {row['subject']!r}; allowed {list(SUBJECTS)}"
    )


def precedent_votes(votes: pd.DataFrame, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of ``votes`` that :func:`precedent_response` reads, and no others.

    The precedents' own roll calls and those their subjects draw on (the roll calls
    :func:`expected_score` reads before each precedent, chosen by the same rule).
    ``precedent_response(precedent_votes(votes, table), as_of, members, table=table)``
    equals ``precedent_response(votes, as_of, members, table=table)``, as a departure
    depends only on votes before its precedent; a build over many as-of dates selects the
    subset once (:func:`unvote.features.build_features_table`).

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table.
    table : DataFrame, optional
        The precedents (default :func:`precedents`).

    Returns
    -------
    DataFrame
        The selected rows of ``votes``, in their order.
    """
    table = precedents() if table is None else table
    chosen = set(table["resolution"])
    for _, row in table.iterrows():
        read = _subject_roll_calls(votes_before(votes, row["date"]), row)
        chosen.update(read["resolution"].astype(str))
    return votes.loc[votes["resolution"].isin(chosen).to_numpy(dtype=bool)]


def expected_score(votes: pd.DataFrame, precedent_row: pd.Series, members) -> pd.Series:
    """Each state's expected position at a precedent, from its votes before it.

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table; only the roll calls strictly before the precedent's day are read.
    precedent_row : Series
        A row of :func:`precedents` (``resolution``, ``date``, ``subject``).
    members : sequence of str
        ISO3 codes to describe.

    Returns
    -------
    Series of float, index ``members`` (name ``iso3``), name ``expected``
        Mean score (yes 1, abstain 0.5, no 0) of the state over the roll calls at which it
        voted among: for subject ``jerusalem``, the Assembly's roll calls whose title
        matches :data:`JERUSALEM_TITLES` in the :data:`JERUSALEM_DAYS` days before the
        precedent; for ``cuba_embargo``, the last :data:`RECENT` embargo votes before it.
        Absences are left out; NaN for a state that voted at none of them.
    """
    before = votes_before(votes, precedent_row["date"])
    rows = _subject_roll_calls(before, precedent_row)
    mean = _scores(rows).groupby(rows["iso3"].to_numpy()).mean()
    index = pd.Index(list(members), name="iso3")
    return mean.reindex(index).astype(float).rename("expected")


def _roll_call(votes: pd.DataFrame, resolution: str) -> pd.DataFrame:
    rows = votes.loc[votes["resolution"] == resolution]
    if rows.empty:
        raise DataError(
            f"precedent {resolution} (unvote/facts/{FACTS_FILE}) has no roll call in the "
            "votes table; rebuild it with `make data` from raw files that hold it"
        )
    return rows


def departures(votes: pd.DataFrame, resolution: str) -> pd.Series:
    """Who did not vote yes at a precedent.

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table holding the roll call of ``resolution``.
    resolution : str
        Symbol of the precedent, e.g. ``"A/RES/ES-10/19"``.

    Returns
    -------
    Series of nullable boolean, index iso3 (the members recorded at it, sorted), name ``departed``
        True for abstain or no, False for yes, ``<NA>`` for a member that did not vote, so
        a caller can leave absent states out with ``.dropna()``.

    Raises
    ------
    DataError
        If ``votes`` holds no roll call of ``resolution``.
    """
    rows = _roll_call(votes, resolution)
    vote = rows["vote"].astype(object).to_numpy()
    out = pd.Series(vote != "yes", index=pd.Index(rows["iso3"].to_numpy(), name="iso3"))
    out = out.astype("boolean")
    out = out.mask(vote == "absent")
    return out.sort_index().rename("departed")


def _actual_score(votes: pd.DataFrame, row: pd.Series, index: pd.Index) -> pd.Series:
    rows = _roll_call(votes, row["resolution"])
    days = rows["date"].dt.normalize().unique()
    if len(days) != 1 or days[0] != row["date"]:
        raise DataError(
            f"unvote/facts/{FACTS_FILE}: precedent {row['resolution']} dated "
            f"{row['date'].date()}, but the votes table records it on "
            f"{', '.join(str(pd.Timestamp(d).date()) for d in days)}"
        )
    return pd.Series(_scores(rows).to_numpy(), index=rows["iso3"].to_numpy()).reindex(index)


def precedent_response(
    votes: pd.DataFrame, as_of, members=None, *, table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How far each state moved towards the US position at the precedents before ``as_of``.

    At each precedent, departure = expected score (:func:`expected_score`) minus the score
    of the vote cast (yes 1, abstain 0.5, no 0), in [-1, 1]; positive = moved towards the
    US position (away from yes). Only precedents dated strictly before ``as_of`` count, and
    only roll calls before them give the expected score: votes on or after ``as_of`` change
    nothing.

    Absences are left out, at the precedent and in the baseline: a state that did not vote
    at a precedent (or at none of its baseline's roll calls) has no departure there, rather
    than a departure of any size. An absence has many causes (arrears under Article 19 of
    the Charter, a delegation away from the hall, a deliberate stay-away), and the records
    do not say which; counting it as a departure would mix them with answers to pressure.

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table holding every precedent before ``as_of``.
    as_of : date-like
        Day the feature is known on.
    members : sequence of str, optional
        ISO3 codes to describe; default :func:`unvote.countries.members_on` ``(as_of)``.
    table : DataFrame, optional
        Precedents to use, with the columns of :func:`precedents` (the default); a subset
        of it gives a leave-one-precedent-out check.

    Returns
    -------
    DataFrame, index iso3 (``members``, sorted)
        ``precedent_departure`` (float): mean departure over the precedents before
        ``as_of`` at which the state counted; NaN if there is none (no precedent before
        ``as_of``, or absent from all). ``n_precedents`` (int): the number of them.
        ``precedent_departure_max`` (float): the largest single departure, NaN likewise.

    Raises
    ------
    DataError
        If a precedent before ``as_of`` has no roll call in ``votes``, or one on another day.
    """
    as_of = as_day(as_of, "precedent_response: as_of")
    index = member_index(as_of, members)
    table = precedents() if table is None else table
    before = votes_before(votes, as_of)
    columns = {}
    for _, row in table.loc[table["date"] < as_of].iterrows():
        expected = expected_score(before, row, index)
        columns[row["resolution"]] = expected - _actual_score(before, row, index)
    each = pd.DataFrame(columns, index=index, dtype=float)
    return pd.DataFrame(
        {
            "precedent_departure": each.mean(axis=1),
            "n_precedents": each.notna().sum(axis=1).astype("int64"),
            "precedent_departure_max": each.max(axis=1),
        },
        index=index,
    )
