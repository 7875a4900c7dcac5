"""The scenario: every input of an allocation, validated once and plain typed data afterwards.

Field shapes are checked by pydantic (strict, unknown keys are errors); references between
parts (an office in an unknown municipality, a municipality in two areas, ...) are checked
by :func:`cross_check`, which reports every problem at once with its field path.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from allocator.errors import Problem, ScenarioError
from allocator.scenario.arithmetic import exact_sum
from allocator.scenario.paths import get_path, item_path, set_paths
from allocator.scenario.problems import problems_from_validation

#: The key that makes a scenario file a patch on another file (see allocator.scenario.loading).
EXTENDS = "extends"

#: Default minimum staffing of a walk-in office [HTV]: occupational safety (738/2002
#: §27 threat of violence, §29 working alone) means an office open to walk-in customers
#: should never rely on one person.
DEFAULT_OFFICE_MIN_HTV = 2.0
#: Default minimum staffing of an appointment-only service point [HTV].
DEFAULT_SERVICE_POINT_MIN_HTV = 0.5

Name = Annotated[str, Field(min_length=1, max_length=120)]
Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=60,
        description="A lower-case identifier: letters a-z, digits and underscores.",
    ),
]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
AssumedPath = Annotated[str, Field(min_length=1, max_length=300)]
Reason = Annotated[str, Field(min_length=1, max_length=1000)]
Assumed = dict[AssumedPath, Reason | None]


def _assumed() -> Any:
    """The field every part of a scenario that holds modelling choices has."""
    return Field(
        default_factory=dict,
        description=(
            "Values of this part that are modelling choices rather than figures of the "
            "source: each field's name (a dotted path inside it, such as "
            "'caseload.unemployed', for a part of a field) and why it was chosen. Reports "
            "show each as an assumption; null drops a mark inherited through 'extends'."
        ),
    )
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Municipality(_Strict):
    """A municipality whose residents the area serves, with its caseload figures."""

    name: Name = Field(description="Municipality name, as used everywhere else in the file.")
    code: str | None = Field(
        default=None,
        description="Statistics Finland municipality code (e.g. '790'), for traceability.",
    )
    caseload: dict[Identifier, NonNegative] = Field(
        min_length=1,
        description=(
            "Caseload features [persons, or a share for rates]: e.g. unemployed, "
            "long_term_unemployed, under_30. Every municipality must give the same features."
        ),
    )
    assumed: Assumed = _assumed()


class DerivedFeature(_Strict):
    """A caseload feature computed from others, so that a rate can weigh in as a count."""

    product: list[Identifier] = Field(
        min_length=2,
        description="Features multiplied together, e.g. [unemployed, inflow_over_3m_share].",
    )
    description: str | None = Field(default=None, description="What the product estimates.")
    label: str | None = Field(
        default=None, description="A few words for reports, e.g. 'long-term inflow'.")
    label_fi: str | None = Field(default=None, description="The words in Finnish reports.")


class Area(_Strict):
    """A responsibility area (vastuualue): municipalities that share local services."""

    name: Name = Field(description="Area name.")
    municipalities: list[Name] = Field(min_length=1, description="Member municipalities.")


class Office(_Strict):
    """An office or service point, where customer-service staff sit."""

    name: Name = Field(description="Office name, unique in the scenario.")
    municipality: Name = Field(description="Municipality the office is located in.")
    label_fi: str | None = Field(
        default=None, description="The office's name in Finnish reports (default: its name)."
    )
    kind: Literal["office", "service_point"] = Field(
        default="office",
        description=(
            "'office': open for walk-in customers; 'service_point': appointment-only service."
        ),
    )
    serves: list[Name] | None = Field(
        default=None,
        description=(
            "Municipalities this office serves; all must be in the office's own area. "
            "Default: every municipality of its area."
        ),
    )
    min_htv: NonNegative | None = Field(
        default=None,
        description=(
            "Minimum customer-service staffing when open [HTV]. Default 2.0 for a walk-in "
            "office (work safety), 0.5 for a service point."
        ),
    )
    max_htv: Positive | None = Field(
        default=None,
        description="Maximum staff housed here, central services included [HTV]. Default: none.",
    )
    optional: bool = Field(
        default=False,
        description=(
            "If true the model may leave the office unstaffed (0 HTV); otherwise it is always "
            "staffed at least to its minimum."
        ),
    )
    assumed: Assumed = _assumed()

    @property
    def effective_min_htv(self) -> float:
        """The minimum staffing that applies [HTV]: the given one or the default for the kind."""
        if self.min_htv is not None:
            return self.min_htv
        return DEFAULT_OFFICE_MIN_HTV if self.kind == "office" else DEFAULT_SERVICE_POINT_MIN_HTV

    def title_in(self, lang: str) -> str:
        """The office's name in ``lang`` ('en' or 'fi'): the Finnish label when given."""
        return (self.label_fi if lang == "fi" else None) or self.name


