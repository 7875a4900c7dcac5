"""allocator: split an employment area's staff budget (HTV) across places and service lines.

The few calls a notebook needs are attributes of the package, loaded on first use (PEP
562), so ``import allocator`` and the ``allocate`` command stay light until a scenario is
actually read or solved:

>>> import allocator
>>> result = allocator.allocate("scenarios/base.yaml")     # or allocator.load(...) first
>>> print(result.status, result.verified)
OPTIMAL True

- ``load(path or dict)``: a validated :class:`Scenario` (a file may say ``extends:``);
  ``scenario.with_changes({"total_htv": 30.0})`` derives a variant without files;
- ``scale_caseload(scenario, {"Sastamala": 1.1})``: caseload figures × a factor per
  municipality, as a new Scenario;
- ``allocate(scenario or path)``: solve and verify, as the command does: a :class:`Result`
  with DataFrames (``allocation_wide()``, ``by_area()``, ``by_line()``, ...);
- ``explain_result(result)``: why each value, as waterfalls, and what each rule costs;
- ``compare_results([result, ...])``: several results side by side as a tidy DataFrame;
- ``charts``: the command's chart functions, each returning a matplotlib Figure;
- ``Scenario``, ``Result``, ``Status`` and ``ScenarioError`` (whose message lists every
  problem as ``file:line: field.path: message``).

``explain_result`` and ``compare_results`` are the functions ``explain`` and ``compare``
of the modules :mod:`allocator.explain` and :mod:`allocator.compare`; the package cannot
give them the modules' own names, because importing a submodule sets the package
attribute of that name to the module. Every other submodule (``allocator.compare``,
``allocator.variants``, ...) is also loaded on first attribute access.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> (module, attribute in it).
_LAZY: dict[str, tuple[str, str]] = {
    "load": ("allocator.api", "load"),
    "allocate": ("allocator.api", "allocate"),
    "scale_caseload": ("allocator.variants", "scale_caseload"),
    "explain_result": ("allocator.explain", "explain"),
    "compare_results": ("allocator.compare", "compare"),
    "Scenario": ("allocator.schema", "Scenario"),
    "Result": ("allocator.results", "Result"),
    "Status": ("allocator.results", "Status"),
    "ScenarioError": ("allocator.errors", "ScenarioError"),
}

__all__ = ["Result", "Scenario", "ScenarioError", "Status", "allocate", "charts",
           "compare_results", "explain_result", "load", "scale_caseload"]

if TYPE_CHECKING:
    from allocator import charts
    from allocator.api import allocate, load
    from allocator.compare import compare as compare_results
    from allocator.errors import ScenarioError
    from allocator.explain import explain as explain_result
    from allocator.results import Result, Status
    from allocator.schema import Scenario
    from allocator.variants import scale_caseload


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access, or a submodule by its name."""
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value  # later accesses skip this function
        return value
    if not name.startswith("_") and find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
