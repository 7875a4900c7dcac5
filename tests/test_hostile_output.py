"""Hostile names, paths, signals and options end in a clear message and exit code.

Names that start like a spreadsheet formula are written as text, ``$`` in names is drawn
literally, a bad ``--out`` exits 2 naming the path, a second run on the same folder is
refused, Ctrl-C exits 130 and absurd option values exit 2 naming the option.
"""

from __future__ import annotations

import csv
import io
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
        f'    label: "{quoted} central"\n', encoding="utf-8")
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
