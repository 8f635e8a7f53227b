"""The `invoices_overdue` sweep: a sent invoice with a balance owed past its due date is announced once per due date
as `invoice.overdue`, and its notification links to the invoice page."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from baton.automation.services.notifications import url_for_event
from baton.core.access import Actor
from baton.core.models import Event
from baton.core.sweeps import registered_sweeps, run_sweep
from baton.devdata.testing.finance import make_project
from baton.finance import selectors, services

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 5, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
LINE = [{"description": "Design", "quantity": "1", "unit_price": "1000.00"}]


def _issued(personas, project, due: date):
    system = Actor.system(personas.workspace)
    invoice = services.invoice_create(actor=system, client_id=project.client_id, project_id=project.pk, lines=LINE)
    return services.invoice_issue(actor=system, invoice=invoice, issue_date=date(2030, 4, 1), due_date=due)


def test_sent_invoices_past_due_are_announced_once(personas):
    project = make_project(personas)
    late = _issued(personas, project, date(2030, 4, 30))
    not_yet = _issued(personas, project, date(2030, 5, 2))  # due today: not overdue
    paid = _issued(personas, project, date(2030, 4, 15))
    services.payment_record(actor=Actor.system(personas.workspace), invoice=paid, amount="1000.00")
    draft = services.invoice_create(actor=Actor.system(personas.workspace), client_id=project.client_id, lines=LINE)

    assert "invoices_overdue" in registered_sweeps()
    assert run_sweep("invoices_overdue", now=NOW, workspaces=[personas.workspace]) == {personas.workspace.id: 1}
    event = Event.objects.get(verb="invoice.overdue")
    assert (event.target_type, event.target_id, event.client_id) == ("invoice", late.pk, project.client_id)
    assert event.data["days_overdue"] == 2 and event.data["number"] == late.number
    assert event.data["balance_due"] == "1000.00"
    assert url_for_event(event) == f"/finance/invoices/{late.pk}/"  # a rule's notification links to the invoice
    # once per invoice and due date
    assert run_sweep("invoices_overdue", now=NOW, workspaces=[personas.workspace]) == {personas.workspace.id: 0}
    ids = set(
        selectors.overdue_invoices(actor=personas["finance"].actor, today=date(2030, 5, 2)).values_list("id", flat=True)
    )
    assert ids == {late.pk} and not {not_yet.pk, paid.pk, draft.pk} & ids
