"""A question asked in the meeting as changes to the base scenario, and its answer against
the base: no web framework here, so the page, the tests and a notebook share it.

A :class:`WhatIf` is said three ways that mean the same scenario: as ``--set PATH=VALUE``
options (:meth:`WhatIf.settings`, applied with the command line's own
:class:`~allocator.scenario.overrides.Overrides`, so the page solves exactly what
``allocate BASE --set ...`` solves), as the command line that repeats it
(:meth:`WhatIf.command_line`), and as a scenario file that ``extends:`` the base
(:meth:`WhatIf.scenario_text`).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from allocator.engine.result import Result
from allocator.scenario.overrides import Overrides
from allocator.scenario.paths import REMOVE, item_path
from allocator.scenario.schema import EXTENDS, Scenario, show_number
from allocator.scenario.variants import caseload_changes


@dataclass(frozen=True)
class Change:
    """One change: ``field`` (dotted, inside the item) set to ``value`` in the item named
    ``item`` of list ``section``, or in mapping ``section`` when ``item`` is None
    (``section`` is the field itself for a top-level value such as total_htv)."""

    section: str
    item: str | None
    field: str
    value: Any

    def path(self, base: Scenario) -> str:
        """The dotted path: the item by name where a path can hold it, else by index."""
        if self.item is None:
            return self.field if self.field == self.section else f"{self.section}.{self.field}"
        names = [i.name for i in getattr(base, self.section)]
        return f"{item_path(self.section, names.index(self.item), self.item)}.{self.field}"

    def put(self, patch: dict[str, Any]) -> None:
        """Write the change into an ``extends:`` patch: a list item by its name, with the
        change under it (``remove: true`` for a removal)."""
        if self.item is None and self.field == self.section:
            patch[self.field] = self.value
            return
        if self.item is None:
            node = patch.setdefault(self.section, {})
        else:
            items = patch.setdefault(self.section, [])
            node = next((i for i in items if i["name"] == self.item), None)
            if node is None:
                node = {"name": self.item}
                items.append(node)
        *parents, last = self.field.split(".") if self.item is not None else \
            self.field.split(".", 1)
        for step in parents:
            node = node.setdefault(step, {})
        node[last] = self.value


@dataclass(frozen=True)
class WhatIf:
    """Changes to the base scenario, each left out when it is as in the base.

    ``total_htv`` the budget [HTV]; ``shares`` a service line's target share [0-1];
    ``caseload_pct`` a municipality's change in every caseload count [%] (rates stay, as
    :func:`~allocator.scenario.variants.scale_caseload` leaves them); ``offices_off`` the
    offices or service points taken out; ``central_key`` how the central services' costs
    are shared.
    """

    total_htv: float | None = None
    shares: Mapping[str, float] = field(default_factory=dict)
    caseload_pct: Mapping[str, float] = field(default_factory=dict)
    offices_off: frozenset[str] = frozenset()
    central_key: str | None = None

    def changes(self, base: Scenario) -> list[Change]:
        """Each change, in the order of the base file's sections.

        An office taken out also drops its own costs (``costs.offices_eur``), as a file
        that removes it must.
        """
        out: list[Change] = []
        if self.total_htv is not None and self.total_htv != base.total_htv:
            out.append(Change("total_htv", None, "total_htv", self.total_htv))
        for name in base.municipality_names:
            pct = self.caseload_pct.get(name, 0)
            for path, value in caseload_changes(base, {name: 1 + pct / 100}).items():
                feature = path.rsplit(".", 1)[1]
                out.append(Change("municipalities", name, f"caseload.{feature}", value))
        for name in (o.name for o in base.offices):
            if name in self.offices_off:
                out.append(Change("offices", name, REMOVE, True))
        for ln in base.service_lines:
            share = self.shares.get(ln.name)
            if share is not None and share != ln.share:
                out.append(Change("service_lines", ln.name, "share", share))
        if base.costs is not None:
            for name in (o.name for o in base.offices):
                if name in self.offices_off and name in base.costs.offices_eur:
                    out.append(Change("costs", None, f"offices_eur.{name}", None))
            if self.central_key is not None and self.central_key != base.costs.central_key:
                out.append(Change("costs", None, "central_key", self.central_key))
        return out

    def path_values(self, base: Scenario) -> list[tuple[str, Any]]:
        """The changes as (dotted path, value), as ``--set`` and ``with_changes`` take them."""
        return [(c.path(base), c.value) for c in self.changes(base)]

    def settings(self, base: Scenario) -> tuple[str, ...]:
        """The changes as ``--set`` values (``PATH=VALUE``), numbers written exactly."""
        return tuple(f"{path}={_value_text(value)}" for path, value in self.path_values(base))

    def overrides(self, base: Scenario) -> Overrides:
        """The command line's changes that make this what-if."""
        return Overrides(settings=self.settings(base))

    def apply(self, base: Scenario) -> Scenario:
        """The what-if scenario, validated like a file; ScenarioError with every problem,
        each naming the ``--set`` it came from."""
        return self.overrides(base).apply(base)

    def command_line(self, base_file: str | Path, base: Scenario) -> str:
        """The ``allocate`` command that solves the same scenario."""
        words = ["allocate", str(base_file)]
        for spec in self.settings(base):
            words += ["--set", spec]
        return shlex.join(words)

    def naming(self, base: Scenario, parent: str, name: str) -> dict[str, str]:
        """The saved file's own name, titles and descriptions in both languages, so that it
        does not carry the base's words for a question it does not ask."""
        changes = "; ".join(self.settings(base)) or "no changes"
        return {
            "name": name,
            "title": f"What-if on {base.title_in('en')}",
            "title_fi": f"Entä jos: {base.title_in('fi')}",
            "description": f"{parent} with these changes, made in allocate app: {changes}.",
            "description_fi": f"{parent} näin muutettuna (allocate app): {changes}.",
        }

    def scenario_text(self, base: Scenario, parent: str, name: str) -> str:
        """A scenario file that ``extends: parent`` (the base file, relative to the new
        file) with only these changes, and says which ``--set`` options they are."""
        patch: dict[str, Any] = {EXTENDS: parent, **self.naming(base, parent, name)}
        for change in self.changes(base):
            change.put(patch)
        lines = [f"# What-if on {parent}, saved from 'allocate app'. The same scenario as:",
                 *(f"#   --set {shlex.quote(spec)}" for spec in self.settings(base)), ""]
        body = yaml.safe_dump(patch, allow_unicode=True, sort_keys=False, width=100)
        return "\n".join(lines) + body


