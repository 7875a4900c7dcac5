"""Numbers and charts as the board pack shows them.

Every figure in the pack goes through these, so a change, a share or a missing value is
written the same way in every table, and every chart is embedded the same way.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, Formatter

from allocator.charts.png import png_bytes
from allocator.charts.style import add_footer, new_figure, reserve_footer
from allocator.reports.board_pack.blocks import Cell, Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def isnan(value: Any) -> bool:
    """True for a float NaN (a missing value in a frame)."""
    return isinstance(value, float) and math.isnan(value)


#: The pack's times are the employment area's own: Finland's (zoneinfo; the tzdata
#: package supplies the zone where the system has no zone database).
HELSINKI = ZoneInfo("Europe/Helsinki")

#: A decimal number in running text: digits, one point, digits, not part of a version
#: number such as 3.12.1.
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.]*\d)")

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def decimal_commas(text: str, lang: str) -> str:
    """``text`` with every decimal point written as the language writes it (a comma in
    Finnish); version numbers (3.12.1) stay as they are."""
    return _DECIMAL.sub(r"\1,\2", text) if lang == "fi" else text


def when(moment: datetime, lang: str = "en") -> str:
    """A moment in Helsinki time as the language writes dates: '2 December 2026, 07:49
    (Helsinki time)' or '2.12.2026 klo 7.49'."""
    t = moment.astimezone(HELSINKI)
    if lang == "fi":
        return f"{t.day}.{t.month}.{t.year} klo {t.hour}.{t.minute:02d}"
    return f"{t.day} {_MONTHS_EN[t.month - 1]} {t.year}, {t:%H:%M} (Helsinki time)"


def num(value: Any, digits: int = 2, lang: str = "en") -> str:
    """A number at ``digits`` places, with the language's decimal mark; '–' for a
    missing one."""
    if value is None or isnan(value):
        return "–"
    shown = f"{float(value):.{digits}f}".replace("-", "−")
    if not shown.strip("−0."):
        shown = f"{0:.{digits}f}"
    return shown.replace(".", ",") if lang == "fi" else shown


def signed(value: Any, digits: int = 2, lang: str = "en") -> str:
    """A change with its sign and a typographic minus; '0.00' for no change."""
    if value is None or isnan(value):
        return "–"
    shown = f"{float(value):+.{digits}f}"
    if not shown.strip("+-0."):
        shown = f"{0:.{digits}f}"
    shown = shown.replace("-", "−")
    return shown.replace(".", ",") if lang == "fi" else shown


def change_css(value: Any, digits: int = 2) -> str:
    """The CSS class of a change: 'up', 'down', or 'muted' when it rounds to nothing."""
    if value is None or isnan(value) or round(float(value), digits) == 0:
        return "muted"
    return "up" if value > 0 else "down"


def money(value: Any, lang: str = "en", digits: int = 2, sign: bool = False) -> str:
    """Euros with thousands grouped as the language writes them: 1,234.50 in English,
    1 234,50 in Finnish (a narrow no-break space); '–' for a missing amount."""
    if value is None or isnan(value):
        return "–"
    text = f"{float(value):{'+' if sign else ''},.{digits}f}"
    if sign and not text.strip("+-0.,"):
        text = f"{0:,.{digits}f}"
    if lang == "fi":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "−")


def plain(value: float, lang: str = "en") -> str:
    """A setting or input value as written (0.1, 28, 32.66; 0,1 in Finnish)."""
    return decimal_commas(f"{value:g}", lang)


def percent(value: float, lang: str = "en") -> str:
    """A share as a percentage without needless decimals (0.4 -> '40')."""
    return decimal_commas(f"{float(Decimal(str(value)) * 100):g}", lang)


def num_cell(value: Any, digits: int = 2, css: str = "num", lang: str = "en") -> Cell:
    """A table cell holding a number at ``digits`` places."""
    return Cell(num(value, digits, lang), css)


def head(*labels: str, left: int = 1) -> tuple[Cell, ...]:
    """Header cells: the first ``left`` columns are text, the rest numbers."""
    return tuple(Cell(label, "" if k < left else "num") for k, label in enumerate(labels))


class _Commas(Formatter):
    """A numeric tick formatter's labels with their decimal points as ``lang`` writes them:
    the labels are made when the chart is drawn, so the layout sees them as shown."""

    def __init__(self, inner: Formatter, lang: str) -> None:
        self.inner, self.lang = inner, lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return decimal_commas(self.inner(x, pos), self.lang)

    def format_ticks(self, values: Any) -> list[str]:
        return [decimal_commas(label, self.lang) for label in self.inner.format_ticks(values)]

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)

    def get_offset(self) -> str:
        return decimal_commas(self.inner.get_offset(), self.lang)


def localise_figure(fig: Figure, lang: str) -> Figure:
    """Write every decimal number on ``fig`` as ``lang`` writes it: its texts, and its
    numeric tick labels, so that a Finnish chart reads 32,66 where matplotlib would draw
    32.66. Nothing is drawn here: the tick labels are written so as they are made."""
    if lang != "fi":
        return fig
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if not isinstance(formatter, FixedFormatter | _Commas):  # shared axes: once
                axis.set_major_formatter(_Commas(formatter, lang))
    for item in fig.findobj(Text):
        shown = item.get_text()
        if _DECIMAL.search(shown):
            item.set_text(decimal_commas(shown, lang))
    return fig


def embed(fig: Figure, alt: str, caption: str, dpi: int, lang: str = "en") -> Chart:
    """``fig`` as an embedded PNG at ``dpi`` [pixels per inch], no timestamp in its metadata,
    its numbers written as ``lang`` writes them."""
    localise_figure(fig, lang)
    data = base64.b64encode(png_bytes(fig, dpi)).decode("ascii")
    width, height = fig.get_size_inches()
    return Chart(f"data:image/png;base64,{data}", alt, caption, round(width * dpi),
                 round(height * dpi))


def on_page(plot: Callable[..., Figure], data: Any, lang: str, height: float,
            footer: str, **options: Any) -> Figure:
    """A comparison chart drawn at the page's width (8 in) instead of its own.

    The comparison charts widen with the number of scenarios; scaled down to an A4 page
    their text would be unreadably small. Drawn on an Axes of a figure as wide as the
    other charts, the bars get thinner and the text keeps its size. The chart leaves the
    foot of a figure it did not create to its caller, so the footer is added here.
    """
    fig = new_figure(8.0, height)
    plot(data, ax=fig.add_subplot(), lang=lang, **options)
    reserve_footer(fig, footer)
    add_footer(fig, footer)
    return fig
