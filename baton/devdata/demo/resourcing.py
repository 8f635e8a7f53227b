"""Demo data for resourcing: US holidays, a part-time change, time off, next quarter's bookings on the demo's live
projects (with some overbooking and tentative work) and a few unstaffed placeholders. Built through the services."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.delivery.models import Project, ProjectStatus
from baton.people.models import Person
from baton.resourcing import services
from baton.resourcing.calendar import monday_of

PLACEHOLDERS = [("Developer", "react"), ("Designer", "ui design"), ("Copywriter", "copywriting")]


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add resourcing data to the demo agency (after delivery has created its projects)."""
    today = timezone.localdate()
    monday = monday_of(today)
    services.settings_update(actor=actor, version=None, holiday_country="US")
    services.holiday_create(actor=actor, date=_next_weekday(today + timedelta(days=45)), name="Studio offsite")
    staff = list(
        Person.objects.filter(workspace=workspace, active=True)
        .exclude(membership__role__in=["client", "owner", "finance"])
        .order_by("id")
    )
    members = [p for p in staff if p.membership.role == "member"] or staff
    if not members:
        return

    # Someone goes four days a week from next month.
    first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    full_timers = [p for p in members if p.weekly_capacity_minutes == 2400]
    if full_timers:
        services.capacity_change(
            actor=actor,
            person_id=full_timers[-1].id,
            effective_from=first_of_next,
            weekly_capacity_minutes=1920,
            working_days=[1, 2, 3, 4],
            note="Four-day week agreed.",
        )

    # Time off: a week's vacation for about a third of the team, a sick day last week, two requests waiting.
    for person in rng.sample(members, k=max(1, len(members) // 3)):
        start = monday + timedelta(weeks=rng.randint(1, 11))
        services.time_off_request(
            actor=actor, person_id=person.id, start_date=start, end_date=start + timedelta(days=4), kind="vacation"
        )
    sick = rng.choice(members)
    last_week = monday - timedelta(days=5)
    services.time_off_request(actor=actor, person_id=sick.id, start_date=last_week, end_date=last_week, kind="sick")
    for person in rng.sample(members, k=min(2, len(members))):
        day = monday + timedelta(weeks=rng.randint(2, 8), days=rng.randint(0, 4))
        services.time_off_request(
            actor=actor, person_id=person.id, start_date=day, end_date=day, kind="personal", status="requested"
        )

    # Bookings for the next quarter on the live projects.
    projects = list(
        Project.objects.filter(
            workspace=workspace, archived_at__isnull=True, status__in=[ProjectStatus.PLANNED, ProjectStatus.ACTIVE]
        ).order_by("id")
    )
    for project in projects:
        tentative = project.status == ProjectStatus.PLANNED
        for person in rng.sample(members, k=min(len(members), rng.randint(1, 3))):
            start = monday + timedelta(weeks=rng.randint(0, 6))
            services.booking_create(
                actor=actor,
                person_id=person.id,
                project_id=project.id,
                start_date=start,
                end_date=start + timedelta(weeks=rng.randint(2, 6), days=-3),
                minutes_per_day=rng.choice([120, 180, 240, 240, 300, 360]),
                tentative=tentative,
            )
    if projects:
        # One person everyone wants: booked on two projects at once for a fortnight.
        star = members[0]
        for project in projects[:2]:
            services.booking_create(
                actor=actor,
                person_id=star.id,
                project_id=project.id,
                start_date=monday + timedelta(weeks=1),
                end_date=monday + timedelta(weeks=3, days=-3),
                minutes_per_day=300,
            )
        for i, (role, skill) in enumerate(PLACEHOLDERS):
            project = projects[i % len(projects)]
            start = monday + timedelta(weeks=2 + 2 * i)
            services.booking_create(
                actor=actor,
                project_id=project.id,
                role=role,
                skill=skill,
                start_date=start,
                end_date=start + timedelta(weeks=2, days=-3),
                minutes_per_day=240,
            )


def _next_weekday(day: date) -> date:
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day
