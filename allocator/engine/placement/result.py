"""The typed outcome of placing a roster, and the tables every report reads.

All FTE and HTV columns are exact amounts as floats; gaps are placed FTE minus allocated
HTV per office × assignment [HTV]: negative is a vacancy to recruit, positive a surplus.
No table here carries anything of a person but the roster's pseudonymous id, and
:meth:`PlacementResult.staffing_frame` carries no person at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd

from allocator.engine.placement.data import PlacementData
from allocator.engine.placement.types import (
    Placement,
    PlacementRow,
    PlacementSettings,
    PlacementVerification,
)
from allocator.engine.result import Result
from allocator.engine.types import Conflict, StageFacts, Status
from allocator.scenario.roster import Roster


@dataclass(frozen=True)
class Move:
    """A person placed away from today's duty station, and why [minutes of travel]."""

    person: str
    from_office: str
    to_office: str
    reason: str
    minutes: Fraction | None = None

    def __str__(self) -> str:
        return f"{self.person}: {self.from_office} → {self.to_office}: {self.reason}"


@dataclass
class PlacementResult:
    """The outcome of placing ``roster`` against the allocation ``allocation``.

    ``status`` is OPTIMAL only when every placement stage is proven optimal; ``verified``
    only when the independent verifier ran and found nothing wrong.
    """

    allocation: Result
    roster: Roster
    settings: PlacementSettings
    status: Status
    data: PlacementData | None = None
    placement: Placement | None = None
    stages: tuple[StageFacts, ...] = ()
    verification: PlacementVerification | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    build_time: float = 0.0
    solve_time: float = 0.0
    commute_scale: int = 1
    variables: int = 0
    """Variables of the placement model (duty station, time, works-in) [count]."""
    parts: int = 1
    """Independent parts the placement was solved in (people who share no office)."""

    # --- verdicts ------------------------------------------------------------------------
    @property
    def verified(self) -> bool:
        """True when a placement exists and the independent verifier passed it."""
        return (self.placement is not None and self.verification is not None
                and self.verification.passed)

    @property
    def proven_optimal(self) -> bool:
        """True when every stage was proven optimal."""
        return self.status == Status.OPTIMAL

    def stage_gaps(self) -> dict[str, int]:
        """Stage -> objective minus the solver's bound, for stages not proven optimal
        [the stage's integer scale]."""
        return {st.name: st.objective - st.bound for st in self.stages
                if st.status != "OPTIMAL" and st.objective is not None and st.bound is not None}

    # --- tables ----------------------------------------------------------------------------
    def _rows(self) -> tuple[PlacementRow, ...]:
        return self.placement.rows if self.placement is not None else ()

    def rows_frame(self) -> pd.DataFrame:
        """One row per person × assignment: person, office, assignment, fte [FTE]."""
        return pd.DataFrame([{"person": r.person, "office": r.office, "assignment": r.assignment,
                              "fte": float(r.fte)} for r in self._rows()],
                            columns=["person", "office", "assignment", "fte"])

    def people_frame(self) -> pd.DataFrame:
        """One row per person: person, fte [FTE], current_office, office, assignments
        (``line 0.5; line 0.3``), moved."""
        by: dict[str, list[str]] = {}
        office: dict[str, str] = {}
        for r in self._rows():
            by.setdefault(r.person, []).append(f"{r.assignment} {float(r.fte):g}")
            office[r.person] = r.office
        return pd.DataFrame([{"person": p.id, "fte": float(p.fte),
                              "current_office": p.current_office,
                              "office": office.get(p.id, ""),
                              "assignments": "; ".join(by.get(p.id, [])),
                              "moved": office.get(p.id, p.current_office) != p.current_office}
                             for p in self.roster.people],
                            columns=["person", "fte", "current_office", "office", "assignments",
                                     "moved"])

    def gaps_frame(self) -> pd.DataFrame:
        """Per office × assignment: allocated_htv [HTV], placed_fte [FTE], gap_htv (placed −
        allocated) [HTV], people [persons] and the assignment's label; every staffed office
        with what exists there, in file order."""
        d = self.data
        cols = ["office", "assignment", "label", "allocated_htv", "placed_fte", "gap_htv",
                "people"]
        if d is None:
            return pd.DataFrame(columns=cols)
        placed = self.placement.placed() if self.placement is not None else {}
        people: dict[tuple[str, str], set[str]] = {}
        for r in self._rows():
            people.setdefault((r.office, r.assignment), set()).add(r.person)
        known = set(d.cells)
        cells = list(d.cells) + [c for c in placed if c not in known]
        rows = []
        for office, a in cells:
            alloc = d.htv(d.allocated.get((office, a), 0))
            got = placed.get((office, a), Fraction(0))
            rows.append({"office": office, "assignment": a, "label": d.labels.get(a, a),
                         "allocated_htv": float(alloc), "placed_fte": float(got),
                         "gap_htv": float(got - alloc),
                         "people": len(people.get((office, a), ()))})
        return pd.DataFrame(rows, columns=cols)

    def vacancies_frame(self) -> pd.DataFrame:
        """Where the roster falls short: office, assignment, label, vacancy_htv [HTV] to
        recruit (allocated minus placed, positive)."""
        g = self.gaps_frame()
        g = g[g["gap_htv"] < 0].copy()
        g["vacancy_htv"] = -g["gap_htv"]
        return g[["office", "assignment", "label", "vacancy_htv"]].reset_index(drop=True)

    def surplus_frame(self) -> pd.DataFrame:
        """Where more is placed than allocated: office, assignment, label, surplus_htv [HTV]."""
        g = self.gaps_frame()
        g = g[g["gap_htv"] > 0].copy()
        g["surplus_htv"] = g["gap_htv"]
        return g[["office", "assignment", "label", "surplus_htv"]].reset_index(drop=True)

    def staffing_frame(self) -> pd.DataFrame:
        """The placement aggregated for the board: per office × assignment the number of
        people [persons], placed FTE [FTE], allocated HTV [HTV], vacancy and surplus [HTV].

        No person appears in it, so it may be shown to anyone the allocation is shown to.
        Columns: office, assignment, label, people, placed_fte, allocated_htv,
        vacancy_htv, surplus_htv.
        """
        g = self.gaps_frame()
        out = g[["office", "assignment", "label", "people", "placed_fte", "allocated_htv"]].copy()
        out["vacancy_htv"] = (-g["gap_htv"]).clip(lower=0)
        out["surplus_htv"] = g["gap_htv"].clip(lower=0)
        return out.reset_index(drop=True)

    def office_people(self) -> dict[str, list[str]]:
        """Office -> the ids placed there, in roster order."""
        out: dict[str, list[str]] = {}
        for r in self._rows():
            if r.person not in out.setdefault(r.office, []):
                out[r.office].append(r.person)
        return out

    def moves(self) -> list[Move]:
        """Everybody placed away from today's duty station, with the reason, in roster order."""
        d = self.data
        if d is None or self.placement is None:
            return []
        station = self.placement.office_of()
        rows: dict[str, list[tuple[str, Fraction]]] = {}
        for r in self.placement.rows:
            rows.setdefault(r.person, []).append((r.assignment, r.fte))
        staying: dict[str, int] = {}
        for p in d.people:
            if station.get(p.id) == p.current_office:
                staying[p.current_office] = staying.get(p.current_office, 0) + 1
        out = []
        for p in d.people:
            to = station.get(p.id)
            if to is None or to == p.current_office:
                continue
            main = max(rows[p.id], key=lambda x: x[1])[0]
            out.append(Move(p.id, p.current_office, to,
                            self._reason(d, p.current_office, to, main, staying, station),
                            d.minutes(p, to) if d.travel is not None else None))
        return out

    @staticmethod
    def _reason(d: PlacementData, here: str, to: str, main: str, staying: dict[str, int],
                station: dict[str, str]) -> str:
        """The first of these that is true: the old office is closed; the new one needs
        people on site; its own staff who stay cannot cover the person's main assignment,
        or its HTV in all; the old office has more staff than HTV."""
        spot = d.office(to)
        if not d.office(here).staffed:
            return f"{here} gets no HTV in the allocation"
        stay = staying.get(to, 0)
        if stay < spot.min_people:
            return (f"{to} needs at least {spot.min_people} people on site and "
                    f"{stay} of its own staff stay there")
        own = [p for p in d.people if p.current_office == to and station.get(p.id) == to]
        need = d.htv(d.allocated.get((to, main), 0))
        able = sum((p.fte for p in own if main in p.lines), Fraction(0))
        if able < need:
            return (f"{to} needs {float(need):.2f} HTV of {d.labels.get(main, main).lower()}, "
                    f"{float(able):.1f} FTE of its own staff can do it")
        total = d.htv(sum(u for (o, _), u in d.allocated.items() if o == to))
        have = sum((p.fte for p in own), Fraction(0))
        if have < total:
            return f"{to} needs {float(total):.2f} HTV in all, its own staff have {float(have):.1f} FTE"
        origin = [p for p in d.people if p.current_office == here]
        there = d.htv(sum(u for (o, _), u in d.allocated.items() if o == here))
        staff = sum((p.fte for p in origin), Fraction(0))
        if staff > there:
            return f"{here} has {float(staff):.1f} FTE of staff for {float(there):.2f} HTV"
        return "the placement with the smallest gaps has this person here"
