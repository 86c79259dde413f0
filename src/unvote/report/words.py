"""The report's words: every sentence built from the data, no number typed in.

Pure functions of :class:`unvote.report.data.ReportData` (or of forecast.json's parts),
returning strings; :mod:`unvote.report.pages` sets them on the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import numpy as np
import pandas as pd

from unvote.forecast import BASELINE_SCENARIO
from unvote.report.data import ReportData, last_result, news_table, score_table


def _interval(tally: pd.DataFrame, level: str, noun: str) -> str:
    row = tally.loc[level]
    return f"{row['mean']:.0f} {noun} ({row['q05']:.0f} to {row['q95']:.0f})"


#: What the top of a lever's feature means, for the plain-words scenario.
FEATURE_WORDS: dict[str, str] = {
    "ukraine_yes_share": "voted yes on every UN resolution on Russia's war on Ukraine",
    "ukraine_no_share": "voted no on every UN resolution on Russia's war on Ukraine",
    "agree_us": "always votes as the United States does",
    "agree_rus": "always votes as Russia does",
}


#: Features in words, where a name would otherwise be shown.
FEATURE_NAMES: dict[str, str] = {
    "ukraine_yes_share": "its share of yes votes on those resolutions",
    "ukraine_no_share": "its share of no votes on those resolutions",
    "agree_us": "its agreement with the United States",
    "agree_rus": "its agreement with Russia",
}


#: What a lever's ``share_by`` feature means, for "shared among the states by ...".
SHARE_WORDS: dict[str, str] = {
    "us_susceptibility": (
        "their susceptibility to US pressure (agreement with the US administration in "
        "office, siding with a lonely US, answers to earlier US campaigns)"
    ),
    "ukraine_reach": (
        "the argument's reach (commitment to Ukraine in UN votes and co-sponsorship, and "
        "exposure to Russia: former Soviet bloc, border, distance)"
    ),
}


def describe_lever(name: str, lever: Mapping) -> str:
    """One lever of a scenario (as in forecast.json) in plain words.

    Returns
    -------
    str
        E.g. "Pressure: 0.5 to 2.5 times the pull away from yes that the model learned
        from the US campaign of 2017-2019 (...). Votes it moves: 60% abstain, 30% no,
        10% absent."
    """
    low, high = lever["range"]
    split = ", ".join(
        f"{100 * share:.0f}% {level}" for level, share in lever["split"].items() if share > 0
    )
    if lever["anchor"] == "campaign":
        size = (
            f"{low:g} to {high:g} times the pull away from yes that the model learned from "
            "the US campaign of 2017-2019 (1 = as strong as then), country by country: "
            "strongest for countries that vote with the United States"
        )
    else:
        feature = lever["feature"]
        top = FEATURE_WORDS.get(feature, f"has {feature} = 1")
        # a cut "by 0% to 26%", not a multiplication "by 1.00 to 0.74", which reads backwards
        cut_low, cut_high = 100 * (1 - np.exp(-low)), 100 * (1 - np.exp(-high))
        cut = f"up to {cut_high:.0f}%" if cut_low < 0.5 else f"{cut_low:.0f}% to {cut_high:.0f}%"
        size = (
            f"a country's chance of voting yes is cut by {cut} if it {top}, by less in "
            f"proportion otherwise ({FEATURE_NAMES.get(feature, feature)})"
        )
    share_by = lever.get("share_by")
    if share_by:
        if lever["anchor"] == "campaign":
            size = (
                f"{low:g} to {high:g} times the yes votes that the model learned the US "
                "campaign of 2017-2019 took (1 = as strong as then)"
            )
        else:
            feature = lever["feature"]
            size = (
                f"as many yes votes as cutting by {cut} the chance of voting yes of every "
                f"country that {FEATURE_WORDS.get(feature, f'has {feature} = 1')} would take "
                f"(less in proportion to {FEATURE_NAMES.get(feature, feature)})"
            )
        size += f", shared among the states by {SHARE_WORDS.get(share_by, share_by)}"
    title = name.replace("_", " ").capitalize()
    return f"{title}: {size}. Votes it moves: {split}."


def describe_scenario(scenario: Mapping, effects: Mapping | None = None) -> list[str]:
    """The scenario's assumptions as sentences, one per lever, then the overrides.

    Parameters
    ----------
    scenario : mapping
        forecast.json's ``scenario``.
    effects : mapping, optional
        forecast.json's ``lever_effects`` (lever -> low, mid, high: expected yes votes the
        lever removes on its own); each lever's sentence then says what it weighs in votes,
        so a reader sees which assumption drives the forecast.
    """
    effects = effects or {}
    lines = []
    for name, lever in scenario.get("levers", {}).items():
        line = describe_lever(name, lever)
        if name in effects:
            e = effects[name]
            line += (
                f" On its own, at the model's best-fit coefficients, it takes about "
                f"{e['mid']:.1f} yes votes at the middle of its range ({e['low']:.1f} at the "
                f"low end, {e['high']:.1f} at the high end)."
            )
        lines.append(line)
    if not lines:
        lines.append(
            "No campaign: each country votes as the model expects from its record and its "
            "alignment, with the usual year-to-year shocks."
        )
    for iso3, probs in scenario.get("overrides", {}).items():
        shown = ", ".join(f"{level} {100 * p:.0f}%" for level, p in probs.items() if p > 0)
        lines.append(f"Fixed by the user: {iso3}: {shown}.")
    return lines


def summary_text(data: ReportData) -> dict[str, str]:
    """The words of page 1, built from the data (no number is typed in here).

    Returns
    -------
    dict
        ``question``, ``headline``, ``movers``, ``judgement``, ``actual``, ``risks``,
        ``assumptions``, ``dates``, ``reading``: each a paragraph (``assumptions``: one line
        per assumption; ``judgement`` and ``actual`` empty when they do not apply).
    """
    fc = data.forecast
    last_year, last = last_result(fc)
    year = data.forecast_year
    question = (
        f"Every year since 1992 (but 2020) the UN General Assembly has voted on a resolution "
        f"calling for an end to the US embargo on Cuba. In {last_year} the vote was "
        f"{last['yes']}-{last['no']}-{last['abstain']}: {last['yes']} yes, {last['no']} no, "
        f"{last['abstain']} abstaining, and {last['absent']} members did not vote. How will "
        f"the {year} vote go, judged on {fc['as_of']}, under the scenario "
        f"'{data.scenario_name}' ({fc['scenario']['description'].rstrip('.')})?"
    )
    yes = data.tally.loc["yes"]
    headline = (
        f"The model expects about {yes['mean']:.0f} yes votes (90% interval {yes['q05']:.0f} "
        f"to {yes['q95']:.0f}), {_interval(data.tally, 'no', 'no')} and "
        f"{_interval(data.tally, 'abstain', 'abstentions')}"
    )
    if data.baseline_tally is not None and data.scenario_name != BASELINE_SCENARIO:
        base = data.baseline_tally.loc["yes"]
        headline += (
            f"; without the campaign, {base['mean']:.0f} yes ({base['q05']:.0f} to "
            f"{base['q95']:.0f})"
        )
    headline += f", against {last['yes']} yes in {last_year}."
    risks = "; ".join(
        f"{_threshold_words(key)}: {100 * float(value):.0f}%"
        for key, value in fc["thresholds"].items()
    )
    news = news_table(data.countries)
    movers = ", ".join(
        f"{row.country} ({100 * cast(float, row.p_leave):.0f}%)" for row in news.itertuples()
    )
    not_yes = data.countries.loc[data.countries["last_vote"].astype("string") != "yes"]
    shown = not_yes.nsmallest(NOT_NEWS_SHOWN, "p_yes")
    left_out = ", ".join(
        f"{row.country} {_LAST_WORDS.get(str(row.last_vote), '(not a member)')}"
        for row in shown.itertuples()
    )
    if len(not_yes) > len(shown):
        left_out += f" and {len(not_yes) - len(shown)} more"
    dates = (
        f"Forecast as of {fc['as_of']}: only data from before that day are used. The last "
        f"embargo vote in the data is of {fc['data_last_vote_date']}. {fc['draws']:,} "
        f"simulated votes from seed {fc['seed']}; unvote {fc['version']}."
    )
    campaign = data.has_levers
    reading = (
        "Page 2 puts the forecast in the history of the vote since 1992. Page 3 shows how "
        "wide the forecast is"
        + (", with and without the campaign. " if campaign else ". ")
        + "Page 4 names the countries most likely to abstain or vote no and how they voted "
        "last time; page 5 maps every member. "
        + (
            "Page 6 shows which regional groups and blocs the campaign moves. "
            if campaign
            else "Page 6 shows where, by regional group and bloc, votes other than yes are "
            "expected. "
        )
        + "Page 7 checks the model on the votes of 2000-2024, each predicted from earlier "
        "years only. Page 8 says what drives a country's vote in the model, with the "
        "uncertainty of each effect."
    )
    return {
        "question": question,
        "headline": headline,
        "movers": (
            f"The votes that would be news, from states that voted yes in {last_year} (chance "
            f"they abstain or vote no): {movers}."
            + (f" Not news, as they did not vote yes then: {left_out}." if left_out else "")
        ),
        "judgement": judgement_words(data),
        "actual": actual_words(data),
        "risks": risks[:1].upper() + risks[1:] + ".",
        "assumptions": "\n".join(
            f"- {line}" for line in describe_scenario(fc["scenario"], fc.get("lever_effects"))
        ),
        "dates": dates,
        "reading": reading,
    }


#: How many states that did not vote yes last time page 1 names (least likely yes first).
NOT_NEWS_SHOWN = 4
#: A last vote other than yes, in words.
_LAST_WORDS: dict[str, str] = {
    "no": "(no)",
    "abstain": "(abstained)",
    "absent": "(did not vote)",
}


def judgement_words(data: ReportData) -> str:
    """Which levers' strength is a judgement without precedent, and how much they carry.

    A lever anchored on a feature (not on the fitted 2017-2019 campaign) has no past
    campaign to measure it: its range is the scenario author's judgement. Empty for a
    scenario without such a lever.
    """
    levers = data.forecast["scenario"].get("levers", {})
    effects = data.forecast.get("lever_effects") or {}
    moved = None
    if data.baseline_tally is not None:
        base_yes = cast(float, data.baseline_tally.loc["yes", "mean"])
        moved = float(base_yes) - float(cast(float, data.tally.loc["yes", "mean"]))
    sentences = []
    for name, lever in levers.items():
        if lever.get("anchor") == "campaign":
            continue
        low, high = lever["range"]
        title = name.replace("_", " ").capitalize()
        sentence = (
            f"The {title} lever's strength is a judgement without precedent: no earlier vote "
            f"measures it, so its range ({low:g} to {high:g}) is set by hand in the scenario."
        )
        if name in effects:
            sentence += f" On its own it takes about {effects[name]['mid']:.1f}"
            sentence += f" of the {moved:.1f} yes votes" if moved is not None else " yes votes"
            sentence += (
                " the scenario takes in all. Read the forecast as what would happen if the "
                "argument worked that well, not as a measured effect."
            )
        sentences.append(sentence)
    return " ".join(sentences)


#: forecast.json's ``scores`` of a back-dated forecast, in words.
def _states(codes) -> str:
    return ", ".join(str(c) for c in codes) if codes else "none"


def score_words(scores: Mapping) -> str:
    """A back-dated forecast's scores (forecast.json's ``scores``) as sentences.

    The keys are those of :func:`unvote.scoring.actual_and_scores`; a missing one is skipped.
    """
    parts = []
    if scores.get("log_loss") is not None:
        brier = scores.get("brier")
        parts.append(
            f"Over the {scores.get('n', 'member')} states the forecast scores a log loss of "
            f"{scores['log_loss']:.3f} per state"
            + (f" and a Brier score of {brier:.3f}" if brier is not None else "")
            + " (lower is better)."
        )
    if "left_yes" in scores:
        left = int(scores["left_yes"])
        line = (
            f"{left} state{'s' * (left != 1)} that voted yes the time before did not "
            f"({_states(scores.get('left_yes_states'))})"
        )
        if left and "left_yes_in_top" in scores:
            line += (
                f"; {scores['left_yes_in_top']} of them were among the {scores.get('top', 25)} "
                "the forecast found most likely not to vote yes"
            )
        parts.append(line + ".")
    if scores.get("absent_after_yes"):
        parts.append(
            f"Absent after voting yes, not counted as leaving: "
            f"{_states(scores.get('absent_after_yes_states'))}."
        )
    return " ".join(parts)


def actual_words(data: ReportData) -> str:
    """The real vote beside the forecast, with the forecast's scores (back-dated forecasts).

    Empty when forecast.json holds no ``actual`` tally (the vote has not happened).
    """
    actual = data.actual
    if actual is None:
        return ""
    yes = data.tally.loc["yes"]
    inside = yes["q05"] <= actual.get("yes", -1) <= yes["q95"]
    words = (
        f"The {data.forecast_year} vote has happened: "
        + ", ".join(f"{count} {level}" for level, count in actual.items())
        + f". The forecast's 90% interval for yes ({yes['q05']:.0f} to {yes['q95']:.0f}) "
        + ("held it." if inside else "missed it.")
    )
    scores = data.forecast.get("scores")
    if isinstance(scores, Mapping) and scores:
        words += " " + score_words(scores)
    return words


def _threshold_words(key: str) -> str:
    """'p_yes_below_180' -> 'chance of fewer than 180 yes votes' (forecast.json keys)."""
    parts = key.split("_")
    if len(parts) >= 4 and parts[-2] == "below":
        return f"chance of fewer than {parts[-1]} {parts[-3]} votes"
    if len(parts) >= 5 and parts[-3:-1] == ["at", "least"]:
        return f"chance of {parts[-1]} or more {parts[-4]} votes"
    return key.replace("_", " ")


def page_words(data: ReportData) -> dict[str, tuple[str, str, str]]:
    """Title, lede and notes of pages 2-8, with the numbers taken from the data."""
    year = data.forecast_year
    last_year, last = last_result(data.forecast)
    first_year = int(data.history["year"].min())
    name = data.scenario_name
    yes = data.tally.loc["yes"]
    words = {
        "history": (
            f"History: the embargo votes {first_year}-{last_year}, and {year}",
            f"How many member states voted yes, abstained, voted no or did not vote, year by "
            f"year (no vote in 2020), and the {year} forecast under '{name}'. Top: its "
            "expected tally (hatched) and the 90% interval of the yes count (black line). "
            "Bottom: the smaller counts on their own scale, the forecast's middle 50% of "
            "simulated votes as a thick bar, 90% as a thin line, the median as a marker.",
            f"Yes rose from {int(data.history.sort_values('year')['yes'].iloc[0])} in "
            f"{first_year} to "
            f"{last['yes']} in {last_year}; the forecast's 90% interval for yes is "
            f"{yes['q05']:.0f} to {yes['q95']:.0f}.",
        ),
        "tally": (
            "The forecast tally: how sure is it?",
            f"Each row summarises {data.forecast['draws']:,} simulated votes: the "
            "thick bar holds the middle half of them, the thin line 90%, the circle is the "
            "median and the black tick the mean. The dashed line is last year's count."
            + (
                " 'no campaign' is the baseline scenario: the same model and the same random "
                "draws without the campaign's levers."
                if data.baseline_tally is not None
                else ""
            ),
            "The intervals combine three uncertainties: the model's coefficients, the size "
            "of the campaign's effect (drawn from the ranges on page 1), and shocks shared "
            "by countries that vote together (regional groups, blocs), sized from how they "
            "moved together in past years" + _shock_words(data.forecast.get("shock_sd")) + ".",
        ),
        "countries": (
            "Who might abstain or vote no",
            f"The 30 member states most likely to abstain or vote no under '{name}'. Each "
            "bar adds the probabilities of abstaining and of voting no, then, in grey, of "
            "not voting at all, which is absence, not a defection; the black tick is the "
            "same country's chance of not voting yes with no campaign. On the right, its "
            "vote last time and its main driver: the part of the model or the scenario that "
            "accounts for the most of its chance of not voting yes.",
            "A probability of 30% means: in about 3 of 10 simulated votes this country "
            "abstained or voted no. The other members are less likely still to do so; the "
            "full list is in the forecast's table of countries (country_forecast.csv), and "
            "what moves each state in its table of drivers (drivers.csv, or `unvote explain "
            "ISO3`).",
        ),
        "map": (
            "The map: each member's probability of voting yes",
            "Darker red: less likely to vote yes. The scale is finest near 100%, where most "
            "members are. States too small to see are circled in their colour; grey areas "
            "are not UN member states (or territories of one).",
            "Country shapes: Natural Earth 1:10m admin-0 (public domain), simplified for the "
            "page; Equal Earth projection.",
        ),
        "groups": (
            "Who the campaign moves: regional groups and blocs",
            "For each UN regional group and bloc: the expected share of its members not "
            "voting yes without the campaign (open circle) and with it (filled), and on the "
            "right the expected number of yes votes the campaign takes from the group.",
            "Blocs overlap (a NATO member may be in the EU), so the yes votes lost do not "
            "add up across rows; regional groups do not overlap. Memberships as of the "
            "forecast date.",
        )
        if data.has_levers
        else (
            "Votes other than yes, by group and bloc",
            "For each UN regional group and bloc: the expected share of its members not "
            "voting yes. This scenario has no campaign, so there is no shift to show; the "
            "lobbying scenario's report compares the two.",
            "Blocs overlap (a NATO member may be in the EU); regional groups do not overlap. "
            "Memberships as of the forecast date.",
        ),
        "backtest": _backtest_words(data),
        "model": (
            "The model: what moves a country away from yes",
            "Each dot is how much a feature multiplies the odds of abstaining, voting no or "
            "being absent rather than voting yes: 2 means twice the odds, 0.5 half; the line "
            "is the 95% interval. Numeric features are per standard deviation (sd) across "
            "countries; the others against their reference (African group, voted yes).",
            "A regularised multinomial logit fitted to the embargo votes before the forecast "
            "year, one row per country and year. Effects are associations learned from "
            "history, not proof of cause; features move together (agreement with the US and "
            "the ideal point), so each effect is the one holding the others fixed.",
        ),
    }
    return words


def _shock_words(shock_sd: Mapping | None) -> str:
    """forecast.json's shock sizes in words (empty if absent)."""
    if not shock_sd:
        return ""
    names = {"global": "whole assembly", "group": "regional group", "bloc": "bloc"}
    sizes = ", ".join(f"{names.get(k, k)} {v:.2f}" for k, v in shock_sd.items())
    return f" (standard deviations, in log-odds of leaving yes: {sizes})"


