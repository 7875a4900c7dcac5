"""Hostile names, paths, signals and options end in a clear message and exit code.

Names that start like a spreadsheet formula are written as text, ``$`` in names is drawn
literally, a bad ``--out`` exits 2 naming the path, a second run on the same folder is
refused, Ctrl-C exits 130 and absurd option values exit 2 naming the option.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from allocator.cli import main
from allocator.reports.cells import safe_text

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"


def hostile_scenario(tmp_path: Path, text: str) -> Path:
    """A scenario extending base.yaml whose office, line and central labels and title are
    ``text``-laden."""
    path = tmp_path / "hostile.yaml"
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(
        f"extends: {BASE}\n"
        "name: hostile\n"
        f'title: "{quoted} title"\n'
        "offices:\n"
        "  - name: Ikaalinen office\n"
        "    remove: true\n"
        f'  - name: "{quoted} office"\n'
        "    municipality: Ikaalinen\n"
        "service_lines:\n"
        "  - name: skills\n"
        f'    label: "{quoted} label"\n'
        "central_services:\n"
        "  - name: integration_services\n"
        f'    label: "{quoted} central"\n'
        "costs:\n"
        "  offices_eur:\n"
        "    Ikaalinen office: null\n"
        f'    "{quoted} office": 30000\n', encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


# --- 1. formula injection ---

@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Sastamala", "Sastamala"), (-2.5, -2.5), (3, 3),
])
def test_safe_text_quotes_text_that_starts_like_a_formula(value: object, expected: object) -> None:
    assert safe_text(value) == expected


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_run_writes_formula_like_names_as_text(tmp_path: Path, start: str) -> None:
    scenario = hostile_scenario(tmp_path, f"{start}HYPERLINK(1)")
    out = tmp_path / "out"
    code, _, stderr = invoke("run", str(scenario), "--out", str(out))
    assert code == 0, stderr
    rows = [r for r in csv.reader(io.StringIO((out / "allocation.csv").read_text("utf-8")))
            if r and not r[0].startswith("#")]
    offices = {r[2] for r in rows[1:]}
    assert f"'{start}HYPERLINK(1) office" in offices
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)
    wb = openpyxl.load_workbook(out / "allocation.xlsx")
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value == f"'{start}HYPERLINK(1) office" for c in texts)
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)
    assert not any(c.value.startswith(("=", "+", "@")) for c in texts)
    with zipfile.ZipFile(out / "allocation.xlsx") as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets"))


def test_compare_and_analysis_csvs_quote_formula_like_names(tmp_path: Path) -> None:
    scenario = hostile_scenario(tmp_path, "=cmd")
    code, _, stderr = invoke("compare", str(BASE), str(scenario), "--out", str(tmp_path / "c"))
    assert code == 0, stderr
    text = (tmp_path / "c" / "scenarios.csv").read_text("utf-8")
    assert "'=cmd title" in text and ",=cmd" not in text


# --- 2. mathtext in chart text ---

@pytest.mark.parametrize("text", [r"$\frac{1$", "$x^2$ and $y$", r"a\$b $", "$$"])
def test_run_and_compare_draw_dollar_names_literally(tmp_path: Path, text: str) -> None:
    scenario = hostile_scenario(tmp_path, text)
    code, _, stderr = invoke("run", str(scenario), "--out", str(tmp_path / "out"))
    assert code == 0, stderr
    assert (tmp_path / "out" / "allocation.png").read_bytes().startswith(b"\x89PNG")
    code, _, stderr = invoke("compare", str(BASE), str(scenario), "--out", str(tmp_path / "c"))
    assert code == 0, stderr


@pytest.mark.parametrize("text", ["[bold]Ikaalinen[/bold]", "[/]", "[link=file:///etc]x[/link]",
                                  ":thumbs_up: Ikaalinen"])
def test_terminal_prints_names_as_written_never_as_markup(tmp_path: Path, text: str) -> None:
    scenario = hostile_scenario(tmp_path, text)
    result = CliRunner().invoke(main, ["run", str(scenario), "--no-files"], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert f"{text} title" in result.stdout and f"{text} label" in result.stdout
    result = CliRunner().invoke(main, ["compare", str(BASE), str(scenario), "--out",
                                       str(tmp_path / "c")], terminal_width=400)
    assert result.exit_code == 0, result.output


def test_chart_texts_do_not_parse_mathtext(tmp_path: Path) -> None:
    from matplotlib.text import Text

    from allocator.api import load
    from allocator.charts import plot_allocation
    from allocator.engine.pipeline import allocate, settings_for

    scenario = load(hostile_scenario(tmp_path, "$x$"))
    fig = plot_allocation(allocate(scenario, settings_for(scenario)))
    fig.canvas.draw()
    drawn = [t for t in fig.findobj(Text) if "$x$" in t.get_text()]
    assert drawn and all(not t.get_parse_math() for t in drawn)


# --- 3. a bad --out ---

@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a_file"
    path.write_text("not a folder\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [
    ["run", str(BASE), "--out", "{file}/sub"],
    ["run", str(BASE), "--out", "/dev/null"],
    ["compare", str(BASE), "--out", "{file}/sub"],
    ["sweep", str(BASE), "--param", "total_htv=32:33:1", "--executor", "sequential",
     "--quiet", "--out", "{file}/sub"],
    ["report", str(BASE), "--runs", "2", "--out", "{file}/sub"],
    ["schema", "--out", "{file}/sub/schema.json"],
    ["generate", "--areas", "2", "--municipalities", "2", "--htv", "10", "--out",
     "{file}/sub/g.yaml"],
])
def test_a_bad_out_exits_2_naming_the_path(a_file: Path, args: list[str]) -> None:
    code, _, stderr = invoke(*(a.replace("{file}", str(a_file)) for a in args))
    assert code == 2, stderr
    assert stderr.startswith("error: cannot write ") and "Traceback" not in stderr
    assert ("Not a directory" in stderr or "not a folder" in stderr), stderr


def test_a_full_disk_exits_2_with_the_reason(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    import allocator.reports.writing as writing

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writing.os, "fsync", full)
    out = tmp_path / "out"
    code, _, stderr = invoke("run", str(BASE), "--out", str(out))
    assert code == 2 and "No space left on device" in stderr and str(out) in stderr
    assert not out.exists()  # nothing half-written, no temporary files, no lock, no folder
    code, _, stderr = invoke("schema", "--out", str(out / "schema.json"))
    assert code == 2 and "No space left on device" in stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write into a read-only folder")
def test_a_read_only_folder_exits_2_with_the_reason(tmp_path: Path) -> None:
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    try:
        code, _, stderr = invoke("run", str(BASE), "--out", str(out))
    finally:
        out.chmod(0o755)
    assert code == 2 and "Permission denied" in stderr and str(out) in stderr


def test_schema_to_dev_null_is_written_not_replaced() -> None:
    code, _, stderr = invoke("schema", "--out", "/dev/null")
    assert code == 0, stderr
    assert Path("/dev/null").is_char_device()


# --- 4. the output set ---

def test_the_set_carries_the_run_id_and_replaces_leftovers(tmp_path: Path) -> None:
    import json

    out = tmp_path / "out"
    out.mkdir()
    (out / ".allocation.csv.abc.tmp").write_text("killed run", encoding="utf-8")
    (out / ".set-xyz.tmp").mkdir()
    code, _, stderr = invoke("run", str(BASE), "--out", str(out))
    assert code == 0, stderr
    (out / ".notes.tmp").write_text("the user's own", encoding="utf-8")
    code, _, stderr = invoke("run", str(BASE), "--out", str(out))
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".notes.tmp", "allocation.csv", "allocation.png", "allocation.xlsx", "costs.png", "summary.json"]
    sha = json.loads((out / "summary.json").read_text("utf-8"))["manifest"]["scenario_sha256"]
    first = (out / "allocation.csv").read_text("utf-8").splitlines()[0]
    assert first == f"# scenario_sha256={sha[:12]}"
    assert openpyxl.load_workbook(out / "allocation.xlsx").properties.identifier == \
        f"scenario_sha256={sha}"


def test_a_second_run_on_a_held_folder_exits_2(tmp_path: Path) -> None:
    import fcntl
    import os

    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".allocator.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, stderr = invoke("run", str(BASE), "--out", str(out))
        assert code == 2 and "another allocate run is writing to this folder" in stderr
        assert str(out) in stderr
    finally:
        os.close(fd)
    assert [p.name for p in out.iterdir()] == [".allocator.lock"]
    code, _, stderr = invoke("run", str(BASE), "--out", str(out))
    assert code == 0, stderr
    assert ".allocator.lock" not in {p.name for p in out.iterdir()}


def test_a_failing_file_leaves_the_earlier_set_whole(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import allocator.reports.files as files

    out = tmp_path / "out"
    assert invoke("run", str(BASE), "--out", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(_result: object, _lang: str = "en") -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "png_bytes", boom)
    code, _, stderr = invoke("run", str(BASE), "--out", str(out))
    assert code == 2, stderr
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after.keys() == before.keys() and after["allocation.csv"] == before["allocation.csv"]


# --- 5. signals ---

def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "allocator.cli.app", str(BASE), "--out", str(tmp_path)]
    outcomes = []
    # During the imports, the load or the solve; a busy machine may still be starting
    # Python itself (before any of the package runs) at the first delay, so retry.
    for delay in (0.5, 0.8, 0.3, 1.1):
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "PYTHONWARNINGS": "ignore"})
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        outcomes.append((process.returncode, stderr))
        assert "Aborted" not in stderr and "allocator/cli" not in stderr, stderr
        if process.returncode == 130 and "Traceback" not in stderr:
            break
    code, stderr = outcomes[-1]
    assert code == 130, outcomes
    assert stderr.strip() == "error: interrupted (Ctrl-C); stopping"


def test_a_stopped_pool_ends_its_workers_mid_job() -> None:
    """SIGTERM's handler raises SystemExit; the pool must end its busy workers, not wait."""
    import time

    from allocator.analysis.executor import map_jobs

    start = time.monotonic()
    with pytest.raises(SystemExit):
        map_jobs(_stop_in_a_while, [0.5, 30.0, 30.0], processes=2)
    assert time.monotonic() - start < 20, "the pool waited for its busy workers"
    deadline = time.monotonic() + 5
    while _children_alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _children_alive() == [], "pool workers outlived the stopped pool"


