"""Where things live. Every other module takes its paths from here, so tests can redirect them.

``ROOT`` is the project checkout (the folder holding ``pyproject.toml``); it can be moved
with the environment variable ``UNVOTE_ROOT``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(os.environ.get("UNVOTE_ROOT", Path(__file__).resolve().parents[2]))

DATA_DIR: Path = ROOT / "data"
#: Raw UN files a user downloads (git-ignored); ``make data`` uses ../shared/data/raw instead.
RAW_DIR: Path = DATA_DIR / "raw"
#: Tables derived from the raw files and committed (``unvote data build`` rewrites them).
PROCESSED_DIR: Path = DATA_DIR / "processed"
#: Caches, rebuilt on demand and never committed.
INTERIM_DIR: Path = DATA_DIR / "interim"
SCENARIOS_DIR: Path = ROOT / "scenarios"
REPORTS_DIR: Path = ROOT / "reports"
#: The backtest's outputs, which every report of every scenario reads.
BACKTEST_DIR: Path = REPORTS_DIR / "backtest"

#: The raw files beside the project, as this workplace provides them.
SHARED_RAW_DIR: Path = ROOT.parent / "shared" / "data" / "raw"

EMBARGO_VOTES_CSV: Path = PROCESSED_DIR / "embargo_votes.csv"
COUNTRIES_CSV: Path = PROCESSED_DIR / "countries.csv"
FEATURES_CSV: Path = PROCESSED_DIR / "features.csv"
#: Every recorded GA roll call, one row per member per vote (about 920,000 rows, 0.44 MB):
#: committed, so that a forecast as of any date computes its features on a fresh clone.
ALL_VOTES_PARQUET: Path = PROCESSED_DIR / "votes.parquet"
#: Sponsors and co-sponsors of the resolutions of the Secretariat's extracts (sessions 74 on;
#: 0.07 MB, committed with the roll calls: the features read both).
SPONSORS_PARQUET: Path = PROCESSED_DIR / "sponsors.parquet"
