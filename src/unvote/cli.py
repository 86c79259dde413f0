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
    from unvote import build
    from unvote.dates import CUTOFF, as_day

    until = CUTOFF if args.until is None else as_day(args.until, "--until")
    build.build_all(
        Path(args.raw), out_dir=Path(args.out), interim_dir=Path(args.interim), until=until
    )
    return 0


# --- unvote history ----------------------------------------------------------------------
def _cmd_history(args: argparse.Namespace) -> int:
    from unvote.history import format_history, history_table, load_embargo_votes

    if args.plot:
        from unvote.report.write import check_figure_path

        check_figure_path(args.plot)  # refuse a bad suffix before printing anything
    votes = load_embargo_votes(Path(args.data))
    table = history_table(votes)
    print(format_history(table, votes))
    if args.plot:
        from unvote.figures import plot_history
        from unvote.report.write import save_figure

        save_figure(plot_history(table), Path(args.plot))
        print(f"wrote {args.plot}")
    return 0


# --- unvote features build ---------------------------------------------------------------
def _cmd_features_build(args: argparse.Namespace) -> int:
    from unvote.feature_files import cached_features_table, write_features

    if Path(args.out).suffix != ".csv":
        raise UnvoteError(
            f"--out: {args.out!r} is not a .csv path; allowed: a file ending in .csv"
        )
    # On a terminal the progress line rewrites itself; in a log, one line per step.
    end = "\r" if sys.stderr.isatty() else "\n"

    def progress(message: str) -> None:
        print(f"unvote: {message}", end=end, file=sys.stderr, flush=True)

    table = cached_features_table(
        Path(args.votes), Path(args.embargo), Path(args.countries), Path(args.cache), progress
    )
    if end == "\r":
        print(file=sys.stderr)
    path = write_features(table, Path(args.out))
    print(f"wrote {path} ({len(table)} rows, {table['as_of'].nunique()} as-of dates)")
    return 0


# --- unvote backtest ---------------------------------------------------------------------
def _cmd_backtest(args: argparse.Namespace) -> int:
    from unvote.backtest import format_scores
    from unvote.pipeline import backtest_files

    result = backtest_files(Path(args.features), Path(args.embargo), Path(args.out))
    print(format_scores(result.scores))
    print(f"wrote {args.out}/predictions.csv, scores.csv ({result.seconds:.1f} s)")
    return 0


# --- unvote forecast / compare -----------------------------------------------------------
def _simulation_kwargs(args: argparse.Namespace) -> dict:
    from unvote.simulate import Uncertainty

    off = set(args.without or ())
    kwargs = {
        k: getattr(args, k) for k in ("as_of", "draws", "seed") if getattr(args, k) is not None
    }
    kwargs["uncertainty"] = Uncertainty(
        **{k: k not in off for k in ("parameters", "effects", "shocks")}
    )
    return kwargs


