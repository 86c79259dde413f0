"""Why a state's forecast is what it is: the model's terms and the scenario's levers.

Two scales, both in ``drivers.csv``:

- ``effect``, on the scale the model works on. A *term's contribution* for state ``i`` and
  outcome ``k`` (abstain, no, absent) is ``beta[term, k] * z[i, term]``, its push on the
  log-odds of that vote against yes, with ``z`` the state's row of the design matrix: for
  a numeric feature its distance from the training rows' mean in standard deviations, for
  a category or bloc 1 when the state is in it. So a contribution says how much that term
  moves the state's log-odds away from those of a state at the average of every numeric
  feature, in the reference categories (voted yes last time, African group, in no bloc).
  A *lever's effect* (outcome ``yes``) is how much the lever alone, at the middle of its
  range, moves the log-odds of yes against any other vote (at the fitted parameters,
  without the shared shocks). +0.69 doubles the odds; -0.69 halves them.
- ``not_yes_points``: how many percentage points of the probability of not voting yes the
  driver accounts for: the probability with it, minus the probability with that term's
  contribution removed (for a lever: with the lever, minus without). This one scale
  compares terms and levers; the main driver of a state is the one with the most points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from unvote.levers import campaign_effect, p_yes_with
from unvote.scenario import Lever
from unvote.terms import describe_driver, short_driver
from unvote.votes import NON_YES, VOTE_LEVELS

#: Model terms kept per state and outcome in drivers.csv (the largest by size).
TOP_TERMS = 5
DRIVER_COLUMNS: tuple[str, ...] = (
    "iso3",
    "driver",
    "outcome",
    "effect",
    "not_yes_points",
    "kind",
    "term",
)
#: A driver worth less than this many points of P(not yes) is not named as a state's main one.
MIN_POINTS = 1.0
#: The sponsor rule's words (unvote.simulate.fixed_probabilities).
SPONSOR_DRIVER = "sponsors the resolution: votes yes on its own draft"


def not_yes(eta: np.ndarray) -> np.ndarray:
    """P(not yes) from the log-odds of abstain, no, absent against yes (last axis, 3)."""
    odds = np.exp(eta).sum(axis=-1)
    return odds / (1.0 + odds)


def term_contributions(results, X: pd.DataFrame) -> pd.DataFrame:
    """Every design term's contribution to every state's log-odds, in long form.

    Parameters
    ----------
    results : unvote.model.VoteChoiceResults
    X : DataFrame
        The states' features (index ISO3), as the forecast reads them.

    Returns
    -------
    DataFrame
        ``iso3, term, outcome, effect, not_yes_points, value``: one row per state, term
        other than the intercept, and outcome (abstain, no, absent); ``value`` is the
        state's raw value of the term (NaN for a missing numeric feature, which the model
        reads as average).
    """
    raw = results.encoding.raw(X)
    Z = results.encoding.scale(raw)
    beta = results.params.to_numpy()
    terms = list(results.terms)
    effect = Z[:, :, None] * beta[None, :, :]  # (n, p, 3)
    n, p, k = effect.shape
    eta = Z @ beta  # (n, 3)
    points = not_yes(eta)[:, None] - not_yes(eta[:, None, :] - effect)  # (n, p)
    frame = pd.DataFrame(
        {
            "iso3": np.repeat(X.index.to_numpy(), p * k),
            "term": np.tile(np.repeat(terms, k), n),
            "outcome": np.tile(list(NON_YES), n * p),
            "effect": effect.ravel(),
            "not_yes_points": 100 * np.repeat(points.ravel(), k),
            "value": np.repeat(raw.ravel(), k),
        }
    )
    return frame.loc[frame["term"] != "const"].reset_index(drop=True)


def lever_contributions(
    odds_off: np.ndarray,
    odds_on: np.ndarray | None,
    features: pd.DataFrame,
    levers: tuple[Lever, ...],
) -> pd.DataFrame:
    """Each lever's effect alone, at the middle of its range, on each state's log-odds.

    Parameters
    ----------
    odds_off, odds_on : ndarray (3, n)
        Odds of abstain, no, absent against yes at the fitted parameters, with the
        campaign indicator off and on (``odds_on`` may be None when no lever is anchored
        on the campaign).
    features : DataFrame
        n rows (index ISO3) with the levers' features.
    levers : tuple of Lever

    Returns
    -------
    DataFrame
        ``iso3, term, outcome, effect, not_yes_points``: one row per state and lever,
        ``term`` ``lever:<name>``, ``outcome`` "yes", ``effect`` the change of the log-odds
        of yes against any other vote.
    """
    campaign = None if odds_on is None else campaign_effect(odds_off, odds_on)
    frames = []
    for lever in levers:
        p_yes, moved = p_yes_with(lever, odds_off, features, campaign)
        with np.errstate(divide="ignore"):
            effect = np.log(moved / (1.0 - moved)) - np.log(p_yes / (1.0 - p_yes))
        frames.append(
            pd.DataFrame(
                {
                    "iso3": features.index.to_numpy(),
                    "term": f"lever:{lever.name}",
                    "outcome": "yes",
                    "effect": effect,
                    "not_yes_points": 100 * (p_yes - moved),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["iso3", "term", "outcome", "effect", "not_yes_points"])
    return pd.concat(frames, ignore_index=True)


def lever_words(lever: Lever) -> str:
    """A lever, named for a reader of drivers.csv."""
    return f"scenario lever '{lever.name}' at the middle of its range"


def drivers_table(
    contributions: pd.DataFrame,
    lever_effects: pd.DataFrame,
    levers: tuple[Lever, ...],
    *,
    sponsors: tuple[str, ...] = (),
    top: int = TOP_TERMS,
) -> pd.DataFrame:
    """drivers.csv: what moves each state's forecast, largest first.

    Parameters
    ----------
    contributions : DataFrame
        :func:`term_contributions`.
    lever_effects : DataFrame
        :func:`lever_contributions`.
    levers : tuple of Lever
        The scenario's levers (for their words).
    sponsors : tuple of str
        States fixed at yes by the sponsor rule: one row each, ``kind`` "rule".
    top : int
        Model terms kept per state and outcome, by size of the effect.

    Returns
    -------
    DataFrame
        ``iso3, driver, outcome, effect, kind, term``: ``kind`` is "model", "lever" or
        "rule"; sorted by iso3, then ``not_yes_points`` from the largest.
    """
    model = contributions.loc[contributions["effect"] != 0].copy()
    model["size"] = model["effect"].abs()
    model = (
        model.sort_values(["iso3", "outcome", "size", "term"], ascending=[True, True, False, True])
        .groupby(["iso3", "outcome"], sort=False)
        .head(top)
    )
    model["driver"] = [
        describe_driver(term, value)
        for term, value in zip(model["term"], model["value"], strict=True)
    ]
    model["kind"] = "model"
    words = {f"lever:{lever.name}": lever_words(lever) for lever in levers}
    lever_rows = lever_effects.loc[lever_effects["effect"] != 0].copy()
    lever_rows["driver"] = lever_rows["term"].map(words)
    lever_rows["kind"] = "lever"
    rule_rows = pd.DataFrame(
        {
            "iso3": list(sponsors),
            "driver": SPONSOR_DRIVER,
            "outcome": "yes",
            "effect": np.nan,
            "not_yes_points": np.nan,
            "kind": "rule",
            "term": "sponsor",
        }
    )
    parts = [frame for frame in (model, lever_rows, rule_rows) if len(frame)]
    if not parts:
        return pd.DataFrame(columns=list(DRIVER_COLUMNS))
    table = pd.concat([frame.loc[:, list(DRIVER_COLUMNS)] for frame in parts], ignore_index=True)
    table = table.loc[~table["iso3"].isin(sponsors) | table["kind"].eq("rule")]
    order = np.lexsort(
        (
            table["outcome"].to_numpy(),
            table["term"].to_numpy(),
            -table["not_yes_points"].fillna(np.inf).to_numpy(),
            table["iso3"].to_numpy(),
        )
    )
    return table.iloc[order].reset_index(drop=True)


def main_drivers(drivers: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Each state's main driver away from yes.

    The model term or lever that accounts for the most points of the state's probability
    of not voting yes (``not_yes_points``); the sponsor rule for a sponsor; none when no
    driver adds :data:`MIN_POINTS`.

    Returns
    -------
    DataFrame
        Index ISO3 (that of ``countries``, in its order): ``term`` (empty when none),
        ``driver`` (the words of drivers.csv), ``short`` (a few words, for a chart) and
        ``not_yes_points``.
    """
    rows = drivers.loc[drivers["kind"].eq("rule") | drivers["not_yes_points"].ge(MIN_POINTS)]
    # one row per state: the rule first, then the most points
    rows = rows.assign(rank=rows["kind"].ne("rule"), points=rows["not_yes_points"].fillna(0.0))
    best = (
        rows.sort_values(["iso3", "rank", "points", "term"], ascending=[True, True, False, True])
        .drop_duplicates("iso3")
        .set_index("iso3")
    )
    out = pd.DataFrame(index=pd.Index(countries["iso3"].to_numpy(), name="iso3"))
    out["term"] = best["term"].reindex(out.index).fillna("")
    out["driver"] = best["driver"].reindex(out.index).fillna("nothing pushes it from yes")
    out["short"] = [short_driver(term) if term else "" for term in out["term"]]
    out["not_yes_points"] = best["not_yes_points"].reindex(out.index)
    return out


