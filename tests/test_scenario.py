"""Scenario files: the shipped ones load and cite their numbers; bad files fail clearly."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unvote import paths
from unvote.errors import ScenarioError
from unvote.scenario import Scenario, load_scenario, parse_scenario

KNOWN = {"USA", "ISR", "BRA", "CUB"}
SHIPPED = ("baseline", "us_lobbying_2025")

GOOD = """
name = "test"
description = "a test"
[levers.pressure]
anchor = "campaign"
range = [0.5, 1.5]
split = { abstain = 0.6, no = 0.3, absent = 0.1 }
[levers.ukraine]
anchor = "feature"
feature = "ukraine_yes_share"
range = [0.0, 0.5]
split = { abstain = 1.0 }
"""


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_load_without_per_country_outcomes(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.overrides == ()
    text = (paths.SCENARIOS_DIR / f"{name}.toml").read_text(encoding="utf-8")
    assert "[overrides]" not in text


def test_every_number_in_the_lobbying_scenario_has_a_comment_above_it():
    lines = (paths.SCENARIOS_DIR / "us_lobbying_2025.toml").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(("range", "split")):
            assert lines[i - 1].startswith("#"), f"line {i + 1} has no source comment: {line}"


def test_lobbying_scenario_has_the_two_levers_of_the_articles():
    scenario = load_scenario("us_lobbying_2025")
    levers = {lever.name: lever for lever in scenario.levers}
    assert levers["pressure"].anchor == "campaign"
    assert levers["ukraine"].feature == "ukraine_yes_share"
    # no precedent for the Ukraine argument: its range starts at no effect
    assert levers["ukraine"].low == 0.0 < levers["ukraine"].high
    for lever in scenario.levers:
        assert sum(lever.split) == pytest.approx(1.0)


def test_good_file_loads_into_a_frozen_scenario(tmp_path):
    scenario = load_scenario(write(tmp_path, GOOD))
    assert [lv.name for lv in scenario.levers] == ["pressure", "ukraine"]
    assert scenario.levers[1].split == (1.0, 0.0, 0.0)
    assert scenario.levers[0].mid == 1.0
    with pytest.raises(AttributeError):
        scenario.name = "other"  # type: ignore[misc]


def test_overrides_take_a_vote_or_probabilities(tmp_path):
    text = 'name = "o"\n[overrides]\nBRA = "no"\nCUB = { yes = 0.9, abstain = 0.1 }\n'
    scenario = load_scenario(write(tmp_path, text), known_iso3=KNOWN)
    assert scenario.override_map == {
        "BRA": (0.0, 0.0, 1.0, 0.0),
        "CUB": (0.9, 0.1, 0.0, 0.0),
    }


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ('colour = "red"', "colour", "red"),
        ("name = 3", "name", "3"),
        (GOOD.replace("range = [0.5, 1.5]", "range = [1.5, 0.5]"), "levers.pressure.range", "1.5"),
        (GOOD.replace("range = [0.5, 1.5]", 'range = ["a", 1]'), "levers.pressure.range", "a"),
        (GOOD.replace("range = [0.5, 1.5]", "range = [0.5]"), "levers.pressure.range", "0.5"),
        (GOOD.replace("abstain = 0.6", "abstain = 1.6"), "levers.pressure.split.abstain", "1.6"),
        (GOOD.replace("absent = 0.1", "absent = 0.2"), "levers.pressure.split", "0.2"),
        (GOOD.replace("absent = 0.1", "maybe = 0.1"), "levers.pressure.split.maybe", "0.1"),
        (
            GOOD.replace('anchor = "campaign"', 'anchor = "vibes"'),
            "levers.pressure.anchor",
            "vibes",
        ),
        (GOOD.replace('"ukraine_yes_share"', '"gdp"'), "levers.ukraine.feature", "gdp"),
        (
            GOOD.replace("[levers.ukraine]", "[levers.ukraine]\nstrength = 2"),
            "levers.ukraine.strength",
            "2",
        ),
        ('[overrides]\nXXX = "no"', "overrides.XXX", "no"),
        ('[overrides]\nUSA = "maybe"', "overrides.USA", "maybe"),
        ("[overrides]\nUSA = { yes = -0.5, no = 1.5 }", "overrides.USA.yes", "-0.5"),
        ("[overrides]\nUSA = 1", "overrides.USA", "1"),
    ],
)
def test_bad_values_name_file_key_value_and_what_is_allowed(tmp_path, text, key, value):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, known_iso3=KNOWN)
    message = str(err.value)
    assert str(path) in message
    assert repr(key) in message
    assert value in message
    assert "allowed" in message
    assert "\n" not in message


def test_invalid_toml_and_missing_file_are_scenario_errors(tmp_path):
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(write(tmp_path, "name = = 1"))
    with pytest.raises(ScenarioError, match="not found.*us_lobbying_2025"):
        load_scenario("no_such_scenario")


# --- random TOML -------------------------------------------------------------------------
KEYS = st.sampled_from(
    ["name", "description", "levers", "overrides", "anchor", "feature", "range", "split",
     "abstain", "no", "absent", "yes", "pressure", "USA", "XXX", "campaign"]
)  # fmt: skip
SCALARS = st.one_of(
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(string.ascii_letters + "_", max_size=8),
    st.sampled_from(["campaign", "feature", "ukraine_yes_share", "no", "yes"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)


def to_toml(value) -> str:
    """Inline TOML for a value (tables inline, so any nesting is expressible)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {to_toml(v)}" for k, v in value.items()) + "}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.dictionaries(KEYS, VALUES, max_size=5), garbage=st.text(max_size=20))
