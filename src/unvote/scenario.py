"""Scenarios: what a user assumes about the coming vote, loaded from TOML and checked once.

A scenario is a set of *levers*. Each lever moves probability away from yes, towards
abstain, no and absence in stated shares (its ``split``), with a strength drawn per
simulation from a range ``[low, high]``:

- ``anchor = "campaign"``: the strength is a multiple of the model's fitted 2017-2019
  campaign effect (the drop in the log-probability of yes that the campaign term gives the
  country, so it is scaled by the country's features the way the model learned it; with
  ``share_by``, its total over the members is shared as below);
- ``anchor = "feature"``: the strength is ``value * feature`` with ``feature`` a share in
  [0, 1] (e.g. ``ukraine_yes_share``), for arguments without a precedent. With
  ``share_by`` (another such feature, e.g. ``ukraine_reach``) the same total,
  ``value * sum(feature)`` over the members, is shared among them in proportion to
  ``share_by`` instead: the range says how much the lever moves, ``share_by`` who it moves.

How a strength enters the model's linear predictors is in :func:`unvote.levers.apply_levers`.
A user's file may also fix countries in ``[overrides]`` (ISO3 = a vote, or a table of
probabilities), state votes already known in ``[given]`` (ISO3 = a vote: the forecast is
conditioned on them, :mod:`unvote.conditioning`), and let a bloc move as one in
``[together.<name>]`` (``vote`` and ``probability``: one switch per simulation for all its
members). Wherever an ISO3 code is accepted, so is a bloc (``EU``, ``NATO``, ... the
boolean columns of the features table) or a regional group (``African``, ...), in any
case (:mod:`unvote.blocs`); :func:`resolve_scenario` expands them to the members of the
as-of date. Every check
of the file happens in :func:`load_scenario`, which raises
:class:`~unvote.errors.ScenarioError` naming the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import math
import re
import reprlib
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from unvote import paths
from unvote.blocs import (
    ISO3_RE,
    all_iso3,
    allowed_keys,
    expand_keys,
    unit_list,
    unit_members,
    unit_of,
)
from unvote.errors import ScenarioError
from unvote.votes import NON_YES, VOTE_LEVELS

ANCHORS: tuple[str, ...] = ("campaign", "feature")
#: Features a lever may scale with: shares in [0, 1], so "value per unit" means "at full share".
LEVER_FEATURES: tuple[str, ...] = (
    "agree_us",
    "agree_rus",
    "ukraine_yes_share",
    "ukraine_no_share",
    "ukraine_commitment",
    "ukraine_reach",
    "agree_us_admin_pct",
    "us_lonely_pct",
    "us_susceptibility",
)
#: A strength above this (in log-probability of yes) would mean p_yes falls by e**-10.
MAX_STRENGTH = 10.0

_TOP_KEYS = ("name", "description", "levers", "overrides", "given", "together")
_TOGETHER_KEYS = ("description", "vote", "probability")
_LEVER_KEYS = ("description", "anchor", "feature", "share_by", "range", "split")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Lever:
    """One way the scenario moves votes away from yes.

    Attributes
    ----------
    name : str
        The lever's key in the file (``[levers.<name>]``).
    anchor : {"campaign", "feature"}
        What ``low``/``high`` multiply: the fitted 2017-2019 campaign effect, or ``feature``.
    low, high : float
        Range of the strength, drawn uniformly per simulation (midpoint when fixed).
    split : tuple of float
        Shares of the probability taken from yes that go to abstain, no, absent (sum 1).
    feature : str or None
        Feature column the strength scales with (anchor "feature" only).
    description : str
        What the lever stands for, from the file.
    share_by : str or None
        Feature column that shares the lever's total among the states: the total over the
        members (``value * sum(feature)``, or the multiple of the summed campaign effect)
        stays, its split follows ``share_by``.
    """

    name: str
    anchor: str
    low: float
    high: float
    split: tuple[float, float, float]
    feature: str | None = None
    description: str = ""
    share_by: str | None = None

    @property
    def mid(self) -> float:
        """The midpoint of the range: the strength used when effect uncertainty is off."""
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Together:
    """A bloc or group that casts one vote together in a share of the simulations.

    Attributes
    ----------
    name : str
        The bloc or group as written in the file (``[together.<name>]``).
    vote : str
        The vote its members cast when the switch is on (one of ``VOTE_LEVELS``).
    probability : float
        Chance, per simulation, that the switch is on: one uniform per simulation decides
        for every member at once.
    description : str
    members : tuple of str
        ISO3 of its members on the as-of date; empty until :func:`resolve_scenario`.
    """

    name: str
    vote: str
    probability: float
    description: str = ""
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: levers plus per-country overrides.

    ``overrides`` maps ISO3 (or a bloc or group name, see :func:`unit_members`) to fixed
    probabilities in ``VOTE_LEVELS`` order (yes, abstain, no, absent), kept as a sorted
    tuple of pairs so the object stays frozen. ``given`` holds the votes the forecast is
    conditioned on (key, vote), ``together`` the blocs that may move as one.
    """

    name: str
    description: str = ""
    levers: tuple[Lever, ...] = ()
    overrides: tuple[tuple[str, tuple[float, float, float, float]], ...] = ()
    source: str = ""
    given: tuple[tuple[str, str], ...] = ()
    together: tuple[Together, ...] = ()

    @property
    def override_map(self) -> dict[str, tuple[float, float, float, float]]:
        """The overrides as a dict ISO3 -> probabilities (yes, abstain, no, absent)."""
        return dict(self.overrides)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as loaded, as plain JSON-able data (for forecast.json)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": _portable(self.source),
            "levers": {
                lever.name: {
                    "description": lever.description,
                    "anchor": lever.anchor,
                    "feature": lever.feature,
                    "share_by": lever.share_by,
                    "range": [lever.low, lever.high],
                    "split": dict(zip(NON_YES, lever.split, strict=True)),
                }
                for lever in self.levers
            },
            "overrides": {
                iso3: dict(zip(VOTE_LEVELS, probs, strict=True)) for iso3, probs in self.overrides
            },
            # only when used: a forecast without them keeps the bytes of its forecast.json
            **({"given": dict(self.given)} if self.given else {}),
            **(
                {
                    "together": {
                        t.name: {
                            "description": t.description,
                            "vote": t.vote,
                            "probability": t.probability,
                        }
                        for t in self.together
                    }
                }
                if self.together
                else {}
            ),
        }


