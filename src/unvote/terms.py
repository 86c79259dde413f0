"""What the model's terms mean, in words: one place for every label a reader sees.

The coefficient table of the report (page 8), ``unvote explain`` and ``drivers.csv`` all
name the model's design terms (:mod:`unvote.model`) and the blocs; they take their words
from here so that one term is never described two ways.
"""

from __future__ import annotations

import math

#: Labels of the bloc columns of the features table, as the report prints them.
BLOC_LABELS: dict[str, str] = {
    "eu": "European Union",
    "nato": "NATO",
    "mnna": "US major non-NATO allies",
    "cofa": "Free association with the US",
    "oas": "Organization of American States",
    "caricom": "CARICOM",
    "arab_league": "Arab League",
    "alba": "ALBA (Cuba's alliance)",
    "csto": "CSTO (Russia's alliance)",
}

#: What a one-unit (one standard deviation for numeric terms) rise of a term stands for.
TERM_WORDS: dict[str, str] = {
    "agree_us": "agrees more with the US in GA votes (last 365 days)",
    "agree_rus": "agrees more with Russia in GA votes",
    "ideal_point": "sits closer to the US overall (ideal point)",
    "recent_abstain_share": "abstained more in recent embargo votes",
    "recent_no_share": "voted no more in recent embargo votes",
    "recent_absent_share": "was absent more in recent embargo votes",
    "log_years_since_nonyes": "longer since it last voted other than yes",
    "agree_us_admin_pct": "agrees more with the US administration in office (rank)",
    "us_lonely_pct": "sides more with the US when it is nearly alone (rank)",
    "precedent_departure": "moved towards the US at earlier open US campaigns",
    "campaign": "a US campaign year (2017-2019)",
    "campaign_x_agree_us": "campaign year, per unit of agreement with the US",
    "campaign_x_admin_pct": "campaign year, per unit of rank of agreement with the administration",
    "campaign_x_lonely_pct": "campaign year, per unit of rank of siding with a lonely US",
    "campaign_x_precedent": "campaign year, per unit of departure at earlier campaigns",
}
#: Terms that are not standardised (their unit is their own, not one sd).
UNSCALED_TERMS: frozenset[str] = frozenset(
    {
        "campaign",
        "campaign_x_agree_us",
        "campaign_x_admin_pct",
        "campaign_x_lonely_pct",
        "campaign_x_precedent",
    }
)


def coefficient_labels(terms) -> dict[str, str]:
    """Plain-words labels of the model's design terms, for a coefficient table."""
    labels = {}
    for term in terms:
        if term in TERM_WORDS:
            label = TERM_WORDS[term]
            if term not in UNSCALED_TERMS:
                label += " (+1 sd)"
        elif term.startswith("last_vote["):
            level = term[len("last_vote[") : -1]
            label = (
                "no vote on record last year" if level == "none" else f"voted {level} last time"
            )
        elif term.startswith("group["):
            group = term[len("group[") : -1]
            label = "in no regional group" if group == "none" else f"{group} group"
            label += " (vs African)"
        elif term == "cofa":
            label = "in free association with the US (COFA)"
        elif term in BLOC_LABELS:
            label = f"member of {BLOC_LABELS[term]}"
        else:
            label = term
        labels[term] = label
    return labels


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _years_since(years: int) -> str:
    if years <= 0:
        return "voted other than yes this year"
    return f"{years} year{'s' * (years != 1)} since it last voted other than yes"


def describe_driver(term: str, value: float | None) -> str:
    """One state's value of a term, in words: what makes its forecast differ from the average.

    Parameters
    ----------
    term : str
        A design term of the model (or a feature name).
    value : float or None
        The state's raw (unstandardised) value of the term's feature; None or NaN when
        unknown.

    Examples
    --------
    >>> describe_driver("agree_us_admin_pct", 0.93)
    'agrees with the US administration in office more than 93% of members do'
    >>> describe_driver("last_vote[no]", 1.0)
    'voted no at the last embargo vote'
    """
    v = math.nan if value is None else float(value)
    known = not math.isnan(v)
    if term.startswith("last_vote["):
        level = term[len("last_vote[") : -1]
        if level == "none":
            return "was not a member at the last embargo vote"
        return f"voted {level} at the last embargo vote"
    if term.startswith("group["):
        group = term[len("group[") : -1]
        return "sits in no regional group" if group == "none" else f"sits in the {group} group"
    if term in BLOC_LABELS:
        return f"member of {BLOC_LABELS[term]}"
    if not known:
        return f"{TERM_WORDS.get(term, term)} (no record: counted as average)"
    by_value = {
        "agree_us": f"agreed with the US on {_percent(v)} of GA votes in the last 365 days",
        "agree_rus": f"agreed with Russia on {_percent(v)} of GA votes in the last 365 days",
        "ideal_point": f"ideal point {v:+.2f} (US side positive)",
        "recent_abstain_share": f"abstained at {_percent(v)} of the recent embargo votes",
        "recent_no_share": f"voted no at {_percent(v)} of the recent embargo votes",
        "recent_absent_share": f"was absent at {_percent(v)} of the recent embargo votes",
        "log_years_since_nonyes": _years_since(round(math.expm1(v))),
        "agree_us_admin_pct": (
            f"agrees with the US administration in office more than {_percent(v)} of members do"
        ),
        "us_lonely_pct": (
            f"sides with the US when it is nearly alone more than {_percent(v)} of members do"
        ),
        "precedent_departure": (
            f"moved {v:+.2f} towards the US at earlier open US campaigns "
            "(Jerusalem 2017, embargo 2017-2019)"
            if v
            else "held its usual vote at earlier open US campaigns"
        ),
    }
    return by_value.get(term, f"{TERM_WORDS.get(term, term)}: {v:.3g}")


#: Short names of the terms, for a column of a chart (the report's country page).
SHORT_WORDS: dict[str, str] = {
    "agree_us": "agreement with the US (365 days)",
    "agree_rus": "agreement with Russia",
    "ideal_point": "ideal point near the US",
    "recent_abstain_share": "recent abstentions",
    "recent_no_share": "recent no votes",
    "recent_absent_share": "recent absences",
    "log_years_since_nonyes": "a recent vote other than yes",
    "agree_us_admin_pct": "alignment with the US administration",
    "us_lonely_pct": "sides with a lonely US",
    "precedent_departure": "answers to earlier US campaigns",
    "sponsor": "sponsor of the resolution",
    "lever:pressure": "US pressure (scenario)",
    "lever:ukraine": "Ukraine argument (scenario)",
}


def short_driver(term: str) -> str:
    """A term or lever (``lever:<name>``) in a few words, e.g. ``"voted no last time"``."""
    if term in SHORT_WORDS:
        return SHORT_WORDS[term]
    if term.startswith("lever:"):
        return f"{term[len('lever:') :]} (scenario)"
    if term.startswith("last_vote["):
        level = term[len("last_vote[") : -1]
        return "not a member last time" if level == "none" else f"voted {level} last time"
    if term.startswith("group["):
        group = term[len("group[") : -1]
        return "no regional group" if group == "none" else f"{group} group"
    if term in BLOC_LABELS:
        return BLOC_LABELS[term]
    return term
