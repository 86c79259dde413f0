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

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from unvote import countries
from unvote.administration import administration_alignment
from unvote.dates import CUTOFF
from unvote.idealpoints import fit_ideal_points, vote_matrix
from unvote.precedents import precedent_response, precedent_votes
from unvote.rollcalls import RUSSIA, US, WINDOW_DAYS, agreement, votes_before, window
from unvote.sources.unxml import SPONSOR_COLUMNS
from unvote.susceptibility import us_susceptibility
from unvote.ukraine import ES11_PREFIX, ukraine_reach, ukraine_votes
from unvote.votes import VOTE_LEVELS

#: Bump when a definition changes: it is part of the cache key.
FEATURES_VERSION = "3"
IDEAL_POINT_DECIMALS = 4
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
#: The first embargo vote was in 1992; a country that never abstained or voted no counts
#: its years since this year (the record is censored there).
RECORD_START_YEAR = 1991
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
    es11 = before.loc[before["resolution"].str.startswith(ES11_PREFIX)]
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
    if groups is None:
        groups = countries.regional_groups(as_of)
    if blocs is None:
        blocs = countries.blocs(as_of)
    index = countries.member_index(as_of, members)
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


def feature_dates(embargo: pd.DataFrame, forecast_as_of=CUTOFF) -> pd.DataFrame:
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
    forecast_as_of=CUTOFF,
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
