"""The simulation engine on hand-built linear predictors: levers, shocks, votes, tallies."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unvote.levers import apply_levers, campaign_effect, to_odds
from unvote.scenario import BASELINE, Lever, Scenario
from unvote.shocks import estimate_shock_sizes, shock_loadings, shock_units
from unvote.simulate import (
    Draws,
    Uncertainty,
    draw_randomness,
    odds_to_probs,
    simulate,
    simulate_many,
)
from unvote.tallies import draw_votes, summarise_tally, tally, thresholds

SPLIT = (0.6, 0.3, 0.1)


def countries(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ukraine_yes_share": rng.random(n),
            "group": rng.choice(["African", "Asia-Pacific", "Western European and Others"], n),
            "eu": rng.random(n) < 0.2,
        },
        index=pd.Index([f"C{i:03d}" for i in range(n)], name="iso3"),
    )


def eta(n: int, rng: np.random.Generator) -> np.ndarray:
    """Non-yes linear predictors, outcome-first (3, n): mostly yes, a few likely no."""
    out = rng.normal(-4.0, 1.5, (3, n))
    out[1, : max(1, n // 20)] = 4.0
    return out


def pressure(low: float, high: float) -> Scenario:
    return Scenario("p", levers=(Lever("pressure", "campaign", low, high, SPLIT),))


def ukraine(low: float, high: float) -> Scenario:
    lever = Lever("ukraine", "feature", low, high, SPLIT, "ukraine_yes_share")
    return Scenario("u", levers=(lever,))


def test_apply_levers_takes_from_yes_and_gives_in_the_stated_shares():
    rng = np.random.default_rng(0)
    odds = to_odds(eta(50, rng))
    strength = rng.random(50)
    before, after = odds_to_probs(odds), odds_to_probs(apply_levers(odds, [strength], [SPLIT]))
    np.testing.assert_allclose(after[0], before[0] * np.exp(-strength))
    moved = before[0] - after[0]
    np.testing.assert_allclose(after[1:] - before[1:], np.outer(SPLIT, moved), atol=1e-12)
    np.testing.assert_allclose(after.sum(axis=0), 1.0)


def test_two_levers_add_their_strengths_and_mix_their_splits():
    odds = to_odds(np.full((3, 1), -5.0))
    s1, s2 = np.array([0.2]), np.array([0.6])
    p = odds_to_probs(apply_levers(odds, [s1, s2], [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0)]))
    base = odds_to_probs(odds)
    assert p[0, 0] == pytest.approx(base[0, 0] * np.exp(-0.8))
    gain = p[1:, 0] - base[1:, 0]
    assert gain[1] / gain[0] == pytest.approx(3.0)  # 0.6 / 0.2
    assert gain[2] == pytest.approx(0.0, abs=1e-15)


def test_zero_strength_leaves_the_odds_unchanged_bit_for_bit():
    odds = to_odds(eta(30, np.random.default_rng(1)))
    out = apply_levers(odds, [np.zeros(30)], [SPLIT])
    assert np.array_equal(out, odds)


def test_campaign_effect_is_the_fall_in_log_p_yes_and_never_negative():
    off = to_odds(np.array([[-3.0, -3.0], [-3.0, -3.0], [-3.0, -3.0]]))
    on = to_odds(np.array([[-2.0, -4.0], [-3.0, -3.0], [-3.0, -3.0]]))
    effect = campaign_effect(off, on)
    expected = np.log(odds_to_probs(off)[0, 0]) - np.log(odds_to_probs(on)[0, 0])
    assert effect[0] == pytest.approx(expected) and effect[0] > 0
    assert effect[1] == 0.0


def test_draw_votes_follows_the_probabilities():
    probs = np.tile(np.array([0.5, 0.2, 0.2, 0.1])[:, None, None], (1, 1, 200_000))
    votes = draw_votes(probs, np.random.default_rng(2).random((1, 200_000)))
    freq = np.bincount(votes.ravel(), minlength=4) / votes.size
    np.testing.assert_allclose(freq, [0.5, 0.2, 0.2, 0.1], atol=0.005)


def test_tally_summary_and_thresholds_on_a_hand_built_example():
    # columns in VOTE_LEVELS order: yes, abstain, no, absent
    counts = np.array([[190, 2, 1, 0], [175, 3, 5, 10], [165, 2, 12, 14], [150, 2, 3, 38]])
    table = summarise_tally(counts)
    assert list(table.index) == ["yes", "no", "abstain", "absent"]
    assert list(table.columns) == ["mean", "q05", "q10", "q25", "q50", "q75", "q90", "q95"]
    assert table.loc["yes", "mean"] == 170.0
    # a quantile is a count a simulation gave: the lower of the middle two, not 170
    assert table.loc["yes", "q50"] == 165
    assert table.loc["yes", "q95"] == 175 and table.loc["absent", "q05"] == 0
    assert thresholds(counts) == {
        "p_yes_below_180": 0.75,
        "p_yes_below_170": 0.5,
        "p_yes_below_160": 0.25,
        "p_no_at_least_5": 0.5,
        "p_no_at_least_10": 0.25,
    }
    assert tally(np.array([[0, 0, 3, 1], [2, 2, 2, 2]], dtype=np.int8)).tolist() == [
        [2, 1, 0, 1],
        [0, 0, 4, 0],
    ]


def setup(n, d, seed, n_levers=1):
    rng = np.random.default_rng(seed)
    feats = countries(n, rng)
    units = shock_units(feats, ("eu",))
    sizes = pd.Series({"global": 0.4, "group": 0.3, "bloc": 0.5})
    loadings = shock_loadings(units, sizes)
    base = eta(n, rng)
    params = rng.normal(0, 0.1, (3, 3))
    design = {False: np.c_[np.ones(n), feats["ukraine_yes_share"], np.zeros(n)]}
    design[True] = design[False] + np.c_[np.zeros((n, 2)), np.ones(n)]

    def predict(p, campaign):
        # outcome-first: (3, n) at the fitted parameters, (3, c, n) for draws (c, 3, 3)
        if p is None:
            return base + (design[campaign] @ params).T
        return base[:, None, :] + np.matmul(np.moveaxis(p, 2, 0), design[campaign].T)

    def sample(r, k):
        return params + r.normal(0, 0.05, (k, 3, 3)) + np.array([0, 0, 1.0])[:, None]

    draws = draw_randomness(np.random.default_rng(seed), d, n, units.shape[1], n_levers, sample)
    return feats, loadings, predict, draws


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 60),
    d=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
    low=st.floats(0, 3),
    width=st.floats(0, 3),
)
def test_tallies_always_sum_to_the_member_count(n, d, seed, low, width):
    feats, loadings, predict, draws = setup(n, d, seed, n_levers=2)
    scenario = Scenario("both", levers=(*pressure(low, low + width).levers, *ukraine(0, 1).levers))
    for sim in simulate_many(predict, feats, [BASELINE, scenario], draws, loadings=loadings):
        assert sim.counts.shape == (d, 4)
        assert (sim.counts.sum(axis=1) == n).all()
        np.testing.assert_allclose(sim.probs.sum(axis=1), 1.0)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.floats(0, 4), more=st.floats(0, 4))
def test_stronger_pressure_never_raises_any_p_yes(seed, low, more):
    feats, loadings, predict, draws = setup(40, 50, seed)
    weak, strong = pressure(low, low), pressure(low + more, low + more)
    for make in (pressure, ukraine):
        weak, strong = make(low, low), make(low + more, low + more)
        a, b = simulate_many(predict, feats, [weak, strong], draws, loadings=loadings)
        assert (b.probs[:, 0] <= a.probs[:, 0] + 1e-12).all()
        # per simulation too: the same random numbers never give more yes votes
        assert (b.counts[:, 0] <= a.counts[:, 0]).all()


def test_zero_effect_scenario_equals_the_baseline():
    feats, loadings, predict, draws = setup(80, 400, 5, n_levers=2)
    zero = Scenario("zero", levers=(*pressure(0, 0).levers, *ukraine(0, 0).levers))
    base, same = simulate_many(predict, feats, [BASELINE, zero], draws, loadings=loadings)
    assert np.array_equal(base.counts, same.counts)
    assert np.array_equal(base.probs, same.probs)


def test_same_seed_same_draws_and_chunking_does_not_matter():
    feats, loadings, predict, draws = setup(30, 1000, 7)
    again = setup(30, 1000, 7)[3]
    for field in ("votes", "shocks", "params", "effects"):
        assert np.array_equal(getattr(draws, field), getattr(again, field))
    other = setup(30, 1000, 8)[3]
    assert not np.array_equal(draws.votes, other.votes)
    scenario = pressure(0.5, 1.5)
    one = simulate_many(predict, feats, [scenario], draws, loadings=loadings, chunk=1000)[0]
    many = simulate_many(predict, feats, [scenario], draws, loadings=loadings, chunk=37)[0]
    assert np.array_equal(one.counts, many.counts)
    np.testing.assert_allclose(one.probs, many.probs, rtol=1e-12)


def test_lever_draws_do_not_depend_on_how_many_levers_are_drawn():
    one = draw_randomness(np.random.default_rng(3), 100, 5, 2, 1)
    three = draw_randomness(np.random.default_rng(3), 100, 5, 2, 3)
    assert np.array_equal(one.effects[0], three.effects[0])


def test_switching_sources_off_narrows_the_tally():
    feats, loadings, predict, draws = setup(150, 2000, 11)
    scenario = ukraine(0.0, 2.0)
    full = simulate_many(predict, feats, [scenario], draws, loadings=loadings)[0]
    fixed = Uncertainty(parameters=False, effects=False, shocks=False)
    narrow = simulate_many(
        predict, feats, [scenario], draws, loadings=loadings, uncertainty=fixed
    )[0]
    assert narrow.counts[:, 0].std() < full.counts[:, 0].std()


SOURCES = {"parameters": "params", "effects": "effects", "shocks": "shocks"}


@pytest.mark.parametrize("source", list(SOURCES))
def test_each_source_of_uncertainty_switches_off_on_its_own(source):
    """Off, a source's random numbers no longer matter; on, they do; the others still do."""
    feats, loadings, predict, draws = setup(60, 300, 13, n_levers=2)
    fresh = setup(60, 300, 14, n_levers=2)[3]
    scenario = Scenario("both", levers=(*pressure(0.5, 2.0).levers, *ukraine(0.0, 1.0).levers))

    def redrawn(name):
        return dataclasses.replace(draws, **{SOURCES[name]: getattr(fresh, SOURCES[name])})

    def counts(randomness, **switch):
        return simulate_many(
            predict, feats, [scenario], randomness, loadings=loadings,
            uncertainty=Uncertainty(**switch),
        )[0].counts  # fmt: skip

    off = {source: False}
    assert not np.array_equal(counts(draws), counts(redrawn(source)))
    assert np.array_equal(counts(draws, **off), counts(redrawn(source), **off))
    for other in set(SOURCES) - {source}:
        assert not np.array_equal(counts(draws, **off), counts(redrawn(other), **off))


