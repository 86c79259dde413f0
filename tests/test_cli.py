"""The ``unvote`` shell: every failure a user can cause is one line on stderr and exit 2."""

from __future__ import annotations

import pytest

from unvote.cli import main


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("unvote: error: ")
    return lines[0]


def test_an_output_path_under_a_file_is_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine", encoding="utf-8")
    code = main(["history", "--plot", str(blocker / "chart.png")])
    assert code == 2
    line = one_error_line(capsys)
    assert str(blocker) in line
    assert blocker.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("content", "what"),
    [("", "cannot read"), ('name = "x"\n[levers]\n"a,b\n', "cannot read")],
)
def test_a_malformed_embargo_csv_is_one_line_and_exit_2(tmp_path, capsys, content, what):
    bad = tmp_path / "embargo_votes.csv"
    bad.write_text(content, encoding="utf-8")
    assert main(["history", "--data", str(bad)]) == 2
    line = one_error_line(capsys)
    assert str(bad) in line and (what in line or "missing column" in line)


def test_features_build_refuses_an_output_that_is_not_a_csv(tmp_path, capsys):
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "mine"\n', encoding="utf-8")
    assert main(["features", "build", "--out", str(mine)]) == 2
    line = one_error_line(capsys)
    assert "mine.toml" in line and ".csv" in line
    assert mine.read_text(encoding="utf-8") == 'name = "mine"\n'


def test_data_build_rejects_a_bad_until_date(tmp_path, capsys):
    assert main(["data", "build", "--raw", str(tmp_path), "--until", "soon"]) == 2
    line = one_error_line(capsys)
    assert "--until" in line and "'soon'" in line and "YYYY-MM-DD" in line