def _value_text(value: Any) -> str:
    """A value as ``--set`` reads it back: numbers to full precision, YAML otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float | int):
        return show_number(float(value))
    return str(value)


# --- the answer against the base ----------------------------------------------------------

#: Row kinds of :func:`against_base`.
MUNICIPALITY, AREA, CENTRAL, TOTAL = "municipality", "area", "central", "total"


def municipality_units(result: Result) -> dict[str, int]:
    """Customer-service units per municipality (0 without an allocation)."""
    cells = result.allocation.cell_units() if result.allocation is not None else {}
    out = dict.fromkeys(result.data.municipalities, 0)
    for (m, _line), units in cells.items():
        out[m] += units
    return out


def against_base(base: Result, now: Result) -> pd.DataFrame:
    """The what-if's allocation and costs beside the base's, per municipality, per area,
    the central services and in total.

    Columns: kind (municipality, area, central, total), area, name, base_htv, htv,
    change_htv [HTV, customer service; central services on their own row], base_eur, eur,
    change_eur [EUR/year, what each municipality pays; NaN without costs]. HTV and EUR are
    NaN on the side that has no allocation; changes are taken in exact units and cents.
    """
    b_units, n_units = municipality_units(base), municipality_units(now)
    b_eur, n_eur = _eur(base), _eur(now)
    have_b, have_n = base.allocation is not None, now.allocation is not None
    rows: list[dict[str, Any]] = []

    def row(kind: str, area: str, name: str, bu: int, nu: int, be: Decimal | None,
            ne: Decimal | None) -> None:
        b = float(base.htv(bu)) if have_b else float("nan")
        n = float(now.htv(nu)) if have_n else float("nan")
        change = float(now.htv(nu) - base.htv(bu)) if have_b and have_n else float("nan")
        rows.append({"kind": kind, "area": area, "name": name, "base_htv": b, "htv": n,
                     "change_htv": change,
                     "base_eur": float("nan") if be is None else float(be),
                     "eur": float("nan") if ne is None else float(ne),
                     "change_eur": float("nan") if be is None or ne is None else float(ne - be)})

    for area in base.data.areas:
        members = [m for m in base.data.municipalities if base.data.area_of[m] == area]
        for m in members:
            row(MUNICIPALITY, area, m, b_units[m], n_units[m], _get(b_eur, m), _get(n_eur, m))
        row(AREA, area, area, sum(b_units[m] for m in members), sum(n_units[m] for m in members),
            _sum(b_eur, members), _sum(n_eur, members))
    b_central = sum(base.allocation.central.values()) if base.allocation is not None else 0
    n_central = sum(now.allocation.central.values()) if now.allocation is not None else 0
    row(CENTRAL, "", "", b_central, n_central, None, None)
    everyone = list(base.data.municipalities)
    row(TOTAL, "", "", sum(b_units.values()) + b_central, sum(n_units.values()) + n_central,
        _sum(b_eur, everyone), _sum(n_eur, everyone))
    return pd.DataFrame(rows)


def offices_against_base(base: Result, now: Result) -> pd.DataFrame:
    """Each office's staff in the base and the what-if [HTV], central services included:
    office, base_htv, htv, change_htv; NaN for an office a side does not have (one switched
    off) or a side without an allocation, and then the change is NaN too."""
    def staff(result: Result) -> dict[str, float]:
        if result.allocation is None:
            return {}
        frame = result.office_frame()
        return dict(zip(frame["office"], frame["total_htv"], strict=True))

    b, n = staff(base), staff(now)
    names = list(dict.fromkeys([o.name for o in base.data.offices]
                               + [o.name for o in now.data.offices]))
    rows = []
    for name in names:
        bh, nh = b.get(name, float("nan")), n.get(name, float("nan"))
        rows.append({"office": name, "base_htv": bh, "htv": nh,
                     "change_htv": round(nh - bh, base.digits)})
    return pd.DataFrame(rows, columns=["office", "base_htv", "htv", "change_htv"])


def _eur(result: Result) -> dict[str, Decimal] | None:
    costs = result.costs()
    return None if costs is None else {r.municipality: r.total_eur for r in costs.rows}


def _get(eur: dict[str, Decimal] | None, m: str) -> Decimal | None:
    return None if eur is None else eur[m]


def _sum(eur: dict[str, Decimal] | None, members: list[str]) -> Decimal | None:
    return None if eur is None else sum((eur[m] for m in members), Decimal(0))
