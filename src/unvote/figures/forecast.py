"""Figures of one forecast: the tally's spread, the states least likely to vote yes, the groups.

Each takes the forecast outputs (country_forecast.csv, tally.csv, or a table derived from
them by :mod:`unvote.report.data`) and ``ax=None`` (``axs`` for several panels), and
returns the Figure.
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
    hbar_style,
    new_figure,
    percent,
    right_column,
)
from unvote.tallies import TALLY_ROWS
from unvote.votes import NON_YES


def plot_tally_distribution(tallies, *, last=None, levels=TALLY_ROWS, axs=None):
    """Forecast counts per outcome as interval bars, one row per scenario.

    Parameters
    ----------
    tallies : Mapping[str, DataFrame]
        Scenario label -> tally.csv frame (index outcomes; columns mean, q05..q95).
    last : Mapping[str, int], optional
        Last year's count per outcome, drawn as a dashed line.
    levels : sequence of str
        The outcomes, one panel each.
    axs : sequence of Axes, optional
        One per level.

    Returns
    -------
    Figure
    """

    with mpl.rc_context(STYLE):
        if axs is None:
            # each row's two lines of numbers need about 0.4 in: more rows, taller panels
            panel = max(1.7, 0.42 * len(tallies) + 0.3)
            fig, axs = new_figure(len(levels), 1, figsize=(8.0, panel * len(levels) + 0.6))
        fig = axs[0].get_figure()
        labels = list(tallies)
        ypos = np.arange(len(labels))[::-1]
        for level, ax in zip(levels, axs, strict=True):
            color = VOTE_COLORS[level]
            for y, label in zip(ypos, labels, strict=True):
                row = tallies[label].loc[level]
                ax.hlines(y, row["q05"], row["q95"], color=color, lw=2, alpha=0.6)
                ax.hlines(y, row["q25"], row["q75"], color=color, lw=10)
                ax.plot(row["q50"], y, "o", color="white", mec=color, mew=1.5, ms=7, zorder=5)
                ax.plot(row["mean"], y, "|", color="black", ms=14, mew=1.5, zorder=6)
                ax.annotate(
                    f"mean {row['mean']:.1f}\n90%: {row['q05']:.0f} to {row['q95']:.0f}",
                    (1.0, y),
                    xycoords=("axes fraction", "data"),
                    xytext=(8, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                )
            lo = min(float(t.loc[level, "q05"]) for t in tallies.values())
            hi = max(float(t.loc[level, "q95"]) for t in tallies.values())
            if last is not None and level in last:
                ax.axvline(last[level], color="0.3", ls="--", lw=1)
                ax.annotate(
                    f"last vote: {last[level]}",
                    (last[level], 1.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(3, -2),
                    textcoords="offset points",
                    ha="left",
                    va="top",
                    fontsize=7,
                    color="0.3",
                )
                lo, hi = min(lo, last[level]), max(hi, last[level])
            pad = max(1.5, 0.08 * (hi - lo))
            ax.set_xlim(max(lo - pad, -0.5), hi + pad)
            ax.set_yticks(ypos, labels)
            ax.set_ylim(-0.7, len(labels) - 0.3)
            ax.set_title(f"{level} votes", loc="left")
            ax.xaxis.get_major_locator().set_params(integer=True)
            hbar_style(ax)
        axs[-1].set_xlabel(
            "member states (bar: middle 50% and 90% of the simulated votes; circle: median; "
            "tick: mean)"
        )
    return fig


def plot_not_yes(
    countries: pd.DataFrame,
    *,
    n: int = 30,
    drivers: pd.Series | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The countries most likely to abstain or vote no, as stacked probability bars.

    Parameters
    ----------
    countries : DataFrame
        country_forecast.csv: iso3, country, p_yes, p_abstain, p_no, p_absent, last_vote,
        p_yes_baseline.
    n : int
        How many countries to show.
    drivers : Series, optional
        Index ISO3: each country's main driver in a few words
        (:func:`unvote.explain.main_drivers`' ``short``), written in a column on the right.

    Returns
    -------
    Figure
        Bars of p_abstain + p_no + p_absent, a black tick at the baseline's 1 - p_yes,
        and the country's last vote (and main driver) written on the right. Ranked by
        p_abstain + p_no: a state likely to be absent (in arrears, say) does not defect.
    """

    top = countries.assign(p_leave=countries["p_abstain"] + countries["p_no"]).nlargest(
        n, "p_leave"
    )
    with mpl.rc_context(STYLE):
        fig, ax = figure_and_axes(ax, (8.0, 0.26 * len(top) + 1.3))
        y = np.arange(len(top))[::-1]
        left = np.zeros(len(top))
        for level in NON_YES:
            width = top[f"p_{level}"].to_numpy()
            label = "not voting (absent)" if level == "absent" else level
            ax.barh(y, width, left=left, color=VOTE_COLORS[level], label=label, height=0.72)
            left = left + width
        baseline = 1.0 - top["p_yes_baseline"].to_numpy()
        ax.plot(baseline, y, "|", color="black", ms=10, mew=1.6, label="not yes, no campaign")
        last = list(top["last_vote"].astype("string").fillna("none"))
        colors = [TEXT_COLORS.get(vote, "0.3") if vote != "yes" else "0.3" for vote in last]
        right_column(ax, y, last, "last\nvote", colors=colors, pad=6)
        if drivers is not None:
            words = [str(drivers.get(iso3, "")) for iso3 in top["iso3"]]
            right_column(ax, y, words, "main driver", pad=48)
        ax.set_yticks(y, top["country"])
        ax.set_ylim(-0.6, len(top) - 0.4)
        top_p = float(max(left.max(), baseline.max()))
        ax.set_xlim(0, min(1.0, np.ceil(top_p * 10 + 0.5) / 10))
        ax.xaxis.set_major_formatter(percent)
        ax.set_xlabel("probability of abstaining or voting no (grey: of not voting at all)")
        ax.legend(loc="lower right", ncols=2, frameon=True, framealpha=0.9)
        hbar_style(ax)
    return fig


