"""Forecast the next embargo vote under a scenario: fit, simulate, summarise, write.

:func:`run_forecast` is the whole job for one scenario (the notebooks call it);
:func:`run_compare` evaluates two scenarios on the same random numbers. Both:

1. read the committed tables (embargo votes, features) and check the as-of date;
2. fit the vote-choice model on the embargo votes before the as-of date (from
   :data:`unvote.model.TRAIN_FIRST_YEAR`, with the model's default penalty);
3. estimate the correlated-shock sizes from the same past votes
   (:func:`unvote.simulate.estimate_shock_sizes`);
4. draw every random number once from ``numpy.random.default_rng(seed)`` and simulate the
   scenario and the baseline on them (:func:`unvote.simulate.simulate_many`).

:func:`write_forecast` writes ``country_forecast.csv``, ``tally.csv``, ``drivers.csv``,
``article_table.csv`` and ``forecast.json`` whole or not at all; every CSV starts with the
``scenario`` and ``as_of`` it belongs to (``tally.csv`` after its index, the vote). When the
vote forecast is already in the data (a back-dated forecast), the result also holds the
actual tally and the forecast's scores (:func:`actual_and_scores`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from unvote import __version__, paths
from unvote.dates import CUTOFF, as_day
from unvote.errors import DataError, ScenarioError, UnvoteError
from unvote.scenario import (
    Scenario,
    expand_keys,
    load_scenario,
    parse_given,
    resolve_scenario,
)
from unvote.simulate import (
    Simulation,
    Uncertainty,
    apply_levers,
    campaign_effect,
    draw_randomness,
    estimate_shock_sizes,
    lever_strengths,
    shock_loadings,
    shock_units,
    simulate_many,
    summarise_tally,
    thresholds,
    to_odds,
)
from unvote.sponsors import EMBARGO_SPONSORS
from unvote.votes import VOTE_LEVELS

if TYPE_CHECKING:
    from unvote.model import VoteChoiceResults

DEFAULT_SCENARIO = "us_lobbying_2025"
BASELINE_SCENARIO = "baseline"
DEFAULT_AS_OF = CUTOFF
DEFAULT_DRAWS = 10_000
#: About 5 KB of memory per simulated vote (100,000 draws take ~490 MB): the cap keeps a
#: typo from exhausting the machine, and is far beyond what the quantiles need.
MAX_DRAWS = 200_000
DEFAULT_SEED = 20251001
#: How far past the last recorded embargo vote a forecast may look.
MAX_HORIZON = pd.Timedelta(days=365)
PROBA_COLUMNS: tuple[str, ...] = tuple(f"p_{v}" for v in VOTE_LEVELS)
COUNTRY_COLUMNS: tuple[str, ...] = (
    "iso3",
    "country",
    *PROBA_COLUMNS,
    "last_vote",
    "p_yes_baseline",
)
#: Decimals kept in the written files: plenty for probabilities, and byte-stable.
DECIMALS = 6
#: The columns that say which forecast a CSV row belongs to (first in every CSV).
LABEL_COLUMNS: tuple[str, ...] = ("scenario", "as_of")
#: article_table.csv after LABEL_COLUMNS: names and groups in words, whole percentages.
ARTICLE_COLUMNS: tuple[str, ...] = (
    "Country",
    "ISO3",
    "Regional group",
    "Blocs",
    "Last vote",
    "Yes (%)",
    "Abstain (%)",
    "No (%)",
    "Absent (%)",
    "Yes without the campaign (%)",
)
#: Fewest effective simulations (Kish) a conditioned forecast should rest on: with 400,
#: each 5% tail of the 90% interval rests on about 20 simulations, and a probability's
#: standard error is at most 0.025 (sqrt(0.25 / 400)), below the two decimals printed.
MIN_EFFECTIVE_DRAWS = 400
DRAWS_FILE = "draws.parquet"


@dataclass(frozen=True)
class Context:
    """Everything a forecast needs before any random number: data, fit, shocks.

    Attributes
    ----------
    as_of : Timestamp
    target_year : int
        Year of the first embargo vote after ``as_of``.
    last_vote : dict
        The last embargo vote before ``as_of``: ``year``, ``date`` and its tally.
    data_last_date : Timestamp
        Date of the last embargo vote in the data.
    features : DataFrame
        One row per member state on ``as_of`` (index ISO3), with ``country``.
    results : unvote.model.VoteChoiceResults
    designs : dict
        Design matrices (n, p): ``False`` the target year as the model sees it, ``True``
        with the 2017-2019 campaign indicator on.
    shock_sd : Series
        Shock standard deviations per kind (``global, group, bloc``).
    loadings : ndarray (n, u)
    sponsors : tuple of str
        The resolution's sponsors among the members: they vote yes
        (:mod:`unvote.sponsors`).
    """

    as_of: pd.Timestamp
    target_year: int
    last_vote: dict
    data_last_date: pd.Timestamp
    features: pd.DataFrame
    results: VoteChoiceResults
    designs: dict
    shock_sd: pd.Series
    loadings: np.ndarray
    sponsors: tuple[str, ...] = ()

    def predict(self, params, campaign: bool) -> np.ndarray:
        """Linear predictors of abstain, no, absent, outcome-first: (3, n), or (3, c, n)
        for parameter draws (c, p, 3); the model's ``linear_predictor`` on a fixed design.
        """
        design_t = self.designs[bool(campaign)].T
        if params is None:
            return (self.results.params.to_numpy().T @ design_t).copy()
        return np.matmul(np.moveaxis(params, 2, 0), design_t)


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
        ``country_forecast.csv``: columns :data:`COUNTRY_COLUMNS`, sorted by p_yes.
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
        ``article_table.csv`` without its label columns (:func:`article_table`).
    actual, scores : dict or None
        For a back-dated forecast (the target vote is in the data), the actual tally and
        the forecast's scores (:func:`actual_and_scores`); None otherwise.
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

    def to_json(self) -> str:
        """forecast.json: the tally, thresholds, countries, scenario as loaded and provenance."""
        assert self.data_last_date is not None and self.shock_sd is not None  # run_forecast sets
        assert self.levers is not None and self.coefficients is not None  # them all
        doc = {
            "scenario": self.scenario.to_dict(),
            "as_of": self.as_of.date().isoformat(),
            "target_year": self.target_year,
            "data_last_vote_date": self.data_last_date.date().isoformat(),
            "last_vote": self.last_vote,
            "seed": self.seed,
            "draws": self.draws,
            "version": __version__,
            "uncertainty": self.uncertainty.to_dict(),
            "sponsors": list(self.sponsors),
            "shock_sd": _rounded(self.shock_sd.to_dict()),
            "lever_effects": _rounded(self.levers.to_dict(orient="index")),
            "coefficients": _rounded(self.coefficients.to_dict(orient="records")),
            "tally": _rounded(self.tally.to_dict(orient="index")),
            "thresholds": _rounded(self.thresholds),
            "baseline": {
                "tally": _rounded(self.baseline_tally.to_dict(orient="index")),
                "thresholds": _rounded(self.baseline_thresholds),
            },
            "countries": _rounded(
                self.countries.assign(
                    p_yes_change=self.countries["p_yes"] - self.countries["p_yes_baseline"]
                ).to_dict(orient="records")
            ),
            # null unless the forecast vote is in the data (a back-dated forecast)
            "actual": self.actual,
            "scores": _rounded(self.scores),
        }
        if self.given:
            doc["given"] = self._given_json()
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def _given_json(self) -> dict:
        """forecast.json's ``given``: the condition and how many simulations carry it."""
        assert self.prior_tally is not None and self.prior_thresholds is not None
        return {
            "stated": dict(self.given),
            "states": dict(sorted(self.given_votes.items())),
            "effective_draws": _rounded(self.effective_draws),
            "min_effective_draws": MIN_EFFECTIVE_DRAWS,
            "before": {
                "tally": _rounded(self.prior_tally.to_dict(orient="index")),
                "thresholds": _rounded(self.prior_thresholds),
            },
        }