def test_random_toml_loads_or_raises_scenario_error(tmp_path_factory, doc, garbage):
    tmp = tmp_path_factory.mktemp("toml")
    for text in ("\n".join(f"{k} = {to_toml(v)}" for k, v in doc.items()), garbage):
        path = tmp / "random.toml"
        path.write_text(text, encoding="utf-8")
        try:
            scenario = load_scenario(path, known_iso3=KNOWN)
        except ScenarioError as err:
            assert str(path) in str(err)
        else:
            assert re.match(r"^[A-Za-z0-9]", scenario.name)
            for lever in scenario.levers:
                assert 0 <= lever.low <= lever.high
                assert sum(lever.split) == pytest.approx(1.0)


def test_parse_scenario_rejects_non_table_levers():
    with pytest.raises(ScenarioError, match="'levers'"):
        parse_scenario({"levers": [1, 2]}, source="x.toml")


# --- blocs and groups as names, [given], [together] ---------------------------------------------
def test_blocs_and_groups_are_accepted_as_names_in_any_case(tmp_path):
    text = (
        'name = "n"\n[overrides]\nEU = "abstain"\nFRA = "no"\n"asia-pacific" = "yes"\n'
        '[given]\nNato = "abstain"\nGTM = "no"\n'
        '[together.arab_league]\nvote = "absent"\nprobability = 0.25\n'
    )
    scenario = load_scenario(write(tmp_path, text))
    assert dict(scenario.overrides)["EU"] == (0.0, 1.0, 0.0, 0.0)
    assert scenario.given == (("GTM", "no"), ("Nato", "abstain"))
    (rule,) = scenario.together
    assert (rule.name, rule.vote, rule.probability) == ("arab_league", "absent", 0.25)
    assert scenario.to_dict()["together"]["arab_league"]["probability"] == 0.25
    # without them the dictionary (and so forecast.json) keeps its keys
    assert "given" not in load_scenario("baseline").to_dict()


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ('[overrides]\nEurope = "no"', "overrides.Europe", "no"),
        ('[given]\nXXX = "no"', "given.XXX", "no"),
        ("[given]\nUSA = { no = 1.0 }", "given.USA", "no"),
        ('[given]\nUSA = "maybe"', "given.USA", "maybe"),
        ('[together.EU]\nvote = "no"\nprobability = 1.5', "together.EU.probability", "1.5"),
        ('[together.EU]\nvote = "never"\nprobability = 0.5', "together.EU.vote", "never"),
        ('[together.EU]\nvote = "no"\nprobability = 0.5\nsize = 2', "together.EU.size", "2"),
        ('[together.USA]\nvote = "no"\nprobability = 0.5', "together.USA", "vote"),
        ("[together]\nEU = 1", "together.EU", "1"),
    ],
)
def test_bad_names_given_and_together_name_key_value_and_what_is_allowed(
    tmp_path, text, key, value
):
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, text), known_iso3=KNOWN)
    message = str(err.value)
    assert key in message and value in message and "allowed" in message
    assert "\n" not in message


