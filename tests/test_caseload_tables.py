"""Caseload tables in and out: ``allocate caseload export`` and ``--caseload FILE``.

Export then import gives the same validated scenario and the same allocation (CSV and
xlsx); CSV as Finnish spreadsheets save it (``;``, decimal commas, digit groups, UTF-8
with or without BOM, Windows-1252) is read; every problem of a table is reported at once
as ``file:row:column: message`` with exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocator.cli import main
from allocator.engine.manifest import scenario_sha256
from allocator.errors import ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.tables import load_caseload, read_caseload_file

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
FEATURES = ["labour_force", "unemployed", "men", "women", "under_30", "over_50",
            "structurally_unemployed", "long_term_unemployed", "partially_able",
            "foreign_nationals", "inflow_over_3m_share"]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def allocation(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    return summary["allocations"], summary["central_services"], summary["manifest"]


@pytest.fixture(scope="module")
def base_allocation() -> Any:
    return allocation(invoke("run", BASE, "--json", "--no-files"))


def finnish_rows(values: dict[str, dict[str, str]] | None = None) -> list[list[str]]:
    """The base case's table as a Finnish spreadsheet shows it, with ``values`` replacing
    cells (municipality -> feature -> text)."""
    base = load_scenario(BASE)
    rows = [["municipality", "code", *FEATURES]]
    for m in base.municipalities:
        cells = []
        for f in FEATURES:
            v = m.caseload[f]
            text = str(int(v)) if v.is_integer() else repr(v).replace(".", ",")
            cells.append((values or {}).get(m.name, {}).get(f, text))
        rows.append([m.name, m.code or "", *cells])
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig",
              delimiter: str = ";") -> Path:
    path.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode(encoding) + b"\r\n")
    return path


# --- round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_the_identical_allocation(tmp_path: Path, suffix: str,
                                                           base_allocation: Any) -> None:
    table = tmp_path / f"figures{suffix}"
    exported = invoke("caseload", "export", BASE, "--out", table, "--month", "2023M07")
    assert exported.exit_code == 0, exported.output
    assert "6 municipalities × 11 features" in exported.stdout
    allocations, central, manifest = allocation(
        invoke("run", BASE, "--caseload", table, "--json", "--no-files"))
    base_allocations, base_central, base_manifest = base_allocation
    assert allocations == base_allocations
    assert central == base_central
    assert manifest["scenario_sha256"] == base_manifest["scenario_sha256"]
    assert manifest["changes"] == [{"option": "--caseload", "value": str(table),
                                    "sha256": manifest["changes"][0]["sha256"]}]
    assert len(manifest["changes"][0]["sha256"]) == 64
    assert base_manifest["changes"] == []


def test_exported_csv_is_finnish_excel_csv(tmp_path: Path) -> None:
    table = tmp_path / "figures.csv"
    assert invoke("caseload", "export", BASE, "--out", table, "--month", "2023M07").exit_code == 0
    raw = table.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert "# Month of the figures: 2023M07" in lines
    header = next(ln for ln in lines if ln.startswith("municipality;"))
    assert "unemployed [persons]" in header.split(";")
    assert "inflow_over_3m_share [share]" in header.split(";")
    hameenkyro = next(ln for ln in lines if ln.startswith("Hämeenkyrö;"))
    assert hameenkyro.split(";")[1] == "108"
    assert hameenkyro.split(";")[-1] == "0,45"  # 45 % of the inflow, decimal comma


def test_exported_xlsx_has_numbers_and_codes_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    table = tmp_path / "figures.xlsx"
    assert invoke("caseload", "export", BASE, "--out", table).exit_code == 0
    ws = load_workbook(table)["caseload"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[0] == "municipality")
    assert any("not recorded" in str(r[0]) for r in rows[:head])
    sastamala = next(r for r in rows if r[0] == "Sastamala")
    assert sastamala[1] == "790"
    assert sastamala[2:4] == [10024, 759]


def test_export_is_byte_identical_from_run_to_run(tmp_path: Path) -> None:
    for suffix in (".csv", ".xlsx"):
        first, second = tmp_path / f"1{suffix}", tmp_path / f"2{suffix}"
        assert invoke("caseload", "export", BASE, "--out", first).exit_code == 0
        assert invoke("caseload", "export", BASE, "--out", second).exit_code == 0
        assert first.read_bytes() == second.read_bytes()


def test_export_refuses_other_suffixes(tmp_path: Path) -> None:
    result = invoke("caseload", "export", BASE, "--out", tmp_path / "figures.ods")
    assert result.exit_code == 2
    assert "must end in .xlsx or .csv" in result.stderr


# --- what is read ---------------------------------------------------------------------------

def test_finnish_locale_csv_with_digit_groups_and_decimal_commas(tmp_path: Path) -> None:
    rows = finnish_rows({"Sastamala": {"labour_force": "10\u00a0124", "unemployed": "812",
                                       "inflow_over_3m_share": "0,5"}})
    base = load_scenario(BASE)
    for encoding in ("utf-8-sig", "utf-8", "cp1252"):
        changed = load_caseload(base, write_csv(tmp_path / f"{encoding}.csv", rows, encoding))
        figures = {m.name: m.caseload for m in changed.municipalities}
        assert figures["Sastamala"]["labour_force"] == 10124
        assert figures["Sastamala"]["unemployed"] == 812
        assert figures["Sastamala"]["inflow_over_3m_share"] == 0.5
        assert figures["Hämeenkyrö"] == dict(base.municipalities[0].caseload)  # ä, ö read


def test_windows_1252_names_are_read_as_finnish_letters(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ansi.csv", finnish_rows(), "cp1252")
    assert "Hämeenkyrö".encode("cp1252") in path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    figures = read_caseload_file(path, load_scenario(BASE))
    assert set(figures) == {"Hämeenkyrö", "Ikaalinen", "Kihniö", "Parkano", "Punkalaidun",
                            "Sastamala"}


def test_plain_comma_separated_csv_with_decimal_points(tmp_path: Path) -> None:
    rows = [[c.replace(",", ".") for c in r] for r in finnish_rows()]
    path = write_csv(tmp_path / "plain.csv", rows, "utf-8", delimiter=",")
    changed = load_caseload(load_scenario(BASE), path)
    assert scenario_sha256(changed) == scenario_sha256(load_scenario(BASE))


def test_rows_match_by_code_in_any_order_and_without_names(tmp_path: Path) -> None:
    rows = finnish_rows({"Kihniö": {"unemployed": "60"}})
    rows = [rows[0], *reversed(rows[1:])]
    for r in rows[1:]:
        r[0] = ""  # only the code says which municipality
    rows[0][0] = "municipality [name]"
    changed = load_caseload(load_scenario(BASE), write_csv(tmp_path / "codes.csv", rows))
    assert changed.feature_values()["unemployed"]["Kihniö"] == 60
    assert changed.municipality_names == load_scenario(BASE).municipality_names


def test_xlsx_as_excel_saves_it_with_text_cells_and_numeric_codes(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Figures typed by the planner"])
    for i, row in enumerate(finnish_rows()):
        if i == 0:
            ws.append(row)
            continue
        cells: list[Any] = [row[0], int(row[1])]  # Excel turns the code into a number
        cells += [float(c.replace(",", ".")) for c in row[2:]]
        ws.append(cells)
    ws["D3"] = "450"  # Hämeenkyrö's unemployed typed as text
    ws["M4"] = "0,3"  # Ikaalinen's share typed as text with a decimal comma
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    values = load_caseload(load_scenario(BASE), path).feature_values()
    assert values["unemployed"]["Hämeenkyrö"] == 450
    assert values["inflow_over_3m_share"]["Ikaalinen"] == 0.3


# --- every problem at once -----------------------------------------------------------------

def test_every_problem_of_a_table_is_reported_at_once(tmp_path: Path) -> None:
    rows = finnish_rows({"Ikaalinen": {"unemployed": "lots"}, "Kihniö": {"men": "-3"},
                         "Parkano": {"women": ""}})
    rows[0][FEATURES.index("under_30") + 2] = "under_25"  # the under-30 column is missing
    rows[0].append("long_unemployment_inflow")
    rows[1].append("0")  # Hämeenkyrö: not 439 × 0.45
    rows.append(["Tampere", "837", *["1"] * len(FEATURES)])
    rows.append(["Sastamala", "790", *["1"] * len(FEATURES)])
    rows = [r for r in rows if r[0] != "Punkalaidun"]
    path = write_csv(tmp_path / "march.csv", rows)
    result = invoke("run", BASE, "--caseload", path, "--no-files")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    f = str(path)
    expected = [
        f"{f}:1:G: unknown feature 'under_25' (known: {', '.join(FEATURES)})",
        f"{f}:1: missing column(s) under_30: every caseload feature of the scenario needs a "
        "column",
        f"{f}:2:N: long_unemployment_inflow: is computed as unemployed × inflow_over_3m_share "
        "= 197.55, not read, but the table has 0; edit unemployed or inflow_over_3m_share "
        "instead, or empty the cell",
        f"{f}:3:D: unemployed: 'lots' is not a number",
        f"{f}:4:E: men: must be >= 0, got -3",
        f"{f}:5:F: women: empty; give a figure (0 when there is none)",
        f"{f}:7:B: unknown municipality code '837' (known: 108 Hämeenkyrö, 143 Ikaalinen, "
        "250 Kihniö, 581 Parkano, 619 Punkalaidun, 790 Sastamala)",
        f"{f}:8:A: Sastamala is given twice (first on row 6)",
        f"{f}:1: no row for municipality Punkalaidun (code 619): every municipality of the "
        "scenario needs its figures",
    ]
    printed = [ln.strip() for ln in result.stderr.splitlines()[1:]]
    assert printed == expected
    assert result.stderr.splitlines()[0].endswith(f"({len(expected)} problems):")


def test_unknown_name_and_a_name_that_contradicts_its_code(tmp_path: Path) -> None:
    rows = finnish_rows()
    rows[1][1] = ""
    rows[1][0] = "Hämeenkyrö\u200b"  # a zero-width space copied from a web page
    rows[2][0] = "Parkano"  # Ikaalinen's code, Parkano's name
    with pytest.raises(ScenarioError) as caught:
        read_caseload_file(write_csv(tmp_path / "names.csv", rows), load_scenario(BASE))
    messages = [str(p) for p in caught.value.problems]
    assert messages[0].endswith(":2:A: unknown municipality 'Hämeenkyrö\\u200b' (known: "
                                "Hämeenkyrö, Ikaalinen, Kihniö, Parkano, Punkalaidun, Sastamala)")
    assert messages[1].endswith(":3:A: code 143 is Ikaalinen in the scenario, not 'Parkano'")


def test_decimal_comma_in_a_comma_separated_file_says_what_to_write(tmp_path: Path) -> None:
    rows = [[c.replace(",", ".") for c in r] for r in finnish_rows()]
    rows[1][-1] = '"0,45"'
    with pytest.raises(ScenarioError) as caught:
        read_caseload_file(write_csv(tmp_path / "c.csv", rows, "utf-8", ","), load_scenario(BASE))
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        "inflow_over_3m_share: '0,45' is not a number; in a comma-separated file write 0.45"]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "has no heading row"),
    (b"kunta;tyottomat\r\nSastamala;1\r\n", "has no heading row"),
    (b"\xff\xfem\x00u\x00", "is UTF-16 text"),
    (b"\x81\x8d\x8f", "is neither UTF-8 nor Windows-1252 text"),
    (b"\xd0\xcf\x11\xe0old", "is an old Excel .xls workbook"),
    (b"PK\x03\x04broken", "cannot be read as an xlsx workbook"),
])
def test_files_that_are_no_table(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(content)
    result = invoke("run", BASE, "--caseload", path, "--no-files")
    assert result.exit_code == 2
    assert f"{path}: {message}" in result.stderr
    assert "Traceback" not in result.output


def test_missing_table_exits_2(tmp_path: Path) -> None:
    result = invoke("run", BASE, "--caseload", tmp_path / "none.csv", "--no-files")
    assert result.exit_code == 2
    assert f"{tmp_path / 'none.csv'}: file does not exist" in result.stderr


# --- every figure survives the trip ---------------------------------------------------------

figures = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(figures, min_size=6, max_size=6), st.sampled_from([".csv", ".xlsx"]))
def test_any_figures_come_back_exactly(tmp_path: Path, values: list[float], suffix: str) -> None:
    from allocator.reports.caseload_files import caseload_csv, caseload_xlsx
    from allocator.scenario.tables import caseload_table

    base = load_scenario(BASE)
    changed = base.with_changes({f"municipalities[{i}].caseload.partially_able": v
                                 for i, v in enumerate(values)})
    table = caseload_table(changed)
    path = tmp_path / f"t{suffix}"
    path.write_bytes(caseload_csv(table) if suffix == ".csv" else caseload_xlsx(table))
    back = load_caseload(base, path)
    assert [m.caseload["partially_able"] for m in back.municipalities] == values
    assert scenario_sha256(back) == scenario_sha256(changed)


def test_a_name_that_looks_like_a_formula_is_written_literally_and_read_back(
        tmp_path: Path) -> None:
    from allocator.reports.caseload_files import caseload_csv, caseload_xlsx
    from allocator.scenario.loading import scenario_from_data
    from allocator.scenario.tables import caseload_table
    from allocator.scenario.variants import scenario_data

    data = scenario_data(load_scenario(BASE))
    data["municipalities"][2]["name"] = "=Kihniö"
    data["areas"][1]["municipalities"] = ["Parkano", "=Kihniö"]
    scenario = scenario_from_data(data)
    table = caseload_table(scenario)
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"f{suffix}"
        raw = caseload_csv(table) if suffix == ".csv" else caseload_xlsx(table)
        if suffix == ".csv":
            assert "\n'=Kihniö;250;" in raw.decode("utf-8-sig")
        path.write_bytes(raw)
        assert read_caseload_file(path, scenario)["=Kihniö"]["unemployed"] == 48


def test_the_inputs_sheet_of_allocation_xlsx_is_read_back(tmp_path: Path,
                                                          base_allocation: Any) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "run"
    assert invoke("run", BASE, "--out", out).exit_code == 0
    workbook = out / "allocation.xlsx"
    ws = load_workbook(workbook)["inputs"]
    head = [c.value for c in ws[1]]
    assert "area" in head and "long_unemployment_inflow" in head  # both there, neither read
    allocations, _, manifest = allocation(
        invoke("run", BASE, "--caseload", workbook, "--json", "--no-files"))
    assert allocations == base_allocation[0]
    assert manifest["scenario_sha256"] == base_allocation[2]["scenario_sha256"]
    # An edit to a figure is read; one to the derived column alone is refused.
    wb = load_workbook(workbook)
    ws = wb["inputs"]
    unemployed = head.index("unemployed") + 1
    ws.cell(2, unemployed).value = 500
    wb.save(tmp_path / "edited.xlsx")
    edited = load_caseload(load_scenario(BASE), tmp_path / "edited.xlsx")
    assert edited.feature_values()["unemployed"]["Hämeenkyrö"] == 500  # stale product: fine
    ws.cell(3, head.index("long_unemployment_inflow") + 1).value = 99
    wb.save(tmp_path / "derived.xlsx")
    with pytest.raises(ScenarioError) as caught:
        load_caseload(load_scenario(BASE), tmp_path / "derived.xlsx")
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        "long_unemployment_inflow: is computed as unemployed × inflow_over_3m_share = 75.81, "
        "not read, but the table has 99; edit unemployed or inflow_over_3m_share instead, or "
        "empty the cell"]
