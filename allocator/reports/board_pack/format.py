"""Numbers and charts as the board pack shows them.

Every figure in the pack goes through these, so a change, a share or a missing value is
written the same way in every table, and every chart is embedded the same way.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from allocator.charts.style import add_footer, new_figure, reserve_footer
from allocator.reports.board_pack.blocks import Cell, Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def isnan(value: Any) -> bool:
    """True for a float NaN (a missing value in a frame)."""
    return isinstance(value, float) and math.isnan(value)


def num(value: Any, digits: int = 2) -> str:
    """A number at ``digits`` places; '–' for a missing one."""
    if value is None or isnan(value):
        return "–"
    return f"{float(value):.{digits}f}"


def signed(value: Any, digits: int = 2) -> str:
    """A change with its sign and a typographic minus; '0.00' for no change."""
    if value is None or isnan(value):
        return "–"
    shown = f"{float(value):+.{digits}f}"
    if not shown.strip("+-0."):
        return f"{0:.{digits}f}"
    return shown.replace("-", "−")


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


def plain(value: float) -> str:
    """A setting or input value as written (0.1, 28, 32.66)."""
    return f"{value:g}"


def percent(value: float) -> str:
    """A share as a percentage without needless decimals (0.4 -> '40')."""
    return f"{float(Decimal(str(value)) * 100):g}"


def num_cell(value: Any, digits: int = 2, css: str = "num") -> Cell:
    """A table cell holding a number at ``digits`` places."""
    return Cell(num(value, digits), css)


def head(*labels: str, left: int = 1) -> tuple[Cell, ...]:
    """Header cells: the first ``left`` columns are text, the rest numbers."""
    return tuple(Cell(label, "" if k < left else "num") for k, label in enumerate(labels))


def embed(fig: Figure, alt: str, caption: str, dpi: int) -> Chart:
    """``fig`` as an embedded PNG at ``dpi`` [pixels per inch], no timestamp in its metadata."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    width, height = fig.get_size_inches()
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return Chart(f"data:image/png;base64,{data}", alt, caption, round(width * dpi),
                 round(height * dpi))


def on_page(plot: Callable[..., Figure], data: Any, lang: str, height: float,
            footer: str) -> Figure:
    """A comparison chart drawn at the page's width (8 in) instead of its own.

    The comparison charts widen with the number of scenarios; scaled down to an A4 page
    their text would be unreadably small. Drawn on an Axes of a figure as wide as the
    other charts, the bars get thinner and the text keeps its size. The chart leaves the
    foot of a figure it did not create to its caller, so the footer is added here.
    """
    fig = new_figure(8.0, height)
    plot(data, ax=fig.add_subplot(), lang=lang)
    reserve_footer(fig, footer)
    add_footer(fig, footer)
    return fig
