"""The reproducibility manifest: what produced a result, on every file and chart.

A result can be traced to its inputs by the hash of the validated scenario (independent of
comments and layout), the scenario file's own hash when it came from a file, the changes
made to it on the command line (a caseload table with its hash, each ``--set``), the package
and OR-Tools versions, the solver parameters and the proof status.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allocator._version import __version__

if TYPE_CHECKING:
    from allocator.engine.result import Result
    from allocator.scenario.schema import Scenario


def scenario_sha256(scenario: Scenario) -> str:
    """Hex SHA-256 of the validated scenario's canonical JSON.

    Fields left at their defaults are omitted, so a new optional field in a later version
    does not change the hash of an existing scenario.
    """
    canonical = json.dumps(scenario.model_dump(mode="json", exclude_defaults=True), sort_keys=True,
                           ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_sha256(path: str | Path | None) -> str | None:
    """Hex SHA-256 of a file's bytes, or None when there is no readable file."""
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def manifest(result: Result) -> dict[str, Any]:
    """The manifest of ``result`` as plain JSON-ready data."""
    facts = result.solver
    return {
        "allocator_version": __version__,
        "ortools_version": facts.ortools_version,
        "scenario": result.scenario.name,
        "scenario_sha256": scenario_sha256(result.scenario),
        "file": result.source,
        "file_sha256": file_sha256(result.source),
        "changes": [dict(c) for c in result.changes],
        "solver": {
            "time_limit_deterministic": facts.time_limit,
            "random_seed": facts.random_seed,
            "stages": [st.name for st in facts.stages],
        },
        "status": str(result.status),
        "verified": result.verified,
    }


def manifest_line(result: Result) -> str:
    """One line for the foot of a chart or report page."""
    m = manifest(result)
    proof = "proven optimal" if m["status"] == "OPTIMAL" else m["status"].lower()
    check = "verified" if m["verified"] else "NOT verified"
    return (f"allocator {m['allocator_version']} · OR-Tools {m['ortools_version']} · scenario "
            f"'{m['scenario']}' sha256:{m['scenario_sha256'][:12]} · {proof}, {check} · "
            f"deterministic time limit {m['solver']['time_limit_deterministic']:g} s, "
            f"seed {m['solver']['random_seed']}")