def format_explanation(result, iso3: str, *, top: int = 6) -> str:
    """What ``unvote explain`` prints: one state's probabilities and what moves them.

    Parameters
    ----------
    result : unvote.forecast.ForecastResult
    iso3 : str
        The state (case-insensitive).
    top : int
        Model terms listed per vote.

    Raises
    ------
    UnvoteError
        If ``iso3`` is not a member on the forecast's as-of date.
    """
    from unvote.errors import UnvoteError

    code = iso3.strip().upper()
    countries = result.countries.set_index("iso3")
    if code not in countries.index:
        raise UnvoteError(
            f"explain: ISO3 {iso3!r} is not a UN member on {result.as_of.date()}; allowed: "
            f"the {len(countries)} members of that day, e.g. JPN, BRA, POL"
        )
    row = countries.loc[code]
    base = result.baseline_probs.loc[code]
    name = result.scenario.name
    lines = [
        f"{row['country']} ({code}): the {result.target_year} embargo vote, as of "
        f"{result.as_of.date()} ({result.draws:,} simulations)",
        "",
        f"{'':22}{'yes':>8}{'abstain':>9}{'no':>8}{'absent':>8}",
        f"{'baseline':22}"
        + "".join(f"{base[f'p_{o}']:>{w}.3f}" for o, w in zip(VOTE_LEVELS, _WIDTHS, strict=True)),
        f"{name[:22]:22}"
        + "".join(f"{row[f'p_{o}']:>{w}.3f}" for o, w in zip(VOTE_LEVELS, _WIDTHS, strict=True)),
        f"last vote: {row['last_vote']}",
    ]
    drivers = result.drivers.loc[result.drivers["iso3"] == code]
    rule = drivers.loc[drivers["kind"] == "rule"]
    if len(rule):
        lines += ["", f"Fixed: {rule['driver'].iloc[0]} (unvote.sponsors)."]
        return "\n".join(lines)
    lines += [
        "",
        "What the model reads, in log-odds of each vote against yes, relative to an average",
        "member (+0.69 doubles the odds); points = share of its chance of not voting yes:",
    ]
    model = drivers.loc[drivers["kind"] == "model"]
    for outcome in NON_YES:
        part = model.loc[model["outcome"] == outcome].head(top)
        lines.append(f"  {outcome}:")
        for r in part.itertuples(index=False):
            lines.append(f"    {r.effect:+6.2f}  {r.not_yes_points:+5.1f} pts  {r.driver}")
    levers = drivers.loc[drivers["kind"] == "lever"]
    if len(levers):
        lines += ["", f"The levers of '{name}', each alone at the middle of its range:"]
        for r in levers.itertuples(index=False):
            lines.append(
                f"    {r.effect:+6.2f} on the log-odds of yes  {r.not_yes_points:+5.1f} pts  "
                f"{r.term.removeprefix('lever:')}"
            )
    return "\n".join(lines)


_WIDTHS = (8, 9, 8, 8)