def test_overrides_fix_a_country():
    feats, loadings, predict, draws = setup(10, 200, 4)
    fixed = Scenario("o", overrides=(("C003", (0.0, 0.0, 1.0, 0.0)),))
    sim = simulate(
        np.exp(predict(None, False)),
        feats,
        fixed,
        Draws(draws.votes, draws.shocks, None, draws.effects),
    )
    assert sim.probs[3].tolist() == [0.0, 0.0, 1.0, 0.0]


def test_shock_sizes_are_recovered_from_simulated_bloc_votes():
    """Members of a unit leave yes together with a known spread; the estimate finds it."""
    rng = np.random.default_rng(12)
    n, years = 120, np.arange(2000, 2040)
    group = np.repeat(
        ["African", "Asia-Pacific", "Latin American and Caribbean", "Eastern European"], 30
    )
    eu = np.zeros(n, dtype=bool)
    eu[::4] = True
    rows = []
    for year in years:
        shock = {g: rng.normal(0, 1.0) for g in np.unique(group)}
        logit = -3.0 + np.array([shock[g] for g in group]) + rng.normal(0, 0.5)
        left = rng.random(n) < 1 / (1 + np.exp(-logit))
        rows.append(
            pd.DataFrame(
                {
                    "year": year,
                    "last_vote": "yes",
                    "vote": np.where(left, "abstain", "yes"),
                    "group": group,
                    "eu": eu,
                }
            )
        )
    history = pd.concat(rows, ignore_index=True)
    sizes = estimate_shock_sizes(history, ("eu",), since=2000)
    assert list(sizes.index) == ["global", "group", "bloc"]
    assert 0.6 < sizes["group"] < 1.5  # true 1.0
    assert sizes["bloc"] < 0.4  # the "eu" members share no shock of their own (true 0)
    assert sizes["global"] > 0.4  # groups' shocks plus the common 0.5 move the assembly