def _portable(source: str) -> str:
    """A file inside the project as a path relative to its root, so that forecast.json
    holds the same bytes in any clone; anything else as given."""
    path = Path(source)
    try:
        if path.is_file():
            return path.resolve().relative_to(paths.ROOT.resolve()).as_posix()
    except (ValueError, OSError):
        pass
    return source


BASELINE = Scenario(name="baseline", description="No campaign beyond what the model learned.")


# Values quoted in errors: a hostile file's 400-digit number or deep nesting stays one line.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 3, 80, 80, 40


def _fail(source: str, key: str, value: Any, allowed: str) -> ScenarioError:
    return ScenarioError(
        f"{source}: key {key!r} has value {_SHORT.repr(value)}; allowed: {allowed}"
    )


def _number(source: str, key: str, value: Any) -> float:
    # bool is an int in Python; a TOML "true" is never a number here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(source, key, value, "a number")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        raise _fail(source, key, value, "a finite number") from None
    if not math.isfinite(number):
        raise _fail(source, key, value, "a finite number")
    return number


def _string(source: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(source, key, value, "a string")
    return value


def _table(source: str, key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(source, key, value, "a table")
    return value


def _check_keys(source: str, where: str, table: Mapping[str, Any], allowed: tuple[str, ...]):
    for key in table:
        if key not in allowed:
            raise _fail(source, f"{where}{key}", table[key], f"keys {', '.join(allowed)}")


def _probabilities(
    source: str, key: str, table: Mapping[str, Any], levels: tuple[str, ...]
) -> tuple[float, ...]:
    """Shares for ``levels`` (missing ones are 0), each in [0, 1], summing to 1."""
    _check_keys(source, f"{key}.", table, levels)
    shares = []
    for level in levels:
        share = _number(source, f"{key}.{level}", table.get(level, 0.0))
        if not 0.0 <= share <= 1.0:
            raise _fail(source, f"{key}.{level}", table[level], "a probability in [0, 1]")
        shares.append(share)
    total = sum(shares)
    if abs(total - 1.0) > 1e-6:
        raise _fail(source, key, dict(table), f"shares of {', '.join(levels)} summing to 1")
    return tuple(shares)


def _lever(source: str, name: str, raw: Any) -> Lever:
    key = f"levers.{name}"
    table = _table(source, key, raw)
    _check_keys(source, f"{key}.", table, _LEVER_KEYS)
    for required in ("anchor", "range", "split"):
        if required not in table:
            raise ScenarioError(
                f"{source}: lever {key!r} lacks key {required!r}; allowed: a lever with "
                "anchor, range and split (see scenarios/us_lobbying_2025.toml)"
            )
    anchor = _string(source, f"{key}.anchor", table["anchor"])
    if anchor not in ANCHORS:
        raise _fail(source, f"{key}.anchor", anchor, " or ".join(ANCHORS))
    feature = table.get("feature")
    if anchor == "campaign" and feature is not None:
        raise _fail(
            source, f"{key}.feature", feature, "nothing (the model's campaign term sets it)"
        )
    if anchor == "feature":
        if feature is None:
            raise ScenarioError(f"{source}: lever {key!r} with anchor 'feature' lacks 'feature'")
        feature = _string(source, f"{key}.feature", feature)
        if feature not in LEVER_FEATURES:
            raise _fail(source, f"{key}.feature", feature, ", ".join(LEVER_FEATURES))
    share_by = table.get("share_by")
    if share_by is not None:
        share_by = _string(source, f"{key}.share_by", share_by)
        if share_by not in LEVER_FEATURES:
            raise _fail(source, f"{key}.share_by", share_by, ", ".join(LEVER_FEATURES))
    bounds = table["range"]
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise _fail(source, f"{key}.range", bounds, "a list [low, high] of two numbers")
    low = _number(source, f"{key}.range", bounds[0])
    high = _number(source, f"{key}.range", bounds[1])
    if not 0.0 <= low <= high <= MAX_STRENGTH:
        raise _fail(source, f"{key}.range", bounds, f"0 <= low <= high <= {MAX_STRENGTH:g}")
    split = _probabilities(
        source, f"{key}.split", _table(source, f"{key}.split", table["split"]), NON_YES
    )
    description = _string(source, f"{key}.description", table.get("description", ""))
    return Lever(name, anchor, low, high, split, feature, description, share_by)  # type: ignore[arg-type]


def _override(source: str, iso3: str, raw: Any) -> tuple[float, float, float, float]:
    key = f"overrides.{iso3}"
    if isinstance(raw, str):
        if raw not in VOTE_LEVELS:
            raise _fail(source, key, raw, f"one of {', '.join(VOTE_LEVELS)} or a table of them")
        return tuple(float(level == raw) for level in VOTE_LEVELS)  # type: ignore[return-value]
    if isinstance(raw, Mapping):
        return _probabilities(source, key, raw, VOTE_LEVELS)  # type: ignore[return-value]
    raise _fail(source, key, raw, f"one of {', '.join(VOTE_LEVELS)} or a table of them")


def parse_scenario(
    data: Mapping[str, Any], *, source: str, known_iso3: Collection[str] | None = None
) -> Scenario:
    """Validate a parsed TOML document into a :class:`Scenario`.

    Parameters
    ----------
    data : mapping
        The document, as ``tomllib`` returns it.
    source : str
        The file name to put in error messages; its stem is the default scenario name.
    known_iso3 : collection of str, optional
        ISO3 codes allowed in ``[overrides]``; default: every state in the countries table.

    Raises
    ------
    ScenarioError
        On any unknown key, wrong type or out-of-range value.
    """
    _check_keys(source, "", data, _TOP_KEYS)
    name = _string(source, "name", data.get("name", Path(source).stem))
    if not _NAME_RE.match(name):
        raise _fail(source, "name", name, "letters, digits, '_', '-', '.' (a folder name)")
    description = _string(source, "description", data.get("description", ""))
    levers = tuple(
        _lever(source, lever_name, raw)
        for lever_name, raw in _table(source, "levers", data.get("levers", {})).items()
    )
    raw_overrides = _table(source, "overrides", data.get("overrides", {}))
    raw_given = _table(source, "given", data.get("given", {}))
    raw_together = _table(source, "together", data.get("together", {}))
    if (raw_overrides or raw_given) and known_iso3 is None:
        known_iso3 = all_iso3()
    overrides = []
    for key, raw in sorted(raw_overrides.items()):
        assert known_iso3 is not None  # set above, as there are overrides
        _member_key(source, f"overrides.{key}", key, raw, known_iso3)
        overrides.append((key, _override(source, key, raw)))
    given = []
    for key, raw in sorted(raw_given.items()):
        assert known_iso3 is not None
        _member_key(source, f"given.{key}", key, raw, known_iso3)
        given.append((key, _vote(source, f"given.{key}", raw)))
    together = tuple(_together(source, key, raw) for key, raw in raw_together.items())
    return Scenario(name, description, levers, tuple(overrides), source, tuple(given), together)


def _vote(source: str, key: str, raw: Any) -> str:
    if not isinstance(raw, str) or raw not in VOTE_LEVELS:
        raise _fail(source, key, raw, f"one of {', '.join(VOTE_LEVELS)}")
    return raw


def _member_key(source: str, key: str, name: str, raw: Any, known_iso3: Collection[str]) -> None:
    """ScenarioError unless ``name`` is a known ISO3 code, bloc or regional group."""
    if ISO3_RE.match(name) and name in known_iso3:
        return
    if unit_of(name) is None:
        raise _fail(source, key, raw, allowed_keys())


def _together(source: str, name: str, raw: Any) -> Together:
    key = f"together.{name}"
    if unit_of(name) is None:
        raise _fail(source, key, raw, f"a bloc or regional group: {unit_list()}")
    table = _table(source, key, raw)
    _check_keys(source, f"{key}.", table, _TOGETHER_KEYS)
    for required in ("vote", "probability"):
        if required not in table:
            raise ScenarioError(
                f"{source}: table {key!r} lacks key {required!r}; allowed: a table with "
                'vote (e.g. "abstain") and probability (a number in [0, 1])'
            )
    vote = _vote(source, f"{key}.vote", table["vote"])
    probability = _number(source, f"{key}.probability", table["probability"])
    if not 0.0 <= probability <= 1.0:
        raise _fail(source, f"{key}.probability", table["probability"], "a number in [0, 1]")
    description = _string(source, f"{key}.description", table.get("description", ""))
    return Together(name, vote, probability, description)


def resolve_scenario(scenario: Scenario, memberships, on: str) -> Scenario:
    """``scenario`` with its names expanded to the members of one day.

    Overrides and ``given`` become ISO3-keyed (:func:`expand_keys`); each ``together``
    rule gets its ``members``.
    """
    src = scenario.source
    overrides = expand_keys(
        [(k, v, "overrides", f"{src}: key 'overrides.{k}'") for k, v in scenario.overrides],
        memberships,
        on=on,
    )
    given = expand_keys(
        [(k, v, "given", f"{src}: key 'given.{k}'") for k, v in scenario.given],
        memberships,
        on=on,
    )
    together = []
    for rule in scenario.together:
        members = unit_members(rule.name, memberships)
        if not members:
            raise ScenarioError(
                f"{src}: key 'together.{rule.name}' names a bloc with no member state on "
                f"{on}; allowed: a bloc or group with members that day"
            )
        together.append(replace(rule, members=members))
    return replace(
        scenario,
        overrides=tuple(sorted(overrides.items())),
        given=tuple(sorted(given.items())),
        together=tuple(together),
    )


def resolve_scenario_path(name_or_path: str | Path, scenarios_dir: Path | None = None) -> Path:
    """A scenario given by name (``scenarios/<name>.toml``) or by path, as a path.

    Raises
    ------
    ScenarioError
        If no such file exists (the message lists the scenarios available).
    """
    scenarios_dir = paths.SCENARIOS_DIR if scenarios_dir is None else scenarios_dir
    candidate = Path(name_or_path)
    if candidate.suffix != ".toml" and len(candidate.parts) == 1:
        candidate = scenarios_dir / f"{name_or_path}.toml"
    if not candidate.is_file():
        available = sorted(p.stem for p in scenarios_dir.glob("*.toml"))
        raise ScenarioError(
            f"{candidate}: scenario file not found; allowed: a path to a .toml file "
            f"or one of {', '.join(available) or '(none in ' + str(scenarios_dir) + ')'}"
        )
    return candidate


def load_scenario(
    name_or_path: str | Path,
    *,
    scenarios_dir: Path | None = None,
    known_iso3: Collection[str] | None = None,
) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    name_or_path : str or Path
        A name in ``scenarios/`` (``"us_lobbying_2025"``) or a path to a TOML file.
    scenarios_dir : Path, optional
        Where names are looked up (default ``unvote.paths.SCENARIOS_DIR``).
    known_iso3 : collection of str, optional
        ISO3 codes allowed in ``[overrides]`` (default: the countries table).

    Returns
    -------
    Scenario
        Frozen, validated; ``source`` is the file's path.
    """
    path = resolve_scenario_path(name_or_path, scenarios_dir)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ScenarioError(
            f"{path}: not UTF-8 text ({err.reason}); allowed: a TOML file"
        ) from err
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: not valid TOML ({err}); allowed: a TOML file") from err
    except RecursionError:
        raise ScenarioError(
            f"{path}: arrays or tables nested too deep to read; allowed: a scenario's "
            "few levels ([levers.<name>.split])"
        ) from None
    except ValueError as err:  # an integer literal longer than Python converts (4300 digits)
        raise ScenarioError(f"{path}: cannot read a value ({err}); allowed: a TOML file") from err
    try:
        return parse_scenario(data, source=str(path), known_iso3=known_iso3)
    except RecursionError:
        raise ScenarioError(
            f"{path}: values nested too deep; allowed: a scenario's few levels"
        ) from None