class ServiceLine(_Strict):
    """A service line with its target share of customer service and its demand model."""

    name: Identifier = Field(description="Identifier of the line, e.g. job_brokering.")
    label: str | None = Field(default=None, description="Human-readable name for reports.")
    label_fi: str | None = Field(
        default=None, description="Name in Finnish reports (default: the label)."
    )
    short_label: str | None = Field(
        default=None,
        description="A short name for narrow tables, e.g. 'Weaker position' (default: the label).",
    )
    short_label_fi: str | None = Field(
        default=None, description="The short name in Finnish reports (default: the Finnish label)."
    )
    share: float = Field(
        ge=0, le=1, allow_inf_nan=False,
        description="Target share of the customer-service HTV (shares of all lines sum to 1).",
    )
    tolerance: float = Field(
        default=0.02, ge=0, le=1, allow_inf_nan=False,
        description=(
            "Allowed distance of the line's realised share from its target share (0.02 = "
            "±2 percentage points), widened to whole granularity units."
        ),
    )
    demand: dict[Identifier, NonNegative] = Field(
        min_length=1,
        description=(
            "Relative weights of caseload features in this line's demand. Each feature "
            "contributes its distribution across municipalities; weights are normalised to 1."
        ),
    )
    assumed: Assumed = _assumed()

    @property
    def title(self) -> str:
        """The label, or the identifier when no label is given."""
        return self.label or self.name

    def title_in(self, lang: str) -> str:
        """The name in ``lang`` ('en' or 'fi'): the Finnish label when given, else the title."""
        return (self.label_fi if lang == "fi" else None) or self.title

    def short_in(self, lang: str) -> str:
        """The short name in ``lang`` for narrow tables, else the name in ``lang``."""
        return (self.short_label_fi if lang == "fi" else self.short_label) or self.title_in(lang)


class DrivenBy(_Strict):
    """A central service sized by a caseload feature summed over the whole area."""

    feature: Identifier = Field(description="Caseload feature summed over all municipalities.")
    persons_per_htv: Positive = Field(description="Persons of that feature per 1.0 HTV.")


class CentralService(_Strict):
    """A service run centrally by the lead municipality for the whole area."""

    name: Identifier = Field(description="Identifier of the service.")
    label: str | None = Field(default=None, description="Human-readable name for reports.")
    label_fi: str | None = Field(
        default=None, description="Name in Finnish reports (default: the label)."
    )
    short_label: str | None = Field(
        default=None,
        description="A short name for narrow tables, e.g. 'Integration services' (default: "
                    "the label).",
    )
    short_label_fi: str | None = Field(
        default=None, description="The short name in Finnish reports (default: the Finnish label)."
    )
    htv: NonNegative | None = Field(default=None, description="Fixed size [HTV].")
    driven_by: DrivenBy | None = Field(
        default=None, description="Size from a caseload feature instead of a fixed HTV."
    )
    office: Name | None = Field(
        default=None,
        description=(
            "Office that hosts the service; must be in the lead municipality. Default: "
            "the model places it at the lead municipality's office(s)."
        ),
    )
    assumed: Assumed = _assumed()

    @model_validator(mode="after")
    def _one_size(self) -> CentralService:
        if (self.htv is None) == (self.driven_by is None):
            raise ValueError("give exactly one of 'htv' (fixed size) or 'driven_by'")
        return self

    @property
    def title(self) -> str:
        """The label, or the identifier when no label is given."""
        return self.label or self.name

    def title_in(self, lang: str) -> str:
        """The name in ``lang`` ('en' or 'fi'): the Finnish label when given, else the title."""
        return (self.label_fi if lang == "fi" else None) or self.title

    def short_in(self, lang: str) -> str:
        """The short name in ``lang`` for narrow tables, else the name in ``lang``."""
        return (self.short_label_fi if lang == "fi" else self.short_label) or self.title_in(lang)


class CurrentStaffing(_Strict):
    """Customer-service staff an office has today, before the allocation."""

    office: Name = Field(description="Office name.")
    htv: NonNegative = Field(description="Customer-service HTV at the office today [HTV].")
    lines: dict[Identifier, NonNegative] | None = Field(
        default=None,
        description="Today's HTV per service line, where known [HTV]; must sum to 'htv'.",
    )


