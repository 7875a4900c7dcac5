"""What a rule is: one unit with one name and every face the tool shows of it.

A rule of the allocation is a hard constraint on it (the budget, a line's share band, an
office's minimum, ...). Each rule is one module of this package defining one subclass of
:class:`Rule`, registered in :data:`allocator.engine.rules.RULES`; the model, the
verifier, the diagnosis of conflicts, the explanation, the repair search, the robust model
and the sensitivity inputs all iterate that registry, so no module spells a rule by hand.

A rule's name labels everything about it: the constraint group in the model
(``office_min[Parkano office]``), the verifier's violations, the explanation's rows and
every message. Its verifier check is plain Python over the verifier's own tallies of the
scenario and the allocation: it never imports OR-Tools and never calls the rule's builder,
so a mistake in building the model shows up as a violation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.types import Allocation, Conflict, Violation
from allocator.scenario.paths import item_path

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData, OfficeData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario


def label(rule: str, key: str | None = None) -> str:
    """The label of one constraint of a rule group: ``rule[key]`` or ``rule``."""
    return f"{rule}[{key}]" if key is not None else rule


def rule_of(label_: str) -> str:
    """The rule name of a label: ``office_min[Parkano office]`` -> ``office_min``."""
    return label_.split("[", 1)[0]


def key_of(label_: str) -> str | None:
    """The key of a label: ``office_min[Parkano office]`` -> ``Parkano office``."""
    return label_.split("[", 1)[1][:-1] if "[" in label_ else None


def htv_text(d: ModelData, units: int | Fraction) -> str:
    """Units as HTV with two decimals, as every rule message writes them."""
    return f"{float(d.htv(units)):.2f}"


def exact_text(value: Fraction) -> str:
    """An exact amount [HTV] to at most four decimals, as the verifier writes it."""
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Direction:
    """A way a repair may move a lever: up or down, no further than ``limit``."""

    up: bool
    limit: Fraction


@dataclass(frozen=True)
class Lever:
    """A numeric scenario field behind a rule: what a repair may change, what a tornado moves.

    ``field`` is the field inside a list item (``min_htv`` of ``offices[1]``), or the whole
    path for a field outside the lists (``total_htv``). ``key`` is the rule label's key the
    lever relaxes (None: every label of the rule). ``repair`` lists the directions that
    relax the rule, searched in steps of ``step`` [the field's unit]; ``kind`` names the
    input for the sensitivity analyses (None: they do not move it), ``quantum`` the step a
    moved value is rounded to [HTV].
    """

    rule: str
    key: str | None
    field: str
    value: Fraction
    what: str
    label: str
    item: str | None = None
    index: int | None = None
    name: str | None = None
    step: Fraction = Fraction(0)
    repair: tuple[Direction, ...] = ()
    unit: str = "HTV"
    kind: str | None = None
    quantum: Fraction | None = None

    def path(self, by_name: bool = False) -> str:
        """The dotted path of the field: by index (``offices[1].min_htv``), or with
        ``by_name`` by the item's name where the name can be written in a path."""
        if self.item is None or self.index is None:
            return self.field
        return f"{item_path(self.item, self.index, self.name, by_name)}.{self.field}"


@dataclass(frozen=True)
class Tally:
    """An allocation added up by the verifier from the scenario itself, not the model's data.

    ``cells`` [HTV] per (municipality, line), ``at_office`` customer service and ``hosted``
    central services per office [HTV], ``by_line`` [HTV], ``central_given`` per service
    [HTV] and ``central_size`` as the scenario sets it [HTV], ``customer`` = total_htv −
    central sizes [HTV]; ``unknown`` lists rows naming an office, municipality or line the
    scenario does not have (left out of every sum).
    """

    allocation: Allocation
    granularity: Fraction
    cells: Mapping[tuple[str, str], Fraction]
    at_office: Mapping[str, Fraction]
    hosted: Mapping[str, Fraction]
    by_line: Mapping[str, Fraction]
    central_given: Mapping[str, Fraction]
    central_size: Mapping[str, Fraction]
    customer: Fraction
    unknown: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Usage:
    """What an allocation uses of each office and line, in the model's units.

    ``customer`` and ``total`` (central services included) per office, ``line`` per
    service line [units]; read by the rules' slack.
    """

    customer: Mapping[str, int]
    total: Mapping[str, int]
    line: Mapping[str, int]

    @classmethod
    def of(cls, d: ModelData, allocation: Allocation) -> Usage:
        """The usage of ``allocation`` in scenario ``d``."""
        customer = dict.fromkeys((o.name for o in d.offices), 0)
        line = dict.fromkeys(d.lines, 0)
        for (_, office, ln), units in allocation.cells.items():
            customer[office] += units
            line[ln] += units
        total = dict(customer)
        for (_, office), units in allocation.central.items():
            total[office] += units
        return cls(customer, total, line)


class Rule:
    """One hard rule: its name, the scenario fields behind it, and every face it shows.

    Subclasses set the class attributes and override the methods that apply; a method left
    as it is here says the rule has nothing of that kind (no pre-check, no slack, ...).
    """

    name: ClassVar[str]
    """The rule's one name: constraint labels, violations, explanations, messages."""
    fields: ClassVar[tuple[str, ...]]
    """The scenario fields behind the rule (``offices[].min_htv``)."""
    text: ClassVar[Mapping[str, str]]
    """What the rule says, in the scenario's terms, by language ('en', 'fi')."""
    structural: ClassVar[bool] = False
    """Its limits are part of a scenario's structure, the same in every scenario of one
    robust allocation, so the robust model states it once rather than per scenario."""
    in_rounding: ClassVar[bool] = False
    """In force in the explanation's rounding step (it defines what is allocated)."""
    in_flow: ClassVar[bool] = False
    """The network-flow start represents the rule exactly; a rule that applies and is not
    represented switches the flow start off."""

    # --- the model ---------------------------------------------------------------------
    def labels(self, d: ModelData) -> list[str]:
        """The labels of this rule's constraints in scenario ``d``, in model order."""
        return []

    def build(self, b: BuiltModel) -> None:
        """Add the rule's constraints to ``b``, each under its label."""

    def office_band(self, d: ModelData, office: OfficeData, band: tuple[int, int],
                    hosted: int) -> tuple[int, int]:
        """The flow start's bounds on an office's customer service [units], narrowed by this
        rule; ``hosted`` is what the office hosts of central services [units]."""
        return band

    # --- the independent check -----------------------------------------------------------
    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        """Every violation of the rule by the allocation tallied in ``t``."""
        return []

    # --- diagnosis, explanation and repair ------------------------------------------------
    def precheck(self, d: ModelData) -> list[Conflict]:
        """Conflicts that arithmetic alone shows, each with its numbers and a fix."""
        return []

    def describe(self, d: ModelData, key: str | None) -> str:
        """One label of the rule in words, with the scenario's figures."""
        return f"{label(self.name, key)}: {self.text['en']}"

    def fix(self, d: ModelData, core: Sequence[str]) -> str | None:
        """A simple change that resolves the conflicting labels ``core``, when evident."""
        return None

    def slack(self, d: ModelData, use: Usage) -> dict[str, int]:
        """Units of room left in each of the rule's labels at an allocation (0 = tight)."""
        return {}

    def concerns(self, d: ModelData, municipality: str, line: str) -> list[str]:
        """The rule's labels that limit the cell (municipality, line)."""
        return []

    def levers(self, s: Scenario) -> list[Lever]:
        """The numeric fields behind the rule (see :class:`Lever`). A rule without levers
        is repaired through the other rules of a conflict."""
        return []

    def shared_conflicts(self, datas: Sequence[ModelData], names: Sequence[str]) -> list[Conflict]:
        """Conflicts between the rule's limits in several scenarios of one robust allocation."""
        return []
