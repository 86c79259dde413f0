"""Time ``unvote data build`` on the full raw files (target: under 20 s on 2 cores).

Runs the whole build (read every source, cross-check, combine, write the tables) a few
times into a temporary folder, each in a fresh Python process so that no cache carries
over, and prints the median wall-clock time.

    .venv/bin/python benchmarks/build_time.py [--raw DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unvote import paths

TARGET_SECONDS = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default=str(paths.SHARED_RAW_DIR), help="raw UN files")
    parser.add_argument("--runs", type=int, default=3, help="number of timed builds")
    args = parser.parse_args()
    if not Path(args.raw).is_dir():
        print(f"build_time: {args.raw} not present; nothing to time", file=sys.stderr)
        return 1
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            command = [
                sys.executable, "-m", "unvote.cli", "data", "build", "--raw", args.raw,
                "--out", f"{tmp}/processed", "--interim", f"{tmp}/interim",
            ]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
            print(f"run {run + 1}: {times[-1]:.1f} s", file=sys.stderr)
    median = statistics.median(times)
    verdict = "ok" if median < TARGET_SECONDS else "TOO SLOW"
    print(
        f"unvote data build (full raw files, {args.runs} runs): median {median:.1f} s "
        f"(min {min(times):.1f} s, target < {TARGET_SECONDS:.0f} s: {verdict})"
    )
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
