"""Figures of the past: the embargo votes year by year, chosen states' records and features."""

from __future__ import annotations

from typing import cast

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from unvote.figures.style import (
    STYLE,
    VOTE_COLORS,
    figure_and_axes,
    finish_axes,
    new_figure,
    small_counts_scale,
)
from unvote.votes import VOTE_LEVELS


def plot_history(table: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """The embargo votes year by year: stacked yes / abstain / no / absent counts.

    Parameters
    ----------
    table : DataFrame
        As from :func:`unvote.history.history_table` (columns ``year, yes, no, abstain,
        absent``, one row per vote).
    ax : Axes, optional
        Draw the stacked bars there. Without it, a new two-panel figure: the stacked
        bars on top and, below, the no and abstain counts on their own scale (they are
        too few to read on the top panel).

    Returns
    -------
    Figure
    """
    levels = VOTE_LEVELS
    years = table["year"].to_numpy()
    with mpl.rc_context(STYLE):
        if ax is None:
            fig, (ax, detail) = new_figure(
                2, 1, figsize=(9.0, 6.5), sharex=True, height_ratios=(2.0, 1.2)
            )
        else:
            fig, detail = ax.figure, None
        bottom = np.zeros(len(years))
        for level in levels:
            ax.bar(
                years,
                table[level],
                bottom=bottom,
                color=VOTE_COLORS[level],
                width=0.8,
                label=level,
            )
            bottom = bottom + table[level].to_numpy()
        ax.set_ylabel("member states")
        # head room above the bars for the legend
        top = max(200, int(bottom.max()))
        ax.set_ylim(0, top * 1.13)
        ax.set_yticks(range(0, top + 1, 25))
        ax.legend(loc="upper right", ncols=4)
        for year, yes in zip(years, table["yes"], strict=True):
            ax.text(
                year,
                yes / 2,
                str(yes),
                ha="center",
                va="center",
                fontsize=6.5,
                color="white",
                rotation=90,
            )
        finish_axes(
            ax,
            title="UN General Assembly: ending the US embargo against Cuba, 1992-2024",
            source=detail is None,
        )
        if detail is not None:
            for level, marker in (("no", "o"), ("abstain", "s")):
                detail.plot(
                    years,
                    table[level],
                    marker=marker,
                    markersize=3.5,
                    color=VOTE_COLORS[level],
                    label=level,
                )
            small_counts_scale(detail)
            detail.set_ylabel("votes (log scale above 5)")
            detail.legend(loc="upper right")
            detail.set_xlabel("year of the vote (none in 2020)")
            finish_axes(detail, title="Votes against and abstentions")
        for axes in (ax, detail) if detail is not None else (ax,):
            axes.set_xticks(years)
            axes.tick_params(axis="x", labelrotation=90)
    # a SubFigure when the caller's ax is in one (plot_history_forecast on a report page)
    return fig  # type: ignore[return-value]


def plot_history_forecast(table: pd.DataFrame, tally: pd.DataFrame, *, year: int, axs=None):
    """The embargo votes per year and the forecast year's tally, as intervals.

    Parameters
    ----------
    table : DataFrame
        :func:`unvote.history.history_table` (columns year, yes, no, abstain, absent).
    tally : DataFrame
        tally.csv of one scenario: index yes, no, abstain, absent; columns mean, q05..q95.
    year : int
        The forecast year, drawn after the last recorded one.
    axs : pair of Axes, optional
        Top: stacked counts (:func:`plot_history`) with the forecast's mean stacked and the
        90% interval of yes; bottom: no, abstain and absent per year on a log scale with
        the forecast's 50% and 90% intervals.

    Returns
    -------
    Figure
    """

    with mpl.rc_context(STYLE):
        if axs is None:
            fig, axs = new_figure(2, 1, figsize=(9.0, 7.0), height_ratios=(2.0, 1.3))
        top, detail = axs
        fig = top.get_figure()
        plot_history(table, ax=top)
        bottom = 0.0
        for level in VOTE_LEVELS:
            mean = float(cast(float, tally.loc[level, "mean"]))
            top.bar(
                year,
                mean,
                bottom=bottom,
                width=0.8,
                color=VOTE_COLORS[level],
                alpha=0.6,
                hatch="///",
                edgecolor="white",
                linewidth=0,
            )
            bottom += mean
        yes = tally.loc["yes"]
        top.errorbar(
            year,
            yes["mean"],
            yerr=[[yes["mean"] - yes["q05"]], [yes["q95"] - yes["mean"]]],
            color="black",
            capsize=3,
            lw=1,
        )
        top.text(
            year,
            yes["mean"] / 2,
            f"{yes['mean']:.0f}",
            ha="center",
            va="center",
            fontsize=6.5,
            color="black",
            rotation=90,
        )
        top.set_title(
            f"Embargo votes {int(table['year'].min())}-{int(table['year'].max())} "
            f"and the {year} forecast (hatched; line: 90% interval of yes)",
            loc="left",
        )
        years = table["year"].to_numpy()
        for level, marker in (("abstain", "s"), ("no", "o"), ("absent", "^")):
            color = VOTE_COLORS[level]
            detail.plot(
                years, table[level], marker=marker, ms=3.5, color=color, label=level, lw=1.2
            )
            row = tally.loc[level]
            x = year + {"abstain": -0.35, "no": 0.0, "absent": 0.35}[level]
            detail.vlines(x, row["q05"], row["q95"], color=color, lw=1.2)
            detail.vlines(x, row["q25"], row["q75"], color=color, lw=4)
            detail.plot(x, row["q50"], marker=marker, color="white", mec=color, ms=4.5)
        small_counts_scale(detail)
        detail.set_ylabel("member states (log scale above 5)")
        detail.legend(loc="upper right", ncols=3)
        ticks = np.append(years, year)
        for ax in (top, detail):
            ax.set_xticks(ticks)
            ax.tick_params(axis="x", labelrotation=90)
            ax.set_xlim(ticks.min() - 0.8, year + 0.9)
        detail.set_title(
            f"Not yes: per year, and the {year} forecast (bar: 50% and 90%)", loc="left"
        )
    return fig


def plot_vote_record(votes: pd.DataFrame, iso3s, *, ax: Axes | None = None) -> Figure:
    """Chosen countries' embargo votes year by year, as a grid of coloured cells.

    Parameters
    ----------
    votes : DataFrame
        :func:`unvote.history.load_embargo_votes` (year, iso3, country, vote).
    iso3s : sequence of str
        The countries, top to bottom.

    Returns
    -------
    Figure
        One row per country, one column per vote year; blank where it was not a member.
    """
    from matplotlib.colors import ListedColormap

    levels = VOTE_LEVELS
    chosen = votes.loc[votes["iso3"].isin(list(iso3s))]
    codes = chosen["vote"].astype(str).map({v: i for i, v in enumerate(levels)})
    grid = (
        chosen.assign(code=codes)
        .pivot(index="iso3", columns="year", values="code")
        .reindex(list(iso3s))
    )
    names = chosen.drop_duplicates("iso3", keep="last").set_index("iso3")["country"]
    with mpl.rc_context(STYLE):
        fig, ax = figure_and_axes(ax, (9.0, 0.32 * len(grid) + 1.4))
        cmap = ListedColormap([VOTE_COLORS[v] for v in levels])
        ax.imshow(
            grid.to_numpy(dtype=float),
            aspect="auto",
            cmap=cmap,
            vmin=-0.5,
            vmax=3.5,
            interpolation="none",
        )
        ax.set_yticks(range(len(grid)), [names.get(c, c) for c in grid.index])
        ax.set_xticks(range(len(grid.columns)), grid.columns, rotation=90)
        ax.grid(False)
        handles = [mpl.patches.Patch(color=VOTE_COLORS[v], label=v) for v in levels]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.18), ncols=4)
        ax.set_title("Embargo votes of chosen countries")
    return fig


