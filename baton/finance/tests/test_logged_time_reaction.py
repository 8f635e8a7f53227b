"""Finance checks logged time (scope, budget thresholds) as a reaction to the time entry's event: timesheets does
not import finance."""

from __future__ import annotations

from baton.core import events
from baton.finance import subscribers


def test_finance_reacts_to_time_logged_and_changed():
    for verb in ("time_entry.created", "time_entry.updated"):
        assert subscribers.check_logged_time in events._reactions[verb]
