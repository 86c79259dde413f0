"""Levers: how a scenario's strengths move probability from yes to the other votes.

A linear predictor ``eta`` holds the log-odds of abstain, no and absent against yes,
outcome-first (shape ``(3, ...)``); its odds are ``exp(eta)``. A lever of strength ``s``
(in log-probability of yes) multiplies P(yes) by ``exp(-s)`` and hands what it takes to the
other votes in its split (:func:`apply_levers`); :func:`lever_strengths` turns a scenario's
ranges into strengths per simulation and state, :func:`share_votes` shares a lever's total
among the states by a feature. Pure numpy: :mod:`unvote.simulate` and
:mod:`unvote.explain` call it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from unvote.scenario import Lever

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
    p_yes: np.ndarray | None = None
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
            if p_yes is None:  # once: every lever shares against the same odds
                p_yes = 1.0 / (1.0 + odds[0] + odds[1] + odds[2])
            strength = share_votes(strength, p_yes, lever_feature(features, lever.share_by))
        out.append(strength)
    return out


def p_yes_with(
    lever: Lever,
    odds_off: np.ndarray,
    features: pd.DataFrame,
    campaign: np.ndarray | None,
    value: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each state's P(yes) without levers and with ``lever`` alone, at the fitted parameters.

    ``value`` is the lever's strength (default the middle of its range); ``odds_off`` the
    odds (3, n) of abstain, no and absent against yes, ``campaign`` as for
    :func:`lever_strengths`. The reading of a lever that the summary (expected votes it
    removes) and drivers.csv (its effect on each state) share.

    Returns
    -------
    (ndarray (n,), ndarray (n,)): P(yes) before and with the lever
    """
    if value is not None:
        lever = replace(lever, low=value, high=value)
    strength = lever_strengths((lever,), None, features, campaign, odds_off)
    before = 1.0 / (1.0 + odds_off.sum(axis=0))
    return before, 1.0 / (1.0 + apply_levers(odds_off, strength, [lever.split]).sum(axis=0))


def lever_feature(features: pd.DataFrame, name: str) -> np.ndarray:
    """A lever's feature column as shares in [0, 1]; a country without it gets 0.

    A missing value means no recorded vote behind the feature: no push.
    """
    return features[name].astype(float).fillna(0.0).clip(0.0, 1.0).to_numpy()


#: Most Newton steps of :func:`share_votes`: from the linear start they climb monotonically
#: and, the function being smooth and concave, settle to rounding error in about four.
_SHARE_STEPS = 30
#: Votes left unplaced at which :func:`share_votes` stops: far below anything printed.
_SHARE_TOLERANCE = 1e-9


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
            moving = (grad > 1e-12) & (gap > _SHARE_TOLERANCE)
            if not moving.any():  # placed, or saturated: more steps change nothing printed
                break
            lam = np.where(moving, lam + gap / grad, lam)
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
