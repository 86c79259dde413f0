"""The report: its words and tables from tiny hand-built outputs, then the PDF a reader opens."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread
from pypdf import PdfReader

from unvote import paths
from unvote.cli import main
from unvote.errors import DataError
from unvote.pipeline import Inputs, plan_report, report_files
from unvote.report.data import (
    ReportData,
    group_membership,
    group_shifts,
    last_result,
    load_report_data,
    news_table,
)
from unvote.report.pages import PAGES, build_page, build_pages, standalone_figures
from unvote.report.words import describe_lever, describe_scenario, summary_text

LEVELS = ("yes", "no", "abstain", "absent")
# Six real member states, so the map finds their shapes (Tuvalu: a small island state).
COUNTRIES = pd.DataFrame(
    {
        "iso3": ["USA", "ISR", "BRA", "TUV", "FRA", "CUB"],
        "country": ["United States", "Israel", "Brazil", "Tuvalu", "France", "Cuba"],
        "p_yes": [0.0, 0.05, 0.6, 0.9, 0.97, 1.0],
        "p_abstain": [0.02, 0.05, 0.3, 0.05, 0.02, 0.0],
        "p_no": [0.98, 0.9, 0.05, 0.0, 0.01, 0.0],
        "p_absent": [0.0, 0.0, 0.05, 0.05, 0.0, 0.0],
        "last_vote": ["no", "no", "yes", "absent", "yes", "yes"],
        "p_yes_baseline": [0.0, 0.1, 0.9, 0.95, 1.0, 1.0],
    }
)
FEATURES = pd.DataFrame(
    {
        "iso3": ["USA", "ISR", "BRA", "TUV", "FRA", "CUB"],
        "group": [
            "Western European and Others",
            "Western European and Others",
            "Latin American and Caribbean",
            "Asia-Pacific",
            "Western European and Others",
            "Latin American and Caribbean",
        ],
        "nato": [True, False, False, False, True, False],
        "eu": [False, False, False, False, True, False],
    }
)


def _tally(yes: float) -> pd.DataFrame:
    rows = {
        "yes": [yes, yes - 6, yes - 5, yes - 2, yes, yes + 2, yes + 3, yes + 4],
        "no": [3.0, 2, 2, 2, 3, 4, 5, 6],
        "abstain": [4.0, 1, 2, 3, 4, 5, 6, 8],
        "absent": [2.0, 0, 1, 1, 2, 3, 3, 4],
    }
    columns = ["mean", "q05", "q10", "q25", "q50", "q75", "q90", "q95"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


LOBBYING = {
    "name": "us_lobbying_2025",
    "description": "US campaign of October 2025.",
    "levers": {
        "pressure": {
            "description": "Pressure",
            "anchor": "campaign",
            "feature": None,
            "range": [0.5, 2.5],
            "split": {"abstain": 0.6, "no": 0.3, "absent": 0.1},
        },
        "ukraine": {
            "description": "Ukraine",
            "anchor": "feature",
            "feature": "ukraine_yes_share",
            "range": [0.0, 0.5],
            "split": {"abstain": 0.6, "no": 0.4, "absent": 0.0},
        },
    },
    "overrides": {},
}
FORECAST = {
    "scenario": LOBBYING,
    "as_of": "2025-10-01",
    "target_year": 2025,
    "data_last_vote_date": "2024-10-30",
    "last_vote": {
        "year": 2024,
        "date": "2024-10-30",
        "yes": 187,
        "no": 2,
        "abstain": 1,
        "absent": 3,
    },
    "seed": 7,
    "draws": 500,
    "version": "0.1.0",
    "thresholds": {"p_yes_below_180": 0.25, "p_no_at_least_5": 0.125},
    "lever_effects": {
        "pressure": {"low": 0.25, "mid": 0.66, "high": 1.01},
        "ukraine": {"low": 0.0, "mid": 17.0, "high": 31.9},
    },
    "shock_sd": {"global": 0.7, "group": 0.0, "bloc": 0.3},
}
HISTORY = pd.DataFrame(
    {
        "year": [2022, 2023, 2024],
        "yes": [185, 187, 187],
        "no": [2, 2, 2],
        "abstain": [2, 1, 1],
        "absent": [4, 3, 3],
    }
)


def _predictions() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    p = rng.dirichlet([20, 1, 1, 1], size=60)
    votes = np.array(LEVELS)[[0, 2, 1, 3]][(rng.random(60)[:, None] > p.cumsum(1)).sum(1)]
    frame = pd.DataFrame(p, columns=["p_yes", "p_abstain", "p_no", "p_absent"])
    return frame.assign(year=np.repeat([2023, 2024], 30), iso3="USA", vote=votes)


def _scores() -> pd.DataFrame:
    rows = []
    for year in ("2023", "2024", "all"):
        for method, loss in (("model", 0.08), ("persistence", 0.13), ("frequency", 0.2)):
            rows.append(
                {
                    "year": year,
                    "method": method,
                    "n": 30,
                    "log_loss": loss,
                    "brier": loss / 2,
                    **{f"abs_err_{v}": 1.5 for v in ("yes", "abstain", "no", "absent")},
                }
            )
    return pd.DataFrame(rows)


COEFFICIENTS = pd.DataFrame(
    {
        "term": ["const", "agree_us", "eu", "last_vote[no]"] * 3,
        "outcome": np.repeat(["abstain", "no", "absent"], 4),
        "coef": [-5.0, 0.7, -0.2, 6.0, -6.0, 1.2, 0.1, 9.0, -4.0, -0.3, 0.0, 1.0],
        "se": [0.5, 0.2, 0.3, 0.8] * 3,
    }
).assign(lower=lambda f: f["coef"] - 1.96 * f["se"], upper=lambda f: f["coef"] + 1.96 * f["se"])


def _data(**changes) -> ReportData:
    fields = {
        "forecast": FORECAST,
        "countries": COUNTRIES,
        "tally": _tally(181.0),
        "baseline_tally": _tally(186.0),
        "history": HISTORY,
        "groups": group_membership(FEATURES),
        "predictions": _predictions(),
        "scores": _scores(),
        "coefficients": COEFFICIENTS,
    }
    return ReportData(**{**fields, **changes})


# --- words and tables --------------------------------------------------------------------
def test_group_shifts_adds_up_the_yes_votes_each_group_loses():
    shifts = group_shifts(COUNTRIES, group_membership(FEATURES))
    weog = shifts.loc["Western European and Others"]
    # USA 0 -> 0, ISR 0.1 -> 0.05, FRA 1.0 -> 0.97
    assert weog["members"] == 3
    assert weog["yes_lost"] == pytest.approx(0.05 + 0.03)
    assert weog["not_yes_baseline"] == pytest.approx(1 - (0.0 + 0.1 + 1.0) / 3)
    assert weog["not_yes"] == pytest.approx(1 - (0.0 + 0.05 + 0.97) / 3)
    assert shifts.loc["NATO", "yes_lost"] == pytest.approx(0.03)
    # largest loss first: Brazil's 0.3 makes the Latin American group lead
    assert shifts.index[0] == "Latin American and Caribbean"


def test_group_membership_gives_groups_then_blocs_by_label():
    groups = group_membership(FEATURES)
    assert list(groups.columns) == [
        "Asia-Pacific",
        "Latin American and Caribbean",
        "Western European and Others",
        "European Union",
        "NATO",
    ]
    assert groups.loc["FRA"].sum() == 3 and groups.loc["TUV"].sum() == 1


def test_levers_are_described_with_their_numbers():
    pressure = describe_lever("pressure", LOBBYING["levers"]["pressure"])
    assert "0.5 to 2.5 times" in pressure and "2017-2019" in pressure
    assert "60% abstain, 30% no, 10% absent" in pressure
    ukraine = describe_lever("ukraine", LOBBYING["levers"]["ukraine"])
    # 1 - exp(-0.5) = 39%: a cut, which reads the right way round; a zero share is not
    # mentioned, nor the feature's file name
    assert "cut by up to 39%" in ukraine and "Ukraine" in ukraine
    assert "ukraine_yes_share" not in ukraine
    lever = {**LOBBYING["levers"]["ukraine"], "range": [0.1, 0.5]}
    assert "cut by 10% to 39%" in describe_lever("ukraine", lever)
    assert "absent" not in ukraine.split("Votes it moves")[1]


def test_a_shared_lever_says_who_it_moves():
    shared = {**LOBBYING["levers"]["ukraine"], "share_by": "ukraine_reach"}
    words = describe_lever("ukraine", shared)
    assert words.startswith("Ukraine: as many yes votes as cutting by up to 39%")
    assert "shared among the states by the argument's reach" in words
    assert "ukraine_reach" not in words
    pressure = describe_lever(
        "pressure", {**LOBBYING["levers"]["pressure"], "share_by": "us_susceptibility"}
    )
    assert "susceptibility to US pressure" in pressure and "0.5 to 2.5 times" in pressure


def test_each_lever_says_how_many_yes_votes_it_weighs():
    lines = describe_scenario(LOBBYING, FORECAST["lever_effects"])
    assert lines[0].endswith(
        "On its own, at the model's best-fit coefficients, it takes about 0.7 yes votes at "
        "the middle of its range (0.2 at the low end, 1.0 at the high end)."
    )
    assert "about 17.0 yes votes" in lines[1] and "31.9 at the high end" in lines[1]
    assert "On its own" not in describe_scenario(LOBBYING)[0]


def test_a_scenario_without_levers_says_so_and_overrides_are_listed():
    lines = describe_scenario({"levers": {}, "overrides": {"BRA": {"yes": 0.5, "no": 0.5}}})
    assert lines[0].startswith("No campaign")
    assert lines[1] == "Fixed by the user: BRA: yes 50%, no 50%."


def test_page_one_words_carry_the_headline_and_last_years_result():
    text = summary_text(_data())
    assert "187-2-1" in text["question"] and "2025-10-01" in text["question"]
    assert "about 181 yes votes (90% interval 175 to 185), 3 no (2 to 6)" in text["headline"]
    assert "without the campaign, 186 yes" in text["headline"]
    assert "Chance of fewer than 180 yes votes: 25%" in text["risks"]
    assert "5 or more no votes: 12%" in text["risks"]
    # news: the largest drop from a yes last time; Brazil 30% + 5%, not the United States
    assert text["movers"].startswith("The votes that would be news")
    news = text["movers"].split("Not news")[0]
    assert "Brazil (35%), France (3%), Cuba (0%)" in news and "United States" not in news
    assert "Tuvalu (did not vote)" in text["movers"]  # absent: not shown as a defector
    assert "United States (no)" in text["movers"]
    # the Ukraine lever: a judgement without precedent, and what it carries
    assert "The Ukraine lever's strength is a judgement without precedent" in text["judgement"]
    assert "about 17.0 of the 5.0 yes votes the scenario takes in all" in text["judgement"]
    assert "Pressure" not in text["judgement"]
    assert text["actual"] == ""
    assert "2024-10-30" in text["dates"] and "500 simulated votes" in text["dates"]
    assert last_result(FORECAST) == (2024, {"yes": 187, "no": 2, "abstain": 1, "absent": 3})


def test_missing_forecast_files_name_the_file(tmp_path):
    with pytest.raises(DataError, match="country_forecast.csv: missing; run `unvote forecast`"):
        load_report_data(tmp_path)


def test_a_back_dated_forecast_shows_the_real_vote_beside_it():
    actual = {"yes": 184, "no": 3, "abstain": 4, "absent": 2}
    scores = {
        "n": 193,
        "log_loss": 0.0712,
        "brier": 0.0301,
        "left_yes": 4,
        "left_yes_states": ["ARG", "HUN", "PRY", "UKR"],
        "top": 25,
        "left_yes_in_top": 3,
    }
    data = _data(forecast={**FORECAST, "actual": actual, "scores": scores})
    text = summary_text(data)["actual"]
    assert text.startswith("The 2025 vote has happened: 184 yes, 3 no, 4 abstain, 2 absent")
    assert "(175 to 185) held it" in text
    assert "scores a log loss of 0.071 per state and a Brier score of 0.030" in text
    assert "3 of them were among the 25" in text
    without_brier = {k: v for k, v in scores.items() if k != "brier"}
    data = _data(forecast={**FORECAST, "actual": actual, "scores": without_brier})
    text = summary_text(data)["actual"]
    assert "0.071 per state (lower is better)" in text and "nan" not in text
    page = _figure_text(build_pages(data)[0])
    assert "2025 the real vote" in page and "The real vote" in page


def test_the_states_whose_vote_would_be_news_voted_yes_last_time():
    news = news_table(COUNTRIES, n=2)
    assert news["iso3"].tolist() == ["BRA", "FRA"]
    assert news["p_leave"].tolist() == pytest.approx([0.35, 0.03])


# --- the PDF and the PNGs ----------------------------------------------------------------
@pytest.mark.slow  # four renders of the map's 5,500 outlines into a PDF
def test_the_map_page_gives_the_same_pdf_bytes_every_time():
    """The constrained layout's solver jitters in the last bits of its positions: drawn
    without write_report's freeze_layout, this page differed in two of three renders."""
    from matplotlib.backends.backend_pdf import PdfPages

    from unvote.report.write import freeze_layout

    def pdf() -> bytes:
        fig = build_page(_data(), "map")
        freeze_layout(fig)
        buf = io.BytesIO()
        with PdfPages(buf, metadata={"CreationDate": None}) as pages:
            pages.savefig(fig)
        return buf.getvalue()

    first = pdf()
    assert [pdf() == first for _ in range(3)] == [True, True, True]


