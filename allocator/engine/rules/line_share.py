"""line_share[line]: each service line's share of customer service stays within its tolerance."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from allocator.engine.rules.base import (
    Direction,
    Lever,
    Rule,
    Tally,
    Usage,
    exact_text,
    htv_text,
    label,
)
from allocator.engine.types import Conflict, Violation
from allocator.scenario.schema import to_fraction

if TYPE_CHECKING:
    from allocator.engine.caseload import ModelData
    from allocator.engine.model import BuiltModel
    from allocator.scenario.schema import Scenario

NAME = "line_share"


class LineShare(Rule):
    """A line's total lies within share ± tolerance of customer service, widened to whole
    units (the band's ends are rounded outwards)."""

    name = NAME
    fields = ("service_lines[].share", "service_lines[].tolerance")
    text: ClassVar[Mapping[str, str]] = {
        "en": "each service line's share of customer service stays within its tolerance",
        "fi": "kunkin palvelulinjan osuus asiakaspalvelusta pysyy sallitun poikkeaman sisällä",
    }
    in_flow = True

    def labels(self, d: ModelData) -> list[str]:
        return [label(NAME, line) for line in d.lines]

    def build(self, b: BuiltModel) -> None:
        for line in b.data.lines:
            lo, hi = b.data.line_bounds[line]
            b.add(label(NAME, line), b.model.add_linear_constraint(b.line_total(line), lo, hi))

    def check(self, s: Scenario, t: Tally) -> list[Violation]:
        g = to_fraction(s.granularity)
        customer_units = t.customer / g
        out = []
        for line in s.service_lines:
            share, tol = to_fraction(line.share), to_fraction(line.tolerance)
            lo = max(0, math.floor((share - tol) * customer_units)) * g
            hi = max(0, math.ceil((share + tol) * customer_units)) * g
            got = t.by_line[line.name]
            if not lo <= got <= hi:
                out.append(Violation(label(NAME, line.name),
                                     f"{exact_text(got)} HTV is outside the allowed "
                                     f"{exact_text(lo)}–{exact_text(hi)} HTV (share "
                                     f"{float(share):g} ± {float(tol):g})"))
        return out

    def describe(self, d: ModelData, key: str | None) -> str:
        assert key is not None
        lo, hi = d.line_bounds[key]
        return (f"line_share[{key}]: {d.line_labels[key]} between {htv_text(d, lo)} and "
                f"{htv_text(d, hi)} HTV (share {float(d.line_share[key]):g} ± "
                f"{float(d.line_tolerance[key]):g})")

    def slack(self, d: ModelData, use: Usage) -> dict[str, int]:
        return {label(NAME, line): min(use.line[line] - lo, hi - use.line[line])
                for line, (lo, hi) in d.line_bounds.items()}

    def concerns(self, d: ModelData, municipality: str, line: str) -> list[str]:
        return [label(NAME, line)]

    def levers(self, s: Scenario) -> list[Lever]:
        out = []
        for i, ln in enumerate(s.service_lines):
            out.append(Lever(NAME, ln.name, "share", to_fraction(ln.share),
                             f"the share of {ln.name}", f"{ln.name} · share",
                             item="service_lines", index=i, name=ln.name, unit="",
                             kind="line_share"))
            out.append(Lever(NAME, ln.name, "tolerance", to_fraction(ln.tolerance),
                             f"the tolerance of {ln.name}", f"{ln.name} · tolerance",
                             item="service_lines", index=i, name=ln.name,
                             step=Fraction(1, 1000), repair=(Direction(True, Fraction(1)),),
                             unit="", kind="line_tolerance"))
        return out

    def shared_conflicts(self, datas: Sequence[ModelData], names: Sequence[str]) -> list[Conflict]:
        first = datas[0]
        out = []
        for line in first.lines:
            lo = max(datas, key=lambda d: d.line_bounds[line][0])
            hi = min(datas, key=lambda d: d.line_bounds[line][1])
            if lo.line_bounds[line][0] > hi.line_bounds[line][1]:
                out.append(Conflict(
                    (label(NAME, line),),
                    f"{line} needs at least {htv_text(first, lo.line_bounds[line][0])} HTV in "
                    f"{names[datas.index(lo)]} but at most "
                    f"{htv_text(first, hi.line_bounds[line][1])} HTV in {names[datas.index(hi)]}",
                    "make the line's share and tolerance overlap between the scenarios"))
        return out
