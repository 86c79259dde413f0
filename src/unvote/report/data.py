"""What a report shows, loaded: one scenario's forecast outputs, the backtest and the history.

Reading files and deriving the report's tables (groups, scores) from them; no words, no
drawing. :func:`load_report_data` is the only function here that touches files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from unvote import paths
from unvote.backtest import BACKTEST_FILES
from unvote.errors import DataError
from unvote.forecast import BASELINE_SCENARIO
from unvote.tallies import TALLY_ROWS
from unvote.terms import BLOC_LABELS


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows, already loaded.

    Attributes
    ----------
    forecast : dict
        forecast.json of the scenario (``scenario``, ``as_of``, thresholds, ...).
    countries : pandas.DataFrame
        country_forecast.csv: one row per member state.
    tally : pandas.DataFrame
        tally.csv: index yes, no, abstain, absent; columns mean, q05..q95.
    baseline_tally : pandas.DataFrame or None
        The baseline scenario's tally.csv (None when the scenario is the baseline).
    history : pandas.DataFrame
        ``unvote.history.history_table``: one row per embargo vote year.
    groups : pandas.DataFrame
        Index iso3; one boolean column per regional group and bloc (display labels).
    predictions, scores : pandas.DataFrame or None
        The backtest's predictions.csv and scores.csv.
    coefficients : pandas.DataFrame or None
        ``VoteChoiceResults.summary()`` of the model the forecast used (forecast.json).
    drivers : pandas.DataFrame or None
        drivers.csv of the forecast (:func:`unvote.explain.drivers_table`).
    """

    forecast: dict
    countries: pd.DataFrame
    tally: pd.DataFrame
    baseline_tally: pd.DataFrame | None
    history: pd.DataFrame
    groups: pd.DataFrame
    predictions: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    coefficients: pd.DataFrame | None = None
    drivers: pd.DataFrame | None = None

    @property
    def scenario_name(self) -> str:
        return str(self.forecast["scenario"]["name"])

    @property
    def forecast_year(self) -> int:
        return int(self.forecast["target_year"])

    @property
    def has_levers(self) -> bool:
        """Whether the scenario moves anything (the baseline does not: nothing to compare)."""
        return bool(self.forecast["scenario"].get("levers"))

    @property
    def scenario_label(self) -> str:
        """The scenario in words, for columns and legends (a file name means nothing there)."""
        if self.has_levers:
            return "with the campaign"
        if self.scenario_name == BASELINE_SCENARIO:
            return "no campaign"
        return self.scenario_name.replace("_", " ")

    @property
    def actual(self) -> dict[str, int] | None:
        """The real vote's tally, when forecast.json holds it (a back-dated forecast)."""
        actual = self.forecast.get("actual")
        if not isinstance(actual, Mapping):
            return None
        return {level: int(actual[level]) for level in TALLY_ROWS if level in actual}


def group_membership(features: pd.DataFrame) -> pd.DataFrame:
    """Regional groups and blocs as boolean columns, from the features of one as-of date.

    Parameters
    ----------
    features : pandas.DataFrame
        Rows of one as-of date, with ``iso3``, ``group`` and the bloc columns present
        among :data:`BLOC_LABELS`.

    Returns
    -------
    pandas.DataFrame
        Index iso3; columns the five regional groups then the blocs, by display label.
    """
    frame = features.set_index("iso3")
    groups = sorted(frame["group"].dropna().astype(str).unique())
    columns = {g: frame["group"].astype(str) == g for g in groups}
    for bloc, label in BLOC_LABELS.items():
        if bloc in frame:
            columns[label] = frame[bloc].astype("boolean").fillna(False).astype(bool)
    return pd.DataFrame(columns, index=frame.index)


