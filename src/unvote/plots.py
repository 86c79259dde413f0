"""Figures, in one house style, and saving them.

Each plot function takes its data (and ``ax=None``) and returns a
:class:`matplotlib.figure.Figure`; the caller saves it with :func:`save_figure`.
Figures are built without pyplot (no global state, no GUI backend), so they work the
same in scripts, tests and notebooks. Other modules append their plot functions here,
using :data:`VOTE_COLORS`, :func:`new_figure` and :func:`finish_axes`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from unvote.atomic import atomic_path
from unvote.errors import UnvoteError

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: One colour per vote, used by every figure (colour-blind safe, Okabe-Ito palette).
VOTE_COLORS: dict[str, str] = {
    "yes": "#009E73",
    "abstain": "#E69F00",
    "no": "#D55E00",
    "absent": "#BBBBBB",
}
#: The house style: matplotlib rc settings applied while a figure is drawn.
STYLE: dict[RcKeyType, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
}
SOURCE_NOTE = (
    "Source: United Nations Digital Library / UN General Assembly voting records; "
    "unofficial extracts, attribute to the United Nations."
)
FORMATS: tuple[str, ...] = (".png", ".pdf")


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=(8.0, 4.5), **kwargs):
    """A figure and its axes in the house style.

    Returns
    -------
    (Figure, Axes or array of Axes)
        As :meth:`matplotlib.figure.Figure.subplots` gives them.
    """
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=figsize, layout="constrained")
        axs = fig.subplots(nrows, ncols, **kwargs)
    return fig, axs


def finish_axes(ax: Axes, *, title: str | None = None, source: bool = True) -> None:
    """Apply the house style to an axes drawn elsewhere: title, spines, grid, source note."""
    for key, value in STYLE.items():
        if key.startswith("axes.spines."):
            ax.spines[key.rsplit(".", 1)[-1]].set_visible(value)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, loc="left", fontweight="bold", fontsize=STYLE["axes.titlesize"])
    if source:
        ax.figure.text(0.01, 0.0, SOURCE_NOTE, fontsize=6.5, color="#666666", ha="left", va="top")


def check_figure_path(path: str | os.PathLike) -> Path:
    """Return ``path`` as a Path if it ends in ``.png`` or ``.pdf``; raise UnvoteError if not.

    Lets a command refuse a bad output name before doing any work.
    """
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise UnvoteError(
            f"{path}: cannot write a figure with suffix {path.suffix!r}; "
            f"allowed: {', '.join(FORMATS)}"
        )
    return path


def save_figure(fig: Figure, path: str | os.PathLike) -> Path:
    """Write ``fig`` to ``path`` as PNG or PDF (chosen by the suffix), atomically.

    The file is written to a temporary name and renamed, so a failure leaves any old file
    in place. PDFs carry no creation date, so the same figure gives the same bytes.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UnvoteError
        If the suffix is not ``.png`` or ``.pdf``.
    """
    path = check_figure_path(path)
    suffix = path.suffix.lower()
    metadata = {"CreationDate": None} if suffix == ".pdf" else {"Software": None}
    with mpl.rc_context(STYLE), atomic_path(path) as tmp:
        fig.savefig(tmp, format=suffix[1:], metadata=metadata)
    return path


def _small_counts_scale(ax: Axes) -> None:
    """Linear up to 5 votes, logarithmic above: 0-5 votes are the story after 2000, 70
    abstentions the story of 1992."""
    ax.set_yscale("symlog", linthresh=5, linscale=1.5)
    ax.set_yticks([0, 1, 2, 3, 4, 5, 10, 20, 50, 100])
    ax.yaxis.set_major_formatter(mpl.ticker.ScalarFormatter())
    ax.set_ylim(-0.3, 100)


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
    levels = ("yes", "abstain", "no", "absent")
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
            _small_counts_scale(detail)
            detail.set_ylabel("votes (log scale above 5)")
            detail.legend(loc="upper right")
            detail.set_xlabel("year of the vote (none in 2020)")
            finish_axes(detail, title="Votes against and abstentions")
        for axes in (ax, detail) if detail is not None else (ax,):
            axes.set_xticks(years)
            axes.tick_params(axis="x", labelrotation=90)
    # a SubFigure when the caller's ax is in one (plot_history_forecast on a report page)
    return fig  # type: ignore[return-value]


# --- Report figures (engineer "report") --------------------------------------------------
# Each takes the forecast outputs as documented in TEAM.md (country_forecast.csv, tally.csv,
# the model's summary()) and ``ax=None`` (``axs`` for figures of several panels), and
# returns the Figure; unvote.report lays them out on A4 pages.

#: Classes of the world map: most members are near certain to vote yes, so the scale is
#: finest at the top, where a campaign moves countries.
YES_MAP_BOUNDS: tuple[float, ...] = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
#: Zoom windows of the map (lon_min, lon_max, lat_min, lat_max), where small states crowd.
MAP_REGIONS: dict[str, tuple[float, float, float, float]] = {
    "Caribbean and Central America": (-92.0, -58.0, 8.0, 27.0),
    "Europe": (-12.0, 30.0, 34.0, 60.0),
    "Africa and the Indian Ocean": (-26.0, 76.0, -24.0, 18.0),
    "Pacific islands": (128.0, 180.0, -24.0, 16.0),
}
NOT_YES: tuple[str, ...] = ("abstain", "no", "absent")
#: The vote colours for text: absent's light grey is too pale for words.
TEXT_COLORS: dict[str, str] = {**VOTE_COLORS, "absent": "#777777"}


def _figure_and_axes(ax, figsize):
    if ax is None:
        return new_figure(figsize=figsize)
    return ax.get_figure(), ax


def _percent(x, _pos=None) -> str:
    return f"{100 * x:.0f}%"


def _right_column(ax: Axes, y, texts, header: str, *, colors=None, pad: float = 6) -> None:
    """A column of words right of the axes, one per row at data height ``y``, under a header."""
    colors = colors or ["black"] * len(texts)
    for yi, text, color in zip(y, texts, colors, strict=True):
        ax.annotate(
            text,
            (1.0, yi),
            xycoords=("axes fraction", "data"),
            xytext=(pad, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=color,
        )
    ax.annotate(
        header,
        (1.0, 1.0),
        xycoords="axes fraction",
        xytext=(pad, 2),
        textcoords="offset points",
        va="bottom",
        fontsize=8,
        weight="bold",
    )


def _hbar_style(ax: Axes) -> None:
    """Horizontal charts: the grid runs along x, and no tick marks on the country axis."""
    ax.grid(False)
    ax.grid(axis="x", color=STYLE["grid.color"], linewidth=STYLE["grid.linewidth"])
    ax.tick_params(axis="y", length=0)
    ax.set_axisbelow(True)


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
        for level in ("yes", "abstain", "no", "absent"):
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
        _small_counts_scale(detail)
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


def plot_tally_distribution(
    tallies, *, last=None, levels=("yes", "no", "abstain", "absent"), axs=None
):
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
            fig, axs = new_figure(len(levels), 1, figsize=(8.0, 1.7 * len(levels) + 0.6))
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
            _hbar_style(ax)
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
    """The countries most likely not to vote yes, as stacked probability bars.

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
        and the country's last vote (and main driver) written on the right.
    """

    top = countries.assign(p_not=1.0 - countries["p_yes"]).nlargest(n, "p_not")
    with mpl.rc_context(STYLE):
        fig, ax = _figure_and_axes(ax, (8.0, 0.26 * len(top) + 1.3))
        y = np.arange(len(top))[::-1]
        left = np.zeros(len(top))
        for level in NOT_YES:
            width = top[f"p_{level}"].to_numpy()
            ax.barh(y, width, left=left, color=VOTE_COLORS[level], label=level, height=0.72)
            left = left + width
        baseline = 1.0 - top["p_yes_baseline"].to_numpy()
        ax.plot(baseline, y, "|", color="black", ms=10, mew=1.6, label="not yes, no campaign")
        last = list(top["last_vote"].astype("string").fillna("none"))
        colors = [TEXT_COLORS.get(vote, "0.3") if vote != "yes" else "0.3" for vote in last]
        _right_column(ax, y, last, "last\nvote", colors=colors, pad=6)
        if drivers is not None:
            words = [str(drivers.get(iso3, "")) for iso3 in top["iso3"]]
            _right_column(ax, y, words, "main driver", pad=48)
        ax.set_yticks(y, top["country"])
        ax.set_ylim(-0.6, len(top) - 0.4)
        top_p = float(max(left.max(), baseline.max()))
        ax.set_xlim(0, min(1.0, np.ceil(top_p * 10 + 0.5) / 10))
        ax.xaxis.set_major_formatter(_percent)
        ax.set_xlabel("probability of not voting yes")
        ax.legend(loc="lower right", ncols=2, frameon=True, framealpha=0.9)
        _hbar_style(ax)
    return fig


def _map_window(region: str | None) -> tuple[float, float, float, float]:
    """Projected (x_min, x_max, y_min, y_max) of a :data:`MAP_REGIONS` zoom, or the world."""
    from unvote.worldmap import equal_earth

    if region is None:
        return (-2.75, 2.75, -1.0, 1.35)
    lon0, lon1, lat0, lat1 = MAP_REGIONS[region]
    # the box's edges, not only its corners: meridians bulge outwards towards the equator
    lats = np.linspace(lat0, lat1, 21)
    x, y = equal_earth(np.repeat([lon0, lon1], lats.size), np.tile(lats, 2))
    return (float(x.min()), float(x.max()), float(y.min()), float(y.max()))


def _label_small_states(ax: Axes, points: pd.DataFrame, window) -> None:
    """ISO3 labels beside the circles, on the side away from a close neighbour.

    A label goes right of its circle unless the only circles within 8% of the window's
    width and 4% of its height (the Lesser Antilles) lie to its right, or the circle is
    within 8% of the window's right edge (Tuvalu).
    """
    width, height = window[1] - window[0], window[3] - window[2]
    xs, ys = points["x"].to_numpy(), points["y"].to_numpy()
    for i, iso3 in enumerate(points.index):
        near = (np.abs(xs - xs[i]) < 0.08 * width) & (np.abs(ys - ys[i]) < 0.04 * height)
        near[i] = False
        side = -1 if near.any() and (xs[near] > xs[i]).all() else 1
        # a label right of a circle at the window's right edge would be cut off
        if xs[i] > window[1] - 0.08 * width:
            side = -1
        ax.annotate(
            iso3,
            (xs[i], ys[i]),
            xytext=(4 * side, 0),
            textcoords="offset points",
            ha="left" if side > 0 else "right",
            va="center",
            fontsize=6,
            color="0.15",
        )


def _ring_in_window(ring: np.ndarray, window) -> bool:
    x_min, x_max, y_min, y_max = window
    return bool(
        ring[:, 0].max() >= x_min
        and ring[:, 0].min() <= x_max
        and ring[:, 1].max() >= y_min
        and ring[:, 1].min() <= y_max
    )


def plot_yes_map(countries: pd.DataFrame, shapes=None, *, region=None, colorbar=True, ax=None):
    """World map of each member's probability of voting yes.

    Countries too small to see (``WorldShapes.small_states``) also get a circle in their
    colour, so island states can be found; non-members and territories are grey.

    Parameters
    ----------
    countries : DataFrame
        With columns iso3 and p_yes (one row per member state).
    shapes : unvote.worldmap.WorldShapes, optional
        Default: :func:`unvote.worldmap.load_world`.
    region : str, optional
        A key of :data:`MAP_REGIONS` to zoom on (small states labelled by ISO3 code);
        None for the world.
    colorbar : bool
        Draw the colour scale below the map.

    Returns
    -------
    Figure
    """

    from matplotlib.collections import PolyCollection

    from unvote.worldmap import load_world

    shapes = load_world() if shapes is None else shapes
    cmap = mpl.colormaps["RdYlBu"].resampled(len(YES_MAP_BOUNDS) - 1)
    norm = mpl.colors.BoundaryNorm(YES_MAP_BOUNDS, cmap.N)
    p_yes = countries.set_index("iso3")["p_yes"]
    lw = 0.2 if region is None else 0.5
    with mpl.rc_context(STYLE):
        fig, ax = _figure_and_axes(ax, (10.0, 5.8))
        window = _map_window(region)
        # only the rings in the window: a zoom need not carry the whole world
        rings = {
            iso3: [r for r in rs if _ring_in_window(r, window)]
            for iso3, rs in shapes.rings.items()
        }
        other = [r for iso3, rs in rings.items() if iso3 not in p_yes for r in rs]
        ax.add_collection(PolyCollection(other, facecolor="0.85", edgecolor="white", lw=lw))
        verts = [ring for iso3 in p_yes.index for ring in rings.get(iso3, [])]
        values = [p for iso3, p in p_yes.items() for _ in rings.get(iso3, [])]
        ax.add_collection(
            PolyCollection(
                verts, array=np.asarray(values), cmap=cmap, norm=norm, edgecolor="white", lw=lw
            )
        )
        small = shapes.anchors.loc[[c for c in shapes.small_states() if c in p_yes.index]]
        ax.scatter(
            small["x"],
            small["y"],
            c=p_yes.loc[small.index],
            cmap=cmap,
            norm=norm,
            s=12 if region is None else 36,
            edgecolors="0.2",
            linewidths=0.5,
            zorder=4,
        )
        ax.set_xlim(window[0], window[1])
        ax.set_ylim(window[2], window[3])
        if region is not None:
            inside = small.loc[
                small["x"].between(window[0], window[1]) & small["y"].between(window[2], window[3])
            ]
            _label_small_states(ax, inside, window)
            ax.set_title(region, loc="left", fontsize=8)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(region is not None)
            spine.set_color("0.6")
        if colorbar:
            cbar = fig.colorbar(
                mpl.cm.ScalarMappable(norm=norm, cmap=cmap),
                ax=ax,
                orientation="horizontal",
                fraction=0.05,
                pad=0.02,
                aspect=45,
            )
            cbar.set_ticks(YES_MAP_BOUNDS, labels=[_percent(b) for b in YES_MAP_BOUNDS])
            cbar.set_label(
                "probability of voting yes (circles: small states; grey: not a member or no data)"
            )
        missing = sorted(set(p_yes.index) - set(shapes.rings))
        if missing and region is None:
            ax.annotate(
                "no shape for: " + ", ".join(missing), (0, 0), xycoords="axes fraction", fontsize=6
            )
    return fig


def plot_group_shifts(
    shifts: pd.DataFrame, *, ax: Axes | None = None, against_baseline: bool = True
) -> Figure:
    """How the scenario moves each regional group and bloc, against the baseline.

    Parameters
    ----------
    shifts : DataFrame
        :func:`unvote.report.group_shifts`: index group label; columns members,
        not_yes_baseline, not_yes (0-1), yes_lost and, optionally, kind (rows of one kind
        are drawn together under its name, in the order given).
    against_baseline : bool
        False for a scenario without levers (the baseline itself): only its expected
        shares are drawn, with nothing to compare them with.

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
        fig, ax = _figure_and_axes(ax, (8.0, 0.36 * (len(shifts) + starts.sum()) + 1.2))
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
        ax.plot(shifts["not_yes"], y, "o", color=color, ms=6, label="scenario")
        if against_baseline:
            lost = [f"{v:.1f}" for v in shifts["yes_lost"]]
            _right_column(ax, y, lost, "yes votes\nlost", pad=8)
        ax.set_yticks(
            y, [f"{g} ({n})" for g, n in zip(shifts.index, shifts["members"], strict=True)]
        )
        ax.set_ylim(-0.6, position.max() + 0.6)
        top = float(shifts[["not_yes", "not_yes_baseline"]].to_numpy().max())
        ax.set_xlim(0, max(0.05, top) * 1.12)
        ax.xaxis.set_major_formatter(_percent)
        ax.set_xlabel("expected share of the group not voting yes (members in brackets)")
        if against_baseline:
            ax.legend(loc="lower right", frameon=True, framealpha=0.9)
        _hbar_style(ax)
    return fig


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
        fig, ax = _figure_and_axes(ax, (8.0, 3.0))
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
            ax.plot(shown[sure], y[sure], "o", color=color, ms=5, zorder=4)
            ax.plot(shown[~sure], y[~sure], "o", mfc="white", mec=color, ms=5, zorder=4)
            ax.plot(np.full(int((lower < lo).sum()), lo), y[lower < lo], "<", color=color, ms=5)
            ax.plot(np.full(int((upper > hi).sum()), hi), y[upper > hi], ">", color=color, ms=5)
            ax.set_xscale("log")
            ax.set_xlim(lo / 1.4, hi * 1.4)
            ax.set_xticks([0.1, 1, 10], ["0.1", "1", "10"])
            ax.minorticks_off()
            ax.set_title(f"{outcome}\nrather than yes", loc="center", color=TEXT_COLORS[outcome])
            _hbar_style(ax)
        axs[0].set_yticks(y, [labels.get(t, t) for t in terms])
        axs[0].set_ylim(-0.7, len(terms) - 0.3)
        fig.supxlabel(
            "times the odds (1 = no effect; filled: the 95% interval excludes 1)", fontsize=8
        )
    return fig


