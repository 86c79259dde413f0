"""The report: an 8-page A4 PDF and one PNG per figure, from a scenario's forecast outputs.

``unvote report`` reads ``reports/<scenario>/`` (country_forecast.csv, tally.csv and
forecast.json, which also holds the baseline's tally, the lever effects and the fitted
model's coefficients, written by ``unvote forecast``), the backtest files
(``reports/backtest/``), the embargo vote history and the committed features; it runs the
forecast and the backtest first when their files are missing or older than their inputs.
Pages:

1. summary: the question, the headline tally next to last year's, the assumptions;
2. history: the votes 1992-2024 with the forecast at the forecast year;
3. tally: the forecast counts, baseline against the scenario;
4. countries: those most likely not to vote yes;
5. map: each member's probability of voting yes;
6. groups: how the scenario moves each regional group and bloc;
7. backtest: calibration and scores against the baselines;
8. model: the effect of each feature, with its uncertainty.

Everything here is layout and words; the figures come from :mod:`unvote.plots`.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from unvote import paths
from unvote.errors import DataError
from unvote.forecast import BASELINE_SCENARIO, DEFAULT_SCENARIO
from unvote.terms import BLOC_LABELS, coefficient_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: A4 portrait, inches.
A4 = (8.27, 11.69)
#: Left and right margin, inches.
MARGIN = 0.6
#: Characters per line of body text at 9.5 pt across the page's text width.
WRAP = 96
#: Page names in order: the PNGs are ``<n>-<name>.png`` and the tests look for them.
PAGES: tuple[str, ...] = (
    "summary",
    "history",
    "tally",
    "countries",
    "map",
    "groups",
    "backtest",
    "model",
)


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


# --- pure helpers: tables and words -------------------------------------------------------
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


def last_result(forecast: Mapping) -> tuple[int, dict[str, int]]:
    """The last embargo vote before the as-of date (forecast.json's ``last_vote``).

    Returns
    -------
    year : int
    counts : dict
        yes, no, abstain, absent -> number of member states.
    """
    last = forecast["last_vote"]
    return int(last["year"]), {
        level: int(last[level]) for level in ("yes", "no", "abstain", "absent")
    }


def _interval(tally: pd.DataFrame, level: str, noun: str) -> str:
    row = tally.loc[level]
    return f"{row['mean']:.0f} {noun} ({row['q05']:.0f} to {row['q95']:.0f})"


#: What the top of a lever's feature means, for the plain-words scenario.
FEATURE_WORDS: dict[str, str] = {
    "ukraine_yes_share": "voted yes on every UN resolution on Russia's war on Ukraine",
    "ukraine_no_share": "voted no on every UN resolution on Russia's war on Ukraine",
    "agree_us": "always votes as the United States does",
    "agree_rus": "always votes as Russia does",
}


def describe_lever(name: str, lever: Mapping) -> str:
    """One lever of a scenario (as in forecast.json) in plain words.

    Returns
    -------
    str
        E.g. "Pressure: 0.5 to 2.5 times the pull away from yes that the model learned
        from the US campaign of 2017-2019 (...). Votes it moves: 60% abstain, 30% no,
        10% absent."
    """
    low, high = lever["range"]
    split = ", ".join(
        f"{100 * share:.0f}% {level}" for level, share in lever["split"].items() if share > 0
    )
    if lever["anchor"] == "campaign":
        size = (
            f"{low:g} to {high:g} times the pull away from yes that the model learned from "
            "the US campaign of 2017-2019 (1 = as strong as then), country by country: "
            "strongest for countries that vote with the United States"
        )
    else:
        feature = lever["feature"]
        top = FEATURE_WORDS.get(feature, f"has {feature} = 1")
        size = (
            f"a country's chance of voting yes is multiplied by {np.exp(-low):.2f} to "
            f"{np.exp(-high):.2f} if it {top}, by less in proportion otherwise ({feature})"
        )
    title = name.replace("_", " ").capitalize()
    return f"{title}: {size}. Votes it moves: {split}."


def describe_scenario(scenario: Mapping, effects: Mapping | None = None) -> list[str]:
    """The scenario's assumptions as sentences, one per lever, then the overrides.

    Parameters
    ----------
    scenario : mapping
        forecast.json's ``scenario``.
    effects : mapping, optional
        forecast.json's ``lever_effects`` (lever -> low, mid, high: expected yes votes the
        lever removes on its own); each lever's sentence then says what it weighs in votes,
        so a reader sees which assumption drives the forecast.
    """
    effects = effects or {}
    lines = []
    for name, lever in scenario.get("levers", {}).items():
        line = describe_lever(name, lever)
        if name in effects:
            e = effects[name]
            line += (
                f" On its own, at the model's best-fit coefficients, it takes about "
                f"{e['mid']:.1f} yes votes at the middle of its range ({e['low']:.1f} at the "
                f"low end, {e['high']:.1f} at the high end)."
            )
        lines.append(line)
    if not lines:
        lines.append(
            "No campaign: each country votes as the model expects from its record and its "
            "alignment, with the usual year-to-year shocks."
        )
    for iso3, probs in scenario.get("overrides", {}).items():
        shown = ", ".join(f"{level} {100 * p:.0f}%" for level, p in probs.items() if p > 0)
        lines.append(f"Fixed by the user: {iso3}: {shown}.")
    return lines


# --- pages -------------------------------------------------------------------------------
def _wrap(text: str, width: int = WRAP) -> str:
    return "\n".join(textwrap.fill(p, width) if p else "" for p in text.split("\n"))


def _page(title: str, lede: str, notes: str, page: int, data: ReportData):
    """An A4 figure with a header (title, lede), a body subfigure and a footer of notes.

    Returns
    -------
    fig, body : matplotlib Figure and SubFigure
    """
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    lede, notes = _wrap(lede), _wrap(notes)
    head_in = 0.95 + 0.165 * lede.count("\n")
    foot_in = 0.75 + 0.16 * notes.count("\n")
    fig = Figure(figsize=A4, layout="constrained")
    cast(ConstrainedLayoutEngine, fig.get_layout_engine()).set(
        rect=(MARGIN / A4[0], 0, 1 - 2 * MARGIN / A4[0], 1)
    )
    # matplotlib's stub: subfigures(3, 1) may be one SubFigure; it is an array of three
    top, body, bottom = fig.subfigures(  # type: ignore[misc]
        3, 1, height_ratios=[head_in, A4[1] - head_in - foot_in, foot_in]
    )
    left = MARGIN / A4[0]
    top.text(left, 1 - 0.3 / head_in, title, fontsize=15, weight="bold", va="top")
    top.text(left, 1 - 0.65 / head_in, lede, fontsize=9.5, va="top", linespacing=1.35)
    bottom.text(
        left, 1 - 0.1 / foot_in, notes, fontsize=8.5, va="top", linespacing=1.3, color="0.25"
    )
    bottom.text(left, 0.25 / foot_in, _footer(data, page), fontsize=7.5, color="0.45")
    return fig, body


def _footer(data: ReportData, page: int) -> str:
    return (
        f"unvote {data.forecast['version']}  |  scenario {data.scenario_name}  |  as of "
        f"{data.forecast['as_of']}  |  page {page} of {len(PAGES)}"
    )


def _headline_table(ax, data: ReportData) -> None:
    """The scoreboard of page 1: last vote, baseline and scenario, per outcome."""
    from unvote.plots import TEXT_COLORS

    last_year, last = last_result(data.forecast)
    forecast_year = _forecast_year(data)
    columns = [f"{last_year} vote"]
    tallies: list[pd.DataFrame | None] = [None]
    if data.baseline_tally is not None:
        columns.append(f"{forecast_year}, no campaign")
        tallies.append(data.baseline_tally)
    columns.append(f"{forecast_year}, {data.scenario_name}")
    tallies.append(data.tally)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5.2)
    xs = np.linspace(0.36, 0.86, len(columns))
    for x, col in zip(xs, columns, strict=True):
        ax.text(x, 4.75, col, ha="center", va="center", fontsize=9.5, weight="bold")
    ax.text(0.02, 4.75, "member states voting", va="center", fontsize=9.5, color="0.35")
    for i, level in enumerate(("yes", "no", "abstain", "absent")):
        y = 3.7 - i * 1.0
        ax.text(0.02, y, level, va="center", fontsize=13, weight="bold", color=TEXT_COLORS[level])
        for x, tally in zip(xs, tallies, strict=True):
            if tally is None:
                ax.text(x, y, f"{last[level]}", ha="center", va="center", fontsize=15)
                continue
            row = tally.loc[level]
            ax.text(
                x,
                y + 0.12,
                f"{row['mean']:.1f}",
                ha="center",
                va="center",
                fontsize=15,
                weight="bold" if tally is data.tally else "normal",
            )
            ax.text(
                x,
                y - 0.3,
                f"90%: {row['q05']:.0f} to {row['q95']:.0f}",
                ha="center",
                va="center",
                fontsize=8,
                color="0.35",
            )
        ax.axhline(y - 0.5, xmin=0.01, xmax=0.99, color="0.85", lw=0.6)


def _forecast_year(data: ReportData) -> int:
    return int(data.forecast["target_year"])


def summary_text(data: ReportData) -> dict[str, str]:
    """The words of page 1, built from the data (no number is typed in here).

    Returns
    -------
    dict
        ``question``, ``headline``, ``movers``, ``risks``, ``assumptions``, ``dates``,
        ``reading``: each a paragraph (``assumptions``: one line per assumption).
    """
    fc = data.forecast
    last_year, last = last_result(fc)
    year = _forecast_year(data)
    question = (
        f"Every year since 1992 (but 2020) the UN General Assembly has voted on a resolution "
        f"calling for an end to the US embargo on Cuba. In {last_year} the vote was "
        f"{last['yes']}-{last['no']}-{last['abstain']}: {last['yes']} yes, {last['no']} no, "
        f"{last['abstain']} abstaining, and {last['absent']} members did not vote. How will "
        f"the {year} vote go, judged on {fc['as_of']}, under the scenario "
        f"'{data.scenario_name}' ({fc['scenario']['description'].rstrip('.')})?"
    )
    yes = data.tally.loc["yes"]
    headline = (
        f"The model expects about {yes['mean']:.0f} yes votes (90% interval {yes['q05']:.0f} "
        f"to {yes['q95']:.0f}), {_interval(data.tally, 'no', 'no')} and "
        f"{_interval(data.tally, 'abstain', 'abstentions')}"
    )
    if data.baseline_tally is not None and data.scenario_name != BASELINE_SCENARIO:
        base = data.baseline_tally.loc["yes"]
        headline += (
            f"; without the campaign, {base['mean']:.0f} yes ({base['q05']:.0f} to "
            f"{base['q95']:.0f})"
        )
    headline += f", against {last['yes']} yes in {last_year}."
    risks = "; ".join(
        f"{_threshold_words(key)}: {100 * float(value):.0f}%"
        for key, value in fc["thresholds"].items()
    )
    top = data.countries.nsmallest(5, "p_yes")
    movers = ", ".join(
        f"{row.country} ({100 * (1 - cast(float, row.p_yes)):.0f}%)" for row in top.itertuples()
    )
    dates = (
        f"Forecast as of {fc['as_of']}: only data from before that day are used. The last "
        f"embargo vote in the data is of {fc['data_last_vote_date']}. {fc['draws']:,} "
        f"simulated votes from seed {fc['seed']}; unvote {fc['version']}."
    )
    campaign = _has_levers(data)
    reading = (
        "Page 2 puts the forecast in the history of the vote since 1992. Page 3 shows how "
        "wide the forecast is"
        + (", with and without the campaign. " if campaign else ". ")
        + "Page 4 names the countries most likely not to vote yes and how they voted last "
        "time; page 5 maps every member. "
        + (
            "Page 6 shows which regional groups and blocs the campaign moves. "
            if campaign
            else "Page 6 shows where, by regional group and bloc, votes other than yes are "
            "expected. "
        )
        + "Page 7 checks the model on the votes of 2000-2024, each predicted from earlier "
        "years only. Page 8 says what drives a country's vote in the model, with the "
        "uncertainty of each effect."
    )
    return {
        "question": question,
        "headline": headline,
        "movers": f"Most likely not to vote yes (chance of not voting yes): {movers}.",
        "risks": risks[:1].upper() + risks[1:] + ".",
        "assumptions": "\n".join(
            f"- {line}" for line in describe_scenario(fc["scenario"], fc.get("lever_effects"))
        ),
        "dates": dates,
        "reading": reading,
    }


def _threshold_words(key: str) -> str:
    """'p_yes_below_180' -> 'chance of fewer than 180 yes votes' (forecast.json keys)."""
    parts = key.split("_")
    if len(parts) >= 4 and parts[-2] == "below":
        return f"chance of fewer than {parts[-1]} {parts[-3]} votes"
    if len(parts) >= 5 and parts[-3:-1] == ["at", "least"]:
        return f"chance of {parts[-1]} or more {parts[-4]} votes"
    return key.replace("_", " ")


class _Flow:
    """Text set down an A4 page from the top, each block measured before the next."""

    def __init__(self, fig, top_in: float = 0.55):
        self.fig = fig
        self.y = A4[1] - top_in
        self.renderer = fig.canvas.get_renderer()

    def text(self, words: str, *, size=9.5, gap=0.08, indent=0.0, **kwargs) -> None:
        text = self.fig.text(
            (MARGIN + indent) / A4[0],
            self.y / A4[1],
            words,
            fontsize=size,
            va="top",
            linespacing=1.35,
            **kwargs,
        )
        height = text.get_window_extent(self.renderer).height / self.fig.dpi
        self.y -= height + gap

    def axes(self, height_in: float, gap=0.12):
        width = 1 - 2 * MARGIN / A4[0]
        ax = self.fig.add_axes(
            (MARGIN / A4[0], (self.y - height_in) / A4[1], width, height_in / A4[1])
        )
        self.y -= height_in + gap
        return ax


def _summary_page(data: ReportData):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    text = summary_text(data)
    fig = Figure(figsize=A4)
    FigureCanvasAgg(fig)  # a renderer to measure the text with
    flow = _Flow(fig)
    flow.text(
        f"The {_forecast_year(data)} UN vote on the US embargo on Cuba: a forecast",
        size=15,
        weight="bold",
        gap=0.12,
    )
    flow.text(_wrap(text["question"]), gap=0.15)
    _headline_table(flow.axes(2.3), data)
    sections = [
        ("The answer", text["headline"] + " " + text["movers"]),
        ("How likely a break", text["risks"]),
        (f"What the scenario '{data.scenario_name}' assumes", text["assumptions"]),
        ("Dates and data", text["dates"]),
        ("How to read the rest", text["reading"]),
    ]
    for heading, words in sections:
        flow.text(heading, size=10.5, weight="bold", gap=0.05)
        wrapped = "\n".join(
            textwrap.fill(line, WRAP, subsequent_indent="  " if line.startswith("- ") else "")
            for line in words.split("\n")
        )
        flow.text(wrapped, gap=0.14)
    fig.text(MARGIN / A4[0], 0.25 / A4[1], _footer(data, 1), fontsize=7.5, color="0.45")
    return fig


def standalone_figures(data: ReportData) -> dict[str, Figure]:
    """Each report figure on its own (no page text), for the PNGs.

    Returns
    -------
    dict
        Page name (``PAGES[1:]``, those available) -> matplotlib Figure.
    """
    import matplotlib as mpl

    from unvote.plots import STYLE

    with mpl.rc_context(STYLE):
        return {name: draw(data, None) for name, draw in _DRAWERS.items() if _has(data, name)}


def _has(data: ReportData, name: str) -> bool:
    if name == "backtest":
        return data.scores is not None and data.predictions is not None
    if name == "model":
        return data.coefficients is not None
    return True


def _draw_history(data: ReportData, body):
    from unvote.plots import plot_history_forecast

    axs = None if body is None else body.subplots(2, 1, height_ratios=[2, 1.3])
    year = _forecast_year(data)
    # A back-dated forecast shows the history its model knew, not the votes after it.
    known = data.history.loc[data.history["year"] < year]
    return plot_history_forecast(known, data.tally, year=year, axs=axs)


def _tallies(data: ReportData) -> dict[str, pd.DataFrame]:
    tallies = {}
    if data.baseline_tally is not None:
        tallies["no campaign"] = data.baseline_tally
    tallies[data.scenario_name] = data.tally
    return tallies


def _draw_tally(data: ReportData, body):
    from unvote.plots import plot_tally_distribution

    levels = ("yes", "no", "abstain", "absent")
    axs = None if body is None else body.subplots(len(levels), 1)
    return plot_tally_distribution(
        _tallies(data), last=last_result(data.forecast)[1], levels=levels, axs=axs
    )


def _draw_countries(data: ReportData, body):
    from unvote.plots import plot_not_yes

    short = None
    if data.drivers is not None:
        from unvote.explain import main_drivers

        short = main_drivers(data.drivers, data.countries)["short"]
    return plot_not_yes(
        data.countries, n=30, drivers=short, ax=None if body is None else body.subplots()
    )


def _draw_map(data: ReportData, body):
    from unvote.plots import MAP_REGIONS, plot_yes_map

    if body is None:
        return plot_yes_map(data.countries)
    world, zooms = body.subfigures(2, 1, height_ratios=[1, 1.25])
    plot_yes_map(data.countries, ax=world.subplots())
    axs = zooms.subplots(2, (len(MAP_REGIONS) + 1) // 2).ravel()
    for ax, region in zip(axs, MAP_REGIONS, strict=True):
        plot_yes_map(data.countries, region=region, colorbar=False, ax=ax)
    return body.figure


def _draw_groups(data: ReportData, body):
    from unvote.plots import plot_group_shifts

    shifts = group_shifts(data.countries, data.groups)
    return plot_group_shifts(
        shifts, ax=None if body is None else body.subplots(), against_baseline=_has_levers(data)
    )


def _has_levers(data: ReportData) -> bool:
    """Whether the scenario moves anything (the baseline does not: nothing to compare)."""
    return bool(data.forecast["scenario"].get("levers"))


def _draw_backtest(data: ReportData, body):
    from matplotlib.figure import Figure

    from unvote.plots import plot_calibration, plot_scores_by_year

    assert data.predictions is not None and data.scores is not None  # _has(data, "backtest")
    fig = None
    if body is None:
        body = fig = Figure(figsize=(8.0, 10.0), layout="constrained")
    # matplotlib's stub: subfigures(3, 1) may be one SubFigure; it is an array of three
    top, middle, bottom = body.subfigures(3, 1, height_ratios=[4.0, 2.0, 1.1])  # type: ignore[misc]
    plot_calibration(data.predictions, ax=top.subplots())
    plot_scores_by_year(data.scores, ax=middle.subplots())
    _score_table(bottom.subplots(), data.scores)
    return fig if fig is not None else body.figure


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


def _score_table(ax, scores: pd.DataFrame) -> None:
    table = score_table(scores)
    header = ["method", "log loss", "Brier"] + [
        f"error of\n{c.removeprefix('abs_err_')} count" for c in table.columns[2:]
    ]
    cells = [
        [method, *(f"{v:.3f}" if i < 2 else f"{v:.1f}" for i, v in enumerate(row))]
        for method, row in zip(table.index, table.to_numpy(), strict=True)
    ]
    ax.set_axis_off()
    tab = ax.table(cellText=cells, colLabels=header, loc="upper center", cellLoc="center")
    tab.auto_set_font_size(False)
    tab.set_fontsize(9)
    tab.scale(1.0, 1.45)
    for (row, _col), cell in tab.get_celld().items():
        cell.set_edgecolor("0.8")
        if row == 0:
            cell.set_text_props(weight="bold")
            cell.set_height(cell.get_height() * 1.7)
        if row == 1:
            cell.set_facecolor("#eef3f8")
    ax.set_title(
        "All years 2000-2024 (lower is better; count errors: mean absolute error of the "
        "expected count, per year)",
        fontsize="small",
        loc="left",
    )


def _draw_model(data: ReportData, body):
    from unvote.plots import plot_effects

    assert data.coefficients is not None  # _has(data, "model")
    labels = coefficient_labels(data.coefficients["term"].unique())
    outcomes = data.coefficients["outcome"].nunique()
    axs = None if body is None else body.subplots(1, outcomes, sharey=True)
    return plot_effects(data.coefficients, labels, axs=axs)


_DRAWERS = {
    "history": _draw_history,
    "tally": _draw_tally,
    "countries": _draw_countries,
    "map": _draw_map,
    "groups": _draw_groups,
    "backtest": _draw_backtest,
    "model": _draw_model,
}


def _page_words(data: ReportData) -> dict[str, tuple[str, str, str]]:
    """Title, lede and notes of pages 2-8, with the numbers taken from the data."""
    year = _forecast_year(data)
    last_year, last = last_result(data.forecast)
    first_year = int(data.history["year"].min())
    name = data.scenario_name
    yes = data.tally.loc["yes"]
    words = {
        "history": (
            f"History: the embargo votes {first_year}-{last_year}, and {year}",
            f"How many member states voted yes, abstained, voted no or did not vote, year by "
            f"year (no vote in 2020), and the {year} forecast under '{name}'. Top: its "
            "expected tally (hatched) and the 90% interval of the yes count (black line). "
            "Bottom: the smaller counts on their own scale, the forecast's middle 50% of "
            "simulated votes as a thick bar, 90% as a thin line, the median as a marker.",
            f"Yes rose from {int(data.history.sort_values('year')['yes'].iloc[0])} in "
            f"{first_year} to "
            f"{last['yes']} in {last_year}; the forecast's 90% interval for yes is "
            f"{yes['q05']:.0f} to {yes['q95']:.0f}.",
        ),
        "tally": (
            "The forecast tally: how sure is it?",
            f"Each row summarises {data.forecast['draws']:,} simulated votes: the "
            "thick bar holds the middle half of them, the thin line 90%, the circle is the "
            "median and the black tick the mean. The dashed line is last year's count."
            + (
                " 'no campaign' is the baseline scenario: the same model and the same random "
                "draws without the campaign's levers."
                if data.baseline_tally is not None
                else ""
            ),
            "The intervals combine three uncertainties: the model's coefficients, the size "
            "of the campaign's effect (drawn from the ranges on page 1), and shocks shared "
            "by countries that vote together (regional groups, blocs), sized from how they "
            "moved together in past years" + _shock_words(data.forecast.get("shock_sd")) + ".",
        ),
        "countries": (
            "Who might not vote yes",
            f"The 30 member states most likely not to vote yes under '{name}'. Each bar "
            "adds the probabilities of abstaining, voting no and not voting; the black "
            "tick is the same country with no campaign. On the right, its vote last time "
            "and its main driver: the part of the model or the scenario that accounts for "
            "the most of its chance of not voting yes.",
            "A probability of 30% means: in about 3 of 10 simulated votes this country "
            "did not vote yes. The other members are less likely still not to vote yes; the "
            "full list is in country_forecast.csv, and what moves each state in drivers.csv "
            "(or `unvote explain ISO3`).",
        ),
        "map": (
            "The map: each member's probability of voting yes",
            "Darker red: less likely to vote yes. The scale is finest near 100%, where most "
            "members are. States too small to see are circled in their colour; grey areas "
            "are not UN member states (or territories of one).",
            "Country shapes: Natural Earth 1:10m admin-0 (public domain), simplified for the "
            "page; Equal Earth projection.",
        ),
        "groups": (
            "Who the campaign moves: regional groups and blocs",
            "For each UN regional group and bloc: the expected share of its members not "
            "voting yes without the campaign (open circle) and with it (filled), and on the "
            "right the expected number of yes votes the campaign takes from the group.",
            "Blocs overlap (a NATO member may be in the EU), so the yes votes lost do not "
            "add up across rows; regional groups do not overlap. Memberships as of the "
            "forecast date.",
        )
        if _has_levers(data)
        else (
            "Votes other than yes, by group and bloc",
            "For each UN regional group and bloc: the expected share of its members not "
            "voting yes. This scenario has no campaign, so there is no shift to show; the "
            "lobbying scenario's report compares the two.",
            "Blocs overlap (a NATO member may be in the EU); regional groups do not overlap. "
            "Memberships as of the forecast date.",
        ),
        "backtest": _backtest_words(data),
        "model": (
            "The model: what moves a country away from yes",
            "Each dot is how much a feature multiplies the odds of abstaining, voting no or "
            "being absent rather than voting yes: 2 means twice the odds, 0.5 half; the line "
            "is the 95% interval. Numeric features are per standard deviation (sd) across "
            "countries; the others against their reference (African group, voted yes).",
            "A regularised multinomial logit fitted to the embargo votes before the forecast "
            "year, one row per country and year. Effects are associations learned from "
            "history, not proof of cause; features move together (agreement with the US and "
            "the ideal point), so each effect is the one holding the others fixed.",
        ),
    }
    return words


def _shock_words(shock_sd: Mapping | None) -> str:
    """forecast.json's shock sizes in words (empty if absent)."""
    if not shock_sd:
        return ""
    names = {"global": "whole assembly", "group": "regional group", "bloc": "bloc"}
    sizes = ", ".join(f"{names.get(k, k)} {v:.2f}" for k, v in shock_sd.items())
    return f" (standard deviations, in log-odds of leaving yes: {sizes})"


