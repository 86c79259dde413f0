"""Time the test suite (``make test``'s pytest run) against a fixed unit of this machine's speed.

A suite time in seconds says as much about the machine as about the suite: the same
commit ran ``make test`` in 31-46 s on a machine where importing the stack took 1.0 s, and
in about 120 s on one where it took 3.0 s. So this prints the wall time of
``pytest -m "not slow"`` (or of the whole suite with ``--all``) beside two references
measured in the same run: ``python -c "import pandas, sklearn, statsmodels"`` and a pure
Python loop of 10 million additions, and the suite's time in units of each.

Run: ``.venv/bin/python benchmarks/suite_time.py [--all]``
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT_STACK = [sys.executable, "-c", "import pandas, sklearn, statsmodels"]
PYTHON_LOOP = [sys.executable, "-c", "s = 0\nfor i in range(10_000_000): s += i"]


def wall(command: list[str]) -> float:
    """Seconds one run of ``command`` takes, from the project's root (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main(whole: bool = False) -> None:
    suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if not whole:
        suite += ["-m", "not slow"]
    imports = [wall(IMPORT_STACK) for _ in range(3)]
    loops = [wall(PYTHON_LOOP) for _ in range(3)]
    seconds = wall(suite)
    imports += [wall(IMPORT_STACK) for _ in range(2)]  # before and after: a busy spell shows
    loops += [wall(PYTHON_LOOP) for _ in range(2)]
    stack, loop = statistics.median(imports), statistics.median(loops)
    which = "the whole suite" if whole else 'pytest -m "not slow" (make test, after its checks)'
    print(f"{which}: {seconds:.1f} s")
    print(f"import pandas, sklearn, statsmodels: median {stack:.2f} s (5 runs around it)")
    print(f"Python loop of 10 million additions: median {loop:.2f} s")
    print(f"suite / import: {seconds / stack:.0f}   suite / loop: {seconds / loop:.0f}")


if __name__ == "__main__":
    main(whole="--all" in sys.argv[1:])
