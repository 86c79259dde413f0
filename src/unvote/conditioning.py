"""Conditioning on known votes: each simulation weighted by its chance of them.

Within one simulation the states vote independently, so every dependence between their
votes runs through what the simulation shares (parameters, lever strengths, shocks, bloc
switches). Conditioning on known votes therefore weights each simulation by the chance it
gives those votes (likelihood weighting: the exact posterior of the shared draws, estimated
on the same simulations), sets the known votes, and averages everything else with those
weights (:class:`Accumulator`, which :mod:`unvote.simulate` feeds chunk by chunk).

The votes come from a scenario's ``[given]`` and the ``--given`` option (:func:`parse_given`,
:func:`given_votes`); :func:`check_possible` stops a forecast whose condition no simulation
can give.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from unvote.blocs import ISO3_RE, all_iso3, allowed_keys, expand_keys, unit_of
from unvote.errors import ScenarioError, UnvoteError
from unvote.scenario import Scenario, resolve_scenario
from unvote.tallies import draw_votes, summarise_tally, tally, thresholds
from unvote.votes import VOTE_LEVELS

if TYPE_CHECKING:
    from unvote.context import Context


@dataclass(frozen=True)
class Simulation:
    """What :func:`unvote.simulate.simulate` and :func:`~unvote.simulate.simulate_many` return.

    Attributes
    ----------
    probs : ndarray, shape (n, 4)
        Each country's probabilities, averaged over the simulations (with ``weights``,
        their weighted average: the probabilities given the known votes).
    counts : ndarray, shape (d, 4)
        The simulated tallies (VOTE_LEVELS order).
    votes : ndarray, shape (d, n), int8, or None
        Each simulation's votes, codes 0..3 in VOTE_LEVELS order (yes, abstain, no,
        absent); with a condition, the known votes are set.
    weights : ndarray, shape (d,), or None
        With a condition, each simulation's weight (summing to 1; 0 where it cannot give
        the known votes); None when all simulations count alike.
    prior : Simulation or None
        With a condition, the same simulations before it (probs, counts as drawn).
    possible : ndarray, shape (g,), bool, or None
        With a condition, whether each known vote had a chance in any simulation.
    """

    probs: np.ndarray
    counts: np.ndarray
    votes: np.ndarray | None = field(default=None, repr=False)
    weights: np.ndarray | None = field(default=None, repr=False)
    prior: Simulation | None = field(default=None, repr=False)
    possible: np.ndarray | None = None

    def tally_summary(self) -> pd.DataFrame:
        """Mean and quantiles of each outcome's count, with the simulations' weights."""
        return summarise_tally(self.counts, self.weights)

    def tally_thresholds(self) -> dict[str, float]:
        """P(yes < 180, 170, 160) and P(no >= 5, 10), with the simulations' weights."""
        return thresholds(self.counts, self.weights)

    @property
    def effective_draws(self) -> float:
        """How many equally weighted simulations the weighted ones are worth.

        Kish's effective sample size ``1 / sum(w**2)`` of the normalised weights: the number
        of simulations that carry the result (all of them without a condition, 0 when no
        simulation can give the known votes).
        """
        if self.weights is None:
            return float(len(self.counts))
        total = float(np.square(self.weights).sum())
        return 1.0 / total if total > 0 else 0.0


