"""Statistics Finland's monthly employment service statistics (PxWeb table 12r5) as
caseload figures: the query, the JSON-stat 2.0 response, and a scenario that extends
another with the new month's figures.

JSON-stat 2.0 is small: ``id`` and ``size`` give the dimensions in order,
``dimension.<id>.category.index`` maps each code to its position, and ``value`` is the
flat row-major array (or a sparse mapping of positions), with ``null`` for a figure
that is confidential or missing. Standard library only: the registry's clients
(pxwebpy, statfin, pyjstat) bring pandas and requests, and the part needed here is a few
dozen lines.

A variable maps to a caseload feature only when it counts the same persons
(:data:`DEFAULT_MAP`); under-25s (``TYOTTOMAT25``) are never taken for ``under_30``.
"""

from __future__ import annotations

import json
import math
import os
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allocator.errors import Problem, ScenarioError
from allocator.scenario.schema import Scenario, show_number

#: Statistics Finland's table of monthly employment service statistics by municipality.
TABLE = "statfin_tyonv_pxt_12r5"
#: Where PxWeb answers queries on the table (POST a JSON body, get JSON-stat 2.0).
URL = f"https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/tyonv/{TABLE}.px"
#: The table's dimensions: municipality (``KU790``), month (``2024M07``), variable.
AREA, MONTH, VARIABLE = "Alue", "Kuukausi", "Tiedot"
#: Base caseload feature -> the 12r5 variable that counts the same persons. Only these
#: are taken without --map: labour force (the employment statistics' labour force, the
#: denominator of the unemployment rate), unemployed jobseekers at the end of the month,
#: over-50s, long-term unemployed (over a year) and foreign nationals.
DEFAULT_MAP: dict[str, str] = {
    "labour_force": "TYOVOIMATK",
    "unemployed": "TYOTTOMATLOPUSSA",
    "over_50": "TYOTTOMAT50",
    "long_term_unemployed": "PITKAAIKAISTYOTTOMAT",
    "foreign_nationals": "TYOTTOMATULK",
}
#: Variables that look like a feature but count other persons: never mapped by default.
NOT_THE_SAME: dict[str, str] = {
    "TYOTTOMAT25": "under-25s, not under-30s: it is not under_30",
}
#: Largest response read [bytes]; a month of one area is a few kilobytes.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_MONTH = re.compile(r"^\d{4}M(0[1-9]|1[0-2])$")
_CODE = re.compile(r"^KU(\d{3})$")


class FetchError(Exception):
    """The query could not be run: no network, a timeout, or an HTTP error; says which."""


# --- the query ---------------------------------------------------------------------------

def check_month(month: str) -> str:
    """``month`` as PxWeb writes it (``2024M07``), or ScenarioError saying the form."""
    if not _MONTH.match(month):
        raise ScenarioError([Problem("", f"{month!r} is not a month as Statistics Finland writes "
                                     "it: YYYYMmm, e.g. 2024M07", "--month")])
    return month


def area_codes(scenario: Scenario) -> dict[str, str]:
    """Municipality name -> its 12r5 area code (``code: "790"`` -> ``KU790``); ScenarioError
    naming every municipality without a usable code."""
    out, problems = {}, []
    for i, m in enumerate(scenario.municipalities):
        code = (m.code or "").strip()
        if not code.isdigit() or len(code) > 3:
            problems.append(Problem(f"municipalities[{i}].code", f"{m.name} needs its Statistics "
                                    f"Finland municipality code (three digits, e.g. '790') to "
                                    f"be matched, got {m.code!r}"))
        else:
            out[m.name] = f"KU{int(code):03d}"
    if problems:
        raise ScenarioError(problems)
    return out


def query_body(scenario: Scenario, month: str, variables: Sequence[str]) -> dict[str, Any]:
    """The PxWeb query for ``month``'s ``variables`` of the scenario's municipalities."""
    def item(code: str, values: Sequence[str]) -> dict[str, Any]:
        return {"code": code, "selection": {"filter": "item", "values": list(values)}}

    return {"query": [item(AREA, list(area_codes(scenario).values())),
                      item(MONTH, [check_month(month)]), item(VARIABLE, variables)],
            "response": {"format": "json-stat2"}}


