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
  :func:`estimate_shock_sizes` from how those units' members left yes together in past
  embargo votes.

A scenario's ``together`` rules add one switch per bloc and simulation (its members vote
as one when it is on), drawn after everything else so that a scenario without them keeps
every other random number.

All randomness comes from one :class:`numpy.random.Generator` through :func:`draw_randomness`;
everything after it is deterministic, so a scenario and the baseline evaluated on the same
:class:`Draws` differ by the scenario's effect alone.

*Conditioning* (``given`` in :func:`simulate_many`): within one simulation the states vote
independently, so every dependence between their votes runs through what the simulation
shares (parameters, lever strengths, shocks, bloc switches). Conditioning on known votes
therefore weights each simulation by the chance it gives those votes (likelihood
weighting: the exact posterior of the shared draws, estimated on the same simulations),
sets the known votes, and averages everything else with those weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from unvote.scenario import Lever, Scenario, Together
from unvote.votes import VOTE_LEVELS

#: Rows of tally.csv, in the order the issue asks for.
TALLY_ROWS: tuple[str, ...] = ("yes", "no", "abstain", "absent")
QUANTILES: dict[str, float] = {
    "q05": 0.05,
    "q10": 0.10,
    "q25": 0.25,
    "q50": 0.50,
    "q75": 0.75,
    "q90": 0.90,
    "q95": 0.95,
}
YES_BELOW: tuple[int, ...] = (180, 170, 160)
NO_AT_LEAST: tuple[int, ...] = (5, 10)
SHOCK_KINDS: tuple[str, ...] = ("global", "group", "bloc")
#: Embargo votes from this year on estimate the shock sizes: the years after the
#: 1990s, when most states moved from abstaining to yes (a one-off shift, not a shock);
#: the same start as the model's backtest.
SHOCK_SINCE = 2000
_GH_NODES = 40


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


# --- levers ---------------------------------------------------------------------------------
#: Linear predictors beyond this would overflow ``exp``; the model never comes near.
_MAX_ETA = 700.0


def to_odds(eta: np.ndarray) -> np.ndarray:
    """Odds of abstain, no, absent against yes from their linear predictors ``(3, ...)``.

    Raises
    ------
    ValueError
        If a linear predictor is beyond +-700 (exp would overflow).
    """
    if eta.size and (eta.max() > _MAX_ETA or eta.min() < -_MAX_ETA):
        raise ValueError(f"linear predictor outside +-{_MAX_ETA:g}: the model fit diverged")
    return np.exp(eta)


def log_p_yes(odds: np.ndarray) -> np.ndarray:
    """log P(yes) from odds ``(3, ...)``: shape ``(...)``."""
    return -np.log1p(odds[0] + odds[1] + odds[2])


def campaign_effect(odds_off: np.ndarray, odds_on: np.ndarray) -> np.ndarray:
    """How much the fitted campaign term lowers each country's log P(yes), floored at 0.

    ``odds_on`` are the odds (:func:`to_odds`) with the 2017-2019 campaign indicator
    switched on, ``odds_off`` without; both ``(3, ..., n)``. A negative effect (the fitted
    term would raise p_yes for some countries) is set to 0: the campaign pushes no one
    towards yes.

    Returns
    -------
    ndarray, shape (..., n)
        In log-probability units (0.1 is about a 10% relative fall of p_yes).
    """
    return np.maximum(log_p_yes(odds_off) - log_p_yes(odds_on), 0.0)


