"""``allocate compare``: several scenarios side by side, for the employment board.

Only click is imported at module level, so that ``allocate --help`` stays fast; the
library is imported inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

#: Files ``allocate compare`` writes, besides the charts of allocator.charts.compare.CHARTS.
TABLES = ("comparison.csv", "scenarios.csv", "line_shares.csv", "unemployed_per_htv.csv")


def unique_files(files: tuple[Path, ...]) -> list[Path]:
    """The files in the order given, each once (the same file by another path counts too)."""
    seen: set[Path] = set()
    out = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def load_all_or_exit(scenarios: tuple[Path, ...], as_json: bool = False) -> list[tuple[str, Any]]:
    """Each file once, loaded; on any invalid file every problem is listed and the command
    exits with status 2 (with ``as_json``, also an INVALID summary on stdout)."""
    import json
    import sys

    from allocator.cli.common import EXIT_INVALID, echo_problems
    from allocator.errors import ScenarioError
    from allocator.scenario.loading import load_scenarios

    files = unique_files(scenarios)
    try:
        return load_scenarios(files)
    except ScenarioError as exc:
        if as_json:
            from allocator.reports.summary import problems_data

            click.echo(json.dumps({"status": "INVALID", "errors": problems_data(exc.problems)},
                                  indent=2, ensure_ascii=False))
        bad = len({p.source for p in exc.problems})
        click.echo(f"{bad} of {len(files)} scenario files are not valid.", err=True)
        echo_problems(exc.problems)
        sys.exit(EXIT_INVALID)


@click.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("results") / "compare", show_default=True,
              help="Folder for the comparison files.")
@click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
              help="Language of the chart texts.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the comparison as JSON to stdout instead of the table.")
def compare(scenarios: tuple[Path, ...], out_dir: Path, lang: str, as_json: bool) -> None:
    """Allocate each SCENARIO and compare them; the first file is the base.

    \b
    allocate compare scenarios/base.yaml scenarios/*.yaml
    A file given twice (e.g. the base again through the glob) is used once.
    Exit status: 0 every scenario verified; 1 some scenario has no verified
    allocation; 2 some file is invalid (every problem of every file is listed).
    """
    import json
    import sys
    import time

    from allocator.cli.common import EXIT_INFEASIBLE

    start = time.perf_counter()
    loaded = load_all_or_exit(scenarios, as_json)

    from allocator.engine.pipeline import allocate, settings_for

    results = [allocate(s, settings_for(s), source=f) for f, s in loaded]
    written = write_comparison(results, out_dir, lang)
    if as_json:
        sys.stdout.write(json.dumps(comparison_json(results), indent=2, ensure_ascii=False)
                         + "\n")
    else:
        from rich.console import Console

        from allocator.reports.terminal_compare import comparison_table

        console = Console()
        if not console.is_terminal:
            console = Console(width=120)  # files and pipes: the width of a printed page
        console.print(comparison_table(results, width=console.width))
        console.print(f"{len(results)} scenarios in {time.perf_counter() - start:.2f} s. "
                      f"Wrote {', '.join(str(p) for p in written)}", style="dim")
    failed = [r for r in results if not r.verified]
    if failed:
        names = ", ".join(f"{r.scenario.name} ({r.status})" for r in failed)
        click.echo(f"error: no verified allocation for {names}", err=True)
        sys.exit(EXIT_INFEASIBLE)


def write_comparison(results: list[Any], out_dir: Path, lang: str = "en") -> list[Path]:
    """Write the comparison's CSV tables and charts into ``out_dir``, each atomically.

    A chart that cannot be drawn (no scenario has an allocation) is not written, and a
    stale copy of it from an earlier run is removed.
    """
    import io

    from allocator.analysis.compare import caseload_per_htv, compare, csv_bytes, line_shares, scenarios_frame
    from allocator.charts.compare import CHARTS
    from allocator.reports.files import atomic_write

    frames = {"comparison.csv": compare(results), "scenarios.csv": scenarios_frame(results),
              "line_shares.csv": line_shares(results),
              "unemployed_per_htv.csv": caseload_per_htv(results)}
    written = []
    for name, frame in frames.items():
        atomic_write(out_dir / name, csv_bytes(frame))
        written.append(out_dir / name)
    drawable = any(r.allocation is not None for r in results)
    for name, plot in CHARTS.items():
        path = out_dir / name
        if not drawable:
            path.unlink(missing_ok=True)
            continue
        fig = plot(results, lang=lang)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        atomic_write(path, buf.getvalue())
        written.append(path)
    return written


def comparison_json(results: list[Any]) -> dict[str, Any]:
    """The comparison as JSON-ready data: the four tables, NaN as null."""
    import math

    from allocator.analysis.compare import caseload_per_htv, compare, line_shares, scenarios_frame

    def records(frame: Any) -> list[dict[str, Any]]:
        return [{str(k): (None if isinstance(v, float) and math.isnan(v) else v)
                 for k, v in row.items()} for row in frame.to_dict(orient="records")]

    comparison = compare(results)
    return {"schema_version": 1, "base": comparison.attrs["base"],
            "scenarios": records(scenarios_frame(results)),
            "comparison": records(comparison),
            "line_shares": records(line_shares(results)),
            "unemployed_per_htv": records(caseload_per_htv(results))}
