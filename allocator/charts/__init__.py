"""Charts as matplotlib Figures: no pyplot state, no plt.show(), no file IO.

Every chart function takes the library's result objects (or their DataFrames), an
optional Axes and a language, and returns a Figure, so the CLI, the board pack and
notebooks draw the same pictures. The package imports matplotlib (not pyplot), so the
command line imports it only when it writes a chart.
"""

from allocator.charts.allocation import plot_allocation
from allocator.charts.compare import (
    plot_area_deltas,
    plot_area_htv,
    plot_caseload,
    plot_line_shares,
)
from allocator.charts.costs import plot_costs
from allocator.charts.sensitivity import (
    plot_monte_carlo,
    plot_robust,
    plot_sweep,
    plot_tipping,
    plot_tornado,
)

__all__ = ["plot_allocation", "plot_area_deltas", "plot_area_htv", "plot_caseload",
           "plot_costs", "plot_line_shares", "plot_monte_carlo", "plot_robust", "plot_sweep", "plot_tipping",
           "plot_tornado"]
