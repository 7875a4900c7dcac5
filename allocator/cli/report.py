"""``allocate report``: the board pack, one self-contained HTML file for the employment board.

Only click and allocator.cli.common are imported at module level, so that ``allocate
--help`` stays fast; the library (allocator.reports.board_pack.build, which needs pandas,
matplotlib, OR-Tools and jinja2) is imported inside the command.
"""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from allocator.cli.common import (
    EXIT_INFEASIBLE,
    PROCESSES,
    SEED,
    invalid,
    load_all_or_exit,
    overrides,
    progress,
    scenario_changes,
    sweep_specs,
)

#: Default output folder of ``allocate report``.
DEFAULT_OUT = Path("results") / "report"


def reproducing_command(files: list[Path], out_dir: Path, lang: str, runs: int, seed: int,
                        sweep: str, executor: str, processes: int | None,
                        changes: Sequence[str] = ()) -> str:
    """The command line that produces the same pack, with every setting spelled out.

    Defaults are written too, so the line still reproduces the pack after a default
    changes in a later version.
    """
    parts = ["allocate", "report", *(str(f) for f in files), "--out", str(out_dir),
             "--lang", lang, "--runs", str(runs), "--seed", str(seed), "--sweep", sweep,
             "--executor", executor]
    if processes is not None:
        parts += ["--processes", str(processes)]
    parts += changes
    return shlex.join(parts)


@click.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@scenario_changes
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_OUT, show_default=True,
              help="Folder for board_pack.html (created if missing).")
@click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
              help="Language of the headings, sentences, tables and chart texts.")
@click.option("--runs", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Monte Carlo draws of the base's caseload.")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Random seed of the Monte Carlo draws.")
@click.option("--sweep", "sweep_spec", metavar="PATH=START:STOP:STEP", callback=sweep_specs,
              help="The one sweep the pack shows [default: total_htv from about 12 % below "
                   "to 10 % above the base's in whole steps, e.g. total_htv=28:36:1].")
@click.option("--executor", type=click.Choice(["local", "sequential"]), default="sequential",
              show_default=True,
              help="How the sensitivity solves run: 'sequential' one by one in a process "
                   "beside the robust choice, 'local' on a pool of processes after it. "
                   "Results are identical; the pool costs more than the pack's few hundred "
                   "solves save (measured on 2 cores: the base and its scenario set took "
                   "3.4-3.5 s sequential, 4.1 s local).")
@click.option("--processes", type=PROCESSES,
              help="Processes for --executor local [default: one per core].")
def report(scenarios: tuple[Path, ...], out_dir: Path, lang: str, runs: int, seed: int,
           sweep_spec: str | None, executor: str, processes: int | None) -> None:
    """Write the board pack: DIR/board_pack.html, one file to read on screen or print on A4.

    \b
    allocate report scenarios/base.yaml scenarios/*.yaml
    The first file is the base; a file given twice is used once. In order: the
    recommended allocation (the base), how it was decided, the scenario comparison,
    the base's sensitivity (tornado, Monte Carlo, one sweep), a robust allocation
    across the scenarios that share the base's structure, and reproducibility.
    Exit status: 0 every scenario has a verified allocation; 1 some scenario has
    none (the pack is still written and says so); 2 invalid input (nothing written).
    """
    start = time.perf_counter()
    with progress("board pack", False) as bar:
        from allocator.errors import ScenarioError
        from allocator.forked import CAN_FORK

        loaded = load_all_or_exit(scenarios)

        from allocator.reports.board_pack.build import (
            PACK_FILE,
            PackOptions,
            build_pack,
            check_options,
            default_sweep,
            render_html,
        )
        from allocator.reports.writing import output_lock, write_set

        options = PackOptions(lang=lang, runs=runs, seed=seed, sweep=sweep_spec,
                              executor=executor,
                              processes=processes)
        base = loaded[0][1]
        try:
            check_options(base, options)
        except ScenarioError as exc:
            invalid(exc, "invalid option")
        command = reproducing_command([Path(f) for f, _ in loaded], out_dir, lang, runs, seed,
                                      sweep_spec or default_sweep(base), executor, processes,
                                      overrides().command_line())
        path = out_dir / PACK_FILE
        with output_lock(out_dir):  # held from the start, so a bad or busy --out fails at once
            pack = build_pack(loaded, options, command, phase=bar.phase)
            bar.phase("writing")
            write_set(out_dir, {PACK_FILE: lambda: render_html(pack).encode("utf-8")})
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in pack.timings.items())
    beside = ("; tornado, monte carlo and sweep (and the last two's charts) ran beside robust"
              if executor == "sequential" and "tornado" in pack.timings and CAN_FORK else "")
    click.echo(f"{len(pack.results)} scenarios in {time.perf_counter() - start:.1f} s "
               f"({parts}{beside}). Wrote {path}")
    if pack.unverified:
        names = ", ".join(f"{r.scenario.name} ({r.status})" for r in pack.unverified)
        click.echo(f"error: no verified allocation for {names}; the pack says why", err=True)
        sys.exit(EXIT_INFEASIBLE)