def _cmd_forecast(args: argparse.Namespace) -> int:
    from unvote.forecast import run_forecast
    from unvote.outputs import format_forecast, previous_source, write_forecast
    from unvote.pipeline import default_out_dir

    given = ",".join(args.given) if args.given else None
    result = run_forecast(
        args.scenario, given=given, given_source="--given", **_simulation_kwargs(args)
    )
    # by scenario, as-of date and given votes: no run replaces another's unless named
    stated = dict(result.given) or None
    out = (
        Path(args.out) if args.out else default_out_dir(result.scenario.name, result.as_of, stated)
    )
    replaced = previous_source(out, result.scenario)
    files = write_forecast(result, out, save_draws=args.save_draws)
    if replaced:
        print(
            f"unvote: note: {out} held the forecast of {replaced}; it now holds this one "
            "(give your scenario its own `name`, or use --out, to keep both)",
            file=sys.stderr,
        )
    print(format_forecast(result))
    print(f"\nwrote {', '.join(str(f) for f in files)}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from unvote.compare import run_compare
    from unvote.outputs import format_compare, write_compare

    comparison = run_compare(args.first, args.second, **_simulation_kwargs(args))
    a, b = comparison.names
    out = Path(args.out) if args.out else paths.REPORTS_DIR / f"compare_{a}_vs_{b}"
    files = write_compare(comparison, out)
    print(format_compare(comparison))
    print(f"\nwrote {', '.join(str(f) for f in files)}")
    return 0


# --- unvote explain -----------------------------------------------------------------------
def _cmd_explain(args: argparse.Namespace) -> int:
    from unvote.explain import format_explanation
    from unvote.forecast import run_forecast

    kwargs = {"as_of": args.as_of} if args.as_of is not None else {}
    result = run_forecast(args.scenario, draws=args.draws, **kwargs)
    print(format_explanation(result, args.iso3, top=args.top))
    return 0


# --- unvote report ------------------------------------------------------------------------
def _progress(message: str) -> None:
    """What a long step is doing, on stderr, so that stdout keeps only the results."""
    print(f"unvote: {message}", file=sys.stderr, flush=True)


def _cmd_report(args: argparse.Namespace) -> int:
    from unvote.pipeline import report_files

    files = report_files(args.scenario, args.out, as_of=args.as_of, log=_progress)
    print(f"wrote {files[0]} and {len(files) - 1} PNGs")
    return 0


def _add_scenario_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario",
        default="us_lobbying_2025",  # unvote.forecast.DEFAULT_SCENARIO, not imported: slow
        help="a name in scenarios/ or a path to a TOML file (default us_lobbying_2025)",
    )


def _add_simulation_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    # Defaults live in unvote.forecast (None here): importing it would slow every command.
    parser.add_argument("--as-of", help="use data before this date (default 2025-10-01)")
    parser.add_argument("--draws", type=int, help="simulated votes, 1 to 200,000 (default 10,000)")
    parser.add_argument("--seed", type=int, help="random seed (default 20251001)")
    parser.add_argument(
        "--without",
        action="append",
        choices=("parameters", "effects", "shocks"),
        help="switch a source of uncertainty off (repeatable; for sensitivity runs)",
    )
    parser.add_argument("--out", help=f"output folder (default {default_out})")


