"""What several commands share: exit codes, error messages, loading the scenario files,
and the options, progress bar and output of the analysis commands.

Only click and the standard library are imported at module level, so that every command
module can import this one without slowing ``allocate --help``; the library is imported
inside the functions that need it.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from allocator.analysis.sensitivity import RunOptions
    from allocator.engine.result import Conflict
    from allocator.errors import Problem, ScenarioError
    from allocator.reports.analysis_files import Files
    from allocator.scenario.overrides import Overrides
    from allocator.scenario.schema import Scenario

#: Exit status: 0 done; 1 the rules cannot all hold or nothing was verified; 2 invalid input.
EXIT_OK, EXIT_INFEASIBLE, EXIT_INVALID = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def fail(code: int, lines: Iterable[str]) -> NoReturn:
    """Print each line to stderr and exit with ``code``."""
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def echo_problems(problems: Sequence[Problem], what: str = "the scenario is not valid") -> None:
    """Print ``what`` with the number of problems, then every problem on its own line."""
    click.echo(f"error: {what} ({len(problems)} problem"
               f"{'s' if len(problems) != 1 else ''}):", err=True)
    for p in problems:
        click.echo(f"  {p}", err=True)


def invalid(exc: ScenarioError, what: str = "invalid input") -> NoReturn:
    """Print every problem of ``exc`` under ``what`` and exit with status 2."""
    echo_problems(exc.problems, what)
    sys.exit(EXIT_INVALID)


def conflict_lines(conflicts: Iterable[Conflict]) -> list[str]:
    """Each conflict as an error line, followed by its fix when one is known."""
    return [f"error: {c.message}" + (f"\n  fix: {c.fix}" if c.fix else "") for c in conflicts]


def unique_files(files: Iterable[Path]) -> list[Path]:
    """The files in the order given, each once (the same file by another path counts too)."""
    seen: set[Path] = set()
    out = []
    for f in files:
        try:
            key = f.resolve()
        except (OSError, RuntimeError):  # a symbolic link loop: the loader names it
            key = f.absolute()
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# --- the scenario's figures and values from the command line: --caseload, --set ---

_OVERRIDES = "allocator.overrides"


def _keep_override(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep --caseload and --set in the context, for the loaders below."""
    ctx.meta.setdefault(_OVERRIDES, {})[param.name] = value


def scenario_changes(f: F) -> F:
    """``--caseload FILE`` and ``--set PATH=VALUE``, for every command that loads scenarios.

    They are not passed to the command: the loaders here (:func:`load_or_exit`,
    :func:`load_all_or_exit`, :func:`load_changed`) apply them to every scenario loaded.
    """
    f = click.option("--set", "settings", multiple=True, metavar="PATH=VALUE",
                     expose_value=False, callback=_keep_override,
                     help="Change one value of the scenario, by the dotted path of sweeps "
                          "(total_htv=30, 'offices.Parkano office.min_htv=1.5', "
                          "municipalities.Sastamala.caseload.unemployed=800); repeatable, "
                          "applied after --caseload, validated like the file.")(f)
    return click.option("--caseload", "caseload",
                        type=click.Path(dir_okay=False, path_type=Path), expose_value=False,
                        callback=_keep_override,
                        help="Replace the scenario's caseload figures with a table (CSV or "
                             "xlsx, as 'allocate caseload export' writes it).")(f)


def overrides() -> Overrides:
    """The command's --caseload and --set (empty when it has none)."""
    from allocator.scenario.overrides import Overrides

    ctx = click.get_current_context(silent=True)
    given = ctx.meta.get(_OVERRIDES, {}) if ctx is not None else {}
    return Overrides(given.get("caseload"), tuple(given.get("settings") or ()))


def load_changed(path: Path) -> Scenario:
    """The scenario at ``path`` with the command's --caseload and --set applied; raises
    ScenarioError with every problem of the file or of the changes."""
    from allocator.scenario.loading import load_scenario

    return overrides().apply(load_scenario(path))


def load_all_or_exit(scenarios: Iterable[Path], as_json: bool = False) -> list[tuple[str, Scenario]]:
    """Each file once, loaded (with --caseload and --set applied); on any invalid file
    every problem is listed and the command exits with status 2 (with ``as_json``, also an
    INVALID summary on stdout)."""
    from allocator.errors import ScenarioError
    from allocator.scenario.loading import load_scenarios

    files = unique_files(scenarios)
    try:
        return apply_changes_or_exit(load_scenarios(files), as_json)
    except ScenarioError as exc:
        if as_json:
            from allocator.reports.summary import problems_data

            click.echo(json.dumps({"status": "INVALID", "errors": problems_data(exc.problems)},
                                  indent=2, ensure_ascii=False))
        bad = len({p.source for p in exc.problems})
        click.echo(f"{bad} of {len(files)} scenario files are not valid.", err=True)
        invalid(exc, "the scenario is not valid")


