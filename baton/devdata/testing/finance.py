"""Test helpers for time and money: a project with a PM and a budget, a task, logged time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.crm.models import Contact
from baton.crm.services import contact_create, contact_update
from baton.delivery import services as delivery
from baton.delivery.models import Project, Task
from baton.devdata.testing.personas import Personas
from baton.finance import services
from baton.timesheets import services as time
from baton.timesheets.models import TimeEntry, Timer, Timesheet
from baton.timesheets.services import time_entry_create


def make_project(personas: Personas, name: str = "Website", **fields: Any) -> Project:
    """A project of client A (AM: `am`) managed by `pm`; time and materials unless told otherwise."""
    data: dict[str, Any] = {
        "client_id": personas.client_a.id,
        "name": name,
        "billing": "time_and_materials",
        "budget_amount": Decimal("10000.00"),
        "budget_minutes": 6000,
        "project_manager_id": personas["pm"].person.id,
        "status": "active",
        "start_date": date(2026, 1, 5),
    }
    data.update(fields)
    return delivery.project_create(actor=personas["owner"].actor, **data)


def make_task(personas: Personas, project: Project, title: str = "Design", estimate: int = 0) -> Task:
    return delivery.task_create(actor=personas["owner"].actor, project=project, title=title, estimate_minutes=estimate)


def log(
    personas: Personas,
    who: str,
    project: Project,
    minutes: int,
    day: date = date(2026, 3, 2),
    *,
    task: Task | None = None,
    billable: bool | None = None,
    by: str | None = None,
) -> TimeEntry:
    """`who` logs `minutes` on `project` (through the service, as `by` or themselves)."""
    actor = personas[by or who].actor
    return time_entry_create(
        actor=actor,
        person_id=personas[who].person.id,
        project_id=project.pk,
        task_id=task.pk if task else None,
        date=day,
        minutes=minutes,
        billable=billable,
    )


def make_money_records(
    *, workspace: Any, project: Project, member: Any, others: list[Any] | None = None
) -> dict[str, int]:
    """Time and money records of one workspace for the access matrix (baton/core/tests/test_access_matrix.py).

    `entry_id`: the member's open entry (2030-03-04); `timesheet_id`: the member's submitted week of 2030-03-11 (with
    time on `project`); `approved_timesheet_id`: its approved week of 2030-03-18; a workspace bill rate, a dated
    cost rate, an exchange rate, budget settings, a draft change order, the member's expense, a sent invoice
    (`invoice_id`, by hand; its client's first contact with an e-mail is made its billing contact) and a draft
    (`draft_invoice_id`), plus a fixed-fee and a retainer project to draft from.
    The member and `others` each have a running timer on `project`; `others` an open timesheet of their own.
    """
    system = Actor.system(workspace)
    as_member = Actor.for_membership(member.membership)
    entry = time.time_entry_create(actor=as_member, project_id=project.pk, date=date(2030, 3, 4), minutes=60)
    time.time_entry_create(actor=as_member, project_id=project.pk, date=date(2030, 3, 12), minutes=90)
    submitted = time.timesheet_submit(actor=as_member, week_start=date(2030, 3, 11))
    time.time_entry_create(actor=as_member, project_id=project.pk, date=date(2030, 3, 19), minutes=30)
    approved = time.timesheet_submit(actor=as_member, week_start=date(2030, 3, 18))
    time.timesheet_approve(actor=system, timesheet=approved)
    bill_rate = services.bill_rate_create(actor=system, scope="workspace", rate="110.00")
    cost_rate = services.cost_rate_create(
        actor=system, person_id=member.pk, rate="45.00", effective_from=date(2030, 1, 1)
    )
    currency = "GBP" if workspace.currency != "GBP" else "USD"
    services.exchange_rate_create(actor=system, currency=currency, rate="1.25", effective_on=date(2030, 1, 1))
    services.project_budget_update(actor=system, project=project, notes="Matrix budget")
    order = services.change_order_create(
        actor=system, project_id=project.pk, title="Matrix change", amount_delta="500.00", minutes_delta=120
    )
    expense = services.expense_create(
        actor=as_member, project_id=project.pk, description="Matrix taxi", amount="30.00", date=date(2030, 3, 5)
    )
    line = [{"description": "Matrix work", "quantity": "1", "unit_price": "1000.00"}]
    sent = services.invoice_create(actor=system, client_id=project.client_id, project_id=project.pk, lines=line)
    services.invoice_issue(actor=system, invoice=sent)
    billing = Contact.objects.filter(client_id=project.client_id).exclude(email="").order_by("id").first()
    if billing is None:
        contact_create(actor=system, client=project.client, name="Matrix billing", email="bill@x.test", is_billing=True)
    else:
        contact_update(actor=system, contact=billing, version=billing.version, is_billing=True)
    draft = services.invoice_create(actor=system, client_id=project.client_id, project_id=project.pk, lines=line)
    fee = delivery.project_create(
        actor=system,
        client_id=project.client_id,
        name="Matrix fee",
        billing="fixed_fee",
        budget_amount=Decimal("5000.00"),
        project_manager_id=project.project_manager_id,
    )
    retainer = delivery.project_create(
        actor=system,
        client_id=project.client_id,
        name="Matrix retainer",
        billing="retainer",
        period_budget_amount=Decimal("2000.00"),
        period_budget_minutes=600,
        project_manager_id=project.project_manager_id,
    )
    for person in [member, *(others or [])]:
        Timer.objects.create(workspace=workspace, person=person, project=project, started_at=timezone.now())
    for person in others or []:
        Timesheet.objects.create(workspace=workspace, person=person, week_start=date(2030, 3, 11))
    return {
        "entry_id": entry.pk,
        "timesheet_id": submitted.pk,
        "approved_timesheet_id": approved.pk,
        "bill_rate_id": bill_rate.pk,
        "cost_rate_id": cost_rate.pk,
        "change_order_id": order.pk,
        "expense_id": expense.pk,
        "invoice_id": sent.pk,
        "draft_invoice_id": draft.pk,
        "fee_project_id": fee.pk,
        "retainer_project_id": retainer.pk,
    }


def approve_week(personas: Personas, who: str, day: date, *, by: str = "owner") -> Timesheet:
    """`who` submits its week of `day` and `by` approves it (through the services): its entries become approved."""
    sheet = time.timesheet_submit(actor=personas[who].actor, week_start=day)
    return time.timesheet_approve(actor=personas[by].actor, timesheet=sheet)
