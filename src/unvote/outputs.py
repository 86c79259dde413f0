"""The forecast's files and text: forecast.json, the CSVs, draws.parquet, the printed summaries.

:func:`write_forecast` writes ``country_forecast.csv``, ``tally.csv``, ``drivers.csv``,
``article_table.csv`` and ``forecast.json`` whole or not at all; every CSV starts with the
``scenario`` and ``as_of`` it belongs to (``tally.csv`` after its index, the vote).
:func:`format_forecast` and :func:`format_compare` are what ``unvote forecast`` and
``unvote compare`` print.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from unvote import __version__
from unvote.atomic import atomic_dir
from unvote.compare import Comparison
from unvote.conditioning import MIN_EFFECTIVE_DRAWS
from unvote.forecast import MAX_DRAWS, ForecastResult
from unvote.scenario import Scenario
from unvote.votes import VOTE_LEVELS

#: Decimals kept in the written files: plenty for probabilities, and byte-stable.
DECIMALS = 6
#: The columns that say which forecast a CSV row belongs to (first in every CSV).
LABEL_COLUMNS: tuple[str, ...] = ("scenario", "as_of")
DRAWS_FILE = "draws.parquet"


def forecast_json(result: ForecastResult) -> str:
    """forecast.json: the tally, thresholds, countries, scenario as loaded and provenance."""
    assert result.data_last_date is not None and result.shock_sd is not None  # run_forecast sets
    assert result.levers is not None and result.coefficients is not None  # them all
    doc = {
        "scenario": result.scenario.to_dict(),
        "as_of": result.as_of.date().isoformat(),
        "target_year": result.target_year,
        "data_last_vote_date": result.data_last_date.date().isoformat(),
        "last_vote": result.last_vote,
        "seed": result.seed,
        "draws": result.draws,
        "version": __version__,
        "uncertainty": result.uncertainty.to_dict(),
        "sponsors": list(result.sponsors),
        "shock_sd": _rounded(result.shock_sd.to_dict()),
        "lever_effects": _rounded(result.levers.to_dict(orient="index")),
        "coefficients": _rounded(result.coefficients.to_dict(orient="records")),
        "tally": _rounded(result.tally.to_dict(orient="index")),
        "thresholds": _rounded(result.thresholds),
        "baseline": {
            "tally": _rounded(result.baseline_tally.to_dict(orient="index")),
            "thresholds": _rounded(result.baseline_thresholds),
        },
        "countries": _rounded(
            result.countries.assign(
                p_yes_change=result.countries["p_yes"] - result.countries["p_yes_baseline"]
            ).to_dict(orient="records")
        ),
        # null unless the forecast vote is in the data (a back-dated forecast)
        "actual": result.actual,
        "scores": _rounded(result.scores),
    }
    if result.given:
        doc["given"] = _given_json(result)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _given_json(result: ForecastResult) -> dict:
    """forecast.json's ``given``: the condition and how many simulations carry it."""
    assert result.prior_tally is not None and result.prior_thresholds is not None
    return {
        "stated": dict(result.given),
        "states": dict(sorted(result.given_votes.items())),
        "effective_draws": _rounded(result.effective_draws),
        "min_effective_draws": MIN_EFFECTIVE_DRAWS,
        "before": {
            "tally": _rounded(result.prior_tally.to_dict(orient="index")),
            "thresholds": _rounded(result.prior_thresholds),
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
        (tmp / names[2]).write_text(forecast_json(result), encoding="utf-8", newline="\n")
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
DRAW_CODES: dict[int, str] = dict(enumerate(VOTE_LEVELS))


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
        "codes": {str(k): v for k, v in DRAW_CODES.items()},
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


def write_compare(comparison: Comparison, out_dir: str | Path) -> list[Path]:
    """Write compare_tally.csv, compare_thresholds.csv, compare_countries.csv, whole or not.

    Each starts (after the index of the first two) with :data:`LABEL_COLUMNS`: the
    scenario is ``"<A> vs <B>"``.
    """
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
