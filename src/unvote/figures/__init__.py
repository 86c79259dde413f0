"""Figures, grouped by what they show, in one house style.

- :mod:`~unvote.figures.style`: vote colours, matplotlib settings, shared helpers;
- :mod:`~unvote.figures.history`: the embargo votes year by year, states' records, features;
- :mod:`~unvote.figures.forecast`: one forecast's tally, states and groups;
- :mod:`~unvote.figures.maps`: the world map and its zooms;
- :mod:`~unvote.figures.model`: the model's effects, the backtest's scores and calibration.

Each plot function takes data (and ``ax=None``) and returns a Figure: no analysis and no
file writing here; :mod:`unvote.report.write` saves.
"""

from unvote.figures.forecast import plot_group_shifts, plot_not_yes, plot_tally_distribution
from unvote.figures.history import (
    plot_features_over_time,
    plot_history,
    plot_history_forecast,
    plot_vote_record,
)
from unvote.figures.maps import MAP_REGIONS, YES_MAP_BOUNDS, plot_yes_map
from unvote.figures.model import plot_calibration, plot_effects, plot_scores_by_year
from unvote.figures.style import STYLE, TEXT_COLORS, VOTE_COLORS

__all__ = [
    "MAP_REGIONS",
    "STYLE",
    "TEXT_COLORS",
    "VOTE_COLORS",
    "YES_MAP_BOUNDS",
    "plot_calibration",
    "plot_effects",
    "plot_features_over_time",
    "plot_group_shifts",
    "plot_history",
    "plot_history_forecast",
    "plot_not_yes",
    "plot_scores_by_year",
    "plot_tally_distribution",
    "plot_vote_record",
    "plot_yes_map",
]
