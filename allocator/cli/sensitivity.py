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
    import pandas as pd
    from matplotlib.figure import Figure
    from rich.console import Console

    from allocator.analysis.sensitivity import RunOptions
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


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")


def _png(fig: Figure) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _write(out_dir: Path | None, command: str, files: dict[str, Callable[[], bytes]],
           console: Console) -> None:
    """Write each file atomically into ``out_dir`` (default results/<command>/)."""
    from allocator.reports.files import atomic_write

    target = out_dir if out_dir is not None else Path("results") / command
    written = []
    for name, make in files.items():
        atomic_write(target / name, make())
        written.append(target / name)
    console.print(f"Wrote {', '.join(str(p) for p in written)}", style="dim")


def _htv(value: float, digits: int = 2) -> str:
    return "–" if value != value else f"{value:.{digits}f}"


def _signed(value: float, digits: int = 2) -> str:
    if value != value:
        return "–"
    text = f"{value:+.{digits}f}"
    return text if text.strip("+-0.") else f"{0:.{digits}f}"


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
    from allocator.charts.sensitivity import plot_sweep
    from allocator.errors import ScenarioError

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
    _print_sweep(frame, console)
    _write(out_dir, "sweep", {"sweep.csv": lambda: _csv(frame),
                              "sweep.png": lambda: _png(plot_sweep(frame, lang=lang))}, console)
    if frame["htv"].isna().all():
        _fail(EXIT_INFEASIBLE, ["error: no point of the sweep has an allocation"])


def _print_sweep(frame: pd.DataFrame, console: Console) -> None:
    from rich import box
    from rich.table import Table

    areas = list(frame.attrs.get("areas", dict.fromkeys(frame["area"])))
    for param in dict.fromkeys(frame["parameter"]):
        part = frame[frame["parameter"] == param]
        t = Table(title=f"Sweep of {param}: customer-service HTV by area",
                  box=box.SIMPLE_HEAVY, title_justify="left")
        t.add_column(param, justify="right")
        for a in areas:
            t.add_column(a, justify="right")
        t.add_column("Status")
        for value in dict.fromkeys(part["value"]):
            rows = part[part["value"] == value].set_index("area")
            status = str(rows["status"].iloc[0])
            note = str(rows["message"].iloc[0])
            shown = status if status in ("OPTIMAL",) else f"[red]{status}[/red]: {note}"
            t.add_row(f"{value:g}", *(_htv(float(rows.loc[a, "htv"])) for a in areas), shown)
        console.print(t)


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
    from allocator.charts.sensitivity import plot_tornado

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
    _print_tornado(frame, console, top, change)

    def chart() -> bytes:
        from allocator.charts.style import new_figure

        if len(areas) == 1:
            fig = new_figure()
            return _png(plot_tornado(frame, fig.add_subplot(), lang, areas[0], top))
        return _png(plot_tornado(frame, lang=lang, top=top))

    _write(out_dir, "tornado", {"tornado.csv": lambda: _csv(frame), "tornado.png": chart},
           console)


def _check_areas(areas: tuple[str, ...], names: list[str]) -> None:
    unknown = [a for a in areas if a not in names]
    if unknown:
        _fail(EXIT_INVALID, [f"error: --area: unknown area '{a}' (known: {', '.join(names)})"
                             for a in unknown])


