"""YAML file -> Scenario, with every problem reported as ``file:line: field.path: message``.

YAML is read with the safe loader (no tags that construct objects); duplicate keys are
errors rather than silently overwritten. Numbers are read as YAML 1.2 reads them, and
anything that could make reading unbounded is refused: files that are not regular or
exceed :data:`MAX_FILE_BYTES`, control characters, anchors and aliases, nesting deeper
than :data:`MAX_DEPTH` and ``extends`` chains longer than :data:`MAX_EXTENDS`.

A file may say ``extends: base.yaml`` (a path relative to itself) and give only what
differs; it is deep-merged onto its parent with :func:`allocator.scenario.paths.merge_traced`,
chains are followed and cycles refused. Every field of the merged data remembers the file
and line it was written on, so an error in a value inherited from the parent is reported
at the parent's line, and one in the child's own values at the child's.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from allocator.errors import Problem, ScenarioError
from allocator.scenario.paths import get_path, merge_traced
from allocator.scenario.reading import not_a_file, read_bounded, refusal
from allocator.scenario.schema import EXTENDS, Scenario, scenario_json_schema, show_name


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


#: Largest scenario file read [bytes]. A real scenario is a few kilobytes (base.yaml is
#: about 11 kB, the largest ``allocate generate`` makes about 1.3 MB); anything larger is
#: refused before it is parsed, so a wrong path cannot fill the memory.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: What the messages call the file read.
SCENARIO_FILE = "a scenario file"
#: Deepest nesting of mappings and lists in a file; a scenario needs about five levels.
MAX_DEPTH = 50
#: Most YAML nodes (keys, values, lists and mappings) in a file. The largest scenario
#: ``allocate generate`` makes has about 130,000; the bound keeps parse time and memory
#: of a file within seconds and a few hundred MB.
MAX_NODES = 200_000
#: Longest ``extends:`` chain (files, the first included); real chains have two or three.
MAX_EXTENDS = 20

_YAML = "tag:yaml.org,2002:"
#: Numbers as YAML 1.2's core schema reads them (also what JSON Schema accepts): 1e-2 and
#: 3.266e1 are numbers; 12:39 (YAML 1.1 sexagesimal 759) and 1_000 are text.
_INT_12 = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_12 = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
#: Booleans as YAML 1.2 reads them: yes, no, on and off are text, not true and false.
_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
#: A whole number with a leading zero: octal in YAML 1.1 (0107 = 71), decimal in 1.2.
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]+$")
#: Characters YAML allows in a document (YAML 1.1 §5.1 c-printable), and the BOM.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                            "\U00010000-\U0010ffff]")

#: Names of the C0 control characters, for messages.
_C0 = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF",
       "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
       "SUB", "ESC", "FS", "GS", "RS", "US")


class _Refused(Exception):
    """Input the loader does not read further: ``line`` (1-based) and what is wrong."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _line_of(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


if TYPE_CHECKING:
    _Base = yaml.SafeLoader
elif yaml.__with_libyaml__:
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.cyaml import CParser
    from yaml.resolver import Resolver

    class _Base(Composer, CParser, SafeConstructor, Resolver):
        """libyaml's scanner and parser (C, several times faster than PyYAML's own) under
        PyYAML's composer, so that every node still passes :meth:`_Loader.compose_node`."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
else:  # PyYAML built without libyaml: the same rules in pure Python
    _Base = yaml.SafeLoader


class _Loader(_Base):
    """The safe loader with YAML 1.2 numbers and booleans, no anchors or aliases, and
    bounded nesting and size.

    Anchors and aliases are refused outright: a scenario has no use for them, and an alias
    can expand a small file into billions of nodes or refer to itself.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(_line_of(event),
                           "YAML anchors and aliases (&name, *name) are not allowed: a scenario "
                           "writes every value out")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(_line_of(event), f"has more than {MAX_NODES:,} values; a scenario "
                           "has far fewer")
        if isinstance(event, yaml.CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(_line_of(event),
                               f"nested more than {MAX_DEPTH} levels deep")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in {_YAML + t for t in ("bool", "int", "float", "merge", "value")}]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_YAML + "bool", _BOOL_12, list("tTfF"))
