"""The notebooks in notebooks/ run headless, and are stored without outputs.

Each notebook is executed as Jupyter would run it — with the ``python3`` kernel of the
ipykernel installed beside this package, from the ``notebooks/`` folder, where Jupyter
opens it — and a cell that raises fails the test with the cell's traceback. Speed is
measured in the notebooks, not asserted here; the timeout only stops a notebook that
hangs.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode

ROOT = Path(__file__).parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ["01_base_case.ipynb", "02_what_if.ipynb", "03_scenarios_and_sensitivity.ipynb"]
#: Wall-clock limit for one whole notebook, kernel start included [s]. Each takes about
#: 5 s; the margin is for a cold start (matplotlib builds its font cache once).
NOTEBOOK_TIMEOUT = 150.0
CLEAR_HINT = ("clear the outputs before committing: Edit → Clear Outputs of All Cells, or "
              "jupyter nbconvert --clear-output --inplace notebooks/*.ipynb")


@pytest.fixture(autouse=True)
def _kernel_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
                        ) -> None:
    # The python3 kernel spec installed with ipykernel in this environment comes first, so
    # the notebooks run against this checkout and not a kernel found elsewhere; IPython's
    # profile and history go to a scratch folder.
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path_factory.getbasetemp() / "ipython"))
    monkeypatch.delenv("MPLBACKEND", raising=False)


#: Runs one notebook in a fresh interpreter: ``runner IN OUT TIMEOUT NOTEBOOK_DIR``. Exit
#: status 3 with the error on stderr when a cell raises.
RUNNER = """
import sys, tempfile, time, nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
source, target, timeout, path = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
nb = nbformat.read(source, as_version=4)
deadline = time.monotonic() + timeout
# IPC sockets in a private folder: no TCP ports to race for with other processes.
sockets = tempfile.mkdtemp(prefix="kernel-")
km = KernelManager(kernel_name="python3", transport="ipc", ip=sockets + "/k")
client = NotebookClient(nb, km=km, kernel_name="python3",
                        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
                        resources={"metadata": {"path": path}})
try:
    client.execute()
except CellExecutionError as exc:
    sys.stderr.write(str(exc))
    sys.exit(3)
nbformat.write(nb, target)
"""


def execute(nb: NotebookNode, timeout: float = NOTEBOOK_TIMEOUT) -> NotebookNode:
    """``nb`` executed from the notebooks/ folder; raises CellExecutionError on any error.

    The kernel is driven from a fresh interpreter, so that event loops left behind by
    other tests in this process (browsers, clusters) cannot stall it.
    """
    with tempfile.TemporaryDirectory() as scratch:
        source, target = Path(scratch) / "in.ipynb", Path(scratch) / "out.ipynb"
        nbformat.write(nb, source)
        done = subprocess.run([sys.executable, "-c", RUNNER, str(source), str(target),
                               str(timeout), str(NOTEBOOKS)],
                              capture_output=True, text=True, timeout=timeout + 60, check=False)
        if done.returncode == 3:
            raise CellExecutionError(done.stderr, "", "")
        assert done.returncode == 0, done.stderr
        return nbformat.read(target, as_version=4)


@cache
def executed(name: str) -> NotebookNode:
    """A stored notebook, executed once per test session."""
    return execute(nbformat.read(NOTEBOOKS / name, as_version=4))


def text_of(nb: NotebookNode) -> str:
    """Every printed and displayed text/plain output of ``nb``, one after another."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            elif "text/plain" in output.get("data", {}):
                parts.append(output.data["text/plain"])
    return "\n".join(parts)


def stored_problems(nb: NotebookNode) -> list[str]:
    """What keeps ``nb`` from being stored as source only: outputs, counts, widget state."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {i} has an execution count")
    if "widgets" in nb.metadata:
        problems.append("the notebook stores widget state")
    return problems


# --- the notebooks as stored ----------------------------------------------------------------
def test_the_notebooks_are_there() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_stored_without_outputs_and_opening_with_the_question(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert stored_problems(nb) == [], f"{name}: {CLEAR_HINT}"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "**Question:**" in first.source


def test_an_executed_notebook_is_not_clean() -> None:
    nb = nbformat.read(NOTEBOOKS / EXPECTED[0], as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    cell.execution_count = 1
    nb.metadata["widgets"] = {}
    assert len(stored_problems(nb)) == 3


# --- the notebooks run ----------------------------------------------------------------------
@pytest.mark.parametrize("name", EXPECTED)
def test_runs_headless_without_errors(name: str) -> None:
    nb = executed(name)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")


def test_a_failing_cell_fails_the_run() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        execute(nb, timeout=60)


def test_base_case_shows_the_verdicts_the_tables_and_the_chart() -> None:
    nb = executed("01_base_case.ipynb")
    html = "".join(o.data.get("text/html", "") for c in nb.cells
                   for o in c.get("outputs", []) if "data" in o)
    assert "proven optimal" in html and "passed (every rule re-checked" in html
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert "Binding rules: none" in text_of(nb)
    assert "office_max[Ikaalinen office]" in text_of(nb)


def test_what_if_times_one_resolve() -> None:
    text = text_of(executed("02_what_if.ipynb"))
    assert re.search(r"Re-solve: load [\d.]+ s · with_changes [\d.]+ s · allocate [\d.]+ s · "
                     r"chart [\d.]+ s · total [\d.]+ s", text)
    assert re.search(r"One re-solve from a slider change: [\d.]+ s \(median of 5", text)
    assert "<Result 'what-if': OPTIMAL, verified, 30.00 HTV>" in text


def test_what_if_runs_without_ipywidgets() -> None:
    nb = copy.deepcopy(nbformat.read(NOTEBOOKS / "02_what_if.ipynb", as_version=4))
    # A None entry in sys.modules makes `import ipywidgets` raise ImportError.
    nb.cells.insert(0, nbformat.v4.new_code_cell("import sys\nsys.modules['ipywidgets'] = None"))
    text = text_of(execute(nb))
    assert "ipywidgets is not installed" in text
    assert "One re-solve from a slider change" in text


def test_sensitivity_sweeps_the_budget() -> None:
    text = text_of(executed("03_scenarios_and_sensitivity.ipynb"))
    assert "HTV per extra HTV" in text
    assert "youth-emphasis" in text and "continuity" in text
