"""How far the argument "Cuba helps Russia's war" can reach each state, as of a date.

The 2025 US cable argues that Cuba helps Russia's war on Ukraine (Cubans fight in Russia's
army). How strongly that bites on a state depends on two things measured here:

- its *commitment to Ukraine*: its votes at every General Assembly roll call on Ukraine
  (the emergency special session ES-11 and the regular-session resolutions on Ukraine's
  territorial integrity, Crimea and the occupied territories, Zaporizhzhia) and on
  cooperation with the Russia-led bodies (:data:`RUSSIA_BODY_TITLES`), before the as-of
  date, and its co-sponsorship of the Ukraine drafts (:func:`ukraine_sponsorship`);
- its *exposure to Russia*: former Soviet-bloc membership, a land border with Russia and
  the distance to it (``unvote/facts/soviet_bloc.csv``, ``russia_distance.csv``).

:func:`ukraine_reach` joins them into one number in [0, 1]. All functions are pure: they
take the tidy roll-call table (:mod:`unvote.votes`) and the sponsors table
(:func:`unvote.sources.unxml.read_unxml_sponsors_dir`) and obey the as-of rule through
:func:`unvote.rollcalls.votes_before`.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from unvote import countries
from unvote.countries import read_facts
from unvote.errors import DataError
from unvote.rollcalls import RUSSIA, votes_before

#: Symbol prefix of the resolutions of the eleventh emergency special session, convened on
#: 28 February 2022 (Security Council resolution 2623) on Russia's invasion of Ukraine:
#: every one is a vote on the war (yes = for Ukraine; ES-11/3 suspends Russia from the
#: Human Rights Council, yes again the pro-Ukraine vote).
ES11_PREFIX = "A/RES/ES-11/"
#: Titles of the regular-session roll calls on Ukraine, where yes is the pro-Ukraine vote.
#: Each pattern (case-insensitive) with the resolutions it catches in the data (1946-2025).
UKRAINE_TITLES: dict[str, str] = {
    r"\bUkrain": "A/RES/68/262 'Territorial integrity of Ukraine' (2014, after Russia's "
    "annexation of Crimea); the Crimea human-rights resolutions (71/205 ... 77/229), the "
    "occupied-territories ones (78/221, 79/184), the militarization of Crimea, the Black Sea "
    "and the Sea of Azov (73/194 ... 76/70) and the safety of Ukraine's nuclear facilities "
    "(78/316). No title before 2014 names Ukraine, so nothing older is caught",
    r"\bCrimea\b|\bSevastopol\b": "the Crimea resolutions, also if a title left out 'Ukraine'",
    r"\bZaporizh": "the Zaporizhzhia nuclear power plant, occupied by Russia since 2022",
}
#: Titles of the roll calls on cooperation between the UN and a Russia-led body, where no is
#: the pro-Ukraine vote (the states that voted no on them are Ukraine and its neighbours).
#: The Shanghai Cooperation Organization is left out: China leads it as much as Russia, and
#: India, Pakistan and Iran are members, so a vote on it speaks to China and to Asia as much
#: as to Russia (in 2023 only Israel and the United States voted no; in 2025 most of the
#: European Union did).
RUSSIA_BODY_TITLES: dict[str, str] = {
    r"Collective Security Treaty Organization": "CSTO: Russia's military alliance with "
    "Armenia, Belarus, Kazakhstan, Kyrgyzstan and Tajikistan (A/RES/77/13, 79/10)",
    r"Commonwealth of Independent States": "CIS: the Russia-centred body of former Soviet "
    "republics, which Ukraine left in 2018 (A/RES/79/326)",
    r"Eurasian Economic Union": "EAEU: Russia's customs union (none put to a vote so far)",
}
#: Kinds of roll call in :func:`ukraine_roll_calls`, and their direction.
KINDS: dict[str, int] = {"es11": +1, "ukraine": +1, "russia_body": -1}
#: Score of each vote for Ukraine when yes is the pro-Ukraine vote (reversed when no is).
#: Absent counts as abstaining: on these votes staying away is itself a way of taking no
#: side (dozens of states are absent from each, far more than on most roll calls), so it
#: is neither support nor opposition.
PRO_SCORE: dict[str, float] = {"yes": 1.0, "abstain": 0.5, "absent": 0.5, "no": 0.0}
#: The score of taking no side; only a record above it is commitment to Ukraine.
NEUTRAL = 0.5
#: Russia's proximity falls to 1/e at this distance (km): the range of the Iskander-M
#: missiles Russia deploys, among other places in Kaliningrad and Belarus (about 500 km),
#: i.e. the states within range of Russia's short-range strike forces feel nearly all of it.
SCALE_KM = 500.0
#: Weight of co-sponsorship in the commitment term: sponsoring a draft costs more than
#: voting for it, but sponsor records exist only for the regular-session drafts of 2019 on
#: (not for ES-11), so the votes carry most of the weight.
SPONSOR_WEIGHT = 0.3
#: Share of the reach reserved to exposure to Russia: a fully committed state far from
#: Russia and outside its former bloc keeps half the reach of an exposed one. The cable's
#: argument is about Russia's war, which the frontline states live with; the distant
#: supporters of Ukraine still hear it, as a matter of principle.
EXPOSURE_WEIGHT = 0.5


def _matches(titles: pd.Series, patterns: dict[str, str]) -> pd.Series:
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    return titles.str.contains(pattern)


def ukraine_roll_calls(votes: pd.DataFrame) -> pd.DataFrame:
    """The roll calls on Ukraine and on the Russia-led bodies in ``votes``, any date.

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table (``resolution, date, title, iso3, vote`` ...).

    Returns
    -------
    DataFrame
        One row per roll call, sorted by date and resolution: ``resolution``, ``date``,
        ``title``, ``kind`` (``"es11"``: emergency special session on Ukraine;
        ``"ukraine"``: regular-session resolution on Ukraine, :data:`UKRAINE_TITLES`;
        ``"russia_body"``: cooperation with a Russia-led body, :data:`RUSSIA_BODY_TITLES`)
        and ``direction`` (+1 when yes is the pro-Ukraine vote, -1 when no is).
    """
    calls = votes[["resolution", "date", "title"]].drop_duplicates("resolution")
    calls = calls.assign(title=calls["title"].astype(str))
    kind = pd.Series(pd.NA, index=calls.index, dtype=object)
    kind[_matches(calls["title"], RUSSIA_BODY_TITLES)] = "russia_body"
    kind[_matches(calls["title"], UKRAINE_TITLES)] = "ukraine"
    kind[calls["resolution"].astype(str).str.startswith(ES11_PREFIX)] = "es11"
    out = calls.assign(kind=kind).dropna(subset=["kind"])
    out = out.assign(direction=out["kind"].map(KINDS).astype("int64"))
    out = out.sort_values(["date", "resolution"], kind="stable").reset_index(drop=True)
    return out[["resolution", "date", "title", "kind", "direction"]]


def ukraine_votes(votes: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``votes`` on the roll calls of :func:`ukraine_roll_calls`, and no others.

    They are all :func:`ukraine_reach` reads (and the ES-11 roll calls among them):
    ``ukraine_reach(ukraine_votes(votes), ...)`` equals ``ukraine_reach(votes, ...)``. The
    subset is well under 1% of the table, so a build over many as-of dates selects it once
    (:func:`unvote.features.build_features_table`).

    Returns
    -------
    DataFrame
        The selected rows of ``votes``, in their order.
    """
    calls = set(ukraine_roll_calls(votes)["resolution"])
    return votes.loc[votes["resolution"].isin(calls).to_numpy(dtype=bool)]