def _stop_in_a_while(seconds: float) -> float:
    import time

    time.sleep(seconds)
    if seconds < 1:
        raise SystemExit(143)  # as the parent's SIGTERM handler raises
    return seconds


def _children_alive() -> list[int]:
    import multiprocessing

    return [p.pid for p in multiprocessing.active_children() if p.pid is not None]


# --- 6. absurd option values ---

@pytest.mark.parametrize("args, option", [
    (["tipping", str(BASE), "--input", "total_htv", "--precision", "nan"], "--precision"),
    (["tipping", str(BASE), "--input", "total_htv", "--precision", "1e-300"], "--precision"),
    (["tipping", str(BASE), "--input", "total_htv", "--max-change", "inf"], "--max-change"),
    (["tipping", str(BASE), "--input", "total_htv", "--steps", "100000"], "--steps"),
    (["tornado", str(BASE), "--change", "nan"], "--change"),
    (["tornado", str(BASE), "--change", "-5"], "--change"),
    (["tornado", str(BASE), "--time-limit", "inf"], "--time-limit"),
    (["run", str(BASE), "--time-limit", "nan"], "--time-limit"),
    (["run", str(BASE), "--time-limit", "-1"], "--time-limit"),
    (["robust", str(BASE), "--time-limit", "1e300"], "--time-limit"),
    (["montecarlo", str(BASE), "--seed", "-1"], "--seed"),
    (["montecarlo", str(BASE), "--seed", str(2**70)], "--seed"),
    (["montecarlo", str(BASE), "--runs", "0"], "--runs"),
    (["montecarlo", str(BASE), "--threshold", "nan"], "--threshold"),
    (["montecarlo", str(BASE), "--processes", "0"], "--processes"),
    (["montecarlo", str(BASE), "--processes", "100000"], "--processes"),
    (["sweep", str(BASE), "--param", "total_htv=30:nan:1"], "--param"),
    (["sweep", str(BASE), "--param", "total_htv=0:1e999999999:1"], "--param"),
    (["sweep", str(BASE), "--param", "total_htv=30:31:1e-300"], "--param"),
    (["sweep", str(BASE), "--param", "total_htv=30:31:-1"], "--param"),
    (["sweep", str(BASE), "--param", "total_htv=30,inf"], "--param"),
    (["report", str(BASE), "--seed", "-3"], "--seed"),
    (["report", str(BASE), "--sweep", "total_htv=1:inf:1"], "--sweep"),
    (["report", str(BASE), "--runs", "10000000"], "--runs"),
    (["generate", "--htv", "nan"], "--htv"),
    (["generate", "--htv", "inf"], "--htv"),
    (["generate", "--municipalities", "1000000000"], "--municipalities"),
    (["generate", "--seed", "-1"], "--seed"),
])
def test_absurd_option_values_exit_2_naming_the_option(args: list[str], option: str) -> None:
    code, _, stderr = invoke(*args)
    assert code == 2, stderr
    assert option in stderr and "Traceback" not in stderr


@pytest.mark.parametrize("args", [
    ["sweep", str(BASE), "--param", "total_htv=32:33:1", "--executor", "sequential", "--quiet"],
    ["compare", str(BASE)],
    ["report", str(BASE), "--runs", "2"],
])
def test_every_command_refuses_a_held_folder(tmp_path: Path, args: list[str]) -> None:
    import fcntl
    import os

    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".allocator.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, stderr = invoke(*args, "--out", str(out))
    finally:
        os.close(fd)
    assert code == 2 and "another allocate run is writing to this folder" in stderr
    assert [p.name for p in out.iterdir()] == [".allocator.lock"]
