"""Writing the report and figures: PNG and PDF files, whole or not at all, the same bytes each run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from unvote.atomic import atomic_dir, atomic_path
from unvote.errors import UnvoteError
from unvote.figures import STYLE

if TYPE_CHECKING:
    from unvote.report.data import ReportData


FORMATS: tuple[str, ...] = (".png", ".pdf")


def check_figure_path(path: str | os.PathLike) -> Path:
    """Return ``path`` as a Path if it ends in ``.png`` or ``.pdf``; raise UnvoteError if not.

    Lets a command refuse a bad output name before doing any work.
    """
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise UnvoteError(
            f"{path}: cannot write a figure with suffix {path.suffix!r}; "
            f"allowed: {', '.join(FORMATS)}"
        )
    return path


def save_figure(fig: Figure, path: str | os.PathLike) -> Path:
    """Write ``fig`` to ``path`` as PNG or PDF (chosen by the suffix), atomically.

    The file is written to a temporary name and renamed, so a failure leaves any old file
    in place. PDFs carry no creation date, so the same figure gives the same bytes.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UnvoteError
        If the suffix is not ``.png`` or ``.pdf``.
    """
    path = check_figure_path(path)
    suffix = path.suffix.lower()
    metadata = {"CreationDate": None} if suffix == ".pdf" else {"Software": None}
    with mpl.rc_context(STYLE), atomic_path(path) as tmp:
        fig.savefig(tmp, format=suffix[1:], metadata=metadata)
    return path


def freeze_layout(fig, decimals: int = 9) -> None:
    """Run the figure's layout once, round every position, and switch the layout engine off.

    The constrained layout's solver (kiwisolver) returns positions whose last bits depend
    on the order of its internal tables, which depends on memory addresses: the same page
    drawn twice, even in one process, moved by 1e-16 and the PDF, which writes coordinates
    to 10 decimals, differed. Rounded to 1e-9 of the page (far below a printer's dot),
    the positions are the same on every run.
    """
    if fig.get_layout_engine() is None:
        return
    fig.draw_without_rendering()

    def snap(bounds):
        # + 0.0 turns -0.0 into 0.0, which the PDF would write as "-0"
        return [round(float(v), decimals) + 0.0 for v in bounds]

    def walk(figure):
        for ax in figure.axes:
            ax.set_position(snap(ax.get_position(original=False).bounds), which="both")
        for sub in figure.subfigs:
            x0, y0, width, height = snap(sub.bbox_relative.bounds)
            sub.bbox_relative.set_points(np.array([[x0, y0], [x0 + width, y0 + height]]))
            walk(sub)

    walk(fig)
    fig.set_layout_engine("none")


def write_report(data: ReportData, out_dir: str | Path) -> list[Path]:
    """Write ``report.pdf`` and one PNG per figure into ``out_dir``, whole or not at all.

    Returns
    -------
    list of Path
        report.pdf, then ``<n>-<name>.png`` for each figure (n = its page).
    """
    from matplotlib.backends.backend_pdf import PdfPages

    # here, not at the top: saving one figure need not load the report's pages
    from unvote.report.pages import PAGES, build_pages, standalone_figures

    out_dir = Path(out_dir)
    names = ["report.pdf"]
    with atomic_dir(out_dir) as tmp:
        # No creation date: the same inputs give the same bytes.
        meta = {"Title": f"unvote forecast: {data.scenario_name}", "CreationDate": None}
        with PdfPages(tmp / "report.pdf", metadata=meta) as pdf:
            for fig in build_pages(data):
                freeze_layout(fig)
                pdf.savefig(fig)
        for name, fig in standalone_figures(data).items():
            png = f"{PAGES.index(name) + 1}-{name}.png"
            save_figure(fig, tmp / png)
            names.append(png)
    return [out_dir / name for name in names]
