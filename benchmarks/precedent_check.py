"""Leave-one-precedent-out: who departs from yes at an open US campaign, from what came before.

Two precedents (src/unvote/facts/precedents.csv):

- A/RES/ES-10/19 (Jerusalem, 21 December 2017), from features as of that day: the states
  present, the United States left out; a departure is an abstention or a no.
- the 2019 embargo vote (A/RES/74/7), from features as of 2019-10-01: the states that voted
  yes in 2018 and were present in 2019; a departure is an abstention or a no.

Each score ranks the states; the table gives the AUC (the chance that a departing state
outranks one that stayed) and how many departures rank in the top 25
(:func:`unvote.backtest.departure_ranking`). Scores: the features the model had before
issue 8 (365-day agreement with the US, ideal point) against the new ones (rank of
agreement with the administration in office, rank of siding with a lonely US, departure at
earlier precedents: each precedent's own answer is never in its score, since the features
are as of the day before it), the pressure lever's sharing weight
(:func:`unvote.susceptibility.us_susceptibility`), and for 2019 the model's probability of
not voting yes (the backtest's prediction, fitted on 1993-2018) under both specifications.

Needs the roll-call table: ``make data``, then
``.venv/bin/python benchmarks/precedent_check.py``.
"""

from __future__ import annotations

import pandas as pd

from unvote import paths
from unvote.backtest import departure_ranking
from unvote.feature_files import load_features
from unvote.features import build_features
from unvote.history import load_all_votes, load_embargo_votes
from unvote.model import (
    DEFAULT_FEATURES,
    WINDOW_FEATURES,
    VoteChoiceModel,
    training_rows,
    training_table,
)
from unvote.susceptibility import us_susceptibility

JERUSALEM = ("A/RES/ES-10/19", "2017-12-21")
EMBARGO_2019 = (2019, "2019-10-01")
FEATURE_SCORES: dict[str, str] = {
    "agree_us": "before: agreement with the US, 365 days",
    "ideal_point": "before: ideal point",
    "agree_us_admin_pct": "new: agreement with the administration (rank)",
    "us_lonely_pct": "new: siding with a lonely US (rank)",
    "precedent_departure": "new: departure at earlier precedents",
    "us_susceptibility": "new: pressure lever's sharing weight",
}


def scores_of(features: pd.DataFrame) -> dict[str, pd.Series]:
    """Score name -> Series (index ISO3) from a features table as of one day."""
    out = {label: features[col].astype(float) for col, label in FEATURE_SCORES.items()}
    return out


def model_scores(committed, embargo, test: pd.DataFrame) -> dict[str, pd.Series]:
    """The model's P(not yes) for ``test`` (features of the target year, index ISO3) under
    both specifications, fitted on the embargo votes before its year."""
    year = int(test["year"].iloc[0])
    train = training_rows(training_table(committed, embargo), year)
    out = {}
    for name, spec in (("before", WINDOW_FEATURES), ("new", DEFAULT_FEATURES)):
        results = VoteChoiceModel(spec).fit(train)
        out[f"{name}: model P(not yes), fitted 1993-{year - 1}"] = (
            1 - results.predict_proba(test)["p_yes"]
        )
    return out


def main() -> None:
    votes = load_all_votes(paths.ALL_VOTES_PARQUET)
    embargo = load_embargo_votes(paths.EMBARGO_VOTES_CSV)
    committed = load_features(paths.FEATURES_CSV)
    rows = []

    resolution, day = JERUSALEM
    at = votes.loc[votes["resolution"] == resolution].set_index("iso3")["vote"].astype(str)
    present = at.loc[(at != "absent") & (at.index != "USA")]
    departed = present != "yes"
    feats = us_susceptibility(build_features(votes, embargo, day))
    for name, score in scores_of(feats).items():
        rows.append({"precedent": resolution, "score": name, **departure_ranking(score, departed)})

    year, day = EMBARGO_2019
    before = embargo.loc[embargo["year"] == year - 1].set_index("iso3")["vote"].astype(str)
    now = embargo.loc[embargo["year"] == year].set_index("iso3")["vote"].astype(str)
    stayers = now.index[(now != "absent") & (before.reindex(now.index) == "yes")]
    departed = now.loc[stayers] != "yes"
    feats = us_susceptibility(build_features(votes, embargo, day))
    scores = {**scores_of(feats), **model_scores(committed, embargo, feats.assign(year=year))}
    for name, score in scores.items():
        rows.append(
            {"precedent": "A/RES/74/7", "score": name, **departure_ranking(score, departed)}
        )

    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
