"""Writes for time: entries (rates resolved once and copied), the weekly grid, timers, timesheet approval.

Locks (409, naming the reason): an entry on an issued or draft invoice cannot change; a week that is submitted or
approved cannot change until it is rejected or reopened.

Split by responsibility; import from here (`from baton.timesheets import services`).
"""

from baton.timesheets.services._common import (
    CHECKED_FIELDS,
    LOCKED_WEEK,
    ensure_entry_editable,
    ensure_week_open,
    week_start_of,
    week_status,
)
from baton.timesheets.services.entries import (
    ENTRY_FIELDS,
    grid_cell_set,
    time_entries_reprice,
    time_entry_create,
    time_entry_delete,
    time_entry_update,
)
from baton.timesheets.services.imports import imported_entry, time_entries_import
from baton.timesheets.services.timers import timer_discard, timer_start, timer_stop
from baton.timesheets.services.weeks import (
    pm_may_approve,
    timesheet_approve,
    timesheet_reject,
    timesheet_reopen,
    timesheet_submit,
)

__all__ = [
    "CHECKED_FIELDS",
    "ENTRY_FIELDS",
    "LOCKED_WEEK",
    "ensure_entry_editable",
    "ensure_week_open",
    "grid_cell_set",
    "imported_entry",
    "pm_may_approve",
    "time_entries_import",
    "time_entries_reprice",
    "time_entry_create",
    "time_entry_delete",
    "time_entry_update",
    "timer_discard",
    "timer_start",
    "timer_stop",
    "timesheet_approve",
    "timesheet_reject",
    "timesheet_reopen",
    "timesheet_submit",
    "week_start_of",
    "week_status",
]
