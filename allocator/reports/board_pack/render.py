"""The board pack as HTML: its blocks poured into a Jinja template.

The template (templates/board_pack.html.j2) has autoescaping on, so a scenario title is
shown as written and never read as markup. The file needs nothing but itself: charts are
PNG data URIs, the style sheet is inline, there is no script, and a
Content-Security-Policy forbids the browser to fetch anything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined

if TYPE_CHECKING:
    from jinja2 import Environment

    from allocator.reports.board_pack.blocks import BoardPack


def environment() -> Environment:
    """The Jinja environment of the pack's templates: strict, autoescaped, trimmed."""
    return Environment(loader=PackageLoader("allocator.reports.board_pack", "templates"),
                       autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True)


def render_html(pack: BoardPack) -> str:
    """The pack as one HTML document (autoescaped: scenario text is never read as markup)."""
    return environment().get_template("board_pack.html.j2").render(pack=pack)


__all__ = ["environment", "render_html"]
