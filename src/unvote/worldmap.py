"""Country shapes for the report's world map, read from a file shipped in the package.

The outlines are Natural Earth's admin-0 countries at 1:10m (public domain), simplified
for a page-sized map by ``tools/make_outlines.py`` into ``unvote/data/outlines.npz``
(166 kB; ``make outlines`` rebuilds it). Nothing is downloaded at run time and only
numpy reads it. The 1:10m scale keeps every member state, down to Nauru and Tuvalu; the
outlines are projected with the Equal Earth projection (Savric, Patterson and Jenny 2018),
so areas compare fairly.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

import numpy as np
import pandas as pd

from unvote.errors import DataError

#: A country whose projected area is below this (in squared Equal Earth units, where the
#: world is about 17) gets a marker too, so the small island states can be found.
SMALL_AREA = 2e-4
#: The outlines file in the package's ``data`` folder, and the arrays it must hold (their
#: meaning: the docstring of tools/make_outlines.py).
OUTLINES_NAME = "outlines.npz"
OUTLINES_ARRAYS: tuple[str, ...] = (
    "iso3",
    "ring_country",
    "ring_length",
    "steps",
    "quantum",
    "label",
    "area",
)


@dataclass(frozen=True)
class WorldShapes:
    """Projected country outlines.

    Attributes
    ----------
    rings : dict[str, list[numpy.ndarray]]
        ISO3 -> list of (k, 2) arrays of projected x, y (exterior rings and holes).
    anchors : pandas.DataFrame
        Index iso3; columns ``x``, ``y`` (projected label point) and ``area``
        (projected area, same units as ``SMALL_AREA``).
    """

    rings: dict[str, list[np.ndarray]]
    anchors: pd.DataFrame

    def small_states(self, threshold: float = SMALL_AREA) -> list[str]:
        """ISO3 codes of countries too small to see as a shape at page size."""
        return sorted(self.anchors.index[self.anchors["area"] < threshold])


def equal_earth(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project longitude/latitude in degrees to Equal Earth x, y (unit sphere).

    Returns
    -------
    x, y : numpy.ndarray
        Same shapes as the inputs; x in [-2.71, 2.71], y in [-1.32, 1.32].
    """
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = np.sqrt(3.0) / 2.0
    lam = np.radians(np.asarray(lon, dtype=float))
    theta = np.arcsin(m * np.sin(np.radians(np.asarray(lat, dtype=float))))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    denom = 3.0 * (9.0 * a4 * t6 * t2 + 7.0 * a3 * t6 + 3.0 * a2 * t2 + a1)
    x = 2.0 * np.sqrt(3.0) * lam * np.cos(theta) / denom
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


def outlines_file() -> Traversable:
    """The package's outlines file, ``unvote/data/outlines.npz``.

    Raises
    ------
    DataError
        If the file is missing from the installed package.
    """
    path = files("unvote").joinpath("data", OUTLINES_NAME)
    if not path.is_file():
        raise DataError(
            f"country shapes: {path} is missing from the installed package; "
            "allowed: reinstall unvote, or rebuild it with `make outlines`"
        )
    return path


@functools.cache
def load_world() -> WorldShapes:
    """Read and project every country outline (Antarctica left out).

    Returns
    -------
    WorldShapes
        About 250 territories keyed by ISO3 (several Natural Earth units merge into one
        code, e.g. Somaliland into Somalia). Cached; the first call takes a few
        milliseconds.

    Raises
    ------
    DataError
        If the file is missing or lacks an array.
    """
    path = outlines_file()
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as npz:
        missing = sorted(set(OUTLINES_ARRAYS) - set(npz.files))
        if missing:
            raise DataError(
                f"country shapes: {path}: arrays {missing} missing; "
                f"allowed: a file made by tools/make_outlines.py with {list(OUTLINES_ARRAYS)}"
            )
        arrays = {name: npz[name] for name in OUTLINES_ARRAYS}
    return world_from_arrays(arrays)


def world_from_arrays(arrays: Mapping[str, np.ndarray]) -> WorldShapes:
    """Project the outlines file's arrays into :class:`WorldShapes`.

    Parameters
    ----------
    arrays : mapping of str to numpy.ndarray
        The arrays of :data:`OUTLINES_ARRAYS`, as tools/make_outlines.py makes them.

    Returns
    -------
    WorldShapes
    """
    iso3 = arrays["iso3"].tolist()
    # the points are steps from the previous point, across rings: a running sum
    lonlat = np.cumsum(arrays["steps"], axis=0, dtype=np.int64) * float(arrays["quantum"])
    x, y = equal_earth(lonlat[:, 0], lonlat[:, 1])
    ends = np.cumsum(arrays["ring_length"])
    starts = ends - arrays["ring_length"]
    xy = np.column_stack([x, y])
    rings: dict[str, list[np.ndarray]] = {}
    for country, start, end in zip(arrays["ring_country"], starts, ends, strict=True):
        # close the ring again (the file leaves out the repeated first point)
        ring = np.concatenate([xy[start:end], xy[start : start + 1]])
        rings.setdefault(iso3[country], []).append(ring)
    lx, ly = equal_earth(arrays["label"][:, 0], arrays["label"][:, 1])
    anchors = pd.DataFrame(
        {"x": lx, "y": ly, "area": arrays["area"]}, index=pd.Index(iso3, name="iso3")
    ).sort_index()
    return WorldShapes(rings=rings, anchors=anchors)
