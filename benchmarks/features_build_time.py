"""Time the features build (``build_features_table``, all 33 as-of dates), now and before.

Each run is a fresh Python process that loads data/interim/votes.parquet, the sponsors and
the embargo table (``make data``), builds the features table and writes it as
``unvote features build`` does (the feature cache is bypassed); the time is that of the
build alone, the median of ``--runs``. With ``--before REV`` (default: the commit before
the speed-up) the same is timed, in the same session and alternating run by run, on the
package as of that git revision (exported with ``git archive`` into a temporary folder),
and the ratio is printed. Both tables are compared with data/processed/features.csv, which
must be byte for byte the same.

    .venv/bin/python benchmarks/features_build_time.py [--runs N] [--before REV | --no-before]

Measured on 2026-12-01, 2 cores shared with four other sessions (noisy: compare the two
figures of one run, not figures of different runs): now 10.3 s, before (199f5d7) 22.3 s,
2.2x faster (medians of 3; the first pair ran beside a test suite: 29.7 s and 29.1 s).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from unvote import paths

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before the features build was made faster.
BEFORE = "199f5d7"

SNIPPET = """
import sys, time
import pandas as pd
from unvote.features import build_features_table
from unvote.feature_files import format_features
from unvote.history import load_all_votes, load_embargo_votes

votes_path, sponsors_path, embargo_path, out = sys.argv[1:5]
votes = load_all_votes(votes_path)
embargo = load_embargo_votes(embargo_path)
sponsors = pd.read_parquet(sponsors_path)
start = time.perf_counter()
table = build_features_table(votes, embargo, sponsors=sponsors)
seconds = time.perf_counter() - start
format_features(table).to_csv(out, index=False, lineterminator="\\n")
print(seconds)
"""


def _run(src: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [
        sys.executable, "-c", SNIPPET, str(paths.ALL_VOTES_PARQUET),
        str(paths.SPONSORS_PARQUET), str(paths.EMBARGO_VOTES_CSV), str(out),
    ]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def _export(rev: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    archive = folder / "src.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, check=True, stdout=handle)
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed builds of each version")
    parser.add_argument("--before", default=BEFORE, help="git revision to compare against")
    parser.add_argument("--no-before", action="store_true", help="time the current code only")
    args = parser.parse_args()
    if not paths.ALL_VOTES_PARQUET.exists():
        print(f"features_build_time: {paths.ALL_VOTES_PARQUET} missing; run `make data`")
        return 1
    versions = {"now": ROOT / "src"}
    times: dict[str, list[float]] = {"now": []}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_before:
            versions[args.before] = _export(args.before, Path(tmp) / "before")
            times[args.before] = []
        for run in range(args.runs):
            for name, src in versions.items():
                out = Path(tmp) / f"features-{name}.csv"
                times[name].append(_run(src, out))
                same = filecmp.cmp(out, paths.FEATURES_CSV, shallow=False)
                print(
                    f"run {run + 1} {name}: {times[name][-1]:.1f} s, "
                    f"{'identical to' if same else 'DIFFERS from'} {paths.FEATURES_CSV.name}",
                    file=sys.stderr,
                )
                if not same:
                    return 1
    medians = {name: statistics.median(t) for name, t in times.items()}
    line = f"features build (33 as-of dates, median of {args.runs}): now {medians['now']:.1f} s"
    if not args.no_before:
        before = medians[args.before]
        line += f", before ({args.before}) {before:.1f} s: {before / medians['now']:.1f}x faster"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