def _backtest_words(data: ReportData) -> tuple[str, str, str]:
    lede = (
        "Each embargo vote of 2000-2024 predicted from earlier years only. Top: the "
        "predictions grouped by probability, against how often the outcome happened (on "
        "the diagonal: well calibrated; both axes are stretched at the ends, so that "
        "chances of 1 in 1,000 or 999 in 1,000 are as readable as those near 1 in 2). "
        "Middle and bottom: scores of the model and of two baselines, per year and over all "
        "years."
    )
    if data.scores is not None:
        table = score_table(data.scores)
        base = table.drop(index="model", errors="ignore")
        if "model" in table.index and not base.empty:
            model, best = cast(float, table.loc["model", "log_loss"]), base["log_loss"].min()
            verdict = "beats" if model < best else "does NOT beat"
            lede += (
                f" The model {verdict} the best baseline ({base['log_loss'].idxmin()}) on "
                f"mean log loss: {model:.3f} against {best:.3f}."
            )
    notes = (
        "Log loss: the mean of -log(probability given to the vote that happened), per "
        "country; Brier: the mean squared distance between the probabilities and the vote. "
        "Persistence: each country repeats its last vote; frequency: each country's past "
        "frequencies. Both baselines are smoothed so no probability is 0."
    )
    return "The backtest: would the model have been right before?", lede, notes


