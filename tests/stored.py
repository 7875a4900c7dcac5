"""Stored allocations of the scenario set, and the golden comparison files built from them.

Golden files compare reports built from a *stored* allocation, never from a live solve:
CP-SAT may return another allocation of equal value. Each stored allocation is a small
CSV (``tests/golden/allocations/<scenario>.csv``) whose first line records the hash of
the scenario it was solved for, so a changed scenario file is noticed, not silently
compared against an old allocation.

Regenerate after a deliberate change (review the diff before committing)::

    .venv/bin/python tests/stored.py           # golden comparison files from the stored allocations
    .venv/bin/python tests/stored.py --solve   # solve the scenario set again first
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from allocator.analysis.compare import (
    caseload_per_htv,
    compare,
    costs_by_scenario,
    csv_bytes,
    line_shares,
    scenarios_frame,
)
from allocator.engine.caseload import prepare
from allocator.engine.manifest import scenario_sha256
from allocator.engine.result import Allocation, Result, SolverFacts, Status
from allocator.engine.verify import check
from allocator.reports.terminal_compare import comparison_text
from allocator.scenario.loading import load_scenario

ROOT = Path(__file__).parents[1]
GOLDEN = ROOT / "tests" / "golden"
ALLOCATIONS = GOLDEN / "allocations"
COMPARE = GOLDEN / "compare"
#: The scenario set in comparison order: the base first, then the rest by file name.
SCENARIO_FILES = ["scenarios/base.yaml", *sorted(
    f"scenarios/{p.name}" for p in (ROOT / "scenarios").glob("*.yaml") if p.name != "base.yaml")]
TABLE_WIDTH = 120


def stored_path(scenario_file: str) -> Path:
    return ALLOCATIONS / f"{Path(scenario_file).stem}.csv"


def write_stored(result: Result, path: Path) -> None:
    """``result``'s allocation in whole units, zero cells left out, in a stable order."""
    assert result.allocation is not None, "only allocations can be stored"
    buf = io.StringIO()
    buf.write(f"# scenario_sha256={scenario_sha256(result.scenario)} status={result.status}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["kind", "name", "office", "service_line", "units"])
    for (muni, office, line), units in sorted(result.allocation.cells.items()):
        if units:
            writer.writerow(["cell", muni, office, line, units])
    for (service, office), units in sorted(result.allocation.central.items()):
        if units:
            writer.writerow(["central", service, office, "", units])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


def load_stored(scenario_file: str) -> Result:
    """The Result of ``scenario_file`` rebuilt from its stored allocation, verified anew.

    No solver runs; the independent verifier re-checks the stored allocation against the
    scenario as it is now.
    """
    scenario = load_scenario(ROOT / scenario_file)
    lines = stored_path(scenario_file).read_text(encoding="utf-8").splitlines()
    header = dict(item.split("=", 1) for item in lines[0].lstrip("# ").split())
    if header["scenario_sha256"] != scenario_sha256(scenario):
        raise AssertionError(f"{scenario_file} changed since its allocation was stored; "
                             "run: .venv/bin/python tests/stored.py --solve")
    data = prepare(scenario)
    cells: dict[tuple[str, str, str], int] = {}
    central: dict[tuple[str, str], int] = {}
    for row in csv.DictReader(lines[1:]):
        if row["kind"] == "cell":
            cells[(row["name"], row["office"], row["service_line"])] = int(row["units"])
        else:
            central[(row["name"], row["office"])] = int(row["units"])
    allocation = Allocation(data.granularity, cells, central)
    facts = SolverFacts("stored", 1, scenario.solver.time_limit, 0, 0.0, 0.0)
    return Result(scenario, data, Status(header["status"]), allocation, facts,
                  verification=check(scenario, allocation), source=scenario_file)


def golden_outputs(results: list[Result]) -> dict[str, str]:
    """Every golden comparison file's text, built from ``results``."""
    return {
        "comparison.csv": csv_bytes(compare(results)).decode("utf-8"),
        "scenarios.csv": csv_bytes(scenarios_frame(results)).decode("utf-8"),
        "line_shares.csv": csv_bytes(line_shares(results)).decode("utf-8"),
        "unemployed_per_htv.csv": csv_bytes(caseload_per_htv(results)).decode("utf-8"),
        "costs.csv": csv_bytes(costs_by_scenario(results)).decode("utf-8"),
        "table.txt": comparison_text(results, width=TABLE_WIDTH),
    }


def main(argv: list[str]) -> None:
    if "--solve" in argv:
        from allocator.engine.pipeline import allocate

        for f in SCENARIO_FILES:
            result = allocate(ROOT / f)
            assert result.verified, f"{f}: {result.status}"
            write_stored(result, stored_path(f))
    results = [load_stored(f) for f in SCENARIO_FILES]
    COMPARE.mkdir(parents=True, exist_ok=True)
    for name, text in golden_outputs(results).items():
        (COMPARE / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(SCENARIO_FILES)} stored allocations' golden files into {COMPARE}")


if __name__ == "__main__":
    main(sys.argv[1:])