class Continuity(_Strict):
    """Limits on moving today's staff: a cap per office and/or a price per HTV moved."""

    current: list[CurrentStaffing] = Field(
        min_length=1, description="Today's customer-service staffing per office."
    )
    max_change_htv: NonNegative | None = Field(
        default=None,
        description=(
            "Rule 'continuity[office]': an office's customer-service HTV may change by at most "
            "this much from today [HTV]. Default: no cap."
        ),
    )
    move_weight: NonNegative = Field(
        default=0.0,
        description=(
            "Price of moving 1 HTV, in HTV of total deviation from the caseload targets: with "
            "0.5, moving one person-year is worth it only if it brings the cells 0.5 HTV "
            "closer to their targets in total. 0 = moves are free."
        ),
    )
    illustrative: bool = Field(
        default=False,
        description="True when the current staffing is made up for illustration; reports say so.",
    )
    assumed: Assumed = _assumed()


#: ``costs.central_key`` values that are not caseload features.
EQUAL_KEY = "equal"
SHARES_KEY = "shares"


class ReferenceSplit(_Strict):
    """A state-grant-like split of the same budget by weighted criteria, shown beside the
    caseload-based one so the board sees how far apart they are."""

    label: str | None = Field(
        default=None, description="Name of the reference in reports, e.g. 'state-grant-like'.")
    label_fi: str | None = Field(
        default=None, description="The name in Finnish reports (default: the label).")
    weights: dict[Identifier, NonNegative] = Field(
        min_length=1,
        description=(
            "Relative weights of caseload features: each municipality's reference share is "
            "the weighted sum of its share of each feature; weights are normalised to 1."
        ),
    )

    def title_in(self, lang: str) -> str:
        """The name in ``lang`` ('en' or 'fi'): the Finnish label when given."""
        return (self.label_fi if lang == "fi" else None) or self.label or "reference"


class Costs(_Strict):
    """What the allocation costs and who pays it [EUR/year]; see README 'What it costs'."""

    htv_eur: NonNegative = Field(
        description="Cost of one person-year to the employer: salary and side costs [EUR/year]."
    )
    offices_eur: dict[Name, NonNegative | None] = Field(
        default_factory=dict,
        description=(
            "Premises and running costs per office [EUR/year]. Default: none. null drops "
            "an office's costs inherited through 'extends' (an office the file removes)."
        ),
    )
    office_costs: Literal["served", "host"] = Field(
        default="served",
        description=(
            "Who pays an office's own costs: 'served' (the municipalities it serves, in "
            "proportion to its customer-service HTV for each) or 'host' (the municipality "
            "the office is in)."
        ),
    )
    central_key: Identifier = Field(
        description=(
            "How the central services' costs are shared: a caseload feature (each "
            "municipality pays its share of it, e.g. labour_force), 'equal' (equal shares) "
            "or 'shares' (the fractions under 'shares')."
        ),
    )
    shares: dict[Name, NonNegative] | None = Field(
        default=None,
        description=(
            "Agreed share of the central services per municipality [0-1], summing to exactly "
            "1; used when central_key is 'shares', shown beside the other keys otherwise."
        ),
    )
    reference: ReferenceSplit | None = Field(
        default=None,
        description="A reference split of the same budget by weighted criteria. Default: none.",
    )
    assumed: Assumed = _assumed()


class TravelTime(_Strict):
    """How long the trip between two municipalities takes, either way [minutes]."""

    between: list[Name] = Field(min_length=2, max_length=2,
                                description="The two municipalities, e.g. [Sastamala, Parkano].")
    minutes: NonNegative = Field(description="Travel time one way [minutes].")


class SolverSettings(_Strict):
    """How hard the solver may work. Deterministic time keeps results repeatable."""

    time_limit: Positive = Field(
        default=60.0,
        description=(
            "Deterministic time limit for the whole solve, in CP-SAT's deterministic seconds "
            "(roughly seconds on a typical machine, but independent of load)."
        ),
    )
    workers: int = Field(
        default=0, ge=0, le=64, description="CP-SAT search workers; 0 chooses by model size."
    )


