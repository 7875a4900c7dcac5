"""Scenario variants without touching files: deep merges and dotted-path changes.

Both follow one rule for lists: a list of mappings that have a ``name`` is patched item by
item, matched by name (a new name is appended; ``remove: true`` deletes the item); any
other list is replaced whole. The result is validated exactly like a scenario file.

>>> from allocator.loading import load_scenario
>>> base = load_scenario("scenarios/base.yaml")
>>> fewer = with_changes(base, {"total_htv": 30.0, "service_lines.skills.share": 0.2})
>>> fewer.total_htv
30.0
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from allocator.errors import Problem, ScenarioError
from allocator.schema import Scenario

_INDEX = re.compile(r"^(?P<key>[^\[\]]*)\[(?P<index>-?\d+)\]$")


def _named(items: Any) -> bool:
    return isinstance(items, list) and all(isinstance(i, Mapping) and "name" in i for i in items)


def merge_data(base: Any, override: Any) -> Any:
    """``override`` deep-merged onto ``base`` (neither is modified).

    Mappings merge key by key; lists of named mappings are patched by name; anything else
    in ``override`` replaces what is in ``base``.
    """
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        out = {k: copy.deepcopy(v) for k, v in base.items()}
        for key, value in override.items():
            out[key] = merge_data(out[key], value) if key in out else copy.deepcopy(value)
        return out
    if _named(base) and _named(override):
        merged = [copy.deepcopy(item) for item in base]
        for patch in override:
            names = [item["name"] for item in merged]
            if patch.get("remove") is True:
                merged = [item for item in merged if item["name"] != patch["name"]]
            elif patch["name"] in names:
                i = names.index(patch["name"])
                merged[i] = merge_data(merged[i], patch)
            else:
                merged.append(copy.deepcopy(dict(patch)))
        return merged
    return copy.deepcopy(override)


def _step(node: Any, part: str, path: str) -> tuple[Any, Any]:
    """The container and key that ``part`` addresses inside ``node``."""
    match = _INDEX.match(part)
    if match:
        key, index = match["key"], int(match["index"])
        if key:
            node = _step(node, key, path)[0][_step(node, key, path)[1]]
        if not isinstance(node, list) or not -len(node) <= index < len(node):
            raise KeyError(f"'{path}': no item [{index}]")
        return node, index
    if isinstance(node, list):
        names = [item.get("name") if isinstance(item, Mapping) else None for item in node]
        if part not in names:
            known = ", ".join(str(n) for n in names if n is not None)
            raise KeyError(f"'{path}': no item named '{part}' (known: {known})")
        return node, names.index(part)
    if isinstance(node, dict):
        return node, part
    raise KeyError(f"'{path}': cannot go into {type(node).__name__} at '{part}'")


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` in plain scenario data, in place.

    List items are addressed by name (``service_lines.skills.share``) or index
    (``offices[0].min_htv``). The last step may create a new mapping key; every other step
    must exist.
    """
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        container, key = _step(node, part, path)
        if i == len(parts) - 1:
            container[key] = copy.deepcopy(value)
            return
        if isinstance(container, dict) and key not in container:
            raise KeyError(f"'{path}': no key '{key}'")
        node = container[key]


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` in plain scenario data (same addressing as set_path)."""
    node = data
    for part in path.split("."):
        container, key = _step(node, part, path)
        if isinstance(container, dict) and key not in container:
            raise KeyError(f"'{path}': no key '{key}'")
        node = container[key]
    return node


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data, as it would be written in YAML (defaults included)."""
    return scenario.model_dump(mode="python")


def with_changes(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """A new scenario: ``scenario`` with each dotted path in ``changes`` set, validated.

    Raises ScenarioError naming the change that does not apply, or every problem the
    changed scenario has.
    """
    data = scenario_data(scenario)
    problems = []
    for path, value in changes.items():
        try:
            set_path(data, path, value)
        except KeyError as exc:
            problems.append(Problem(path, str(exc.args[0]).split(": ", 1)[-1], "<changes>"))
    if problems:
        raise ScenarioError(problems)
    from allocator.loading import scenario_from_data

    return scenario_from_data(data, "<changes>")
