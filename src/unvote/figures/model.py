"""Figures of the model and how it did: its effects, and the backtest's scores and calibration.

The calibration table is analysis and lives with the backtest
(:func:`unvote.backtest.calibration_table`); :func:`plot_calibration` only draws it.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from unvote.figures.style import (
    STYLE,
    TEXT_COLORS,
    VOTE_COLORS,
    figure_and_axes,
    finish_axes,
    hbar_style,
    new_figure,
)


def plot_scores_by_year(scores: pd.DataFrame, *, metric: str = "log_loss", ax=None) -> Figure:
    """A backtest score per year, one line per method (the model and the baselines).

    Parameters
    ----------
    scores : DataFrame
        The backtest's scores.csv: year (a year or "all"), method, and ``metric``.
    metric : str
        A score column, e.g. ``log_loss`` or ``brier`` (lower is better).

    Returns
    -------
    Figure
    """
    yearly = scores.loc[scores["year"].astype(str) != "all"]
    table = yearly.assign(year=yearly["year"].astype(int)).pivot(
        index="year", columns="method", values=metric
    )
    colors = {"model": "#0072B2", "persistence": "#CC79A7", "frequency": "#56B4E9"}
    with mpl.rc_context(STYLE):
        fig, ax = figure_and_axes(ax, (8.0, 3.0))
        for method in table.columns:
            ax.plot(
                table.index,
                table[method],
                marker="o",
                ms=3,
                lw=1.4 if method == "model" else 1,
                color=colors.get(method, "0.4"),
                label=method,
            )
        ax.set_yscale("log")
        ax.set_ylabel(f"{metric.replace('_', ' ')} (log scale)")
        ax.set_xticks(table.index)
        ax.tick_params(axis="x", labelrotation=90)
        ax.legend(loc="upper right", ncols=len(table.columns))
        ax.set_title(f"Mean {metric.replace('_', ' ')} per country, each year (lower is better)")
    return fig


def plot_effects(coefficients: pd.DataFrame, labels=None, *, axs=None, clip=(0.02, 50.0)):
    """The model's coefficients as odds ratios with 95% intervals, one panel per outcome.

    Parameters
    ----------
    coefficients : DataFrame
        :meth:`unvote.model.VoteChoiceResults.summary`: term, outcome, coef, se, lower,
        upper (log-odds of the outcome against yes).
    labels : Mapping[str, str], optional
        Plain-words label per term; the intercept ``const`` is left out.
    axs : sequence of Axes, optional
        One per outcome, sharing the y axis.
    clip : (float, float)
        Odds ratios beyond are drawn at the edge with an arrow.

    Returns
    -------
    Figure
        Filled dots: the 95% interval excludes 1 (no effect).
    """

    table = coefficients.loc[coefficients["term"] != "const"]
    outcomes = list(dict.fromkeys(table["outcome"]))
    terms = list(dict.fromkeys(table["term"]))
    labels = dict(labels or {})
    lo, hi = clip
    y = np.arange(len(terms))[::-1]
    with mpl.rc_context(STYLE):
        if axs is None:
            fig, axs = new_figure(
                1, len(outcomes), figsize=(10.0, 0.3 * len(terms) + 1.5), sharey=True
            )
        fig = axs[0].get_figure()
        for ax, outcome in zip(axs, outcomes, strict=True):
            rows = table.loc[table["outcome"] == outcome].set_index("term").reindex(terms)
            ratio = np.exp(rows["coef"].to_numpy(dtype=float))
            lower = np.exp(rows["lower"].to_numpy(dtype=float))
            upper = np.exp(rows["upper"].to_numpy(dtype=float))
            sure = (lower > 1) | (upper < 1)
            color = VOTE_COLORS[outcome]
            ax.axvline(1.0, color="0.4", lw=0.8)
            ax.hlines(y, np.clip(lower, lo, hi), np.clip(upper, lo, hi), color=color, lw=1.6)
            shown = np.clip(ratio, lo, hi)
            # gids name the artists, so that a reader (or a test) need not know their order
            ax.plot(shown[sure], y[sure], "o", color=color, ms=5, zorder=4, gid="sure")
            ax.plot(
                shown[~sure], y[~sure], "o", mfc="white", mec=color, ms=5, zorder=4, gid="unsure"
            )
            below, above = lower < lo, upper > hi
            ax.plot(np.full(int(below.sum()), lo), y[below], "<", color=color, ms=5, gid="below")
            ax.plot(np.full(int(above.sum()), hi), y[above], ">", color=color, ms=5, gid="above")
            ax.set_xscale("log")
            ax.set_xlim(lo / 1.4, hi * 1.4)
            ax.set_xticks([0.1, 1, 10], ["0.1", "1", "10"])
            ax.minorticks_off()
            ax.set_title(f"{outcome}\nrather than yes", loc="center", color=TEXT_COLORS[outcome])
            hbar_style(ax)
        axs[0].set_yticks(y, [labels.get(t, t) for t in terms])
        axs[0].set_ylim(-0.7, len(terms) - 0.3)
        fig.supxlabel(
            "times the odds (1 = no effect; filled: the 95% interval excludes 1)", fontsize=8
        )
    return fig


def plot_calibration(table: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Calibration of the backtest's probabilities: predicted against observed frequency.

    Logit axes, because most probabilities are near 0 or 1. Points on the diagonal are
    well calibrated; a bin where nothing (or everything) happened is drawn hollow at the
    edge. Labels give each bin's number of predictions.

    Parameters
    ----------
    table : DataFrame
        :func:`unvote.backtest.calibration_table`: one row per bin, ``mean_p``, ``freq``
        and ``n``; each country-vote gives four predictions (yes, abstain, no, absent).

    Returns
    -------
    Figure
    """
    fig, ax = figure_and_axes(ax, (5.5, 5.0))
    edge = 5e-4
    ax.plot(
        [edge, 1 - edge],
        [edge, 1 - edge],
        color="#888888",
        lw=1,
        ls="--",
        label="perfectly calibrated",
    )
    inside = (table["freq"] > 0) & (table["freq"] < 1)
    shown = table["freq"].clip(edge, 1 - edge)
    x = table["mean_p"].clip(edge, 1 - edge)
    ax.plot(x, shown, color="#0072B2", lw=1)
    ax.scatter(
        x[inside], shown[inside], color="#0072B2", zorder=3, label="backtest 2000-2024, binned"
    )
    ax.scatter(
        x[~inside],
        shown[~inside],
        facecolor="white",
        edgecolor="#0072B2",
        zorder=3,
        label="bin where none (or all) happened",
    )
    for xi, yi, n in zip(x, shown, table["n"], strict=True):
        ax.annotate(
            f"{n}",
            (xi, yi),
            textcoords="offset points",
            xytext=(5, -10),
            fontsize=6.5,
            color="#555555",
        )
    ax.set_xscale("logit")
    ax.set_yscale("logit")
    ax.set_xlim(edge * 0.7, 1 - edge * 0.7)
    ax.set_ylim(edge * 0.7, 1 - edge * 0.7)
    # logit axes label themselves 10^-3 and 1-10^-3: percentages read at a glance
    ticks = [0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999]
    labels = ["0.1%", "1%", "10%", "50%", "90%", "99%", "99.9%"]
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels)
    ax.minorticks_off()
    ax.set_xlabel("chance the model gave (mean of the predictions in each group)")
    ax.set_ylabel("how often it happened")
    ax.legend(loc="upper left")
    finish_axes(
        ax, title=f"Backtest calibration: {int(table['n'].sum()) // 4} country-votes x 4 outcomes"
    )
    return fig
