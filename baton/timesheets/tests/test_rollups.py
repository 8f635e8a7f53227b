"""The time rollup equals the bare aggregate of the entries after any sequence of service calls, and reads that cut
a range into whole months (rollup) and edge days (raw entries) equal aggregating the entries directly."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baton.core.errors import Conflict
from baton.devdata.testing.finance import make_project
from baton.finance import services as finance
from baton.timesheets import rollups
from baton.timesheets.models import ProjectMonthRollup, TimeEntry, TimeRollup
from baton.timesheets.services import time_entry_create, time_entry_delete, time_entry_update, timesheet_submit

pytestmark = pytest.mark.django_db

FIRST = date(2026, 1, 5)
DAYS = 120
WHO = ("member", "pm", "owner")

op = st.one_of(
    st.tuples(
        st.just("create"),
        st.sampled_from(WHO),
        st.integers(0, 1),
        st.integers(0, DAYS),
        st.integers(1, 600),
        st.booleans(),
    ),
    st.tuples(st.just("minutes"), st.integers(0, 10_000), st.integers(1, 600)),
    st.tuples(st.just("move"), st.integers(0, 10_000), st.integers(0, DAYS), st.integers(0, 1)),
    st.tuples(st.just("billable"), st.integers(0, 10_000), st.booleans()),
    st.tuples(st.just("person"), st.integers(0, 10_000), st.sampled_from(WHO)),
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
    st.tuples(st.just("rate"), st.integers(0, DAYS), st.integers(1, 30_000)),
    st.tuples(st.just("submit"), st.sampled_from(WHO), st.integers(0, DAYS)),
)


def _run(personas, projects, step) -> None:
    owner = personas["owner"].actor
    entries = list(TimeEntry.objects.filter(workspace=owner.workspace).order_by("pk"))
    kind = step[0]
    if kind == "create":
        _, who, p, day, minutes, billable = step
        time_entry_create(
            actor=owner,
            person_id=personas[who].person.id,
            project_id=projects[p].pk,
            date=FIRST + timedelta(days=day),
            minutes=minutes,
            billable=billable,
        )
        return
    if kind == "rate":
        finance.bill_rate_create(
            actor=owner,
            scope="project",
            project_id=projects[0].pk,
            rate=Decimal(step[2]) / 100,
            effective_from=FIRST + timedelta(days=step[1]),
        )
        return
    if kind == "submit":
        timesheet_submit(actor=owner, person_id=personas[step[1]].person.id, week_start=FIRST + timedelta(days=step[2]))
        return
    if not entries:
        return
    entry = entries[step[1] % len(entries)]
    if kind == "delete":
        time_entry_delete(actor=owner, entry=entry)
        return
    changes: dict[str, object] = {}
    if kind == "minutes":
        changes["minutes"] = step[2]
    elif kind == "move":
        changes["date"] = FIRST + timedelta(days=step[2])
        changes["project_id"] = projects[step[3]].pk
    elif kind == "billable":
        changes["billable"] = step[2]
    elif kind == "person":
        changes["person_id"] = personas[step[2]].person.id
    time_entry_update(actor=owner, entry=entry, version=entry.version, **changes)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(op, min_size=1, max_size=25))
def test_rollup_equals_bare_aggregate_after_any_sequence(personas, steps):
    projects = _projects(personas)
    workspace_id = personas["owner"].actor.workspace.pk
    for step in steps:
        try:
            _run(personas, projects, step)
        except (ValidationError, Conflict):
            pass  # refused writes (a full day, a locked week) must leave the rollup alone too
        assert rollups.stored_cells(workspace_id) == rollups.bare_cells(workspace_id), step
        assert rollups.stored_project_months(workspace_id) == rollups.bare_project_months(workspace_id), step


def _projects(personas):
    from baton.delivery.models import Project

    existing = list(Project.objects.filter(workspace=personas["owner"].actor.workspace, name__startswith="Roll"))
    if len(existing) == 2:
        return sorted(existing, key=lambda p: p.name)
    return [make_project(personas, name="Roll A"), make_project(personas, name="Roll B", billing="fixed_fee")]


def test_rebuild_matches_and_command_checks(personas):
    project = make_project(personas)
    owner = personas["owner"].actor
    for i in range(5):
        time_entry_create(actor=owner, project_id=project.pk, date=FIRST + timedelta(days=i * 17), minutes=45 + i)
    workspace_id = owner.workspace.pk
    expected = rollups.stored_cells(workspace_id)
    TimeRollup.objects.all().delete()
    call_command("rebuild_rollups")
    assert rollups.stored_cells(workspace_id) == expected == rollups.bare_cells(workspace_id)
    call_command("rebuild_rollups", "--check")
    assert rollups.stored_project_months(workspace_id) == rollups.bare_project_months(workspace_id)
    assert ProjectMonthRollup.objects.filter(workspace_id=workspace_id).count() == len(
        {(p, m) for p, _, m, _ in expected}
    )


def test_project_month_rollup_follows_every_write_to_the_cells(personas):
    """The triggers: cells emptied by deletes, a rebuild, a bulk delete of cells: the project-month rows stay the
    cells' sums, and vanish with them."""
    owner = personas["owner"].actor
    workspace_id = owner.workspace.pk
    keep, drop = make_project(personas, name="Keep"), make_project(personas, name="Drop", billing="fixed_fee")
    made = [
        time_entry_create(actor=owner, project_id=p.pk, date=FIRST + timedelta(days=d), minutes=30 + d, billable=b)
        for p in (keep, drop)
        for d, b in ((0, True), (1, False), (40, True))
    ]
    assert rollups.stored_project_months(workspace_id) == rollups.bare_project_months(workspace_id)
    for entry in made[:2]:
        time_entry_delete(actor=owner, entry=entry)
    assert (keep.pk, FIRST.replace(day=1)) not in rollups.stored_project_months(workspace_id)
    assert rollups.stored_project_months(workspace_id) == rollups.bare_project_months(workspace_id)
    rollups.rebuild(workspace_id)
    assert rollups.stored_project_months(workspace_id) == rollups.bare_project_months(workspace_id)
    TimeRollup.objects.filter(project=drop).delete()  # a bulk delete of cells (what a cascade issues)
    assert not ProjectMonthRollup.objects.filter(project_id=drop.pk).exists()
    assert ProjectMonthRollup.objects.filter(project_id=keep.pk).exists()
    rollups.rebuild(workspace_id)
    assert rollups.equal_to_entries(workspace_id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lo=st.one_of(st.none(), st.integers(-40, 200)), span=st.one_of(st.none(), st.integers(0, 200)))
