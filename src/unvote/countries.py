"""Member states as facts: who was a UN member on a day, what the records call them, and
which regional group and blocs they belonged to.

Every fact is a row of a CSV table in ``unvote/facts/`` that names its source:

- ``members.csv``: spells of UN membership (admission, last day), one row per spell;
- ``un_names.csv``: the UN's spellings and names of the time that ISO 3166 does not know;
- ``regional_groups.csv``: UN electoral groups, with dated changes since 1992;
- ``blocs.csv``: EU, NATO and other blocs, one row per spell of membership.

Keys are ISO3 codes as the UN's bulk voting data uses them: the former states keep their
ISO 3166-3 codes (CSK, DDR, YMD, YUG), Zanzibar gets ZAN, and successors that continued a
seat keep the predecessor's row (USSR -> RUS, Federal Republic of Germany -> DEU, United
Arab Republic -> EGY, Tanganyika -> TZA, Federal Republic of Yugoslavia -> SRB).

Dates are days (``datetime64``); ``left`` and ``*_left`` are the LAST day as a member.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import pycountry

from unvote.dates import as_day
from unvote.errors import DataError, UnvoteError

#: UN regional (electoral) groups, in the UN's order.
GROUPS: tuple[str, ...] = (
    "African",
    "Asia-Pacific",
    "Eastern European",
    "Latin American and Caribbean",
    "Western European and Others",
)

_FAR_FUTURE = pd.Timestamp("2262-01-01")


# --- reading the facts --------------------------------------------------------------------
def read_facts(name: str, date_columns: tuple[str, ...]) -> pd.DataFrame:
    """Read one facts table of the package; header lines starting with '#' are its sources."""
    with resources.files("unvote").joinpath("facts", name).open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, comment="#", dtype=str, keep_default_na=False)
    for column in date_columns:
        try:
            frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d")
        except (ValueError, TypeError) as err:
            raise DataError(f"unvote/facts/{name}: column {column!r}: {err}") from err
    return frame


@cache
def _members() -> pd.DataFrame:
    return read_facts("members.csv", ("admitted", "left"))


def membership() -> pd.DataFrame:
    """Spells of UN membership of every member state, 1945 to today.

    Returns
    -------
    DataFrame
        One row per spell (Syria 1958-1961 and Indonesia 1965-1966 have two), columns
        ``iso3`` (str), ``name`` (short English name), ``admitted`` (first day, datetime64),
        ``left`` (last day as a member, NaT while still a member), sorted by iso3 then
        admitted. A copy: changing it does not change the facts.
    """
    table = _members()[["iso3", "name", "admitted", "left"]]
    return table.sort_values(["iso3", "admitted"], ignore_index=True)


@cache
def _membership_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = membership()
    return (
        table["iso3"].to_numpy(dtype=object),
        table["admitted"].to_numpy(dtype="datetime64[ns]"),
        table["left"].fillna(_FAR_FUTURE).to_numpy(dtype="datetime64[ns]"),
    )


def members_on(date) -> list[str]:
    """ISO3 codes of the UN member states on a day, sorted.

    Parameters
    ----------
    date : str, datetime or Timestamp
        The day; a time of day is ignored.

    Returns
    -------
    list of str
        Sorted ISO3 codes; ``len(members_on("2024-10-30")) == 193``.
    """
    day = np.datetime64(as_day(date), "ns")
    iso3, admitted, left = _membership_arrays()
    return sorted(set(iso3[(admitted <= day) & (day <= left)]))


def member_index(date, members=None) -> pd.Index:
    """The rows of a per-state table on ``date``: ``members`` sorted, default those of the day.

    Returns
    -------
    pandas.Index
        Sorted ISO3 codes, named ``iso3``.
    """
    return pd.Index(sorted(members_on(date) if members is None else members), name="iso3")


def member_mask(iso3, dates) -> np.ndarray:
    """Whether each (iso3, date) pair was a UN member on that day, vectorised.

    Parameters
    ----------
    iso3 : array-like of str, length n
    dates : array-like of datetime64, length n

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    frame = pd.DataFrame(
        {
            "iso3": np.asarray(iso3, dtype=object),
            "day": pd.to_datetime(np.asarray(dates)).normalize(),
        }
    )
    frame["row"] = np.arange(len(frame))
    spells = frame.merge(membership()[["iso3", "admitted", "left"]], on="iso3")
    inside = (spells["day"] >= spells["admitted"]) & (
        spells["day"] <= spells["left"].fillna(_FAR_FUTURE)
    )
    out = np.zeros(len(frame), dtype=bool)
    out[spells.loc[inside, "row"].to_numpy()] = True
    return out