def fetch(url: str, body: Mapping[str, Any], timeout: float) -> bytes:
    """POST the query to ``url`` and return the response's bytes; FetchError on failure."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"{url!r} is not an http:// or https:// address")
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip()
        raise FetchError(f"{url} answered HTTP {exc.code} {exc.reason}"
                         + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as exc:
        raise FetchError(f"cannot reach {url}: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"no answer from {url} within {show_number(timeout)} s") from None
    except OSError as exc:
        raise FetchError(f"cannot reach {url}: {exc.strerror or exc}") from None
    if len(data) > MAX_RESPONSE_BYTES:
        raise FetchError(f"{url} answered more than {MAX_RESPONSE_BYTES // (1024 * 1024)} MB; "
                         "a month of one area is far smaller")
    return data


# --- the response ------------------------------------------------------------------------

@dataclass(frozen=True)
class Dataset:
    """A JSON-stat 2.0 dataset: dimensions in order, each with its codes by position."""

    label: str
    updated: str | None
    ids: tuple[str, ...]
    codes: dict[str, list[str]]
    labels: dict[str, dict[str, str]]
    values: dict[int, float | None]
    status: dict[int, str] = field(default_factory=dict)

    def position(self, **codes: str) -> int:
        """The flat position of one cell, by each dimension's code."""
        at = 0
        for dim in self.ids:
            at = at * len(self.codes[dim]) + self.codes[dim].index(codes[dim])
        return at

    def value(self, **codes: str) -> float | None:
        """One cell (None when confidential or missing)."""
        return self.values.get(self.position(**codes))


def parse_dataset(raw: bytes, source: str) -> Dataset:
    """A JSON-stat 2.0 response as a Dataset; ScenarioError with every problem found."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _bad(source, "is not UTF-8 text, so not a JSON-stat response") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem("", f"is not JSON: {exc.msg} (column {exc.colno})", source,
                                     exc.lineno)]) from None
    if not isinstance(doc, dict):
        raise _bad(source, "is not a JSON-stat 2.0 dataset: not a JSON object")
    if "dataset" in doc or "columns" in doc:
        raise _bad(source, "is PxWeb's older JSON-stat 1.0 or plain 'json' format; ask for "
                   "\"response\": {\"format\": \"json-stat2\"} (see --query)")
    if doc.get("class") != "dataset":
        raise _bad(source, f"is not a JSON-stat 2.0 dataset: class is {doc.get('class')!r}, "
                   "not 'dataset'")
    problems: list[Problem] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(path, message, source))

    ids, sizes = doc.get("id"), doc.get("size")
    if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
        raise _bad(source, "id: must be the list of dimension names", "id")
    if not (isinstance(sizes, list) and all(type(n) is int and n >= 0 for n in sizes)
            and len(sizes) == len(ids)):
        raise _bad(source, f"size: must be {len(ids)} whole numbers, one per dimension in id",
                   "size")
    dims = doc.get("dimension")
    if not isinstance(dims, dict):
        raise _bad(source, "dimension: missing, or not an object", "dimension")
    codes: dict[str, list[str]] = {}
    labels: dict[str, dict[str, str]] = {}
    for dim, size in zip(ids, sizes, strict=True):
        category = dims.get(dim, {}).get("category") if isinstance(dims.get(dim), dict) else None
        if not isinstance(category, dict):
            bad(f"dimension.{dim}.category", "missing, or not an object")
            continue
        index = category.get("index")
        given = category.get("label")
        label: dict[Any, Any] = given if isinstance(given, dict) else {}
        if index is None and len(label) == 1 == size:  # a single category may omit index
            index = list(label)
        if isinstance(index, list) and all(isinstance(c, str) for c in index):
            order = list(index)
        elif (isinstance(index, dict) and all(type(p) is int for p in index.values())
              and sorted(index.values()) == list(range(len(index)))):
            order = sorted(index, key=index.__getitem__)
        else:
            bad(f"dimension.{dim}.category.index", "must map each code to its position 0, 1, ...")
            continue
        if len(order) != size:
            bad(f"dimension.{dim}.category.index", f"has {len(order)} codes, but size says {size}")
            continue
        codes[dim] = order
        labels[dim] = {str(k): str(v) for k, v in label.items()}
    cells = math.prod(sizes)
    values: dict[int, float | None] = {}
    raw_values = doc.get("value")
    items: list[tuple[Any, Any]]
    if isinstance(raw_values, list):
        if len(raw_values) != cells:
            bad("value", f"has {len(raw_values)} numbers, but the sizes {sizes} make {cells}")
        items = list(enumerate(raw_values))
    elif isinstance(raw_values, dict):
        items = list(raw_values.items())
    else:
        raise _bad(source, "value: missing, or neither a list nor an object", "value")
    for key, v in items:
        at = int(key) if isinstance(key, int) or str(key).isdigit() else -1
        if not 0 <= at < cells:
            bad(f"value.{key}", f"position outside the {cells} cells")
        elif v is None:
            values[at] = None
        elif isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            bad(f"value[{at}]", f"must be a number or null, got {v!r}")
        else:
            values[at] = float(v)
    for dim in (AREA, MONTH, VARIABLE):
        if dim not in ids:
            bad("id", f"has no dimension '{dim}' (it has {', '.join(ids) or 'none'}); table "
                f"12r5 has {AREA}, {MONTH} and {VARIABLE}")
    if problems:
        raise ScenarioError(problems)
    raw_status = doc.get("status")
    status: dict[int, str] = {}
    if isinstance(raw_status, str):
        status = dict.fromkeys(range(cells), raw_status)
    elif isinstance(raw_status, list):
        status = {i: str(s) for i, s in enumerate(raw_status) if s}
    elif isinstance(raw_status, dict):
        status = {int(k): str(s) for k, s in raw_status.items() if str(k).isdigit()}
    for extra in (d for d in ids if d not in (AREA, MONTH, VARIABLE)):
        if len(codes[extra]) != 1:
            raise _bad(source, f"dimension '{extra}' has {len(codes[extra])} categories; "
                       "select one of them in the query", f"dimension.{extra}")
    updated = doc.get("updated")
    return Dataset(str(doc.get("label") or ""), str(updated) if updated else None, tuple(ids),
                   codes, labels, values, status)


def _bad(source: str, message: str, path: str = "") -> ScenarioError:
    if path and message.startswith(f"{path}: "):
        message = message[len(path) + 2:]
    return ScenarioError([Problem(path, message, source)])


# --- the new figures ---------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One figure that differs from the scenario's: ``old`` -> ``new`` [persons]."""

    municipality: str
    feature: str
    variable: str
    old: float
    new: float