def ukraine_commitment(votes: pd.DataFrame, as_of, members=None) -> pd.DataFrame:
    """Each state's pro-Ukraine voting record over the roll calls before ``as_of``.

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table.
    as_of : date-like
        Only roll calls strictly before this day count.
    members : iterable of str, optional
        ISO3 codes of the rows; default the UN members on ``as_of``.

    Returns
    -------
    DataFrame
        Index ``iso3`` (sorted ``members``); ``ukraine_commitment`` in [0, 1]: the mean
        over the :func:`ukraine_roll_calls` held before ``as_of`` while the state was a
        member of :data:`PRO_SCORE` (pro-Ukraine vote 1, abstain or absent 0.5, against
        0), NaN when there was none; ``n_ukraine_rollcalls`` (int) the number of them.
    """
    index = countries.member_index(as_of, members)
    before = votes_before(votes, as_of)
    calls = ukraine_roll_calls(before).set_index("resolution")["direction"]
    rows = before.loc[before["resolution"].isin(calls.index)]
    score = rows["vote"].astype(str).map(PRO_SCORE).to_numpy(dtype=float)
    direction = rows["resolution"].map(calls).to_numpy(dtype=float)
    # against a Russia-led body (no) is the pro-Ukraine vote: 1 - score reverses it
    pro = np.where(direction > 0, score, 1.0 - score)
    grouped = pd.Series(pro, index=rows["iso3"].to_numpy()).groupby(level=0)
    out = pd.DataFrame(
        {
            "ukraine_commitment": grouped.mean().reindex(index),
            "n_ukraine_rollcalls": grouped.size().reindex(index).fillna(0).astype("int64"),
        },
        index=index,
    )
    return out


