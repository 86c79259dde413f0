"""Back-dated forecasts on a fresh clone: what they cost and how they score.

Prints
1. the size of the committed roll-call and sponsors tables (``data/processed/*.parquet``),
   which let a forecast as of any date compute its features;
2. the wall time of ``unvote forecast --scenario baseline`` as of a date features.csv holds
   (2019-11-06) and as of one it does not (2019-10-01), median of RUNS runs each;
3. the scores of the baseline forecast made the day before each embargo vote of the
   years asked (default 2000-2024; DRAWS simulations each, which move the probabilities
   only in the third decimal): log loss, Brier, states that left yes, how many of them
   were among the 25 most likely not to vote yes, and states absent after a yes.

Run: ``.venv/bin/python benchmarks/backdated_forecasts.py [FIRST_YEAR LAST_YEAR]``
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from unvote import paths
from unvote.forecast import run_forecast
from unvote.history import load_embargo_votes

RUNS = 3
DRAWS = 2000


def wall(command: list[str]) -> float:
    """Seconds one run of ``command`` takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(first: int = 2000, last: int = 2024) -> None:
    for path in (paths.ALL_VOTES_PARQUET, paths.SPONSORS_PARQUET):
        print(f"{path.relative_to(paths.ROOT)}: {path.stat().st_size / 1e6:.2f} MB")

    unvote = Path(sys.executable).with_name("unvote")
    with tempfile.TemporaryDirectory() as out:
        for day, kind in (("2019-11-06", "in features.csv"), ("2019-10-01", "computed")):
            command = [str(unvote), "forecast", "--scenario", "baseline", "--as-of", day]
            command += ["--out", out]
            wall(command)  # warm the file cache
            times = [wall(command) for _ in range(RUNS)]
            print(f"forecast as of {day} ({kind}): {statistics.median(times):.1f} s")

    embargo = load_embargo_votes(paths.EMBARGO_VOTES_CSV)
    days = embargo.groupby("year")["date"].min()
    columns = ["log_loss", "brier", "left_yes", "left_yes_in_top", "absent_after_yes"]
    rows = []
    for year, date in days.loc[first:last].items():
        as_of = pd.Timestamp(date) - pd.Timedelta(days=1)
        result = run_forecast("baseline", as_of, draws=DRAWS)
        assert result.scores is not None  # the vote is in the data
        rows.append({"year": year, **{k: result.scores[k] for k in columns}})
    table = pd.DataFrame(rows).set_index("year")
    print(table[columns].to_string(float_format=lambda v: f"{v:.3f}"))
    print(
        f"all years: {table['left_yes'].sum()} states left yes, "
        f"{table['left_yes_in_top'].sum()} of them among the top 25; "
        f"mean log loss {table['log_loss'].mean():.3f}"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
