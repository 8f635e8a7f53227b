"""A client's goals, as the knowledge record shows them: read from relationships' client goals (`/client-goals`, the
one source: with their KPI, baseline, target and dated values), which relationships plugs in at start-up
(`set_client_goal_reader` from its wiring.py). Knowledge sits below relationships, so it reads them through this hook
instead of importing them; without the reader (relationships not installed) a client has no goals here."""

from __future__ import annotations

from collections.abc import Callable

from baton.crm.models import Client

GoalLine = dict[str, str]  # {"goal", "kpi", "target"}: the knowledge record's (and its API's) shape of a goal

_reader: Callable[[Client], list[GoalLine]] | None = None


def set_client_goal_reader(reader: Callable[[Client], list[GoalLine]]) -> None:
    global _reader
    _reader = reader


def client_goals(client: Client) -> list[GoalLine]:
    """The client's current goals, in `/client-goals`' order: goal (its title), KPI (its metric) and target."""
    return _reader(client) if _reader is not None else []
