"""The pieces a board pack is made of: sections of plain blocks, and the pack itself.

Every block holds text already in the pack's language and numbers already formatted, so
the template (templates/board_pack.html.j2) only lays them out; a block's ``kind`` tells
the template which layout it gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from allocator.engine.result import Result


@dataclass(frozen=True)
class Paragraph:
    """A sentence or two; ``css`` is '', 'good', 'bad' or 'note'."""

    kind: ClassVar[str] = "paragraph"
    text: str
    css: str = ""


@dataclass(frozen=True)
class Heading:
    """A sub-heading within a section."""

    kind: ClassVar[str] = "heading"
    text: str


@dataclass(frozen=True)
class Bullets:
    """A list of short items, numbered when ``ordered``."""

    kind: ClassVar[str] = "list"
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Facts:
    """Labelled key figures and verdicts: (label, value, css) with css '', 'good' or 'bad'."""

    kind: ClassVar[str] = "facts"
    items: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Code:
    """A line to copy as it is, such as the command that produced the pack."""

    kind: ClassVar[str] = "code"
    text: str


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, a CSS class ('num', 'up', 'down', 'good', 'bad', 'muted',
    'hash'), and an optional second line in small type (e.g. a change against the base)."""

    text: str
    css: str = ""
    sub: str = ""
    sub_css: str = ""


@dataclass(frozen=True)
class Row:
    """A table row; ``css`` 'total' marks a sum row."""

    cells: tuple[Cell, ...]
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A titled table with a header row; ``css`` 'compact' or 'small' sets a smaller type."""

    kind: ClassVar[str] = "table"
    title: str
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    note: str = ""
    css: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart as a PNG data URI, with its size [pixels], alternative text and caption."""

    kind: ClassVar[str] = "chart"
    src: str
    alt: str
    caption: str
    width: int
    height: int


Block = Paragraph | Heading | Bullets | Facts | Code | Table | Chart


@dataclass(frozen=True)
class Section:
    """One section: an anchor id, a heading, one or two sentences, then blocks.

    The main part's sections are numbered; an ``appendix`` section (analyst material) is
    lettered and printed after the main part.
    """

    id: str
    heading: str
    intro: tuple[str, ...]
    blocks: tuple[Block, ...]
    appendix: bool = False


@dataclass
class BoardPack:
    """Everything the template shows, in the pack's language, plus the results behind it.

    ``results`` are the scenarios as allocated (the base first); ``timings`` the seconds
    each part took to build [s].
    """

    lang: str
    kicker: str
    title: str
    subtitle: str
    status: str
    contents: str
    sections: list[Section]
    appendix_heading: str
    appendix_intro: str
    generated_at: str
    results: list[Result]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def main(self) -> list[Section]:
        """The sections of the main part, in order."""
        return [s for s in self.sections if not s.appendix]

    @property
    def appendices(self) -> list[Section]:
        """The appendix sections, in order."""
        return [s for s in self.sections if s.appendix]

    @property
    def all_verified(self) -> bool:
        """True when every scenario has an allocation that the verifier passed."""
        return all(r.verified for r in self.results)

    @property
    def unverified(self) -> list[Result]:
        """The scenarios without a verified allocation."""
        return [r for r in self.results if not r.verified]


__all__ = ["Block", "BoardPack", "Bullets", "Cell", "Chart", "Code", "Facts", "Heading",
           "Paragraph", "Row", "Section", "Table"]