@dataclass(frozen=True)
class Update:
    """What a 12r5 response changes in a scenario, and what it leaves.

    ``mapping`` the features taken (feature -> variable); ``lacking`` the base features
    the response has no variable for (they keep their values); ``unmapped`` variables in
    the response no feature takes, with why; ``withheld`` figures the response has as
    null (confidential or missing: the old value stays), as (municipality, feature,
    status).
    """

    month: str
    mapping: dict[str, str]
    changes: list[Change]
    lacking: list[str]
    unmapped: dict[str, str]
    withheld: list[tuple[str, str, str]]
    dataset: Dataset


def parse_mapping(specs: Sequence[str], scenario: Scenario) -> dict[str, str]:
    """``--map feature=VARIABLE`` options over :data:`DEFAULT_MAP` (``feature=`` drops a
    default); ScenarioError naming an unknown feature or a malformed option."""
    features = list(scenario.municipalities[0].caseload)
    mapping = {f: v for f, v in DEFAULT_MAP.items() if f in features}
    problems = []
    for spec in specs:
        feature, sep, variable = (part.strip() for part in spec.partition("="))
        if not sep or not feature:
            problems.append(Problem("", f"{spec!r} is not of the form feature=VARIABLE (e.g. "
                                    "under_30=TYOTTOMAT30)", "--map"))
        elif feature not in features:
            problems.append(Problem("", f"no base caseload feature '{feature}' (known: "
                                    f"{', '.join(features)})", f"--map {feature}"))
        elif not variable:
            mapping.pop(feature, None)
        else:
            mapping[feature] = variable
    if problems:
        raise ScenarioError(problems)
    return mapping


