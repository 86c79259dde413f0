"""Simulate many votes at once from the model's linear predictors: vectorised numpy.

Shapes: ``d`` simulations, ``n`` member states, 4 outcomes in ``VOTE_LEVELS`` order (yes,
abstain, no, absent). A linear predictor ``eta`` holds the log-odds of each outcome
against yes, as :meth:`unvote.model.VoteChoiceResults.linear_predictor` returns it. Inside
the engine arrays are *outcome-first*: ``eta`` and ``odds`` have shape ``(3, d, n)`` for
abstain, no, absent (the yes column is 0 and left out) and probabilities ``(4, d, n)``, so
that every step works elementwise on contiguous ``(d, n)`` blocks.

Three sources of uncertainty, each switchable (:class:`Uncertainty`):

- *parameters*: one draw of the model's coefficients per simulation;
- *effects*: each lever's strength drawn uniformly from its range per simulation;
- *shocks*: correlated shifts of the log-odds of leaving yes, shared by every member
  (``global``), by the members of a regional group (``group``) and of a bloc (``bloc``),
  one normal draw per unit and simulation, with standard deviations estimated by
  :func:`unvote.shocks.estimate_shock_sizes` from how those units' members left yes
  together in past embargo votes.

A scenario's ``together`` rules add one switch per bloc and simulation (its members vote
as one when it is on), drawn after everything else so that a scenario without them keeps
every other random number.

All randomness comes from one :class:`numpy.random.Generator` through :func:`draw_randomness`;
everything after it is deterministic, so a scenario and the baseline evaluated on the same
:class:`Draws` differ by the scenario's effect alone.

How the levers move the odds is in :mod:`unvote.levers`; votes, counts and their summaries
in :mod:`unvote.tallies`; *conditioning* on known votes (``given`` in :func:`simulate_many`)
and the :class:`~unvote.conditioning.Simulation` every run returns in
:mod:`unvote.conditioning`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from unvote.conditioning import Accumulator, Simulation
from unvote.levers import apply_levers, campaign_effect, lever_strengths, to_odds
from unvote.scenario import Scenario, Together
from unvote.votes import VOTE_LEVELS


@dataclass(frozen=True)
class Uncertainty:
    """Which sources of uncertainty a simulation draws (all on by default)."""

    parameters: bool = True
    effects: bool = True
    shocks: bool = True

    def to_dict(self) -> dict[str, bool]:
        """As plain data, for forecast.json."""
        return {"parameters": self.parameters, "effects": self.effects, "shocks": self.shocks}


@dataclass(frozen=True)
class Draws:
    """Every random number one forecast uses, drawn once from one Generator.

    Attributes
    ----------
    votes : ndarray, shape (d, n)
        Uniforms in [0, 1) that turn probabilities into votes.
    shocks : ndarray, shape (d, u)
        Standard normals, one per shock unit (scaled by the unit's size later).
    params : ndarray, shape (d, p, 3), or None
        Model coefficients, one set per simulation; None when parameter uncertainty is off.
    effects : ndarray, shape (L, d)
        Uniforms in [0, 1), one row per lever, mapped onto each lever's range. Lever-major,
        so lever ``j`` gets the same numbers whatever the number of levers drawn.
    together : ndarray, shape (T, d), or None
        Uniforms in [0, 1), one row per ``together`` rule: the rule's switch is on where
        the uniform is below its probability. None when no scenario has one.
    """

    votes: np.ndarray
    shocks: np.ndarray
    params: np.ndarray | None
    effects: np.ndarray
    together: np.ndarray | None = None

    @property
    def n_draws(self) -> int:
        return self.votes.shape[0]

    def chunk(self, part: slice) -> Draws:
        """The simulations ``part`` of every array."""
        params = None if self.params is None else self.params[part]
        together = None if self.together is None else self.together[:, part]
        return Draws(self.votes[part], self.shocks[part], params, self.effects[:, part], together)


def draw_randomness(
    rng: np.random.Generator,
    n_draws: int,
    n_countries: int,
    n_units: int,
    n_levers: int,
    sample_params=None,
    n_together: int = 0,
) -> Draws:
    """Draw all random numbers of a forecast, in a fixed order.

    The order (votes, shocks, parameters, lever effects, bloc switches) keeps the first
    three identical for any scenario, so scenarios differ only through their levers; the
    switches come last, so that a forecast without ``together`` rules keeps its bytes.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_draws, n_countries, n_units, n_levers : int
    sample_params : callable ``(rng, n_draws) -> ndarray (d, p, 3)``, optional
        Usually ``results.sample_params``; None leaves ``params`` None.
    n_together : int
        Number of ``together`` rules (the most any scenario has); 0 leaves ``together`` None.
    """
    votes = rng.random((n_draws, n_countries))
    shocks = rng.standard_normal((n_draws, n_units))
    params = None if sample_params is None else np.asarray(sample_params(rng, n_draws))
    effects = rng.random((n_levers, n_draws))
    together = rng.random((n_together, n_draws)) if n_together else None
    return Draws(votes, shocks, params, effects, together)


def odds_to_probs(odds: np.ndarray) -> np.ndarray:
    """Probabilities (yes, abstain, no, absent) from odds against yes: ``(3, ...) -> (4, ...)``."""
    p_yes = 1.0 / (1.0 + odds[0] + odds[1] + odds[2])
    return np.stack([p_yes, odds[0] * p_yes, odds[1] * p_yes, odds[2] * p_yes])


#: Probabilities of a sponsor of the resolution: it votes yes on its own draft.
SPONSOR_VOTE: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)


def fixed_probabilities(
    sponsors: tuple[str, ...], overrides: Mapping[str, tuple[float, ...]]
) -> dict[str, tuple[float, ...]]:
    """The countries whose probabilities are fixed: the sponsors (yes), then a user's overrides.

    A user's override of a sponsor wins: it is an explicit assumption of theirs.
    """
    return {**{iso3: SPONSOR_VOTE for iso3 in sponsors}, **overrides}


def apply_overrides(
    probs: np.ndarray, index: pd.Index, overrides: Mapping[str, tuple[float, ...]]
) -> np.ndarray:
    """Replace the probabilities ``(4, d, n)`` of fixed countries (sponsors, a user's overrides)."""
    if not overrides:
        return probs
    out = np.array(probs, copy=True)
    for iso3, fixed in overrides.items():
        out[..., index.get_loc(iso3)] = np.asarray(fixed)[:, None]
    return out


def apply_together(
    probs: np.ndarray, index: pd.Index, rules: tuple[Together, ...], switches: np.ndarray | None
) -> np.ndarray:
    """Set every member of a switched-on bloc to the bloc's vote: probabilities ``(4, d, n)``.

    ``switches`` are the uniforms ``(T, d)`` of :attr:`Draws.together`; rule ``j`` is on in
    the simulations where ``switches[j] < rules[j].probability``. A rule's ``members`` must
    be resolved (:func:`unvote.scenario.resolve_scenario`).
    """
    if not rules:
        return probs
    if switches is None or len(switches) < len(rules):
        raise ValueError("the scenario's together rules need Draws.together")
    for rule, uniforms in zip(rules, switches, strict=False):
        on = (uniforms < rule.probability)[:, None] & index.isin(rule.members)[None, :]
        fixed = np.array([float(level == rule.vote) for level in VOTE_LEVELS])
        probs = np.where(on[None], fixed[:, None, None], probs)
    return probs


def scenario_probs(
    odds_off: np.ndarray,
    features: pd.DataFrame,
    scenario: Scenario,
    draws: Draws,
    *,
    odds_on: np.ndarray | None = None,
    loadings: np.ndarray | None = None,
    uncertainty: Uncertainty = Uncertainty(),
    sponsors: tuple[str, ...] = (),
) -> np.ndarray:
    """Every simulation's probabilities under ``scenario``: shape (4, d, n).

    Parameters as :func:`simulate`. In order: shocks, levers, ``together`` switches, then
    the fixed states (sponsors, then the scenario's overrides, which win).
    """
    d, n = draws.votes.shape
    if odds_off.ndim == 2:  # at the fitted parameters: the same for every simulation
        odds_off = odds_off[:, None, :]
        odds_on = None if odds_on is None else odds_on[:, None, :]
    odds = np.broadcast_to(odds_off, (3, d, n))
    if uncertainty.shocks and loadings is not None:
        # a shock shifts every non-yes linear predictor of a country by the same amount
        odds = odds * np.exp(draws.shocks @ loadings.T)
    levers = scenario.levers
    if levers:
        campaign = None if odds_on is None else campaign_effect(odds_off, odds_on)
        effects = draws.effects if uncertainty.effects else None
        strengths = lever_strengths(levers, effects, features, campaign, odds)
        strengths = [np.broadcast_to(s, (d, n)) for s in strengths]
        odds = apply_levers(odds, strengths, [lever.split for lever in levers])
    probs = apply_together(odds_to_probs(odds), features.index, scenario.together, draws.together)
    fixed = fixed_probabilities(sponsors, scenario.override_map)
    return apply_overrides(probs, features.index, fixed)


def simulate(
    odds_off: np.ndarray,
    features: pd.DataFrame,
    scenario: Scenario,
    draws: Draws,
    *,
    odds_on: np.ndarray | None = None,
    loadings: np.ndarray | None = None,
    uncertainty: Uncertainty = Uncertainty(),
    sponsors: tuple[str, ...] = (),
    given: Mapping[str, str] | None = None,
) -> Simulation:
    """Simulate ``draws.n_draws`` votes under ``scenario``.

    Parameters
    ----------
    odds_off : ndarray (3, d, n) or (3, n)
        :func:`unvote.levers.to_odds` of the model's linear predictors without the campaign term (per
        parameter draw, or at the fitted parameters).
    features : DataFrame
        n rows (index ISO3) with the levers' features.
    scenario : Scenario
        With its names resolved (:func:`unvote.scenario.resolve_scenario`).
    draws : Draws
    odds_on : ndarray like ``odds_off``, optional
        The same with the campaign indicator on; needed by campaign-anchored levers.
    loadings : ndarray (n, u), optional
        :func:`unvote.shocks.shock_loadings`; None or ``uncertainty.shocks`` False means no shocks.
    uncertainty : Uncertainty
        ``effects`` False uses each lever's midpoint; ``shocks`` False drops the shocks.
        (``parameters`` is decided by the caller when building ``odds_off``.)
    sponsors : tuple of str
        ISO3 of the resolution's sponsors: they vote yes whatever the levers and shocks
        (:func:`fixed_probabilities`).
    given : mapping ISO3 -> vote, optional
        Known votes to condition on (see the module's docstring).

    Returns
    -------
    Simulation
    """
    probs = scenario_probs(
        odds_off,
        features,
        scenario,
        draws,
        odds_on=odds_on,
        loadings=loadings,
        uncertainty=uncertainty,
        sponsors=sponsors,
    )
    acc = Accumulator(features.index, given)
    acc.add(probs, draws.votes)
    return acc.result()


#: Simulations per chunk: small arrays stay in cache and are reused, where one
#: (10,000 x 193 x 4) array costs more in fresh memory than in arithmetic.
CHUNK = 500


def simulate_many(
    predict,
    features: pd.DataFrame,
    scenarios: list[Scenario],
    draws: Draws,
    *,
    loadings: np.ndarray | None = None,
    uncertainty: Uncertainty = Uncertainty(),
    chunk: int = CHUNK,
    sponsors: tuple[str, ...] = (),
    given: Sequence[Mapping[str, str] | None] | None = None,
) -> list[Simulation]:
    """:func:`simulate` for several scenarios on the same draws, chunk by chunk.

    Parameters
    ----------
    predict : callable ``(params, campaign) -> ndarray``
        Linear predictors of abstain, no, absent for the countries of ``features``:
        ``params`` is a chunk of ``draws.params`` (shape (c, p, 3)) or None for the fitted
        parameters, ``campaign`` whether the 2017-2019 campaign indicator is on; returns
        (3, c, n) or (3, n) (the model's ``linear_predictor`` without its yes column,
        outcome-first).
    scenarios : list of Scenario
        Evaluated on the same random numbers (common random numbers), so their
        differences are the scenarios' effects alone.
    given : list of (mapping ISO3 -> vote, or None), optional
        One per scenario: the known votes each is conditioned on.

    Returns
    -------
    list of Simulation, one per scenario (each with its votes)
    """
    d = draws.n_draws
    use_params = uncertainty.parameters and draws.params is not None
    needs_campaign = any(lv.anchor == "campaign" for sc in scenarios for lv in sc.levers)
    given = list(given) if given is not None else [None] * len(scenarios)

    def odds(params, campaign):
        return to_odds(predict(params, campaign))

    fixed = None
    if not use_params:
        fixed = (odds(None, False), odds(None, True) if needs_campaign else None)
    accs = [Accumulator(features.index, g) for g in given]
    for start in range(0, d, chunk):
        part = slice(start, min(start + chunk, d))
        sub = draws.chunk(part)
        if fixed is None:
            odds_off = odds(sub.params, False)
            odds_on = odds(sub.params, True) if needs_campaign else None
        else:
            odds_off, odds_on = fixed
        for acc, scenario in zip(accs, scenarios, strict=True):
            probs = scenario_probs(
                odds_off,
                features,
                scenario,
                sub,
                odds_on=odds_on,
                loadings=loadings,
                uncertainty=uncertainty,
                sponsors=sponsors,
            )
            acc.add(probs, sub.votes)
    return [acc.result() for acc in accs]