#: Bin edges of the calibration plot: fine near 0 and 1, where most predictions fall.
CALIBRATION_EDGES: tuple[float, ...] = (
    0.0,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.5,
    0.8,
    0.9,
    0.95,
    0.98,
    0.99,
    1.0,
)


def calibration_table(predictions: pd.DataFrame) -> pd.DataFrame:
    """Predicted against observed, all four outcomes pooled (one-vs-rest), binned.

    Parameters
    ----------
    predictions : DataFrame
        ``vote, p_yes, p_abstain, p_no, p_absent`` (reports/backtest/predictions.csv).

    Returns
    -------
    DataFrame
        One row per non-empty bin of :data:`CALIBRATION_EDGES`: ``mean_p`` (mean
        predicted probability), ``freq`` (share that happened) and ``n`` (predictions).
    """
    levels = tuple(VOTE_COLORS)
    prob = np.concatenate([predictions[f"p_{v}"].to_numpy(dtype=float) for v in levels])
    vote = predictions["vote"].astype(str).to_numpy()
    hit = np.concatenate([(vote == v).astype(float) for v in levels])
    last = len(CALIBRATION_EDGES) - 2
    bins = np.clip(np.searchsorted(CALIBRATION_EDGES, prob, side="right") - 1, 0, last)
    frame = pd.DataFrame({"bin": bins, "p": prob, "hit": hit})
    table = frame.groupby("bin").agg(mean_p=("p", "mean"), freq=("hit", "mean"), n=("p", "size"))
    return table.reset_index(drop=True)