def group_shifts(countries: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Per regional group and bloc: how far the scenario moves it from the baseline.

    Parameters
    ----------
    countries : pandas.DataFrame
        country_forecast.csv (``iso3, p_yes, p_yes_baseline``).
    groups : pandas.DataFrame
        Index iso3; one boolean column per group (see :func:`group_membership`).

    Returns
    -------
    pandas.DataFrame
        Index group label; columns ``members`` (member states forecast), ``not_yes_baseline``
        and ``not_yes`` (mean probability of not voting yes, 0-1) and ``yes_lost`` (expected
        yes votes the scenario takes from the group, the sum of p_yes_baseline - p_yes),
        and ``kind``: "UN regional groups" or "Blocs" (columns of ``groups`` named in
        :data:`BLOC_LABELS`). Groups with no member in ``countries`` are left out; regional
        groups first, then blocs, each with the largest ``yes_lost`` first.
    """
    frame = countries.set_index("iso3")
    member = groups.reindex(frame.index).fillna(False).astype(bool)
    rows = {}
    for label in member.columns:
        sub = frame.loc[member[label].to_numpy()]
        if sub.empty:
            continue
        rows[label] = {
            "members": len(sub),
            "not_yes_baseline": float(1.0 - sub["p_yes_baseline"].mean()),
            "not_yes": float(1.0 - sub["p_yes"].mean()),
            "yes_lost": float((sub["p_yes_baseline"] - sub["p_yes"]).sum()),
            "kind": "Blocs" if label in BLOC_LABELS.values() else "UN regional groups",
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    order = table["kind"].eq("Blocs")
    return (
        table.assign(_order=order)
        .sort_values(["_order", "yes_lost"], ascending=[True, False], kind="stable")
        .drop(columns="_order")
    )


def news_table(countries: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The states whose vote would be news: the largest drop from their last vote.

    Only states that voted yes last time can drop from it; a state that voted no or
    abstained (the United States, Israel) doing so again is no news, and one that was
    absent did not vote, so it cannot be said to defect.

    Parameters
    ----------
    countries : pandas.DataFrame
        country_forecast.csv (``iso3, country, p_abstain, p_no, last_vote``).
    n : int
        How many states.

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` rows, largest first: ``iso3``, ``country`` and ``p_leave`` (the chance
        of abstaining or voting no, 0-1; absence is not counted as leaving yes).
    """
    voted_yes = countries.loc[countries["last_vote"].astype("string") == "yes"]
    table = voted_yes.assign(p_leave=voted_yes["p_abstain"] + voted_yes["p_no"])
    return table.nlargest(n, "p_leave")[["iso3", "country", "p_leave"]].reset_index(drop=True)


def last_result(forecast: Mapping) -> tuple[int, dict[str, int]]:
    """The last embargo vote before the as-of date (forecast.json's ``last_vote``).

    Returns
    -------
    year : int
    counts : dict
        yes, no, abstain, absent -> number of member states.
    """
    last = forecast["last_vote"]
    return int(last["year"]), {level: int(last[level]) for level in TALLY_ROWS}


def score_table(scores: pd.DataFrame) -> pd.DataFrame:
    """The backtest's overall scores, one row per method, best log loss first.

    Returns
    -------
    pandas.DataFrame
        Index method; columns ``log_loss``, ``brier`` and ``abs_err_<outcome>``.
    """
    overall = scores.loc[scores["year"].astype(str) == "all"].set_index("method")
    keep = ["log_loss", "brier"] + [c for c in overall.columns if c.startswith("abs_err_")]
    return overall[keep].astype(float).sort_values("log_loss")


#: The files of one forecast, as :func:`unvote.outputs.write_forecast` writes them.
FORECAST_FILES: tuple[str, ...] = (
    "country_forecast.csv",
    "tally.csv",
    "forecast.json",
    "drivers.csv",
)


def load_report_data(
    forecast_dir: str | Path,
    *,
    backtest_dir: str | Path | None = None,
    embargo_path: str | Path | None = None,
) -> ReportData:
    """Read one scenario's forecast outputs and everything else the report shows.

    Parameters
    ----------
    forecast_dir : path
        Holds country_forecast.csv, tally.csv and forecast.json.
    backtest_dir : path, optional
        Holds predictions.csv and scores.csv (the backtest page is left blank without);
        default ``reports/backtest``.
    embargo_path : path, optional
        The embargo votes; default the committed table.

    The regional groups and blocs are those of the forecast's as-of date, from the facts
    tables (:func:`unvote.blocs.memberships_on`): any date a forecast can have works,
    whether features.csv holds it or not.

    Raises
    ------
    DataError
        If a forecast file is missing.
    """
    from unvote.blocs import memberships_on
    from unvote.history import history_table, load_embargo_votes

    forecast_dir = Path(forecast_dir)
    backtest_dir = Path(backtest_dir or paths.BACKTEST_DIR)
    embargo_path = Path(embargo_path or paths.EMBARGO_VOTES_CSV)
    for name in FORECAST_FILES:
        if not (forecast_dir / name).is_file():
            raise DataError(
                f"{forecast_dir / name}: missing; run `unvote forecast` first (or "
                "`unvote report`, which runs it)"
            )
    forecast = json.loads((forecast_dir / "forecast.json").read_text(encoding="utf-8"))
    countries = pd.read_csv(
        forecast_dir / "country_forecast.csv", keep_default_na=False, na_values=[""]
    )
    tally = pd.read_csv(forecast_dir / "tally.csv", index_col=0)
    baseline = forecast.get("baseline", {}).get("tally")
    baseline_tally = None
    # the baseline's own report has nothing to compare with itself
    if baseline is not None and forecast["scenario"]["name"] != BASELINE_SCENARIO:
        baseline_tally = pd.DataFrame.from_dict(baseline, orient="index").loc[tally.index]
    as_of = pd.Timestamp(forecast["as_of"])
    groups = group_membership(memberships_on(as_of).rename_axis("iso3").reset_index())
    history = history_table(load_embargo_votes(embargo_path))
    predictions = scores = None
    if all((backtest_dir / name).is_file() for name in BACKTEST_FILES):
        predictions = pd.read_csv(
            backtest_dir / "predictions.csv", keep_default_na=False, na_values=[""]
        )
        scores = pd.read_csv(backtest_dir / "scores.csv", dtype={"year": str})
    coefficients = None
    if forecast.get("coefficients"):
        coefficients = pd.DataFrame.from_records(forecast["coefficients"]).astype(
            {c: float for c in ("coef", "se", "lower", "upper")}
        )
    return ReportData(
        forecast=forecast,
        countries=countries,
        tally=tally,
        baseline_tally=baseline_tally,
        history=history,
        groups=groups,
        predictions=predictions,
        scores=scores,
        coefficients=coefficients,
        drivers=pd.read_csv(forecast_dir / "drivers.csv", keep_default_na=False, na_values=[""]),
    )