def apply_changes_or_exit(loaded: list[tuple[str, Scenario]],
                          as_json: bool = False) -> list[tuple[str, Scenario]]:
    """Each loaded scenario with --caseload and --set applied; when they do not apply, every
    problem and exit 2. A problem is said once, naming the scenarios it is in unless it is
    in all of them."""
    from dataclasses import replace

    from allocator.errors import ScenarioError

    changes = overrides()
    if not changes:
        return loaded
    out = []
    found: dict[Problem, list[str]] = {}
    for f, s in loaded:
        try:
            out.append((f, changes.apply(s)))
        except ScenarioError as exc:
            for p in exc.problems:
                found.setdefault(p, []).append(f)
    problems = [p if len(files) == len(loaded) else
                replace(p, message=f"{p.message} (in {', '.join(files)})")
                for p, files in found.items()]
    if problems:
        if as_json:
            from allocator.reports.summary import problems_data

            click.echo(json.dumps({"status": "INVALID", "errors": problems_data(problems)},
                                  indent=2, ensure_ascii=False))
        invalid(ScenarioError(problems), "the changes to the scenario are not valid")
    return out


def load_or_exit(path: Path) -> Scenario:
    """The scenario at ``path`` (with --caseload and --set applied), or exit 2 with every
    problem located."""
    from allocator.errors import ScenarioError

    try:
        return load_changed(path)
    except ScenarioError as exc:
        invalid(exc, "the scenario is not valid")


def stdout_console() -> Console:
    """A console on stdout; files and pipes get 120 columns, wide enough for the tables."""
    from rich.console import Console

    console = Console(markup=False, emoji=False)
    return console if console.is_terminal else Console(width=120, markup=False, emoji=False)


# --- option types: finite numbers within sensible bounds, bounded counts ---

class Finite(click.FloatRange):
    """A float option that must be finite (not nan, inf or -inf) and within its range.

    click's FloatRange lets NaN through (every comparison with NaN is false), and NaN or
    an infinity in a step size, time limit or precision loops for ever or answers wrongly.
    """

    name = "finite float"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return super().convert(number, param, ctx)


#: Seeds of the random draws: numpy and CP-SAT take non-negative 32-bit seeds.
SEED = click.IntRange(0, 2**32 - 1)
#: Processes of a local pool: at least one, at most a generous machine's cores.
PROCESSES = click.IntRange(1, 1024)
#: Deterministic time limit of a solve [CP-SAT deterministic s]: positive, at most a day.
TIME_LIMIT = Finite(0, 86_400, min_open=True)
#: Largest magnitude of a number in a sweep's --param (the scenario's own bounds apply too).
MAX_SWEEP_VALUE = 1e12
#: Most points one --param may sweep.
MAX_SWEEP_POINTS = 10_000


def check_sweep_spec(value: str, option: str = "--param") -> None:
    """Raise click.BadParameter when a ``PATH=START:STOP:STEP`` or ``PATH=V1,V2`` spec has
    a number that is not finite or absurdly large, a step that is not positive, or too
    many points; the rest is checked where the spec is parsed."""
    _path, sep, values = value.partition("=")
    if not sep:
        return
    parts = values.split(":") if ":" in values else values.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return  # not numbers at all: the parser names the problem
    for number in numbers:
        if not math.isfinite(number) or abs(number) > MAX_SWEEP_VALUE:
            raise click.BadParameter(f"'{value}': every number must be finite and at most "
                                     f"{MAX_SWEEP_VALUE:g} in size", param_hint=option)
    if ":" in values and len(numbers) == 3:
        start, stop, step = numbers
        if step <= 0:
            raise click.BadParameter(f"'{value}': the step must be > 0", param_hint=option)
        if (stop - start) / step + 1 > MAX_SWEEP_POINTS:
            raise click.BadParameter(f"'{value}': more than {MAX_SWEEP_POINTS} points",
                                     param_hint=option)
    elif len(numbers) > MAX_SWEEP_POINTS:
        raise click.BadParameter(f"'{value}': more than {MAX_SWEEP_POINTS} points",
                                 param_hint=option)


