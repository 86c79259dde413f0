"""Blocs and regional groups by name, and keys naming them expanded to the states of a day.

Wherever a scenario (``[overrides]``, ``[given]``, ``[together]``) or ``--given`` accepts an
ISO3 code, it accepts a bloc (``EU``, ``NATO``, ... the boolean columns of the features
table) or a regional group (``African``, ...) too, in any case; :func:`expand_keys` turns
them into the members of the as-of date.
"""

from __future__ import annotations

import re
from typing import Any

from unvote.errors import ScenarioError

#: An ISO3 code as a key (a name of a bloc or group is anything else).
ISO3_RE = re.compile(r"^[A-Z]{3}$")


def _normal(name: str) -> str:
    """Names compare in any case, with spaces, hyphens and underscores alike."""
    return re.sub(r"[\s_-]+", "_", name.strip().lower())


def unit_names() -> dict[str, tuple[str, str]]:
    """Every bloc and regional group a scenario may name.

    Returns
    -------
    dict
        Normalised name (``eu``, ``arab_league``, ``asia_pacific``, ...) ->
        ``("bloc", column)`` for the blocs (the boolean columns of the features table,
        :func:`unvote.countries.bloc_names`) or ``("group", name)`` for the regional groups
        (:data:`unvote.countries.GROUPS`).
    """
    from unvote.countries import GROUPS, bloc_names

    out = {_normal(bloc): ("bloc", bloc) for bloc in bloc_names()}
    out.update({_normal(group): ("group", group) for group in GROUPS})
    return out


def unit_of(name: str) -> tuple[str, str] | None:
    """``("bloc", column)`` or ``("group", name)`` for a bloc or group name, else None."""
    return unit_names().get(_normal(name)) if isinstance(name, str) else None


def unit_list() -> str:
    from unvote.countries import GROUPS, bloc_names

    return f"blocs {', '.join(bloc_names())}; groups {', '.join(GROUPS)}"


def allowed_keys() -> str:
    """What a key of ``[overrides]``, ``[given]`` or ``--given`` may be, for messages."""
    return f"ISO3 codes of UN member states, or a bloc or regional group (any case): {unit_list()}"


def unit_members(name: str, memberships) -> tuple[str, ...]:
    """ISO3 of the members of a bloc or group in ``memberships`` (the states of one day).

    Parameters
    ----------
    name : str
        A bloc or group name (:func:`unit_names`), any case.
    memberships : DataFrame
        Index ISO3 (the members of the day), a ``group`` column and one boolean column per
        bloc: the features table as of a date, or :func:`memberships_on`.

    Returns
    -------
    tuple of str, sorted (empty if the unit had no member that day)
    """
    unit = unit_of(name)
    if unit is None:
        raise KeyError(name)
    kind, column = unit
    mask = memberships[column].astype(bool) if kind == "bloc" else memberships["group"] == column
    return tuple(sorted(memberships.index[mask.to_numpy()]))


def memberships_on(date):
    """Every member state on ``date`` with its regional group and blocs.

    Returns
    -------
    DataFrame
        Index ISO3; ``group`` (str) and one boolean column per bloc, from
        ``unvote/facts`` (:func:`unvote.countries.blocs`, :func:`unvote.countries.regional_groups`).
    """
    from unvote.countries import blocs, regional_groups

    table = blocs(date)
    return table.assign(group=regional_groups(date).reindex(table.index).astype(object))


def expand_keys(
    entries, memberships, *, on: str, wheres: dict[str, str] | None = None
) -> dict[str, Any]:
    """Assignments keyed by ISO3 codes, blocs or groups, as one value per member state.

    Parameters
    ----------
    entries : sequence of (key, value, origin, where)
        In order of precedence, lowest first. ``origin`` groups the entries of one table
        (a file's ``[given]``, the ``--given`` option); ``where`` names the entry in
        errors (``"s.toml: key 'overrides.EU'"``).
    memberships : DataFrame
        The states of the day (:func:`unit_members`).
    on : str
        The day, for the messages.
    wheres : dict, optional
        Filled with ISO3 -> the ``where`` of the entry that set its value.

    Returns
    -------
    dict
        ISO3 -> value. An ISO3 code beats a name (it is the more specific assumption);
        between origins, a later one beats an earlier one.

    Raises
    ------
    ScenarioError
        If an ISO3 code is not a member that day, a name has no member that day, or two
        names of one origin give a state different values.
    """
    out: dict[str, Any] = {}
    wheres = {} if wheres is None else wheres
    named_by: dict[str, tuple[str, str]] = {}
    conflicts: dict[str, str] = {}
    codes = []
    for key, value, origin, where in entries:
        if ISO3_RE.match(key) or unit_of(key) is None:
            codes.append((key, value, where))
            continue
        members = unit_members(key, memberships)
        if not members:
            raise ScenarioError(
                f"{where}: {key!r} has no member state on {on}; allowed: a bloc or group "
                "with members that day"
            )
        for iso3 in members:
            previous = named_by.get(iso3)
            if previous and previous[0] == origin and out[iso3] != value:
                conflicts.setdefault(
                    iso3,
                    f"{where}: {key!r} gives {iso3} another value than {previous[1]!r} "
                    f"does; allowed: names whose members do not disagree (or name {iso3} "
                    "itself, which wins)",
                )
            out[iso3] = value
            named_by[iso3] = (origin, key)
            wheres[iso3] = where
    for key, value, where in codes:
        if key not in memberships.index:
            raise ScenarioError(
                f"{where}: {key} is not a UN member on {on}; allowed: the "
                f"{len(memberships)} members of that day"
            )
        out[key] = value
        wheres[key] = where
        conflicts.pop(key, None)
    if conflicts:
        raise ScenarioError(next(iter(conflicts.values())))
    return out


def all_iso3() -> frozenset[str]:
    """ISO3 codes of every state that has ever been a UN member."""
    from unvote.countries import membership

    return frozenset(membership()["iso3"])
