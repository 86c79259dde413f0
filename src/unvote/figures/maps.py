"""The world map of each member's probability of voting yes, and its regional zooms.

The shapes come from :mod:`unvote.worldmap` (package data, projected); this module only
draws them.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from unvote.figures.style import STYLE, figure_and_axes, percent

#: Classes of the world map: most members are near certain to vote yes, so the scale is
#: finest at the top, where a campaign moves countries; bands of 5 to 10 points from 50% to
#: 90%, where the lobbying scenario puts Europe (63-82%), Canada and Australia (78-79%), so
#: that they do not share one colour.
YES_MAP_BOUNDS: tuple[float, ...] = (0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0)
#: Zoom windows of the map (lon_min, lon_max, lat_min, lat_max), where small states crowd.
MAP_REGIONS: dict[str, tuple[float, float, float, float]] = {
    "Caribbean and Central America": (-92.0, -58.0, 8.0, 27.0),
    "Europe": (-12.0, 30.0, 34.0, 60.0),
    "Africa and the Indian Ocean": (-26.0, 76.0, -24.0, 18.0),
    "Pacific islands": (128.0, 180.0, -24.0, 16.0),
}


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
        fig, ax = figure_and_axes(ax, (10.0, 5.8))
        window = _map_window(region)
        # only the rings in the window: a zoom need not carry the whole world
        rings = {
            iso3: [r for r in rs if _ring_in_window(r, window)]
            for iso3, rs in shapes.rings.items()
        }
        other = [r for iso3, rs in rings.items() if iso3 not in p_yes for r in rs]
        ax.add_collection(
            PolyCollection(other, facecolor="0.85", edgecolor="white", lw=lw, gid="others")
        )
        verts = [ring for iso3 in p_yes.index for ring in rings.get(iso3, [])]
        values = [p for iso3, p in p_yes.items() for _ in rings.get(iso3, [])]
        ax.add_collection(
            PolyCollection(
                verts,
                array=np.asarray(values),
                cmap=cmap,
                norm=norm,
                edgecolor="white",
                lw=lw,
                gid="members",
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
            gid="small states",
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
            cbar.set_ticks(YES_MAP_BOUNDS, labels=[percent(b) for b in YES_MAP_BOUNDS])
            cbar.set_label(
                "probability of voting yes (circles: small states; grey: not a member or no data)"
            )
        missing = sorted(set(p_yes.index) - set(shapes.rings))
        if missing and region is None:
            ax.annotate(
                "no shape for: " + ", ".join(missing), (0, 0), xycoords="axes fraction", fontsize=6
            )
    return fig