def build_pages(data: ReportData) -> list:
    """The report's pages as A4 matplotlib Figures, in :data:`PAGES` order."""
    import matplotlib as mpl

    from unvote.plots import STYLE

    with mpl.rc_context(STYLE):
        return _build_pages(data)


def _build_pages(data: ReportData) -> list:
    pages = [_summary_page(data)]
    words = _page_words(data)
    for number, name in enumerate(PAGES[1:], start=2):
        title, lede, notes = words[name]
        fig, body = _page(title, lede, notes, number, data)
        if _has(data, name):
            _DRAWERS[name](data, body)
        else:
            body.text(0.5, 0.5, f"no {name} outputs found", ha="center", fontsize=12)
        pages.append(fig)
    return pages


def freeze_layout(fig, decimals: int = 9) -> None:
    """Run the figure's layout once, round every position, and switch the layout engine off.

    The constrained layout's solver (kiwisolver) returns positions whose last bits depend
    on the order of its internal tables, which depends on memory addresses: the same page
    drawn twice, even in one process, moved by 1e-16 and the PDF, which writes coordinates
    to 10 decimals, differed. Rounded to 1e-9 of the page (far below a printer's dot),
    the positions are the same on every run.
    """
    if fig.get_layout_engine() is None:
        return
    fig.draw_without_rendering()

    def snap(bounds):
        # + 0.0 turns -0.0 into 0.0, which the PDF would write as "-0"
        return [round(float(v), decimals) + 0.0 for v in bounds]

    def walk(figure):
        for ax in figure.axes:
            ax.set_position(snap(ax.get_position(original=False).bounds), which="both")
        for sub in figure.subfigs:
            x0, y0, width, height = snap(sub.bbox_relative.bounds)
            sub.bbox_relative.set_points(np.array([[x0, y0], [x0 + width, y0 + height]]))
            walk(sub)

    walk(fig)
    fig.set_layout_engine("none")


