"""``allocate generate``: a synthetic scenario file for benchmarks and stress tests."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from allocator.cli.common import SEED, Finite

#: Largest generated scenarios: well beyond a real employment area (Finland has about 300
#: municipalities), yet a file of a few megabytes that validates in seconds.
MAX_AREAS, MAX_MUNICIPALITIES = 1000, 5000
#: Largest budget [HTV]: 10^6 HTV in 0.01 steps is 10^8 units, inside the schema's bound.
MAX_HTV = 1e6


@click.command()
@click.option("--areas", type=click.IntRange(min=1, max=MAX_AREAS), default=45,
              show_default=True, help="Responsibility areas.")
@click.option("--municipalities", type=click.IntRange(min=1, max=MAX_MUNICIPALITIES),
              default=300, show_default=True, help="Municipalities (at least one per area).")
@click.option("--htv", type=Finite(0, MAX_HTV, min_open=True), default=4000.0,
              show_default=True, help="Person-years to allocate [HTV].")
@click.option("--lines", type=click.IntRange(min=1, max=100), default=3, show_default=True,
              help="Service lines (3 gives the plan's 40/40/20).")
@click.option("--seed", type=SEED, default=1, show_default=True,
              help="Random seed; the same seed gives the same file.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
def generate(areas: int, municipalities: int, htv: float, lines: int, seed: int,
             out_file: Path | None) -> None:
    """Write a seeded synthetic scenario (lognormal caseloads) as an ordinary YAML file.

    \b
    allocate generate --areas 45 --municipalities 300 --htv 4000 --seed 1 > big.yaml
    allocate big.yaml
    """
    import yaml

    from allocator.errors import ScenarioError
    from allocator.scenario.generate import generate as build
    from allocator.scenario.schema import Scenario

    try:
        data = build(areas, municipalities, htv, lines, seed)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        Scenario.from_data(data, "<generated>")  # an ordinary, valid scenario file
    except ScenarioError as exc:
        raise click.UsageError("these options make no valid scenario: "
                               + "; ".join(str(p) for p in exc.problems[:3])) from None
    header = (f"# Synthetic scenario: allocate generate --areas {areas} --municipalities "
              f"{municipalities} --htv {htv:g} --lines {lines} --seed {seed}\n"
              "# Caseloads are random (lognormal sizes), not real figures.\n")
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if out_file is None:
        sys.stdout.write(text)
    else:
        from allocator.reports.writing import atomic_write

        atomic_write(out_file, text.encode("utf-8"))
