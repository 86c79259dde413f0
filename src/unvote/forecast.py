"""Forecast the next embargo vote under a scenario: the steps in order, and their result.

:func:`run_forecast` is the whole job for one scenario (the notebooks call it;
:func:`unvote.compare.run_compare` does it for two scenarios on the same random numbers):

1. read the data, check the as-of date, fit the vote-choice model and the shock sizes
   (:func:`unvote.context.prepare`);
2. draw every random number once from ``numpy.random.default_rng(seed)`` and simulate the
   scenario and the baseline on them (:func:`evaluate`, :func:`unvote.simulate.simulate_many`),
   the scenario conditioned on the votes already known (:mod:`unvote.conditioning`);
3. summarise: the tallies (:mod:`unvote.tallies`), the tables of states
   (:mod:`unvote.tables`), what each lever and term does (:func:`lever_effects`,
   :func:`drivers_of`) and, when the vote forecast is already in the data (a back-dated
   forecast), the actual tally and the forecast's scores (:mod:`unvote.scoring`).

The :class:`ForecastResult` is written and printed by :mod:`unvote.outputs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from unvote import paths
from unvote.conditioning import Simulation, check_possible, given_votes
from unvote.context import Context, prepare
from unvote.dates import CUTOFF
from unvote.errors import UnvoteError
from unvote.levers import campaign_effect, p_yes_with, to_odds
from unvote.scenario import Scenario, load_scenario, resolve_scenario
from unvote.scoring import actual_and_scores
from unvote.simulate import Uncertainty, draw_randomness, fixed_probabilities, simulate_many
from unvote.tables import article_table, country_table
from unvote.votes import PROBA_COLUMNS

DEFAULT_SCENARIO = "us_lobbying_2025"
BASELINE_SCENARIO = "baseline"
DEFAULT_DRAWS = 10_000
#: About 5 KB of memory per simulated vote (100,000 draws take ~490 MB): the cap keeps a
#: typo from exhausting the machine, and is far beyond what the quantiles need.
MAX_DRAWS = 200_000
DEFAULT_SEED = 20251001


@dataclass(frozen=True)
class ForecastResult:
    """One scenario's forecast, with the baseline it is compared to.

    Attributes
    ----------
    scenario : Scenario
    as_of : Timestamp
    target_year : int
    seed, draws : int
    uncertainty : Uncertainty
    countries : DataFrame
        ``country_forecast.csv``: columns :data:`unvote.tables.COUNTRY_COLUMNS`, sorted by p_yes.
    tally : DataFrame
        ``tally.csv``: index yes, no, abstain, absent; mean and quantiles of the counts.
    thresholds : dict
        P(yes < 180, 170, 160), P(no >= 5, 10).
    baseline_tally : DataFrame
    baseline_thresholds : dict
    counts : ndarray (d, 4)
        Every simulated tally (VOTE_LEVELS order), for plots.
    last_vote : dict
        The last embargo vote before ``as_of`` (year, date, tally).
    data_last_date : Timestamp
    shock_sd : Series
        Standard deviations of the correlated shocks (global, group, bloc).
    levers : DataFrame
        :func:`lever_effects`: expected yes votes each lever removes on its own.
    coefficients : DataFrame
        ``VoteChoiceResults.summary()`` of the fitted model (the report's page 8).
    drivers : DataFrame
        ``drivers.csv``: what moves each state (:func:`unvote.explain.drivers_table`).
    baseline_probs : DataFrame
        The baseline's probabilities: index ISO3, columns p_yes .. p_absent.
    sponsors : tuple of str
        States fixed at yes by the sponsor rule.
    article : DataFrame
        ``article_table.csv`` without its label columns (:func:`unvote.tables.article_table`).
    actual, scores : dict or None
        For a back-dated forecast (the target vote is in the data), the actual tally and
        the forecast's scores (:func:`unvote.scoring.actual_and_scores`); None otherwise.
    votes : ndarray (d, n), int8, or None
        Every simulated vote of the scenario, codes 0..3 in VOTE_LEVELS order (yes,
        abstain, no, absent); with ``given``, the known votes are set.
    vote_iso3 : tuple of str
        The n states of the columns of ``votes``.
    weights : ndarray (d,) or None
        With ``given``: each simulation's weight (sum 1); None when all count alike.
    given : tuple of (key, vote)
        The votes the forecast is conditioned on, as stated (ISO3, bloc or group).
    given_votes : dict
        The same per member state (ISO3 -> vote), names expanded on ``as_of``.
    effective_draws : float or None
        With ``given``: the number of simulations that carry the result (Kish's effective
        sample size of the weights).
    prior_tally, prior_thresholds, prior_p_yes
        With ``given``: the same simulations before the condition.
    """

    scenario: Scenario
    as_of: pd.Timestamp
    target_year: int
    seed: int
    draws: int
    uncertainty: Uncertainty
    countries: pd.DataFrame
    tally: pd.DataFrame
    thresholds: dict
    baseline_tally: pd.DataFrame
    baseline_thresholds: dict
    counts: np.ndarray = field(repr=False)
    last_vote: dict = field(default_factory=dict)
    data_last_date: pd.Timestamp | None = None
    shock_sd: pd.Series | None = None
    levers: pd.DataFrame | None = None
    coefficients: pd.DataFrame | None = None
    drivers: pd.DataFrame | None = None
    baseline_probs: pd.DataFrame | None = None
    sponsors: tuple[str, ...] = ()
    article: pd.DataFrame | None = None
    actual: dict | None = None
    scores: dict | None = None
    votes: np.ndarray | None = field(default=None, repr=False)
    vote_iso3: tuple[str, ...] = ()
    weights: np.ndarray | None = field(default=None, repr=False)
    given: tuple[tuple[str, str], ...] = ()
    given_votes: dict = field(default_factory=dict)
    effective_draws: float | None = None
    prior_tally: pd.DataFrame | None = None
    prior_thresholds: dict | None = None
    prior_p_yes: pd.Series | None = None


def single_threaded_blas():
    """A context in which numpy's BLAS uses one thread.

    The products here are small (193 countries, a few dozen terms): threads gain nothing,
    and on a busy machine their spin-waiting made a forecast five times slower. One thread
    also fixes the order of floating-point sums, so the same seed gives the same bytes
    on any number of cores.
    """
    from threadpoolctl import threadpool_limits

    # threadpoolctl limits the BLAS libraries loaded so far: load scipy's (the model's
    # linear algebra) before, or it keeps its threads.
    import unvote.model  # noqa: F401

    return threadpool_limits(limits=1, user_api="blas")


# --- simulate and summarise ----------------------------------------------------------------
def evaluate(
    context: Context,
    scenarios: list[Scenario],
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
    *,
    given: Sequence[dict[str, str] | None] | None = None,
) -> list[Simulation]:
    """Simulate each scenario ``draws`` times on the same random numbers from ``seed``.

    ``uncertainty`` None draws all three sources. Names of blocs and groups in the
    scenarios are expanded to the members on the as-of date. ``given`` (one ISO3 -> vote
    mapping or None per scenario) conditions each on known votes; default: each
    scenario's own ``[given]``.
    """
    uncertainty = Uncertainty() if uncertainty is None else uncertainty
    check_draws_and_seed(draws, seed)
    on = str(context.as_of.date())
    # resolving checks every key against the members of the day (blocs.expand_keys)
    scenarios = [resolve_scenario(s, context.features, on) for s in scenarios]
    if given is None:
        given = [dict(s.given) or None for s in scenarios]
    rng = np.random.default_rng(seed)
    n_levers = max((len(s.levers) for s in scenarios), default=0)
    randomness = draw_randomness(
        rng,
        draws,
        len(context.features),
        context.loadings.shape[1],
        n_levers,
        context.results.sample_params,
        n_together=max((len(s.together) for s in scenarios), default=0),
    )
    return simulate_many(
        context.predict,
        context.features,
        scenarios,
        randomness,
        loadings=context.loadings,
        uncertainty=uncertainty,
        sponsors=context.sponsors,
        given=given,
    )


def check_draws_and_seed(draws: int, seed: int) -> None:
    """UnvoteError unless ``draws`` is in 1..MAX_DRAWS and ``seed`` a non-negative integer."""
    if not 1 <= draws <= MAX_DRAWS:
        raise UnvoteError(
            f"--draws: {draws}; allowed: 1 to {MAX_DRAWS:,} simulations "
            f"(each takes about 5 KB of memory)"
        )
    if seed < 0:
        raise UnvoteError(f"--seed: {seed}; allowed: a non-negative integer")


def lever_effects(context: Context, scenario: Scenario) -> pd.DataFrame:
    """Expected yes votes each lever removes on its own, at the low, middle and high end.

    At the fitted parameters, without shocks: a deterministic reading of the scenario
    file's ranges in votes, for the summary and the report.

    Returns
    -------
    DataFrame
        Index lever names; columns ``low, mid, high`` (expected number of states).
    """
    off = to_odds(context.predict(None, False))
    campaign = campaign_effect(off, to_odds(context.predict(None, True)))
    # the states the simulation fixes (sponsors, a user's overrides) keep their vote
    overrides = resolve_scenario(scenario, context.features, str(context.as_of.date()))
    fixed = fixed_probabilities(context.sponsors, overrides.override_map)
    movable = ~context.features.index.isin(list(fixed))
    rows = {}
    for lever in scenario.levers:
        lost = {}
        for end, value in (("low", lever.low), ("mid", lever.mid), ("high", lever.high)):
            before, moved = p_yes_with(lever, off, context.features, campaign, value)
            lost[end] = float(((before - moved) * movable).sum())
        rows[lever.name] = lost
    return pd.DataFrame.from_dict(rows, orient="index", columns=["low", "mid", "high"])


def drivers_of(context: Context, scenario: Scenario) -> pd.DataFrame:
    """drivers.csv of ``scenario``: the model's terms and the scenario's levers, per state."""
    from unvote.explain import drivers_table, lever_contributions, term_contributions

    off = to_odds(context.predict(None, False))
    on = to_odds(context.predict(None, True))
    return drivers_table(
        term_contributions(context.results, context.features),
        lever_contributions(off, on, context.features, scenario.levers),
        scenario.levers,
        sponsors=context.sponsors,
    )


def resolve(scenario, scenarios_dir=None) -> Scenario:
    """A scenario as given, or loaded from its name or path (:func:`unvote.scenario.load_scenario`)."""
    return (
        scenario
        if isinstance(scenario, Scenario)
        else load_scenario(scenario, scenarios_dir=scenarios_dir)
    )


def run_forecast(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    as_of=CUTOFF,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    *,
    uncertainty: Uncertainty | None = None,
    baseline: Scenario | str | Path = BASELINE_SCENARIO,
    scenarios_dir: Path | None = None,
    model_features: Sequence[str] | None = None,
    features_path=None,
    embargo_path=None,
    votes_path=None,
    given=None,
    given_source: str = "given",
) -> ForecastResult:
    """Forecast the first embargo vote after ``as_of`` under ``scenario``.

    Parameters
    ----------
    scenario : Scenario, or a name in ``scenarios/`` or a path to a TOML file
    as_of : date-like
        Only data before this date is used.
    draws : int
        Number of simulated votes.
    seed : int
        The one seed of every random number: the same seed gives the same result.
    uncertainty : Uncertainty, optional
        Which sources of uncertainty to draw (for sensitivity runs); default all.
    baseline : Scenario, name or path
        The scenario ``p_yes_baseline`` and the baseline tally come from.
    model_features : sequence of str, optional
        The vote-choice model's terms (default :data:`unvote.model.DEFAULT_FEATURES`;
        :data:`unvote.model.WINDOW_FEATURES` is the specification before issue 8).
    given : str ``"GTM=abstain,PAN=no"`` or mapping, optional
        Votes already known (ISO3 codes, blocs or groups): the scenario's forecast is
        conditioned on them, with the scenario's own ``[given]`` (the baseline is not).
    given_source : str
        How ``given`` was passed, for messages (the CLI says ``--given``).

    Returns
    -------
    ForecastResult

    Raises
    ------
    UnvoteError
        If no simulation can give the known votes.
    """
    check_draws_and_seed(draws, seed)
    # read when called, so that redirecting unvote.paths redirects it
    embargo_path = paths.EMBARGO_VOTES_CSV if embargo_path is None else embargo_path
    scenario = resolve(scenario, scenarios_dir)
    baseline = resolve(baseline, scenarios_dir)
    uncertainty = Uncertainty() if uncertainty is None else uncertainty
    with single_threaded_blas():
        context = prepare(
            as_of,
            model_features=model_features,
            features_path=features_path,
            embargo_path=embargo_path,
            votes_path=votes_path,
        )
        stated, known, wheres = given_votes(context, scenario, given, source=given_source)
        sim, base = evaluate(
            context, [scenario, baseline], draws, seed, uncertainty, given=[known or None, None]
        )
        check_possible(sim, context, scenario, known, wheres)
        levers = lever_effects(context, scenario)
        drivers = drivers_of(context, scenario)
    countries = country_table(context, sim, base)
    from unvote.history import load_embargo_votes

    # scored after the fact: nothing above saw the target vote
    actual, scores = actual_and_scores(
        countries, load_embargo_votes(Path(embargo_path)), context.target_year
    )
    prior = sim.prior
    return ForecastResult(
        scenario=scenario,
        as_of=context.as_of,
        target_year=context.target_year,
        seed=seed,
        draws=draws,
        uncertainty=uncertainty,
        countries=countries,
        tally=sim.tally_summary(),
        thresholds=sim.tally_thresholds(),
        baseline_tally=base.tally_summary(),
        baseline_thresholds=base.tally_thresholds(),
        counts=sim.counts,
        last_vote=context.last_vote,
        data_last_date=context.data_last_date,
        shock_sd=context.shock_sd,
        levers=levers,
        coefficients=context.results.summary(),
        drivers=drivers,
        baseline_probs=pd.DataFrame(
            base.probs, index=context.features.index, columns=list(PROBA_COLUMNS)
        ),
        sponsors=context.sponsors,
        article=article_table(countries, context.features),
        actual=actual,
        scores=scores,
        votes=sim.votes,
        vote_iso3=tuple(context.features.index),
        weights=sim.weights,
        given=stated,
        given_votes=known,
        effective_draws=sim.effective_draws if known else None,
        prior_tally=None if prior is None else prior.tally_summary(),
        prior_thresholds=None if prior is None else prior.tally_thresholds(),
        prior_p_yes=None
        if prior is None
        else pd.Series(prior.probs[:, 0], index=context.features.index, name="p_yes"),
    )
