"""Result -> files: allocation.csv, allocation.xlsx, summary.json and allocation.png.

Every file is written to a temporary name in the target folder and renamed into place,
so an interrupted run never leaves a half-written file beside good ones. The files are
byte-identical for identical inputs, except summary.json's ``run`` object.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allocator.engine.result import Result
from allocator.reports.cells import safe_frame

if TYPE_CHECKING:
    from allocator.engine.explain import Explanation

#: The files written for an allocation, by format name.
FILES = {"csv": "allocation.csv", "xlsx": "allocation.xlsx", "json": "summary.json",
         "png": "allocation.png"}


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def summary_bytes(summary: dict[str, Any]) -> bytes:
    """summary.json's bytes: UTF-8, two-space indent, keys in contract order."""
    return (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def csv_bytes(result: Result) -> bytes:
    """allocation.csv: long format, one row per municipality × office × service line."""
    frame = safe_frame(
        result.allocation_frame()[["area", "municipality", "office", "service_line", "htv"]])
    digits = result.digits
    return frame.to_csv(index=False, float_format=f"%.{digits}f", lineterminator="\n").encode()


def png_bytes(result: Result) -> bytes:
    """The allocation chart as PNG, without a timestamp in its metadata."""
    from allocator.charts import plot_allocation

    fig = plot_allocation(result)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stable_zip(raw: bytes) -> bytes:
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


def xlsx_bytes(result: Result, explanation: Explanation | None = None) -> bytes:
    """allocation.xlsx with sheets allocation, by area, by line, inputs, targets (and the
    explanation's sheets when given)."""
    from allocator.reports.workbook import build_workbook

    wb = build_workbook(result, explanation)
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def write_outputs(result: Result, out_dir: Path, summary: dict[str, Any],
                  formats: Iterable[str] = FILES,
                  explanation: Explanation | None = None) -> list[Path]:
    """Write the chosen files for ``result`` into ``out_dir`` (created if missing).

    Without an allocation only summary.json is written, and stale allocation files from an
    earlier run in the same folder are removed so they cannot be mistaken for this one.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    makers: dict[str, Callable[[], bytes]] = {
        "csv": lambda: csv_bytes(result),
        "xlsx": lambda: xlsx_bytes(result, explanation),
        "json": lambda: summary_bytes(summary),
        "png": lambda: png_bytes(result),
    }
    written = []
    for fmt in formats:
        path = out_dir / FILES[fmt]
        if result.allocation is None and fmt != "json":
            path.unlink(missing_ok=True)
            continue
        atomic_write(path, makers[fmt]())
        written.append(path)
    return written
