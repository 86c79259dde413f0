"""Correlated shocks: which units a state belongs to, and how large their shocks are.

A shock shifts the log-odds of leaving yes of every member of a unit at once: the whole
assembly (``global``), a regional group (``group``) or a bloc (``bloc``). Their standard
deviations are estimated once per forecast from how the units' members left yes together
at past embargo votes (:func:`estimate_shock_sizes`); :mod:`unvote.simulate` draws them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHOCK_KINDS: tuple[str, ...] = ("global", "group", "bloc")
#: Embargo votes from this year on estimate the shock sizes: the years after the
#: 1990s, when most states moved from abstaining to yes (a one-off shift, not a shock);
#: the same start as the model's backtest.
SHOCK_SINCE = 2000
_GH_NODES = 40


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
