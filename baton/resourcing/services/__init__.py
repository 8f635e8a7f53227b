"""Every write of resourcing: bookings, time off, capacity history, holidays, settings and calendars.

Split by resource; import from here (`from baton.resourcing import services`).
"""

from baton.resourcing.services.bookings import (
    BOOKING_FIELDS,
    Overbooked,
    booking_create,
    booking_delete,
    booking_move,
    booking_resize,
    booking_split,
    booking_staff,
    booking_update,
)
from baton.resourcing.services.feeds import calendar_feed_reset, time_off_import_ics
from baton.resourcing.services.setup import (
    SETTINGS_FIELDS,
    capacity_change,
    capacity_period_delete,
    capacity_record_person_edit,
    capacity_sync_today,
    holiday_create,
    holiday_delete,
    settings_update,
)
from baton.resourcing.services.time_off import (
    TIME_OFF_FIELDS,
    time_off_approve,
    time_off_delete,
    time_off_reject,
    time_off_request,
    time_off_update,
)

__all__ = [
    "BOOKING_FIELDS",
    "SETTINGS_FIELDS",
    "TIME_OFF_FIELDS",
    "Overbooked",
    "booking_create",
    "booking_delete",
    "booking_move",
    "booking_resize",
    "booking_split",
    "booking_staff",
    "booking_update",
    "calendar_feed_reset",
    "capacity_change",
    "capacity_period_delete",
    "capacity_record_person_edit",
    "capacity_sync_today",
    "holiday_create",
    "holiday_delete",
    "settings_update",
    "time_off_approve",
    "time_off_delete",
    "time_off_import_ics",
    "time_off_reject",
    "time_off_request",
    "time_off_update",
]