def ukraine_sponsorship(sponsors: pd.DataFrame, votes: pd.DataFrame, as_of, members=None):
    """Each state's share of the pro-Ukraine drafts it (co-)sponsored, before ``as_of``.

    Parameters
    ----------
    sponsors : DataFrame
        ``resolution, date, iso3, kind`` (:func:`unvote.sources.unxml.read_unxml_sponsors_dir`).
    votes : DataFrame
        Tidy roll-call table, to find the Ukraine roll calls and who was a member at each.
    as_of : date-like
        Only roll calls strictly before this day count.
    members : iterable of str, optional
        ISO3 codes of the rows; default the UN members on ``as_of``.

    Returns
    -------
    DataFrame
        Index ``iso3`` (sorted ``members``); ``ukraine_sponsorship`` in [0, 1]: among the
        roll calls of :func:`ukraine_roll_calls` with direction +1 (a yes is for Ukraine:
        co-sponsoring the Russia-led bodies' drafts is no commitment to Ukraine) that have
        sponsor records and were held before ``as_of`` while the state was a member, the
        share it sponsored or co-sponsored; NaN when there was none. ``n_sponsor_records``
        (int): the number of those roll calls.
    """
    index = countries.member_index(as_of, members)
    before = votes_before(votes, as_of)
    calls = ukraine_roll_calls(before)
    recorded = set(sponsors["resolution"].unique())  # not row by row: it runs for every date
    pro = calls.loc[(calls["direction"] > 0) & calls["resolution"].isin(recorded), "resolution"]
    seats = before.loc[before["resolution"].isin(set(pro)), ["resolution", "iso3"]]
    sponsored = sponsors.loc[sponsors["resolution"].isin(set(pro)), ["resolution", "iso3"]]
    sponsored = sponsored.drop_duplicates().assign(sponsored=True)
    seats = seats.merge(sponsored, on=["resolution", "iso3"], how="left")
    seats["sponsored"] = seats["sponsored"].eq(True)
    grouped = seats.groupby("iso3")["sponsored"]
    return pd.DataFrame(
        {
            "ukraine_sponsorship": grouped.mean().reindex(index).astype(float),
            "n_sponsor_records": grouped.size().reindex(index).fillna(0).astype("int64"),
        },
        index=index,
    )


@cache
def soviet_bloc() -> pd.DataFrame:
    """``unvote/facts/soviet_bloc.csv``: ``iso3``, ``kind`` (``ussr`` or ``warsaw_pact``)."""
    table = read_facts("soviet_bloc.csv", ())
    bad = sorted(set(table["kind"]) - {"ussr", "warsaw_pact"})
    if bad:
        raise DataError(f"unvote/facts/soviet_bloc.csv: kind {bad}; allowed ussr, warsaw_pact")
    return table


@cache
def russia_distance() -> pd.DataFrame:
    """``unvote/facts/russia_distance.csv``: ``iso3``, ``borders_russia``, ``km_to_russia``."""
    table = read_facts("russia_distance.csv", ())
    try:
        return table.astype({"borders_russia": int, "km_to_russia": float})
    except ValueError as err:
        raise DataError(f"unvote/facts/russia_distance.csv: {err}; allowed: numbers") from err


