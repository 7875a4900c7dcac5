"""How a Result shows itself in a notebook: a one-line repr and an HTML summary.

Jupyter calls ``Result._repr_html_`` when a result is the last expression of a cell; it
shows what the terminal report leads with — the scenario, the total, the solver's proof
status and the independent verifier's verdict — then HTV by responsibility area and
service line. Every piece of text from the scenario (title, names, labels) is escaped, so
a title such as ``<b>`` is shown as written and never interpreted as markup.

Nothing here imports rich or pandas: the terminal report (allocator.reports.terminal) and this
view read the same tables of :class:`~allocator.engine.result.Result`.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

from allocator.engine.types import Status

if TYPE_CHECKING:
    from allocator.engine.result import Result

#: Inline colours of the verdicts (no stylesheet reaches a notebook's output).
GOOD, WARN, BAD = "#1a7f37", "#9a6700", "#cf222e"


def proof_text(result: Result) -> str:
    """The solver's verdict in words, as the terminal report writes it."""
    return {
        Status.OPTIMAL: "proven optimal",
        Status.FEASIBLE: "feasible, not proven optimal (time limit)",
        Status.INFEASIBLE: "infeasible: the rules cannot all hold",
        Status.INVALID: "invalid scenario",
        Status.UNKNOWN: "no allocation within the time limit",
    }[result.status]


def verifier_text(result: Result) -> str:
    """The independent verifier's verdict in words."""
    v = result.verification
    if v is None:
        return "not run (no allocation)"
    if v.passed:
        return "passed (every rule re-checked independently)"
    n = len(v.violations)
    return f"FAILED ({n} violation{'s' if n != 1 else ''})"


def result_repr(result: Result) -> str:
    """``<Result 'base': OPTIMAL, verified, 32.66 HTV>``: enough to tell results apart."""
    verdict = "verified" if result.verified else "NOT verified"
    total = result.total_htv
    return f"<Result {result.scenario.name!r}: {result.status}, {verdict}, {total} HTV>"


def _colour(ok: bool | None) -> str:
    return GOOD if ok else (WARN if ok is None else BAD)


def result_html(result: Result) -> str:
    """The result as an HTML fragment: title, verdicts, then HTV by area × service line.

    Without an allocation the table is replaced by the conflicting rules and their fixes.
    """
    r = result
    s = r.scenario
    digits = r.digits
    title = escape(s.title or s.name)
    head = (f"<p style='margin:0 0 .3em 0'><strong>{title}</strong> · scenario "
            f"<code>{escape(s.name)}</code> · {r.total_htv} HTV "
            f"({r.customer_htv} customer service + {r.central_htv} central)"
            "</p>")
    proof_ok = {Status.OPTIMAL: True, Status.FEASIBLE: None}.get(r.status, False)
    verdicts = (f"<p style='margin:0 0 .5em 0'>Solver: <span style='color:{_colour(proof_ok)}'>"
                f"<strong>{escape(proof_text(r))}</strong></span> · Verifier: "
                f"<span style='color:{_colour(r.verified)}'><strong>"
                f"{escape(verifier_text(r))}</strong></span></p>")
    parts = [head, verdicts]
    if r.verification is not None and r.verification.violations:
        parts.append("<ul>" + "".join(f"<li>{escape(str(v))}</li>"
                                      for v in r.verification.violations) + "</ul>")
    if r.allocation is None:
        parts.append(_conflicts_html(r))
    else:
        parts.append(_area_table_html(r, digits))
        if r.tie is not None:
            parts.append(f"<p style='margin:.3em 0 0 0'>Tie broken: {escape(r.tie.describe())}."
                         "</p>")
    return "<div class='allocator-result'>" + "".join(parts) + "</div>"


def _conflicts_html(r: Result) -> str:
    if not r.conflicts:
        return "<p>No allocation was found; no conflicting rules were isolated.</p>"
    items = []
    for c in r.conflicts:
        fix = f"<br><em>fix:</em> {escape(c.fix)}" if c.fix else ""
        items.append(f"<li>{escape(c.message)}{fix}</li>")
    return "<p>The rules cannot all hold:</p><ul>" + "".join(items) + "</ul>"


def _area_table_html(r: Result, digits: int) -> str:
    """HTV by area: per service line, customer service against its caseload target, central
    services, total, and unemployed jobseekers per customer-service HTV."""
    headers = ["Area", *(r.line_labels[ln] for ln in r.lines), "Customer service",
               "Caseload target", "Central services", "Total [HTV]", "Unemployed per HTV"]
    cell = "style='text-align:right;padding:2px 8px'"
    left = "style='text-align:left;padding:2px 8px'"
    out = ["<table style='border-collapse:collapse'><thead><tr>"]
    out += [f"<th {cell if i else left}>{escape(h)}</th>" for i, h in enumerate(headers)]
    out.append("</tr></thead><tbody>")
    for row in r.by_area_rows():
        total_row = row["area"] == "Total"
        ratio = float(row["unemployed_per_htv"])
        values = [*(f"{float(row[ln]):.{digits}f}" for ln in r.lines),
                  f"{float(row['customer_htv']):.{digits}f}",
                  f"{float(row['target_htv']):.3f}",
                  f"{float(row['central_htv']):.{digits}f}",
                  f"{float(row['total_htv']):.{digits}f}",
                  "" if math.isnan(ratio) else f"{ratio:.1f}"]
        style = " style='font-weight:bold;border-top:1px solid #888'" if total_row else ""
        out.append(f"<tr{style}><td {left}>{escape(str(row['area']))}</td>")
        out += [f"<td {cell}>{v}</td>" for v in values]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