def write_report(data: ReportData, out_dir: str | Path) -> list[Path]:
    """Write ``report.pdf`` and one PNG per figure into ``out_dir``, whole or not at all.

    Returns
    -------
    list of Path
        report.pdf, then ``<n>-<name>.png`` for each figure (n = its page).
    """
    from matplotlib.backends.backend_pdf import PdfPages

    from unvote.atomic import atomic_dir
    from unvote.plots import save_figure

    out_dir = Path(out_dir)
    names = ["report.pdf"]
    with atomic_dir(out_dir) as tmp:
        # No creation date: the same inputs give the same bytes.
        meta = {"Title": f"unvote forecast: {data.scenario_name}", "CreationDate": None}
        with PdfPages(tmp / "report.pdf", metadata=meta) as pdf:
            for fig in build_pages(data):
                freeze_layout(fig)
                pdf.savefig(fig)
        for name, fig in standalone_figures(data).items():
            png = f"{PAGES.index(name) + 1}-{name}.png"
            save_figure(fig, tmp / png)
            names.append(png)
    return [out_dir / name for name in names]


# --- inputs: load, and rebuild what is missing or stale ----------------------------------
FORECAST_FILES: tuple[str, ...] = (
    "country_forecast.csv",
    "tally.csv",
    "forecast.json",
    "drivers.csv",
)
BACKTEST_FILES: tuple[str, ...] = ("predictions.csv", "scores.csv")


