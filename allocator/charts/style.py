"""Shared chart style: colours and hatches per service line and area, and figure layout.

Colours and hatches are fixed by position in the scenario's file order, so an area or a
line has the same look in every chart, and hatches keep charts readable in greyscale.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Colour-blind-safe palette (Okabe–Ito) for service lines, in file order.
LINE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                "#000000"]
#: Hatches distinguish the same segments in greyscale prints.
LINE_HATCHES = ["", "//", "..", "xx", "\\\\", "++", "--", "oo"]
#: Areas: a second palette (Paul Tol 'muted') so areas and lines never share a colour.
AREA_COLOURS = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
                "#882255", "#AA4499", "#DDDDDD"]
AREA_HATCHES = ["", "..", "//", "xx", "\\\\", "oo", "++", "--", "**", "OO"]
#: Markers and dash patterns tell areas' lines apart in greyscale prints.
AREA_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
AREA_DASHES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)), (0, (3, 1, 3, 3)),
               "-", "--"]
CENTRAL_COLOUR = "#999999"
CENTRAL_HATCH = "||"


def line_style(index: int) -> dict[str, Any]:
    """Colour and hatch of the service line at ``index`` in file order."""
    return {"color": LINE_COLOURS[index % len(LINE_COLOURS)],
            "hatch": LINE_HATCHES[index % len(LINE_HATCHES)]}


def area_style(index: int) -> dict[str, Any]:
    """Colour and hatch of the area at ``index`` in file order."""
    return {"color": AREA_COLOURS[index % len(AREA_COLOURS)],
            "hatch": AREA_HATCHES[index % len(AREA_HATCHES)]}


def area_line_style(index: int) -> dict[str, Any]:
    """Colour, marker and dash pattern of the area at ``index`` in file order, for line charts."""
    return {"color": AREA_COLOURS[index % len(AREA_COLOURS)],
            "marker": AREA_MARKERS[index % len(AREA_MARKERS)],
            "linestyle": AREA_DASHES[index % len(AREA_DASHES)]}


def new_figure(width: float = 8.0, height: float = 4.8) -> Figure:
    """An empty Figure with the project's size and layout (no pyplot)."""
    return Figure(figsize=(width, height), dpi=120, layout="constrained")


#: The footer's font size [pt] and the height of one of its lines [inches].
FOOTER_SIZE = 6.0
FOOTER_LINE_HEIGHT = 0.11
#: Drawn text comes out a few per cent wider than its glyphs' advances add up to (hinting,
#: kerning), so a footer line is measured with this much to spare.
_DRAWN_WIDER = 1.06


@functools.cache
def _footer_advance(char: str) -> float:
    """How far ``char`` moves the pen in the footer's font [pt]: its unhinted advance."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    font = get_font(findfont(FontProperties(size=FOOTER_SIZE)))
    font.set_size(FOOTER_SIZE, 72)
    return float(font.load_char(ord(char)).linearHoriAdvance) / 65536


def fit_footer(fig: Figure, note: str) -> str:
    """``note`` with every line too long for the figure broken at spaces, so that no
    scenario's hash is cut off at the figure's right edge."""
    return _fitted(note, float(fig.get_figwidth()))


@functools.lru_cache(maxsize=64)
def _fitted(note: str, width: float) -> str:
    """``note`` broken to ``width`` [inches]; kept, as both :func:`reserve_footer` and
    :func:`add_footer` ask for the same note on the same figure."""
    room = width * 72 * 0.99  # [pt], from the footer's left margin

    def fits(line: str) -> bool:
        return sum(map(_footer_advance, line)) * _DRAWN_WIDER <= room

    out: list[str] = []
    for line in note.split("\n"):
        if fits(line):
            out.append(line)
            continue
        words = line.split(" ")
        current = words[0]
        for word in words[1:]:
            if fits(f"{current} {word}"):
                current = f"{current} {word}"
            else:
                out.append(current)
                current = word
        out.append(current)
    return "\n".join(out)


def reserve_footer(fig: Figure, note: str) -> None:
    """Keep room under the axes for ``note`` as :func:`add_footer` writes it (when the
    figure lays itself out).

    Without it the constrained layout places the axis label where the footer goes.
    """
    lines = fit_footer(fig, note).count("\n") + 1
    bottom = min(0.3, (lines * FOOTER_LINE_HEIGHT + 0.05) / fig.get_figheight())
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def figure_of(ax: Axes) -> Figure:
    """The top-level Figure that ``ax`` is drawn on."""
    root = ax.get_figure(root=True)
    assert root is not None, "the axes must belong to a figure"
    return root


def figure_and_axes(ax: Axes | None, width: float = 8.0,
                    height: float = 4.8) -> tuple[Figure, Axes]:
    """The given Axes and its Figure, or a new Figure with one Axes of the given size."""
    if ax is not None:
        return figure_of(ax), ax
    fig = new_figure(width, height)
    return fig, fig.add_subplot()


def add_footer(fig: Figure, note: str) -> None:
    """Write a small provenance line (the reproducibility manifest) under the chart, its
    lines broken to the figure's width."""
    fig.text(0.005, 0.002, fit_footer(fig, note), fontsize=FOOTER_SIZE, color="#555555",
             ha="left", va="bottom", parse_math=False)
