"""Commands for sensitivity and robust allocation: sweep, tornado, tipping, montecarlo, robust.

Each command loads a scenario, runs one analysis of allocator.analysis.sensitivity or
allocator.analysis.robust, prints a table (rich) and writes CSV and PNG files to ``--out DIR``
(default ``results/<command>/``), each atomically. Exit status: 0 done; 1 the rules
conflict (the scenario, or every point, has no allocation); 2 invalid input, named by file
or option. Only click is imported here at module level, so ``allocate --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from allocator.analysis.sensitivity import RunOptions
    from allocator.reports.analysis_files import Files
    from allocator.scenario.schema import Scenario

EXIT_OK, EXIT_INFEASIBLE, EXIT_INVALID = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


# --- shared pieces ----------------------------------------------------------------------

def _keep_scheduler(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Keep --scheduler in the context, so every command's RunOptions can read it."""
    ctx.meta["allocator.scheduler"] = value


def _common(f: F) -> F:
    """Options every analysis command takes."""
    options = [
        click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Folder for the CSV and PNG files [default: results/<command>/]."),
        click.option("--executor", type=click.Choice(["local", "sequential", "dask"]),
                     default="local", show_default=True,
                     help="'local': a pool of processes on this machine; 'sequential': "
                          "this process only; 'dask': an existing Dask cluster (see "
                          "--scheduler). Results are identical."),
        click.option("--scheduler", expose_value=False, callback=_keep_scheduler,
                     metavar="ADDRESS",
                     help="Address of the Dask scheduler for --executor dask, e.g. "
                          "tcp://10.0.0.5:8786 (needs: pip install -e '.[dask]')."),
        click.option("--processes", type=click.IntRange(min=1),
                     help="Processes for --executor local [default: one per core]."),
        click.option("--hints/--no-hints", default=None,
                     help="Seed each solve with a neighbouring allocation; never changes "
                          "the results. [default: on for sweep, tornado and tipping (about "
                          "20 % faster on the base case), off for montecarlo (about 10 % "
                          "slower)]"),
        click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
                     help="Deterministic time limit per solve [CP-SAT deterministic s] "
                          "[default: the scenario's solver.time_limit]."),
        click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
                     help="Language of the chart text."),
        click.option("--quiet", is_flag=True,
                     help="No progress bar (it is also off when stderr is not a terminal)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _fail(code: int, lines: list[str]) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def _invalid(exc: Any, what: str = "invalid input") -> NoReturn:
    problems = exc.problems
    _fail(EXIT_INVALID, [f"error: {what} ({len(problems)} problem"
                         f"{'s' if len(problems) != 1 else ''}):",
                         *(f"  {p}" for p in problems)])


def _load(path: Path) -> Scenario:
    """The scenario at ``path``, or exit 2 with every problem located."""
    from allocator.errors import ScenarioError
    from allocator.scenario.loading import load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        _invalid(exc, "the scenario is not valid")


def _console() -> Console:
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=120)


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, advanced by the callback; silent when quiet or not a tty."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    disable = quiet or not console.is_terminal
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=console, disable=disable, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _options(executor: str, processes: int | None, hints: bool | None, time_limit: float | None,
             progress: Callable[[int], None] | None) -> RunOptions:
    from allocator.analysis.sensitivity import RunOptions

    scheduler = click.get_current_context().meta.get("allocator.scheduler")
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    return RunOptions(executor=executor, processes=processes, scheduler=scheduler, hints=hints,
                      time_limit=time_limit, progress=progress)


def _write(out_dir: Path | None, command: str, files: Files, console: Console) -> None:
    """Write each file atomically into ``out_dir`` (default results/<command>/)."""
    from allocator.reports.analysis_files import write_files

    target = out_dir if out_dir is not None else Path("results") / command
    written = write_files(target, files)
    console.print(f"Wrote {', '.join(str(p) for p in written)}", style="dim")


def _need_allocation(run: Callable[[], Any]) -> Any:
    """``run()``, turning a scenario without an allocation into exit 1 and bad input into 2."""
    from allocator.errors import InfeasibleError, ScenarioError

    try:
        return run()
    except ScenarioError as exc:
        _invalid(exc)
    except InfeasibleError as exc:
        _fail(EXIT_INFEASIBLE, [f"error: {exc}"])


# --- sweep ------------------------------------------------------------------------------

@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--param", "params", multiple=True, required=True,
              metavar="PATH=START:STOP:STEP",
              help="A numeric field by its dotted path and the values to try: a range with "
                   "inclusive stop (total_htv=28:36:0.5) or a list (total_htv=30,32.66). "
                   "Repeat for several one-at-a-time sweeps (not a grid).")
@click.option("--rebalance/--no-rebalance", default=True, show_default=True,
              help="When a line's share is swept, scale the other lines' shares in proportion "
                   "so that the shares still sum to 1. Without it such points are invalid.")
