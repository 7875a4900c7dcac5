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
