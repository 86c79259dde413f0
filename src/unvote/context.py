"""What a forecast needs before any random number: the data as of a date, the fit, the shocks.

:func:`prepare` reads the committed tables (embargo votes, features), checks the as-of
date, fits the vote-choice model on the embargo votes before it (from
:data:`unvote.model.TRAIN_FIRST_YEAR`, with the model's default penalty) and estimates the
correlated-shock sizes from the same past votes (:func:`unvote.shocks.estimate_shock_sizes`).
Its :class:`Context` is all :mod:`unvote.forecast` simulates from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from unvote import paths
from unvote.countries import display_name
from unvote.dates import CUTOFF, as_day
from unvote.errors import DataError, UnvoteError
from unvote.history import vote_record
from unvote.shocks import estimate_shock_sizes, shock_loadings, shock_units
from unvote.sponsors import EMBARGO_SPONSORS

if TYPE_CHECKING:
    from unvote.model import VoteChoiceResults

#: How far past the last recorded embargo vote a forecast may look.
MAX_HORIZON = pd.Timedelta(days=365)


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
        for parameter draws (c, p, 3), with the 2017-2019 campaign on or off
        (:meth:`unvote.model.VoteChoiceResults.design_predictor` on the stored designs).
        """
        return self.results.design_predictor(self.designs[bool(campaign)], params)


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
    return target_year, vote_record(embargo, last_year)


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
    from unvote.feature_files import format_features, load_sponsors
    from unvote.features import build_features
    from unvote.history import load_all_votes

    sponsors = load_sponsors(votes_path)
    computed = build_features(load_all_votes(votes_path), embargo, as_of, sponsors=sponsors)
    # rounded as features.csv is: the same forecast as if the file held the date, and the
    # same bytes whatever the BLAS build (the ideal points' last digits depend on it)
    return format_features(computed.assign(as_of=as_of)).drop(columns="as_of").sort_index()


def prepare(
    as_of=CUTOFF,
    *,
    model_features: Sequence[str] | None = None,
    features_path=None,
    embargo_path=None,
    votes_path=None,
) -> Context:
    """Read the data, check the date, fit the model and the shock sizes (no randomness).

    Parameters
    ----------
    features_path, embargo_path : path, optional
        features.csv and embargo_votes.csv (default :data:`unvote.paths.FEATURES_CSV`,
        :data:`unvote.paths.EMBARGO_VOTES_CSV`, read when called).
    votes_path : path, optional
        The roll-call table the features of a date features.csv does not hold come from
        (default :data:`unvote.paths.ALL_VOTES_PARQUET`, read when called).

    Returns
    -------
    Context
    """
    from unvote.feature_files import load_features
    from unvote.history import load_embargo_votes
    from unvote.model import VoteChoiceModel, training_rows, training_table

    # read when called, so that redirecting unvote.paths redirects every default
    features_path = paths.FEATURES_CSV if features_path is None else features_path
    embargo_path = paths.EMBARGO_VOTES_CSV if embargo_path is None else embargo_path
    votes_path = paths.ALL_VOTES_PARQUET if votes_path is None else votes_path
    as_of = parse_as_of(as_of)
    embargo = load_embargo_votes(Path(embargo_path))
    target_year, last_vote = target_of(embargo, as_of, embargo_path)
    features = load_features(features_path)
    X = features_as_of(
        features,
        embargo,
        as_of,
        features_path=features_path,
        votes_path=votes_path,
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
        return display_name(iso3)
    except (UnvoteError, KeyError):
        return str(fallback.get(iso3, iso3))
