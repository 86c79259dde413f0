"""``unvote history``: the table on stdout, the chart as PNG or PDF, one-line errors."""

from __future__ import annotations

import pytest

from unvote import paths
from unvote.cli import main
from unvote.figures import plot_history
from unvote.history import history_table, load_embargo_votes
from unvote.report.write import save_figure


def test_prints_the_table_from_the_committed_data(capsys):
    assert main(["history"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = next(line for line in out if line.startswith("year"))
    assert header.split() == ["year", "resolution", "yes", "no", "abstain", "absent"]
    rows = [line.split() for line in out if line[:4].isdigit()]
    assert [r[0] for r in rows] == [str(y) for y in range(1992, 2025) if y != 2020]
    assert rows[0][:5] == ["1992", "A/RES/47/19", "59", "3", "71"]
    assert "      no: Israel, United States" in out
    assert any("Source: United Nations Digital Library" in line for line in out)


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_plot_by_suffix(tmp_path, capsys, suffix, magic):
    target = tmp_path / "charts" / f"history{suffix}"
    assert main(["history", "--plot", str(target)]) == 0
    assert target.read_bytes().startswith(magic)
    assert f"wrote {target}" in capsys.readouterr().out
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left


def test_pdf_is_reproducible(tmp_path):
    table = history_table(load_embargo_votes(paths.EMBARGO_VOTES_CSV))
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    save_figure(plot_history(table), a)
    save_figure(plot_history(table), b)
    assert a.read_bytes() == b.read_bytes()


def test_plot_has_a_bar_per_vote_and_level():
    table = history_table(load_embargo_votes(paths.EMBARGO_VOTES_CSV))
    fig = plot_history(table)
    bars, lines = fig.axes
    assert len(bars.patches) == 4 * 32
    assert [t.get_text() for t in bars.get_legend().get_texts()] == [
        "yes", "abstain", "no", "absent",
    ]  # fmt: skip
    assert lines.lines[0].get_ydata().tolist() == table["no"].tolist()


def test_bad_suffix_is_refused_before_any_output(tmp_path, capsys):
    target = tmp_path / "history.svg"
    assert main(["history", "--plot", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"unvote: error: {target}: cannot write a figure with suffix '.svg'; allowed: .png, .pdf"
    )
    assert not target.exists()


def test_missing_data_file(tmp_path, capsys):
    assert main(["history", "--data", str(tmp_path / "none.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "none.csv: file not found" in err[0]
