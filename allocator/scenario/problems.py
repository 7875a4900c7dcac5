"""pydantic's validation errors as :class:`~allocator.errors.Problem` rows a person can act on.

Each error becomes a field path (``offices[3].min_htv``) and a message that says what is
wrong and, for an unknown key, which keys are allowed there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from allocator.errors import Problem


def format_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a field path: ``('offices', 3, 'min_htv')`` -> ``offices[3].min_htv``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _allowed_keys(root: type[BaseModel], loc: tuple[int | str, ...],
                  root_extra: Sequence[str]) -> list[str] | None:
    """The keys the schema allows at the parent of ``loc``, for 'unknown key' messages."""
    model: Any = root
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
        keys = list(model.model_fields)
        return [*keys, *root_extra] if model is root else keys
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


#: A number written with a decimal comma, as Finnish spreadsheets show it: 32,66 or -0,5.
_DECIMAL_COMMA = re.compile(r"^\s*([-+]?\d+),(\d+)\s*$")


def decimal_point_hint(given: Any) -> str:
    """For text such as ``'32,66'``: what to write instead (``; write 32.66 ...``), else ''.

    YAML (like JSON and Python) reads only a decimal point, so a figure copied from a
    Finnish spreadsheet arrives as text; saying what to write saves a search.

    >>> decimal_point_hint("32,66")
    '; write 32.66 (a decimal point, not a comma)'
    >>> decimal_point_hint("lots")
    ''
    """
    match = _DECIMAL_COMMA.match(given) if isinstance(given, str) else None
    return f"; write {match[1]}.{match[2]} (a decimal point, not a comma)" if match else ""


def _message(err: Mapping[str, Any], root: type[BaseModel], root_extra: Sequence[str]) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    given = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc, root_extra)
        hint = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        return f"unknown key '{loc[-1]}'{hint}"
    ctx = err.get("ctx") or {}
    bounds = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
              "less_than": "<"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return f"must be {bounds[kind]} {limit}, got {given!r}"
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"}:
        if kind.startswith("int"):
            return f"must be a whole number, got {given!r}"
        return f"must be a number, got {given!r}{decimal_point_hint(given)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false, got {given!r}"
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


def problems_from_validation(exc: ValidationError, root: type[BaseModel],
                             root_extra: Sequence[str] = ()) -> list[Problem]:
    """Each pydantic error of validating ``root`` as a Problem with a readable field path.

    ``root_extra`` are keys a file may give at the top besides the model's fields (such as
    ``extends``), named among the allowed keys of an 'unknown key' message.
    """
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if loc and loc[-1] == "[key]":
            out.append(Problem(format_path(loc[:-1]), f"invalid key: {_message(err, root, root_extra)}"))
            continue
        out.append(Problem(format_path(loc), _message(err, root, root_extra)))
    return out
