"""Resourcing's block on the role home page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.people.models import Person
from baton.resourcing.calendar import (
    country_holidays,
    load_calendar,
    monday_of,
)
from baton.resourcing.models import (
    Booking,
    Holiday,
    ResourcingSettings,
    TimeOff,
)
from baton.resourcing.selectors.staff import schedule_people, today


def home_summary(actor: Actor, people: list[Person] | None = None) -> dict[str, Any]:
    """The home page's resourcing block: who is overbooked this week and next, unstaffed placeholders, time off
    waiting for approval; for everyone, their own bookings these two weeks. Six queries at most, whatever the
    team's size (five when the caller passes `people`, the rows of `schedule_people`, already read; one less when the
    workspace has no holidays of its own in the fortnight)."""
    if actor.is_client or not access.allowed(actor, "booking", "view"):
        return {}

    start = monday_of(today())
    end = start + timedelta(days=13)
    summary: dict[str, Any] = {"start": start, "end": end}
    window = Booking.objects.filter(workspace=actor.workspace, start_date__lte=end, end_date__gte=start)
    # What the calendar and the block read of a booking (hundreds of them in a fortnight of a large agency).
    fields = (
        *("id", "person_id", "project_id", "start_date", "end_date", "minutes_per_day", "tentative"),
        *("project__name", "project__client__name"),
    )
    if actor.role in access.TIME_OFF_APPROVERS:

        def count(qs: QuerySet[Any]) -> Any:
            return Coalesce(Subquery(qs.values("workspace").annotate(n=Count("id")).values("n")[:1]), 0)

        def setting(name: str) -> Subquery:
            return Subquery(ResourcingSettings.objects.filter(workspace=OuterRef("pk")).values(name)[:1])

        # The two counts and the holiday settings the calendar needs (`settings_for`'s), in one statement.
        counts = (
            Workspace.objects.filter(pk=actor.workspace.pk)
            .annotate(
                placeholders=count(
                    Booking.objects.filter(workspace=OuterRef("pk"), person__isnull=True, end_date__gte=today())
                ),
                pending=count(
                    TimeOff.objects.filter(workspace=OuterRef("pk"), status="requested", end_date__gte=today())
                ),
                has_settings=count(ResourcingSettings.objects.filter(workspace=OuterRef("pk"))),
                own_holidays=count(Holiday.objects.filter(workspace=OuterRef("pk"), date__gte=start, date__lte=end)),
                holiday_country=setting("holiday_country"),
                holiday_subdivision=setting("holiday_subdivision"),
            )
            .values("placeholders", "pending", "has_settings", "own_holidays", "holiday_country", "holiday_subdivision")
            .get()
        )
        settings = ResourcingSettings(workspace=actor.workspace)  # the defaults, as `settings_for` without a row
        if counts["has_settings"]:
            settings.holiday_country = counts["holiday_country"]
            settings.holiday_subdivision = counts["holiday_subdivision"]
        # Without holidays of its own in these two weeks, the closed days are the country's (no query).
        closed = (
            None
            if counts["own_holidays"]
            else dict(
                sorted(country_holidays(settings.holiday_country, settings.holiday_subdivision, start, end).items())
            )
        )
        people = schedule_people(actor=actor) if people is None else people
        bookings = list(window.filter(person__isnull=False).select_related("project", "project__client").only(*fields))
        calendar = load_calendar(
            actor.workspace, people, start, end, bookings=bookings, settings=settings, holidays=closed
        )
        over: list[dict[str, Any]] = []
        for person in people:
            days = [d for d in calendar.days(person.id) if d.overbooked]
            if days:
                over.append({"person": person, "days": len(days), "minutes": sum(d.over_minutes for d in days)})
        summary["overbooked"] = sorted(over, key=lambda r: -int(r["minutes"]))[:8]
        summary["placeholders"] = counts["placeholders"]
        summary["pending_time_off"] = counts["pending"]
        mine = [b for b in bookings if b.person_id == actor.person_id]
    elif actor.person_id:
        mine = list(window.filter(person_id=actor.person_id).select_related("project", "project__client").only(*fields))
    else:
        mine = []
    if actor.person_id:
        summary["my_bookings"] = sorted(mine, key=lambda b: (b.start_date, b.id))[:10]
    return summary
