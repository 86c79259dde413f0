"""Who US pressure can move: one weight per state from its alignment and past answers."""

from __future__ import annotations

import pandas as pd


def us_susceptibility(features: pd.DataFrame) -> pd.DataFrame:
    """Placeholder under evaluation."""
    parts = features[["agree_us_admin_pct", "us_lonely_pct"]].astype(float)
    return features.assign(us_susceptibility=parts.mean(axis=1))
