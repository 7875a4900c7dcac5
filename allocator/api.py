"""The calls a notebook needs, over the same engine as the ``allocate`` command.

``import allocator`` gives these lazily (see allocator/__init__.py), so that the command
line does not pay for pandas and OR-Tools before it needs them:

>>> import allocator
>>> base = allocator.load("scenarios/base.yaml")
>>> result = allocator.allocate(base.with_changes({"total_htv": 30.0}))
>>> result
<Result 'base': OPTIMAL, verified, 30.00 HTV>
>>> result.by_area()[["area", "customer_htv", "central_htv"]].tail(1)
    area  customer_htv  central_htv
4  Total         24.86         5.14

Both functions raise :class:`~allocator.errors.ScenarioError` for an invalid scenario,
with the same ``file:line: field.path: message`` lines as the command line. A scenario
whose rules cannot all hold does not raise: its result has status INFEASIBLE and
``conflicts`` that name the rules and the smallest change that resolves them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allocator.errors import Problem, ScenarioError
from allocator.scenario.loading import load_scenario, scenario_from_data
from allocator.scenario.schema import EXTENDS, Scenario

if TYPE_CHECKING:
    from allocator.engine.result import Result

#: Where problems of a scenario given as a dict are said to be.
DICT_SOURCE = "<dict>"


def load(source: str | Path | Mapping[str, Any]) -> Scenario:
    """A validated scenario from a YAML file (following ``extends:``) or from plain data.

    ``source`` is a file path, or a mapping with the same keys as a scenario file (a
    scenario built in code). A path is relative to the working directory: in a notebook
    opened from ``notebooks/``, the scenarios are in ``../scenarios/``.

    >>> from allocator.api import load
    >>> load("scenarios/htv-30.yaml").total_htv          # extends base.yaml
    30.0
    >>> one = {"name": "one", "total_htv": 4.0, "lead_municipality": "A",
    ...        "municipalities": [{"name": "A", "caseload": {"unemployed": 100.0}}],
    ...        "areas": [{"name": "A", "municipalities": ["A"]}],
    ...        "offices": [{"name": "A office", "municipality": "A"}],
    ...        "service_lines": [{"name": "all", "share": 1.0, "demand": {"unemployed": 1.0}}]}
    >>> load(one).offices[0].effective_min_htv
    2.0
    >>> load({**one, "total_htv": -1.0})
    Traceback (most recent call last):
    ...
    allocator.errors.ScenarioError: <dict>: total_htv: must be > 0.0, got -1.0
    """
    if isinstance(source, Mapping):
        if EXTENDS in source:
            raise ScenarioError([Problem(
                EXTENDS, "only a scenario file can extend another; load the file and derive "
                "from it with scenario.with_changes({...})", DICT_SOURCE)])
        return scenario_from_data(dict(source), DICT_SOURCE)
    return load_scenario(source)


def allocate(scenario: Scenario | str | Path | Mapping[str, Any], *,
             time_limit: float | None = None, workers: int | None = None) -> Result:
    """Allocate and verify ``scenario`` exactly as ``allocate FILE`` does, without files.

    ``scenario`` is a Scenario, a YAML path or plain data (see :func:`load`).
    ``time_limit`` [CP-SAT deterministic seconds] and ``workers`` override the scenario's
    ``solver`` settings, like the command's ``--time-limit`` and ``--workers``.

    >>> from allocator.api import allocate
    >>> r = allocate("scenarios/base.yaml")
    >>> r.status, r.verified, r.source
    (<Status.OPTIMAL: 'OPTIMAL'>, True, 'scenarios/base.yaml')
    """
    from allocator.engine.pipeline import allocate as run
    from allocator.engine.pipeline import settings_for

    source = None if isinstance(scenario, Scenario | Mapping) else scenario
    s = scenario if isinstance(scenario, Scenario) else load(scenario)
    return run(s, settings_for(s, time_limit, workers), source=source)
