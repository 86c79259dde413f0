"""Scenario files: the shipped ones load and cite their numbers; bad files fail clearly."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unvote import paths
from unvote.errors import ScenarioError
from unvote.scenario import load_scenario, parse_scenario

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
