"""A terminal table that never cuts a number: labels and headings give way first.

rich's Table shares a narrow terminal out among all its columns and cuts numbers with an
ellipsis when there is too little room. The allocation is read for its numbers and totals,
so this table lays itself out for the width it is given: it tries the long names first,
then the short ones, then moves notes under their row, then shortens labels, and the
numbers and totals always keep their full width.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

#: Spaces between two columns.
GAP = 2
#: Most lines a column heading may take.
HEADER_LINES = 3


@dataclass(frozen=True)
class Column:
    """A numeric column: its heading in full and in short [text]."""

    name: str
    short: str


@dataclass(frozen=True)
class Row:
    """One line of the table.

    A heading row has a label only and may use the whole width. A row with ``note`` leaves
    its value columns empty but the last, and writes the note across them, or under the
    label where it does not fit (the label may be ``short_label`` where room is scarce).
    """

    label: str
    values: tuple[str, ...] = ()
    indent: int = 0
    style: str = ""
    heading: bool = False
    note: str = ""
    short_label: str = ""
    total_style: str = ""
    space_before: bool = False

    def label_in(self, short: bool) -> str:
        """The label, or its short form when asked for and given."""
        return (self.short_label or self.label) if short else self.label


@dataclass(frozen=True)
class Layout:
    """The choices that fit a width: which names, where the notes go, column widths."""

    short_headers: bool
    short_labels: bool
    notes_inline: bool
    label_width: int
    widths: tuple[int, ...]
    headers: tuple[tuple[str, ...], ...]

    @property
    def width(self) -> int:
        """Characters per line."""
        return self.label_width + sum(GAP + w for w in self.widths)


def _wrap(name: str, width: int) -> list[str]:
    return textwrap.wrap(name, width, break_long_words=False, break_on_hyphens=False) or [""]


def _heading(name: str, least: int) -> tuple[int, tuple[str, ...]]:
    """The narrowest width of at least ``least`` that puts ``name`` on HEADER_LINES lines."""
    width = max(least, *(len(w) for w in name.split()), 1)
    while len(_wrap(name, width)) > HEADER_LINES:
        width += 1
    return width, tuple(_wrap(name, width))


def shorten(text: str, width: int) -> str:
    """``text`` cut at a word to at most ``width`` characters, with '…' when cut."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = text[:width - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:·-") + "…"


