"""Records for the access matrix (baton/core/tests/test_access_matrix.py): one of each resourcing kind per workspace,
made directly (no events), so every operation has a target."""

from __future__ import annotations

from datetime import date, timedelta

from baton.core.models import Workspace
from baton.delivery.models import Project
from baton.people.models import Person
from baton.resourcing.models import Booking, CapacityPeriod, Holiday, TimeOff, TimeOffStatus


def make_resourcing_records(*, workspace: Workspace, project: Project, member: Person) -> dict[str, int]:
    """A booking and a placeholder on `project`, the member's requested time off and capacity change, a workspace
    holiday; and approved time off for everyone else, so each person's own time off list has a row."""
    start = date(2030, 3, 4)
    booking = Booking.objects.create(
        workspace=workspace,
        person=member,
        project=project,
        start_date=start,
        end_date=start + timedelta(days=4),
        minutes_per_day=240,
    )
    placeholder = Booking.objects.create(
        workspace=workspace,
        project=project,
        start_date=start,
        end_date=start + timedelta(days=4),
        minutes_per_day=120,
        skill="figma",
    )
    time_off = TimeOff.objects.create(
        workspace=workspace,
        person=member,
        start_date=start + timedelta(days=7),
        end_date=start + timedelta(days=8),
        status=TimeOffStatus.REQUESTED,
        requested_by=member,
    )
    for other in Person.objects.filter(workspace=workspace).exclude(pk=member.pk).exclude(membership__role="client"):
        TimeOff.objects.create(
            workspace=workspace,
            person=other,
            start_date=start + timedelta(days=14),
            end_date=start + timedelta(days=14),
            status=TimeOffStatus.APPROVED,
        )
    period = CapacityPeriod.objects.create(
        workspace=workspace,
        person=member,
        effective_from=start + timedelta(days=60),
        weekly_capacity_minutes=1920,
        working_days=[1, 2, 3, 4],
    )
    holiday = Holiday.objects.create(workspace=workspace, date=date(date.today().year, 12, 24), name="Matrix closure")
    return {
        "booking_id": booking.id,
        "placeholder_id": placeholder.id,
        "time_off_id": time_off.id,
        "period_id": period.id,
        "holiday_id": holiday.id,
    }
