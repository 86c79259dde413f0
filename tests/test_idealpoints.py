"""The package's own one-dimensional ideal points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unvote.idealpoints import (
    correlate_with_voeten,
    fit_ideal_points,
    session_ideal_points,
    vote_matrix,
)
from unvote.votes import VOTE_DTYPE


def _simulated_votes(rng: np.random.Generator, n_countries=40, n_items=60, session=70):
    """Roll calls drawn from a known one-dimensional model; country 0 is 'USA' at the top."""
    x = np.sort(rng.normal(size=n_countries))[::-1]
    a = rng.normal(scale=1.0, size=n_items)
    b = rng.choice([-1, 1], size=n_items) * rng.uniform(1.5, 3.0, size=n_items)
    p = 1 / (1 + np.exp(-(a[None, :] + b[None, :] * x[:, None])))
    u = rng.uniform(size=p.shape)
    vote = np.where(u < p * 0.9, "yes", np.where(u < p, "abstain", "no"))
    vote[rng.uniform(size=p.shape) < 0.05] = "absent"
    iso3 = ["USA", *(f"C{i:02d}" for i in range(1, n_countries))]
    rows = [
        (f"A/RES/{session}/{j}", pd.Timestamp("2000-12-01"), session, iso3[i], vote[i, j])
        for i in range(n_countries)
        for j in range(n_items)
    ]
    frame = pd.DataFrame(rows, columns=["resolution", "date", "session", "iso3", "vote"])
    frame["vote"] = frame["vote"].astype(VOTE_DTYPE)
    return frame, pd.Series(x, index=iso3)


def test_vote_matrix_codes():
    frame = pd.DataFrame(
        {
            "resolution": ["r1", "r1", "r1", "r1"],
            "iso3": ["A", "B", "C", "D"],
            "vote": pd.Categorical(["yes", "abstain", "no", "absent"], dtype=VOTE_DTYPE),
        }
    )
    m = vote_matrix(frame)
    assert m["r1"].tolist()[:3] == [1.0, 0.5, 0.0]
    assert np.isnan(m.loc["D", "r1"])


def test_recovers_known_positions():
    votes, truth = _simulated_votes(np.random.default_rng(7))
    est = fit_ideal_points(vote_matrix(votes), positive="USA")
    r = np.corrcoef(est["ideal_point"], truth.reindex(est.index))[0, 1]
    assert r > 0.93  # 60 noisy roll calls: about 0.95-0.97 by seed
    assert est.loc["USA", "ideal_point"] > 0
    assert est["ideal_point"].mean() == pytest.approx(0, abs=1e-9)
    assert est["ideal_point"].std(ddof=0) == pytest.approx(1)


def test_orientation_follows_the_reference():
    votes, _ = _simulated_votes(np.random.default_rng(3))
    m = vote_matrix(votes)
    up = fit_ideal_points(m, positive="USA")["ideal_point"]
    down = fit_ideal_points(m, positive="C39")["ideal_point"]
    np.testing.assert_allclose(up, -down, atol=1e-6)


def test_uninformative_votes_and_thin_records():
    votes, _ = _simulated_votes(np.random.default_rng(5), n_items=30)
    m = vote_matrix(votes)
    m.loc["C01"] = np.nan
    m.loc["C01", m.columns[:3]] = 1.0  # 3 recorded votes < MIN_VOTES
    # every simulated roll call splits the countries (recorded values differ), so each one
    # recorded counts in n_votes
    assert (m.nunique() > 1).all()
    expected = m.notna().sum(axis=1)
    # roll calls on which all recorded votes are the same: all yes, and all no with gaps
    unanimous = m.assign(all_yes=1.0, all_no=np.where(np.arange(len(m)) % 3 == 0, np.nan, 0.0))
    est = fit_ideal_points(unanimous)
    assert np.isnan(est.loc["C01", "ideal_point"])
    assert est["ideal_point"].notna().sum() == len(m) - 1
    # the unanimous roll calls are not counted...
    assert est["n_votes"].tolist() == expected.tolist()
    # ...nor fitted: the positions are those without them
    without = fit_ideal_points(m)
    np.testing.assert_allclose(est["ideal_point"], without["ideal_point"], rtol=0, atol=1e-8)


def test_session_ideal_points_and_correlation():
    votes, truth = _simulated_votes(np.random.default_rng(11), session=70)
    own = session_ideal_points(votes)
    assert set(own.columns) == {"session", "year", "iso3", "ideal_point", "n_votes"}
    assert (own["year"] == 2015).all()
    published = pd.DataFrame(
        {
            "iso3": truth.index,
            "year": 2015,
            "idealpointall": truth.to_numpy(),
            "idealpointfp": np.nan,
        }
    )
    corr = correlate_with_voeten(own, published)
    assert corr["year"].tolist() == [2015]
    assert corr["n"].iloc[0] == len(truth)
    assert corr["r_all"].iloc[0] > 0.95
    assert np.isnan(corr["r_fp"].iloc[0])
