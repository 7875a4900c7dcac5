"""Result -> files: allocation.csv, allocation.xlsx, summary.json, allocation.png (and
costs.png when the scenario gives costs).

The files are written as a set: made in a temporary folder inside the target, then moved
into place together under a lock on the folder, so the folder never holds files of two
runs, and allocation.csv, allocation.xlsx and summary.json carry the scenario's hash.
The files are byte-identical for identical inputs, except summary.json's ``run`` object.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from allocator.charts.png import png_bytes as figure_png
from allocator.engine.manifest import scenario_sha256
from allocator.engine.result import Result
from allocator.forked import Early, made_ahead, started_early
from allocator.reports.cells import safe_frame
from allocator.reports.summary import summary_bytes
from allocator.reports.writing import write_set

if TYPE_CHECKING:
    from allocator.engine.explain import Explanation

#: The files written for an allocation, by format name.
FILES = {"csv": "allocation.csv", "xlsx": "allocation.xlsx", "json": "summary.json",
         "png": "allocation.png"}
#: The costs chart, written with the PNG format when the scenario gives costs.
COSTS_PNG = "costs.png"


#: Hex digits of the scenario's SHA-256 that identify a run in allocation.csv's first line.
RUN_ID_DIGITS = 12


def run_id(result: Result) -> str:
    """The first hex digits of the validated scenario's SHA-256 (summary.json's manifest
    has it in full): files that carry the same id come from the same scenario."""
    return scenario_sha256(result.scenario)[:RUN_ID_DIGITS]


def csv_bytes(result: Result) -> bytes:
    """allocation.csv: a ``# scenario_sha256=...`` line, then long format, one row per
    municipality × office × service line, then one per central service (municipality
    ``(whole area)``, service_line ``central:<service>``), so the file sums to total_htv."""
    cells = result.allocation_frame()[["area", "municipality", "office", "service_line", "htv"]]
    central = result.central_frame()
    hosted = pd.DataFrame({
        "area": [result.office_area(o) for o in central["office"]],
        "municipality": "(whole area)", "office": central["office"],
        "service_line": "central:" + central["service"], "htv": central["htv"]})
    frame = safe_frame(pd.concat([cells, hosted], ignore_index=True))
    digits = result.digits
    table = frame.to_csv(index=False, float_format=f"%.{digits}f", lineterminator="\n")
    return f"# scenario_sha256={run_id(result)}\n{table}".encode()


def png_bytes(result: Result, lang: str = "en") -> bytes:
    """The allocation chart as PNG, without a timestamp in its metadata."""
    from allocator.charts import plot_allocation

    return figure_png(plot_allocation(result, lang=lang))


def costs_png_bytes(result: Result, lang: str = "en") -> bytes:
    """The costs chart as PNG (the scenario must give costs)."""
    from allocator.charts import plot_costs

    costs = result.costs()
    if costs is None:
        raise ValueError("the result has no costs")
    return figure_png(plot_costs(result, costs, lang=lang))


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def stable_zip(raw: bytes) -> bytes:
    """Re-pack a zip with fixed timestamps, so identical content gives identical bytes.

    openpyxl stamps the save time into docProps/core.xml; it is fixed here too.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            dst.writestr(fixed, content)
    return out.getvalue()


def xlsx_bytes(result: Result, explanation: Explanation | None = None,
               lang: str = "en") -> bytes:
    """allocation.xlsx with sheets allocation, by area, by line, inputs, targets (and the
    explanation's sheets when given); ``lang`` 'fi' names sheets and headers in Finnish."""
    from allocator.reports.workbook import build_workbook

    wb = build_workbook(result, explanation, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue())


def load_charts() -> None:
    """Import what drawing the charts needs (matplotlib), as a child started early does
    while its parent solves."""
    import allocator.charts.allocation
    import allocator.charts.costs  # noqa: F401


def chart_files(result: Result) -> list[str]:
    """The chart files of ``result``: the allocation chart, and the costs chart when the
    scenario gives costs."""
    return [FILES["png"], *([COSTS_PNG] if result.scenario.costs is not None else [])]


def draw_charts(job: tuple[Result, str]) -> dict[str, bytes]:
    """The chart files of ``job`` (a result and the charts' language) as PNG bytes, by
    file name (see chart_files); the costs chart is drawn in a forked process of its own
    meanwhile."""
    result, lang = job
    draw = {FILES["png"]: png_bytes, COSTS_PNG: costs_png_bytes}
    makers = {name: functools.partial(draw[name], result, lang) for name in chart_files(result)}
    with made_ahead(makers, frozenset({COSTS_PNG})) as made:
        return {name: make() for name, make in made.items()}


#: A child that draws a run's charts once it is sent the result (see draw_charts).
ChartDrawer = Early[tuple[Result, str], dict[str, bytes]]


def write_outputs(result: Result, out_dir: Path, summary: dict[str, Any],
                  formats: Iterable[str] = FILES,
                  explanation: Explanation | None = None, lang: str = "en",
                  drawer: ChartDrawer | None = None) -> list[Path]:
    """Write the chosen files for ``result`` into ``out_dir`` (created if missing).

    ``lang`` is the language of the workbook and the charts; allocation.csv and
    summary.json are read by programs and stay the same in every language.

    The files are written as one set (:func:`write_set`): every file of an earlier run in
    the folder is replaced or removed, also those not chosen now. Without an allocation
    only summary.json is written. The charts are drawn by ``drawer``, a child started
    early with :func:`load_charts` and :func:`draw_charts`, or by one forked now.
    """
    makers: dict[str, Callable[[], bytes]] = {
        "csv": lambda: csv_bytes(result),
        "xlsx": lambda: xlsx_bytes(result, explanation, lang),
        "json": lambda: summary_bytes(summary),
    }
    chosen = set(formats)
    files: dict[str, Callable[[], bytes] | None] = {
        name: makers[fmt] if fmt in chosen and fmt in makers and (
            result.allocation is not None or fmt == "json") else None
        for fmt, name in FILES.items()}
    files[COSTS_PNG] = None
    if "png" not in chosen or result.allocation is None:
        return write_set(out_dir, files)
    # The charts are drawn in another process while the other files are made here.
    with nullcontext(drawer) if drawer is not None else started_early(
            load_charts, draw_charts) as child:
        child.send((result, lang))
        charts = functools.cache(child.collect)
        for name in chart_files(result):
            files[name] = functools.partial(lambda n: charts()[n], name)
        return write_set(out_dir, files)
