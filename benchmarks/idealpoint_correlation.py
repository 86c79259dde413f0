"""Correlate the package's ideal points with Bailey, Strezhnev and Voeten's, per session.

Fits the one-dimensional model of :mod:`unvote.idealpoints` to each session's roll calls
(from ``data/interim/votes.parquet``, built by ``make data``) and prints, per year, the
Pearson correlation across countries with ``idealpointall`` and ``idealpointfp`` of
``voeten/IdealpointsJuly2025.dta`` (in data/raw or ../shared/data/raw).

Run: ``.venv/bin/python benchmarks/idealpoint_correlation.py``
"""

from __future__ import annotations

import sys
import time

from unvote import paths
from unvote.idealpoints import correlate_with_voeten, load_voeten, session_ideal_points

VOETEN = "voeten/IdealpointsJuly2025.dta"


def main() -> int:
    from unvote.history import load_all_votes

    if not paths.ALL_VOTES_PARQUET.exists():
        print(f"{paths.ALL_VOTES_PARQUET} not found: run `make data` first", file=sys.stderr)
        return 1
    voeten_path = next(
        (d / VOETEN for d in (paths.RAW_DIR, paths.SHARED_RAW_DIR) if (d / VOETEN).exists()),
        None,
    )
    if voeten_path is None:
        print(f"{VOETEN} not found in {paths.RAW_DIR} or {paths.SHARED_RAW_DIR}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    own = session_ideal_points(load_all_votes(paths.ALL_VOTES_PARQUET))
    seconds = time.perf_counter() - start
    corr = correlate_with_voeten(own, load_voeten(voeten_path))
    print(corr.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for label, rows in (
        ("all years", corr),
        ("1992-2024", corr.loc[corr["year"].between(1992, 2024)]),
    ):
        print(
            f"{label}: median r_all {rows['r_all'].median():.3f} "
            f"(min {rows['r_all'].min():.3f}), median r_fp {rows['r_fp'].median():.3f} "
            f"(min {rows['r_fp'].min():.3f}), {len(rows)} sessions"
        )
    print(f"fitted {len(corr)} sessions in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