def test_together_without_vote_or_probability_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="'together.EU' lacks key 'probability'"):
        load_scenario(write(tmp_path, '[together.EU]\nvote = "no"'))


def test_bloc_names_expand_to_the_members_of_the_day():
    from unvote.blocs import memberships_on
    from unvote.scenario import resolve_scenario

    scenario = Scenario("eu", overrides=(("eu", (0.0, 1.0, 0.0, 0.0)),), source="s.toml")
    before = dict(resolve_scenario(scenario, memberships_on("2003-10-01"), "2003-10-01").overrides)
    after = dict(resolve_scenario(scenario, memberships_on("2025-10-01"), "2025-10-01").overrides)
    assert len(before) == 15 and len(after) == 27
    assert "GBR" in before and "GBR" not in after
    assert "POL" not in before and "POL" in after  # joined on 2004-05-01
    group = Scenario("g", given=(("Eastern European", "no"),), source="s.toml")
    resolved = resolve_scenario(group, memberships_on("2025-10-01"), "2025-10-01")
    assert len(resolved.given) == 23 and ("POL", "no") in resolved.given


def test_an_iso3_code_beats_a_name_and_names_that_disagree_are_refused():
    from unvote.blocs import expand_keys, memberships_on

    day = memberships_on("2025-10-01")
    out = expand_keys(
        [("EU", "abstain", "f", "f: EU"), ("FRA", "no", "f", "f: FRA")], day, on="2025-10-01"
    )
    assert out["FRA"] == "no" and out["DEU"] == "abstain" and len(out) == 27
    disagree = [("EU", "abstain", "f", "f: EU"), ("NATO", "no", "f", "f: NATO")]
    with pytest.raises(ScenarioError, match="'NATO' gives BEL another value than 'EU'"):
        expand_keys(disagree, day, on="2025-10-01")
    both = set(expand_keys([disagree[0]], day, on="x")) & set(
        expand_keys([disagree[1]], day, on="x")
    )
    settled = expand_keys(
        disagree + [(iso3, "yes", "f", f"f: {iso3}") for iso3 in both], day, on="2025-10-01"
    )
    assert all(settled[iso3] == "yes" for iso3 in both)
    # another origin (the command line after the file) wins without complaint
    later = expand_keys(
        [("EU", "abstain", "f", "f: EU"), ("NATO", "no", "--given", "--given NATO=no")],
        day,
        on="2025-10-01",
    )
    assert later["FRA"] == "no"
    with pytest.raises(ScenarioError, match="'alba' has no member state on 1995-01-01"):
        expand_keys(
            [("alba", "no", "f", "f: alba")], memberships_on("1995-01-01"), on="1995-01-01"
        )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("GTM", "'GTM' is not KEY=VOTE"),
        ("XXX=no", "key 'XXX'; allowed: ISO3 codes"),
        ("GTM=maybe", "GTM='maybe'; allowed: one of yes, abstain, no, absent"),
        ("GTM=abstain,GTM=no", "GTM is given twice (abstain, then no); allowed: each key once"),
        ("EU=abstain,eu=no", "eu is given twice (abstain, then no)"),
    ],
)
def test_parse_given_refuses_bad_entries(text, match):
    from unvote.conditioning import parse_given

    with pytest.raises(ScenarioError, match=re.escape(match)):
        parse_given(text)


def test_parse_given_reads_pairs_and_names():
    from unvote.conditioning import parse_given

    assert parse_given(" GTM=Abstain, eu=no ,") == (("GTM", "abstain"), ("eu", "no"))
