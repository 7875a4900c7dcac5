"""The numeric inputs of a scenario that analyses move, and the changes that move them.

An input is addressed by its dotted path (``total_htv``, ``offices.Parkano office.min_htv``,
``service_lines.skills.share``); the rules' inputs come from their levers
(allocator.engine.rules), the caseload figures and demand weights from the scenario.
Changing one service line's share with ``rebalance`` (the default of every analysis)
scales the other lines' shares in proportion to their current shares, so the shares still
sum to 1: 40/40/20 with skills at 0.30 becomes 35/35/30.

>>> from allocator.scenario.loading import load_scenario
>>> base = load_scenario("scenarios/base.yaml")
>>> rebalanced_changes(base, {"service_lines.skills.share": 0.3})
{'service_lines.skills.share': 0.3, 'service_lines[0].share': 0.35, 'service_lines[1].share': 0.35}
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from allocator.engine.rules import RULES
from allocator.engine.rules.base import Lever
from allocator.errors import Problem, ScenarioError
from allocator.scenario.features import feature_name
from allocator.scenario.paths import get_path, item_path
from allocator.scenario.schema import Scenario, to_fraction
from allocator.scenario.variants import scenario_data

#: Most points one --param may ask for.
MAX_POINTS = 2000


@dataclass(frozen=True)
class Input:
    """A numeric input of a scenario, addressed by its dotted path.

    ``value`` is the base value [the field's own unit]; ``quantum`` is set for sizes that
    must be whole multiples of the granularity [HTV] (total_htv, fixed central services);
    ``integer`` for fields the schema declares whole numbers (e.g. solver.workers).
    """

    path: str
    label: str
    kind: str
    value: float
    quantum: Fraction | None = None
    integer: bool = False

    def moved(self, relative: float) -> float:
        """The value changed by ``relative`` (0.1 = +10 %), rounded to the quantum if any."""
        exact = to_fraction(self.value) * (1 + to_fraction(relative))
        if self.quantum is not None:
            exact = round(exact / self.quantum) * self.quantum
        return tidy(exact)


def tidy(value: Fraction | float) -> float:
    """A float without binary noise (12 significant digits)."""
    return float(f"{float(value):.12g}")


def _as_input(lever: Lever) -> Input:
    assert lever.kind is not None
    return Input(lever.path(by_name=True), lever.label, lever.kind, float(lever.value),
                 lever.quantum)


def numeric_inputs(s: Scenario) -> list[Input]:
    """Every numeric input a tornado or tipping-point analysis moves, in a stable order.

    total_htv; each caseload figure; each line's demand weights, then its rules' inputs
    (share, rebalanced, and tolerance); each office's rule inputs (minimum, the default
    when none is given, and maximum when given); each central service's size (fixed HTV,
    or persons per HTV). The rules' inputs are their levers (allocator.engine.rules).
    """
    levers = [lever for rule in RULES for lever in rule.levers(s) if lever.kind is not None]

    def of(item: str | None, index: int | None = None) -> list[Input]:
        return [_as_input(lv) for lv in levers if lv.item == item and lv.index == index]

    out = of(None)
    for i, m in enumerate(s.municipalities):
        for f, v in m.caseload.items():
            out.append(Input(f"{item_path('municipalities', i, m.name)}.caseload.{f}",
                             f"{m.name} · {feature_name(s, f)}", "caseload", v))
    for i, ln in enumerate(s.service_lines):
        at = item_path("service_lines", i, ln.name)
        for f, w in ln.demand.items():
            out.append(Input(f"{at}.demand.{f}", f"{ln.short_in('en')} · weight of "
                             f"{feature_name(s, f)}", "demand_weight", w))
        out += of("service_lines", i)
    for i in range(len(s.offices)):
        out += of("offices", i)
    for i in range(len(s.central_services)):
        out += of("central_services", i)
    return out


def input_at(s: Scenario, path: str, source: str = "--param", need_value: bool = True) -> Input:
    """The numeric input at ``path``; ScenarioError naming the path if there is none.

    ``offices[0].min_htv`` and ``offices.Sastamala office.min_htv`` are the same input.
    Without ``need_value`` an optional numeric field that is not set (e.g. an office's
    max_htv) is accepted, with value NaN.
    """
    canonical = _canonical(s, path)
    for known in numeric_inputs(s):
        if known.path == canonical:
            return replace(known, path=path)
    try:
        value = get_path(scenario_data(s), path)
    except KeyError as exc:
        raise ScenarioError([Problem(path, str(exc.args[0]).split(": ", 1)[-1], source)]) from None
    kinds = _numeric_kinds(path)
    if not kinds:
        shown = "a list or mapping" if isinstance(value, list | dict) else repr(value)
        raise ScenarioError([Problem(path, f"is not a numeric field (its value is {shown})",
                                     source)])
    if value is None and need_value:
        raise ScenarioError([Problem(path, "has no value in the scenario to start from; "
                                           "give it in the scenario file first", source)])
    return Input(path, path, "other", float("nan") if value is None else float(value),
                 integer=float not in kinds)


_TOP = re.compile(r"^(?P<what>municipalities|areas|offices|service_lines|central_services)"
                  r"\[(?P<index>-?\d+)\](?P<rest>\..*)?$")


def _canonical(s: Scenario, path: str) -> str:
    """``path`` with a top-level list index replaced by the item's name where possible."""
    match = _TOP.match(path)
    if match is None:
        return path
    items: list[Any] = getattr(s, match["what"])
    index = int(match["index"])
    if not -len(items) <= index < len(items):
        return path
    return item_path(match["what"], index % len(items), items[index].name) + (match["rest"] or "")


