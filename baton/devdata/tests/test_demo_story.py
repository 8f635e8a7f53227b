"""The demo tells a true story (issue 17): records carry the dates they happened on, a year of time and money lies
behind the trends, `load_demo` keeps its e-mails and jobs off the console, and a worker started after it finds no
lost job to recover."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from baton.automation.models import Notification
from baton.automation.services.dispatch import recover, unprocessed_events
from baton.core.access import Actor
from baton.core.models import Event, Membership, Workspace
from baton.crm.models import Client
from baton.delivery.models import Milestone, Project, ProjectStatusChange, Task
from baton.finance.models import Invoice
from baton.finance.selectors import profitability
from baton.timesheets.models import TimeEntry, Timesheet

pytestmark = pytest.mark.django_db(transaction=True)  # the command commits, and its commit runs the jobs
NOW = datetime(2026, 11, 18, 12, tzinfo=UTC)
TODAY = date(2026, 11, 18)


@pytest.fixture
def worker_mode() -> Iterator[None]:
    """Huey as under `make run` (jobs queued for a worker, not run in the caller), on an in-memory queue; immediate
    again (the suite's mode) afterwards."""
    suite_storage = HUEY.storage
    HUEY.immediate = False
    HUEY.storage = HUEY.get_immediate_storage()
    try:
        yield
    finally:
        HUEY.immediate = True
        HUEY.storage = suite_storage


@time_machine.travel(NOW, tick=False)
def test_the_demo_tells_a_true_story(worker_mode, capfd):
    out = StringIO()
    call_command("load_demo", stdout=out)
    HUEY.immediate = True  # what follows queues nothing for real
    workspace = Workspace.objects.get(slug="demo")

    # Quiet: no demo e-mail and no per-job line on the console; the summary says what was kept back.
    console = out.getvalue() + "".join(capfd.readouterr())
    assert "Subject:" not in console and "Executing" not in console and "no owner or receiver" not in console
    assert "e-mail(s) to made-up addresses were not sent" in out.getvalue()

    # The demo's events were processed while it loaded: a worker starting now has no lost job to recover.
    assert unprocessed_events(workspace, now=timezone.now(), older_than=timedelta(0)) == []
    assert recover(older_than=timedelta(0)) == 0

    # The notifications those jobs raised are dated like their events; nothing older than a week is left unread.
    notes = Notification.objects.filter(workspace=workspace, event__isnull=False).select_related("event")
    assert notes.exists() and all(n.event and n.created_at == n.event.occurred_at for n in notes)
    assert not notes.filter(read_at__isnull=True, created_at__lt=NOW - timedelta(days=8)).exists()
    assert notes.filter(created_at__lt=NOW - timedelta(days=30)).exists()

    _dates_are_real(workspace)
    _a_year_of_history(workspace)


def _dates_are_real(workspace: Workspace) -> None:
    """A milestone finished in August shows August (and so does its event); nothing that happened before says
    today."""
    done = Milestone.objects.filter(workspace=workspace, status="done").select_related("project")
    assert done.count() > 40
    for milestone in done:
        assert milestone.completed_at is not None and milestone.due_date is not None
        assert timezone.localdate(milestone.completed_at) == min(milestone.due_date, TODAY - timedelta(days=1))
    august = [m for m in done if timezone.localdate(m.completed_at).replace(day=1) == date(2026, 8, 1)]
    assert august, "no milestone reached in August"
    reached = Event.objects.get(verb="milestone.completed", target_type="milestone", target_id=august[0].pk)
    assert timezone.localdate(reached.occurred_at).month == 8
    finished = Project.objects.filter(workspace=workspace, status="done", end_date__lt=TODAY)
    assert finished.count() >= 10
    for project in finished:
        assert project.start_date is not None and project.end_date is not None
        assert timezone.localdate(project.created_at) < project.start_date
        history = list(ProjectStatusChange.objects.filter(project=project).values_list("status", "on"))
        assert history == [
            ("planned", timezone.localdate(project.created_at)),
            ("active", project.start_date),
            ("done", project.end_date + timedelta(days=1)),
        ]
        tasks = Task.objects.filter(project=project)
        assert all(t.completed_at and timezone.localdate(t.completed_at) < TODAY for t in tasks)

    # Clients became clients before their first project, not on the day the demo was loaded.
    first = dict(Project.objects.values("client_id").annotate(d=Min("start_date")).values_list("client_id", "d"))
    for client in Client.objects.filter(workspace=workspace):
        since = timezone.localdate(client.created_at)
        assert since < TODAY
        if client.status != "prospect" and client.archived_at is None:  # past clients (the churn history): none
            assert since < first[client.pk], client.name
    assert Client.objects.filter(workspace=workspace, created_at__lt=datetime(2026, 1, 1, tzinfo=UTC)).count() >= 3

    # Weeks were submitted and approved in their own week, invoices numbered in the order of their dates.
    approved = Timesheet.objects.filter(workspace=workspace, status="approved").exclude(
        week_start__gte=date(2026, 11, 1)
    )
    assert approved.exists()
    for sheet in approved[:50]:
        assert sheet.decided_at is not None and timezone.localdate(sheet.decided_at) == sheet.week_start + timedelta(7)
    issued = [
        d
        for d in Invoice.objects.filter(workspace=workspace, kind="invoice", number__startswith="INV-")
        .order_by("number")
        .values_list("issue_date", flat=True)
        if d is not None
    ]
    assert len(issued) > 40 and issued == sorted(issued)


def _a_year_of_history(workspace: Workspace) -> None:
    """Twelve months of time entries and revenue behind the trends: every month of the last year earned something."""
    owner = Actor.for_membership(Membership.objects.get(workspace=workspace, role="owner"))
    year = profitability(actor=owner, group_by="month", date_from=date(2025, 12, 1), date_to=TODAY, today=TODAY)
    revenue = {row.key: row.revenue for row in year.rows}
    months = [f"{2025 + (11 + i) // 12}-{(11 + i) % 12 + 1:02d}" for i in range(12)]
    assert months[0] == "2025-12" and months[-1] == "2026-11"
    for month in months:
        assert revenue.get(month, 0) > 0, (month, revenue)
        year_, month_ = map(int, month.split("-"))
        assert TimeEntry.objects.filter(workspace=workspace, date__year=year_, date__month=month_).exists()
