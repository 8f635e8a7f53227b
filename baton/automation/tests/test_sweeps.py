"""Sweeps find exactly what is due, announce each item once per period, log their runs, and survive a failing
workspace; other apps register their own."""

from __future__ import annotations

from datetime import UTC, date, datetime

from huey import crontab

from baton.automation.models import RuleRun
from baton.automation.services import rule_create
from baton.core.access import Actor
from baton.core.models import Event, SweepMark, SweepRun
from baton.core.sweeps import register_sweep, registered_sweeps, run_sweep, sweep_emit_once
from baton.delivery import services as delivery

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 10 March


def test_tasks_overdue_finds_exactly_the_open_late_tasks_of_live_projects(personas, work):
    system = Actor.system(personas.workspace)
    late = work.task
    delivery.task_update(actor=system, task=late, version=late.version, due_date=date(2026, 3, 9))
    due_today = delivery.task_create(actor=system, project=work.project, title="Due today", due_date=date(2026, 3, 10))
    done = delivery.task_create(actor=system, project=work.project, title="Done late", due_date=date(2026, 3, 1))
    delivery.task_change_status(actor=system, task=done, status="done")
    undated = work.other_task
    shelved = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Shelved", start_date=date(2026, 1, 5)
    )
    shelved_task = delivery.task_create(actor=system, project=shelved, title="Old", due_date=date(2026, 2, 1))
    delivery.project_change_status(actor=system, project=shelved, status="cancelled")
    other_ws = delivery.project_create(
        actor=Actor.system(personas.other_workspace),
        client_id=personas.other_client.id,
        name="Theirs",
        start_date=date(2026, 1, 5),
    )
    theirs = delivery.task_create(
        actor=Actor.system(personas.other_workspace), project=other_ws, title="Theirs late", due_date=date(2026, 3, 2)
    )

    results = run_sweep("tasks_overdue", now=NOW)
    assert results == {personas.workspace.id: 1, personas.other_workspace.id: 1}
    overdue = Event.objects.filter(verb="task.overdue").order_by("id")
    assert [(e.workspace_id, e.target_id) for e in overdue] == [
        (personas.workspace.id, late.id),
        (personas.other_workspace.id, theirs.id),
    ]
    first = overdue[0]
    assert first.data == {
        "project_id": work.project.id,
        "due_date": "2026-03-09",
        "days_overdue": 1,
        "assignee_id": personas["member"].person.id,
        "status": "todo",
    }
    assert first.client_id == personas.client_a.id and first.actor_id is None
    assert {due_today.id, done.id, undated.id, shelved_task.id}.isdisjoint({e.target_id for e in overdue})

    # Once per task and due date: the next hour's run announces nothing again...
    assert run_sweep("tasks_overdue", now=NOW.replace(hour=10)) == {
        personas.workspace.id: 0,
        personas.other_workspace.id: 0,
    }
    # ...until the due date moves and passes again (and the task due on the 10th is late by the 13th).
    late.refresh_from_db()
    delivery.task_update(actor=system, task=late, version=late.version, due_date=date(2026, 3, 12))
    before = Event.objects.filter(verb="task.overdue").count()
    later = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    assert run_sweep("tasks_overdue", now=later)[personas.workspace.id] == 2
    fresh = Event.objects.filter(verb="task.overdue").order_by("id")[before:]
    assert {e.target_id for e in fresh} == {late.id, due_today.id}
    assert SweepRun.objects.filter(name="tasks_overdue").count() == 6


def test_milestones_overdue(personas, work):
    system = Actor.system(personas.workspace)
    late = delivery.milestone_create(actor=system, project=work.project, name="Beta", due_date=date(2026, 3, 1))
    done = delivery.milestone_create(actor=system, project=work.project, name="Alpha", due_date=date(2026, 2, 1))
    delivery.milestone_complete(actor=system, milestone=done)
    delivery.milestone_create(actor=system, project=work.project, name="Launch", due_date=date(2026, 4, 1))
    assert run_sweep("milestones_overdue", now=NOW, workspaces=[personas.workspace]) == {personas.workspace.id: 1}
    assert list(Event.objects.filter(verb="milestone.overdue").values_list("target_id", flat=True)) == [late.id]


