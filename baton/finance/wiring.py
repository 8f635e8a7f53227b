"""What finance wires at start-up: its event subscribers (a project going active freezes its scope baseline), the
periodic `budget_thresholds` sweep, and its reaction, inside the logging transaction, when time lands on a project."""

from __future__ import annotations

from baton.core import events
from baton.finance import subscribers, sweeps  # noqa: F401

for verb in subscribers.LOGGED_TIME_VERBS:
    events.on_emit(verb, subscribers.check_logged_time)
