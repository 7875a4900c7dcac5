"""Values a scenario marks as assumptions are carried into every output as assumptions."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from allocator.cli import main
from allocator.engine.pipeline import allocate
from allocator.errors import ScenarioError
from allocator.reports.summary import build_summary
from allocator.scenario.loading import load_scenario
from allocator.scenario.paths import get_path

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"


def child(tmp_path: Path, body: str, name: str = "child.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {BASE}\nname: child\n{body}", encoding="utf-8")
    return path


def test_every_mark_of_the_base_resolves_to_the_value_it_marks() -> None:
    s = load_scenario(BASE)
    marked = s.assumptions()
    paths = [p for p, _, _ in marked]
    data = s.model_dump(mode="python")
    for path, value, reason in marked:
        assert get_path(data, path) == value
        assert reason and s.assumption_for(path) == reason
    for line in ("weaker_position", "job_brokering", "skills"):
        assert f"service_lines.{line}.tolerance" in paths
        assert f"service_lines.{line}.demand" in paths
    assert {p.split(".")[1] for p in paths if p.startswith("central_services.")} == {
        c.name for c in s.central_services}
    # A mark covers what lies under it; an unmarked figure has none.
    assert s.assumption_for("service_lines.skills.demand.under_30") is not None
    assert s.assumption_for("total_htv") is None
    assert s.assumption_for("service_lines.skills.share") is None


def test_the_summary_and_the_terminal_carry_the_marks() -> None:
    result = allocate(BASE)
    frame = result.assumptions_frame()
    summary = build_summary(result, BASE)
    assert summary["assumptions"] == frame.to_dict("records")
    assert len(frame) == len(result.scenario.assumptions())
    assert all(row["assumption"] for row in summary["central_services"])
    done = CliRunner().invoke(main, [str(BASE), "--no-files"], terminal_width=160)
    assert done.exit_code == 0, done.output
    section = done.output.split("Assumptions:", 1)[1]
    for path in frame["field"]:
        assert path in section


def test_the_workbook_has_an_assumptions_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from allocator.reports.files import write_outputs

    result = allocate(BASE)
    write_outputs(result, tmp_path, build_summary(result, BASE))
    sheet = load_workbook(tmp_path / "allocation.xlsx")["assumptions"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Field", "Value as used", "Why it is assumed"]
    frame = result.assumptions_frame()
    assert [r[0] for r in rows[1:]] == list(frame["field"])
    assert [r[2] for r in rows[1:]] == list(frame["reason"])


def test_null_drops_an_inherited_mark_and_the_pack_then_says_fixed(tmp_path: Path) -> None:
    path = child(tmp_path, "central_services:\n  - name: administration\n"
                           "    assumed: {htv: null}\n")
    s = load_scenario(path)
    assert s.assumption_for("central_services.administration.htv") is None
    assert s.assumption_for("central_services.expert_teams.htv") is not None
    out = tmp_path / "pack"
    done = CliRunner().invoke(main, ["report", str(path), "--out", str(out), "--runs", "1",
                                     "--executor", "sequential"])
    assert done.exit_code == 0, done.output
    text = " ".join(html.unescape((out / "board_pack.html").read_text(encoding="utf-8")).split())
    central = text.split("Centralised services at the lead municipality [HTV]", 1)[1]
    central = central.split("</table>", 1)[0]
    rows = {re.sub(r"<[^>]+>", "|", r).split("|")[1]: r for r in central.split("<tr")[2:]}
    assert "a fixed size" in rows["Administrative services"]
    assert "a fixed size" not in rows["Expert teams at the working-life and rehabilitation "
                                      "interfaces"]
    assert "an assumed size" in rows["Expert teams at the working-life and rehabilitation "
                                     "interfaces"]
    assert "(assumed)" in rows["Integration-phase immigrant services (kotoutumisvaiheen "
                               "palvelut)"]
    assumptions = text.split("Assumptions: values that are modelling choices", 1)[1]
    assert "Skills development: share tolerance" in assumptions
    assert "Communications, knowledge management and ICT: size" in assumptions
    assert "Administrative services: size" not in assumptions


@pytest.mark.parametrize(("body", "where", "message"), [
    ("assumed:\n  total_htvv: typo\n", ":4: assumed.total_htvv:", "'total_htvv' is not one"),
    ("assumed:\n  assumed: loop\n", ":4: assumed.assumed:", "'assumed' is not one"),
    ("service_lines:\n  - name: skills\n    assumed:\n      demnd: x\n",
     ":6: service_lines[0].assumed.demnd:", "'demnd' is not one"),
    ("central_services:\n  - name: administration\n    assumed:\n      htv: ''\n",
     ":6: central_services[0].assumed.htv:", "at least 1 character"),
])
def test_a_mark_of_nothing_is_refused_at_its_line(tmp_path: Path, body: str, where: str,
                                                  message: str) -> None:
    path = child(tmp_path, body)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert f"{path}{where}" in text and message in text
    done = CliRunner().invoke(main, [str(path), "--no-files"])
    assert done.exit_code == 2 and "Traceback" not in done.output


def test_a_dotted_mark_must_name_a_part_that_exists(tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8").replace(
        "    assumed:\n      driven_by: >-", "    assumed:\n      driven_by.persons_per_htw: >-")
    path = tmp_path / "base.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"central_services\[0\]\.assumed\.driven_by\."
                                            r"persons_per_htw: marks no value here"):
        load_scenario(path)
