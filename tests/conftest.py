"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from unvote import paths


@pytest.fixture(scope="session")
def raw_build(tmp_path_factory) -> dict[str, Path]:
    """``build_all`` from ../shared/data/raw, run once for the whole session.

    Reading and combining the raw files takes about ten seconds; the tests of the committed
    tables (test_build), of the features (test_features) and of the Ukraine reach
    (test_ukraine) each need the result, so they share one build. Its files are read only.

    Returns
    -------
    dict
        ``embargo_votes``, ``countries``, ``votes``, ``sponsors`` -> the files written (in
        a temporary folder), as :func:`unvote.build.build_all` returns them.
    """
    if not paths.SHARED_RAW_DIR.is_dir():
        pytest.skip(f"{paths.SHARED_RAW_DIR} not present: cannot rebuild from the raw files")
    from unvote.build import build_all

    root = tmp_path_factory.mktemp("raw_build")
    return build_all(
        paths.SHARED_RAW_DIR,
        out_dir=root / "processed",
        interim_dir=root / "interim",
        progress=False,
    )
