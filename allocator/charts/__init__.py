"""Charts as matplotlib Figures: no pyplot state, no plt.show(), no file IO.

Every chart function takes the library's result objects (or their DataFrames), an
optional Axes and a language, and returns a Figure, so the CLI, the board pack and
notebooks draw the same pictures. The package imports matplotlib (not pyplot), so the
command line imports it only when it writes a chart.

A chart's module is imported when the chart is first asked for: a run that draws its
allocation and costs charts does not load the analyses' charts, nor the solver stack
those import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Each chart function by the module that holds it.
_MODULE_OF = {
    "plot_allocation": "allocation", "plot_costs": "costs",
    "plot_area_deltas": "compare", "plot_area_htv": "compare", "plot_caseload": "compare",
    "plot_line_shares": "compare",
    "plot_monte_carlo": "sensitivity", "plot_robust": "sensitivity",
    "plot_sweep": "sensitivity", "plot_tipping": "sensitivity", "plot_tornado": "sensitivity",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'allocator.charts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"allocator.charts.{module}"), name)
    globals()[name] = value
    return value


__all__ = ["plot_allocation", "plot_area_deltas", "plot_area_htv", "plot_caseload",
           "plot_costs", "plot_line_shares", "plot_monte_carlo", "plot_robust", "plot_sweep",
           "plot_tipping", "plot_tornado"]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