def _backtest_words(data: ReportData) -> tuple[str, str, str]:
    lede = (
        "Each embargo vote of 2000-2024 predicted from earlier years only. Top: the "
        "predictions grouped by probability, against how often the outcome happened (on "
        "the diagonal: well calibrated; both axes are stretched at the ends, so that "
        "chances of 1 in 1,000 or 999 in 1,000 are as readable as those near 1 in 2). "
        "Middle and bottom: scores of the model and of two baselines, per year and over all "
        "years."
    )
    if data.scores is not None:
        table = score_table(data.scores)
        base = table.drop(index="model", errors="ignore")
        if "model" in table.index and not base.empty:
            model, best = cast(float, table.loc["model", "log_loss"]), base["log_loss"].min()
            verdict = "beats" if model < best else "does NOT beat"
            lede += (
                f" The model {verdict} the best baseline ({base['log_loss'].idxmin()}) on "
                f"mean log loss: {model:.3f} against {best:.3f}."
            )
    notes = (
        "Log loss: the mean of -log(probability given to the vote that happened), per "
        "country; Brier: the mean squared distance between the probabilities and the vote. "
        "Persistence: each country repeats its last vote; frequency: each country's past "
        "frequencies. Both baselines are smoothed so no probability is 0."
    )
    return "The backtest: would the model have been right before?", lede, notes
