"""What ``allocate FILE --json --no-files`` loads, and the plain rows summary.json is built from.

The JSON path writes no files, so it must not load the file writers' libraries (pandas,
matplotlib, openpyxl); its summary is built from the Result's ``*_rows`` methods. The
DataFrame methods that notebooks, charts and files read are built from the same rows, so
each rows method must equal its frame's records.

OR-Tools' CP-SAT module imports pandas itself, so pandas is in ``sys.modules`` after any
solve; the CLI probe therefore records which *allocator* module asks for a library, and a
result solved elsewhere is turned into summary.json in an interpreter that has neither.
"""

from __future__ import annotations

import json
import math
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from allocator.engine.pipeline import allocate
from allocator.engine.result import Result
from allocator.forked import CAN_FORK
from allocator.reports import files
from allocator.reports.summary import build_summary, summary_bytes

ROOT = Path(__file__).parents[1]
#: The writers' libraries, which a run that writes no files does not need.
WRITERS = ("pandas", "matplotlib", "openpyxl")
#: base.yaml has costs with a reference split; continuity.yaml has today's staffing (moves).
SCENARIOS = ["scenarios/base.yaml", "scenarios/continuity.yaml"]

#: Runs the command's main in this interpreter with ``sys.argv[2:]`` as its arguments and
#: writes to the file ``sys.argv[1]`` which allocator modules imported which writer
#: library, which writer libraries were loaded at all, and the exit code.
PROBE = f"""
import builtins, json, sys
report, args = sys.argv[1], sys.argv[2:]
asked = []
real_import = builtins.__import__

def watched(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {{}}).get("__name__", "")
    if name.split(".")[0] in {WRITERS!r} and importer.startswith("allocator"):
        asked.append([importer, name])
    return real_import(name, globals, locals, fromlist, level)

builtins.__import__ = watched
from allocator.cli.app import main
sys.argv = ["allocate", *args]
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code
loaded = [m for m in {WRITERS!r} if m in sys.modules]
with open(report, "w", encoding="utf-8") as f:
    json.dump({{"asked": asked, "loaded": loaded, "code": code}}, f)
"""


