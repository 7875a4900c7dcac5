"""Synthetic scenarios for benchmarks and stress tests: ordinary scenario data, seeded.

Municipality sizes are lognormal (a few large towns, many small ones), caseload features
are drawn around Finnish shares of the labour force, and every area gets one walk-in
office in its largest municipality plus appointment-only service points in some others.
"""

from __future__ import annotations

import math
import random
from typing import Any

#: Default shares for generated service lines beyond the plan's three.
PLAN_SHARES = (0.4, 0.4, 0.2)


def _shares(lines: int) -> list[float]:
    """``lines`` shares summing exactly to 1 (in hundredths): 40/40/20 for three lines."""
    if lines == 3:
        return list(PLAN_SHARES)
    base = [100 // lines] * lines
    for i in range(100 - sum(base)):
        base[i] += 1
    return [b / 100 for b in base]


def generate(areas: int = 45, municipalities: int = 300, htv: float = 4000.0, lines: int = 3,
             seed: int = 1, granularity: float = 0.01) -> dict[str, Any]:
    """A valid scenario as plain data (dump it as YAML or validate it with Scenario).

    Raises ValueError when the sizes cannot make a scenario (fewer municipalities than
    areas, or a budget that is not a positive number). The result is not validated here:
    ``allocate generate`` validates it like any scenario file.
    """
    if areas < 1 or municipalities < areas:
        raise ValueError("need at least one area and at least as many municipalities as areas")
    if lines < 1 or lines > 100:
        raise ValueError("lines must be between 1 and 100")
    if not (math.isfinite(htv) and htv > 0 and math.isfinite(granularity) and granularity > 0):
        raise ValueError(f"htv and granularity must be positive numbers, got {htv!r} and "
                         f"{granularity!r}")
    rng = random.Random(seed)
    # Every area gets one municipality, the rest are spread at random.
    owner = list(range(areas)) + [rng.randrange(areas) for _ in range(municipalities - areas)]
    rng.shuffle(owner)
    munis: list[dict[str, Any]] = []
    for i in range(municipalities):
        labour = max(300, int(rng.lognormvariate(8.3, 1.0)))
        rate = min(0.2, max(0.03, rng.gauss(0.09, 0.025)))
        unemployed = max(5, round(labour * rate))

        def part(share: float, spread: float = 0.25, u: int = unemployed) -> int:
            return max(0, round(u * share * rng.uniform(1 - spread, 1 + spread)))

        munis.append({
            "name": f"M{i + 1:03d}",
            "caseload": {
                "labour_force": labour,
                "unemployed": unemployed,
                "long_term_unemployed": part(0.27),
                "partially_able": part(0.17),
                "structurally_unemployed": part(0.49),
                "under_30": part(0.17),
                "over_50": part(0.43),
                "foreign_nationals": part(0.06, 0.8),
            },
        })
    area_rows = []
    offices = []
    for a in range(areas):
        members = [m for m, o in zip(munis, owner, strict=True) if o == a]
        members.sort(key=lambda m: -m["caseload"]["labour_force"])
        name = f"A{a + 1:02d}"
        area_rows.append({"name": name, "municipalities": [m["name"] for m in members]})
        offices.append({"name": f"{name} office", "municipality": members[0]["name"]})
        for m in members[1:]:
            if m["caseload"]["unemployed"] > 400 and rng.random() < 0.5:
                offices.append({"name": f"{m['name']} point", "municipality": m["name"],
                                "kind": "service_point", "serves": [m["name"]]})
    features = ["long_term_unemployed", "partially_able", "structurally_unemployed", "under_30",
                "over_50", "foreign_nationals", "unemployed", "labour_force"]
    line_rows = []
    for i, share in enumerate(_shares(lines)):
        if lines == 3:
            demand = [{"long_term_unemployed": 0.4, "partially_able": 0.3,
                       "structurally_unemployed": 0.3},
                      {"unemployed": 0.75, "labour_force": 0.25},
                      {"under_30": 0.6, "unemployed": 0.4}][i]
        else:
            picked = rng.sample(features, 2)
            demand = {picked[0]: 0.6, picked[1]: 0.4}
        line_rows.append({"name": f"line_{i + 1:02d}" if lines != 3 else
                          ("weaker_position", "job_brokering", "skills")[i],
                          "share": share, "tolerance": 0.02, "demand": demand})
    lead = area_rows[0]["municipalities"][0]
    total_units = round(htv / granularity)
    central_htv = round(htv * 0.04 / granularity) * granularity
    return {
        "name": f"synthetic-{areas}a-{municipalities}m-{lines}l-s{seed}",
        "title": (f"Synthetic: {areas} areas, {municipalities} municipalities, {lines} lines, "
                  f"{htv:g} HTV (seed {seed})"),
        "total_htv": round(total_units * granularity, 10),
        "granularity": granularity,
        "lead_municipality": lead,
        "municipalities": munis,
        "areas": area_rows,
        "offices": offices,
        "service_lines": line_rows,
        "central_services": [
            {"name": "integration_services", "driven_by": {"feature": "foreign_nationals",
                                                           "persons_per_htv": 50}},
            {"name": "administration", "htv": round(central_htv, 10)},
        ],
    }
