"""What every CP-SAT solve here does the same way: the model class, how a solver is set up,
and how an allocation is read back from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from allocator.engine.types import Allocation

if TYPE_CHECKING:
    from allocator.engine.model import BuiltModel


class Model(cp_model.CpModel):
    """A CP-SAT model without the deprecated camelCase aliases that ``CpModel`` binds to
    every new instance: binding them costs about half a millisecond per model, and a solve
    clones its model several times, which made it a large share of a small solve."""

    def _add_pre_pep8_methods(self) -> None:
        """Bind no aliases (the PEP 8 names are the ones used here)."""

    def clone(self) -> Model:
        """A copy of the model, of this class."""
        copy = Model()
        copy.proto.copy_from(self.proto)
        copy.rebuild_constant_map()
        return copy


def new_solver(random_seed: int, workers: int, remaining: float) -> cp_model.CpSolver:
    """A solver with ``workers`` workers and ``remaining`` deterministic seconds [s]."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = random_seed
    p.max_deterministic_time = max(remaining, 0.001)
    p.log_search_progress = False
    # Ctrl-C stays the program's: CP-SAT would otherwise stop the search and return.
    p.catch_sigint_signal = False
    return solver


def allocation_of(built: BuiltModel, solver: cp_model.CpSolver) -> Allocation:
    """The allocation in ``solver``'s solution of ``built`` (zero cells left out) [units]."""
    cells = {key: int(solver.value(v)) for key, v in built.x.items()}
    central = {key: int(solver.value(v)) for key, v in built.central.items()}
    return Allocation(built.data.granularity, {k: u for k, u in cells.items() if u},
                      {k: u for k, u in central.items() if u})