for _first in "-+0123456789":
    _Loader.add_implicit_resolver(_YAML + "int", _INT_12, [_first])
for _first in "-+.0123456789":
    _Loader.add_implicit_resolver(_YAML + "float", _FLOAT_12, [_first])
_Loader.add_constructor(_YAML + "int", _Loader.construct_yaml_int)


def _check_characters(text: str, source: str) -> None:
    """Refuse control characters (NUL, BEL, ...) at their line, shown by code point."""
    bad = _NOT_PRINTABLE.search(text.lstrip("\ufeff"))
    if bad is None:
        return
    at = bad.start() + (len(text) - len(text.lstrip("\ufeff")))
    line = text.count("\n", 0, at) + 1
    char = bad.group()
    name = (_C0[ord(char)] if ord(char) < len(_C0) else "DEL" if char == "\x7f"
            else unicodedata.name(char, "a control character"))
    raise ScenarioError([Problem("", f"character U+{ord(char):04X} ({name}) is not allowed in "
                                 "a scenario file", source, line)])


def _compose(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML into plain data plus a map from field path to 1-based line."""
    _check_characters(text, source)
    loader = _Loader(text)
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
    except _Refused as exc:
        raise ScenarioError([Problem("", exc.message, source, exc.line)]) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        if exc.problem and "unhashable" in exc.problem:
            message = "a key must be a plain value, not a list or mapping"
        else:
            tag = exc.problem.split("tag ")[-1] if exc.problem else ""
            message = f"YAML tag {tag} is not allowed: a scenario holds plain data only"
        raise ScenarioError([Problem("", message, source, line)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError([Problem("", f"YAML syntax error: {what}", source, line)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem("", f"YAML error: {exc}", source)]) from None
    except (ValueError, OverflowError) as exc:
        raise ScenarioError([Problem("", f"a value cannot be read: {exc}", source)]) from None
    finally:
        loader.dispose()
    return data, lines


def _index(node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem],
           source: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if (isinstance(node, yaml.ScalarNode) and node.tag == _YAML + "int"
            and _LEADING_ZERO.match(node.value)):
        digits = node.value.lstrip("+-").lstrip("0") or "0"
        problems.append(Problem(path, f"{node.value} has a leading zero, which YAML 1.1 reads as "
                                f"an octal number; write {node.value[0] if node.value[0] in '+-' else ''}"
                                f"{digits}, or quote it if it is text", source,
                                node.start_mark.line + 1))
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


def read_value(text: str, source: str) -> Any:
    """One value written as in a scenario file (``30``, ``true``, ``[Sastamala, Punkalaidun]``,
    ``{feature: unemployed, persons_per_htv: 60}``), read by the same rules: YAML 1.2 numbers
    and booleans, no tags, anchors or control characters. Raises ScenarioError in ``source``.

    >>> read_value("32.66", "--set total_htv"), read_value("yes", "--set x")
    (32.66, 'yes')
    """
    if not text.strip():
        raise ScenarioError([Problem("", "no value after '='", source)])
    try:
        data, _ = _compose(text, source)
    except ScenarioError as exc:
        raise ScenarioError([Problem(p.path, p.message, source) for p in exc.problems]) from None
    return data


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
    """The file's text, or a ScenarioError naming ``source`` (see allocator.scenario.reading:
    only a regular file of at most :data:`MAX_FILE_BYTES` is opened)."""
    raw = read_bounded(p, source, SCENARIO_FILE, MAX_FILE_BYTES)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refusal(source, f"not UTF-8 text ({exc.reason})") from None


def _not_a_file(p: Path) -> str | None:
    """Why ``p`` cannot be a scenario file, or None when it can be read."""
    return not_a_file(p, SCENARIO_FILE, MAX_FILE_BYTES)


def read_scenario_data(path: str | Path) -> tuple[Any, Origins]:
    """A scenario file as plain data with its ``extends`` chain merged, not yet validated.

    Returns the data and, for each field path of it, the file and line it was written on.
    Raises ScenarioError for unreadable files, YAML errors, a missing parent or a cycle.
    """
    p = Path(path)
    data, lines = _compose(_read_text(p, str(path)), str(path))
    return _read_chain(p, str(path), data, lines, [])


def _read_chain(p: Path, source: str, data: Any, lines: dict[str, int],
                chain: list[tuple[Path, str]]) -> tuple[Any, Origins]:
    """``data`` (the file ``p``'s own) merged onto the chain of files it extends."""
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
    if "\x00" in parent_name:
        raise bad("the path contains a NUL character")
    if len(parent_name) > 1024:
        raise bad(f"the path is {len(parent_name)} characters long; at most 1024 are allowed")
    shown = show_name(parent_name)
    parent = p.parent / parent_name
    parent_source = os.path.normpath(Path(source).parent / parent_name)
    named = shown if parent_name == parent_source else f"{shown} ({parent_source})"
    if len(chain) + 2 > MAX_EXTENDS:
        raise bad(f"the chain of files extending one another is longer than {MAX_EXTENDS}")
    try:
        me = (p.resolve(), source)
        parent_key = parent.resolve()
    except (OSError, RuntimeError) as exc:
        raise bad(f"the file to extend, {shown}, cannot be found: "
                  f"{getattr(exc, 'strerror', None) or 'a symbolic link loop'}") from None
    seen = [*chain, me]
    if parent_key in [r for r, _ in seen]:
        loop = [s for _, s in seen[[r for r, _ in seen].index(parent_key):]]
        raise bad("extends a file that extends it again: "
                  + " -> ".join([*loop, parent_source]))
    reason = _not_a_file(parent)
    if reason == "file does not exist":
        raise bad(f"the file to extend, {shown}, does not exist (looked for "
                  f"{parent_source})")
    if reason is not None:
        raise bad(f"{named} {reason}")
    # The parent is reported in one line here until it has read as a scenario mapping, so
    # a wrong path never prints another file's content.
    try:
        parent_data, parent_lines = _compose(_read_text(parent, parent_source), parent_source)
    except ScenarioError as exc:
        first = exc.problems[0]
        line = f" (its line {first.line})" if first.line is not None else ""
        if first.message.startswith(("YAML syntax", "YAML error")):
            what = f"is not valid YAML{line}"
        elif first.path or first.message.startswith(("YAML tag", "a value")):
            what = f"cannot be read as a scenario{line}"
        else:  # a fixed message about the file as a whole, which quotes none of it
            what = f"cannot be read as a scenario: {first.message}{line}"
        raise bad(f"{named} {what}; check it on its own") from None
    if not isinstance(parent_data, dict):
        raise bad(f"{named} is not a scenario file: not a mapping of keys to values")
    fields = {*Scenario.model_fields, EXTENDS}
    if not all(isinstance(k, str) and k in fields for k in parent_data):
        raise bad(f"{named} is not a scenario file: its top level has keys that are not "
                  "scenario fields; check it on its own")
    base, base_origins = _read_chain(parent, parent_source, parent_data, parent_lines, seen)
    problems = _patched_twice(data, origins)
    if problems:
        raise ScenarioError(problems)
    unmatched: list[Origin | None] = []
    merged, where = merge_traced(base, base_origins, data, origins, unmatched)
    problems = [Problem(f"{o.path}.name", f"no item named {_name_at(data, o.path)!r} to remove "
                        f"in '{parent_name}' or the files it extends", o.file,
                        origins.get(f"{o.path}.name", o).line)
                for o in unmatched if o is not None]
    if problems:
        raise ScenarioError(problems)
    return merged, where


def _patched_twice(data: dict[str, Any], origins: Origins) -> list[Problem]:
    """A file that extends another may name a list item once: two patches of one name
    would otherwise silently keep the last."""
    out = []
    for key, items in data.items():
        if not isinstance(items, list):
            continue
        first: dict[Any, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or "name" not in item:
                continue
            name = item["name"]
            try:
                earlier = first.setdefault(name, i)
            except TypeError:
                continue
            if earlier != i:
                here = origins.get(f"{key}[{i}].name")
                there = origins.get(f"{key}[{earlier}].name")
                out.append(Problem(
                    f"{key}[{i}].name",
                    f"{show_name(name) if isinstance(name, str) else repr(name)} is patched "
                    f"twice in this file (first at {key}[{earlier}]"
                    f"{f', line {there.line}' if there else ''}); give its changes in one item",
                    here.file if here else None, here.line if here else None))
    return out


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
