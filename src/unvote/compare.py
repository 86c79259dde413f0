"""Two scenarios on the same data, fit and random numbers: how the second differs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from unvote.context import prepare
from unvote.dates import CUTOFF
from unvote.errors import UnvoteError
from unvote.forecast import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    check_draws_and_seed,
    evaluate,
    resolve,
    single_threaded_blas,
)
from unvote.scenario import Scenario
from unvote.simulate import Uncertainty


@dataclass(frozen=True)
class Comparison:
    """Two scenarios simulated on the same random numbers.

    Attributes
    ----------
    names : tuple of str
    tally : DataFrame
        Index yes, no, abstain, absent; columns ``mean_<A>, q05_<A>, q95_<A>`` and the
        same for B, and ``mean_diff`` (B minus A).
    thresholds : DataFrame
        Index the threshold names; columns A, B.
    countries : DataFrame
        ``iso3, country, p_yes_<A>, p_yes_<B>, diff`` (B minus A), largest change first.
    as_of : Timestamp, optional
        The as-of date of both forecasts (the ``as_of`` column of the CSVs).
    """

    names: tuple[str, str]
    tally: pd.DataFrame
    thresholds: pd.DataFrame
    countries: pd.DataFrame
    as_of: pd.Timestamp | None = None


def run_compare(
    first: Scenario | str | Path,
    second: Scenario | str | Path,
    as_of=CUTOFF,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    *,
    uncertainty: Uncertainty | None = None,
    scenarios_dir: Path | None = None,
    features_path=None,
    embargo_path=None,
    votes_path=None,
) -> Comparison:
    """How scenario ``second`` differs from ``first`` (same data, fit and random numbers).

    The paths default to :mod:`unvote.paths`, read when called (:func:`unvote.context.prepare`).
    """
    check_draws_and_seed(draws, seed)
    a, b = resolve(first, scenarios_dir), resolve(second, scenarios_dir)
    if a.name == b.name:
        raise UnvoteError(
            f"compare: both scenarios are named {a.name!r}; allowed: two scenarios with "
            "different names (give one of the files another `name`)"
        )
    with single_threaded_blas():
        context = prepare(
            as_of, features_path=features_path, embargo_path=embargo_path, votes_path=votes_path
        )
        sim_a, sim_b = evaluate(context, [a, b], draws, seed, uncertainty)
    # with the weights: a scenario's own [given] conditions it, tally and countries alike
    ta, tb = sim_a.tally_summary(), sim_b.tally_summary()
    tally = pd.concat(
        [
            ta[["mean", "q05", "q95"]].add_suffix(f"_{a.name}"),
            tb[["mean", "q05", "q95"]].add_suffix(f"_{b.name}"),
        ],
        axis=1,
    )
    tally["mean_diff"] = tb["mean"] - ta["mean"]
    thr = pd.DataFrame(
        {a.name: sim_a.tally_thresholds(), b.name: sim_b.tally_thresholds()}
    ).rename_axis("probability")
    countries = pd.DataFrame(
        {
            "iso3": context.features.index,
            "country": context.features["country"].to_numpy(),
            f"p_yes_{a.name}": sim_a.probs[:, 0],
            f"p_yes_{b.name}": sim_b.probs[:, 0],
        }
    )
    countries["diff"] = countries[f"p_yes_{b.name}"] - countries[f"p_yes_{a.name}"]
    order = np.lexsort((countries["iso3"].to_numpy(), -countries["diff"].abs().to_numpy()))
    countries = countries.iloc[order].reset_index(drop=True)
    return Comparison((a.name, b.name), tally, thr, countries, as_of=context.as_of)