def is_stale(outputs: list[Path], inputs: list[Path]) -> bool:
    """True if an output is missing or older than an input (missing inputs are ignored)."""
    if not all(p.is_file() for p in outputs):
        return True
    newest_input = max((p.stat().st_mtime for p in inputs if p.is_file()), default=0.0)
    return min(p.stat().st_mtime for p in outputs) < newest_input


def load_report_data(
    forecast_dir: str | Path,
    *,
    backtest_dir: str | Path = paths.REPORTS_DIR / "backtest",
    embargo_path: str | Path = paths.EMBARGO_VOTES_CSV,
    features_path: str | Path = paths.FEATURES_CSV,
) -> ReportData:
    """Read one scenario's forecast outputs and everything else the report shows.

    Parameters
    ----------
    forecast_dir : path
        Holds country_forecast.csv, tally.csv and forecast.json.
    backtest_dir : path
        Holds predictions.csv and scores.csv (the backtest page is left blank without).
    embargo_path, features_path : path
        The committed embargo votes and features.

    Raises
    ------
    DataError
        If a forecast file is missing.
    """
    from unvote.features import load_features
    from unvote.history import history_table, load_embargo_votes

    forecast_dir = Path(forecast_dir)
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
    features = load_features(Path(features_path))
    if not (features["as_of"] == as_of).any():
        raise DataError(
            f"{features_path}: no rows as of {as_of.date()}, the date of the forecast in "
            f"{forecast_dir / 'forecast.json'}; allowed: features.csv holding that date "
            "(`unvote features build`), or a forecast rerun on this file"
        )
    groups = group_membership(features.loc[features["as_of"] == as_of])
    history = history_table(load_embargo_votes(Path(embargo_path)))
    backtest_dir = Path(backtest_dir)
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