def test_no_defections_means_no_shock():
    history = pd.DataFrame(
        {
            "year": np.repeat([2001, 2002, 2003], 4),
            "last_vote": "yes",
            "vote": "yes",
            "group": ["African", "African", "Asia-Pacific", "Asia-Pacific"] * 3,
            "eu": False,
        }
    )
    sizes = estimate_shock_sizes(history, ("eu",))
    assert sizes["bloc"] == 0.0  # no eu member voted yes the year before: no information
    assert sizes["global"] < 0.05 and sizes["group"] < 0.05


# --- conditioning on known votes, bloc switches ----------------------------------------------
def conditioned(scenario, given, d=4000, seed=21, **off):
    feats, loadings, predict, draws = setup(40, d, seed, n_levers=len(scenario.levers))
    uncertainty = Uncertainty(**off)
    prior, post = (
        simulate_many(
            predict, feats, [scenario], draws, loadings=loadings, uncertainty=uncertainty,
            given=[g],
        )[0]
        for g in (None, given)
    )  # fmt: skip
    return feats, prior, post


def test_conditioning_on_a_certain_vote_changes_nothing():
    certain = Scenario("o", overrides=(("C003", (0.0, 0.0, 1.0, 0.0)),))
    _, prior, post = conditioned(certain, {"C003": "no"})
    assert post.weights is None and post.effective_draws == len(post.counts)
    assert np.array_equal(post.probs, prior.probs)
    assert np.array_equal(post.counts, prior.counts)
    assert np.array_equal(post.votes, prior.votes)