def lever_strengths(
    levers: tuple[Lever, ...],
    effects: np.ndarray | None,
    features: pd.DataFrame,
    campaign: np.ndarray | None,
    odds: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Each lever's strength per simulation and country, in log-probability of yes.

    Parameters
    ----------
    levers : tuple of Lever
    effects : ndarray (L, d) of uniforms, or None for each lever's midpoint
    features : DataFrame
        One row per country (n rows), with the lever features.
    campaign : ndarray (n,) or (d, n), or None
        :func:`campaign_effect`; needed by levers anchored on the campaign.
    odds : ndarray (3, n) or (3, d, n), or None
        The odds the levers act on (:func:`to_odds`); needed by levers with ``share_by``
        (:func:`share_votes`).

    Returns
    -------
    list of ndarray
        One array per lever, broadcastable to (d, n), all >= 0.
    """
    out = []
    for j, lever in enumerate(levers):
        if effects is None:
            multiple = np.asarray(lever.mid)
        else:
            multiple = (lever.low + (lever.high - lever.low) * effects[j])[:, None]
        if lever.anchor == "campaign":
            if campaign is None:
                raise ValueError(f"lever {lever.name!r} needs the model's campaign effect")
            base = campaign
        else:
            assert lever.feature is not None  # the loader requires it with anchor "feature"
            base = lever_feature(features, lever.feature)
        strength = multiple * base
        if lever.share_by is not None:
            if odds is None:
                raise ValueError(f"lever {lever.name!r} shares its total: it needs the odds")
            p_yes = 1.0 / (1.0 + odds[0] + odds[1] + odds[2])
            strength = share_votes(strength, p_yes, lever_feature(features, lever.share_by))
        out.append(strength)
    return out


def lever_feature(features: pd.DataFrame, name: str) -> np.ndarray:
    """A lever's feature column as shares in [0, 1]; a country without it gets 0.

    A missing value means no recorded vote behind the feature: no push.
    """
    return features[name].astype(float).fillna(0.0).clip(0.0, 1.0).to_numpy()


#: Newton steps of :func:`share_votes`: from the linear start they climb monotonically.
_SHARE_STEPS = 30


def share_votes(strength: np.ndarray, p_yes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Strengths that remove the same expected yes votes as ``strength``, shared by ``weights``.

    With ``V = sum_i p_yes_i (1 - exp(-strength_i))`` the expected yes votes the lever
    removes as written (per simulation: the sum runs over the countries, the last axis),
    the result is ``lam * weights`` with ``lam >= 0`` solving
    ``sum_i p_yes_i (1 - exp(-lam * weights_i)) = V``: the lever moves as many votes in
    all, taken from each state in proportion to its weight (at small strengths; a state's
    loss saturates at its p_yes). When ``V`` is more than the weighted states can give
    (their whole p_yes), they give all of it. No weight anywhere: no push.

    Parameters
    ----------
    strength : ndarray (n,) or (d, n), >= 0
    p_yes : ndarray (n,) or (d, n)
    weights : ndarray (n,), >= 0

    Returns
    -------
    ndarray, the broadcast shape of ``strength`` and ``p_yes``
    """
    strength, p_yes = np.broadcast_arrays(np.asarray(strength, float), np.asarray(p_yes, float))
    votes = (p_yes * -np.expm1(-strength)).sum(axis=-1, keepdims=True)
    slope = (p_yes * weights).sum(axis=-1, keepdims=True)  # d/dlam at lam = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(slope > 0, votes / slope, 0.0)  # f is concave: a start from below
        for _ in range(_SHARE_STEPS):
            decay = np.exp(-lam * weights)
            gap = votes - (p_yes * (1.0 - decay)).sum(axis=-1, keepdims=True)
            grad = (p_yes * weights * decay).sum(axis=-1, keepdims=True)
            lam = np.where(grad > 1e-12, lam + np.maximum(gap, 0.0) / grad, lam)
    return np.where(slope > 0, lam, 0.0) * weights


def apply_levers(
    odds: np.ndarray, strengths: list[np.ndarray], splits: list[tuple[float, ...]]
) -> np.ndarray:
    """Shift the linear predictors so P(yes) falls by ``exp(-sum of strengths)``.

    With total strength ``s`` (per simulation and country) and split ``w`` (the levers'
    splits averaged with weights their strengths), each non-yes log-odds ``eta_k`` becomes
    ``log(exp(s + eta_k) + w_k * (exp(s) - 1))``: exactly the probabilities
    ``p_yes' = p_yes * exp(-s)`` and ``p_k' = p_k + w_k * (p_yes - p_yes')``, i.e. the
    probability taken from yes goes to abstain, no and absent in the stated shares and
    nothing else moves. ``s = 0`` leaves the odds unchanged bit for bit, and a larger
    ``s`` never raises P(yes).

    Parameters
    ----------
    odds : ndarray (3, d, n) or (3, n)
        ``exp(eta_k)`` for abstain, no, absent (:func:`to_odds`).
    strengths : list of ndarray broadcastable to (d, n), >= 0
    splits : list of (abstain, no, absent) shares, one per lever

    Returns
    -------
    ndarray (3, d, n): the new odds
    """
    if not strengths:
        return odds
    total = sum(strengths)
    out = odds * np.exp(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(total > 0, np.expm1(total) / total, 0.0)
    for k in range(3):
        # sum_j s_j w_jk: the strength-weighted split, times (e^s - 1) / s
        weighted = sum(
            strength * split[k] for strength, split in zip(strengths, splits, strict=True)
        )
        out[k] += weighted * per_unit
    return out


# --- shocks --------------------------------------------------------------------------------
def shock_units(features: pd.DataFrame, blocs: tuple[str, ...]) -> pd.DataFrame:
    """Which shock units each country belongs to: a 0/1 matrix.

    Returns
    -------
    DataFrame
        Index as ``features``; columns ``global``, ``group:<name>`` for each regional group
        present, ``bloc:<name>`` for each of ``blocs`` (sorted).
    """
    units: dict[str, np.ndarray] = {"global": np.ones(len(features))}
    for group in sorted(features["group"].unique()):
        units[f"group:{group}"] = (features["group"] == group).to_numpy(dtype=float)
    for bloc in sorted(blocs):
        units[f"bloc:{bloc}"] = features[bloc].astype(bool).to_numpy(dtype=float)
    return pd.DataFrame(units, index=features.index)


def shock_loadings(units: pd.DataFrame, sizes: pd.Series) -> np.ndarray:
    """The units matrix scaled by each unit's kind's standard deviation: shape (n, u)."""
    kind = [col.split(":", 1)[0] for col in units.columns]
    return units.to_numpy(dtype=float) * sizes.reindex(kind).fillna(0.0).to_numpy()


def _defections(history: pd.DataFrame, units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per unit and year: members that voted yes at the previous vote, and those that left yes.

    Returns
    -------
    n, k : ndarray, shape (u, t)
        ``t`` the years of ``history`` in order.
    """
    prev_yes = history["last_vote"].astype(str).eq("yes").to_numpy()
    left = prev_yes & ~history["vote"].astype(str).eq("yes").to_numpy()
    years, year_idx = np.unique(history["year"].to_numpy(), return_inverse=True)
    member = units.to_numpy(dtype=float)
    n = np.zeros((units.shape[1], len(years)))
    k = np.zeros_like(n)
    np.add.at(n.T, year_idx, member * prev_yes[:, None])
    np.add.at(k.T, year_idx, member * left[:, None])
    return n, k


def _fit_random_year_effect(n: np.ndarray, k: np.ndarray, year_effects: bool) -> float:
    """Maximum-likelihood sd of a unit-by-year normal shock on the logit of leaving yes.

    Model: ``k[u, t] ~ Binomial(n[u, t], expit(mu_u + a_t + sigma * z))``, ``z ~ N(0, 1)``
    one per unit and year, integrated by Gauss-Hermite quadrature; ``a_t`` a free effect
    per year when ``year_effects`` (so the unit's shock is what it shares beyond the whole
    assembly's movement), else 0. The gradient is analytic.
    """
    from scipy.optimize import minimize
    from scipy.special import expit, gammaln

    keep = n > 0
    n_units, n_years = n.shape
    n_year = n_years - 1 if year_effects else 0
    nodes, weights = np.polynomial.hermite_e.hermegauss(_GH_NODES)
    log_w = np.log(weights / weights.sum())
    log_binom = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)

    def negloglik(theta):
        mu = theta[:n_units]
        a = np.r_[0.0, theta[n_units : n_units + n_year]] if year_effects else 0.0
        sigma = theta[-1]
        lin = (mu[:, None] + a)[..., None] + sigma * nodes
        p = np.clip(expit(lin), 1e-12, 1 - 1e-12)
        ll = k[..., None] * np.log(p) + (n - k)[..., None] * np.log1p(-p) + log_w
        top = ll.max(axis=-1, keepdims=True)
        weight = np.exp(ll - top)
        total = weight.sum(axis=-1)
        marginal = top[..., 0] + np.log(total) + log_binom
        # d marginal / d lin at each node: posterior weight of the node times (k - n p)
        post = np.where(keep[..., None], weight / total[..., None], 0.0)
        score = post * (k[..., None] - n[..., None] * p)
        grad = [score.sum(axis=(1, 2))]
        if year_effects:
            grad.append(score.sum(axis=(0, 2))[1:])
        grad.append([(score * nodes).sum()])
        return -marginal[keep].sum(), -np.concatenate(grad)

    start = np.r_[np.full(n_units, -4.0), np.zeros(n_year), 0.5]
    bounds = [(-15.0, 5.0)] * n_units + [(-10.0, 10.0)] * n_year + [(0.0, 5.0)]
    fit = minimize(negloglik, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return float(fit.x[-1])


def estimate_shock_sizes(
    history: pd.DataFrame, blocs: tuple[str, ...], since: int = SHOCK_SINCE
) -> pd.Series:
    """How much members of the same unit left yes together in past embargo votes.

    For each kind of unit, a logistic model of the number of members that left yes (yes
    at the previous embargo vote, anything else at this one) with a normal unit-by-year
    random effect, fitted by maximum likelihood (:func:`_fit_random_year_effect`); its
    standard deviation is the shock size, on the scale the simulation draws it (the
    log-odds of leaving yes). ``global`` has a single unit (the whole assembly); ``group``
    and ``bloc`` also have a free effect per year, so their shock is the movement a unit
    shares beyond the assembly's. Joining yes is left out: since 2000 it is mostly states
    back from an absence, which says little about blocs moving together.

    Parameters
    ----------
    history : DataFrame
        One row per country and embargo vote: ``year``, ``vote``, ``last_vote`` (the
        country's vote at the previous embargo vote), ``group`` and the ``blocs`` columns.
    blocs : tuple of str
        Bloc columns to use (e.g. ``("eu", "nato")``).
    since : int
        First year used.

    Returns
    -------
    Series
        Index ``global, group, bloc``: standard deviations on the log-odds scale.
    """
    history = history.loc[history["year"] >= since]
    units = shock_units(history, blocs)
    kinds = np.array([col.split(":", 1)[0] for col in units.columns])
    n, k = _defections(history, units)
    sizes = {}
    for kind in SHOCK_KINDS:
        rows = kinds == kind
        # nobody left yes: nothing moved together
        if not rows.any() or k[rows].sum() == 0:
            sizes[kind] = 0.0
            continue
        sizes[kind] = _fit_random_year_effect(n[rows], k[rows], year_effects=kind != "global")
    return pd.Series(sizes, name="shock_sd")


# --- probabilities, votes, tallies ---------------------------------------------------------
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


def draw_votes(probs: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One vote per simulation and country: codes 0..3 in VOTE_LEVELS order, shape (d, n).

    ``probs`` is ``(4, d, n)``; a vote is the first outcome whose cumulative probability
    exceeds the uniform.
    """
    cumulative = probs[0]
    votes = (uniforms >= cumulative).astype(np.int8)
    for k in (1, 2):
        cumulative = cumulative + probs[k]
        votes += uniforms >= cumulative
    return votes


def tally(votes: np.ndarray) -> np.ndarray:
    """Counts of each outcome per simulation: shape (d, 4), VOTE_LEVELS order; rows sum to n."""
    k = len(VOTE_LEVELS)
    offsets = (np.arange(votes.shape[0]) * k)[:, None]
    return np.bincount((votes + offsets).ravel(), minlength=votes.shape[0] * k).reshape(-1, k)


def summarise_tally(counts: np.ndarray, weights: np.ndarray | None = None) -> pd.DataFrame:
    """Mean and quantiles of each outcome's count.

    Parameters
    ----------
    counts : ndarray (d, 4)
    weights : ndarray (d,), optional
        Each simulation's weight (a conditioned forecast, :class:`Simulation`); the
        quantile is then the smallest count whose cumulative weight reaches it.

    Returns
    -------
    DataFrame
        Index ``yes, no, abstain, absent``; columns ``mean, q05, q10, q25, q50, q75, q90,
        q95`` (numbers of member states; each quantile is a count some simulation gave,
        never a fraction between two, however few the draws).
    """
    frame = pd.DataFrame(counts, columns=list(VOTE_LEVELS)).loc[:, list(TALLY_ROWS)]
    if weights is not None:
        return _weighted_summary(frame, np.asarray(weights, float))
    table = pd.DataFrame(
        {
            "mean": frame.mean(),
            **{k: frame.quantile(q, interpolation="lower") for k, q in QUANTILES.items()},
        }
    )
    table.index.name = "vote"
    return table


def _weighted_summary(frame: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    weights = weights / weights.sum()
    rows = {}
    for vote in frame.columns:
        values = frame[vote].to_numpy()
        order = np.argsort(values, kind="stable")
        cumulative = np.cumsum(weights[order])
        # a hair below q, so that a quantile hit exactly by a sum of weights is not
        # pushed to the next count by rounding
        at = np.searchsorted(cumulative, np.array(list(QUANTILES.values())) - 1e-12)
        picked = values[order][np.minimum(at, len(values) - 1)]
        rows[vote] = {"mean": float(weights @ values), **dict(zip(QUANTILES, picked, strict=True))}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "vote"
    return table


def thresholds(counts: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    """P(yes < 180, 170, 160) and P(no >= 5, 10) over the simulations (weighted if given)."""
    yes = counts[:, VOTE_LEVELS.index("yes")]
    no = counts[:, VOTE_LEVELS.index("no")]
    if weights is not None:
        w = np.asarray(weights, float) / np.sum(weights)
        out = {f"p_yes_below_{t}": float(w @ (yes < t)) for t in YES_BELOW}
        out.update({f"p_no_at_least_{t}": float(w @ (no >= t)) for t in NO_AT_LEAST})
        return out
    out = {f"p_yes_below_{t}": float((yes < t).mean()) for t in YES_BELOW}
    out.update({f"p_no_at_least_{t}": float((no >= t).mean()) for t in NO_AT_LEAST})
    return out


@dataclass(frozen=True)
class Simulation:
    """What :func:`simulate` and :func:`simulate_many` return.

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


class _Accumulator:
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
        :func:`to_odds` of the model's linear predictors without the campaign term (per
        parameter draw, or at the fitted parameters).
    features : DataFrame
        n rows (index ISO3) with the levers' features.
    scenario : Scenario
        With its names resolved (:func:`unvote.scenario.resolve_scenario`).
    draws : Draws
    odds_on : ndarray like ``odds_off``, optional
        The same with the campaign indicator on; needed by campaign-anchored levers.
    loadings : ndarray (n, u), optional
        :func:`shock_loadings`; None or ``uncertainty.shocks`` False means no shocks.
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
    acc = _Accumulator(features.index, given)
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
    accs = [_Accumulator(features.index, g) for g in given]
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
