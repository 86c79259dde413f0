"""The house style of every figure: vote colours, matplotlib settings and shared helpers.

Every plot function of :mod:`unvote.figures` takes its data (and ``ax=None``) and returns a
:class:`matplotlib.figure.Figure`; the caller saves it (:func:`unvote.report.write.save_figure`).
Figures are built without pyplot (no global state, no GUI backend), so they work the same in
scripts, tests and notebooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from unvote.history import SOURCE_NOTE

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
#: The vote colours for text: absent's light grey is too pale for words.
TEXT_COLORS: dict[str, str] = {**VOTE_COLORS, "absent": "#777777"}


def figure_and_axes(ax, figsize):
    if ax is None:
        return new_figure(figsize=figsize)
    return ax.get_figure(), ax


def percent(x, _pos=None) -> str:
    return f"{100 * x:.0f}%"


def right_column(ax: Axes, y, texts, header: str, *, colors=None, pad: float = 6) -> None:
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


def hbar_style(ax: Axes) -> None:
    """Horizontal charts: the grid runs along x, and no tick marks on the country axis."""
    ax.grid(False)
    ax.grid(axis="x", color=STYLE["grid.color"], linewidth=STYLE["grid.linewidth"])
    ax.tick_params(axis="y", length=0)
    ax.set_axisbelow(True)


def small_counts_scale(ax: Axes) -> None:
    """Linear up to 5 votes, logarithmic above: 0-5 votes are the story after 2000, 70
    abstentions the story of 1992."""
    ax.set_yscale("symlog", linthresh=5, linscale=1.5)
    ax.set_yticks([0, 1, 2, 3, 4, 5, 10, 20, 50, 100])
    ax.yaxis.set_major_formatter(mpl.ticker.ScalarFormatter())
    ax.set_ylim(-0.3, 100)


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