class Accumulator:
    """Probabilities, votes and tallies of one scenario, chunk by chunk, with its condition.

    The weights of a condition are kept as logarithms and each chunk's weighted sum is
    scaled by its own largest weight, so that a condition on many states (a bloc of 27
    unlikely votes) neither underflows nor needs every simulation's probabilities at once.
    """

    def __init__(self, index: pd.Index, given: Mapping[str, str] | None):
        self.n = len(index)
        self.sums = np.zeros((self.n, 4))
        self.counts: list[np.ndarray] = []
        self.votes: list[np.ndarray] = []
        self.given = dict(given or {})
        self.idx = index.get_indexer(pd.Index(list(self.given)))
        if (self.idx < 0).any():
            missing = [k for k, i in zip(self.given, self.idx, strict=True) if i < 0]
            raise ValueError(f"given votes of states not simulated: {missing}")
        self.codes = np.array([VOTE_LEVELS.index(v) for v in self.given.values()], dtype=np.int8)
        self.possible = np.zeros(len(self.idx), dtype=bool)
        self.log_weights: list[np.ndarray] = []
        self.weighted: list[tuple[float, np.ndarray]] = []
        self.conditioned: list[np.ndarray] = []
        # states whose probabilities never vary (sponsors, overrides) keep them exactly
        self.low = np.full((self.n, 4), np.inf)
        self.high = np.full((self.n, 4), -np.inf)

    def add(self, probs: np.ndarray, uniforms: np.ndarray) -> None:
        """One chunk: probabilities ``(4, c, n)`` and the uniforms ``(c, n)`` of its votes."""
        c = probs.shape[1]
        votes = draw_votes(probs, uniforms)
        self.sums += probs.mean(axis=1).T * c
        self.counts.append(tally(votes))
        if len(self.idx):
            chance = probs[self.codes, :, self.idx]  # (g, c): each known vote's chance
            self.possible |= (chance > 0).any(axis=1)
            self.low = np.minimum(self.low, probs.min(axis=1).T)
            self.high = np.maximum(self.high, probs.max(axis=1).T)
            with np.errstate(divide="ignore"):
                log_w = np.log(chance).sum(axis=0)
            top = float(log_w.max())
            if np.isfinite(top):
                w = np.exp(log_w - top)
                self.weighted.append((top, np.tensordot(probs, w, axes=([1], [0])).T))
            self.log_weights.append(log_w)
            votes[:, self.idx] = self.codes
            self.conditioned.append(tally(votes))
        self.votes.append(votes)

    def result(self) -> Simulation:
        votes = np.concatenate(self.votes)
        d = len(votes)
        probs = self.sums / d
        counts = np.concatenate(self.counts)
        if not len(self.idx):
            return Simulation(probs=probs, counts=counts, votes=votes)
        prior = Simulation(probs=probs, counts=counts)
        log_w = np.concatenate(self.log_weights)
        top = float(log_w.max())
        weights: np.ndarray | None
        if not np.isfinite(top):  # no simulation can give the known votes
            weights, given_probs = np.zeros(d), np.full_like(probs, np.nan)
        elif (log_w == log_w[0]).all():  # they tell nothing: the same numbers as without
            weights, given_probs = None, probs.copy()
        else:
            w = np.exp(log_w - top)
            total = w.sum()
            weights = w / total
            given_probs = sum(np.exp(t - top) * part for t, part in self.weighted) / total
            constant = (self.low == self.high).all(axis=1)
            given_probs[constant] = self.high[constant]
        given_probs[self.idx] = np.eye(4)[self.codes]
        return Simulation(
            probs=given_probs,
            counts=np.concatenate(self.conditioned),
            votes=votes,
            weights=weights,
            prior=prior,
            possible=self.possible,
        )


#: Fewest effective simulations (Kish) a conditioned forecast should rest on: with 400,
#: each 5% tail of the 90% interval rests on about 20 simulations, and a probability's
#: standard error is at most 0.025 (sqrt(0.25 / 400)), below the two decimals printed.
MIN_EFFECTIVE_DRAWS = 400


