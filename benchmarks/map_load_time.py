"""Time the world map's outlines: the package file against the Natural Earth shapefile.

Before, ``unvote.worldmap.load_world`` read Natural Earth's 1:10m shapefile (pyshp),
simplified it (shapely) and projected it on every run; now it reads the package's
``data/outlines.npz``, which tools/make_outlines.py made once from that shapefile. This
script times both in one run, each the median of three:

- the outlines alone: the old way (read, simplify, project) against ``load_world``;
- ``write_report`` (the PDF and PNGs of ``unvote report``, in process, its inputs loaded
  once) with the map's outlines made each way, the cache cleared before every run. Timed
  in CPU seconds of this process: on a shared machine the wall clock of a 10 s run varies
  by seconds with the neighbours' load, which would hide a difference of a second or two.

It needs the ``shapes`` extra for the old way (``make outlines`` installs it) and the
forecast outputs of ``make forecast`` for the report.

Run: ``.venv/bin/python benchmarks/map_load_time.py``
"""

from __future__ import annotations

import functools
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

from unvote import paths, worldmap

RUNS = 3
SCENARIO = "us_lobbying_2025"


def _old_way():
    """The outlines as the old load_world made them: read, simplify, project."""
    spec = importlib.util.spec_from_file_location(
        "make_outlines", paths.ROOT / "tools" / "make_outlines.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    source = tool.default_source()
    return lambda: worldmap.world_from_arrays(tool.read_outlines(source))


def _median_seconds(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    try:
        old_world = _old_way()
    except (ImportError, SystemExit) as err:
        # `make benchmark` runs every script: a missing optional extra is not a failure
        print(f"skipped: the old way needs the `shapes` extra (make outlines): {err}")
        return 0
    new_world = worldmap.load_world.__wrapped__
    old_s, new_s = _median_seconds(old_world), _median_seconds(new_world)
    print(f"outlines, Natural Earth shapefile (read, simplify, project): {old_s:.3f} s")
    print(f"outlines, package file (load_world):                        {new_s:.3f} s")
    print(f"ratio: {old_s / new_s:.0f}x faster")

    from unvote.dates import CUTOFF
    from unvote.pipeline import default_out_dir
    from unvote.report.data import load_report_data
    from unvote.report.write import write_report

    forecast_dir = default_out_dir(SCENARIO, CUTOFF)
    if not (forecast_dir / "country_forecast.csv").is_file():
        print(f"report not timed: {forecast_dir} has no forecast; run `make forecast` first")
        return 0
    data = load_report_data(forecast_dir)
    report: dict[str, list[float]] = {"old": [], "new": []}
    loader = worldmap.load_world
    try:
        with tempfile.TemporaryDirectory() as out:
            write_report(data, Path(out) / "warm-up")  # fonts and imports, once
            # old and new in turn, so a busy machine slows both alike
            for _ in range(RUNS):
                for name, make in (("old", old_world), ("new", new_world)):
                    worldmap.load_world = functools.cache(make)  # a fresh cache: a new process
                    start = time.process_time()
                    write_report(data, Path(out) / "report")
                    report[name].append(time.process_time() - start)
    finally:
        worldmap.load_world = loader
    print(
        "write_report, each run (CPU s):", {k: [round(t, 1) for t in v] for k, v in report.items()}
    )
    # paired: each old run beside the new run after it, which a busy machine slowed alike
    saved = statistics.median(o - n for o, n in zip(report["old"], report["new"], strict=True))
    old_r, new_r = statistics.median(report["old"]), statistics.median(report["new"])
    print(f"write_report, outlines from the shapefile: {old_r:.1f} CPU s")
    print(f"write_report, outlines from the package:   {new_r:.1f} CPU s")
    print(f"ratio: {old_r / new_r:.2f}; saved per report (median of paired runs): {saved:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