def _numeric_kinds(path: str) -> set[type]:
    """The number types (int, float) the schema declares at ``path``; empty if not a number."""
    annotation: Any = Scenario
    for part in path.split("."):
        match = re.match(r"^(?P<key>[^\[\]]*)((\[-?\d+\])*)$", part)
        key = match["key"] if match else part
        steps = part.count("[")
        if key:
            annotation = _inner(annotation, key)
        for _ in range(steps):
            annotation = _inner(annotation, None)
        if annotation is None:
            return set()
    kinds = _flatten(annotation)
    return set() if bool in kinds else {k for k in kinds if k in (int, float)}


def _flatten(annotation: Any) -> list[Any]:
    """The plain types inside Annotated[...] and unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _flatten(arg)]
    return [annotation]


def _inner(annotation: Any, key: str | None) -> Any:
    """The annotation one step down: a model's field, a list's item, a mapping's value."""
    for kind in _flatten(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if key is None:
                return None
            info = kind.model_fields.get(key)
            return None if info is None else info.annotation
        origin = typing.get_origin(kind)
        if origin is list:  # an item, by name or by index
            return typing.get_args(kind)[0]
        if origin is dict and key is not None:
            return typing.get_args(kind)[1]
    return None


_SHARE = re.compile(r"^service_lines(?:\.(?P<name>[^.\[\]]+)|\[(?P<index>-?\d+)\])\.share$")


def rebalanced_changes(s: Scenario, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` plus, for a changed line share, the other lines' shares scaled to sum 1.

    The other lines keep their proportions to each other. Changes to several shares at
    once, or when the other lines have no share to scale, are left as given (and then
    fail validation if they do not sum to 1).
    """
    out = dict(changes)
    hits = [(p, v) for p, v in changes.items() if _SHARE.match(p)]
    if len(hits) != 1:
        return out
    path, value = hits[0]
    match = _SHARE.match(path)
    assert match is not None
    names = [ln.name for ln in s.service_lines]
    if match["name"] is not None:
        if match["name"] not in names:
            return out
        index = names.index(match["name"])
    else:
        index = int(match["index"]) % len(names)
    old = to_fraction(s.service_lines[index].share)
    rest = 1 - old
    if rest <= 0 or not isinstance(value, int | float):
        return out
    scale = (1 - to_fraction(value)) / rest
    for j, ln in enumerate(s.service_lines):
        if j != index:
            out[f"service_lines[{j}].share"] = tidy(to_fraction(ln.share) * scale)
    return out


def changes_for(s: Scenario, path: str, value: float, rebalance: bool) -> dict[str, Any]:
    """``{path: value}``, with the other line shares rebalanced when ``rebalance``."""
    changes: dict[str, Any] = {path: value}
    return rebalanced_changes(s, changes) if rebalance else changes


def parse_param(spec: str) -> tuple[str, list[float]]:
    """``path=start:stop:step`` (inclusive stop) or ``path=v1,v2,...`` -> (path, values).

    Decimal arithmetic, so 28:36:0.5 gives exactly 28.0, 28.5, ..., 36.0. Raises
    ScenarioError naming the path (or the whole spec) when malformed.
    """
    path, sep, values = spec.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ScenarioError([Problem("", f"'{spec}' is not of the form path=start:stop:step "
                                         "or path=v1,v2,...", "--param")])

    def bad(message: str) -> ScenarioError:
        return ScenarioError([Problem(path, message, "--param")])

    try:
        if ":" in values:
            parts = [Decimal(p) for p in values.split(":")]
            if len(parts) != 3:
                raise bad(f"range '{values}' needs start:stop:step")
            start, stop, step = parts
            if not all(p.is_finite() for p in parts):
                raise bad(f"range '{values}' must be finite numbers")
            if step <= 0:
                raise bad(f"step {step} must be > 0")
            if stop < start:
                raise bad(f"stop {stop} is below start {start}")
            count = int((stop - start) / step) + 1
            if count > MAX_POINTS:
                raise bad(f"{count} points; at most {MAX_POINTS} per parameter")
            numbers = [start + k * step for k in range(count)]
        else:
            numbers = [Decimal(p) for p in values.split(",")]
            if not all(n.is_finite() for n in numbers):
                raise bad(f"values '{values}' must be finite numbers")
    except InvalidOperation:
        raise bad(f"'{values}' is not a number range (start:stop:step) or list (v1,v2,...)") \
            from None
    return path, [float(n) for n in numbers]