def _print_tornado(frame: pd.DataFrame, console: Console, top: int, change: float) -> None:
    from rich import box
    from rich.table import Table

    pct = f"{change:g}"
    for area in dict.fromkeys(frame["area"]):
        rows = frame[frame["area"] == area].head(top)
        base = float(rows["base_htv"].iloc[0])
        t = Table(title=f"{area} ({base:.2f} HTV of customer service): inputs that move it most "
                        f"when moved ±{pct} % [change in HTV]",
                  box=box.SIMPLE_HEAVY, title_justify="left")
        for name, justify in (("#", "right"), ("Input", "left"), ("Base value", "right"),
                              (f"−{pct} %", "right"), (f"+{pct} %", "right")):
            t.add_column(name, justify=justify)  # type: ignore[arg-type]
        for _, r in rows.iterrows():
            t.add_row(str(r["rank"]), str(r["label"]), f"{r['base_value']:g}",
                      _signed(r["low_change_htv"]) if r["low_status"] != "INVALID"
                      else "invalid", _signed(r["high_change_htv"]) if r["high_status"] !=
                      "INVALID" else "invalid")
        console.print(t)


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
    from allocator.charts.sensitivity import plot_tipping

    s = _load(scenario)
    names = [a.name for a in s.areas]
    _check_areas(areas, names)
    paths = [i.path for i in numeric_inputs(s)] if "all" in inputs else list(inputs)
    with _progress(2 * len(paths), "tipping points", quiet) as advance:
        frame = _need_allocation(lambda: tipping_points(
            s, paths, list(areas) or None, max_change / 100, steps, precision / 100,
            _options(executor, processes, hints, time_limit, advance)))
    console = _console()
    _print_tipping(frame, console, s.granularity)

    def chart() -> bytes:
        from allocator.charts.style import new_figure

        if len(areas) == 1:
            fig = new_figure()
            return _png(plot_tipping(frame, fig.add_subplot(), lang, areas[0]))
        return _png(plot_tipping(frame, lang=lang))

    _write(out_dir, "tipping", {"tipping.csv": lambda: _csv(frame), "tipping.png": chart}, console)


def _print_tipping(frame: pd.DataFrame, console: Console, granularity: float) -> None:
    from rich import box
    from rich.table import Table

    t = Table(title=f"Tipping points: the smallest relative change of an input that moves an "
                    f"area's customer-service HTV by at least {granularity:g} HTV",
              box=box.SIMPLE_HEAVY, title_justify="left")
    for name, justify in (("Area", "left"), ("Input", "left"), ("Base value", "right"),
                          ("Down", "right"), ("Up", "right"), ("Note", "left")):
        t.add_column(name, justify=justify)  # type: ignore[arg-type]
    for (area, _input), rows in frame.groupby(["area", "input"], sort=False):
        by = rows.set_index("direction")
        notes = {str(n) for n in rows["note"] if n}
        notes |= {f"{d}: {s}" for d, s in zip(rows["direction"], rows["status"], strict=True)
                  if s and s != "OPTIMAL"}
        t.add_row(str(area), str(by["label"].iloc[0]), f"{by['base_value'].iloc[0]:g}",
                  str(by.loc["down", "result"]), str(by.loc["up", "result"]),
                  "; ".join(sorted(notes)))
    console.print(t)


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
    from allocator.charts.sensitivity import plot_monte_carlo
    from allocator.errors import ScenarioError

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
    _print_stability(summary, console)
    _write(out_dir, "montecarlo", {
        "montecarlo.csv": lambda: _csv(frame),
        "montecarlo_summary.csv": lambda: _csv(summary),
        "montecarlo.png": lambda: _png(plot_monte_carlo(frame, lang=lang, threshold=threshold)),
    }, console)


def _print_stability(summary: pd.DataFrame, console: Console) -> None:
    from rich import box
    from rich.table import Table

    a = summary.attrs
    t = Table(title=f"Monte Carlo: {a.get('runs')} caseload draws ({a.get('model')}, seed "
                    f"{a.get('seed')}): customer-service HTV by area",
              box=box.SIMPLE_HEAVY, title_justify="left")
    for name in ("Area", "Base", "Mean", "SD", "5 %", "Median", "95 %",
                 f"Moved > {a.get('threshold', 0.1):g} HTV", "No allocation"):
        t.add_column(name, justify="left" if name == "Area" else "right")
    for _, r in summary.iterrows():
        t.add_row(str(r["area"]), _htv(r["base_htv"]), _htv(r["mean_htv"]),
                  _htv(r["sd_htv"], 3), _htv(r["p05_htv"]), _htv(r["median_htv"]),
                  _htv(r["p95_htv"]),
                  "–" if r["moved_share"] != r["moved_share"] else f"{r['moved_share']:.0%}",
                  str(r["runs_without_allocation"]))
    console.print(t)


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
    from allocator.charts.sensitivity import plot_robust
    from allocator.errors import ScenarioError

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
    _print_robust(result, regret, cross, areas, console)
    _write(out_dir, "robust", {
        "robust.csv": lambda: _csv(regret),
        "robust_cross.csv": lambda: _csv(cross),
        "robust_by_area.csv": lambda: _csv(areas),
        "robust_allocation.csv": lambda: _csv(result.allocation_frame()),
        "robust.png": lambda: _png(plot_robust(areas, lang=lang)),
    }, console)
    if not result.verified:
        _fail(EXIT_INFEASIBLE, ["error: the robust allocation did not pass the verifier in "
                                "every scenario"])