def test_a_sweep_event_triggers_rules(personas, work, django_capture_on_commit_callbacks):
    rule = rule_create(
        actor=personas["admin"].actor,
        name="Chase late tasks",
        trigger="task.overdue",
        conditions=[{"field": "data.days_overdue", "op": "gte", "value": 1}],
        actions=[{"type": "notify", "params": {"to": "assignee", "title": "{target_label} is late"}}],
    )
    system = Actor.system(personas.workspace)
    delivery.task_update(actor=system, task=work.task, version=work.task.version, due_date=date(2026, 3, 9))
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep("tasks_overdue", now=NOW, workspaces=[personas.workspace])
    run = RuleRun.objects.get(rule=rule)
    assert run.status == "matched" and run.actions_done == ["notify: notified Member Persona"]


def test_sweep_emit_once_and_a_registered_sweep(personas, work):
    calls = []

    def handoffs_unconfirmed(workspace, now):
        calls.append(workspace.pk)
        if workspace.pk == personas.other_workspace.id:
            raise RuntimeError("boom")
        emitted = 0
        for period in ("2026-03-10", "2026-03-10", "2026-03-11"):
            if sweep_emit_once(
                workspace=workspace,
                sweep="handoffs_unconfirmed",
                verb="handoff.overdue",
                target=work.task,
                period=period,
                data={"period": period},
            ):
                emitted += 1
        return emitted

    real = registered_sweeps().get("handoffs_unconfirmed")  # the handoffs app's own, put back afterwards
    register_sweep("handoffs_unconfirmed", handoffs_unconfirmed, crontab(minute="*/15"), app="handoffs")
    try:
        assert "handoffs_unconfirmed" in registered_sweeps()
        results = run_sweep("handoffs_unconfirmed", now=NOW)
        assert results == {personas.workspace.id: 2}  # the failing workspace is logged, the others still run
        assert sorted(calls) == sorted([personas.workspace.id, personas.other_workspace.id])
        failed = SweepRun.objects.get(name="handoffs_unconfirmed", workspace=personas.other_workspace)
        assert failed.error == "RuntimeError: boom" and failed.finished_at is not None
        assert SweepMark.objects.filter(sweep="handoffs_unconfirmed").count() == 2
        assert Event.objects.filter(verb="handoff.overdue").count() == 2
        # Registering the same name again replaces it (and its periodic task) without error.
        register_sweep("handoffs_unconfirmed", handoffs_unconfirmed, crontab(minute="*/30"), app="handoffs")
    finally:
        from baton.core import sweeps

        sweeps._sweeps.pop("handoffs_unconfirmed", None)
        task = sweeps._periodic.pop("handoffs_unconfirmed", None)
        if task is not None:
            task.unregister()
        if real is not None:
            register_sweep(real.name, real.func, real.schedule, description=real.description, app=real.app)


def test_built_in_sweeps(personas):
    assert {
        "tasks_overdue",
        "milestones_overdue",
        "budget_thresholds",
        "invoices_overdue",
        "notification_digest",
    } <= set(registered_sweeps())
    assert {"cadence_due", "health_snapshots", "weekly_status_drafts"} <= set(registered_sweeps())
    # The budget sweep runs against finance's own idempotent check.
    assert run_sweep("budget_thresholds", now=NOW, workspaces=[personas.workspace]) == {personas.workspace.id: 0}
    assert run_sweep("notification_digest", now=NOW, workspaces=[personas.workspace]) == {personas.workspace.id: 0}


def test_each_sweep_is_a_periodic_task():
    from huey.contrib.djhuey import HUEY

    names = {t.__name__ for t in HUEY._registry._periodic_tasks}
    assert {"sweep_tasks_overdue", "sweep_budget_thresholds", "recover_lost_work"} <= names


def test_run_sweep_command(personas, work):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("run_sweep", "--list", stdout=out)
    assert "tasks_overdue" in out.getvalue() and "handoffs_unconfirmed" in out.getvalue()
    system = Actor.system(personas.workspace)
    delivery.task_update(actor=system, task=work.task, version=work.task.version, due_date=date(2020, 1, 1))
    out = StringIO()
    call_command("run_sweep", "tasks_overdue", "--workspace", "studio", stdout=out)
    assert out.getvalue().strip() == "tasks_overdue: 1 event(s) emitted in 1 workspace(s)."
