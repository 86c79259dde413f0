"""One-dimensional ideal points from a roll-call matrix, estimated by the package itself.

The model is a one-dimensional two-parameter item-response model (a logistic "IRT"):
country ``i`` at position ``x_i`` supports roll call ``j`` with probability
``sigmoid(a_j + b_j x_i)``. A vote is coded yes 1, abstain 0.5, no 0 (the abstention as
half support, the quasi-likelihood of a fractional outcome); absences are missing. The
parameters are the joint posterior mode under priors ``x ~ N(0, 1)`` and
``a, b ~ N(0, ITEM_PRIOR_SD**2)``, found by L-BFGS from the first principal component of
the vote matrix. The estimates are then standardised (mean 0, sd 1 across countries) and
signed so that a reference state (the United States) is positive.

Compared with the published Bailey-Strezhnev-Voeten estimates in
``benchmarks/idealpoint_correlation.py`` (figures in data/README.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, cast

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from threadpoolctl import threadpool_limits

#: Each vote scored as support for the resolution, the entries of the roll-call matrix.
VOTE_SCORES = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
ITEM_PRIOR_SD = 5.0
#: Countries with fewer recorded votes in the matrix get no ideal point (NaN).
MIN_VOTES = 5


def vote_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """Countries by roll calls, coded yes 1, abstain 0.5, no 0, absent NaN.

    Parameters
    ----------
    votes : DataFrame
        Tidy rows ``resolution, iso3, vote``.

    Returns
    -------
    DataFrame
        Index ISO3 (sorted), columns resolutions (sorted); float.
    """
    vote = votes["vote"]
    if isinstance(vote.dtype, pd.CategoricalDtype):
        # code the few levels, not the rows: this runs for every as-of date of the build
        levels = np.array([VOTE_SCORES.get(str(c), np.nan) for c in vote.cat.categories])
        at = vote.cat.codes.to_numpy()
        code = np.where(at >= 0, levels[at] if len(levels) else np.nan, np.nan)
    else:
        code = vote.astype(str).map(VOTE_SCORES).to_numpy(dtype=float)
    # numpy, not pivot_table (several times slower): rows and columns sorted, every
    # country and roll call that has a row kept, the first recorded vote of a pair taken.
    row, iso3 = pd.factorize(votes["iso3"], sort=True)
    col, resolutions = pd.factorize(votes["resolution"], sort=True)
    values = np.full((len(iso3), len(resolutions)), np.nan)
    cast_ = np.flatnonzero(~np.isnan(code) & (row >= 0) & (col >= 0))
    cell = row[cast_] * len(resolutions) + col[cast_]
    cell, first = np.unique(cell, return_index=True)  # the first row of a duplicated pair
    values.flat[cell] = code[cast_[first]]
    return pd.DataFrame(
        values,
        index=pd.Index(iso3, name="iso3"),
        columns=pd.Index(resolutions, name="resolution"),
    )


def _first_component(y: np.ndarray) -> np.ndarray:
    """First principal component of the column-centred matrix, missing cells at the mean."""
    col_mean = np.nanmean(y, axis=0)
    filled = np.where(np.isnan(y), col_mean, y) - col_mean
    u, s, _ = np.linalg.svd(filled, full_matrices=False)
    x = u[:, 0] * s[0]
    return (x - x.mean()) / (x.std() or 1.0)


class _Cells(NamedTuple):
    """Flat positions of the observed cells, by vote: the objective's work is only there."""

    observed: np.ndarray  # every vote cast (y in {0, 0.5, 1})
    y: np.ndarray  # y at ``observed``
    yes: np.ndarray  # y == 1: the log-likelihood is log_expit(eta) alone
    no: np.ndarray  # y == 0: log_expit(-eta) alone
    mixed: np.ndarray  # 0 < y < 1 (abstentions): both terms
    y_mixed: np.ndarray


def _cells(y: np.ndarray, observed: np.ndarray) -> _Cells:
    flat = y.ravel()
    seen = observed.ravel()
    mixed = np.flatnonzero(seen & (flat > 0) & (flat < 1))
    return _Cells(
        observed=np.flatnonzero(seen),
        y=flat[seen],
        yes=np.flatnonzero(seen & (flat == 1)),
        no=np.flatnonzero(seen & (flat == 0)),
        mixed=mixed,
        y_mixed=flat[mixed],
    )


def _negative_log_posterior(theta, cells: _Cells, n_countries, n_items):
    x = theta[:n_countries]
    a = theta[n_countries : n_countries + n_items]
    b = theta[n_countries + n_items :]
    eta = (a[None, :] + x[:, None] * b[None, :]).ravel()
    # Per cell this is y * log_expit(eta) + (1 - y) * log_expit(-eta) where observed, else
    # 0, as written out; but a yes needs only the first term and a no only the second (the
    # other is an exact zero), which halves the logarithms, the bulk of the features build.
    # The cells hold the same numbers as the full formula, so the sums below, and the fit,
    # are the same to the last bit.
    loglik = np.zeros(eta.shape)
    loglik[cells.yes] = log_expit(eta[cells.yes])
    loglik[cells.no] = log_expit(-eta[cells.no])
    mid, y_mid = eta[cells.mixed], cells.y_mixed
    loglik[cells.mixed] = y_mid * log_expit(mid) + (1 - y_mid) * log_expit(-mid)
    resid = np.zeros(eta.shape)
    resid[cells.observed] = cells.y - expit(eta[cells.observed])
    loglik = loglik.reshape(n_countries, n_items)
    resid = resid.reshape(n_countries, n_items)
    prior = 1.0 / ITEM_PRIOR_SD**2
    value = -loglik.sum() + 0.5 * (x @ x) + 0.5 * prior * (a @ a + b @ b)
    grad_x = -(resid * b[None, :]).sum(axis=1) + x
    grad_a = -resid.sum(axis=0) + prior * a
    grad_b = -(resid * x[:, None]).sum(axis=0) + prior * b
    return value, np.concatenate([grad_x, grad_a, grad_b])


