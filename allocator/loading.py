"""YAML file -> Scenario, with every problem reported as ``file:line: field.path: message``.

YAML is read with the safe loader (no tags that construct objects); duplicate keys are
errors rather than silently overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from allocator.errors import Problem, ScenarioError
from allocator.schema import Scenario


def format_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a field path: ``('offices', 3, 'min_htv')`` -> ``offices[3].min_htv``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _compose(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML into plain data plus a map from field path to 1-based line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem("", "the file is empty", source)])
        lines: dict[str, int] = {}
        problems: list[Problem] = []
        _index(node, "", lines, problems, source)
        if problems:
            raise ScenarioError(problems)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise ScenarioError([Problem(
            "", f"YAML tag {exc.problem.split('tag ')[-1] if exc.problem else ''} is not allowed: "
            "a scenario holds plain data only", source,
            mark.line + 1 if mark is not None else None)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError([Problem("", f"YAML syntax error: {what}", source, line)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem("", f"YAML error: {exc}", source)]) from None
    finally:
        loader.dispose()
    return data, lines


def _index(node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem],
           source: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(child, f"duplicate key (first given on line {seen[key]})",
                                        source, line))
            seen[key] = line
            lines[child] = line
            _index(value_node, child, lines, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, f"{path}[{i}]", lines, problems, source)


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str] | None:
    """The keys the schema allows at the parent of ``loc``, for 'unknown key' messages."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return None


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in args or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    given = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc)
        hint = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        return f"unknown key '{loc[-1]}'{hint}"
    ctx = err.get("ctx") or {}
    bounds = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
              "less_than": "<"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return f"must be {bounds[kind]} {limit}, got {given!r}"
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"}:
        want = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {want}, got {given!r}"
    if kind in {"finite_number"}:
        return f"must be a finite number, got {given!r}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"needs at least {least} items"
    if kind == "string_pattern_mismatch":
        return f"{given!r} does not match the required form {ctx.get('pattern')}"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind.endswith("_type") and given is not None:
        msg = f"{msg}, got {given!r}"
    return msg


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """Each pydantic error as a Problem with a readable field path."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if loc and loc[-1] == "[key]":
            out.append(Problem(format_path(loc[:-1]), f"invalid key: {_message(err)}"))
            continue
        out.append(Problem(format_path(loc), _message(err)))
    return out


def scenario_from_data(data: Any, source: str | None = None,
                       lines: dict[str, int] | None = None) -> Scenario:
    """Validate plain data (as read from YAML) into a Scenario, or raise ScenarioError."""
    where = source or "<scenario>"
    if not isinstance(data, dict):
        raise ScenarioError([Problem("", "a scenario must be a mapping of keys to values", where,
                                     1 if lines is not None else None)])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc)).with_source(where, lines) from None
    except ScenarioError as exc:
        raise exc.with_source(where, lines) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file.

    Raises ScenarioError naming the file, line and field of every problem found.
    """
    p = Path(path)
    source = str(path)
    if not p.exists():
        raise ScenarioError([Problem("", "file does not exist", source)])
    if p.is_dir():
        raise ScenarioError([Problem("", "is a directory, not a scenario file", source)])
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem("", f"not UTF-8 text ({exc.reason})", source)]) from None
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot be read: {exc.strerror}", source)]) from None
    data, lines = _compose(text, source)
    return scenario_from_data(data, source, lines)
