"""Reading the staff roster: CSV with ',' or ';', decimal commas, comments, xlsx, and
every problem at once as ``file:line: column: message``; travel times in the scenario."""

from __future__ import annotations

import copy
import os
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import Workbook

from allocator.errors import ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.roster import load_roster
from allocator.scenario.schema import Scenario

ROOT = Path(__file__).parents[1]
BASE = load_scenario(ROOT / "scenarios" / "base.yaml")


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_roster(path, BASE)
    return [str(p) for p in exc.value.problems]


def write(tmp_path: Path, text: str, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_semicolons_decimal_commas_and_comments_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "# made up\nperson;fte;current_office;lines;fixed\n"
                 "P1;0,8;Parkano office;\"skills;job_brokering\";yes\n"
                 "\n"
                 "P2;1;Sastamala office;;\n")
    r = load_roster(path, BASE)
    assert [p.id for p in r.people] == ["P1", "P2"]
    assert r.people[0].fte == Fraction(4, 5) and r.people[0].fixed
    assert r.people[0].lines == ("skills", "job_brokering")
    assert r.people[1].lines == ("weaker_position", "job_brokering", "skills")  # every line
    assert [p.line for p in r.people] == [3, 5]


def test_every_problem_is_reported_at_once_with_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "person,fte,current_office,lines\n"
                 "P1,1,Sastamala office,\n"
                 "P2,0.25,Parkano office,\n"
                 "P3,1,Kihniö office,\n"
                 "P4,1,Ikaalinen office,jobs\n"
                 "P1,0.5,Ikaalinen office,\n"
                 "P6,1.5,Ikaalinen office,\n")
    got = problems(path)
    assert got == [
        f"{path}:3: fte: 0.25 is not a whole multiple of the placement step 0.1 FTE",
        f"{path}:4: current_office: unknown office 'Kihniö office' (known: Sastamala office, "
        "Parkano office, Hämeenkyrö office, Ikaalinen office)",
        f"{path}:5: lines: unknown service line or central service 'jobs' (known: "
        "weaker_position, job_brokering, skills, integration_services, communications_ict, "
        "expert_teams, administration)",
        f"{path}:6: person: 'P1' appears twice (also on line 2)",
        f"{path}:7: fte: 1.5 is outside (0, 1]: FTE is the share of full time",
    ]


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    got = problems(write(tmp_path, "person,current_office,name,lines\nP1,Parkano office,X,\n"))
    assert any(g.endswith(":1: name: unknown column (known: person, fte, current_office, lines, "
                          "fixed, max_commute); a roster holds pseudonymous ids and working "
                          "time, no names or other personal data") for g in got)
    assert any(g.endswith(":1: fte: missing column") for g in got)


def test_bad_encoding_empty_file_and_a_missing_file(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("person,fte,current_office,lines\nP1,1,Hämeenkyrö office,\n".encode("latin-1"))
    (msg,) = problems(latin)
    assert msg.startswith(f"{latin}:2: not UTF-8 text")
    (msg,) = problems(write(tmp_path, "# only a comment\n", "empty.csv"))
    assert "the roster is empty" in msg
    (msg,) = problems(tmp_path / "nowhere.csv")
    assert "cannot read the roster" in msg


def test_max_commute_needs_travel_times(tmp_path: Path) -> None:
    path = write(tmp_path, "person,fte,current_office,lines,max_commute\nP1,1,Parkano office,,40\n")
    (msg,) = problems(path)
    assert msg == f"{path}:2: max_commute: a maximum commute needs the scenario's travel_times"
    commute = load_scenario(ROOT / "scenarios" / "placement" / "commute.yaml")
    assert load_roster(path, commute).people[0].max_commute == 40


def test_xlsx_rosters_are_read_with_their_row_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["# made up"])
    ws.append(["person", "fte", "current_office", "lines"])
    ws.append(["P1", 0.6, "Parkano office", "skills"])
    ws.append(["P2", 0.65, "Parkano office", None])
    path = tmp_path / "staff.xlsx"
    wb.save(path)
    (msg,) = problems(path)
    assert msg == f"{path}:4: fte: 0.65 is not a whole multiple of the placement step 0.1 FTE"


def test_travel_times_are_cross_checked() -> None:
    data = copy.deepcopy(BASE.model_dump(mode="python"))
    data["travel_times"] = [{"between": ["Sastamala", "Parkano"], "minutes": 100},
                            {"between": ["Parkano", "Sastamala"], "minutes": 90},
                            {"between": ["Sastamala", "Tampere"], "minutes": 60}]
    with pytest.raises(ScenarioError) as exc:
        Scenario.from_data(data)
    got = [str(p) for p in exc.value.problems]
    assert "<scenario>: travel_times[1].between: Parkano and Sastamala already have a travel " \
           "time (travel_times[0])" in got
    assert "<scenario>: travel_times[2].between[1]: unknown municipality 'Tampere'" in got
    assert any(g.startswith("<scenario>: travel_times: no travel time between Sastamala–"
                            "Hämeenkyrö") for g in got)
    commute = load_scenario(ROOT / "scenarios" / "placement" / "commute.yaml").travel_minutes()
    assert commute is not None and commute[("Parkano", "Sastamala")] == 100


def test_a_fifo_or_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "staff.csv"
    os.mkfifo(fifo)
    (msg,) = problems(fifo)
    assert msg == (f"{fifo}: cannot read the roster: is not a regular file (a device, a pipe "
                   "or a socket), so it is not read")
    (msg,) = problems(Path("/dev/zero"))
    assert "cannot read the roster: is not a regular file" in msg