def _command(sub, name: str, summary: str) -> argparse.ArgumentParser:
    """A subcommand whose one-line summary is both its entry in the list and its --help."""
    return sub.add_parser(name, help=summary, description=f"{summary[0].upper()}{summary[1:]}.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unvote",
        description="Forecast UN General Assembly votes: the Cuba embargo resolution.",
    )
    parser.add_argument("--version", action="version", version=f"unvote {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = _command(sub, "data", "build the processed tables from raw UN files")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    build = _command(data_sub, "build", "read the raw files and write data/processed")
    build.add_argument(
        "--raw", default=str(paths.RAW_DIR), help="folder of raw UN files (default: data/raw)"
    )
    build.add_argument(
        "--until",
        metavar="DATE",
        help="keep only votes before this day (default: 2025-10-01, the shipped forecast's "
        "as-of date; a later day takes in newer votes from a fresh download)",
    )
    build.add_argument("--out", default=str(paths.PROCESSED_DIR), help=argparse.SUPPRESS)
    build.add_argument(
        "--interim", default=str(paths.ALL_VOTES_PARQUET.parent), help=argparse.SUPPRESS
    )
    build.set_defaults(func=_cmd_data_build)

    history = _command(sub, "history", "the embargo votes 1992-2024, as recorded")
    history.add_argument(
        "--data", default=str(paths.EMBARGO_VOTES_CSV), help="embargo_votes.csv to read"
    )
    history.add_argument("--plot", metavar="PATH", help="also write a chart (.png or .pdf)")
    history.set_defaults(func=_cmd_history)

    features = _command(sub, "features", "country features as of each embargo vote")
    features_sub = features.add_subparsers(
        dest="features_command", required=True, metavar="ACTION"
    )
    fbuild = _command(
        features_sub,
        "build",
        "rebuild data/processed/features.csv from data/interim/votes.parquet",
    )
    fbuild.add_argument("--votes", default=str(paths.ALL_VOTES_PARQUET), help=argparse.SUPPRESS)
    fbuild.add_argument("--embargo", default=str(paths.EMBARGO_VOTES_CSV), help=argparse.SUPPRESS)
    fbuild.add_argument("--countries", default=str(paths.COUNTRIES_CSV), help=argparse.SUPPRESS)
    fbuild.add_argument("--cache", default=str(paths.INTERIM_DIR), help=argparse.SUPPRESS)
    fbuild.add_argument("--out", default=str(paths.FEATURES_CSV), help="features.csv to write")
    fbuild.set_defaults(func=_cmd_features_build)

    backtest = _command(sub, "backtest", "predict each embargo vote 2000-2024 from the past")
    backtest.add_argument("--out", default=str(paths.BACKTEST_DIR), help="output folder")
    backtest.add_argument("--features", default=str(paths.FEATURES_CSV), help=argparse.SUPPRESS)
    backtest.add_argument(
        "--embargo", default=str(paths.EMBARGO_VOTES_CSV), help=argparse.SUPPRESS
    )
    backtest.set_defaults(func=_cmd_backtest)

    forecast = _command(sub, "forecast", "forecast the next embargo vote under a scenario")
    _add_scenario_option(forecast)
    _add_simulation_options(forecast, "reports/<scenario>/<as-of>/")
    forecast.add_argument(
        "--given",
        action="append",
        metavar="KEY=VOTE,...",
        help="votes already known, e.g. GTM=abstain,PAN=no (ISO3, bloc such as EU or "
        "group name; repeatable): the forecast is conditioned on them",
    )
    forecast.add_argument(
        "--save-draws",
        action="store_true",
        help="also write every simulated vote to draws.parquet (codes 0 yes, 1 abstain, "
        "2 no, 3 absent)",
    )
    forecast.set_defaults(func=_cmd_forecast)

    compare = _command(sub, "compare", "how two scenarios' forecasts differ")
    compare.add_argument("first", metavar="A", help="scenario name or path")
    compare.add_argument("second", metavar="B", help="scenario name or path")
    _add_simulation_options(compare, "reports/compare_<A>_vs_<B>/")
    compare.set_defaults(func=_cmd_compare)

    explain = _command(sub, "explain", "why one state's forecast is what it is")
    explain.add_argument("iso3", metavar="ISO3", help="the state's ISO3 code, e.g. JPN")
    _add_scenario_option(explain)
    explain.add_argument("--as-of", help="use data before this date (default 2025-10-01)")
    explain.add_argument(
        "--draws", type=int, default=2_000, help="simulated votes (default 2,000: quick)"
    )
    explain.add_argument("--top", type=int, default=6, help="terms listed per vote (default 6)")
    explain.set_defaults(func=_cmd_explain)

    report = _command(
        sub, "report", "the PDF report and PNGs (runs the forecast and backtest if needed)"
    )
    _add_scenario_option(report)
    report.add_argument("--as-of", help="the forecast's as-of date (default 2025-10-01)")
    report.add_argument(
        "--out", help="folder of the forecast and report (default reports/<scenario>/<as-of>/)"
    )
    report.set_defaults(func=_cmd_report)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        # Outputs are swapped in whole (unvote.atomic): an interrupted run wrote nothing.
        print("\nunvote: interrupted", file=sys.stderr)
        return 130
    except UnvoteError as err:
        print(f"unvote: error: {err}", file=sys.stderr)
        return err.exit_code
    except OSError as err:
        # A folder or file the user named that cannot be written or read (a missing parent,
        # a file where a folder should be, no permission): one line, like bad input.
        where = err.filename if err.filename is not None else "output"
        print(f"unvote: error: {where}: {err.strerror or err}", file=sys.stderr)
        return UnvoteError.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
