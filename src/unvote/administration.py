"""Alignment with the current US administration, as of a date.

The 365-day agreement of :mod:`unvote.features` mixes two administrations in the year after
an inauguration, so it dilutes alignment with the administration that runs a campaign.
:func:`administration_alignment` measures it over the roll calls since the current US
administration took office (:func:`administration_start`), dated strictly before
``as_of`` (the as-of rule of :mod:`unvote.rollcalls`):

- ``agree_us_admin``: agreement with the United States, scored as
  :func:`unvote.rollcalls.agreement` (1 same vote, 0.5 when exactly one abstained, 0 yes
  against no; absences left out); ``n_common_us_admin`` roll calls behind it.
- ``us_lonely_share``: the same score over the roll calls on which the United States was
  *nearly alone* (at most :data:`NEARLY_ALONE_MAX` other members cast its yes or no, see
  :func:`nearly_alone`) and the state was present; ``n_us_lonely`` roll calls behind it.
- ``agree_us_admin_pct`` and ``us_lonely_pct``: the two as percentile ranks among the
  members of the as-of date (``rank(pct=True)``, ties averaged, in (0, 1], NaN kept).
  Why a rank: raw agreement with the United States in 2025 sits far below that of any
  earlier year (median across members 0.08 as of 2025-10-01, against 0.17 to 0.43 before
  the embargo votes of 1992-2024; ``benchmarks/administration_alignment.py`` prints them),
  so a model fitted on 1993-2024 could not read a raw 2025 value: it would extrapolate.
  The rank asks only where a state stands relative to the others, which is comparable
  across years.

Fallback: right after an inauguration the span holds few roll calls (the General Assembly
votes mostly from October to December), and percentile ranks over a handful of roll calls
are noise. When the span holds fewer than ``min_rollcalls`` roll calls
(:data:`MIN_ROLLCALLS`), it is extended back to ``as_of - 365 days``, i.e. the 365-day
window of :func:`unvote.rollcalls.window`, which then includes the previous
administration's last months.

The United States' own row is 1 in both measures (it sides with itself), as
:func:`unvote.rollcalls.agreement` already gives.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from unvote import countries
from unvote.dates import as_day
from unvote.errors import DataError
from unvote.idealpoints import vote_matrix
from unvote.rollcalls import US, WINDOW_DAYS, agreement, votes_between, window

#: Inauguration days of US presidents, fixed at noon on 20 January by the 20th Amendment
#: of the US Constitution (section 1): George H. W. Bush (1989), Bill Clinton (1993),
#: George W. Bush (2001), Barack Obama (2009), Donald Trump (2017), Joe Biden (2021),
#: Donald Trump (2025). Re-elections (1997, 2005, 2013) do not start a new administration.
ADMINISTRATION_STARTS: tuple[pd.Timestamp, ...] = tuple(
    pd.Timestamp(day)
    for day in (
        "1989-01-20",
        "1993-01-20",
        "2001-01-20",
        "2009-01-20",
        "2017-01-20",
        "2021-01-20",
        "2025-01-20",
    )
)

#: The US is "nearly alone" on a roll call when at most this many other members cast its
#: vote. Why 8: on the roll calls of 1989 to September 2025 where the US voted no with at
#: most 8 others (70% of its 1,863 no votes), 54-90% of those others (for each count 1-8)
#: are the same seven states: Israel, Micronesia, the Marshall Islands, Palau, Nauru,
#: Canada and Australia (the "US + Israel + Pacific states" votes; most of the rest are the
#: UK and France). With 9 to 15 others that share falls to 13-38%: EU members join, a
#: Western-minority vote of another kind. The break is the same on 1989-2016 alone (74% at
#: 8, 25% at 9). On the yes side the US is never nearly alone (fewest others: 13, once).
#: Table 2 of benchmarks/administration_alignment.py.
NEARLY_ALONE_MAX = 8

#: Fewer roll calls than this since the inauguration: fall back to the 365-day window.
#: Why 30: over the first year of the administrations 1989-2021, the rank correlation
#: (Spearman, across members) of agreement with the US over the first n roll calls after
#: the inauguration with that over the whole first year has a median of 0.830 at n = 15,
#: 0.876 at 20, 0.897 at 25, 0.904 at 30, 0.915 at 40: 30 is the smallest of these where it
#: reaches 0.9 in the median (and it is at least 0.880 in every administration). Table 3 of
#: benchmarks/administration_alignment.py.
MIN_ROLLCALLS = 30


def administration_start(as_of) -> pd.Timestamp:
    """Inauguration day of the US administration in office the day before ``as_of``.

    Parameters
    ----------
    as_of : date-like
        The as-of day; only roll calls strictly before it count, so on an inauguration
        day the previous administration's start is returned.

    Returns
    -------
    Timestamp
        The latest of :data:`ADMINISTRATION_STARTS` strictly before ``as_of``.

    Raises
    ------
    DataError
        When ``as_of`` is on or before 1989-01-20, the first start recorded.
    """
    day = as_day(as_of, "administration_start: as_of")
    earlier = [start for start in ADMINISTRATION_STARTS if start < day]
    if not earlier:
        first = ADMINISTRATION_STARTS[0]
        raise DataError(
            f"administration_start: as_of {day.date()} is not after the first inauguration "
            f"recorded in ADMINISTRATION_STARTS ({first.date()}); allowed: "
            f"{(first + pd.Timedelta(days=1)).date()} or later"
        )
    return earlier[-1]


def nearly_alone(
    matrix: pd.DataFrame, reference: str = US, *, max_others: int = NEARLY_ALONE_MAX
) -> pd.Series:
    """Roll calls on which ``reference`` voted yes or no with at most ``max_others`` others.

    Parameters
    ----------
    matrix : DataFrame
        Countries by roll calls from :func:`unvote.idealpoints.vote_matrix` (yes 1,
        abstain 0.5, no 0, absent NaN).
    reference : str
        ISO3 of the state; roll calls on which it abstained or was absent are never
        nearly alone (nor are any, if it is not in ``matrix``).
    max_others : int
        Most other states casting the same vote.

    Returns
    -------
    Series of bool, index the columns of ``matrix``
    """
    if reference not in matrix.index:
        return pd.Series(False, index=matrix.columns)
    ref = matrix.loc[reference]
    others = matrix.drop(index=reference)
    same = others.eq(ref, axis=1).sum(axis=0)
    return pd.Series(ref.isin([0.0, 1.0]) & (same <= max_others))


def administration_votes(
    votes: pd.DataFrame, as_of, *, min_rollcalls: int = MIN_ROLLCALLS
) -> pd.DataFrame:
    """The tidy rows of the roll calls behind :func:`administration_alignment`.

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table (:mod:`unvote.votes`).
    as_of : date-like
    min_rollcalls : int
        Fewer roll calls than this from :func:`administration_start` to the day before
        ``as_of``: the span is ``window(votes, as_of, 365)`` instead.

    Returns
    -------
    DataFrame
        The rows of ``votes`` with ``start <= date < as_of``.
    """
    as_of = as_day(as_of, "administration_votes: as_of")
    start = administration_start(as_of)
    span = votes_between(votes, start, as_of)
    if span["resolution"].nunique() < min_rollcalls:
        return window(votes, as_of, WINDOW_DAYS)
    return span


def administration_alignment(
    votes: pd.DataFrame,
    as_of,
    members: Sequence[str] | None = None,
    *,
    min_rollcalls: int = MIN_ROLLCALLS,
    max_others: int = NEARLY_ALONE_MAX,
) -> pd.DataFrame:
    """Alignment of every member state with the current US administration, as of a date.

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table (:mod:`unvote.votes`); rows on or after ``as_of`` are ignored.
    as_of : date-like
    members : sequence of str, optional
        ISO3 codes of the rows; default :func:`unvote.countries.members_on` ``(as_of)``.
        The percentile ranks are taken among them.
    min_rollcalls : int
        See :func:`administration_votes`.
    max_others : int
        See :func:`nearly_alone`.

    Returns
    -------
    DataFrame, index ``iso3`` (sorted ``members``)
        ``agree_us_admin`` (float in [0, 1], NaN with no common roll call),
        ``n_common_us_admin`` (int), ``us_lonely_share`` (float in [0, 1], NaN with no
        nearly-alone roll call the state was present for), ``n_us_lonely`` (int),
        ``agree_us_admin_pct`` and ``us_lonely_pct`` (percentile ranks in (0, 1], NaN
        where the raw value is NaN).
    """
    as_of = as_day(as_of, "administration_alignment: as_of")
    index = countries.member_index(as_of, members)
    matrix = vote_matrix(administration_votes(votes, as_of, min_rollcalls=min_rollcalls))

    overall = agreement(matrix, US).reindex(index)
    lonely_columns = nearly_alone(matrix, US, max_others=max_others)
    # On a nearly-alone roll call the US voted yes or no, so agreement's score is exactly
    # "1 same vote, 0.5 abstained, 0 opposite" and absences drop out.
    lonely = agreement(matrix.loc[:, lonely_columns.to_numpy()], US).reindex(index)

    out = pd.DataFrame(index=index)
    out["agree_us_admin"] = overall["agree"].astype(float)
    out["n_common_us_admin"] = overall["n_common"].fillna(0).astype(int)
    out["us_lonely_share"] = lonely["agree"].astype(float)
    out["n_us_lonely"] = lonely["n_common"].fillna(0).astype(int)
    for raw, pct in (
        ("agree_us_admin", "agree_us_admin_pct"),
        ("us_lonely_share", "us_lonely_pct"),
    ):
        out[pct] = out[raw].rank(pct=True, method="average", na_option="keep")
    return out