@cache
def _display_names() -> dict[str, str]:
    return dict(zip(_members()["iso3"], _members()["name"], strict=True))


def display_name(iso3: str) -> str:
    """Short English name of a member state, e.g. ``display_name("GBR") == "United Kingdom"``.

    Raises
    ------
    DataError
        If ``iso3`` is not the code of any member state, 1945 to today.
    """
    try:
        return _display_names()[iso3]
    except KeyError:
        raise DataError(
            f"unknown ISO3 code {iso3!r}: not a UN member state 1945-today "
            "(see unvote/facts/members.csv)"
        ) from None


# --- names --------------------------------------------------------------------------------
_APOSTROPHES = re.compile("[\u2018\u2019\u02bc\u0060\u00b4\u2032]")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """The form names are compared in: upper case, no accents, plain apostrophes and
    dashes, single spaces (non-breaking ones included), no spaces at the ends.

    ``normalise_name("Türkiye\\xa0") == "TURKIYE"``; ``"CÔTE D’IVOIRE"`` gives
    ``"COTE D'IVOIRE"``.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DASHES.sub("-", _APOSTROPHES.sub("'", text))
    # Dotless i (from the Turkish spelling) has no decomposition; make it a plain I.
    text = text.replace("\u0131", "i")
    return _SPACE.sub(" ", text).strip().upper()


@cache
def _name_index() -> tuple[dict[str, str], dict[str, pd.DataFrame]]:
    """Normalised name -> ISO3, and the names whose meaning depends on the date."""
    known = set(_members()["iso3"])
    index: dict[str, str] = {}
    for country in pycountry.countries:
        if country.alpha_3 not in known:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index[normalise_name(value)] = country.alpha_3
    for code, name in _display_names().items():
        index[normalise_name(name)] = code
    aliases = read_facts("un_names.csv", ("valid_from", "valid_to"))
    unknown = sorted(set(aliases["iso3"]) - known)
    if unknown:
        raise DataError(f"unvote/facts/un_names.csv: iso3 {unknown} not in members.csv")
    aliases["key"] = aliases["name"].map(normalise_name)
    dated = aliases["valid_from"].notna() | aliases["valid_to"].notna()
    for key, code in zip(aliases.loc[~dated, "key"], aliases.loc[~dated, "iso3"], strict=True):
        index[key] = code
    by_date = {str(key): rows for key, rows in aliases.loc[dated].groupby("key")}
    for key in by_date:
        index.pop(key, None)
    return index, by_date


def _span(code: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    if pd.isna(start):
        return f"{code} up to {end.date()}"
    if pd.isna(end):
        return f"{code} from {start.date()}"
    return f"{code} from {start.date()} to {end.date()}"


def _dated_code(name: str, rows: pd.DataFrame, date, source: str) -> str:
    spans = "; ".join(
        _span(*span)
        for span in zip(rows["iso3"], rows["valid_from"], rows["valid_to"], strict=True)
    )
    if date is None:
        raise DataError(f"{source}: country name {name!r} means {spans}; pass the vote's date")
    day = as_day(date, f"{source}: date for {name!r}")
    hit = rows[
        (rows["valid_from"].isna() | (rows["valid_from"] <= day))
        & (rows["valid_to"].isna() | (day <= rows["valid_to"]))
    ]
    if len(hit) != 1:
        raise DataError(f"{source}: country name {name!r} on {day.date()}: allowed {spans}")
    return str(hit["iso3"].iloc[0])


def name_to_iso3(name: str, *, source: str, date=None) -> str:
    """ISO3 code of the member state a UN record names.

    Matches after :func:`normalise_name` against the UN's own spellings and names of the
    time (``unvote/facts/un_names.csv``), ISO 3166 names (pycountry) and the display names.

    Parameters
    ----------
    name : str
        As written in the record, e.g. ``"TÜRKIYE"``, ``"USSR"``, ``"COTE D'IVOIRE"``.
    source : str
        The file (and column or row) the name comes from, for the error message.
    date : date-like, optional
        The record's date; needed only for names that meant two states ("YUGOSLAVIA":
        YUG to 2000-10-31, SRB from 2000-11-01).

    Returns
    -------
    str
        ISO3 code of a state in :func:`membership`.

    Raises
    ------
    DataError
        Naming ``source`` and ``name`` when the name is unknown or needs a date.
    """
    key = normalise_name(name)
    index, by_date = _name_index()
    code = index.get(key)
    if code is not None:
        return code
    if key in by_date:
        return _dated_code(name, by_date[key], date, source)
    raise DataError(
        f"{source}: unknown country name {name!r} (normalised {key!r}); add it with its "
        "ISO3 code to unvote/facts/un_names.csv if it is a UN member state"
    )


def names_to_iso3(names, *, source: str, dates=None) -> pd.Series:
    """Vectorised :func:`name_to_iso3`: each distinct name is looked up once.

    Parameters
    ----------
    names : array-like of str, length n
    source : str
        File the names come from, for error messages.
    dates : array-like of datetime64, length n, optional
        Needed when a name that meant two states occurs (see :func:`name_to_iso3`).

    Returns
    -------
    Series of str, length n
        ISO3 codes, with the index of ``names`` if it is a Series.
    """
    names = pd.Series(names) if not isinstance(names, pd.Series) else names
    index, by_date = _name_index()
    uniques = pd.unique(names.to_numpy(dtype=object))
    lookup = {}
    dated = []
    for value in uniques:
        key = normalise_name(value)
        if key in by_date:
            dated.append(value)
        else:
            lookup[value] = name_to_iso3(value, source=source)
    out = names.map(lookup).astype(object)
    if dated:
        if dates is None:
            name_to_iso3(dated[0], source=source)  # raises: the name needs a date
        days = pd.Series(pd.to_datetime(np.asarray(dates)), index=names.index)
        rows = names.isin(dated)
        pairs = pd.DataFrame({"name": names[rows], "day": days[rows].dt.normalize()})
        for (value, day), group in pairs.groupby(["name", "day"], sort=False):
            out[group.index] = name_to_iso3(str(value), source=source, date=day)
    return out.astype(str)


def code_to_iso3(code: str, *, source: str) -> str:
    """ISO3 of a member state from a code in the UN Digital Library's ``ms_code`` column.

    The Digital Library writes the Federal Republic of Germany before 1990 as ``GER``;
    every other code is already the ISO3 this package uses.

    Raises
    ------
    DataError
        If the code is not one of a member state (1945 to today).
    """
    value = str(code).strip().upper()
    value = {"GER": "DEU"}.get(value, value)
    if value not in _display_names():
        raise DataError(
            f"{source}: unknown member-state code {code!r}; expected an ISO3 code of "
            "unvote/facts/members.csv (or GER for the Federal Republic of Germany)"
        )
    return value


# --- regional groups and blocs ------------------------------------------------------------
#: First day the regional-group table is complete for (its dated changes start in 1992).
GROUPS_FROM = pd.Timestamp("1992-01-01")


@cache
def _groups() -> pd.DataFrame:
    table = read_facts("regional_groups.csv", ("from", "to"))
    bad = sorted(set(table["group"]) - set(GROUPS))
    if bad:
        raise DataError(f"unvote/facts/regional_groups.csv: group {bad}; allowed {GROUPS}")
    return table


def _in_spell(start: pd.Series, end: pd.Series, day: pd.Timestamp) -> pd.Series:
    return (start.isna() | (start <= day)) & (end.isna() | (day <= end))


def regional_groups(date) -> pd.Series:
    """UN regional group of every member state on a day.

    The United States, formally an observer of the Western European and Others Group
    (WEOG) that is counted with it for elections, is put in WEOG.

    Parameters
    ----------
    date : date-like
        A day from 1992-01-01 on (the facts do not record the group changes before).

    Returns
    -------
    Series of str, index iso3 (every member on ``date``, sorted), name ``group``
        One of :data:`GROUPS`, or ``<NA>`` for a member in no group (Israel before
        2000-05-28, Kiribati before 2010).
    """
    day = as_day(date)
    if day < GROUPS_FROM:
        raise UnvoteError(
            f"regional_groups: date {day.date()} is before {GROUPS_FROM.date()}, the first "
            "day unvote/facts/regional_groups.csv covers"
        )
    table = _groups()
    current = table[_in_spell(table["from"], table["to"], day)]
    out = pd.Series(pd.NA, index=pd.Index(members_on(day), name="iso3"), dtype="string")
    current = current[current["iso3"].isin(out.index)]
    out[current["iso3"].to_numpy()] = current["group"].to_numpy()
    return out.rename("group")


@cache
def _blocs() -> pd.DataFrame:
    table = read_facts("blocs.csv", ("joined", "left"))
    unknown = sorted(set(table["iso3"]) - set(_members()["iso3"]))
    if unknown:
        raise DataError(f"unvote/facts/blocs.csv: iso3 {unknown} not in members.csv")
    return table


def bloc_names() -> tuple[str, ...]:
    """Column names of :func:`blocs`, in the order of ``unvote/facts/blocs.csv``."""
    return tuple(pd.unique(_blocs()["bloc"]))


def bloc_spells() -> pd.DataFrame:
    """Every spell of bloc membership, as in the facts file.

    Returns
    -------
    DataFrame
        Columns ``bloc, iso3, joined, left`` (datetime64; ``left`` is the last day, NaT
        while still a member), ``precision``, ``source``, ``note``.
    """
    return _blocs().copy()


def blocs(date) -> pd.DataFrame:
    """Bloc memberships of every UN member state on a day.

    Parameters
    ----------
    date : date-like

    Returns
    -------
    DataFrame, index iso3 (every member on ``date``, sorted), one bool column per bloc
        Columns :func:`bloc_names`: ``eu, nato, mnna, csto, alba, caricom, arab_league,
        cofa, oas``. See ``unvote/facts/blocs.csv`` for each bloc's definition and sources.
    """
    day = as_day(date)
    table = _blocs()
    current = table[_in_spell(table["joined"], table["left"], day)]
    index = pd.Index(members_on(day), name="iso3")
    return pd.DataFrame(
        {bloc: index.isin(current.loc[current["bloc"] == bloc, "iso3"]) for bloc in bloc_names()},
        index=index,
    )


def countries_table(start="1992-01-01", end="2025-09-30") -> pd.DataFrame:
    """Every state that was a UN member at any time in a period, with its group and blocs.

    This is ``data/processed/countries.csv``.

    Parameters
    ----------
    start, end : date-like
        The period, both days included.

    Returns
    -------
    DataFrame, one row per member state, sorted by iso3
        ``iso3``, ``country`` (short English name), ``un_group`` (the group on ``end``, or
        on the last day as a member; empty when in none or when that day is before 1992),
        ``admitted`` and ``left`` (first admission and last day as a member, ``left`` empty
        while still one), then for each bloc
        ``<bloc>_joined`` and ``<bloc>_left``: first and last day of each spell of
        membership that overlaps the period, empty when never a member in it. A state with
        several spells lists them in order separated by ``;`` (the i-th ``left`` closes the
        i-th ``joined``), e.g. Bolivia in ALBA: ``2006-04-29;2020-11-01`` and
        ``2019-11-15;``; an empty ``left`` means still a member. Dates are ISO strings
        ``YYYY-MM-DD``.
    """
    first, last = as_day(start, "start"), as_day(end, "end")
    if last < first:
        raise UnvoteError(f"countries_table: end {last.date()} is before start {first.date()}")
    spells = membership()
    spells = spells[
        (spells["admitted"] <= last) & (spells["left"].isna() | (spells["left"] >= first))
    ]
    # admitted is the first admission ever (Syria: 1945), left the end of the last spell.
    every = membership()
    every = every[every["iso3"].isin(spells["iso3"])].sort_values(["iso3", "admitted"])
    rows = every.groupby("iso3", sort=True).agg(
        country=("name", "first"),
        admitted=("admitted", "first"),
        left=("left", lambda values: values.iloc[-1]),
    )

    group_day = rows["left"].where(rows["left"].notna() & (rows["left"] < last), last)
    by_day = {day: regional_groups(day) for day in set(group_day) if day >= GROUPS_FROM}
    rows["un_group"] = [
        by_day[day].get(code, pd.NA) if day in by_day else pd.NA for code, day in group_day.items()
    ]

    def day_str(values: pd.Series) -> pd.Series:
        return values.dt.strftime("%Y-%m-%d").fillna("")

    table = pd.DataFrame(
        {
            "iso3": rows.index,
            "country": rows["country"].to_numpy(),
            "un_group": rows["un_group"].fillna("").to_numpy(),
            "admitted": day_str(rows["admitted"]).to_numpy(),
            "left": day_str(rows["left"]).to_numpy(),
        }
    )
    bloc_table = _blocs()
    overlap = bloc_table[
        (bloc_table["joined"] <= last)
        & (bloc_table["left"].isna() | (bloc_table["left"] >= first))
    ].sort_values(["iso3", "joined"])
    overlap = overlap.assign(joined=day_str(overlap["joined"]), left=day_str(overlap["left"]))
    for bloc in bloc_names():
        spells_of = overlap[overlap["bloc"] == bloc].groupby("iso3")
        table[f"{bloc}_joined"] = table["iso3"].map(spells_of["joined"].agg(";".join))
        table[f"{bloc}_left"] = table["iso3"].map(spells_of["left"].agg(";".join))
    return table.fillna("")
