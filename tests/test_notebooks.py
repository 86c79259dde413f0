"""The notebooks run top to bottom on the committed data, each well under a minute."""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from unvote import paths

NOTEBOOKS = sorted((paths.ROOT / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_exist():
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01-scenario-explorer.ipynb",
        "02-history.ipynb",
        "03-voting-day.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert code, f"{path.name} has no code"
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_within_a_minute(path, tmp_path):
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the traceback, if a cell fails
    seconds = time.perf_counter() - start
    assert seconds < 60, f"{path.name} took {seconds:.0f} s"
    outputs = [o for cell in book.cells if cell.cell_type == "code" for o in cell.outputs]
    # every figure cell shows a picture, and nothing printed an error
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert not [o for o in outputs if o.output_type == "error"]


def test_the_explorer_calls_overrides_the_users_own_assumptions():
    # The shipped material names no country's outcome; the notebook's override example is
    # syntax on small states, and says overrides are assumptions, not forecasts.
    nb = nbformat.read(paths.ROOT / "notebooks" / "01-scenario-explorer.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    assert "*your* assumptions, not forecasts" in text
    assert '"overrides": {"TUV": "abstain", "SMR": {"yes": 0.5, "abstain": 0.5}}' in text


def test_the_explorer_has_sliders_and_one_call_that_runs_without_a_human():
    nb = nbformat.read(paths.ROOT / "notebooks" / "01-scenario-explorer.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert 'slider.observe(rerun, names="value")' in code
    assert "FloatRangeSlider" in code
    # a cell of its own calls the same function with set values: headless, it draws
    assert any(cell.source.startswith("show_ranges(") for cell in nb.cells)


def test_voting_day_says_its_announcements_are_placeholders():
    # like the explorer's overrides: the announced votes are syntax, not news or forecasts
    nb = nbformat.read(paths.ROOT / "notebooks" / "03-voting-day.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    assert "**The announcements below are placeholders**" in text
    assert "not reports, and not forecasts, of how these states will vote" in text
