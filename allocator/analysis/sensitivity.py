"""How the allocation responds to its inputs: sweeps, tornado, tipping points, Monte Carlo.

The analyses live in a module each (sweep, tornado, tipping, monte_carlo) over the inputs
of allocator.analysis.inputs and the points of allocator.analysis.points; this module
gathers the names a notebook uses. Each returns a tidy DataFrame, one row per changed
scenario and area, and never prints or writes files.
"""

from __future__ import annotations

from allocator.analysis.inputs import (
    Input,
    input_at,
    numeric_inputs,
    parse_param,
    rebalanced_changes,
)
from allocator.analysis.monte_carlo import (
    count_features,
    draw_caseload,
    monte_carlo,
    parse_uncertainty,
    stability,
)
from allocator.analysis.points import Point, RunOptions, evaluate, solve_base
from allocator.analysis.sweep import sweep
from allocator.analysis.tipping import most_sensitive, tipping_points
from allocator.analysis.tornado import tornado

__all__ = ["Input", "Point", "RunOptions", "count_features", "draw_caseload", "evaluate",
           "input_at", "monte_carlo", "most_sensitive", "numeric_inputs", "parse_param",
           "parse_uncertainty", "rebalanced_changes", "solve_base", "stability", "sweep",
           "tipping_points", "tornado"]
