"""The what-if behind ``allocate app``: the page's changes are the command line's ``--set``
changes, a saved file is the same scenario, and the table adds up.

These run without a browser; tests/test_app.py drives the page itself.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from allocator.app.whatif import (
    AREA,
    CENTRAL,
    MUNICIPALITY,
    TOTAL,
    WhatIf,
    against_base,
    offices_against_base,
)
from allocator.cli import main
from allocator.engine.manifest import scenario_sha256
from allocator.engine.pipeline import allocate
from allocator.scenario.loading import load_scenario
from allocator.scenario.variants import scale_caseload

pytest.importorskip("shiny")

from allocator.app.page import Meeting, base_values, read_controls

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
POINTS = ROOT / "scenarios" / "service-points.yaml"
QUESTION = WhatIf(total_htv=30.0, caseload_pct={"Ikaalinen": 15.0},
                  shares={"weaker_position": 0.35, "job_brokering": 0.45, "skills": 0.2},
                  central_key="unemployed")


def by_municipality(allocations: list[dict[str, object]]) -> dict[str, float]:
    """summary.json's allocations summed per municipality [HTV]."""
    out: dict[str, float] = {}
    for a in allocations:
        m = str(a["municipality"])
        out[m] = round(out.get(m, 0.0) + float(a["htv"]), 2)  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Meeting:
    folder = tmp_path_factory.mktemp("meeting")
    shutil.copy(BASE, folder / "base.yaml")
    return Meeting(folder / "base.yaml")


