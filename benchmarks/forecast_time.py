"""Time ``unvote forecast`` (10,000 simulations, no report) against importing the stack.

Prints the median wall time of the command (start-up, data, model fit, shock sizes,
10,000 simulations of the scenario and the baseline, the three output files), of the same
command conditioned on known votes (``--given GTM=abstain,PAN=no``) and of
``python -c "import pandas, sklearn, statsmodels"``, all measured in this run,
alternating so that a busy machine slows them alike, and each ratio (target: <= 2).

Run: ``.venv/bin/python benchmarks/forecast_time.py [RUNS]``
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
REFERENCE = [sys.executable, "-c", "import pandas, sklearn, statsmodels"]
GIVEN = ["--given", "GTM=abstain,PAN=no"]


def wall(command: list[str]) -> float:
    """Seconds one run of ``command`` takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(runs: int = RUNS) -> None:
    unvote = Path(sys.executable).with_name("unvote")
    forecast_times, given_times, reference_times = [], [], []
    with tempfile.TemporaryDirectory() as out:
        forecast = [str(unvote), "forecast", "--draws", "10000", "--out", out]
        wall(forecast)  # warm the file cache and the byte-code of all three
        wall(forecast + GIVEN)
        wall(REFERENCE)
        for _ in range(runs):
            forecast_times.append(wall(forecast))
            given_times.append(wall(forecast + GIVEN))
            reference_times.append(wall(REFERENCE))
    f, g = statistics.median(forecast_times), statistics.median(given_times)
    r = statistics.median(reference_times)
    print(f"unvote forecast (10,000 draws, no report): median {f:.2f} s over {runs} runs")
    print(f"unvote forecast {' '.join(GIVEN)} (10,000 draws): median {g:.2f} s")
    print(f"python -c 'import pandas, sklearn, statsmodels': median {r:.2f} s")
    print(f"ratio: {f / r:.2f} (target <= 2)")
    print(f"ratio with --given: {g / r:.2f} (target <= 2)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