def forecast_fits(forecast_dir: Path, scenario) -> bool:
    """Whether forecast_dir/forecast.json is the full forecast of ``scenario``.

    It must be readable, written by this version of unvote (older files may lack what the
    report shows, e.g. the model's coefficients), hold the same scenario as loaded now
    (content, not just the name: a user's copy of a shipped file keeps its name), and draw
    all three sources of uncertainty (a sensitivity run is not the forecast to report).
    """
    from unvote import __version__
    from unvote.simulate import Uncertainty

    try:
        doc = json.loads((forecast_dir / "forecast.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    # through JSON, so that tuples and lists compare alike
    wanted = json.loads(json.dumps(scenario.to_dict()))
    return (
        doc.get("version") == __version__
        and "coefficients" in doc
        and doc.get("scenario") == wanted
        and doc.get("uncertainty") == Uncertainty().to_dict()
    )


def report_files(
    scenario: str | Path = DEFAULT_SCENARIO,
    out_dir: str | Path | None = None,
    *,
    scenarios_dir: Path | None = None,
    backtest_dir: str | Path = paths.REPORTS_DIR / "backtest",
    embargo_path: str | Path = paths.EMBARGO_VOTES_CSV,
    features_path: str | Path = paths.FEATURES_CSV,
    log=print,
) -> list[Path]:
    """The CLI's job: refresh the forecast and backtest if needed, then write the report.

    The forecast files in ``out_dir`` are rerun (default as-of date, draws and seed) when
    missing or older than the scenario file, the baseline, the features or the embargo
    votes, or not the full forecast of this scenario (:func:`forecast_fits`); the backtest
    likewise when older than the features or the votes.

    Returns
    -------
    list of Path
        The files written: report.pdf and the PNGs.
    """
    from unvote.backtest import backtest_files
    from unvote.forecast import run_forecast, write_forecast
    from unvote.scenario import load_scenario, resolve_scenario_path

    scenario_path = resolve_scenario_path(scenario, scenarios_dir)
    loaded = load_scenario(scenario_path)
    out_dir = Path(out_dir) if out_dir is not None else paths.REPORTS_DIR / loaded.name
    data_inputs = [Path(features_path), Path(embargo_path)]
    baseline_path = resolve_scenario_path(BASELINE_SCENARIO, scenarios_dir)
    outputs = [out_dir / name for name in FORECAST_FILES]
    if is_stale(outputs, [scenario_path, baseline_path, *data_inputs]) or not forecast_fits(
        out_dir, loaded
    ):
        log(
            f"running the forecast of {loaded.name} (outputs missing, stale, or of another "
            "scenario file or a sensitivity run)"
        )
        result = run_forecast(
            loaded,
            baseline=baseline_path,
            features_path=features_path,
            embargo_path=embargo_path,
        )
        write_forecast(result, out_dir)
    backtest_dir = Path(backtest_dir)
    if is_stale([backtest_dir / name for name in BACKTEST_FILES], data_inputs):
        log("running the backtest (outputs missing or stale)")
        backtest_files(features_path, embargo_path, backtest_dir)
    data = load_report_data(
        out_dir,
        backtest_dir=backtest_dir,
        embargo_path=embargo_path,
        features_path=features_path,
    )
    return write_report(data, out_dir)
