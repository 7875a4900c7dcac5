"""Text cells made safe for spreadsheets: no scenario name becomes a live formula.

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
by OWASP's CSV-injection advice, a tab or carriage return) as a formula, so a name from a
scenario file could run a formula when the planner opens allocation.xlsx or any CSV the
tool writes. Every writer passes its text through :func:`safe_text` or :func:`safe_frame`,
which prefix such text with a single quote; numbers are left as they are.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are :func:`safe_text`.

    Only text columns are touched, so numeric columns keep their dtype and format.
    """
    out = frame.rename(columns=safe_text)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(safe_text)
    out.attrs = dict(frame.attrs)
    return out
