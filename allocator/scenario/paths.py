"""Plain scenario data (as read from YAML): deep merges and dotted-path access.

Both follow one rule for lists: a list of mappings that have a ``name`` is patched item by
item, matched by name (a new name is appended; ``remove: true`` deletes the item); any
other list is replaced whole. Nothing here validates: the schema does that afterwards.

>>> merge_data({"offices": [{"name": "A", "min_htv": 2.0}]},
...            {"offices": [{"name": "A", "min_htv": 1.0}, {"name": "B"}]})
{'offices': [{'name': 'A', 'min_htv': 1.0}, {'name': 'B'}]}
>>> get_path({"service_lines": [{"name": "skills", "share": 0.2}]}, "service_lines.skills.share")
0.2
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")

#: The key that deletes a named list item, in a patch or at the end of a dotted path.
REMOVE = "remove"

_INDEX = re.compile(r"^(?P<key>[^\[\]]*)\[(?P<index>-?\d+)\]$")
#: Where a path's next step starts: each '.' or '['.
_STEP_START = re.compile(r"[.\[]")


def _named(items: Any) -> bool:
    return isinstance(items, list) and all(isinstance(i, Mapping) and "name" in i for i in items)


def merge_data(base: Any, override: Any) -> Any:
    """``override`` deep-merged onto ``base`` (neither is modified).

    Mappings merge key by key; lists of named mappings are patched by name; anything else
    in ``override`` replaces what is in ``base``.
    """
    merged, _ = merge_traced(base, {}, override, {})
    return merged


def merge_traced(base: Any, base_where: Mapping[str, T], override: Any,
                 override_where: Mapping[str, T],
                 unmatched: list[T | None] | None = None) -> tuple[Any, dict[str, T]]:
    """:func:`merge_data` that also says where each part of the result came from.

    ``base_where`` and ``override_where`` map field paths *relative to the data given*
    (``""`` for the data itself, ``offices[2].min_htv``, ...) to any marker, for example
    the file and line a value was read from. The result's map gives, for each path of the
    merged data, the marker of the side it was taken from; list items patched by name keep
    their markers when their index shifts. A merged mapping or list is marked by the
    override's marker when it has one. The origin of each ``remove: true`` patch whose name
    matched nothing is appended to ``unmatched`` (the merge itself ignores it).
    """
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        b_node, b_sub = _split(base_where)
        o_node, o_sub = _split(override_where)
        out: dict[Any, Any] = {}
        where = _node(o_node, b_node)
        for key, value in base.items():
            step = str(key)
            if key in override:
                out[key], w = merge_traced(value, b_sub.get(step, {}), override[key],
                                           o_sub.get(step, {}), unmatched)
            else:
                out[key], w = copy.deepcopy(value), b_sub.get(step, {})
            where.update(_under(w, step))
        for key, value in override.items():
            if key not in base:
                out[key] = copy.deepcopy(value)
                where.update(_under(o_sub.get(str(key), {}), str(key)))
        return out, where
    if _named(base) and _named(override):
        b_node, b_sub = _split(base_where)
        o_node, o_sub = _split(override_where)
        items: list[tuple[Any, Mapping[str, T]]] = [
            (copy.deepcopy(item), b_sub.get(f"[{i}]", {})) for i, item in enumerate(base)]
        for j, patch in enumerate(override):
            p_where = o_sub.get(f"[{j}]", {})
            names = [item["name"] for item, _ in items]
            if patch.get(REMOVE) is True:
                if patch["name"] not in names and unmatched is not None:
                    unmatched.append(p_where.get(""))
                items = [(item, w) for item, w in items if item["name"] != patch["name"]]
            elif patch["name"] in names:
                i = names.index(patch["name"])
                items[i] = merge_traced(items[i][0], items[i][1], patch, p_where, unmatched)
            else:
                items.append((copy.deepcopy(dict(patch)), p_where))
        merged_where = _node(o_node, b_node)
        for i, (_, item_where) in enumerate(items):
            merged_where.update(_under(item_where, f"[{i}]"))
        return [item for item, _ in items], merged_where
    return copy.deepcopy(override), dict(override_where)


def _node(first: T | None, second: T | None) -> dict[str, T]:
    """The marker map of a merged node itself: the override's marker, else the base's."""
    chosen = first if first is not None else second
    return {} if chosen is None else {"": chosen}


def _split(where: Mapping[str, T]) -> tuple[T | None, dict[str, dict[str, T]]]:
    """A relative path map as (the node's own marker, {first step: map relative to it}).

    Steps are mapping keys (``offices``) or list indices (``[2]``).
    """
    node = None
    children: dict[str, dict[str, T]] = {}
    for path, marker in where.items():
        if not path:
            node = marker
            continue
        if path.startswith("["):
            cut = path.index("]") + 1
        else:
            cuts = [i for i in (path.find("."), path.find("[")) if i > 0]
            cut = min(cuts) if cuts else len(path)
        step, rest = path[:cut], path[cut:]
        children.setdefault(step, {})[rest[1:] if rest.startswith(".") else rest] = marker
    return node, children


def _under(where: Mapping[str, T], step: str) -> dict[str, T]:
    """A relative path map re-rooted one ``step`` (a key or ``[i]``) further down."""
    out = {}
    for path, marker in where.items():
        if not path or path.startswith("["):
            out[step + path] = marker
        else:
            out[f"{step}.{path}"] = marker
    return out


def item_path(what: str, index: int, name: str | None, by_name: bool = True) -> str:
    """The path of a list item: ``what.name`` when the name can be written in a path (and
    ``by_name``), else ``what[index]``: ``offices.Parkano office`` or ``offices[1]``."""
    if by_name and name is not None and not re.search(r"[.\[\]]", name):
        return f"{what}.{name}"
    return f"{what}[{index}]"


def _step(node: Any, part: str, path: str) -> tuple[Any, Any]:
    """The container and key that ``part`` addresses inside ``node``."""
    match = _INDEX.match(part) if "[" in part else None
    if match:
        key, index = match["key"], int(match["index"])
        if key:
            container, at = _step(node, key, path)
            node = _plain(container, at)
        if not isinstance(node, list) or not -len(node) <= index < len(node):
            raise KeyError(f"'{path}': no item [{index}]")
        return node, index
    if isinstance(node, list):
        names = [item.get("name") if isinstance(item, dict) else getattr(item, "name", None)
                 for item in node]
        if part not in names:
            known = ", ".join(str(n) for n in names if n is not None)
            raise KeyError(f"'{path}': no item named '{part}' (known: {known})")
        return node, names.index(part)
    if isinstance(node, dict):
        return node, part
    raise KeyError(f"'{path}': cannot go into {type(node).__name__} at '{part}'")


def _plain(container: Any, key: Any) -> Any:
    """``container[key]``, first replaced by its plain data when it is a schema object.

    A changed copy starts from a shallow copy of a validated scenario (see
    ``Scenario.with_changes``): only the parts a path goes into become plain data again.
    """
    node = container[key]
    if hasattr(node, "model_dump"):
        node = container[key] = node.model_dump(mode="python")
    return node


def set_path(data: dict[str, Any], path: str, value: Any,
             parents: dict[str, Any] | None = None) -> None:
    """Set ``value`` at a dotted ``path`` in plain scenario data, in place.

    List items are addressed by name (``service_lines.skills.share``) or index
    (``offices[0].min_htv``). The last step may create a new mapping key; every other step
    must exist. ``remove`` set to true on a list item deletes it, as ``remove: true`` does
    in a file that extends another (``offices.Kihniö service point.remove``).

    >>> data = {"offices": [{"name": "A"}, {"name": "B"}]}
    >>> set_path(data, "offices.A.remove", True)
    >>> data
    {'offices': [{'name': 'B'}]}

    ``parents`` (see :func:`set_paths`) keeps the node each parent path leads to.
    """
    head, _, last = path.rpartition(".")
    node: Any = data
    item: tuple[list[Any], int] | None = None
    if parents is not None and head in parents:
        node, parts = parents[head], [last]
        if isinstance(node, dict) and "[" not in last and last != REMOVE \
                and isinstance(value, (int, float, str, type(None))):
            node[last] = value  # a number under a mapping already reached
            return
    else:
        parts = path.split(".")
    for i, part in enumerate(parts):
        if i == len(parts) - 1 and part == REMOVE and item is not None:
            if value is not True:
                raise KeyError(f"'{path}': '{REMOVE}' deletes the item and takes only true, "
                               f"got {value!r}")
            del item[0][item[1]]
            return
        container, key = _step(node, part, path)
        if i == len(parts) - 1:
            if parents is not None:
                parents[head] = node
            # A number or text is immutable: only a list or mapping needs its own copy.
            container[key] = value if isinstance(value, (int, float, str, type(None))) \
                else copy.deepcopy(value)
            return
        item = (container, key) if isinstance(container, list) else None
        if isinstance(container, dict) and key not in container:
            raise KeyError(f"'{path}': no key '{key}'")
        node = _plain(container, key)


def set_paths(data: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, str]:
    """:func:`set_path` for each of ``changes`` in order; returns each path that does not
    apply with why (the changes that apply are made).

    An analysis changes many values under the same parent (a Monte Carlo draw sets every
    caseload of every municipality), so each parent is looked up once, when no change
    could move another's parent: none renames or removes an item, and no path lies
    inside another.

    >>> data = {"municipalities": [{"name": "A", "caseload": {"u": 1, "v": 2}}]}
    >>> set_paths(data, {"municipalities.A.caseload.u": 5, "municipalities.A.caseload.w": 7})
    {}
    >>> data["municipalities"][0]["caseload"]
    {'u': 5, 'v': 2, 'w': 7}
    """
    problems: dict[str, str] = {}
    paths = set(changes)
    # A path inside another has more steps; when all have as many, none is (the common case).
    nested = len({p.count(".") + p.count("[") for p in paths}) > 1 and any(
        path[:cut.start()] in paths for path in paths for cut in _STEP_START.finditer(path))
    moving = any(p == "name" or p.endswith((".name", f".{REMOVE}")) for p in paths)
    parents: dict[str, Any] | None = None if nested or moving else {}
    for path, value in changes.items():
        try:
            set_path(data, path, value, parents)
        except KeyError as exc:
            problems[path] = str(exc.args[0])
    return problems


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` in plain scenario data (same addressing as set_path)."""
    node = data
    for part in path.split("."):
        container, key = _step(node, part, path)
        if isinstance(container, dict) and key not in container:
            raise KeyError(f"'{path}': no key '{key}'")
        node = _plain(container, key)
    return node


def index_path(data: Any, path: str) -> str:
    """``path`` with every list item addressed by its index, as validation problems name
    it: ``offices.Parkano office.min_htv`` -> ``offices[1].min_htv``. Steps that do not
    exist are kept as written.

    >>> index_path({"offices": [{"name": "A"}, {"name": "B"}]}, "offices.B.min_htv")
    'offices[1].min_htv'
    """
    out = ""
    node: Any = data
    parts = path.split(".")
    for i, part in enumerate(parts):
        try:
            container, key = _step(node, part, path)
        except KeyError:
            return ".".join(filter(None, [out, *parts[i:]]))
        if _INDEX.match(part) or isinstance(container, list):
            prefix = _INDEX.match(part)
            step = (f"{prefix['key']}[{key}]" if prefix else f"[{key}]")
            out = out + (("." if out and prefix and prefix["key"] else "") + step)
        else:
            out = f"{out}.{key}" if out else str(key)
        try:
            node = container[key]
        except (KeyError, IndexError, TypeError):
            return ".".join(filter(None, [out, *parts[i + 1:]]))
    return out