def probe(tmp_path: Path, *args: str) -> tuple[dict[str, Any], str]:
    """The probe's findings for ``allocate *args`` in a fresh interpreter, and its stdout."""
    report = tmp_path / "imports.json"
    done = subprocess.run([sys.executable, "-c", PROBE, str(report), *args],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return found, done.stdout


@pytest.fixture(scope="module", params=SCENARIOS)
def solved(request: pytest.FixtureRequest) -> Result:
    return allocate(ROOT / request.param)


def same(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with NaN replaced by a marker, so that two NaN compare equal."""
    return [{k: "NaN" if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            for row in rows]


# --- what the JSON path loads ---------------------------------------------------------------
def test_json_without_files_needs_no_writer_library(tmp_path: Path) -> None:
    found, stdout = probe(tmp_path, "scenarios/base.yaml", "--json", "--no-files")
    assert found["code"] == 0
    assert found["asked"] == []
    assert [m for m in found["loaded"] if m != "pandas"] == []  # pandas comes with CP-SAT
    summary = json.loads(stdout)
    assert summary["status"] == "OPTIMAL" and summary["verified"] is True
    assert summary["allocations"] and summary["costs"]["key_costs"]


def test_writing_files_still_loads_the_writers(tmp_path: Path) -> None:
    # The probe notices an allocator module asking for a writer library when there is one.
    found, _ = probe(tmp_path, "scenarios/base.yaml", "--json", "--out", str(tmp_path / "out"))
    assert found["code"] == 0
    importers = {importer for importer, _ in found["asked"]}
    assert "allocator.reports.files" in importers
    # The charts are drawn in forked processes (allocator.forked), so matplotlib
    # is loaded there and not in the run's own process.
    charts_here = set() if CAN_FORK else {"matplotlib"}
    assert set(found["loaded"]) == {"pandas", "openpyxl"} | charts_here
    for name in ("allocation.xlsx", "allocation.png", "costs.png"):
        assert (tmp_path / "out" / name).is_file()


def test_summary_is_built_without_pandas_or_the_solver(solved: Result, tmp_path: Path) -> None:
    """A solved result, unpickled in a fresh interpreter, gives the same summary.json with
    neither pandas nor OR-Tools (nor numpy) loaded."""
    pickled = tmp_path / "result.pickle"
    pickled.write_bytes(pickle.dumps(solved))
    code = f"""
import pickle, sys
from pathlib import Path
result = pickle.loads(Path({str(pickled)!r}).read_bytes())
from allocator.reports.summary import build_summary, summary_bytes
summary = build_summary(result, result.source)
del summary["run"]
sys.stdout.write(summary_bytes(summary).decode("utf-8"))
sys.stderr.write(repr([m for m in ("pandas", "numpy", "ortools") if m in sys.modules]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stderr.strip() == "[]"
    here = build_summary(solved, solved.source)
    del here["run"]
    assert done.stdout == summary_bytes(here).decode("utf-8")


def test_the_runs_charts_load_and_draw_without_the_solver(solved: Result,
                                                         tmp_path: Path) -> None:
    """What the run's chart child loads (files.load_charts) and what drawing the two
    charts needs: matplotlib, not CP-SAT nor the analyses' charts, which import it."""
    pickled = tmp_path / "result.pickle"
    pickled.write_bytes(pickle.dumps(solved))
    code = f"""
import pickle, sys
from pathlib import Path
from allocator.reports import files
files.load_charts()
loaded = "matplotlib" in sys.modules
result = pickle.loads(Path({str(pickled)!r}).read_bytes())
drawn = files.draw_charts((result, "en"))
sys.stdout.write(repr((loaded, sorted(drawn), [m for m in ("ortools.sat.python.cp_model",
    "allocator.engine.pipeline", "allocator.charts.sensitivity", "allocator.charts.compare")
    if m in sys.modules])))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout == repr((True, ["allocation.png", "costs.png"], []))


def test_summary_bytes_are_the_files_summary_bytes(solved: Result) -> None:
    summary = build_summary(solved, solved.source)
    assert summary_bytes(summary) == files.summary_bytes(summary)


# --- one definition per table: rows and frames ------------------------------------------------
def test_result_rows_equal_their_frames(solved: Result) -> None:
    pairs = {
        "allocation": (solved.allocation_rows(), solved.allocation_frame()),
        "central": (solved.central_rows(), solved.central_frame()),
        "targets": (solved.target_rows(), solved.targets_frame()),
        "by_area": (solved.by_area_rows(), solved.by_area()),
        "by_line": (solved.by_line_rows(), solved.by_line()),
        "assumptions": (solved.assumption_rows(), solved.assumptions_frame()),
    }
    for name, (rows, frame) in pairs.items():
        assert rows, name
        assert same(rows) == same(frame.to_dict("records")), name
        assert list(rows[0]) == list(frame.columns), name


def test_allocation_rows_are_ordered_by_area_office_and_municipality(solved: Result) -> None:
    d = solved.data
    rank = ({a: i for i, a in enumerate(d.areas)}, {o.name: i for i, o in enumerate(d.offices)},
            {m: i for i, m in enumerate(d.municipalities)})
    keys = [(rank[0][r["area"]], rank[1][r["office"]], rank[2][r["municipality"]])
            for r in solved.allocation_rows()]
    assert keys == sorted(keys)
    assert len(keys) == len(d.pairs) * len(d.lines)


def test_moves_rows_equal_their_frame() -> None:
    result = allocate(ROOT / "scenarios" / "continuity.yaml")
    moves = result.moves()
    assert moves is not None and moves.rows
    assert list(moves.rows) == moves.frame.to_dict("records")
    assert [r["office"] for r in moves.rows] == [o.name for o in result.data.offices]


def test_cost_rows_equal_their_frames(solved: Result) -> None:
    costs = solved.costs()
    assert costs is not None
    assert costs.municipality_rows() == costs.frame().to_dict("records")
    assert costs.key_rows() == costs.keys_frame().to_dict("records")
    reference, frame = costs.reference_rows(), costs.reference_frame()
    if costs.reference is None:
        assert reference is None and frame is None
    else:
        assert reference is not None and frame is not None
        assert reference == frame.to_dict("records")