def _rounded(value):
    if isinstance(value, float | np.floating):
        # JSON has no NaN: a standard error the fit could not give is null
        return round(float(value), DECIMALS) if np.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


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


# --- data and fit --------------------------------------------------------------------------
def parse_as_of(as_of) -> pd.Timestamp:
    """A date-like as a day Timestamp; UnvoteError naming the value otherwise."""
    return as_day(as_of, "--as-of")


def allowed_as_of(embargo: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last as-of dates a forecast accepts.

    From the day after the first embargo vote of :data:`unvote.model.TRAIN_FIRST_YEAR`
    (the first with an earlier vote to learn from) to :data:`MAX_HORIZON` after the last.
    """
    from unvote.model import TRAIN_FIRST_YEAR

    dates = embargo.groupby("year")["date"].min().sort_index()
    first = dates.loc[dates.index >= TRAIN_FIRST_YEAR].iloc[0] + pd.Timedelta(days=1)
    return pd.Timestamp(first), pd.Timestamp(dates.iloc[-1] + MAX_HORIZON)


def target_of(embargo: pd.DataFrame, as_of: pd.Timestamp, embargo_path) -> tuple[int, dict]:
    """The year of the first embargo vote after ``as_of`` and the last vote before it.

    Raises
    ------
    UnvoteError
        If ``as_of`` leaves no earlier vote to learn from, or lies more than a year after
        the data's last vote.
    """
    dates = embargo.groupby("year")["date"].min().sort_index()
    first_allowed, last_allowed = allowed_as_of(embargo)
    if not first_allowed <= as_of <= last_allowed:
        raise UnvoteError(
            f"{embargo_path}: --as-of {as_of.date()} is outside the data; allowed: "
            f"{first_allowed.date()} (after the first vote to learn from) to "
            f"{last_allowed.date()} (a year after the last recorded vote)"
        )
    later = dates.loc[dates >= as_of]
    target_year = int(later.index[0]) if len(later) else int(dates.index[-1]) + 1
    last_year = int(dates.loc[dates < as_of].index[-1])
    rows = embargo.loc[embargo["year"] == last_year]
    counts = rows["vote"].astype(str).value_counts()
    last_vote = {
        "year": last_year,
        "date": pd.Timestamp(dates.loc[last_year]).date().isoformat(),
        **{v: int(counts.get(v, 0)) for v in VOTE_LEVELS},
    }
    return target_year, last_vote


def features_as_of(
    features: pd.DataFrame,
    embargo: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    features_path,
    votes_path,
) -> pd.DataFrame:
    """The features of the member states on ``as_of``: from features.csv, else computed.

    features.csv holds the day before each embargo vote and 2025-10-01; any other date is
    computed from the committed roll-call table ``votes_path`` and the sponsors table
    beside it (:data:`unvote.paths.SPONSORS_PARQUET`), as features.csv itself is.

    Returns
    -------
    DataFrame
        Index ISO3 (sorted), the feature columns.

    Raises
    ------
    DataError
        If ``as_of`` is not in features.csv and ``votes_path`` is missing: one line naming
        the nearest dates that work without it.
    """
    rows = features.loc[features["as_of"] == as_of]
    if len(rows):
        return rows.drop(columns=["as_of", "year"]).set_index("iso3").sort_index()
    votes_path = Path(votes_path)
    if not votes_path.exists():
        first, last = allowed_as_of(embargo)
        held = pd.DatetimeIndex(features["as_of"].unique()).sort_values()
        held = held[(held >= first) & (held <= last)]
        before, after = held[held < as_of], held[held > as_of]
        nearest = [f"{d.date()}" for d in (before[-1:].append(after[:1]))]
        raise DataError(
            f"{votes_path}: missing, and {features_path} holds no features as of "
            f"{as_of.date()}; allowed without it: the dates features.csv holds (the day "
            f"before each embargo vote), the nearest {' and '.join(nearest)}; `make data` "
            "rebuilds the roll-call table from the raw UN files"
        )
    from unvote.features import build_features, format_features
    from unvote.history import load_all_votes

    sponsors_path = votes_path.with_name(paths.SPONSORS_PARQUET.name)
    sponsors = pd.read_parquet(sponsors_path) if sponsors_path.exists() else None
    computed = build_features(load_all_votes(votes_path), embargo, as_of, sponsors=sponsors)
    # rounded as features.csv is: the same forecast as if the file held the date, and the
    # same bytes whatever the BLAS build (the ideal points' last digits depend on it)
    return format_features(computed.assign(as_of=as_of)).drop(columns="as_of").sort_index()


def prepare(
    as_of=DEFAULT_AS_OF,
    *,
    model_features: Sequence[str] | None = None,
    features_path=paths.FEATURES_CSV,
    embargo_path=paths.EMBARGO_VOTES_CSV,
    votes_path=None,
) -> Context:
    """Read the data, check the date, fit the model and the shock sizes (no randomness).

    Parameters
    ----------
    votes_path : path, optional
        The roll-call table the features of a date features.csv does not hold come from
        (default :data:`unvote.paths.ALL_VOTES_PARQUET`, read at call time).

    Returns
    -------
    Context
    """
    from unvote.features import load_features
    from unvote.history import load_embargo_votes
    from unvote.model import VoteChoiceModel, training_rows, training_table

    as_of = parse_as_of(as_of)
    embargo = load_embargo_votes(Path(embargo_path))
    target_year, last_vote = target_of(embargo, as_of, embargo_path)
    features = load_features(features_path)
    X = features_as_of(
        features,
        embargo,
        as_of,
        features_path=features_path,
        # read at call time, so that tests can redirect the committed table
        votes_path=paths.ALL_VOTES_PARQUET if votes_path is None else votes_path,
    )
    X = X.assign(year=target_year)
    names = embargo.drop_duplicates("iso3", keep="last").set_index("iso3")["country"]
    X["country"] = [_display_name(iso3, names) for iso3 in X.index]

    table = training_table(features, embargo)
    train = training_rows(table, target_year)
    train = train.loc[train["as_of"] < as_of]
    results = (
        VoteChoiceModel() if model_features is None else VoteChoiceModel(model_features)
    ).fit(train)
    # "off": the target year as the model knows it (a 2017-2019 target keeps its campaign
    # term); "on": the campaign indicator forced on, for levers anchored on it.
    designs = {False: results.design(X), True: results.design(X.assign(campaign=1.0))}

    # every bloc of the features table (the boolean columns), not only the model's terms
    blocs = tuple(sorted(c for c in features.columns if features[c].dtype == bool))
    shock_sd = estimate_shock_sizes(train, blocs)
    loadings = shock_loadings(shock_units(X, blocs), shock_sd)
    sponsors = tuple(iso3 for iso3 in EMBARGO_SPONSORS if iso3 in X.index)
    return Context(
        as_of=as_of,
        target_year=target_year,
        last_vote=last_vote,
        # the last vote the forecast could see, not the last in the file
        data_last_date=pd.Timestamp(embargo.loc[embargo["date"] < as_of, "date"].max()),
        features=X,
        results=results,
        designs=designs,
        shock_sd=shock_sd,
        loadings=loadings,
        sponsors=sponsors,
    )


def _display_name(iso3: str, fallback: pd.Series) -> str:
    try:
        from unvote.countries import display_name

        return display_name(iso3)
    except (ImportError, UnvoteError, KeyError):
        return str(fallback.get(iso3, iso3))


def check_overrides(scenario: Scenario, members: pd.Index, as_of: pd.Timestamp) -> None:
    """ScenarioError if an override names a state that is not a member on ``as_of``."""
    for iso3, _ in scenario.overrides:
        if iso3 not in members:
            raise ScenarioError(
                f"{scenario.source}: key 'overrides.{iso3}' names a state that is not a UN "
                f"member on {as_of.date()}; allowed: the {len(members)} members of that day"
            )


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
    scenarios = [resolve_scenario(s, context.features, on) for s in scenarios]
    for scenario in scenarios:
        check_overrides(scenario, context.features.index, context.as_of)
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
    base_yes = 1.0 / (1.0 + off.sum(axis=0))
    # the sponsors vote yes whatever the levers do
    movable = ~context.features.index.isin(context.sponsors)
    rows = {}
    for lever in scenario.levers:
        lost = {}
        for end, value in (("low", lever.low), ("mid", lever.mid), ("high", lever.high)):
            fixed = replace(lever, low=value, high=value)
            strength = lever_strengths((fixed,), None, context.features, campaign, off)
            odds = apply_levers(off, strength, [lever.split])
            lost[end] = float(((base_yes - 1.0 / (1.0 + odds.sum(axis=0))) * movable).sum())
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


def country_table(context: Context, sim: Simulation, base: Simulation) -> pd.DataFrame:
    """country_forecast.csv: one row per member state, sorted by p_yes ascending."""
    X = context.features
    table = pd.DataFrame(sim.probs, columns=list(PROBA_COLUMNS), index=X.index)
    table.insert(0, "country", X["country"].astype(str))
    table["last_vote"] = X["last_vote"].astype(str)
    table["p_yes_baseline"] = base.probs[:, 0]
    table = table.reset_index(names="iso3").sort_values(["p_yes", "iso3"], kind="stable")
    return table.loc[:, list(COUNTRY_COLUMNS)].reset_index(drop=True)


def article_table(countries: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """article_table.csv (without its label columns): a table to print beside a story.

    Parameters
    ----------
    countries : DataFrame
        :func:`country_table`: its order (chance of not voting yes, highest first) is kept.
    features : DataFrame
        Index ISO3: ``group`` and the bloc booleans of the as-of date.

    Returns
    -------
    DataFrame
        Columns :data:`ARTICLE_COLUMNS`: the state's name and ISO3, its regional group
        (empty for a member in none), its blocs in words (:data:`unvote.terms.BLOC_LABELS`,
        "; "-separated), its last embargo vote ("none on record" for a new member) and
        whole percentages, rounded half up (they need not add up to 100).
    """
    from unvote.features import NO_GROUP
    from unvote.terms import BLOC_LABELS

    rows = features.reindex(countries["iso3"])
    blocs = [b for b in BLOC_LABELS if b in rows.columns]
    words = [
        "; ".join(BLOC_LABELS[b] for b in blocs if bool(member[b]))
        for _, member in rows[blocs].iterrows()
    ]
    group = rows["group"].astype(str)

    def percent(column: str) -> np.ndarray:
        # half up, not numpy's half to even: 0.125 is 13%, as a reader rounds it
        return np.floor(countries[column].to_numpy(dtype=float) * 100.0 + 0.5).astype(int)

    table = pd.DataFrame(
        {
            "Country": countries["country"].astype(str).to_numpy(),
            "ISO3": countries["iso3"].to_numpy(),
            "Regional group": group.where(group != NO_GROUP, "").to_numpy(),
            "Blocs": words,
            "Last vote": countries["last_vote"].replace({"none": "none on record"}).to_numpy(),
            "Yes (%)": percent("p_yes"),
            "Abstain (%)": percent("p_abstain"),
            "No (%)": percent("p_no"),
            "Absent (%)": percent("p_absent"),
            "Yes without the campaign (%)": percent("p_yes_baseline"),
        }
    )
    return table.loc[:, list(ARTICLE_COLUMNS)]


def actual_and_scores(
    countries: pd.DataFrame, embargo: pd.DataFrame, target_year: int, top: int | None = None
) -> tuple[dict | None, dict | None]:
    """The actual result of the forecast vote, and the forecast's scores, if it is in the data.

    Parameters
    ----------
    countries : DataFrame
        :func:`country_table` (``iso3`` and :data:`PROBA_COLUMNS`).
    embargo : DataFrame
        The embargo votes (``year, date, iso3, vote``).
    target_year : int
    top : int, optional
        How far down the ranking to look (default :data:`unvote.backtest.TOP_RANKED`).

    Returns
    -------
    actual : dict or None
        ``year, date`` and the count of each vote; None if the vote is not in the data.
    scores : dict or None
        ``n`` (states both forecast and recorded), ``log_loss`` and ``brier`` of the
        country probabilities (:mod:`unvote.backtest`); ``left_yes``: the states that voted
        yes at the previous embargo vote and abstain or no at this one (``left_yes_states``);
        ``absent_after_yes``: those absent at this one, counted apart and not as leaving
        (``absent_after_yes_states``); ``left_yes_in_top``: how many of the states that left
        yes are among the ``top`` by chance of not voting yes, ranked among the
        ``ranked_among`` states that voted yes before and were present now;
        ``left_yes_auc`` (:func:`unvote.backtest.departure_ranking`).
    """
    from unvote.backtest import TOP_RANKED, brier, departure_ranking, log_loss

    top = TOP_RANKED if top is None else top
    rows = embargo.loc[embargo["year"] == target_year]
    if rows.empty:
        return None, None
    now = rows.set_index("iso3")["vote"].astype(str)
    counts = now.value_counts()
    actual = {
        "year": int(target_year),
        "date": pd.Timestamp(rows["date"].min()).date().isoformat(),
        **{v: int(counts.get(v, 0)) for v in VOTE_LEVELS},
    }
    earlier = embargo.loc[embargo["year"] < target_year, "year"]
    before = (
        embargo.loc[embargo["year"] == earlier.max()].set_index("iso3")["vote"].astype(str)
        if len(earlier)
        else pd.Series(dtype=str)
    )
    was_yes = before.reindex(now.index).eq("yes")
    left = now.index[was_yes & now.isin(["abstain", "no"])]
    absent = now.index[was_yes & now.eq("absent")]
    stayers = now.index[was_yes & now.ne("absent")]

    probs = countries.set_index("iso3").loc[:, list(PROBA_COLUMNS)]
    scored = probs.index.intersection(now.index).sort_values()
    proba, vote = probs.loc[scored].to_numpy(dtype=float), now.loc[scored]
    with np.errstate(divide="ignore"):  # a vote given probability 0: infinite, said as null
        loss = log_loss(proba, vote)
    ranking = departure_ranking(1.0 - probs["p_yes"], now.loc[stayers].ne("yes"), top)
    scores = {
        "n": len(scored),
        "log_loss": loss,
        "brier": brier(proba, vote),
        "left_yes": len(left),
        "left_yes_states": sorted(left),
        "absent_after_yes": len(absent),
        "absent_after_yes_states": sorted(absent),
        "top": top,
        "ranked_among": ranking["n"],
        "left_yes_in_top": ranking["in_top"],
        "left_yes_auc": ranking["auc"],
    }
    return actual, scores


def _resolve(scenario, scenarios_dir) -> Scenario:
    return (
        scenario
        if isinstance(scenario, Scenario)
        else load_scenario(scenario, scenarios_dir=scenarios_dir)
    )


def run_forecast(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    as_of=DEFAULT_AS_OF,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    *,
    uncertainty: Uncertainty | None = None,
    baseline: Scenario | str | Path = BASELINE_SCENARIO,
    scenarios_dir: Path | None = None,
    model_features: Sequence[str] | None = None,
    features_path=paths.FEATURES_CSV,
    embargo_path=paths.EMBARGO_VOTES_CSV,
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
    scenario = _resolve(scenario, scenarios_dir)
    baseline = _resolve(baseline, scenarios_dir)
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
        tally=summarise_tally(sim.counts, sim.weights),
        thresholds=thresholds(sim.counts, sim.weights),
        baseline_tally=summarise_tally(base.counts),
        baseline_thresholds=thresholds(base.counts),
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
        prior_tally=None if prior is None else summarise_tally(prior.counts),
        prior_thresholds=None if prior is None else thresholds(prior.counts),
        prior_p_yes=None
        if prior is None
        else pd.Series(prior.probs[:, 0], index=context.features.index, name="p_yes"),
    )


def previous_source(out_dir: str | Path, scenario: Scenario) -> str | None:
    """The scenario file of the forecast already in ``out_dir``, if it is another file.

    Outputs go to ``reports/<name>/`` by default, so a user's copy of a shipped scenario
    that keeps its ``name`` replaces the shipped forecast: worth a word to the user.
    """
    try:
        doc = json.loads((Path(out_dir) / "forecast.json").read_text(encoding="utf-8"))
        source = doc["scenario"]["source"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return source if source != scenario.to_dict()["source"] else None


def write_forecast(
    result: ForecastResult, out_dir: str | Path, *, save_draws: bool = False
) -> list[Path]:
    """Write country_forecast.csv, tally.csv, forecast.json, drivers.csv and
    article_table.csv into ``out_dir``, whole or not at all.

    Every CSV starts with :data:`LABEL_COLUMNS` (the scenario's name, the as-of date);
    ``tally.csv`` keeps the vote first, as its index. ``save_draws`` also writes every
    simulated vote to ``draws.parquet`` (:func:`draws_table`).
    """
    from unvote.atomic import atomic_dir

    out_dir = Path(out_dir)
    names = (
        "country_forecast.csv",
        "tally.csv",
        "forecast.json",
        "drivers.csv",
        "article_table.csv",
    )
    label = (result.scenario.name, result.as_of)
    with atomic_dir(out_dir) as tmp:
        _csv(labelled(result.countries, *label), tmp / names[0], index=False)
        _csv(labelled(result.tally, *label), tmp / names[1], index=True)
        (tmp / names[2]).write_text(result.to_json(), encoding="utf-8", newline="\n")
        drivers = result.drivers if result.drivers is not None else pd.DataFrame()
        _csv(labelled(drivers, *label), tmp / names[3], index=False)
        article = result.article if result.article is not None else pd.DataFrame()
        _csv(labelled(article, *label), tmp / names[4], index=False)
        if save_draws:
            write_draws(result, tmp / DRAWS_FILE)
            names += (DRAWS_FILE,)
    return [out_dir / name for name in names]


def labelled(frame: pd.DataFrame, scenario: str, as_of=None) -> pd.DataFrame:
    """``frame`` with :data:`LABEL_COLUMNS` first: which forecast each row belongs to.

    Two runs' files then tell themselves apart, even once concatenated.
    """
    day = "" if as_of is None else pd.Timestamp(as_of).date().isoformat()
    return pd.concat(
        [pd.DataFrame({"scenario": scenario, "as_of": day}, index=frame.index), frame], axis=1
    )


#: What the codes of draws.parquet mean; also in the file's metadata.
VOTE_CODES: dict[int, str] = dict(enumerate(VOTE_LEVELS))


def draws_table(result: ForecastResult) -> pd.DataFrame:
    """Every simulated vote: one row per simulation.

    Returns
    -------
    DataFrame
        ``draw`` (0, 1, ...: the simulation's number under this seed), then one int8
        column per member state (ISO3, alphabetical) holding its vote's code in
        VOTE_LEVELS order (0 yes, 1 abstain, 2 no, 3 absent), then, for a conditioned
        forecast, ``weight`` (each simulation's weight, summing to 1; the known votes are
        set in their columns). Filtering rows and counting them conditions by hand.
    """
    if result.votes is None:
        raise ValueError("this forecast kept no simulated votes")
    table = pd.DataFrame(result.votes, columns=list(result.vote_iso3))
    table.insert(0, "draw", np.arange(len(table), dtype=np.int32))
    if result.weights is not None:
        table["weight"] = result.weights
    return table


def write_draws(result: ForecastResult, path: Path) -> None:
    """draws.parquet; its metadata (``pandas.read_parquet(path).attrs["unvote"]``) holds the
    codes, the scenario, as-of date, seed and condition."""
    table = draws_table(result)
    table.attrs["unvote"] = {
        "codes": {str(k): v for k, v in VOTE_CODES.items()},
        "scenario": result.scenario.name,
        "as_of": result.as_of.date().isoformat(),
        "target_year": result.target_year,
        "seed": result.seed,
        "draws": result.draws,
        "given": dict(sorted(result.given_votes.items())),
        "version": __version__,
    }
    table.to_parquet(path, index=False)


def _csv(frame: pd.DataFrame, path: Path, *, index: bool) -> None:
    frame.to_csv(path, index=index, float_format=f"%.{DECIMALS}f", lineterminator="\n")


# --- text ----------------------------------------------------------------------------------
def _interval(row: pd.Series) -> str:
    return f"{row['q05']:g}-{row['q95']:g}"


def format_forecast(result: ForecastResult, top: int = 15) -> str:
    """The short summary ``unvote forecast`` prints."""
    last = result.last_vote
    lines = [
        f"Scenario {result.scenario.name}: the {result.target_year} embargo vote, as of "
        f"{result.as_of.date()} ({result.draws:,} simulation{'s' * (result.draws != 1)}, "
        f"seed {result.seed})",
    ]
    off = [name for name, on in result.uncertainty.to_dict().items() if not on]
    if off:
        lines.append(
            f"Sensitivity run: uncertainty from {' and '.join(off)} switched off, so the "
            "intervals are narrower than the forecast's"
        )
    lines += [
        "",
        f"{'':8}{'expected':>9}  {'90% interval':>12}  {'baseline':>8}  {last['year']} result",
    ]
    for vote in result.tally.index:
        row = result.tally.loc[vote]
        lines.append(
            f"{vote:8}{row['mean']:9.1f}  {_interval(row):>12}  "
            f"{result.baseline_tally.loc[vote, 'mean']:8.1f}  {last[vote]:>4}"
        )
    lines += format_actual(result)
    t = result.thresholds
    lines += [
        "",
        f"P(yes < 180) {t['p_yes_below_180']:.2f}   P(yes < 170) {t['p_yes_below_170']:.2f}   "
        f"P(yes < 160) {t['p_yes_below_160']:.2f}   P(no >= 5) {t['p_no_at_least_5']:.2f}   "
        f"P(no >= 10) {t['p_no_at_least_10']:.2f}",
    ]
    lines += format_given(result)
    if result.levers is not None and len(result.levers):
        lines += [
            "",
            "Expected yes votes each lever removes on its own, at the best-fit coefficients "
            "(low / mid / high end of its range):",
        ]
        for name, row in result.levers.iterrows():
            lines.append(f"  {name:12}{row['low']:6.1f} {row['mid']:6.1f} {row['high']:6.1f}")
    lines += [
        "",
        f"The {top} states most likely not to vote yes (p_yes; baseline; last vote):",
    ]
    for row in result.countries.head(top).itertuples(index=False):
        lines.append(
            f"  {row.iso3}  {str(row.country)[:32]:32}  {row.p_yes:5.2f}  {row.p_yes_baseline:5.2f}  "
            f"{row.last_vote}"
        )
    return "\n".join(lines)


def format_actual(result: ForecastResult) -> list[str]:
    """The lines under the tally of a back-dated forecast: the actual result and the scores.

    Empty when the vote forecast is not in the data.
    """
    actual, scores = result.actual, result.scores
    if actual is None or scores is None:
        return []

    def named(key: str) -> str:
        states = scores[f"{key}_states"]
        return f"{scores[key]}" + (f" ({', '.join(states)})" if states else "")

    return [
        "",
        f"Actual result ({actual['date']}): "
        + ", ".join(f"{v} {actual[v]}" for v in result.tally.index),
        f"Scores over {scores['n']} states: log loss {_number(scores['log_loss'])}, "
        f"Brier {_number(scores['brier'])}",
        f"Left yes since the last vote: {named('left_yes')}; {scores['left_yes_in_top']} of "
        f"them among the {scores['top']} most likely not to vote yes (ranked among the "
        f"{scores['ranked_among']} that voted yes then and were present)",
        f"Absent after voting yes (not counted as leaving): {named('absent_after_yes')}",
    ]


def _number(value) -> str:
    if value is None or np.isnan(value):
        return "n/a"
    # a vote the forecast gave probability 0 (an override, the sponsor rule)
    return "infinite" if np.isinf(value) else f"{value:.3f}"


def format_given(result: ForecastResult, top: int = 10) -> list[str]:
    """The lines on a conditioned forecast: the condition, its weight, what it moved."""
    if not result.given:
        return []
    assert result.prior_tally is not None and result.prior_p_yes is not None
    effective = result.effective_draws or 0.0
    stated = ", ".join(f"{k}={v}" for k, v in dict(result.given).items())
    n = len(result.given_votes)
    lines = [
        "",
        f"Given {stated} ({n} state{'s' * (n != 1)}): each simulation weighted by its chance "
        f"of those votes; they carry the result as {effective:,.0f} of the "
        f"{result.draws:,} would, unweighted.",
    ]
    if effective < MIN_EFFECTIVE_DRAWS:
        more = min(MAX_DRAWS, int(np.ceil(result.draws * MIN_EFFECTIVE_DRAWS / max(effective, 1))))
        lines.append(
            f"Warning: fewer than {MIN_EFFECTIVE_DRAWS} simulations carry it: the intervals "
            f"and probabilities are rough; rerun with --draws {more:,}"
            + (
                " (the most allowed; the condition is very unlikely in the model)"
                if more == MAX_DRAWS
                else ""
            )
        )
    before = result.prior_tally["mean"]
    lines.append(
        "Expected before the news: "
        + ", ".join(f"{vote} {before[vote]:.1f}" for vote in result.tally.index)
    )
    countries = result.countries.set_index("iso3")
    change = (countries["p_yes"] - result.prior_p_yes.reindex(countries.index)).drop(
        list(result.given_votes)
    )
    order = np.lexsort((change.index.to_numpy(), -change.abs().to_numpy()))
    lines.append(f"The {top} other states whose p_yes the news moves most (before -> after):")
    for iso3 in change.index[order][:top]:
        after = countries.loc[iso3, "p_yes"]
        lines.append(
            f"  {iso3}  {str(countries.loc[iso3, 'country'])[:32]:32}  "
            f"{after - change[iso3]:5.2f} -> {after:5.2f}"
        )
    return lines


# --- two scenarios -------------------------------------------------------------------------
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
    as_of=DEFAULT_AS_OF,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    *,
    uncertainty: Uncertainty | None = None,
    scenarios_dir: Path | None = None,
    features_path=paths.FEATURES_CSV,
    embargo_path=paths.EMBARGO_VOTES_CSV,
    votes_path=None,
) -> Comparison:
    """How scenario ``second`` differs from ``first`` (same data, fit and random numbers)."""
    check_draws_and_seed(draws, seed)
    a, b = _resolve(first, scenarios_dir), _resolve(second, scenarios_dir)
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
    ta, tb = summarise_tally(sim_a.counts), summarise_tally(sim_b.counts)
    tally = pd.concat(
        [
            ta[["mean", "q05", "q95"]].add_suffix(f"_{a.name}"),
            tb[["mean", "q05", "q95"]].add_suffix(f"_{b.name}"),
        ],
        axis=1,
    )
    tally["mean_diff"] = tb["mean"] - ta["mean"]
    thr = pd.DataFrame(
        {a.name: thresholds(sim_a.counts), b.name: thresholds(sim_b.counts)}
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


def write_compare(comparison: Comparison, out_dir: str | Path) -> list[Path]:
    """Write compare_tally.csv, compare_thresholds.csv, compare_countries.csv, whole or not.

    Each starts (after the index of the first two) with :data:`LABEL_COLUMNS`: the
    scenario is ``"<A> vs <B>"``.
    """
    from unvote.atomic import atomic_dir

    out_dir = Path(out_dir)
    label = (" vs ".join(comparison.names), comparison.as_of)
    files = {
        "compare_tally.csv": (comparison.tally, True),
        "compare_thresholds.csv": (comparison.thresholds, True),
        "compare_countries.csv": (comparison.countries, False),
    }
    with atomic_dir(out_dir) as tmp:
        for name, (frame, index) in files.items():
            _csv(labelled(frame, *label), tmp / name, index=index)
    return [out_dir / name for name in files]


def format_compare(comparison: Comparison, top: int = 15) -> str:
    """The summary ``unvote compare`` prints."""
    a, b = comparison.names
    lines = [f"{b} against {a} (same data, fit and random numbers)", ""]
    lines.append(f"{'':8}{a[:20]:>22}  {b[:20]:>22}  {'diff':>6}")
    for vote, row in comparison.tally.iterrows():
        left = f"{row[f'mean_{a}']:.1f} ({row[f'q05_{a}']:g}-{row[f'q95_{a}']:g})"
        right = f"{row[f'mean_{b}']:.1f} ({row[f'q05_{b}']:g}-{row[f'q95_{b}']:g})"
        lines.append(f"{vote:8}{left:>22}  {right:>22}  {row['mean_diff']:+6.1f}")
    lines += ["", f"{'probability':20}{a[:20]:>22}  {b[:20]:>22}"]
    for name, row in comparison.thresholds.iterrows():
        lines.append(f"{name:20}{row[a]:22.3f}  {row[b]:22.3f}")
    lines += ["", f"The {top} states whose p_yes changes most ({a} -> {b}):"]
    for row in comparison.countries.head(top).itertuples(index=False):
        lines.append(
            f"  {row.iso3}  {str(row.country)[:32]:32}  {row[2]:5.2f} -> {row[3]:5.2f}  ({row.diff:+.2f})"
        )
    return "\n".join(lines)
