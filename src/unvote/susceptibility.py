"""Who US pressure can move: one weight per state, from its alignment and past answers.

``us_susceptibility`` shares the pressure lever's total among the states (``share_by`` in
``scenarios/us_lobbying_2025.toml``). It is the mean of the state's available percentile
ranks, among the members of the as-of date, of:

- its agreement with the US administration in office (``agree_us_admin_pct``,
  :mod:`unvote.administration`);
- how often it sides with the US when the US is nearly alone (``us_lonely_pct``);
- its departure towards the US at earlier open US campaigns (``precedent_departure``,
  :mod:`unvote.precedents`), once there is one to answer.

Equal weights are a judgement (there are two precedents with departures to learn from,
too few to fit weights). Sharing in proportion to a rank gives a state at the top about
twice the average share and the top 25 of 193 about 1.8 times; at A/RES/ES-10/19, the
largest precedent (43 departures among 171 states present), the top 25 by this weight
departed at more than twice the average rate (``benchmarks/precedent_check.py``), so the
sharing is no steeper than the one precedent that can test it. The United States, which
runs the campaign, gets 0.
"""

from __future__ import annotations

import pandas as pd

from unvote.rollcalls import US

#: The state running the campaign: no share of its own pressure.
CAMPAIGNER = US
#: The features whose ranks are averaged.
COMPONENTS: tuple[str, ...] = ("agree_us_admin_pct", "us_lonely_pct", "precedent_pct")


def us_susceptibility(features: pd.DataFrame) -> pd.DataFrame:
    """Add ``precedent_pct`` and ``us_susceptibility`` to one as-of date's features.

    Parameters
    ----------
    features : DataFrame
        One row per member (index ISO3) with ``agree_us_admin_pct``, ``us_lonely_pct`` and
        ``precedent_departure``.

    Returns
    -------
    DataFrame
        A copy with ``precedent_pct`` (percentile rank of ``precedent_departure``, average
        ties, NaN where it is) and ``us_susceptibility`` in [0, 1] (the mean of the
        available ranks of :data:`COMPONENTS`; 0.5, the middle, when none is; 0 for the
        United States).
    """
    out = features.copy()
    out["precedent_pct"] = out["precedent_departure"].astype(float).rank(pct=True)
    weight = out.loc[:, list(COMPONENTS)].astype(float).mean(axis=1).fillna(0.5)
    out["us_susceptibility"] = weight.where(out.index != CAMPAIGNER, 0.0)
    return out
