"""Reads for resourcing, always through the acting membership: bookings, time off, capacity history, holidays,
availability and the schedule grid. Reports (utilization, demand, forecast, find someone) live in `reports.py`.

A client-role user sees nothing of resourcing: lists answer 403, ids 404.

`staff` (who is scheduled), `records` (bookings, time off, capacity, holidays, availability), `grid` (the schedule
grid), `feeds` (the iCalendar feed) and `home` (the home-page block); the names callers use are re-exported here.
"""

from baton.resourcing.calendar import settings_for
from baton.resourcing.selectors.feeds import calendar_feed_content, calendar_feed_path, require_staff_view
from baton.resourcing.selectors.grid import (
    LOAD_BUCKETS,
    Bar,
    Cell,
    Column,
    Grid,
    GridBooking,
    Lane,
    Row,
    booked_project_choices,
    load_class,
    overbooked_days,
    schedule_grid,
)
from baton.resourcing.selectors.home import home_summary
from baton.resourcing.selectors.records import (
    HolidayRow,
    availability,
    booking_get,
    booking_list,
    capacity_period_get,
    capacity_period_list,
    custom_holiday_get,
    holiday_list,
    sees_all_time_off,
    time_gaps,
    time_off_get,
    time_off_list,
)
from baton.resourcing.selectors.staff import (
    MAX_RANGE_DAYS,
    StaffRow,
    bookable_person,
    check_range,
    schedule_people,
    schedule_people_rows,
    schedule_skills,
    today,
)

__all__ = [
    "LOAD_BUCKETS",
    "MAX_RANGE_DAYS",
    "Bar",
    "Cell",
    "Column",
    "Grid",
    "GridBooking",
    "HolidayRow",
    "Lane",
    "Row",
    "StaffRow",
    "availability",
    "bookable_person",
    "booked_project_choices",
    "booking_get",
    "booking_list",
    "calendar_feed_content",
    "calendar_feed_path",
    "capacity_period_get",
    "capacity_period_list",
    "check_range",
    "custom_holiday_get",
    "holiday_list",
    "home_summary",
    "load_class",
    "overbooked_days",
    "require_staff_view",
    "schedule_grid",
    "schedule_people",
    "schedule_people_rows",
    "schedule_skills",
    "sees_all_time_off",
    "settings_for",
    "time_gaps",
    "time_off_get",
    "time_off_list",
    "today",
]