def test_the_what_if_is_the_command_line_with_its_settings(meeting: Meeting) -> None:
    answer = meeting.answer(QUESTION)
    assert answer.result is not None and answer.result.verified
    words = shlex.split(QUESTION.command_line(BASE, meeting.base))
    assert words[:2] == ["allocate", str(BASE)]
    done = CliRunner().invoke(main, ["run", *words[1:], "--json", "--no-files"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    frame = against_base(meeting.base_result, answer.result)
    shown = dict(zip(frame[frame["kind"] == MUNICIPALITY]["name"],
                     frame[frame["kind"] == MUNICIPALITY]["htv"], strict=True))
    assert by_municipality(summary["allocations"]) == shown
    assert summary["manifest"]["scenario_sha256"] == scenario_sha256(answer.scenario)


def test_the_caseload_change_is_scale_caseload(meeting: Meeting) -> None:
    changed = WhatIf(caseload_pct={"Ikaalinen": 15.0}).apply(meeting.base)
    assert scenario_sha256(changed) == scenario_sha256(
        scale_caseload(meeting.base, {"Ikaalinen": 1.15}))


def test_nothing_changed_is_the_base(meeting: Meeting) -> None:
    values = base_values(meeting)
    whatif, problems = read_controls(meeting, values, "en")
    assert problems == []
    assert whatif.settings(meeting.base) == ()
    assert scenario_sha256(whatif.apply(meeting.base)) == scenario_sha256(meeting.base)


def test_the_last_line_takes_the_rest_of_the_shares(meeting: Meeting) -> None:
    values = {**base_values(meeting), "share_0": 35, "share_1": 45.5}
    whatif, problems = read_controls(meeting, values, "en")
    assert problems == []
    assert dict(whatif.shares) == {"weaker_position": 0.35, "job_brokering": 0.455,
                                   "skills": 0.195}
    too_much = read_controls(meeting, {**values, "share_1": 70}, "en")[0]
    answer = meeting.answer(too_much)
    assert answer.result is None
    assert any("--set service_lines.skills.share" in p and "must be >= 0" in p
               for p in answer.problems), answer.problems


def test_an_empty_field_is_named_and_nothing_is_solved(meeting: Meeting) -> None:
    whatif, problems = read_controls(meeting, {**base_values(meeting), "total_htv": None}, "en")
    assert problems == ["Person-years to allocate [HTV]: give a number"]
    assert meeting.answer(whatif, problems).result is None


def test_an_infeasible_what_if_names_the_conflict_and_its_fix(meeting: Meeting) -> None:
    answer = meeting.answer(WhatIf(total_htv=10.0))
    assert answer.result is not None and answer.result.allocation is None
    expected = allocate(meeting.base.with_changes({"total_htv": 10.0}))
    assert [c.message for c in answer.result.conflicts] == [c.message for c in expected.conflicts]
    assert all(c.fix for c in answer.result.conflicts)


def test_the_table_adds_up_to_the_budget(meeting: Meeting) -> None:
    answer = meeting.answer(QUESTION)
    assert answer.result is not None
    frame = against_base(meeting.base_result, answer.result)
    total = frame[frame["kind"] == TOTAL].iloc[0]
    assert total["htv"] == pytest.approx(30.0)
    assert total["base_htv"] == pytest.approx(meeting.base.total_htv)
    munis = frame[frame["kind"] == MUNICIPALITY]
    central = frame[frame["kind"] == CENTRAL].iloc[0]
    assert munis["htv"].sum() + central["htv"] == pytest.approx(30.0)
    assert frame[frame["kind"] == AREA]["htv"].sum() == pytest.approx(munis["htv"].sum())
    # The municipalities pay the whole budget's cost, and each change is new − base.
    costs = answer.result.costs()
    assert costs is not None
    assert total["eur"] == pytest.approx(float(costs.total_eur))
    assert (munis["change_htv"] - (munis["htv"] - munis["base_htv"])).abs().max() < 1e-9


def test_a_saved_what_if_extends_the_base_and_is_the_same_scenario(meeting: Meeting) -> None:
    answer = meeting.answer(QUESTION)
    done, message = meeting.save(answer, "ikaalinen-up", "en")
    assert done, message
    path = meeting.save_dir / "ikaalinen-up.yaml"
    text = path.read_text(encoding="utf-8")
    assert "extends: base.yaml" in text
    loaded = load_scenario(path)
    # Its own words, not the base's, in both languages.
    for lang in ("en", "fi"):
        assert loaded.title_in(lang) != meeting.base.title_in(lang)
        assert loaded.description_in(lang) != meeting.base.description_in(lang)
    assert "total_htv=30" in (loaded.description or "")
    saved = allocate(loaded)
    assert answer.result is not None and saved.verified
    assert saved.allocation is not None and answer.result.allocation is not None
    assert saved.allocation.cells == answer.result.allocation.cells
    again = meeting.save(answer, "ikaalinen-up", "en")
    assert again == (False, f"{path} already exists; choose another name.")
    assert meeting.save(answer, "../outside", "en")[0] is False


def test_switching_a_service_point_off_removes_it(tmp_path: Path) -> None:
    for name in ("base.yaml", "service-points.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    meeting = Meeting(tmp_path / "service-points.yaml")
    both_off = WhatIf(offices_off=frozenset({"Punkalaidun service point", "Kihniö service point"}))
    answer = meeting.answer(both_off)
    base = allocate(BASE)
    assert answer.result is not None and answer.result.allocation is not None
    assert base.allocation is not None
    assert answer.result.allocation.cells == base.allocation.cells
    offices = offices_against_base(meeting.base_result, answer.result).set_index("office")
    assert offices.loc["Kihniö service point", "base_htv"] > 0
    assert offices.loc[["Kihniö service point", "Punkalaidun service point"], "htv"].isna().all()
    assert offices["htv"].sum() == pytest.approx(meeting.base.total_htv)
    done, message = meeting.save(answer, "no-points", "en")
    assert done, message
    assert "remove: true" in (tmp_path / "no-points.yaml").read_text(encoding="utf-8")


def test_a_what_if_without_an_allocation_is_not_saved(meeting: Meeting) -> None:
    answer = meeting.answer(WhatIf(total_htv=10.0))
    assert meeting.save(answer, "too-small", "en") == (
        False, "Nothing to save: the what-if has no verified allocation.")
    assert not (meeting.save_dir / "too-small.yaml").exists()


def test_a_save_into_a_folder_that_cannot_be_written_says_why(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "base.yaml")
    (tmp_path / "file").write_text("", encoding="utf-8")
    meeting = Meeting(tmp_path / "base.yaml", save_dir=tmp_path / "file")
    done, message = meeting.save(meeting.answer(QUESTION), "x", "en")
    assert done is False and message.startswith(f"error: cannot write {tmp_path / 'file'}")
