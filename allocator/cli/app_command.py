"""``allocate app SCENARIO``: the what-if page for the board meeting, served on this
computer.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; Shiny, an optional extra (``pip install -e '.[app]'``), is imported
inside the command.
"""

from __future__ import annotations

import socket
from pathlib import Path

import click

from allocator.cli.common import EXIT_INVALID, fail, load_or_exit

#: What to install when Shiny is missing.
INSTALL = "pip install -e '.[app]'"


@click.command("app")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port of the page (http://127.0.0.1:PORT/).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default serves this computer only.")
@click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
              help="Language the page opens in (it can be switched on the page).")
@click.option("--save-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the what-if scenarios the page saves [default: SCENARIO's "
                   "folder, so that a saved file extends it by its bare name].")
def app(scenario: Path, port: int, host: str, lang: str, save_dir: Path | None) -> None:
    """Open a what-if page on SCENARIO: change a figure, see the allocation re-solved."""
    try:
        from shiny import run_app
    except ImportError:
        run_app = None
    if run_app is None:  # shiny names it None where it cannot serve (in a browser build)
        fail(EXIT_INVALID, [f"error: allocate app needs Shiny for Python; install it with: "
                            f"{INSTALL}"])
    load_or_exit(scenario)  # every problem of the file, exit 2, before anything starts
    if save_dir is not None and not save_dir.is_dir():
        fail(EXIT_INVALID, [f"error: --save-dir: {save_dir} is not a folder"])
    problem = _cannot_listen(host, port)
    if problem:
        fail(EXIT_INVALID, [f"error: cannot listen on {host}:{port}: {problem}"])

    from allocator.app.page import Meeting, make_app

    meeting = Meeting(scenario, save_dir)
    click.echo(f"What-if page on {scenario}: http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    run_app(make_app(meeting, lang), host=host, port=port, launch_browser=False,
            log_level="warning")


def _cannot_listen(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, not an address here), or None."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None
