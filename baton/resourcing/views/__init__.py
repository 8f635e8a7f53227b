"""Resourcing pages: the schedule (heatmap + bookings), booking forms, time off, find someone, staffing suggestions,
utilization and forecasts, settings (holidays, capacity history), and the private calendar feed. One module per
responsibility; `urls.py` reads the views from here."""

from baton.resourcing.views.absence import time_off, time_off_decide, time_off_import
from baton.resourcing.views.bookings import (
    booking_delete,
    booking_detail,
    booking_edit,
    booking_move,
    booking_new,
    booking_resize,
    booking_split,
    booking_staff,
    schedule,
)
from baton.resourcing.views.calendar_feeds import calendar_feed, feed_reset
from baton.resourcing.views.capacity import capacity_delete, holiday_delete, settings_page
from baton.resourcing.views.missing import missing_time_page
from baton.resourcing.views.reports import find, staffing, utilization

__all__ = [
    "booking_delete",
    "booking_detail",
    "booking_edit",
    "booking_move",
    "booking_new",
    "booking_resize",
    "booking_split",
    "booking_staff",
    "calendar_feed",
    "capacity_delete",
    "feed_reset",
    "find",
    "holiday_delete",
    "missing_time_page",
    "schedule",
    "settings_page",
    "staffing",
    "time_off",
    "time_off_decide",
    "time_off_import",
    "utilization",
]
