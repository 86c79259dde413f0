"""The forecast's tables of states: country_forecast.csv's rows and the article's table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from unvote.votes import PROBA_COLUMNS

if TYPE_CHECKING:
    from unvote.conditioning import Simulation
    from unvote.context import Context

COUNTRY_COLUMNS: tuple[str, ...] = (
    "iso3",
    "country",
    *PROBA_COLUMNS,
    "last_vote",
    "p_yes_baseline",
)
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
