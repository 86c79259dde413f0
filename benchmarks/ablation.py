"""Backtest log loss 2000-2024 with and without each feature family of issue 8.

For each specification, the whole backtest (each year fitted on earlier years only, the
penalty chosen per year on earlier years only, :func:`unvote.backtest.run_backtest`) and
its overall scores. The specifications: the model as shipped
(:data:`unvote.model.DEFAULT_FEATURES`), without each family of
:data:`unvote.model.FEATURE_FAMILIES`, and the specification before issue 8
(:data:`unvote.model.WINDOW_FEATURES`: 365-day alignment only). The noise line is the
standard error of the mean difference in log loss per state-vote between a variant and the
model as shipped (paired over the 4,611 state-votes).

Run: ``.venv/bin/python benchmarks/ablation.py``
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from unvote import paths
from unvote.backtest import run_backtest
from unvote.feature_files import load_features
from unvote.history import load_embargo_votes
from unvote.model import DEFAULT_FEATURES, FEATURE_FAMILIES, WINDOW_FEATURES
from unvote.votes import VOTE_LEVELS


def variants() -> dict[str, tuple[str, ...]]:
    """Specification name -> model terms."""
    out = {"as shipped": DEFAULT_FEATURES}
    for family, terms in FEATURE_FAMILIES.items():
        out[f"without {family}"] = tuple(f for f in DEFAULT_FEATURES if f not in terms)
    out["before issue 8 (365-day alignment only)"] = WINDOW_FEATURES
    return out


def per_vote_loss(predictions: pd.DataFrame) -> np.ndarray:
    """Log loss of each state-vote of a backtest's predictions."""
    proba = predictions[[f"p_{o}" for o in VOTE_LEVELS]].to_numpy()
    hit = predictions["vote"].astype(str).to_numpy()[:, None] == np.array(VOTE_LEVELS)[None, :]
    return -np.log((proba * hit).sum(axis=1))


def main() -> None:
    features = load_features(paths.FEATURES_CSV)
    embargo = load_embargo_votes(paths.EMBARGO_VOTES_CSV)
    rows, losses = [], {}
    for name, terms in variants().items():
        result = run_backtest(features, embargo, model_kwargs={"features": terms})
        overall = result.scores.loc[
            (result.scores["year"] == "all") & (result.scores["method"] == "model")
        ].iloc[0]
        losses[name] = per_vote_loss(result.predictions)
        rows.append(
            {"specification": name, "log_loss": overall["log_loss"], "brier": overall["brier"]}
        )
    table = pd.DataFrame(rows)
    shipped = losses["as shipped"]
    table["diff"] = [float((losses[n] - shipped).mean()) for n in table["specification"]]
    table["se_diff"] = [
        float((losses[n] - shipped).std(ddof=1) / np.sqrt(len(shipped)))
        for n in table["specification"]
    ]
    print("Backtest 2000-2024, model log loss by specification (paired against as shipped):")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
