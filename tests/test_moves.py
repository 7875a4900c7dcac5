"""Today's staffing against the allocation is in every output that shows the allocation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from allocator.cli import main
from allocator.engine.pipeline import allocate
from allocator.reports.summary import build_summary

CONTINUITY = Path(__file__).parents[1] / "scenarios" / "continuity.yaml"


def test_summary_lists_the_moves_per_office() -> None:
    result = allocate(CONTINUITY)
    moves = build_summary(result)["moves"]
    frame = result.office_frame().set_index("office")
    assert moves["illustrative"] is True and moves["max_change_htv"] == 1.0
    assert moves["move_weight"] == 0.5
    assert moves["moved_htv"] == pytest.approx(float(result.verification.moved))
    for row in moves["offices"]:
        assert row["htv"] == pytest.approx(frame.loc[row["office"], "customer_htv"])
        assert row["change_htv"] == pytest.approx(row["htv"] - row["today_htv"])
        assert abs(row["change_htv"]) <= 1.0 + 1e-9
    assert build_summary(allocate(CONTINUITY.parent / "base.yaml"))["moves"] is None


def test_the_board_pack_shows_the_moves(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    done = CliRunner().invoke(main, ["report", str(CONTINUITY), "--out", str(out), "--runs", "1",
                                     "--executor", "sequential"])
    assert done.exit_code == 0, done.output
    text = " ".join((out / "board_pack.html").read_text(encoding="utf-8").split())
    assert "Moves from today&#39;s customer-service staffing per office [HTV]" in text
    assert "Today&#39;s staffing in this scenario is illustrative." in text
    assert "HTV moved: 1.00" in text


def test_the_workbook_has_a_moves_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from allocator.reports.files import write_outputs

    result = allocate(CONTINUITY)
    write_outputs(result, tmp_path, build_summary(result, CONTINUITY))
    sheet = load_workbook(tmp_path / "allocation.xlsx")["moves"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=1, max_row=5)]
    assert rows[0] == ["Office", "Today HTV", "Allocated HTV", "Change HTV"]
    frame = result.moves().frame  # type: ignore[union-attr]
    assert [r[0] for r in rows[1:]] == list(frame["office"])
    assert [r[3] for r in rows[1:]] == list(frame["change_htv"])
    assert "moves" not in load_workbook_sheets(tmp_path)


def load_workbook_sheets(tmp_path: Path) -> list[str]:
    """The sheets of the base case's workbook, which has no today's staffing."""
    from openpyxl import load_workbook

    from allocator.reports.files import write_outputs

    base = allocate(CONTINUITY.parent / "base.yaml")
    out = tmp_path / "base"
    write_outputs(base, out, build_summary(base))
    return list(load_workbook(out / "allocation.xlsx").sheetnames)