def test_month_split_reads_equal_the_raw_aggregate(personas, lo, span):
    owner = personas["owner"].actor
    if not TimeEntry.objects.filter(workspace=owner.workspace).exists():
        project = make_project(personas, name="Split")
        for i in range(0, 150, 3):
            time_entry_create(
                actor=owner, project_id=project.pk, date=FIRST + timedelta(days=i), minutes=10 + i, billable=i % 2 == 0
            )
    date_from = FIRST + timedelta(days=lo) if lo is not None else None
    date_to = (date_from or FIRST) + timedelta(days=span) if span is not None else None
    raw = TimeEntry.objects.filter(workspace=owner.workspace)
    if date_from:
        raw = raw.filter(date__gte=date_from)
    if date_to:
        raw = raw.filter(date__lte=date_to)
    bare = {
        r["project_id"]: (r["m"], r["bm"] or 0, r["bill"] or Decimal("0.00"), r["cost"])
        for r in raw.values("project_id")
        .annotate(
            m=Sum("minutes"),
            bm=Sum("minutes", filter=Q(billable=True)),
            bill=Sum("bill_amount", filter=Q(billable=True)),
            cost=Sum("cost_amount"),
        )
        .order_by()
    }
    got = {
        key[0]: (row["minutes"], row["billable_minutes"], row["bill_amount"], row["cost"])
        for key, row in rollups.totals_by(
            ("project_id",), rollups.month_split(date_from, date_to), workspace_id=owner.workspace.pk
        ).items()
    }
    assert got == bare