def fit_ideal_points(
    matrix: pd.DataFrame, positive: str | None = "USA", min_votes: int = MIN_VOTES
) -> pd.DataFrame:
    """Fit the one-dimensional IRT model to a roll-call matrix.

    Roll calls on which every recorded vote is the same carry no information and are
    dropped; so are countries with fewer than ``min_votes`` recorded votes.

    Parameters
    ----------
    matrix : DataFrame
        From :func:`vote_matrix`: countries by roll calls, values in {0, 0.5, 1} or NaN.
    positive : str, optional
        ISO3 of the state whose ideal point is made positive (if it has one).
    min_votes : int

    Returns
    -------
    DataFrame
        Index ``matrix.index``; ``ideal_point`` (standardised, NaN where not estimated)
        and ``n_votes`` (recorded votes on the informative roll calls used).
    """
    y_all = matrix.to_numpy(dtype=float)
    informative = np.nanmax(y_all, axis=0, initial=-1) > np.nanmin(y_all, axis=0, initial=2)
    y = y_all[:, informative]
    n_votes = (~np.isnan(y)).sum(axis=1)
    out = pd.DataFrame({"ideal_point": np.nan, "n_votes": n_votes.astype(int)}, index=matrix.index)
    keep = n_votes >= min_votes
    if keep.sum() < 3 or y.shape[1] < 2:
        return out
    y = y[keep]
    observed = ~np.isnan(y)
    y0 = np.where(observed, y, 0.0)
    n_countries, n_items = y.shape
    x0 = _first_component(y)
    col_mean = np.clip(np.nanmean(y, axis=0), 0.05, 0.95)
    a0 = np.log(col_mean / (1 - col_mean))
    theta0 = np.concatenate([x0, a0, np.zeros(n_items)])
    # b starts at 0, where the gradient in x vanishes: seed b from the PCA direction.
    b0 = np.nan_to_num(
        [np.corrcoef(x0[observed[:, j]], y0[observed[:, j], j])[0, 1] for j in range(n_items)]
    )
    theta0[n_countries + n_items :] = b0
    res = minimize(
        _negative_log_posterior,
        theta0,
        args=(_cells(y0, observed), n_countries, n_items),
        jac=True,
        method="L-BFGS-B",
        # Tight: the estimates then agree to ~1e-7 whatever the BLAS threads, so the
        # rounded features.csv rebuilds byte for byte.
        options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-9},
    )
    x = res.x[:n_countries]
    x = (x - x.mean()) / (x.std() or 1.0)
    est = pd.Series(x, index=matrix.index[keep])
    if positive is not None and positive in est.index and est[positive] < 0:
        est = -est
    out.loc[est.index, "ideal_point"] = est.to_numpy()
    return out


def session_ideal_points(votes: pd.DataFrame, positive: str | None = "USA") -> pd.DataFrame:
    """Ideal points per country and session, each session fitted on its own roll calls.

    Returns
    -------
    DataFrame
        ``session, year, iso3, ideal_point, n_votes``; ``year`` is the calendar year in
        which the session opened (``1945 + session``), as in Bailey-Strezhnev-Voeten.
    """
    frames = []
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: threads only contend
        for session, rows in votes.groupby("session", sort=True):
            est = fit_ideal_points(vote_matrix(rows), positive=positive).dropna()
            est = est.rename_axis("iso3").reset_index()
            est.insert(0, "year", int(cast(int, session)) + 1945)
            est.insert(0, "session", int(cast(int, session)))
            frames.append(est)
    return pd.concat(frames, ignore_index=True)


def load_voeten(path: str | Path) -> pd.DataFrame:
    """Bailey-Strezhnev-Voeten ideal points: ``iso3, year, idealpointall, idealpointfp``."""
    table = pd.read_stata(path, columns=["iso3c", "year", "idealpointall", "idealpointfp"])
    table = table.rename(columns={"iso3c": "iso3"})
    table["year"] = table["year"].astype(int)
    table["iso3"] = table["iso3"].astype(str)
    return table


def correlate_with_voeten(own: pd.DataFrame, voeten: pd.DataFrame) -> pd.DataFrame:
    """Per-year Pearson correlation of the package's ideal points with the published ones.

    Parameters
    ----------
    own : DataFrame
        From :func:`session_ideal_points`.
    voeten : DataFrame
        From :func:`load_voeten`.

    Returns
    -------
    DataFrame
        ``year, n, r_all, r_fp``: countries matched, correlation with ``idealpointall``
        and with ``idealpointfp`` (NaN where the published column is empty).
    """
    merged = own.merge(voeten, on=["iso3", "year"], how="inner")
    rows = []
    for year, grp in merged.groupby("year", sort=True):
        row: dict[str, float] = {"year": int(cast(int, year)), "n": len(grp)}
        for col, name in (("idealpointall", "r_all"), ("idealpointfp", "r_fp")):
            ok = grp[col].notna()
            row[name] = (
                float(np.corrcoef(grp.loc[ok, "ideal_point"], grp.loc[ok, col])[0, 1])
                if ok.sum() >= 3
                else np.nan
            )
        rows.append(row)
    return pd.DataFrame(rows)
