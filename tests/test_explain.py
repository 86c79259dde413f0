"""Why a state's forecast is what it is: contributions, levers, drivers, and the command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unvote.cli import main
from unvote.explain import main_drivers, not_yes
from unvote.levers import lever_strengths, share_votes
from unvote.scenario import Lever
from unvote.terms import describe_driver


def test_not_yes_is_one_minus_p_yes():
    eta = np.log(np.array([[1.0, 2.0, 1.0]]))  # odds 1, 2, 1 against yes: p_yes = 1/5
    assert not_yes(eta) == pytest.approx([0.8])


def test_share_votes_keeps_the_expected_votes_and_follows_the_weights():
    p_yes = np.array([0.99, 0.95, 0.9, 0.5])
    strength = np.array([0.3, 0.0, 0.1, 0.0])
    weights = np.array([0.0, 1.0, 0.5, 0.25])
    shared = share_votes(strength, p_yes, weights)
    votes = lambda s: float((p_yes * -np.expm1(-s)).sum())  # noqa: E731
    assert votes(shared) == pytest.approx(votes(strength), rel=1e-9)
    assert shared[0] == 0.0  # no weight, no push
    assert shared[1] == pytest.approx(2 * shared[2]) == pytest.approx(4 * shared[3])


def test_share_votes_per_simulation_and_with_no_weight():
    p_yes = np.full((2, 3), 0.9)
    strength = np.array([[0.1, 0.1, 0.1], [0.0, 0.0, 0.0]])
    shared = share_votes(strength, p_yes, np.array([1.0, 0.0, 0.0]))
    assert shared[1].sum() == 0.0 and shared[0, 0] > 0.1 and shared[0, 1:].sum() == 0
    assert share_votes(strength, p_yes, np.zeros(3)).sum() == 0.0


def test_share_votes_gives_all_it_can_when_the_weighted_states_hold_too_little():
    p_yes = np.array([0.9, 0.9, 0.5])
    shared = share_votes(np.array([5.0, 5.0, 0.0]), p_yes, np.array([0.0, 0.0, 1.0]))
    assert np.isfinite(shared).all() and shared[:2].sum() == 0.0
    assert float(p_yes[2] * -np.expm1(-shared[2])) == pytest.approx(0.5, abs=1e-6)


def test_share_votes_places_the_votes_in_every_simulation_of_a_batch():
    rng = np.random.default_rng(7)
    p_yes, strength = rng.uniform(0.5, 1.0, (200, 50)), rng.uniform(0.0, 0.3, (200, 50))
    shared = share_votes(strength, p_yes, rng.uniform(0.0, 1.0, 50))
    votes = lambda s: (p_yes * -np.expm1(-s)).sum(axis=-1)  # noqa: E731
    np.testing.assert_allclose(votes(shared), votes(strength), rtol=1e-9)


def test_a_shared_lever_needs_the_odds():
    lever = Lever("u", "feature", 0.1, 0.1, (1.0, 0.0, 0.0), "agree_us", share_by="agree_rus")
    features = pd.DataFrame({"agree_us": [0.5, 1.0], "agree_rus": [1.0, 0.0]})
    with pytest.raises(ValueError, match="needs the odds"):
        lever_strengths((lever,), None, features, None)
    odds = np.full((3, 2), 0.01)
    [strength] = lever_strengths((lever,), None, features, None, odds)
    assert strength[1] == 0.0 and strength[0] > 0.1  # all to the state with the weight


def test_main_driver_is_the_one_with_the_most_points():
    drivers = pd.DataFrame(
        {
            "iso3": ["AAA", "AAA", "BBB", "CUB"],
            "driver": ["voted no", "the lever", "tiny", "sponsor"],
            "outcome": ["no", "yes", "no", "yes"],
            "effect": [1.0, -0.5, 0.01, np.nan],
            "not_yes_points": [3.0, 12.0, 0.2, np.nan],
            "kind": ["model", "lever", "model", "rule"],
            "term": ["last_vote[no]", "lever:ukraine", "eu", "sponsor"],
        }
    )
    countries = pd.DataFrame({"iso3": ["CUB", "BBB", "AAA"]})
    out = main_drivers(drivers, countries)
    assert out["term"].tolist() == ["sponsor", "", "lever:ukraine"]
    assert out.loc["BBB", "driver"] == "nothing pushes it from yes"
    assert out.loc["AAA", "short"] == "Ukraine argument (scenario)"


def test_driver_words():
    assert describe_driver("last_vote[abstain]", 1.0) == "voted abstain at the last embargo vote"
    assert describe_driver("log_years_since_nonyes", np.log1p(1)) == (
        "1 year since it last voted other than yes"
    )
    assert "no record" in describe_driver("agree_us_admin_pct", float("nan"))


@pytest.mark.slow
def test_explain_command(capsys):
    assert main(["explain", "pol", "--draws", "200"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Poland (POL)")
    assert "baseline" in out and "us_lobbying_2025" in out and "ukraine" in out
    assert main(["explain", "CUB", "--draws", "200"]) == 0
    assert "sponsors the resolution" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["explain", "XXX"], "ISO3 'XXX' is not a UN member on 2025-10-01"),
        (["explain", "GBR", "--as-of", "1800-01-01"], "--as-of 1800-01-01 is outside the data"),
    ],
)
def test_explain_bad_input_is_one_line_and_exit_2(args, fragment, capsys):
    assert main([*args, "--draws", "100"]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and "\n" not in err
