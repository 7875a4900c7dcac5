"""The ``allocate`` command through click's CliRunner: output, files written and exit codes.

Covers a full run of scenarios/base.yaml (files, nested output folder, 'run' as the default
command), ``--json`` and ``--no-files``, invalid input (exit 2, file:line: path: message on
stderr, no traceback, JSON errors), an infeasible budget (exit 1 with a fix), the ``schema``
command, ``--version`` and ``--help``. Solves are shared through module-scoped fixtures.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from allocator import __version__
from allocator.cli import main

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
# base.yaml without the source comments on its figures, so edits can match whole lines.
BASE_TEXT = re.sub(r"(\S)[ ]+# §1\.3[^\n]*", r"\1", BASE.read_text(encoding="utf-8"))
OUTPUT_FILES = {"allocation.csv", "allocation.xlsx", "summary.json", "allocation.png", "costs.png"}


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def flat(text: str) -> str:
    """``text`` with all runs of whitespace as one space (rich wraps long lines)."""
    return " ".join(text.split())


def edited(old: str, new: str, text: str = BASE_TEXT) -> str:
    """``text`` (base.yaml by default) with its one occurrence of ``old`` replaced."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the scenario text"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1
    return text.count("\n", 0, text.index(needle)) + 1


def without_run(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary minus its timing record, the one part that changes between runs."""
    return {k: v for k, v in summary.items() if k != "run"}


def assert_clean_exit(result: Result, code: int) -> None:
    """Exit ``code`` through sys.exit, not through an uncaught exception."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code != 0:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


# --- fixtures: one solve each, shared by the tests of this module -----------------------

@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``allocate base.yaml --out <new nested folder>``."""
    out = tmp_path_factory.mktemp("cli") / "not" / "yet" / "there"
    return invoke(BASE, "--out", out), out


@pytest.fixture(scope="module")
def json_run() -> Result:
    return invoke(BASE, "--json", "--no-files")


@pytest.fixture(scope="module")
def json_summary(json_run: Result) -> dict[str, Any]:
    assert json_run.exit_code == 0, json_run.output
    summary: dict[str, Any] = json.loads(json_run.stdout)
    return summary


@pytest.fixture(scope="module")
def infeasible_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Four walk-in offices need 2.0 HTV each and central services take 5.14 HTV: 13.14 > 12.
    path = tmp_path_factory.mktemp("infeasible") / "tight.yaml"
    path.write_text(edited("total_htv: 32.66\n", "total_htv: 12.0\n"), encoding="utf-8")
    return path


@pytest.fixture
def invalid_file(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A scenario with a negative caseload figure, and the line of that figure."""
    text = edited("      under_30: 48\n", "      under_30: -5\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    yield path, line_of(text, "under_30: -5")


# --- a full run -------------------------------------------------------------------------

def test_run_succeeds_and_reports_optimal_and_verified(full_run: tuple[Result, Path]) -> None:
    result, _ = full_run
    assert_clean_exit(result, 0)
    assert "proven optimal" in flat(result.stdout)
    assert "Verifier: passed" in flat(result.stdout)
    assert result.stderr == ""


def test_run_writes_all_files_into_a_new_nested_folder(full_run: tuple[Result, Path]) -> None:
    result, out = full_run
    assert result.exit_code == 0, result.output
    assert out.is_dir()
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    assert (out / "allocation.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "allocation.xlsx").read_bytes().startswith(b"PK")  # a zip container
    run_line, header = (out / "allocation.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert run_line.startswith("# scenario_sha256=")
    assert "municipality" in header and "htv" in header
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL" and summary["verified"] is True
    assert "Wrote" in result.stdout and "summary.json" in flat(result.stdout)


def test_run_is_the_default_command(json_summary: dict[str, Any]) -> None:
    explicit = invoke("run", BASE, "--json", "--no-files")
    assert explicit.exit_code == 0, explicit.output
    assert without_run(json.loads(explicit.stdout)) == without_run(json_summary)


# --- --json and --no-files --------------------------------------------------------------

def test_json_summary_on_stdout(json_run: Result, json_summary: dict[str, Any]) -> None:
    assert_clean_exit(json_run, 0)
    assert json_summary["status"] == "OPTIMAL"
    assert json_summary["verified"] is True
    assert json_summary["total_htv"] == 32.66
    assert json_summary["scenario"] == "base"
    assert json_summary["verification"]["passed"] is True
    assert json_summary["inputs"]["file"] == str(BASE)


def test_json_allocations_and_central_services_add_up_to_the_total(
        json_summary: dict[str, Any]) -> None:
    allocations = json_summary["allocations"]
    central = json_summary["central_services"]
    assert allocations and central
    total = sum(a["htv"] for a in allocations) + sum(c["htv"] for c in central)
    assert round(total, 2) == 32.66
    assert round(sum(c["htv"] for c in central), 2) == 5.14
    assert {a["municipality"] for a in allocations} == {
        "Hämeenkyrö", "Ikaalinen", "Kihniö", "Parkano", "Punkalaidun", "Sastamala"}


# CliRunner.isolated_filesystem() is deprecated in the installed click (8.5, removal in 9.0);
# running in an empty tmp_path as the working directory isolates the same way.

def test_no_files_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(BASE, "--no-files")
    assert_clean_exit(result, 0)
    assert not (tmp_path / "results").exists()
    assert os.listdir(tmp_path) == []
    assert "Wrote" not in result.stdout
    assert "Verifier: passed" in flat(result.stdout)


def test_default_output_folder_is_results_scenario_name(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The counterpart of --no-files: without it the files land in results/<name>/.
    monkeypatch.chdir(tmp_path)
    result = invoke(BASE)
    assert_clean_exit(result, 0)
    assert {p.name for p in (tmp_path / "results" / "base").iterdir()} == OUTPUT_FILES


# --- invalid input ----------------------------------------------------------------------

def test_invalid_file_exits_2_with_located_message(invalid_file: tuple[Path, int]) -> None:
    path, line = invalid_file
    result = invoke(path)
    assert_clean_exit(result, 2)
    assert result.stdout == ""
    assert result.stderr.startswith("error:")
    assert "1 problem" in result.stderr
    assert f"{path}:{line}: municipalities[1].caseload.under_30: must be >= 0" in result.stderr


def test_invalid_file_with_json_prints_invalid_summary(invalid_file: tuple[Path, int]) -> None:
    path, line = invalid_file
    result = invoke(path, "--json")
    assert_clean_exit(result, 2)
    summary = json.loads(result.stdout)
    assert summary["status"] == "INVALID"
    assert summary["verified"] is False
    assert isinstance(summary["errors"], list)
    [error] = summary["errors"]
    assert error["file"] == str(path)
    assert error["line"] == line
    assert error["path"] == "municipalities[1].caseload.under_30"
    assert ">= 0" in error["message"]
    assert "error:" in result.stderr


def test_several_problems_are_all_printed(tmp_path: Path) -> None:
    text = edited("total_htv: 32.66\n", "total_htv: -1\n")
    text = edited("    share: 0.20\n", "    share: big\n", text)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke(path)
    assert_clean_exit(result, 2)
    assert "2 problems" in result.stderr
    assert f"{path}:{line_of(text, 'total_htv: -1')}: total_htv: " in result.stderr
    assert f"{path}:{line_of(text, 'share: big')}: service_lines[2].share: " in result.stderr


def test_yaml_syntax_error_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: base\ntotal_htv: [1, 2\n", encoding="utf-8")
    result = invoke(path)
    assert_clean_exit(result, 2)
    assert "YAML syntax error" in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    result = invoke(path)
    assert_clean_exit(result, 2)
    assert f"{path}: file does not exist" in result.stderr


def test_directory_exits_2(tmp_path: Path) -> None:
    result = invoke(tmp_path)
    assert_clean_exit(result, 2)
    assert "directory" in result.stderr


def test_derived_feature_on_unknown_feature_is_reported_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "derived.yaml"
    path.write_text(edited("product: [unemployed, inflow_over_3m_share]",
                           "product: [unemployed, inflow_share]"), encoding="utf-8")
    result = invoke(path)
    assert_clean_exit(result, 2)
    assert "derived_features.long_unemployment_inflow.product[1]" in result.stderr


# --- infeasible -------------------------------------------------------------------------

def test_infeasible_exits_1_and_suggests_a_fix(infeasible_file: Path) -> None:
    result = invoke(infeasible_file, "--no-files")
    assert_clean_exit(result, 1)
    text = flat(result.output)
    assert "cannot all hold" in text
    assert "4 required offices need at least 8.00 HTV" in text
    assert "5.14 HTV of central services" in text
    assert "required offices need at least 8.00 HTV" in text
    assert "lower the minimum of Parkano office from 2.00 to 0.86 HTV" in text
    assert "raise total_htv from 12.00 to 13.14" in text


def test_infeasible_with_json(infeasible_file: Path) -> None:
    result = invoke(infeasible_file, "--json", "--no-files")
    assert_clean_exit(result, 1)
    summary = json.loads(result.stdout)
    assert summary["status"] == "INFEASIBLE"
    assert summary["verified"] is False
    assert summary["allocations"] == []
    [conflict] = summary["conflicts"]
    assert "raise total_htv from 12.00 to 13.14" in conflict["fix"]
    assert "error:" in result.stderr and "raise total_htv from 12.00 to 13.14" in result.stderr


def test_infeasible_writes_only_the_summary(infeasible_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(infeasible_file, "--out", out)
    assert_clean_exit(result, 1)
    assert {p.name for p in out.iterdir()} == {"summary.json"}
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["status"] == "INFEASIBLE"


# --- schema, version, help --------------------------------------------------------------

def test_schema_prints_json_schema() -> None:
    result = invoke("schema")
    assert_clean_exit(result, 0)
    schema = json.loads(result.stdout)
    assert schema["title"] == "allocator scenario"
    assert schema["additionalProperties"] is False
    assert {"total_htv", "municipalities", "service_lines"} <= set(schema["properties"])


def test_schema_out_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "scenario.schema.json"
    result = invoke("schema", "--out", target)
    assert_clean_exit(result, 0)
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(invoke("schema").stdout)


def test_version() -> None:
    result = invoke("--version")
    assert_clean_exit(result, 0)
    assert result.stdout.strip() == f"allocator, version {__version__}"


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert_clean_exit(result, 0)
    commands = result.stdout.split("Commands:", 1)[1].splitlines()
    names = {line.split()[0] for line in commands if line.strip()}
    assert names == {"run", "schema", "compare", "sweep", "tornado", "tipping", "montecarlo",
                     "robust", "generate", "report", "caseload", "place", "app"}


def test_run_help_lists_its_options() -> None:
    result = invoke("run", "--help")
    assert_clean_exit(result, 0)
    for option in ("--out", "--json", "--no-files", "--time-limit", "--workers"):
        assert option in result.stdout
