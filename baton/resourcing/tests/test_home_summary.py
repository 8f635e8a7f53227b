"""The home page's schedule block reads its counts and the holiday settings in one statement and skips the holiday
query when the workspace has none of its own in the fortnight: its overbooking must equal the calendar's own reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from baton.core.access import Actor
from baton.core.models import Membership
from baton.delivery.models import Project
from baton.resourcing.calendar import load_calendar, monday_of
from baton.resourcing.models import Holiday, ResourcingSettings
from baton.resourcing.selectors import home_summary, schedule_people, today
from baton.resourcing.services.bookings import booking_create

pytestmark = pytest.mark.django_db


def _reference(actor: Actor) -> list[tuple[int, int, int]]:
    start = monday_of(today())
    end = start + timedelta(days=13)
    people = schedule_people(actor=actor)
    calendar = load_calendar(actor.workspace, people, start, end)
    rows = []
    for person in people:
        days = [d for d in calendar.days(person.id) if d.overbooked]
        if days:
            rows.append((person.id, len(days), sum(d.over_minutes for d in days)))
    return sorted(rows, key=lambda r: -r[2])[:8]


def _summary(actor: Actor) -> list[tuple[int, int, int]]:
    return [(r["person"].id, r["days"], r["minutes"]) for r in home_summary(actor)["overbooked"]]


def test_home_overbooking_equals_the_calendar_with_and_without_holidays():
    from baton.core.tests.test_query_counts import _agency

    workspace = _agency("home-sched", 2)
    actor = Actor.for_membership(Membership.objects.filter(workspace=workspace, role="owner").first())
    start = monday_of(today())
    person = schedule_people(actor=actor)[0]
    project = Project.objects.filter(workspace=workspace, status="active").first()
    booking_create(
        actor=actor,
        project_id=project.pk,
        person_id=person.pk,
        start_date=start,
        end_date=start + timedelta(days=11),
        minutes_per_day=900,
    )
    assert _reference(actor)  # someone is overbooked
    assert _summary(actor) == _reference(actor)
    ResourcingSettings.objects.create(workspace=workspace, holiday_country="GB")
    assert _summary(actor) == _reference(actor)
    for offset in (1, 8):
        Holiday.objects.create(workspace=workspace, date=start + timedelta(days=offset), name=f"Closed {offset}")
    assert _summary(actor) == _reference(actor)