@_common
def sweep(scenario: Path, params: tuple[str, ...], rebalance: bool, out_dir: Path | None,
          executor: str, processes: int | None, hints: bool | None, time_limit: float | None,
          lang: str, quiet: bool) -> None:
    """Allocate SCENARIO along one-at-a-time sweeps of its numeric inputs.

    Writes sweep.csv (one row per parameter, value and area) and sweep.png.
    """
    from allocator.analysis.sensitivity import input_at, parse_param
    from allocator.analysis.sensitivity import sweep as run_sweep
    from allocator.errors import ScenarioError
    from allocator.reports.analysis_files import sweep_files
    from allocator.reports.terminal_sensitivity import print_sweep

    s = _load(scenario)
    try:
        parsed = [parse_param(p) for p in params]
        for path, _ in parsed:
            input_at(s, path, "--param", need_value=False)
    except ScenarioError as exc:
        _invalid(exc)
    total = sum(len(v) for _, v in parsed)
    with _progress(total, "sweep", quiet) as advance:
        frame = run_sweep(s, parsed, rebalance,
                          _options(executor, processes, hints, time_limit, advance))
    console = _console()
    print_sweep(frame, console)
    _write(out_dir, "sweep", sweep_files(frame, lang), console)
    if frame["htv"].isna().all():
        _fail(EXIT_INFEASIBLE, ["error: no point of the sweep has an allocation"])


# --- tornado ----------------------------------------------------------------------------

@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--change", type=click.FloatRange(0, 100, min_open=True, max_open=True),
              default=10.0, show_default=True,
              help="How far each input moves, down and up [%].")
@click.option("--input", "inputs", multiple=True, metavar="PATH",
              help="Only these inputs (dotted paths) [default: every numeric input].")
@click.option("--area", "areas", multiple=True, help="Only these areas [default: all].")
@click.option("--top", type=click.IntRange(min=1), default=12, show_default=True,
              help="Inputs shown per area in the table and chart (the CSV has all).")
@_common
def tornado(scenario: Path, change: float, inputs: tuple[str, ...], areas: tuple[str, ...],
            top: int, out_dir: Path | None, executor: str, processes: int | None, hints: bool | None,
            time_limit: float | None, lang: str, quiet: bool) -> None:
    """Which inputs move each area's allocation most when moved ±CHANGE % one at a time.

    Writes tornado.csv (one row per input and area, ranked by the larger of the two
    changes) and tornado.png.
    """
    from allocator.analysis.sensitivity import numeric_inputs
    from allocator.analysis.sensitivity import tornado as run_tornado
    from allocator.reports.analysis_files import tornado_files
    from allocator.reports.terminal_sensitivity import print_tornado

    s = _load(scenario)
    names = [a.name for a in s.areas]
    _check_areas(areas, names)
    count = len(inputs) if inputs else len(numeric_inputs(s))
    with _progress(2 * count, "tornado", quiet) as advance:
        frame = _need_allocation(lambda: run_tornado(
            s, change / 100, list(inputs) or None,
            _options(executor, processes, hints, time_limit, advance)))
    if areas:
        frame = frame[frame["area"].isin(areas)].reset_index(drop=True)
    console = _console()
    print_tornado(frame, console, top, change)
    _write(out_dir, "tornado", tornado_files(frame, areas, top, lang), console)


def _check_areas(areas: tuple[str, ...], names: list[str]) -> None:
    unknown = [a for a in areas if a not in names]
    if unknown:
        _fail(EXIT_INVALID, [f"error: --area: unknown area '{a}' (known: {', '.join(names)})"
                             for a in unknown])


# --- tipping points ---------------------------------------------------------------------

@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--input", "inputs", multiple=True, required=True, metavar="PATH",
              help="An input by its dotted path (repeatable), or 'all' for every numeric "
                   "input (on the base case about 10 solves per input and direction).")
@click.option("--area", "areas", multiple=True, help="Only these areas [default: all].")
@click.option("--max-change", type=click.FloatRange(0, 100, min_open=True, max_open=True),
              default=50.0, show_default=True,
              help="Largest relative change searched, each way [%].")
