"""The start gates apps above delivery add to a task: what must be settled before a task starts.

Delivery owns the dependency gate itself (services/tasks.py). Apps above it declare further gates here from their
`wiring.py` (handoffs: an unconfirmed handoff of the task or its project; knowledge: an approved brief when the task
requires one). Each gate is a function of the task returning the `StartBlock`s that hold it back (none: it may
start). The same people who may override a dependency (owner, admin, the project's manager) may override these,
recorded as `task.start_gate_overridden`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from baton.delivery.models import Task


@dataclass(frozen=True)
class StartBlock:
    """One reason a task may not start. `field` names it in the 409 (`handoff_id`, `brief`); `ref_id` is the
    record's id (a handoff's) when there is one; `url` where to settle it."""

    field: str
    message: str
    label: str = ""
    url: str = ""
    ref_id: int | None = None


StartGate = Callable[[Task], list[StartBlock]]
START_GATES: list[StartGate] = []


def register_start_gate(gate: StartGate) -> None:
    """Add a gate (idempotent: wiring may be imported twice)."""
    if gate not in START_GATES:
        START_GATES.append(gate)


def start_blocks(task: Task) -> list[StartBlock]:
    """Everything the registered gates say holds the task back, in registration order."""
    return [block for gate in START_GATES for block in gate(task)]