def _print_robust(result: Any, regret: pd.DataFrame, cross: pd.DataFrame, areas: pd.DataFrame,
                  console: Console) -> None:
    from rich import box
    from rich.table import Table

    t = Table(title="Robust allocation: deviation from each scenario's caseload targets [HTV], "
                    "against the scenario's own optimum", box=box.SIMPLE_HEAVY,
              title_justify="left")
    for name in ("Scenario", "Own max", "Robust max", "Regret max", "Own total", "Robust total",
                 "Regret total", "Rules hold"):
        t.add_column(name, justify="left" if name == "Scenario" else "right")
    for _, r in regret.iterrows():
        t.add_row(str(r["scenario"]), _htv(r["own_max_deviation_htv"], 4),
                  _htv(r["robust_max_deviation_htv"], 4), _signed(r["regret_max_htv"], 4),
                  _htv(r["own_total_deviation_htv"], 4),
                  _htv(r["robust_total_deviation_htv"], 4), _signed(r["regret_total_htv"], 4),
                  "yes" if r["robust_verified"] else "[red]NO[/red]")
    console.print(t)

    names = list(dict.fromkeys(cross["scenario"]))
    c = Table(title="Each candidate allocation in every scenario: largest cell deviation [HTV]",
              box=box.SIMPLE_HEAVY, title_justify="left")
    c.add_column("Allocation")
    for n in names:
        c.add_column(f"in {n}", justify="right")
    c.add_column("Worst", justify="right", style="bold")
    for whose in dict.fromkeys(cross["allocation"]):
        rows = cross[cross["allocation"] == whose].set_index("scenario")
        cells = [_htv(rows.loc[n, "max_deviation_htv"], 4)
                 + ("" if rows.loc[n, "rules_hold"] else " (rules broken)") for n in names]
        label = "robust" if whose == "robust" else f"own optimum of {whose}"
        c.add_row(label, *cells, _htv(float(rows["max_deviation_htv"].max()), 4))
    console.print(c)

    a = Table(title="Customer-service HTV by area: robust allocation and each scenario's own "
                    "optimum", box=box.SIMPLE_HEAVY, title_justify="left")
    a.add_column("Area")
    a.add_column("Robust", justify="right", style="bold")
    for n in names:
        a.add_column(f"Own: {n}", justify="right")
    for area in dict.fromkeys(areas["area"]):
        rows = areas[areas["area"] == area].set_index("scenario")
        a.add_row(str(area), _htv(float(rows["robust_htv"].iloc[0])),
                  *(_htv(float(rows.loc[n, "own_htv"])) for n in names))
    console.print(a)
    proof = "proven optimal" if str(result.status) == "OPTIMAL" else str(result.status)
    verdict = ("passed in every scenario" if result.verified
               else "[red]FAILED in at least one scenario[/red]")
    console.print(f"Solver: {proof} · worst cell deviation over all scenarios "
                  f"{float(regret['robust_max_deviation_htv'].max()):.4f} HTV · "
                  f"solve {result.solve_time:.2f} s")
    console.print(f"Verifier: {verdict}")