@click.option("--steps", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Equal steps of the first scan up to --max-change.")
@click.option("--precision", type=click.FloatRange(min=0, min_open=True), default=0.1,
              show_default=True,
              help="Bisection stops when the bracket is this narrow [percentage points].")
@_common
def tipping(scenario: Path, inputs: tuple[str, ...], areas: tuple[str, ...], max_change: float,
            steps: int, precision: float, out_dir: Path | None, executor: str,
            processes: int | None, hints: bool | None, time_limit: float | None, lang: str,
            quiet: bool) -> None:
    """How far each input must move, up and down, before an area's HTV changes by a unit.

    Scans each input in --steps steps up to ±--max-change %, then bisects the first step
    that moves the area until the bracket is at most --precision wide. Writes tipping.csv
    and tipping.png.
    """
    from allocator.analysis.sensitivity import numeric_inputs, tipping_points
    from allocator.reports.analysis_files import tipping_files
    from allocator.reports.terminal_sensitivity import print_tipping

    s = _load(scenario)
    names = [a.name for a in s.areas]
    _check_areas(areas, names)
    paths = [i.path for i in numeric_inputs(s)] if "all" in inputs else list(inputs)
    with _progress(2 * len(paths), "tipping points", quiet) as advance:
        frame = _need_allocation(lambda: tipping_points(
            s, paths, list(areas) or None, max_change / 100, steps, precision / 100,
            _options(executor, processes, hints, time_limit, advance)))
    console = _console()
    print_tipping(frame, console, s.granularity)
    _write(out_dir, "tipping", tipping_files(frame, areas, lang), console)


# --- Monte Carlo ------------------------------------------------------------------------

@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=click.IntRange(1, 1_000_000), default=100, show_default=True,
              help="Caseload draws to allocate.")
@click.option("--model", default="poisson", show_default=True,
              help="Uncertainty of each caseload count: 'poisson' (Poisson with mean = the "
                   "figure) or 'uniform:W' (figure × uniform 1±W, rounded to whole persons).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed; the same seed gives the same draws with any executor.")
@click.option("--threshold", type=click.FloatRange(min=0), default=0.1, show_default=True,
              help="An area counts as moved when its HTV differs from the base by more [HTV].")
@_common
def montecarlo(scenario: Path, runs: int, model: str, seed: int, threshold: float,
               out_dir: Path | None, executor: str, processes: int | None, hints: bool | None,
               time_limit: float | None, lang: str, quiet: bool) -> None:
    """Allocate --runs random draws of SCENARIO's caseload counts: how stable is each area?

    Writes montecarlo.csv (one row per run and area), montecarlo_summary.csv (spread and
    the share of runs each area moved) and montecarlo.png (box plot).
    """
    from allocator.analysis.sensitivity import monte_carlo, parse_uncertainty, stability
    from allocator.errors import ScenarioError
    from allocator.reports.analysis_files import montecarlo_files
    from allocator.reports.terminal_sensitivity import print_stability

    s = _load(scenario)
    try:
        parse_uncertainty(model)
    except ScenarioError as exc:
        _invalid(exc)
    with _progress(runs, "Monte Carlo", quiet) as advance:
        frame = _need_allocation(lambda: monte_carlo(
            s, runs, model, seed, _options(executor, processes, hints, time_limit, advance)))
    summary = stability(frame, threshold)
    console = _console()
    print_stability(summary, console)
    _write(out_dir, "montecarlo", montecarlo_files(frame, summary, threshold, lang), console)


# --- robust allocation ------------------------------------------------------------------

@click.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the CSV and PNG files [default: results/robust/].")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              help="Deterministic time limit per solve [CP-SAT deterministic s] "
                   "[default: the first scenario's solver.time_limit].")
@click.option("--lang", type=click.Choice(["en", "fi"]), default="en", show_default=True,
              help="Language of the chart text.")
def robust(scenarios: tuple[Path, ...], out_dir: Path | None, time_limit: float | None,
           lang: str) -> None:
    """One allocation for all SCENARIOS: the least worst cell deviation across them.

    The scenarios must share municipalities, areas, offices, service lines, granularity,
    total_htv and central service sizes; every scenario's rules must hold. Writes
    robust.csv (regret per scenario), robust_cross.csv (each scenario's own optimum and the
    robust allocation, checked in every scenario), robust_by_area.csv,
    robust_allocation.csv and robust.png.
    """
    from allocator.analysis.robust import robust_allocate
    from allocator.errors import ScenarioError
    from allocator.reports.analysis_files import robust_files
    from allocator.reports.terminal_sensitivity import print_robust

    loaded = [_load(p) for p in scenarios]
    try:
        result = robust_allocate(loaded, [str(p) for p in scenarios], time_limit)
    except ScenarioError as exc:
        _invalid(exc, "the scenarios do not share their structure")
    if result.allocation is None:
        _fail(EXIT_INFEASIBLE, [f"error: {c.message}" + (f"\n  fix: {c.fix}" if c.fix else "")
                                for c in result.conflicts]
              or [f"error: no robust allocation ({result.status})"])
    console = _console()
    regret, cross, areas = result.regret_frame(), result.cross_frame(), result.area_frame()
    print_robust(result, regret, cross, areas, console)
    _write(out_dir, "robust", robust_files(result, regret, cross, areas, lang), console)
    if not result.verified:
        _fail(EXIT_INFEASIBLE, ["error: the robust allocation did not pass the verifier in "
                                "every scenario"])