def plot_group_shifts(
    shifts: pd.DataFrame,
    *,
    ax: Axes | None = None,
    against_baseline: bool = True,
    label: str = "with the campaign",
) -> Figure:
    """How the scenario moves each regional group and bloc, against the baseline.

    Parameters
    ----------
    shifts : DataFrame
        :func:`unvote.report.data.group_shifts`: index group label; columns members,
        not_yes_baseline, not_yes (0-1), yes_lost and, optionally, kind (rows of one kind
        are drawn together under its name, in the order given).
    against_baseline : bool
        False for a scenario without levers (the baseline itself): only its expected
        shares are drawn, with nothing to compare them with.
    label : str
        The scenario in words, for the legend.

    Returns
    -------
    Figure
        One row per group: the expected share not voting yes without the campaign (open
        circle) and with it (filled), and on the right the yes votes the group loses.
    """
    kinds = shifts["kind"] if "kind" in shifts else pd.Series("", index=shifts.index)
    # one blank row before each new kind, for its heading
    starts = (kinds != kinds.shift()).to_numpy() & (kinds != "").to_numpy()
    position = np.arange(len(shifts)) + np.cumsum(starts)
    with mpl.rc_context(STYLE):
        fig, ax = figure_and_axes(ax, (8.0, 0.36 * (len(shifts) + starts.sum()) + 1.2))
        y = position.max() - position
        for yi, kind in zip(y[starts], kinds[starts], strict=True):
            ax.annotate(
                kind,
                (0.0, yi + 1),
                xycoords=("axes fraction", "data"),
                xytext=(-6, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=8.5,
                weight="bold",
            )
        color = VOTE_COLORS["no"]
        if against_baseline:
            ax.hlines(
                y, shifts["not_yes_baseline"], shifts["not_yes"], color=color, lw=2, alpha=0.6
            )
            ax.plot(
                shifts["not_yes_baseline"],
                y,
                "o",
                mfc="white",
                mec="0.3",
                ms=6,
                label="no campaign",
            )
        ax.plot(shifts["not_yes"], y, "o", color=color, ms=6, label=label)
        if against_baseline:
            lost = [f"{v:.1f}" for v in shifts["yes_lost"]]
            right_column(ax, y, lost, "yes votes\nlost", pad=8)
        ax.set_yticks(
            y, [f"{g} ({n})" for g, n in zip(shifts.index, shifts["members"], strict=True)]
        )
        ax.set_ylim(-0.6, position.max() + 0.6)
        top = float(shifts[["not_yes", "not_yes_baseline"]].to_numpy().max())
        ax.set_xlim(0, max(0.05, top) * 1.12)
        ax.xaxis.set_major_formatter(percent)
        ax.set_xlabel("expected share of the group not voting yes (members in brackets)")
        if against_baseline:
            ax.legend(loc="lower right", frameon=True, framealpha=0.9)
        hbar_style(ax)
    return fig
