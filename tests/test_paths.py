"""Every path default is read from unvote.paths when called, so that a test can redirect it."""

from __future__ import annotations

import pytest

from unvote import paths
from unvote.build import build_all
from unvote.context import prepare
from unvote.errors import DataError
from unvote.history import load_all_votes, load_embargo_votes


def test_redirecting_the_embargo_votes_redirects_their_readers(tmp_path, monkeypatch):
    moved = tmp_path / "embargo_votes.csv"
    moved.write_bytes(paths.EMBARGO_VOTES_CSV.read_bytes())
    original = load_embargo_votes()
    monkeypatch.setattr(paths, "EMBARGO_VOTES_CSV", moved)
    assert load_embargo_votes().equals(original)
    moved.unlink()
    with pytest.raises(DataError, match=str(moved)):
        load_embargo_votes()
    # the forecast's first step reads the same default, and fails on the moved file
    with pytest.raises(DataError, match=str(moved)):
        prepare("2024-10-01")


def test_redirecting_the_roll_calls_and_the_raw_folder_redirects_their_readers(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(paths, "ALL_VOTES_PARQUET", tmp_path / "votes.parquet")
    with pytest.raises(DataError, match=str(tmp_path / "votes.parquet")):
        load_all_votes()
    monkeypatch.setattr(paths, "RAW_DIR", tmp_path / "raw")
    with pytest.raises(DataError, match=str(tmp_path / "raw")):
        build_all(progress=False)
