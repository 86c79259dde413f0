"""The report's pages: A4 matplotlib figures laid out from the words and the figures.

Layout only: the words come from :mod:`unvote.report.words`, the figures from
:mod:`unvote.figures`, the tables from :mod:`unvote.report.data`; nothing is written here.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, cast

import matplotlib as mpl
import numpy as np
import pandas as pd

from unvote.backtest import calibration_table
from unvote.figures import (
    MAP_REGIONS,
    STYLE,
    TEXT_COLORS,
    plot_calibration,
    plot_effects,
    plot_group_shifts,
    plot_history_forecast,
    plot_not_yes,
    plot_scores_by_year,
    plot_tally_distribution,
    plot_yes_map,
)
from unvote.report.data import ReportData, group_shifts, last_result, score_table
from unvote.report.words import page_words, summary_text
from unvote.tallies import TALLY_ROWS
from unvote.terms import coefficient_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure


#: A4 portrait, inches.
A4 = (8.27, 11.69)
#: Left and right margin, inches.
MARGIN = 0.6
#: Characters per line of body text at 9.5 pt across the page's text width.
WRAP = 96
#: The same at 9 pt: page 1 holds seven sections and must fit on one page.
WRAP_SUMMARY = 102
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
    """The scoreboard of page 1: last vote, baseline and scenario (and the real vote, once
    known), per outcome."""
    last_year, last = last_result(data.forecast)
    forecast_year = data.forecast_year
    columns = [f"{last_year} vote"]
    tallies: list[pd.DataFrame | dict[str, int]] = [last]
    if data.baseline_tally is not None:
        columns.append(f"{forecast_year}\nno campaign")
        tallies.append(data.baseline_tally)
    columns.append(f"{forecast_year}\n{data.scenario_label}")
    tallies.append(data.tally)
    if data.actual is not None:
        columns.append(f"{forecast_year}\nthe real vote")
        tallies.append(data.actual)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5.2)
    xs = np.linspace(0.36, 0.86, len(columns))
    for x, col in zip(xs, columns, strict=True):
        ax.text(x, 4.75, col, ha="center", va="center", fontsize=9.5, weight="bold")
    ax.text(0.02, 4.75, "member states voting", va="center", fontsize=9.5, color="0.35")
    for i, level in enumerate(TALLY_ROWS):
        y = 3.7 - i * 1.0
        ax.text(0.02, y, level, va="center", fontsize=13, weight="bold", color=TEXT_COLORS[level])
        for x, tally in zip(xs, tallies, strict=True):
            if isinstance(tally, dict):  # a vote that happened: counts, no interval
                ax.text(x, y, f"{tally.get(level, '')}", ha="center", va="center", fontsize=15)
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
        f"The {data.forecast_year} UN vote on the US embargo on Cuba: a forecast",
        size=15,
        weight="bold",
        gap=0.12,
    )
    flow.text(_wrap(text["question"]), gap=0.15)
    _headline_table(flow.axes(2.2), data)
    sections = [
        ("The answer", text["headline"] + " " + text["movers"]),
        *([("What it rests on", text["judgement"])] if text["judgement"] else []),
        *([("The real vote", text["actual"])] if text["actual"] else []),
        ("How likely a break", text["risks"]),
        (f"What the scenario '{data.scenario_name}' assumes", text["assumptions"]),
        ("Dates and data", text["dates"]),
        ("How to read the rest", text["reading"]),
    ]
    for heading, words in sections:
        flow.text(heading, size=10, weight="bold", gap=0.04)
        wrapped = "\n".join(
            textwrap.fill(
                line, WRAP_SUMMARY, subsequent_indent="  " if line.startswith("- ") else ""
            )
            for line in words.split("\n")
        )
        flow.text(wrapped, size=9, gap=0.12)
    fig.text(MARGIN / A4[0], 0.25 / A4[1], _footer(data, 1), fontsize=7.5, color="0.45")
    return fig


def standalone_figures(data: ReportData) -> dict[str, Figure]:
    """Each report figure on its own (no page text), for the PNGs.

    Returns
    -------
    dict
        Page name (``PAGES[1:]``, those available) -> matplotlib Figure.
    """
    with mpl.rc_context(STYLE):
        return {name: draw(data, None) for name, draw in _DRAWERS.items() if _has(data, name)}


def _has(data: ReportData, name: str) -> bool:
    if name == "backtest":
        return data.scores is not None and data.predictions is not None
    if name == "model":
        return data.coefficients is not None
    return True


def _draw_history(data: ReportData, body):
    axs = None if body is None else body.subplots(2, 1, height_ratios=[2, 1.3])
    year = data.forecast_year
    # A back-dated forecast shows the history its model knew, not the votes after it.
    known = data.history.loc[data.history["year"] < year]
    return plot_history_forecast(known, data.tally, year=year, axs=axs)


def _tallies(data: ReportData) -> dict[str, pd.DataFrame]:
    tallies = {}
    if data.baseline_tally is not None:
        tallies["no campaign"] = data.baseline_tally
    tallies[data.scenario_label] = data.tally
    return tallies


def _draw_tally(data: ReportData, body):
    levels = TALLY_ROWS
    axs = None if body is None else body.subplots(len(levels), 1)
    return plot_tally_distribution(
        _tallies(data), last=last_result(data.forecast)[1], levels=levels, axs=axs
    )


def _draw_countries(data: ReportData, body):
    short = None
    if data.drivers is not None:
        from unvote.explain import main_drivers

        short = main_drivers(data.drivers, data.countries)["short"]
    return plot_not_yes(
        data.countries, n=30, drivers=short, ax=None if body is None else body.subplots()
    )


def _draw_map(data: ReportData, body):
    if body is None:
        return plot_yes_map(data.countries)
    world, zooms = body.subfigures(2, 1, height_ratios=[1, 1.25])
    plot_yes_map(data.countries, ax=world.subplots())
    axs = zooms.subplots(2, (len(MAP_REGIONS) + 1) // 2).ravel()
    for ax, region in zip(axs, MAP_REGIONS, strict=True):
        plot_yes_map(data.countries, region=region, colorbar=False, ax=ax)
    return body.figure


def _draw_groups(data: ReportData, body):
    shifts = group_shifts(data.countries, data.groups)
    return plot_group_shifts(
        shifts,
        ax=None if body is None else body.subplots(),
        against_baseline=data.has_levers,
        label=data.scenario_label,
    )


def _draw_backtest(data: ReportData, body):
    from matplotlib.figure import Figure

    assert data.predictions is not None and data.scores is not None  # _has(data, "backtest")
    fig = None
    if body is None:
        body = fig = Figure(figsize=(8.0, 10.0), layout="constrained")
    # matplotlib's stub: subfigures(3, 1) may be one SubFigure; it is an array of three
    top, middle, bottom = body.subfigures(3, 1, height_ratios=[4.0, 2.0, 1.1])  # type: ignore[misc]
    plot_calibration(calibration_table(data.predictions), ax=top.subplots())
    plot_scores_by_year(data.scores, ax=middle.subplots())
    _score_table(bottom.subplots(), data.scores)
    return fig if fig is not None else body.figure


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


def build_pages(data: ReportData) -> list:
    """The report's pages as A4 matplotlib Figures, in :data:`PAGES` order."""
    words = page_words(data)
    with mpl.rc_context(STYLE):
        return [_summary_page(data)] + [_figure_page(data, name, words) for name in PAGES[1:]]


def build_page(data: ReportData, name: str):
    """One page of the report (a name of :data:`PAGES` after the summary), as in the PDF."""
    with mpl.rc_context(STYLE):
        return _figure_page(data, name, page_words(data))


def _figure_page(data: ReportData, name: str, words: dict):
    title, lede, notes = words[name]
    fig, body = _page(title, lede, notes, PAGES.index(name) + 1, data)
    if _has(data, name):
        _DRAWERS[name](data, body)
    else:
        body.text(0.5, 0.5, f"no {name} outputs found", ha="center", fontsize=12)
    return fig
