"""YAML file -> Scenario, with every problem reported as ``file:line: field.path: message``.

YAML is read with the safe loader (no tags that construct objects); duplicate keys are
errors rather than silently overwritten.

A file may say ``extends: base.yaml`` (a path relative to itself) and give only what
differs; it is deep-merged onto its parent with :func:`allocator.scenario.paths.merge_traced`,
chains are followed and cycles refused. Every field of the merged data remembers the file
and line it was written on, so an error in a value inherited from the parent is reported
at the parent's line, and one in the child's own values at the child's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from allocator.errors import Problem, ScenarioError
from allocator.scenario.paths import get_path, merge_traced
from allocator.scenario.schema import EXTENDS, Scenario, scenario_json_schema


@dataclass(frozen=True)
class Origin:
    """Where a value of (possibly merged) scenario data was written.

    ``file`` as the user named it (a parent relative to its child's folder), ``line``
    1-based, ``path`` the field path inside that file, which differs from the merged
    data's path when a parent's list items shift after a ``remove``.
    """

    file: str
    line: int
    path: str


#: Field path of the merged data -> where it was written.
Origins = dict[str, Origin]


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


def scenario_from_data(data: Any, source: str | None = None,
                       lines: dict[str, int] | None = None,
                       origins: Mapping[str, Origin] | None = None) -> Scenario:
    """Validate plain data (as read from YAML) into a Scenario, or raise ScenarioError.

    ``lines`` locates problems by field path in ``source``; ``origins`` (from
    :func:`read_scenario_data`) locates each in the file and line it came from instead.
    """
    where = source or "<scenario>"
    if origins is None:
        return Scenario.from_data(data, where, lines)
    try:
        return Scenario.from_data(data, where, located=True)
    except ScenarioError as exc:
        raise ScenarioError([p if p.source is not None else locate(p, origins, where)
                             for p in exc.problems]) from None


def locate(problem: Problem, origins: Mapping[str, Origin], fallback: str) -> Problem:
    """``problem`` (a path of the merged data) at the file, line and path it came from.

    The nearest ancestor path with an origin decides; the rest of the path is kept, so a
    missing field is reported at the item that lacks it.
    """
    path = problem.path
    ancestor = path
    while ancestor not in origins and ancestor:
        cut = max(ancestor.rfind("."), ancestor.rfind("["))
        ancestor = ancestor[:max(cut, 0)]
    origin = origins.get(ancestor)
    if origin is None:
        return Problem(path, problem.message, fallback, problem.line)
    rest = path[len(ancestor):]
    if not origin.path:
        local = rest[1:] if rest.startswith(".") else rest
    else:
        local = origin.path + (rest if not rest or rest[0] in ".[" else f".{rest}")
    return Problem(local, problem.message, origin.file, origin.line)


def _read_text(p: Path, source: str) -> str:
    """The file's text, or a ScenarioError naming ``source``."""
    if not p.exists():
        raise ScenarioError([Problem("", "file does not exist", source)])
    if p.is_dir():
        raise ScenarioError([Problem("", "is a directory, not a scenario file", source)])
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem("", f"not UTF-8 text ({exc.reason})", source)]) from None
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot be read: {exc.strerror}", source)]) from None


def read_scenario_data(path: str | Path) -> tuple[Any, Origins]:
    """A scenario file as plain data with its ``extends`` chain merged, not yet validated.

    Returns the data and, for each field path of it, the file and line it was written on.
    Raises ScenarioError for unreadable files, YAML errors, a missing parent or a cycle.
    """
    return _read_chain(Path(path), str(path), [])


def _read_chain(p: Path, source: str, chain: list[tuple[Path, str]]) -> tuple[Any, Origins]:
    text = _read_text(p, source)
    data, lines = _compose(text, source)
    origins = {path: Origin(source, line, path) for path, line in lines.items()}
    if not isinstance(data, dict) or EXTENDS not in data:
        return data, origins
    parent_name = data.pop(EXTENDS)
    at = origins[EXTENDS]
    for key in [k for k in origins if k == EXTENDS or k.startswith(EXTENDS + ".")
                or k.startswith(EXTENDS + "[")]:
        del origins[key]

    def bad(message: str) -> ScenarioError:
        return ScenarioError([Problem(EXTENDS, message, source, at.line)])

    if not isinstance(parent_name, str) or not parent_name.strip():
        raise bad(f"must be the path of the scenario file to extend, got {parent_name!r}")
    parent = p.parent / parent_name
    parent_source = os.path.normpath(Path(source).parent / parent_name)
    me = (p.resolve(), source)
    seen = [*chain, me]
    if parent.resolve() in [r for r, _ in seen]:
        loop = [s for _, s in seen[[r for r, _ in seen].index(parent.resolve()):]]
        raise bad("extends a file that extends it again: "
                  + " -> ".join([*loop, parent_source]))
    if not parent.exists():
        raise bad(f"the file to extend, '{parent_name}', does not exist (looked for "
                  f"{parent_source})")
    if parent.is_dir():
        raise bad(f"'{parent_name}' ({parent_source}) is a directory, not a scenario file")
    base, base_origins = _read_chain(parent, parent_source, seen)
    if not isinstance(base, dict):
        raise bad(f"'{parent_name}' ({parent_source}) is not a mapping of keys to values")
    unmatched: list[Origin | None] = []
    merged, where = merge_traced(base, base_origins, data, origins, unmatched)
    problems = [Problem(f"{o.path}.name", f"no item named {_name_at(data, o.path)!r} to remove "
                        f"in '{parent_name}' or the files it extends", o.file,
                        origins.get(f"{o.path}.name", o).line)
                for o in unmatched if o is not None]
    if problems:
        raise ScenarioError(problems)
    return merged, where


def _name_at(data: Any, path: str) -> Any:
    """The ``name`` of the list item at ``path`` in ``data`` (a file's own, unmerged data)."""
    try:
        return get_path(data, f"{path}.name")
    except (KeyError, TypeError):
        return None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file, following its ``extends`` chain.

    Raises ScenarioError naming the file, line and field of every problem found.
    """
    data, origins = read_scenario_data(path)
    return scenario_from_data(data, str(path), origins=origins)


def scenario_file_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario *file*: the Scenario plus the optional ``extends``.

    A file that extends another needs none of the otherwise required keys, so the top-level
    ``required`` list applies only to files without ``extends``.
    """
    schema = scenario_json_schema()
    schema["properties"][EXTENDS] = {
        "type": "string",
        "title": "Extends",
        "description": ("Path of a scenario file (relative to this one) to start from; this "
                        "file then gives only what differs. Lists of named items are patched "
                        "by name; an item with 'remove: true' is deleted."),
    }
    required = schema.pop("required", [])
    schema["if"] = {"required": [EXTENDS]}
    schema["else"] = {"required": required}
    return schema


def load_scenarios(paths: list[str] | list[Path]) -> list[tuple[str, Scenario]]:
    """Every file as (path, Scenario), in order; raises one ScenarioError with the problems
    of every invalid file, so a user sees them all at once."""
    loaded: list[tuple[str, Scenario]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append((str(path), load_scenario(path)))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return loaded