def test_conditioning_moves_the_known_states_bloc_through_its_shock():
    feats = setup(40, 1, 21)[0]
    known = feats.index[feats["eu"]][0]
    feats, prior, post = conditioned(BASELINE, {known: "no"}, parameters=False)
    at = feats.index.get_loc(known)
    assert post.probs[at].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert 0 < post.effective_draws < len(post.counts)
    change = np.delete(post.probs[:, 0] - prior.probs[:, 0], at)
    others = feats.drop(known)
    eu = others["eu"].to_numpy()
    same_group = (others["group"] == feats.loc[known, "group"]).to_numpy() & ~eu
    assert (change < 0).all()  # the global shock: everyone is a little less sure of yes
    assert eu.sum() >= 3 and (~eu & ~same_group).sum() >= 3
    assert change[eu].mean() < change[~eu & ~same_group].mean()


def test_without_shared_uncertainty_a_vote_tells_nothing_about_the_others():
    _, prior, post = conditioned(BASELINE, {"C000": "no"}, parameters=False, shocks=False)
    assert post.weights is None
    np.testing.assert_array_equal(post.probs[1:], prior.probs[1:])


def test_weighting_agrees_with_keeping_the_matching_simulations():
    """Filtering the unconditioned votes by hand estimates the same probabilities."""
    _, prior, post = conditioned(BASELINE, {"C000": "no"}, d=60_000, parameters=False)
    keep = prior.votes[:, 0] == 2
    by_hand = (prior.votes[keep][:, 1:] == 0).mean(axis=0)
    assert keep.sum() > 2000
    np.testing.assert_allclose(post.probs[1:, 0], by_hand, atol=0.02)
    tally_mean = (post.weights[:, None] * post.counts).sum(axis=0)
    np.testing.assert_allclose(tally_mean, prior.counts[keep].mean(axis=0), atol=0.3)


def test_a_vote_no_simulation_gives_weighs_every_simulation_zero():
    sure = Scenario("o", overrides=(("C003", (1.0, 0.0, 0.0, 0.0)),))
    _, _, post = conditioned(sure, {"C003": "no", "C000": "yes"}, d=200)
    assert post.effective_draws == 0.0
    assert post.possible.tolist() == [False, True]


def test_weighted_summary_of_one_simulation_is_its_tally():
    counts = np.array([[180, 5, 5, 3], [170, 10, 10, 3], [160, 20, 10, 3]])
    table = summarise_tally(counts, np.array([0.0, 1.0, 0.0]))
    assert table.loc["yes"].tolist() == [170, 170, 170, 170, 170, 170, 170, 170]
    equal = summarise_tally(counts, np.ones(3))
    assert equal["mean"].tolist() == pytest.approx(summarise_tally(counts)["mean"].tolist())
    assert thresholds(counts, np.array([0.0, 0.5, 0.5]))["p_yes_below_180"] == 1.0


def test_together_switches_are_drawn_last_and_move_the_bloc_as_one():
    from unvote.scenario import Together

    feats, loadings, predict, _ = setup(30, 10, 3)
    plain = draw_randomness(np.random.default_rng(5), 2000, 30, loadings.shape[1], 1)
    extra = draw_randomness(np.random.default_rng(5), 2000, 30, loadings.shape[1], 1, n_together=1)
    for name in ("votes", "shocks", "effects"):
        assert np.array_equal(getattr(plain, name), getattr(extra, name))
    members = tuple(feats.index[feats["eu"]])
    rule = Together("EU", "abstain", 0.4, members=members)
    sim = simulate_many(
        predict, feats, [Scenario("t", together=(rule,))], extra, loadings=loadings
    )[0]
    cols = feats.index.get_indexer(members)
    on = extra.together[0] < 0.4
    assert (sim.votes[on][:, cols] == 1).all()
    assert 0.35 < on.mean() < 0.45
    # given one member abstains, the switch is probably on: the others follow
    post = simulate_many(
        predict, feats, [Scenario("t", together=(rule,))], extra, loadings=loadings,
        given=[{members[0]: "abstain"}],
    )[0]  # fmt: skip
    assert (post.probs[cols[1:], 1] > 0.9).all()