def _page_texts(pdf) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


def _assert_not_blank(png) -> None:
    image = imread(png)
    assert image.shape[0] > 200 and image.shape[1] > 200
    pixels = image[..., :3].reshape(-1, 3)
    # more than a few colours and a good share of non-white ink
    assert len(np.unique(np.round(pixels, 2), axis=0)) > 8
    assert (pixels.min(axis=1) < 0.9).mean() > 0.02


def _figure_text(fig) -> str:
    from matplotlib.text import Text

    return " ".join(" ".join(t.get_text() for t in fig.findobj(Text)).split())


def test_report_has_eight_pages_in_order_with_their_words():
    """The pages as figures, read without rendering them (the one render is end to end)."""
    texts = [_figure_text(page) for page in build_pages(_data())]
    assert len(texts) == 8
    expected = [
        [
            "a forecast",
            "187-2-1",
            "181",
            "us_lobbying_2025",
            "How to read the rest",
            "about 17.0 yes votes",
        ],
        ["History", "2022-2024"],
        ["forecast tally", "mean 181.0", "90%: 175 to 185", "no campaign", "bloc 0.30"],
        ["Who might abstain or vote no", "Brazil", "last vote"],
        ["The map", "Natural Earth"],
        ["regional groups and blocs", "NATO (2)", "yes votes lost"],
        ["The backtest", "beats the best baseline (persistence)", "0.080 against 0.130"],
        ["The model", "agrees more with the US", "member of European Union"],
    ]
    for number, (text, words) in enumerate(zip(texts, expected, strict=True), start=1):
        for word in words:
            assert word in text, f"page {number} lacks {word!r}"
        assert f"page {number} of 8" in text
    assert list(standalone_figures(_data())) == list(PAGES[1:])