def sweep_specs(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback: check every --param (or --sweep) spec with :func:`check_sweep_spec`."""
    specs = value if isinstance(value, tuple) else (value,) if value else ()
    for spec in specs:
        check_sweep_spec(spec, param.opts[0] if param.opts else "--param")
    return value


# --- the analysis commands: sweep, tornado, tipping, montecarlo (and robust's output) ---

def _keep_scheduler(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Keep --scheduler in the context, so every command's RunOptions can read it."""
    ctx.meta["allocator.scheduler"] = value


def analysis_options(f: F) -> F:
    """Options every analysis command takes, so that they read and behave the same."""
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
        click.option("--processes", type=PROCESSES,
                     help="Processes for --executor local [default: one per core]."),
        click.option("--hints/--no-hints", default=None,
                     help="Seed each solve with a neighbouring allocation; never changes "
                          "the results. [default: on for sweep, tornado and tipping (about "
                          "20 % faster on the base case), off for montecarlo (about 10 % "
                          "slower)]"),
        click.option("--time-limit", type=TIME_LIMIT,
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


def run_options(executor: str, processes: int | None, hints: bool | None,
                time_limit: float | None, progress: Bar | None) -> RunOptions:
    """The analysis's RunOptions from the command's options (and --scheduler, kept aside);
    ``progress`` counts the solves and shows each phase."""
    from allocator.analysis.sensitivity import RunOptions

    scheduler = click.get_current_context().meta.get("allocator.scheduler")
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    return RunOptions(executor=executor, processes=processes, scheduler=scheduler, hints=hints,
                      time_limit=time_limit, progress=progress,
                      phase=None if progress is None else progress.phase)


class Bar:
    """The progress line of a long command on stderr: what it is doing (``phase``), and how
    many of its solves are done once their number is known (``start``); calling it advances
    it. Nothing shows when stderr is not a terminal or with --quiet, and never on stdout."""

    #: Seconds between two redraws as the solves advance [s].
    EVERY = 0.1

    def __init__(self, progress: Any, task: Any, label: str) -> None:
        self._progress, self._task, self._label = progress, task, label
        self._drawn = time.monotonic()

    def __call__(self, n: int) -> None:
        self._progress.advance(self._task, n)
        if time.monotonic() - self._drawn >= self.EVERY:
            self._refresh()

    def _refresh(self) -> None:
        self._progress.refresh()
        self._drawn = time.monotonic()

    def phase(self, text: str) -> None:
        """Say what the command does now ('' for the solves themselves)."""
        self._progress.update(self._task, description=f"{self._label}: {text}" if text
                              else self._label)
        self._refresh()

    def start(self, total: int) -> None:
        """The number of solves to come: from here the line counts them."""
        self._progress.update(self._task, total=total)
        self._refresh()

    def close(self) -> None:
        """Take the line off the terminal, before the command prints its results."""
        self._progress.stop()


@contextmanager
def progress(label: str, quiet: bool) -> Iterator[Bar]:
    """A progress line on stderr from the command's first moment; silent when quiet or not
    a terminal. Open it before the library is imported, so that a person sees at once
    that the command is working (loading, solving the base, starting processes).

    The line is redrawn as the command moves on (:class:`Bar`), not by a thread of its own:
    with another thread running, nothing is forked (allocator.forked.may_fork), and the
    pool's processes would be forked while that thread might hold a lock."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True, markup=False, emoji=False)
    disable = quiet or not console.is_terminal
    # The description is plain text (a scenario name may hold brackets): no markup.
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=console, disable=disable, transient=True, auto_refresh=False,
                  redirect_stdout=False) as bar:
        task = bar.add_task(f"{label}: loading", total=None)
        yield Bar(bar, task, label)


def need_allocation(run: Callable[[], T]) -> T:
    """``run()``, turning a scenario without an allocation into exit 1 and bad input into 2."""
    from allocator.errors import InfeasibleError, ScenarioError

    try:
        return run()
    except ScenarioError as exc:
        invalid(exc)
    except InfeasibleError as exc:
        fail(EXIT_INFEASIBLE, [f"error: {exc}"])


def check_areas(areas: Iterable[str], names: Sequence[str]) -> None:
    """Exit 2 naming every one of ``areas`` that is not among the scenario's ``names``."""
    unknown = [a for a in areas if a not in names]
    if unknown:
        fail(EXIT_INVALID, [f"error: --area: unknown area '{a}' (known: {', '.join(names)})"
                            for a in unknown])


@contextmanager
def holding_out(out_dir: Path | None, command: str) -> Iterator[Path]:
    """The command's output folder (default results/<command>/), created and locked for
    the whole command, so that a bad or busy --out fails before the analysis runs."""
    from allocator.reports.writing import output_lock

    target = out_dir if out_dir is not None else Path("results") / command
    with output_lock(target):
        yield target


def write_and_list(out_dir: Path | None, command: str, files: Files, console: Console) -> None:
    """Write each file atomically into ``out_dir`` (default results/<command>/), then say
    which files were written."""
    from allocator.reports.analysis_files import write_files

    target = out_dir if out_dir is not None else Path("results") / command
    written = write_files(target, files)
    console.print(f"Wrote {', '.join(str(p) for p in written)}", style="dim")
