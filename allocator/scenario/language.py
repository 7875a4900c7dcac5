"""Numbers as a reader of each language writes them: 32.66 in English, 32,66 in Finnish.

The scenario names its offices, lines and services in both languages (``title_in``); the
terminal, the workbook and the charts write their numbers with these. Only text meant for
people goes through here; CSV and JSON files keep the machine form.
"""

from __future__ import annotations

import re
from typing import Any

#: Languages of the human-facing outputs.
LANGUAGES = ("en", "fi")
#: Finnish separates thousands with a space; a no-break space keeps a number on one line.
FI_THOUSANDS = "\u00a0"


def _localise(text: str, lang: str) -> str:
    if lang != "fi":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", FI_THOUSANDS)


def num(value: Any, digits: int = 2, lang: str = "en", thousands: bool = False) -> str:
    """``value`` with ``digits`` decimals (and thousands separated when asked)."""
    text = f"{float(value):,.{digits}f}" if thousands else f"{float(value):.{digits}f}"
    return _localise(text, lang)


def signed(value: Any, digits: int = 2, lang: str = "en", thousands: bool = False) -> str:
    """``value`` with its sign; a value that rounds to zero has none (0.00, not -0.00)."""
    text = f"{float(value):+,.{digits}f}" if thousands else f"{float(value):+.{digits}f}"
    if not text.strip("+-0.,"):
        text = f"{0:.{digits}f}"
    return _localise(text, lang).replace("-", "−") if lang == "fi" else text


def pct(share: Any, digits: int = 1, lang: str = "en") -> str:
    """A share [0-1] as a percentage: 40.0% in English, 40,0 % in Finnish."""
    text = f"{float(share) * 100:.{digits}f}"
    return f"{_localise(text, lang)} %" if lang == "fi" else f"{text}%"


def localise_text(text: str, lang: str = "en") -> str:
    """Decimal points between digits in free ``text`` as ``lang`` writes them (0.35 -> 0,35);
    identifiers and dotted field paths are left alone."""
    return _DECIMAL.sub(r"\1,\2", text) if lang == "fi" else text


_DECIMAL = re.compile(r"(\d)\.(\d)")


def general(value: Any, lang: str = "en") -> str:
    """A figure as written, shortest form (``g``): 0.35, 24.9, 107."""
    return _localise(f"{float(value):g}", lang)