def parse_given(given, *, source: str = "--given") -> tuple[tuple[str, str], ...]:
    """Votes to condition on, from ``"GTM=abstain,PAN=no"`` or a mapping.

    Keys are ISO3 codes (upper case), blocs or groups (any case); votes one of
    ``VOTE_LEVELS`` (any case). Membership on the as-of date is checked later
    (:func:`expand_keys`).

    Raises
    ------
    ScenarioError
        Naming ``source``, the entry and what is allowed.
    """
    if given is None:
        return ()
    if isinstance(given, str):
        pairs = []
        for item in (part.strip() for part in given.split(",")):
            if not item:
                continue
            key, sep, vote = item.partition("=")
            if not sep:
                raise ScenarioError(
                    f"{source}: {item!r} is not KEY=VOTE; allowed: comma-separated "
                    "KEY=VOTE, e.g. GTM=abstain,PAN=no"
                )
            pairs.append((key.strip(), vote.strip().lower()))
    elif isinstance(given, Mapping):
        pairs = [(str(k), str(v)) for k, v in given.items()]
    else:
        raise ScenarioError(f"{source}: {given!r}; allowed: KEY=VOTE pairs or a mapping")
    known = all_iso3()
    out = []
    first_vote: dict[str, str] = {}
    for key, vote in pairs:
        # names are case-insensitive, so "EU" and "eu" are one key given twice
        if first_vote.setdefault(key.casefold(), vote) != vote:
            raise ScenarioError(
                f"{source}: {key} is given twice ({first_vote[key.casefold()]}, then {vote}); "
                "allowed: each key once"
            )
        if not ((ISO3_RE.match(key) and key in known) or unit_of(key) is not None):
            raise ScenarioError(f"{source}: key {key!r}; allowed: {allowed_keys()}")
        if vote not in VOTE_LEVELS:
            raise ScenarioError(
                f"{source}: {key}={vote!r}; allowed: one of {', '.join(VOTE_LEVELS)}"
            )
        out.append((key, vote))
    return tuple(out)


def given_votes(
    context: Context, scenario: Scenario, given=None, *, source: str = "--given"
) -> tuple[tuple[tuple[str, str], ...], dict[str, str], dict[str, str]]:
    """The votes a forecast is conditioned on: the scenario's ``[given]``, then ``given``.

    Parameters
    ----------
    given : str ``"GTM=abstain,PAN=no"``, mapping, or None
        Beats the file's ``[given]`` where they differ (ISO3 codes beat names either way).
    source : str
        How ``given`` was passed, for messages.

    Returns
    -------
    stated : tuple of (key, vote)
        Both, as written.
    votes : dict
        ISO3 -> vote on the as-of date.
    wheres : dict
        ISO3 -> where its vote was stated (for messages).
    """
    extra = parse_given(given, source=source)
    src = scenario.source
    entries = [(k, v, src, f"{src}: key 'given.{k}'") for k, v in scenario.given]
    entries += [(k, v, source, f"{source} {k}={v}") for k, v in extra]
    wheres: dict[str, str] = {}
    votes = expand_keys(entries, context.features, on=str(context.as_of.date()), wheres=wheres)
    return tuple(scenario.given) + extra, votes, wheres


def check_possible(
    sim: Simulation, context: Context, scenario: Scenario, votes: dict, wheres: dict
) -> None:
    """UnvoteError naming the known vote no simulation can give (nothing is written)."""
    if sim.weights is None or sim.effective_draws > 0:
        return
    assert sim.possible is not None
    impossible = [iso3 for iso3, ok in zip(votes, sim.possible, strict=True) if not ok]
    fixed = dict(resolve_scenario(scenario, context.features, str(context.as_of.date())).overrides)
    d = len(sim.counts)
    for iso3 in impossible:
        if iso3 in fixed:
            why = "the scenario's [overrides] fix its probabilities"
        elif iso3 in context.sponsors:
            why = "it sponsors the resolution and votes yes in every simulation"
        else:
            why = f"its chance is 0 in all {d:,} simulations"
        raise UnvoteError(
            f"{wheres[iso3]}: no simulation can give {iso3}={votes[iso3]} ({why}); allowed: "
            "votes that have a chance in the simulation"
        )
    stated = ", ".join(f"{k}={v}" for k, v in sorted(votes.items()))
    raise UnvoteError(
        f"given {stated}: no simulation of {d:,} gives all of them together (a bloc that "
        "moves together or an override makes them exclusive); allowed: votes that can "
        "come together"
    )