def plot_features_over_time(
    features: pd.DataFrame,
    iso3s,
    columns=("agree_us", "agree_rus", "ukraine_yes_share"),
    *,
    axs=None,
) -> Figure:
    """Chosen countries' alignment features at each as-of date, one panel per feature.

    Parameters
    ----------
    features : DataFrame
        :func:`unvote.feature_files.load_features` (as_of, iso3 and the feature columns).
    iso3s : sequence of str
    columns : sequence of str
        Feature columns to draw (shares in [0, 1] or the ideal point).

    Returns
    -------
    Figure
    """
    chosen = features.loc[features["iso3"].isin(list(iso3s))].sort_values("as_of")
    with mpl.rc_context(STYLE):
        if axs is None:
            fig, axs = new_figure(len(columns), 1, figsize=(9.0, 2.4 * len(columns)), sharex=True)
            axs = np.atleast_1d(axs)
        fig = axs[0].get_figure()
        for ax, column in zip(axs, columns, strict=True):
            for iso3 in iso3s:
                rows = chosen.loc[chosen["iso3"] == iso3]
                ax.plot(rows["as_of"], rows[column], marker="o", ms=2.5, lw=1.2, label=iso3)
            ax.set_title(column)
        axs[0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        axs[-1].set_xlabel("as of (the day before each embargo vote, and the forecast date)")
    return fig