def test_report_without_backtest_or_model_keeps_its_eight_pages():
    data = _data(predictions=None, scores=None, coefficients=None, baseline_tally=None)
    texts = [_figure_text(page) for page in build_pages(data)]
    assert len(texts) == 8
    assert "no backtest outputs found" in texts[6]
    assert "no model outputs found" in texts[7]
    assert "backtest" not in standalone_figures(data)


# --- end to end on the committed data ------------------------------------------------------
def _small_backtest(folder):
    """A small hand-made backtest, newer than the data: the report must not rerun it."""
    folder.mkdir()
    _predictions().to_csv(folder / "predictions.csv", index=False)
    _scores().to_csv(folder / "scores.csv", index=False)
    return folder


@pytest.mark.slow
def test_unvote_report_runs_the_forecast_then_draws_the_report(tmp_path, capsys):
    """The one test that renders the full report from the committed data."""
    backtest = _small_backtest(tmp_path / "backtest")
    out = tmp_path / "lobbying"
    files = report_files("us_lobbying_2025", out, backtest_dir=backtest)
    log = capsys.readouterr().out
    assert "running the forecast" in log and "running the backtest" not in log
    assert "writing the report" in log
    assert files[0] == out / "report.pdf"
    pngs = [f"{n}-{name}.png" for n, name in enumerate(PAGES, start=1)][1:]
    assert [f.name for f in files[1:]] == pngs
    for name in pngs:
        _assert_not_blank(out / name)
    texts = _page_texts(out / "report.pdf")
    assert len(texts) == 8
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of 8" in text
    tally = pd.read_csv(out / "tally.csv", index_col=0)
    assert f"about {tally.loc['yes', 'mean']:.0f} yes votes" in texts[0]
    assert "187-2-1" in texts[0]  # the 2024 vote, from the committed data
    # page 8 shows the coefficients the forecast stored, without refitting the model
    assert "agrees more with the US" in texts[7]
    # now nothing is stale: a second report would only redraw
    plan = plan_report("us_lobbying_2025", out, inputs=Inputs.resolve(backtest_dir=backtest))
    assert (plan.forecast, plan.backtest) == (None, None)


