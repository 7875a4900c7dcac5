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
of :mod:`allocator.engine.explain` and :mod:`allocator.analysis.compare`. The layers are
the subpackages ``scenario``, ``engine``, ``analysis``, ``charts``, ``reports`` and
``cli`` (see the README's layout), each loaded on first attribute access; so are the
module names of the earlier flat layout (``allocator.compare``, ``allocator.sensitivity``,
...), for one release.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from allocator._version import __version__ as __version__

#: Public name -> (module, attribute in it).
_LAZY: dict[str, tuple[str, str]] = {
    "load": ("allocator.api", "load"),
    "allocate": ("allocator.api", "allocate"),
    "scale_caseload": ("allocator.scenario.variants", "scale_caseload"),
    "explain_result": ("allocator.engine.explain", "explain"),
    "compare_results": ("allocator.analysis.compare", "compare"),
    "Scenario": ("allocator.scenario.schema", "Scenario"),
    "Result": ("allocator.engine.result", "Result"),
    "Status": ("allocator.engine.result", "Status"),
    "ScenarioError": ("allocator.errors", "ScenarioError"),
}

#: Modules of the flat layout before the package was split into layers, by their old name:
#: ``allocator.compare.compare(...)`` still works as attribute access for this release.
_MOVED: dict[str, str] = {
    "schema": "allocator.scenario.schema",
    "loading": "allocator.scenario.loading",
    "variants": "allocator.scenario.variants",
    "caseload": "allocator.engine.caseload",
    "pipeline": "allocator.engine.pipeline",
    "verify": "allocator.engine.verify",
    "explain": "allocator.engine.explain",
    "results": "allocator.engine.result",
    "compare": "allocator.analysis.compare",
    "sensitivity": "allocator.analysis.sensitivity",
    "robust": "allocator.analysis.robust",
    "board_pack": "allocator.reports.board_pack.build",
}

__all__ = ["Result", "Scenario", "ScenarioError", "Status", "allocate", "charts",
           "compare_results", "explain_result", "load", "scale_caseload"]

if TYPE_CHECKING:
    from allocator import charts
    from allocator.analysis.compare import compare as compare_results
    from allocator.api import allocate, load
    from allocator.engine.explain import explain as explain_result
    from allocator.engine.result import Result, Status
    from allocator.errors import ScenarioError
    from allocator.scenario.schema import Scenario
    from allocator.scenario.variants import scale_caseload


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access, or a submodule by its name."""
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value  # later accesses skip this function
        return value
    if name in _MOVED:
        return import_module(_MOVED[name])
    if not name.startswith("_") and find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