def plot_calibration(predictions: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Calibration of the backtest's probabilities: predicted against observed frequency.

    Each country-year gives four predictions (yes, abstain, no, absent), pooled and
    binned by :func:`calibration_table`; logit axes, because most probabilities are near
    0 or 1. Points on the diagonal are well calibrated; a bin where nothing (or
    everything) happened is drawn hollow at the edge. Labels give each bin's number of
    predictions.

    Returns
    -------
    Figure
    """
    table = calibration_table(predictions)
    fig, ax = _figure_and_axes(ax, (5.5, 5.0))
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
    ax.set_xlabel("predicted probability (mean in bin)")
    ax.set_ylabel("observed frequency")
    ax.legend(loc="upper left")
    finish_axes(ax, title=f"Backtest calibration: {len(predictions)} country-votes x 4 outcomes")
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

    levels = ("yes", "abstain", "no", "absent")
    chosen = votes.loc[votes["iso3"].isin(list(iso3s))]
    codes = chosen["vote"].astype(str).map({v: i for i, v in enumerate(levels)})
    grid = (
        chosen.assign(code=codes)
        .pivot(index="iso3", columns="year", values="code")
        .reindex(list(iso3s))
    )
    names = chosen.drop_duplicates("iso3", keep="last").set_index("iso3")["country"]
    with mpl.rc_context(STYLE):
        fig, ax = _figure_and_axes(ax, (9.0, 0.32 * len(grid) + 1.4))
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
        :func:`unvote.features.load_features` (as_of, iso3 and the feature columns).
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