class Scenario(_Strict):
    """Everything an allocation depends on. See README 'The scenario format'."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        json_schema_extra={"title": "allocator scenario"},
    )

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=80,
        description="Scenario name; used as the default output folder results/<name>/.",
    )
    title: str | None = Field(default=None, description="One-line title for reports.")
    description: str | None = Field(default=None, description="What the scenario asks.")
    title_fi: str | None = Field(default=None, description="The title in Finnish reports.")
    description_fi: str | None = Field(
        default=None, description="The description in Finnish reports."
    )
    total_htv: Positive = Field(
        description="Person-years (HTV) to allocate, central services included [HTV]."
    )
    granularity: Positive = Field(
        default=0.01,
        description="Smallest step of any allocated amount [HTV]; total_htv must be a multiple.",
    )
    lead_municipality: Name = Field(
        description="The lead municipality (vastuukunta) that runs the central services."
    )
    municipalities: list[Municipality] = Field(min_length=1)
    derived_features: dict[Identifier, DerivedFeature] = Field(
        default_factory=dict,
        description="Features computed as products of others, usable in demand weights.",
    )
    areas: list[Area] = Field(min_length=1, description="Responsibility areas.")
    offices: list[Office] = Field(min_length=1, description="Offices and service points.")
    service_lines: list[ServiceLine] = Field(min_length=1)
    central_services: list[CentralService] = Field(default_factory=list)
    continuity: Continuity | None = Field(
        default=None,
        description="Today's staffing and how far the allocation may move from it. Default: off.",
    )
    costs: Costs | None = Field(
        default=None,
        description="What the allocation costs each municipality [EUR/year]. Default: off.",
    )
    travel_times: list[TravelTime] | None = Field(
        default=None,
        description=(
            "Travel times between the municipalities that have offices [minutes], used by "
            "'allocate place' to price a move by its commute. Default: moves are counted."
        ),
    )
    solver: SolverSettings = Field(default_factory=SolverSettings)
    assumed: Assumed = _assumed()

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems = cross_check(self)
        if problems:
            # Not a ValueError: pydantic lets it through unwrapped, with every path intact.
            raise ScenarioError(problems)
        return self

    @classmethod
    def from_data(cls, data: Any, source: str = "<scenario>", lines: dict[str, int] | None = None,
                  located: bool = False) -> Scenario:
        """Validate plain data into a Scenario, or raise ScenarioError with every problem.

        ``source`` names where the data came from; ``lines`` maps field paths to lines in it.
        ``located`` says the caller locates problems itself (a file's ``extends`` chain), so
        the problems keep their paths in the merged data and get no line here.
        """
        if not isinstance(data, dict):
            raise ScenarioError([Problem("", "a scenario must be a mapping of keys to values",
                                         source, 1 if lines is not None or located else None)])
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            # A file may say 'extends:'; a changed copy (sweeps, --set) may not.
            problems = problems_from_validation(exc, cls, () if source == CHANGES else (EXTENDS,))
        except ScenarioError as exc:
            problems = exc.problems
        if located:
            raise ScenarioError(problems) from None
        raise ScenarioError(problems).with_source(source, lines) from None

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A validated copy with each dotted path in ``changes`` set.

        List items are addressed by name (``service_lines.skills.share``) or index
        (``offices[0].min_htv``). Raises ScenarioError naming a change that does not apply,
        or every problem the changed scenario has.

        >>> from allocator.scenario.loading import load_scenario
        >>> load_scenario("scenarios/base.yaml").with_changes({"total_htv": 30}).total_htv
        30.0
        """
        # Every part stays the validated object it is, except those a path goes into
        # (allocator.scenario.paths turns them back into plain data); validation then
        # checks the changed parts and the whole scenario's references again.
        data = {k: _shallow(getattr(self, k)) for k in type(self).model_fields}
        problems = [Problem(path, why.split(": ", 1)[-1], CHANGES)
                    for path, why in set_paths(data, changes).items()]
        if problems:
            raise ScenarioError(problems)
        return Scenario.from_data(data, CHANGES)

    # --- lookups used throughout the package -------------------------------------------
    def title_in(self, lang: str) -> str:
        """The title in ``lang`` ('en' or 'fi'), falling back to the English title, then the name."""
        return (self.title_fi if lang == "fi" else None) or self.title or self.name

    def description_in(self, lang: str) -> str | None:
        """The description in ``lang``, falling back to the English one."""
        return (self.description_fi if lang == "fi" else None) or self.description

    @property
    def municipality_names(self) -> list[str]:
        """Municipality names in file order."""
        return [m.name for m in self.municipalities]

    def area_of(self) -> dict[str, str]:
        """Municipality name -> area name (a new mapping the caller may change)."""
        return dict(self._area_of)

    @cached_property
    def _area_of(self) -> dict[str, str]:
        return {m: a.name for a in self.areas for m in a.municipalities}

    def office_serves(self, office: Office) -> list[str]:
        """The municipalities ``office`` serves (its own area's, unless given)."""
        if office.serves is not None:
            return list(office.serves)
        area = self._area_of[office.municipality]
        return [m for a in self.areas if a.name == area for m in a.municipalities]

    def travel_minutes(self) -> dict[tuple[str, str], float] | None:
        """(municipality, municipality) -> travel time [minutes], both ways and 0 within a
        municipality; None when the scenario gives no travel times."""
        if self.travel_times is None:
            return None
        out = {(m, m): 0.0 for m in self.municipality_names}
        for t in self.travel_times:
            a, b = t.between
            out[(a, b)] = out[(b, a)] = t.minutes
        return out

    def exact_features(self) -> dict[str, dict[str, Fraction]]:
        """Feature -> municipality -> exact value [persons, or a share], derived features
        included (each the product of its factors). Computed once per scenario (it is
        frozen); the caller must not change the tables."""
        return self._exact_features

    @cached_property
    def _exact_features(self) -> dict[str, dict[str, Fraction]]:
        table = {f: {m.name: to_fraction(m.caseload[f]) for m in self.municipalities}
                 for f in self.municipalities[0].caseload}
        for name, derived in self.derived_features.items():
            table[name] = {m.name: math.prod((table[f][m.name] for f in derived.product),
                                             start=Fraction(1))
                           for m in self.municipalities}
        return table

    def features_complete(self) -> bool:
        """Whether :meth:`exact_features` can be computed (every municipality has every
        base feature and every derived feature's factors exist)."""
        base = set(self.municipalities[0].caseload)
        return (all(set(m.caseload) == base for m in self.municipalities)
                and all(f in base for d in self.derived_features.values() for f in d.product))

    def assumption_for(self, path: str) -> str | None:
        """Why the value at the dotted ``path`` is assumed, when it or a field above it is
        marked as an assumption; None for a figure of the source."""
        for marked, _, reason in self._marks():
            if path == marked or path.startswith(marked + "."):
                return reason
        return None

    def assumptions(self) -> list[tuple[str, Any, str]]:
        """Every value marked as an assumption, as (its dotted path, the value, why), in the
        scenario's order."""
        out = []
        for path, (item, key), reason in self._marks():
            field_, _, rest = key.partition(".")
            value = item.model_dump(mode="python", include={field_})[field_]
            out.append((path, get_path(value, rest) if rest else value, reason))
        return out

    def _marks(self) -> list[tuple[str, tuple[Any, str], str]]:
        """Each mark in force: its dotted path, (the part it is on, its key there), why."""
        return [(f"{base}.{key}" if base else key, (item, key), reason)
                for base, item in _marked(self)
                for key, reason in item.assumed.items() if reason is not None]

    def feature_values(self) -> dict[str, dict[str, float]]:
        """Feature -> municipality -> value [persons], derived features included. Computed
        once per scenario; the caller must not change the tables."""
        return self._feature_values

    @cached_property
    def _feature_values(self) -> dict[str, dict[str, float]]:
        return {f: {m: float(v) for m, v in values.items()}
                for f, values in self.exact_features().items()}


def _shallow(value: Any) -> Any:
    """A list or mapping as a new container of the same items (a changed copy may replace
    items without touching the original); any other value as it is."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


#: Where problems of a changed copy (:meth:`Scenario.with_changes`) are said to be.
CHANGES = "<changes>"


def _marked(s: Scenario, by_name: bool = True) -> list[tuple[str, Any]]:
    """The scenario and each list item that can mark its values as assumptions, with the
    dotted path of each ('' for the scenario itself; items by name, or by index when not
    ``by_name``)."""
    out: list[tuple[str, Any]] = [("", s)]
    for what in ("municipalities", "offices", "service_lines", "central_services"):
        for i, item in enumerate(getattr(s, what)):
            out.append((item_path(what, i, item.name, by_name), item))
    if s.continuity is not None:
        out.append(("continuity", s.continuity))
    if s.costs is not None:
        out.append(("costs", s.costs))
    return out


def _dupes(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]


@lru_cache(maxsize=1 << 16)
def to_fraction(value: float) -> Fraction:
    """The decimal the user wrote, as an exact fraction (0.1 -> 1/10, not the binary float).

    A whole number (most caseload counts) skips parsing the decimal, the slow part, and
    recent values are remembered: an analysis converts the same figures for every point
    (a fraction is immutable, so one object serves every caller).
    """
    if isinstance(value, float):
        return Fraction(int(value)) if value.is_integer() else Fraction(repr(value))
    return Fraction(value)


#: Most granularity units any amount may hold (total_htv / granularity, each central
#: service's and office's HTV / granularity). The model scales deviations by 1000 and sums
#: them over cells, so 10^9 units keep every model quantity far inside CP-SAT's int64;
#: 10^9 units is ten million HTV at the default 0.01 granularity.
MAX_UNITS = 10**9


def show_number(value: float) -> str:
    """A number as written, to full precision (32.6600001, not 32.66), without a '.0'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def show_name(name: str) -> str:
    """``name`` in quotes, with invisible or unusual characters escaped (``\\u200b``).

    A name that does not match a known one often differs by a zero-width space, a trailing
    space, a look-alike letter from another alphabet or a direction override; escaped, the
    difference shows.
    """
    out = []
    for i, ch in enumerate(name):
        category = unicodedata.category(ch)
        edge = ch.isspace() and (i == 0 or i == len(name) - 1)
        foreign = ch.isalpha() and not ch.isascii() and not unicodedata.name(ch, "").startswith(
            "LATIN")
        if ch == "\\":
            out.append("\\\\")
        elif edge or foreign or (category[0] in "CZM" and ch != " "):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else
                       f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _units(amount: float, g: Fraction) -> Fraction:
    """``amount`` [HTV] in granularity units, exactly."""
    return to_fraction(amount) / g


def cross_check(s: Scenario) -> list[Problem]:
    """Every reference and arithmetic problem between the parts of a scenario.

    Shapes are already valid here; this checks what a single field cannot know.
    """
    out: list[Problem] = []

    def bad(path: str, message: str) -> None:
        out.append(Problem(path, message))

    munis = s.municipality_names
    known = set(munis)
    for name in _dupes(munis):
        bad(f"municipalities[{munis.index(name)}].name", f"municipality {show_name(name)} appears twice")

    base = list(s.municipalities[0].caseload)
    for i, muni in enumerate(s.municipalities):
        missing = [f for f in base if f not in muni.caseload]
        extra = [f for f in muni.caseload if f not in base]
        if missing:
            bad(f"municipalities[{i}].caseload",
                f"missing feature(s) {', '.join(missing)} (every municipality needs the same "
                f"features as {s.municipalities[0].name})")
        if extra:
            bad(f"municipalities[{i}].caseload",
                f"feature(s) {', '.join(extra)} not given for {s.municipalities[0].name}; "
                "every municipality needs the same features")
    features = set(base)
    for name, derived in s.derived_features.items():
        if name in features:
            bad(f"derived_features.{name}", "a base caseload feature already has this name")
        for j, f in enumerate(derived.product):
            if f not in features:
                bad(f"derived_features.{name}.product[{j}]",
                    f"unknown feature '{f}' (known: {', '.join(sorted(features))})")
    all_features = features | set(s.derived_features)

    # areas
    area_names = [a.name for a in s.areas]
    for name in _dupes(area_names):
        bad(f"areas[{area_names.index(name)}].name", f"area {show_name(name)} appears twice")
    where: dict[str, str] = {}
    for i, a in enumerate(s.areas):
        for j, m in enumerate(a.municipalities):
            if m not in known:
                bad(f"areas[{i}].municipalities[{j}]", f"unknown municipality {show_name(m)}")
            elif m in where:
                bad(f"areas[{i}].municipalities[{j}]",
                    f"municipality '{m}' is already in area '{where[m]}'; a municipality "
                    "belongs to exactly one area")
            else:
                where[m] = a.name
    for i, m in enumerate(munis):
        if m not in where:
            bad(f"municipalities[{i}]", f"municipality {show_name(m)} is in no area")
    if s.lead_municipality not in known:
        bad("lead_municipality", f"unknown municipality {show_name(s.lead_municipality)}")

    # offices
    office_names = [o.name for o in s.offices]
    for name in _dupes(office_names):
        bad(f"offices[{office_names.index(name)}].name", f"office {show_name(name)} appears twice")
    served: set[str] = set()
    for i, o in enumerate(s.offices):
        if o.municipality not in known:
            bad(f"offices[{i}].municipality", f"unknown municipality {show_name(o.municipality)}")
            continue
        home = where.get(o.municipality)
        for j, m in enumerate(o.serves or []):
            if m not in known:
                bad(f"offices[{i}].serves[{j}]", f"unknown municipality {show_name(m)}")
            elif where.get(m) != home:
                bad(f"offices[{i}].serves[{j}]",
                    f"'{m}' is in area '{where.get(m)}', but office '{o.name}' is in area "
                    f"'{home}'; an office serves only its own area")
        if home is not None:
            served.update(
                o.serves if o.serves is not None
                else [m for a in s.areas if a.name == home for m in a.municipalities]
            )
        if o.max_htv is not None and o.max_htv < o.effective_min_htv:
            bad(f"offices[{i}].max_htv",
                f"max_htv {o.max_htv} is below the office's minimum {o.effective_min_htv}")
    for i, m in enumerate(munis):
        if m in where and m not in served:
            bad(f"municipalities[{i}]",
                f"no office serves {show_name(m)}; list it in an office's 'serves' of area '{where[m]}'")

    # service lines
    line_names = [ln.name for ln in s.service_lines]
    for name in _dupes(line_names):
        bad(f"service_lines[{line_names.index(name)}].name", f"service line '{name}' appears twice")
    total_share = sum((to_fraction(ln.share) for ln in s.service_lines), Fraction(0))
    if abs(total_share - 1) > Fraction(1, 10**9):
        shares = " + ".join(show_number(ln.share) for ln in s.service_lines)
        bad("service_lines", f"shares must sum to 1, but {shares} = {float(total_share):g}")
    for i, ln in enumerate(s.service_lines):
        for f in ln.demand:
            if f not in all_features:
                bad(f"service_lines[{i}].demand.{f}",
                    f"unknown feature '{f}' (known: {', '.join(sorted(all_features))})")
        if sum(ln.demand.values()) <= 0:
            bad(f"service_lines[{i}].demand", "weights must not all be zero")
        elif all(f in all_features for f in ln.demand) and not out:
            values = s.exact_features()
            # Caseloads are not negative: a sum is zero exactly when every value is.
            if not any(any(values[f].values()) for f, w in ln.demand.items() if w > 0):
                bad(f"service_lines[{i}].demand",
                    "every weighted feature is zero in every municipality: the line has no demand")

    # central services
    central_names = [c.name for c in s.central_services]
    for name in _dupes(central_names):
        bad(f"central_services[{central_names.index(name)}].name",
            f"central service '{name}' appears twice")
    for i, c in enumerate(s.central_services):
        if c.driven_by is not None and c.driven_by.feature not in all_features:
            bad(f"central_services[{i}].driven_by.feature",
                f"unknown feature '{c.driven_by.feature}' (known: {', '.join(sorted(all_features))})")
        if c.office is not None and c.office not in office_names:
            bad(f"central_services[{i}].office", f"unknown office {show_name(c.office)}")

    # continuity
    if s.continuity is not None:
        given = [c.office for c in s.continuity.current]
        for name in _dupes(given):
            bad(f"continuity.current[{given.index(name)}].office",
                f"office {show_name(name)} appears twice")
        for i, cur in enumerate(s.continuity.current):
            if cur.office not in office_names:
                bad(f"continuity.current[{i}].office", f"unknown office {show_name(cur.office)}")
            if cur.lines is not None:
                for line in cur.lines:
                    if line not in line_names:
                        bad(f"continuity.current[{i}].lines.{line}",
                            f"unknown service line '{line}' (known: {', '.join(line_names)})")
                total = sum((to_fraction(v) for v in cur.lines.values()), Fraction(0))
                if total != to_fraction(cur.htv):
                    bad(f"continuity.current[{i}].lines",
                        f"lines sum to {float(total):g} HTV, but htv is {show_number(cur.htv)}")

    if s.costs is not None:
        out.extend(_check_costs(s.costs, s, office_names, all_features))
    # travel times
    if s.travel_times is not None:
        pairs: dict[frozenset[str], int] = {}
        for i, t in enumerate(s.travel_times):
            for j, m in enumerate(t.between):
                if m not in known:
                    bad(f"travel_times[{i}].between[{j}]", f"unknown municipality {show_name(m)}")
            pair = frozenset(t.between)
            if len(pair) == 1:
                bad(f"travel_times[{i}].between", "give two different municipalities")
            elif pair in pairs:
                bad(f"travel_times[{i}].between",
                    f"{' and '.join(t.between)} already have a travel time "
                    f"(travel_times[{pairs[pair]}])")
            else:
                pairs[pair] = i
        homes = list(dict.fromkeys(o.municipality for o in s.offices if o.municipality in known))
        missing = [f"{a}–{b}" for k, a in enumerate(homes) for b in homes[k + 1:]
                   if frozenset((a, b)) not in pairs]
        if missing:
            bad("travel_times", f"no travel time between {', '.join(missing[:6])}"
                + (f" and {len(missing) - 6} more pairs" if len(missing) > 6 else "")
                + "; give one for every two municipalities that have offices")

    # granularity, and amounts the model can hold
    g = to_fraction(s.granularity)
    shown_g = show_number(s.granularity)
    units = _units(s.total_htv, g)
    if units > MAX_UNITS:
        bad("total_htv", f"total_htv / granularity = {show_number(s.total_htv)} / {shown_g} is "
            f"{float(units):.3g} units, more than the 10^9 the model holds; use a "
            "coarser granularity or a smaller total_htv")
    elif units.denominator != 1:
        bad("total_htv", f"{show_number(s.total_htv)} is not a whole multiple of granularity "
            f"{shown_g}")
    for i, c in enumerate(s.central_services):
        if c.htv is None:
            continue
        if _units(c.htv, g) > MAX_UNITS:
            bad(f"central_services[{i}].htv",
                f"htv / granularity = {show_number(c.htv)} / {shown_g} is more than the "
                f"10^9 units the model holds")
        elif _units(c.htv, g).denominator != 1:
            bad(f"central_services[{i}].htv",
                f"{show_number(c.htv)} is not a whole multiple of granularity {shown_g}")
    driven = [(i, c.driven_by) for i, c in enumerate(s.central_services)
              if c.driven_by is not None and c.driven_by.feature in all_features]
    exact = s.exact_features() if driven and not out else {}
    for i, d in driven if exact else ():
        size = exact_sum(exact[d.feature].values()) / to_fraction(d.persons_per_htv)
        if size / g > MAX_UNITS:
            bad(f"central_services[{i}].driven_by",
                f"{d.feature} / persons_per_htv = {float(size):.3g} HTV is more than the "
                f"10^9 granularity units the model holds")
    for i, o in enumerate(s.offices):
        for field in ("min_htv", "max_htv"):
            amount = getattr(o, field)
            if amount is not None and _units(amount, g) > MAX_UNITS:
                bad(f"offices[{i}].{field}",
                    f"{field} / granularity = {show_number(amount)} / {shown_g} is more than "
                    f"the 10^9 units the model holds")
    if s.continuity is not None:
        amounts = [(f"continuity.current[{i}].htv", cur.htv)
                   for i, cur in enumerate(s.continuity.current)]
        if s.continuity.max_change_htv is not None:
            amounts.append(("continuity.max_change_htv", s.continuity.max_change_htv))
        for path, amount in amounts:
            if _units(amount, g) > MAX_UNITS:
                bad(path, f"{show_number(amount)} / granularity {shown_g} is more than the "
                    f"10^9 units the model holds")
    for path, item in _marked(s, by_name=False):
        for key, reason in item.assumed.items():
            if reason is None:
                continue
            field_, _, rest = key.partition(".")
            mark = f"{path}.assumed.{key}" if path else f"assumed.{key}"
            if field_ not in type(item).model_fields or field_ == "assumed":
                fields = ", ".join(f for f in type(item).model_fields if f != "assumed")
                bad(mark, f"marks no field here: '{field_}' is not one (known: {fields})")
                continue
            if rest:
                try:
                    get_path(item.model_dump(mode="python", include={field_})[field_], rest)
                except KeyError as exc:
                    bad(mark, "marks no value here: " + str(exc.args[0]).split(": ", 1)[-1])
    return out


def _check_costs(c: Costs, s: Scenario, office_names: list[str],
                 features: set[str]) -> list[Problem]:
    """Every problem of the ``costs`` section against the rest of the scenario."""
    out: list[Problem] = []
    munis = s.municipality_names
    known_features = ", ".join(sorted(features))
    for name, amount in c.offices_eur.items():
        if amount is not None and name not in office_names:
            out.append(Problem(f"costs.offices_eur.{name}",
                               f"unknown office {show_name(name)} (known: "
                               f"{', '.join(office_names)}); an office the file removes "
                               "needs 'null' here"))
    if c.central_key == SHARES_KEY and c.shares is None:
        out.append(Problem("costs.central_key",
                           "'shares' needs costs.shares: a fraction per municipality"))
    elif c.central_key not in (EQUAL_KEY, SHARES_KEY):
        if c.central_key not in features:
            out.append(Problem("costs.central_key",
                               f"unknown key '{c.central_key}': use '{EQUAL_KEY}', "
                               f"'{SHARES_KEY}' or a caseload feature ({known_features})"))
        elif s.features_complete() and not any(s.exact_features()[c.central_key].values()):
            out.append(Problem("costs.central_key",
                               f"feature '{c.central_key}' is zero in every municipality, "
                               "so it shares nothing"))
    if c.shares is not None:
        for name in c.shares:
            if name not in munis:
                out.append(Problem(f"costs.shares.{name}",
                                   f"unknown municipality {show_name(name)}"))
        missing = [m for m in munis if m not in c.shares]
        if missing:
            out.append(Problem("costs.shares", f"no share for {', '.join(missing)}; give every "
                               "municipality a share (0 for none)"))
        total = sum((to_fraction(v) for v in c.shares.values()), Fraction(0))
        if total != 1:
            given = " + ".join(show_number(v) for v in c.shares.values())
            out.append(Problem("costs.shares",
                               f"shares must sum to exactly 1, but {given} = {total}"
                               + ("" if total.denominator == 1 else f" ({float(total):.6g})")))
    if c.reference is not None:
        for f in c.reference.weights:
            if f not in features:
                out.append(Problem(f"costs.reference.weights.{f}",
                                   f"unknown feature '{f}' (known: {known_features})"))
        if sum(c.reference.weights.values()) <= 0:
            out.append(Problem("costs.reference.weights", "weights must not all be zero"))
        elif all(f in features for f in c.reference.weights) and s.features_complete():
            values = s.exact_features()
            if not any(any(values[f].values()) for f, w in c.reference.weights.items() if w):
                out.append(Problem("costs.reference.weights",
                                   "every weighted feature is zero in every municipality"))
    return out


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors (``allocate schema``)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