def russia_exposure(members) -> pd.DataFrame:
    """Each state's exposure to Russia: former bloc, land border, distance.

    Parameters
    ----------
    members : iterable of str
        ISO3 codes.

    Returns
    -------
    DataFrame
        Index ``iso3`` (sorted ``members``): ``former_soviet_bloc`` (bool: a former
        Soviet republic or Warsaw Pact member, Russia included), ``borders_russia``
        (bool, land borders only), ``km_to_russia`` (float, 0 when bordering; NaN for a
        state with no outline today: Czechoslovakia, the Socialist Federal Republic of
        Yugoslavia) and ``russia_proximity`` = exp(-km_to_russia / :data:`SCALE_KM`) in
        [0, 1] (1 when bordering, 0.37 at 500 km, 0.14 at 1000 km, 0 without outline).
    """
    index = pd.Index(sorted(members), name="iso3")
    distance = russia_distance().set_index("iso3")
    km = distance["km_to_russia"].astype(float).reindex(index)
    return pd.DataFrame(
        {
            "former_soviet_bloc": index.isin(soviet_bloc()["iso3"]),
            "borders_russia": distance["borders_russia"].reindex(index).eq(1).to_numpy(),
            "km_to_russia": km,
            "russia_proximity": pd.Series(np.exp(-km / SCALE_KM)).fillna(0.0).to_numpy(),
        },
        index=index,
    )


def ukraine_reach(votes: pd.DataFrame, sponsors: pd.DataFrame, as_of, members=None):
    """How strongly the argument "Cuba helps Russia's war" can bite on each state.

    The formula (constants named and explained in this module)::

        support  = clip((ukraine_commitment - NEUTRAL) / (1 - NEUTRAL), 0, 1)   (0 if NaN)
        engaged  = support * (1 - SPONSOR_WEIGHT + SPONSOR_WEIGHT * sponsorship)
        exposure = max(former_soviet_bloc, borders_russia, russia_proximity)
        reach    = engaged * (1 - EXPOSURE_WEIGHT + EXPOSURE_WEIGHT * exposure)

    with ``sponsorship`` taken as 0 where there is no sponsor record, and reach 0 for
    Russia. Invariants: reach is in [0, 1]; it is 0 for a state with no pro-Ukraine
    record (no roll call, or no more votes for Ukraine than against it, which includes
    Russia's allies); it grows with commitment and sponsorship; and at equal commitment a
    state exposed to Russia has more of it than a distant one (up to twice as much).

    Parameters
    ----------
    votes : DataFrame
        Tidy roll-call table.
    sponsors : DataFrame
        Sponsors table (``resolution, date, iso3, kind``).
    as_of : date-like
        Only roll calls strictly before this day count.
    members : iterable of str, optional
        ISO3 codes of the rows; default the UN members on ``as_of``.

    Returns
    -------
    DataFrame
        Index ``iso3`` (sorted members): the columns of :func:`ukraine_commitment`,
        :func:`ukraine_sponsorship` and :func:`russia_exposure`, then ``ukraine_reach``.
    """
    index = countries.member_index(as_of, members)
    out = ukraine_commitment(votes, as_of, index).join(
        [ukraine_sponsorship(sponsors, votes, as_of, index), russia_exposure(index)]
    )
    commitment = out["ukraine_commitment"].fillna(0.0)
    support = ((commitment - NEUTRAL) / (1.0 - NEUTRAL)).clip(0.0, 1.0)
    sponsorship = out["ukraine_sponsorship"].fillna(0.0)
    engaged = support * (1.0 - SPONSOR_WEIGHT + SPONSOR_WEIGHT * sponsorship)
    exposure = np.maximum.reduce(
        [
            out["former_soviet_bloc"].to_numpy(dtype=float),
            out["borders_russia"].to_numpy(dtype=float),
            out["russia_proximity"].to_numpy(dtype=float),
        ]
    )
    reach = engaged * (1.0 - EXPOSURE_WEIGHT + EXPOSURE_WEIGHT * exposure)
    out["ukraine_reach"] = reach.where(out.index != RUSSIA, 0.0)
    return out
