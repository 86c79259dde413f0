"""The one place that knows what is stale and reruns it: for ``unvote report`` and make.

Each step of the package is a pure function with a thin writer (``forecast``, ``backtest``,
``report``); this module decides, from the files on disk, which of them must run again,
runs them in order and says what it is doing. It also owns where outputs go by default,
so that runs of different scenarios, dates or conditions never replace each other's files:

- a forecast: ``reports/<scenario>/<as-of>/`` (:func:`default_out_dir`), and
  ``reports/<scenario>/<as-of>_given_<conditions>/`` when votes are given;
- the backtest: ``reports/backtest/`` (it does not depend on a scenario or date).

Nothing above this module imports it: it is the top of the data's path, beside ``cli``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from unvote import paths

if TYPE_CHECKING:
    from unvote.backtest import BacktestResult
    from unvote.scenario import Scenario

#: A folder name longer than this is cut and given a hash of the whole, so that long
#: lists of conditions stay within file-system limits and still name one folder each.
MAX_FOLDER_NAME = 100


# --- where outputs go ----------------------------------------------------------------------
def _slug(text: str) -> str:
    """Letters, digits and dots kept; every other run of characters becomes one hyphen."""
    return re.sub(r"[^0-9A-Za-z.]+", "-", text).strip("-")


def given_folder_part(given: Mapping[str, str]) -> str:
    """The conditions of a forecast as a readable, deterministic piece of a folder name.

    Keys (ISO3 codes, bloc or group names, matched case-insensitively) are upper-cased,
    votes lower-cased, and the pairs sorted by key, so ``{"PAN": "no", "gtm": "Abstain"}``
    and ``{"GTM": "abstain", "PAN": "no"}`` give the same ``GTM-abstain_PAN-no``.
    """
    pairs = sorted((_slug(str(k)).upper(), _slug(str(v)).lower()) for k, v in dict(given).items())
    return "_".join(f"{key}-{vote}" for key, vote in pairs)


def default_out_dir(
    scenario: str,
    as_of,
    given: Mapping[str, str] | None = None,
    *,
    reports_dir: str | Path | None = None,
) -> Path:
    """The folder a forecast and its report go to when the user names none.

    Parameters
    ----------
    scenario : str
        The scenario's name (its ``name`` key, not its file).
    as_of : date-like
        The forecast's as-of date.
    given : mapping, optional
        Announced votes the forecast is conditioned on (key -> vote); they get a folder of
        their own, so a conditioned run never replaces the plain forecast.
    reports_dir : path, optional
        Default :data:`unvote.paths.REPORTS_DIR`, resolved when called.

    Returns
    -------
    Path
        ``<reports>/<scenario>/<as-of>/``, or ``<reports>/<scenario>/<as-of>_given_<...>/``
        (:func:`given_folder_part`), e.g. ``reports/us_lobbying_2025/2025-10-01_given_
        GTM-abstain_PAN-no``. A name longer than :data:`MAX_FOLDER_NAME` is cut and ends
        in a hash of the whole.
    """
    import pandas as pd

    name = pd.Timestamp(as_of).date().isoformat()
    if given:
        name = f"{name}_given_{given_folder_part(given)}"
    if len(name) > MAX_FOLDER_NAME:
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        name = f"{name[: MAX_FOLDER_NAME - 13]}-{digest}"
    base = Path(reports_dir) if reports_dir is not None else paths.REPORTS_DIR
    return base / scenario / name


# --- what is stale ---------------------------------------------------------------------------
def is_stale(outputs: Sequence[Path], inputs: Sequence[Path]) -> bool:
    """True if an output is missing or older than an input (missing inputs are ignored)."""
    if not all(p.is_file() for p in outputs):
        return True
    newest_input = max((p.stat().st_mtime for p in inputs if p.is_file()), default=0.0)
    return min(p.stat().st_mtime for p in outputs) < newest_input


def forecast_mismatch(forecast_dir: Path, scenario: Scenario, as_of) -> str | None:
    """Why forecast_dir/forecast.json is not the full forecast of ``scenario`` as of ``as_of``.

    It must be readable, written by this version of unvote (older files may lack what the
    report shows, e.g. the model's coefficients), hold the same scenario as loaded now
    (content, not just the name: a user's copy of a shipped file keeps its name), be of the
    same as-of date, and draw all three sources of uncertainty (a sensitivity run is not
    the forecast to report).

    Returns
    -------
    str or None
        A few words for the user, or None if the file fits.
    """
    import pandas as pd

    from unvote import __version__
    from unvote.simulate import Uncertainty

    try:
        doc = json.loads((forecast_dir / "forecast.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no readable forecast.json"
    if not isinstance(doc, dict):
        return "no readable forecast.json"
    # through JSON, so that tuples and lists compare alike
    wanted = json.loads(json.dumps(scenario.to_dict()))
    if doc.get("version") != __version__ or "coefficients" not in doc:
        return "written by another version of unvote"
    if doc.get("scenario") != wanted:
        return "of another scenario or another scenario file"
    if doc.get("as_of") != pd.Timestamp(as_of).date().isoformat():
        return f"as of {doc.get('as_of')}"
    if doc.get("uncertainty") != Uncertainty().to_dict():
        return "a sensitivity run"
    return None


@dataclass(frozen=True)
class ReportPlan:
    """What ``unvote report`` must rerun before it draws, and why; decided from the files.

    Attributes
    ----------
    scenario : Scenario
        As loaded now.
    as_of : str
        The forecast's as-of date, ISO format.
    out_dir, backtest_dir : Path
        Where the forecast and report, and the backtest, are.
    forecast, backtest : str or None
        Why each is rerun (None: its files are current).
    """

    scenario: Scenario
    as_of: str
    out_dir: Path
    backtest_dir: Path
    forecast: str | None
    backtest: str | None


@dataclass(frozen=True)
class Inputs:
    """The files a report depends on; every default resolved when :meth:`resolve` is called."""

    features: Path
    embargo: Path
    backtest_dir: Path
    scenarios_dir: Path | None

    @classmethod
    def resolve(
        cls,
        *,
        features_path: str | Path | None = None,
        embargo_path: str | Path | None = None,
        backtest_dir: str | Path | None = None,
        scenarios_dir: str | Path | None = None,
    ) -> Inputs:
        return cls(
            features=Path(features_path or paths.FEATURES_CSV),
            embargo=Path(embargo_path or paths.EMBARGO_VOTES_CSV),
            backtest_dir=Path(backtest_dir or paths.BACKTEST_DIR),
            scenarios_dir=Path(scenarios_dir) if scenarios_dir is not None else None,
        )


def plan_report(
    scenario: str | Path = "us_lobbying_2025",
    out_dir: str | Path | None = None,
    *,
    as_of=None,
    inputs: Inputs | None = None,
) -> ReportPlan:
    """Decide, without running anything, what a report of ``scenario`` needs rerun.

    The forecast in ``out_dir`` (default :func:`default_out_dir`) is rerun when a file is
    missing or older than the scenario file, the baseline's, the features or the embargo
    votes, or when it is not the full forecast of this scenario and date
    (:func:`forecast_mismatch`); the backtest when a file is missing or older than the
    features or the votes.
    """
    from unvote.backtest import BACKTEST_FILES
    from unvote.context import parse_as_of
    from unvote.dates import CUTOFF
    from unvote.forecast import BASELINE_SCENARIO
    from unvote.report.data import FORECAST_FILES
    from unvote.scenario import load_scenario, resolve_scenario_path

    inputs = inputs or Inputs.resolve()
    day = parse_as_of(CUTOFF if as_of is None else as_of)
    scenario_path = resolve_scenario_path(scenario, inputs.scenarios_dir)
    loaded = load_scenario(scenario_path)
    out = Path(out_dir) if out_dir is not None else default_out_dir(loaded.name, day)
    data_inputs = [inputs.features, inputs.embargo]
    baseline_path = resolve_scenario_path(BASELINE_SCENARIO, inputs.scenarios_dir)
    forecast_why = None
    if not all((out / name).is_file() for name in FORECAST_FILES):
        forecast_why = "outputs missing"
    elif is_stale([out / n for n in FORECAST_FILES], [scenario_path, baseline_path, *data_inputs]):
        forecast_why = "outputs older than the scenario or the data"
    else:
        forecast_why = forecast_mismatch(out, loaded, day)
    backtest_why = None
    backtest_outputs = [inputs.backtest_dir / name for name in BACKTEST_FILES]
    if not all(p.is_file() for p in backtest_outputs):
        backtest_why = "outputs missing"
    elif is_stale(backtest_outputs, data_inputs):
        backtest_why = "outputs older than the data"
    return ReportPlan(
        scenario=loaded,
        as_of=day.date().isoformat(),
        out_dir=out,
        backtest_dir=inputs.backtest_dir,
        forecast=forecast_why,
        backtest=backtest_why,
    )


# --- running the steps -----------------------------------------------------------------------
def backtest_files(
    features_path: str | Path | None = None,
    embargo_path: str | Path | None = None,
    out_dir: str | Path | None = None,
) -> BacktestResult:
    """Load the tables, run the backtest, write its tables and calibration figure together.

    Returns
    -------
    BacktestResult
        The files are predictions.csv, scores.csv and calibration.png in ``out_dir``
        (default ``reports/backtest``), swapped in as one folder.
    """
    from unvote.backtest import calibration_table, run_backtest, write_backtest
    from unvote.feature_files import load_features
    from unvote.figures import plot_calibration
    from unvote.history import load_embargo_votes
    from unvote.report.write import save_figure

    inputs = Inputs.resolve(
        features_path=features_path, embargo_path=embargo_path, backtest_dir=out_dir
    )
    result = run_backtest(load_features(inputs.features), load_embargo_votes(inputs.embargo))

    def calibration(folder: Path) -> list[str]:
        save_figure(
            plot_calibration(calibration_table(result.predictions)), folder / "calibration.png"
        )
        return ["calibration.png"]

    write_backtest(result, inputs.backtest_dir, also=calibration)
    return result


def report_files(
    scenario: str | Path = "us_lobbying_2025",
    out_dir: str | Path | None = None,
    *,
    as_of=None,
    scenarios_dir: str | Path | None = None,
    backtest_dir: str | Path | None = None,
    embargo_path: str | Path | None = None,
    features_path: str | Path | None = None,
    log: Callable[[str], object] = print,
) -> list[Path]:
    """The CLI's job: rerun what :func:`plan_report` finds stale, then write the report.

    Every step that takes more than a moment says what it does through ``log`` first.

    Returns
    -------
    list of Path
        The files written: report.pdf and the PNGs.
    """
    from unvote.forecast import BASELINE_SCENARIO, run_forecast
    from unvote.outputs import write_forecast
    from unvote.report.data import load_report_data
    from unvote.report.write import write_report

    inputs = Inputs.resolve(
        features_path=features_path,
        embargo_path=embargo_path,
        backtest_dir=backtest_dir,
        scenarios_dir=scenarios_dir,
    )
    plan = plan_report(scenario, out_dir, as_of=as_of, inputs=inputs)
    if plan.forecast is not None:
        log(f"running the forecast of {plan.scenario.name} as of {plan.as_of} ({plan.forecast})")
        result = run_forecast(
            plan.scenario,
            as_of=plan.as_of,
            baseline=BASELINE_SCENARIO,
            scenarios_dir=inputs.scenarios_dir,
            features_path=inputs.features,
            embargo_path=inputs.embargo,
        )
        write_forecast(result, plan.out_dir)
    if plan.backtest is not None:
        log(f"running the backtest ({plan.backtest}; one model fit per vote, about 5-10 s)")
        backtest_files(inputs.features, inputs.embargo, plan.backtest_dir)
    data = load_report_data(
        plan.out_dir,
        backtest_dir=plan.backtest_dir,
        embargo_path=inputs.embargo,
    )
    log(f"writing the report into {plan.out_dir} (8 pages and their figures; about 10 s)")
    return write_report(data, plan.out_dir)
