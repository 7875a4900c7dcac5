"""Placement benchmark: solve times and proof status of ``allocate place``'s model.

    python benchmarks/placement.py [--people 4000] [--seed 1] [--time-limit 60]
                                   [--out benchmarks/out/placement.csv]

Measured once each (never asserted in tests):

1. ``base``: scenarios/base.yaml with the illustrative roster scenarios/staff-illustrative.csv
   (40 people), every person free to move to any office;
2. ``national``: the generated national instance (``allocate generate --areas 45
   --municipalities 300 --htv 4000 --seed 1``) with a generated roster of about
   ``--people`` people, each today at an office of the instance and able to work in the
   offices of their own responsibility area only (``within_area``), which keeps the model
   small. The roster is drawn with the seed: every office × assignment gets people in
   proportion to its allocated HTV (FTEs 1.0 / 0.8 / 0.6 / 0.5), each able to do that
   assignment and sometimes a second service line (one in seven of the local staff every
   line), and one local person in eight is today at another office of their area, so that
   moves are needed. The placement model is solved in one part per area.

Printed and written as CSV: instance, people, variables, allocation_s (the HTV
allocation), build_s, solve_s, status (OPTIMAL only when every placement stage is proven
optimal), verified, each stage's status and the stages' objective minus bound where not
optimal, and the objective terms.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
STAFF = ROOT / "scenarios" / "staff-illustrative.csv"
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "placement.csv"
#: Working time of a generated person [FTE] and how often each is drawn.
FTES = ((1.0, 0.8), (0.8, 0.1), (0.6, 0.05), (0.5, 0.05))


def national_roster(result: Any, people: int, seed: int) -> Any:
    """About ``people`` people, each office × assignment getting people in proportion to
    its allocated HTV (as if today's staff roughly matched the allocation)."""
    from fractions import Fraction

    from allocator.scenario.roster import Person, Roster

    rng = random.Random(seed)
    s = result.scenario
    alloc = result.allocation
    g = alloc.granularity
    cells: dict[tuple[str, str], Fraction] = {}
    for (_, office, line), units in alloc.cells.items():
        cells[(office, line)] = cells.get((office, line), Fraction(0)) + units * g
    for (service, office), units in alloc.central.items():
        cells[(office, service)] = cells.get((office, service), Fraction(0)) + units * g
    mean_fte = Fraction(sum(f * w for f, w in FTES)).limit_denominator(1000)
    scale = people * mean_fte / sum(cells.values())
    lines = [ln.name for ln in s.service_lines]
    central = {c.name for c in s.central_services}
    area_of = s.area_of()
    offices_in: dict[str, list[str]] = {}
    for o in s.offices:
        offices_in.setdefault(area_of[o.municipality], []).append(o.name)
    home_area = {o.name: area_of[o.municipality] for o in s.offices}
    out: list[Person] = []
    for (office, job), htv in cells.items():
        have = Fraction(0)
        while have < htv * scale:
            fte = Fraction(rng.choices([f for f, _ in FTES], [w for _, w in FTES])[0]).limit_denominator(10)
            have += fte
            if job not in central and rng.random() < 0.15:
                can: tuple[str, ...] = tuple(lines)
            elif rng.random() < 0.4:
                can = (job, rng.choice([ln for ln in lines if ln != job]))
            else:
                can = (job,)
            today = office
            others = [x for x in offices_in[home_area[office]] if x != office]
            if others and job not in central and rng.random() < 0.125:
                today = rng.choice(others)
            out.append(Person(f"N{len(out) + 1:05d}", fte, today, can, False, None, len(out) + 2))
    return Roster(tuple(out), "<generated>")


def measure(name: str, scenario: Any, roster: Any, time_limit: float,
            within_area: bool) -> dict[str, Any]:
    from allocator.engine.pipeline import allocate
    from allocator.engine.placement.pipeline import place
    from allocator.engine.placement.types import PlacementSettings
    from allocator.scenario.roster import load_roster

    start = time.perf_counter()
    result = allocate(scenario)
    allocation_s = time.perf_counter() - start
    if roster is None:
        roster = load_roster(STAFF, result.scenario)
    elif callable(roster):
        roster = roster(result)
    settings = PlacementSettings(within_area=within_area, time_limit=time_limit)
    pr = place(result, roster, settings)
    o = pr.verification.objective if pr.verification is not None else None
    gaps = pr.stage_gaps()
    return {
        "instance": name, "people": len(pr.roster.people),
        "roster_fte": round(float(pr.roster.total_fte), 1),
        "total_htv": float(result.total_htv), "variables": pr.variables,
        "allocation_s": round(allocation_s, 2), "allocation_status": str(result.status),
        "build_s": round(pr.build_time, 2), "solve_s": round(pr.solve_time, 2),
        "status": str(pr.status), "verified": pr.verified,
        "stages": " ".join(f"{st.name}={st.status}" for st in pr.stages),
        "stage_gaps": " ".join(f"{k}={v}" for k, v in gaps.items()),
        "max_gap_htv": None if o is None else round(float(o.max_gap), 2),
        "total_gap_htv": None if o is None else round(float(o.total_gap), 2),
        "moved": None if o is None else o.moved, "split": None if o is None else o.split,
        "conflicts": " | ".join(c.message for c in pr.conflicts),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="Deterministic time limit of the placement stages [s].")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    from allocator.scenario.generate import generate
    from allocator.scenario.loading import load_scenario
    from allocator.scenario.schema import Scenario

    rows = [measure("base", load_scenario(BASE), None, args.time_limit, within_area=False)]
    national = Scenario.model_validate(generate(45, 300, 4000.0, 3, args.seed))
    rows.append(measure("national", national,
                        lambda r: national_roster(r, args.people, args.seed),
                        args.time_limit, within_area=True))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        print("  ".join(f"{k}={v}" for k, v in row.items() if v not in ("", None)))
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
