"""Time the whole backtest (2000-2024) on the committed features: target under 60 s.

Prints the wall time of ``unvote backtest`` run as a command (start-up, fits, scoring and
the files, calibration plot included) and of the in-process ``run_backtest`` (fits and
scores only), each the median of three runs.

Run: ``.venv/bin/python benchmarks/backtest_time.py``
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unvote import paths
from unvote.backtest import run_backtest
from unvote.feature_files import load_features

RUNS = 3


def main() -> None:
    from unvote.history import load_embargo_votes

    unvote = Path(sys.executable).with_name("unvote")
    command = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run(
                [str(unvote), "backtest", "--out", out], check=True, capture_output=True
            )
            command.append(time.perf_counter() - start)
    features = load_features(paths.FEATURES_CSV)
    embargo = load_embargo_votes(paths.EMBARGO_VOTES_CSV)
    inner = [run_backtest(features, embargo).seconds for _ in range(RUNS)]
    print(f"unvote backtest (command, files included): {statistics.median(command):.1f} s")
    print(f"run_backtest (fits and scores, in process): {statistics.median(inner):.1f} s")
    print("target: under 60 s")


if __name__ == "__main__":
    main()
