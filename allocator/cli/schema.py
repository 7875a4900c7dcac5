"""``allocate schema``: the scenario file's JSON Schema, for editors that complete and check.

Only click is imported at module level, so that ``allocate --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
def schema(out_file: Path | None) -> None:
    """Print the scenario file's JSON Schema (for editor completion and checking)."""
    from allocator.scenario.loading import scenario_file_json_schema

    text = json.dumps(scenario_file_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        from allocator.reports.writing import atomic_write

        atomic_write(out_file, text.encode("utf-8"))
