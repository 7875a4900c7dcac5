"""``allocate place`` through click's CliRunner: exit codes, files, --json and privacy."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from allocator.cli import main

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
STAFF = ROOT / "scenarios" / "staff-illustrative.csv"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_place_exits_0_writes_three_files_and_says_verified(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = invoke("place", BASE, "--staff", STAFF, "--out", out)
    assert r.exit_code == 0, r.output
    assert "Solver: proven optimal" in r.output and "Verifier: passed" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["placement.csv", "placement.json",
                                                     "placement.xlsx"]
    lines = (out / "placement.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "person,office,assignment,fte"
    data = json.loads((out / "placement.json").read_text(encoding="utf-8"))
    assert data["status"] == "OPTIMAL" and data["verified"] is True
    assert {"office", "assignment", "allocated_htv", "placed_fte", "gap_htv"} <= set(data["gaps"][0])
    assert data["manifest"]["scenario"] == "base"
    # Only the roster's ids leave the tool: every person field is an id of the roster.
    ids = {line.split(",")[0] for line in STAFF.read_text(encoding="utf-8").splitlines()[2:]}
    assert {row["person"] for row in data["rows"]} == ids


def test_files_are_identical_over_two_runs(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert invoke("place", BASE, "--staff", STAFF, "--out", tmp_path / name).exit_code == 0
    for f in ("placement.csv", "placement.xlsx"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    a, b = (json.loads((tmp_path / n / "placement.json").read_text()) for n in ("a", "b"))
    a.pop("run"), b.pop("run")
    assert a == b


def test_json_goes_to_stdout(tmp_path: Path) -> None:
    r = invoke("place", BASE, "--staff", STAFF, "--json", "--no-files")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert sum(row["fte"] for row in data["rows"]) == 32.7


def test_an_invalid_roster_exits_2_with_every_problem(tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text("person,fte,current_office,lines\nP1,0.45,Parkano office,\n"
                     "P1,1,Nowhere,\n", encoding="utf-8")
    r = invoke("place", BASE, "--staff", staff, "--no-files")
    assert r.exit_code == 2
    assert "error: the roster is not valid (3 problems):" in r.stderr
    assert f"{staff}:2: fte: 0.45 is not a whole multiple" in r.stderr
    assert f"{staff}:3: person: 'P1' appears twice" in r.stderr
    assert f"{staff}:3: current_office: unknown office 'Nowhere'" in r.stderr
    assert "Traceback" not in r.output


def test_an_infeasible_roster_exits_1_naming_the_rule(tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    rows = [f"S{i},1,Sastamala office,,yes" for i in range(30)] + ["K1,1,Ikaalinen office,,"]
    rows += ["H1,1,Hämeenkyrö office,,", "H2,1,Hämeenkyrö office,,", "R1,1,Parkano office,,",
             "R2,1,Parkano office,,"]
    staff.write_text("person,fte,current_office,lines,fixed\n" + "\n".join(rows) + "\n",
                     encoding="utf-8")
    r = invoke("place", BASE, "--staff", staff, "--out", tmp_path / "out")
    assert r.exit_code == 1
    assert ("error: only 5 people can work at the 3 offices Parkano office, Hämeenkyrö office, "
            "Ikaalinen office, which need at least 6 together") in r.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["placement.json"]


def test_an_invalid_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    assert invoke("place", bad, "--staff", STAFF, "--no-files").exit_code == 2


def test_step_is_checked() -> None:
    r = CliRunner().invoke(main, ["place", str(BASE), "--staff", str(STAFF), "--step", "0"])
    assert r.exit_code == 2 and "the step must be in (0, 1]" in r.output
