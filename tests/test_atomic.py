"""Outputs are written whole or not at all."""

from __future__ import annotations

import stat

import pandas as pd
import pytest

from unvote.atomic import atomic_dir, write_csv
from unvote.errors import UnvoteError


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_dir(tmp_path) as tmp:
        (tmp / "table.csv").write_text("new\n", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_a_folder_in_the_way_stops_before_any_file_is_replaced(tmp_path):
    (tmp_path / "a.csv").write_text("old a\n", encoding="utf-8")
    (tmp_path / "b.csv").mkdir()
    with pytest.raises(UnvoteError, match=r"b\.csv: is a folder"), atomic_dir(tmp_path) as tmp:
        (tmp / "a.csv").write_text("new a\n", encoding="utf-8")
        (tmp / "b.csv").write_text("new b\n", encoding="utf-8")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "old a\n"


def test_written_files_are_readable_by_others_like_any_file(tmp_path):
    target, plain = tmp_path / "t.csv", tmp_path / "plain.csv"
    write_csv(target, pd.DataFrame({"x": [1]}))
    plain.write_text("x\n", encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