def update_from(dataset: Dataset, scenario: Scenario, month: str | None,
                mapping: Mapping[str, str], source: str) -> Update:
    """The figures of ``month`` in ``dataset`` against ``scenario``'s, by municipality code.

    ``month`` may be None when the response has only one. ScenarioError names a month or
    municipality the response lacks, or a --map variable that is not in it.
    """
    months = dataset.codes[MONTH]
    if month is None:
        if len(months) != 1:
            raise _bad(source, f"has {len(months)} months ({', '.join(months)}); choose one "
                       "with --month")
        month = months[0]
    check_month(month)
    if month not in months:
        raise _bad(source, f"has no figures for {month} (it has {', '.join(months)})")
    codes = area_codes(scenario)
    variables = dataset.codes[VARIABLE]
    problems = [Problem("", f"no municipality {code} ({name}) in the response (it has "
                        f"{', '.join(dataset.codes[AREA])})", source)
                for name, code in codes.items() if code not in dataset.codes[AREA]]
    taken = {f: v for f, v in mapping.items() if v in variables}
    defaults_missing = {f for f, v in mapping.items() if v not in variables and
                        DEFAULT_MAP.get(f) == v}
    problems += [Problem("", f"--map {f}={v}: no variable {v} in the response (it has "
                         f"{', '.join(variables)})", source)
                 for f, v in mapping.items() if v not in variables and f not in defaults_missing]
    if problems:
        raise ScenarioError(problems)
    features = list(scenario.municipalities[0].caseload)
    lacking = [f for f in features if f not in taken]
    unmapped = {v: NOT_THE_SAME.get(v, "no feature of the scenario counts the same persons")
                for v in variables if v not in taken.values()}
    changes, withheld = [], []
    for m in scenario.municipalities:
        for f, v in taken.items():
            cell = dataset.position(**{AREA: codes[m.name], MONTH: month, VARIABLE: v},
                                    **{d: dataset.codes[d][0] for d in dataset.ids
                                       if d not in (AREA, MONTH, VARIABLE)})
            new = dataset.values.get(cell)
            if new is None:
                withheld.append((m.name, f, dataset.status.get(cell, "no value")))
            elif new < 0:
                raise _bad(source, f"{m.name} {v} {month} is {show_number(new)}, below 0")
            elif new != m.caseload[f]:
                changes.append(Change(m.name, f, v, m.caseload[f], new))
    return Update(month, taken, changes, lacking, unmapped, withheld, dataset)


def scenario_text(update: Update, scenario: Scenario, parent: str, name: str,
                  source: str) -> str:
    """The YAML of a scenario that ``extends: parent`` with only the changed figures, each
    commented with the table, variable and month it came from."""
    month = update.month
    lines = [
        f"# {scenario.name} on the caseload of {month}: Statistics Finland, table 12r5",
        f"# ({TABLE}), read from {os.path.basename(source)}"
        + (f", updated {update.dataset.updated}" if update.dataset.updated else "") + ".",
    ]
    if update.dataset.label:
        lines.append(f"# The response's label: {update.dataset.label}")
    lines.append("# Only the figures that differ from the parent are given; each names its "
                 "variable.")
    taken = ", ".join(f"{f} ({v})" for f, v in update.mapping.items())
    lines.append(f"# Taken from the table: {taken or 'none'}.")
    if update.lacking:
        lines.append(f"# Not in the table, so as in {parent}: {', '.join(update.lacking)}.")
    for muni, feature, status in update.withheld:
        lines.append(f"# {muni} {feature}: no figure for {month} (status {status!r}); as in "
                     f"{parent}.")
    lines += [
        "",
        f"extends: {json.dumps(parent, ensure_ascii=False)}",
        "",
        f"name: {name}",
        "title: " + json.dumps(f"{scenario.name} with the caseload of {month} (Statistics "
                               "Finland, table 12r5)", ensure_ascii=False),
        "description: " + json.dumps(
            f"{parent} with the caseload figures of {month} from Statistics Finland's table "
            f"12r5 where it has them ({', '.join(update.mapping) or 'none'}); the other "
            f"figures as in {parent}.", ensure_ascii=False),
    ]
    by_muni: dict[str, list[Change]] = {}
    for c in update.changes:
        by_muni.setdefault(c.municipality, []).append(c)
    if by_muni:
        lines += ["", "municipalities:"]
    for muni, changes in by_muni.items():
        lines += [f"  - name: {json.dumps(muni, ensure_ascii=False)}", "    caseload:"]
        width = max(len(c.feature) + len(show_number(c.new)) for c in changes) + 2
        for c in changes:
            entry = f"{c.feature}: {show_number(c.new)}"
            lines.append(f"      {entry:<{width}}  # 12r5 {c.variable} {month} (was "
                         f"{show_number(c.old)})")
    return "\n".join(lines) + "\n"


def scenario_name(out: Path, scenario: Scenario, month: str) -> str:
    """The new scenario's name: the output file's stem when it is a valid name, else the
    old name with the month (``base-2024m07``)."""
    stem = out.stem
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stem) and len(stem) <= 80:
        return stem
    return f"{scenario.name}-{month.lower()}"[:80]