@dataclass
class Grid:
    """A label column and numeric columns; see the module's docstring for the layout."""

    title: str
    label_header: str
    columns: Sequence[Column]
    rows: Sequence[Row]
    legend: str = ""
    """Printed under the table when the short headings are used (e.g. what they stand for)."""
    caption: str = ""
    layout_used: Layout | None = field(default=None, init=False, repr=False)

    def layout(self, max_width: int) -> Layout:
        """The first layout, from the roomiest to the tightest, that fits ``max_width``."""
        value_widths = [max((len(r.values[i]) for r in self.rows if len(r.values) > i),
                            default=1) for i in range(len(self.columns))]
        tried = None
        for short_headers, short_labels, inline in ((False, False, True), (False, True, True),
                                                    (True, True, True), (True, True, False)):
            tried = self._layout(value_widths, short_headers, short_labels, inline, None)
            if tried.width <= max_width and (not inline or self._notes_fit(tried)):
                return tried
        assert tried is not None
        numbers = sum(GAP + w for w in tried.widths)
        label_width = max(max_width - numbers, len(self.label_header), 8)
        return self._layout(value_widths, True, True, False, label_width)

    def _layout(self, value_widths: list[int], short_headers: bool, short_labels: bool,
                inline: bool, label_width: int | None) -> Layout:
        widths, headers = [], []
        for col, least in zip(self.columns, value_widths, strict=True):
            w, lines = _heading(col.short if short_headers else col.name, least)
            widths.append(w)
            headers.append(lines)
        labels = [r.indent + len(r.label_in(short_labels)) for r in self.rows
                  if not r.heading and not (r.note and inline)]
        natural = max([len(self.label_header), *labels])
        return Layout(short_headers, short_labels, inline,
                      natural if label_width is None else min(natural, label_width),
                      tuple(widths), tuple(headers))

    def _notes_fit(self, lay: Layout) -> bool:
        span = lay.label_width + sum(GAP + w for w in lay.widths[:-1])
        return all(r.indent + len(self._note_line(r, lay.short_labels)) <= span
                   for r in self.rows if r.note)

    @staticmethod
    def _note_line(r: Row, short: bool) -> str:
        return f"{r.label_in(short)}: {r.note}"

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lay = self.layout(options.max_width)
        return Measurement(min(lay.width, options.max_width), min(lay.width, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lay = self.layout(options.max_width)
        self.layout_used = lay
        yield Text(self.title, style="bold")
        yield from self._header(lay)
        yield Text("━" * lay.width)
        for r in self.rows:
            yield from self._row(r, lay)
        if self.legend and lay.short_headers:
            yield Text(self.legend, style="dim")
        if self.caption:
            yield Text(self.caption, style="dim")

    def _header(self, lay: Layout) -> Iterator[Text]:
        depth = max(len(h) for h in lay.headers)
        for k in range(depth):
            line = Text(self.label_header.ljust(lay.label_width) if k == depth - 1
                        else " " * lay.label_width, style="bold")
            for w, lines in zip(lay.widths, lay.headers, strict=True):
                pad = depth - len(lines)  # headings sit on the rule
                piece = lines[k - pad] if k >= pad else ""
                line.append(" " * GAP + piece.rjust(w), style="bold")
            yield line

    def _row(self, r: Row, lay: Layout) -> Iterator[Text]:
        if r.space_before:
            yield Text("")
        label = " " * r.indent + r.label_in(lay.short_labels)
        if r.heading:
            yield Text(label, style=r.style or "bold")
            return
        span = lay.label_width + sum(GAP + w for w in lay.widths[:-1])
        if r.note and r.indent + len(self._note_line(r, lay.short_labels)) <= span:
            line = Text(" " * r.indent + self._note_line(r, lay.short_labels).ljust(
                span - r.indent), style=r.style)
            line.append(" " * GAP, style=r.style)
            line.append(r.values[-1].rjust(lay.widths[-1]), style=r.total_style or r.style)
            yield line
            return
        note = r.note
        if len(label) > lay.label_width:  # the label on its own line, the numbers below it
            yield Text(label, style=r.style)
            label = " " * (r.indent + 2) + note
            if note and len(label) > lay.label_width:
                yield Text(label, style="dim")
                label = ""
            note = ""
        line = Text(shorten(label, lay.label_width).ljust(lay.label_width), style=r.style)
        for i, w in enumerate(lay.widths):
            value = r.values[i] if i < len(r.values) else ""
            last = i == len(lay.widths) - 1
            line.append(" " * GAP, style=r.style)
            line.append(value.rjust(w), style=(r.total_style or r.style) if last else r.style)
        yield line
        if note:
            yield Text(" " * (r.indent + 2) + note, style="dim")


@dataclass
class Fitted:
    """A rich table whose number columns never wrap: when they do not all fit the width,
    the table is printed in parts, each with the first (label) column and as many of the
    other columns as fit.

    ``headers`` and each row's cells are text; the first column may wrap, the others not.
    """

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str | Text]]
    styles: Sequence[str | None] = ()
    caption: str = ""
    justify_first: str = "left"
    no_wrap_first: bool = False

    def table(self, columns: Sequence[int], title: str, caption: str) -> Table:
        """The table of the label column and ``columns`` (indices into the headers)."""
        t = Table(title=title or None, box=box.SIMPLE_HEAVY, title_justify="left",
                  caption=caption or None, caption_justify="left", pad_edge=False,
                  show_edge=False)
        t.add_column(self.headers[0], overflow="fold", no_wrap=self.no_wrap_first)
        for k in columns:
            t.add_column(self.headers[k], justify="right", no_wrap=True)
        for n, row in enumerate(self.rows):
            style = self.styles[n] if n < len(self.styles) else None
            t.add_row(row[0], *(row[k] for k in columns), style=style)
        return t

    def parts(self, console: Console, options: ConsoleOptions) -> list[Table]:
        """The table, or its parts, for ``options.max_width``."""
        width = options.max_width
        wide = options.update_width(10_000)

        def least(columns: Sequence[int]) -> int:
            return Measurement.get(console, wide, self.table(columns, "", "")).minimum

        rest = list(range(1, len(self.headers)))
        if least(rest) <= width:
            return [self.table(rest, self.title, "")]
        alone = least([])
        groups: list[list[int]] = [[]]
        used = alone
        for k in rest:
            need = least([k]) - alone
            if groups[-1] and used + need > width:
                groups.append([])
                used = alone
            groups[-1].append(k)
            used += need
        return [self.table(g, self.title if n == 0 else "", "") for n, g in enumerate(groups)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        parts = self.parts(console, options)
        for n, part in enumerate(parts):
            if n:
                yield Text("")
            yield part
        if self.caption:
            yield Text(self.caption, style="dim")
        yield Text("")
