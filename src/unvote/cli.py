"""The ``unvote`` command: a thin shell over the package's functions.

Each subcommand parses its options, calls one function of the package, and prints or
writes the result. Bad input raises :class:`unvote.errors.UnvoteError`, which is printed
as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from unvote import __version__, paths
from unvote.errors import UnvoteError


# --- unvote data build -------------------------------------------------------------------
def _cmd_data_build(args: argparse.Namespace) -> int:
    from unvote.build import build_all

    build_all(Path(args.raw), out_dir=Path(args.out), interim_dir=Path(args.interim))
    return 0


# --- unvote history ----------------------------------------------------------------------
def _cmd_history(args: argparse.Namespace) -> int:
    from unvote.history import format_history, history_table, load_embargo_votes

    votes = load_embargo_votes(Path(args.data))
    table = history_table(votes)
    print(format_history(table, votes))
    if args.plot:
        from unvote.plots import plot_history, save_figure

        save_figure(plot_history(table), Path(args.plot))
        print(f"wrote {args.plot}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unvote",
        description="Forecast UN General Assembly votes: the Cuba embargo resolution.",
    )
    parser.add_argument("--version", action="version", version=f"unvote {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = sub.add_parser("data", help="build the processed tables from raw UN files")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    build = data_sub.add_parser("build", help="read the raw files and write data/processed")
    build.add_argument(
        "--raw", default=str(paths.RAW_DIR), help="folder of raw UN files (default: data/raw)"
    )
    build.add_argument("--out", default=str(paths.PROCESSED_DIR), help=argparse.SUPPRESS)
    build.add_argument("--interim", default=str(paths.INTERIM_DIR), help=argparse.SUPPRESS)
    build.set_defaults(func=_cmd_data_build)

    history = sub.add_parser("history", help="the embargo votes 1992-2024, as recorded")
    history.add_argument(
        "--data", default=str(paths.EMBARGO_VOTES_CSV), help="embargo_votes.csv to read"
    )
    history.add_argument("--plot", metavar="PATH", help="also write a chart (.png or .pdf)")
    history.set_defaults(func=_cmd_history)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UnvoteError as err:
        print(f"unvote: error: {err}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