def test_unvote_report_with_an_unknown_scenario_exits_2(capsys):
    assert main(["report", "--scenario", "no_such_scenario"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no_such_scenario" in err and "baseline" in err
    assert not (paths.REPORTS_DIR / "no_such_scenario").exists()


def test_a_sensitivity_run_says_so_in_the_summary():
    from unvote.forecast import run_forecast
    from unvote.outputs import format_forecast
    from unvote.simulate import Uncertainty

    result = run_forecast(draws=200, seed=1, uncertainty=Uncertainty(shocks=False, effects=False))
    summary = format_forecast(result)
    assert "Sensitivity run: uncertainty from effects and shocks switched off" in summary
    assert "Sensitivity run" not in format_forecast(run_forecast(draws=200, seed=1))


def test_a_back_dated_forecast_shows_only_the_history_before_it():
    from unvote.report.pages import _draw_history

    back_dated = {**FORECAST, "as_of": "2023-10-01", "target_year": 2023}
    fig = _draw_history(_data(forecast=back_dated), None)
    labels = {t.get_text() for ax in fig.axes for t in ax.get_xticklabels()}
    assert "2022" in labels and "2023" in labels  # 2023: the forecast, once
    assert "2024" not in labels


def test_a_scenario_without_levers_is_not_described_as_a_campaign():
    from unvote.report.words import page_words

    no_levers = {**FORECAST, "scenario": {**LOBBYING, "name": "baseline", "levers": {}}}
    data = _data(forecast=no_levers, baseline_tally=None)
    title, lede, _ = page_words(data)["groups"]
    assert "campaign moves" not in title and "no campaign" in lede
    assert "campaign" not in summary_text(data)["reading"]
    assert "campaign moves" in summary_text(_data())["reading"]


def test_a_back_dated_forecast_says_its_scores_in_words():
    from unvote.report.words import score_words

    scores = {
        "n": 5,
        "log_loss": 0.25,
        "brier": 0.1,
        "left_yes": 2,
        "left_yes_states": ["BRA", "COL"],
        "absent_after_yes": 1,
        "absent_after_yes_states": ["UKR"],
        "top": 25,
        "left_yes_in_top": 1,
    }
    words = score_words(scores)
    assert "log loss of 0.250 per state" in words and "Brier score of 0.100" in words
    assert "2 states that voted yes the time before did not (BRA, COL)" in words
    assert "1 of them were among the 25" in words
    assert "not counted as leaving: UKR" in words and "{" not in words and "[" not in words
