"""The worker's money work (issue 19, "Reminders and recurring work in the worker"): payment reminders by the
workspace's schedule, recurring invoices and the retainer rollover, each run by its sweep on a frozen clock across
period ends, and each run twice: once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient

from baton.core.access import Actor
from baton.core.models import Event
from baton.core.sweeps import registered_sweeps, run_sweep
from baton.crm.models import Contact
from baton.devdata.testing.finance import log, make_project
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services
from baton.finance.models import Invoice, InvoiceReminder, RecurringInvoice, RetainerRollover
from baton.finance.selectors.burn import budget_burn
from baton.finance.services import recurring, reminders

pytestmark = pytest.mark.django_db
JSON = "application/json"
LINE = [{"description": "Design", "quantity": "1", "unit_price": "1000.00"}]


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZoneInfo("UTC"))


def sweep(name: str, personas, day: date) -> int:
    """Run the sweep at noon UTC on `day`, on a clock frozen there, with e-mails sent after the commit."""
    with time_machine.travel(at(day), tick=False):
        return run_sweep(name, now=at(day), workspaces=[personas.workspace])[personas.workspace.id]


def _issued(personas, due: date, issued: date) -> Invoice:
    system = Actor.system(personas.workspace)
    invoice = services.invoice_create(actor=system, client_id=personas.client_a.id, lines=LINE)
    return services.invoice_issue(actor=system, invoice=invoice, issue_date=issued, due_date=due)


@pytest.fixture
def billing_contact(personas):
    return Contact.objects.create(
        workspace=personas.workspace,
        client=personas.client_a,
        name="Pat Payable",
        email="ap@client-a.test",
        is_billing=True,
    )


def test_reminders_send_each_due_step_once_to_billing_contacts_and_stop_when_paid(
    personas, billing_contact, django_capture_on_commit_callbacks
):
    assert {"invoice_reminders", "recurring_invoices", "retainer_rollover"} <= set(registered_sweeps())
    invoice = _issued(personas, due=date(2030, 5, 1), issued=date(2030, 4, 1))
    # off until the workspace turns it on
    assert sweep("invoice_reminders", personas, date(2030, 4, 28)) == 0
    response = personas["finance"].api().patch("/api/v1/reminder-schedule", {"enabled": True}, content_type=JSON)
    assert response.status_code == 200 and response.json()["steps"] == [
        "before_3",
        "due",
        "after_7",
        "after_14",
        "after_30",
    ]
    assert (
        personas["pm"].api().patch("/api/v1/reminder-schedule", {"enabled": False}, content_type=JSON).status_code
        == 403
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep("invoice_reminders", personas, date(2030, 4, 27)) == 0  # 4 days before: nothing yet
        assert sweep("invoice_reminders", personas, date(2030, 4, 28)) == 1  # 3 days before
        assert sweep("invoice_reminders", personas, date(2030, 4, 28)) == 0  # twice: once
        assert sweep("invoice_reminders", personas, date(2030, 4, 30)) == 0
        assert sweep("invoice_reminders", personas, date(2030, 5, 1)) == 1  # on the due date
        assert sweep("invoice_reminders", personas, date(2030, 5, 8)) == 1  # 7 days after
        assert sweep("invoice_reminders", personas, date(2030, 5, 8)) == 0
    assert [m.to for m in mail.outbox] == [["ap@client-a.test"]] * 3
    assert invoice.number in mail.outbox[0].subject and mail.outbox[0].attachments[0][0] == f"{invoice.number}.pdf"
    assert "is due on" in mail.outbox[0].body and "7 days ago" in mail.outbox[2].body
    steps = list(InvoiceReminder.objects.filter(invoice=invoice).values_list("step", flat=True))
    assert steps == ["before_3", "due", "after_7"]
    events = Event.objects.filter(verb="invoice.reminded", target_id=invoice.pk)
    assert [e.data["step"] for e in events.order_by("id")] == steps
    # paid: no more reminders
    with time_machine.travel(at(date(2030, 5, 10)), tick=False):
        services.payment_record(actor=Actor.system(personas.workspace), invoice=invoice, amount="1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep("invoice_reminders", personas, date(2030, 5, 15)) == 0
        assert sweep("invoice_reminders", personas, date(2030, 6, 1)) == 0
    assert len(mail.outbox) == 3
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    page = web.get(f"/finance/invoices/{invoice.pk}/").content.decode()
    assert "Payment reminders" in page and "7 days overdue" in page and "ap@client-a.test" in page


def test_a_late_schedule_sends_only_the_latest_step_and_no_contact_sends_nothing(
    personas, django_capture_on_commit_callbacks
):
    invoice = _issued(personas, due=date(2030, 3, 1), issued=date(2030, 2, 1))
    reminders.reminder_schedule_update(actor=personas["owner"].actor, changes={"enabled": True, "after_30": False})
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep("invoice_reminders", personas, date(2030, 5, 9)) == 0  # no billing contact: nothing, no row
        assert not InvoiceReminder.objects.exists()
        Contact.objects.create(
            workspace=personas.workspace, client=personas.client_a, name="AP", email="ap@a.test", is_billing=True
        )
        assert sweep("invoice_reminders", personas, date(2030, 5, 9)) == 1
        assert sweep("invoice_reminders", personas, date(2030, 5, 20)) == 0
    assert list(InvoiceReminder.objects.filter(invoice=invoice).values_list("step", flat=True)) == ["after_14"]
    assert len(mail.outbox) == 1


def test_recurring_fixed_lines_one_issued_invoice_per_period_across_month_ends(personas):
    created = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/recurring-invoices",
            {
                "client_id": personas.client_a.id,
                "title": "Hosting",
                "lines": [{"description": "Hosting", "quantity": "1", "unit_price": "49.90"}],
                "tax_rate": "20.00",
                "period": "monthly",
                "start_date": "2030-01-31",
                "end_date": "2030-04-30",
                "mode": "issue",
            },
            content_type=JSON,
        )
    )
    assert created.status_code == 201, created.content
    schedule_id = created.json()["id"]
    assert created.json()["next_run"] == "2030-01-31"
    assert sweep("recurring_invoices", personas, date(2030, 1, 30)) == 0
    assert sweep("recurring_invoices", personas, date(2030, 1, 31)) == 1
    assert sweep("recurring_invoices", personas, date(2030, 1, 31)) == 0  # twice: once
    assert sweep("recurring_invoices", personas, date(2030, 2, 27)) == 0
    assert sweep("recurring_invoices", personas, date(2030, 3, 31)) == 2  # Feb 28 and Mar 31: caught up
    assert sweep("recurring_invoices", personas, date(2030, 6, 1)) == 1  # Apr 30; May 31 is past the end
    assert sweep("recurring_invoices", personas, date(2030, 7, 1)) == 0
    invoices = list(Invoice.objects.filter(notes__startswith="Hosting").order_by("period_start"))
    assert [(i.period_start, i.period_end) for i in invoices] == [
        (date(2030, 1, 31), date(2030, 2, 27)),
        (date(2030, 2, 28), date(2030, 3, 30)),
        (date(2030, 3, 31), date(2030, 4, 29)),
        (date(2030, 4, 30), date(2030, 5, 30)),
    ]
    assert all(i.status == "sent" and i.total == Decimal("59.88") and i.issue_date == i.period_start for i in invoices)
    body = personas["finance"].api().get(f"/api/v1/recurring-invoices/{schedule_id}").json()
    assert body["active"] is False and body["invoice_ids"] == [i.pk for i in invoices]


def test_recurring_retainer_fee_as_a_draft_each_month(personas):
    project = make_project(
        personas,
        "Care plan",
        billing="retainer",
        retainer_period="month",
        period_budget_amount="2000.00",
        period_budget_minutes=600,
        start_date=date(2030, 1, 1),
    )
    schedule = recurring.recurring_invoice_create(
        actor=personas["finance"].actor, project_id=project.pk, title="Care plan fee", start_date=date(2030, 2, 1)
    )
    assert schedule.client_id == project.client_id and schedule.mode == "draft"
    assert sweep("recurring_invoices", personas, date(2030, 2, 1)) == 1
    assert sweep("recurring_invoices", personas, date(2030, 2, 14)) == 0
    assert sweep("recurring_invoices", personas, date(2030, 3, 1)) == 1
    drafts = list(Invoice.objects.filter(project=project).order_by("period_start"))
    assert [(i.status, i.source, i.period_start, i.total) for i in drafts] == [
        ("draft", "retainer", date(2030, 2, 1), Decimal("2000.00")),
        ("draft", "retainer", date(2030, 3, 1), Decimal("2000.00")),
    ]


def test_recurring_bad_input_is_422_naming_each_field_and_saves_nothing(personas):
    api = personas["finance"].api()
    body = {
        "client_id": personas.client_a.id,
        "title": "Licences",
        "start_date": "2030-05-01",
        "end_date": "2030-04-01",
    }
    response = api.post("/api/v1/recurring-invoices", body, content_type=JSON)
    assert response.status_code == 422
    assert "end_date" in str(response.json()) and "lines" in str(response.json())
    assert not RecurringInvoice.objects.exists()
    assert personas["pm"].api().post("/api/v1/recurring-invoices", body, content_type=JSON).status_code == 403


def test_retainer_rollover_recorded_once_per_period_at_period_end(personas):
    project = make_project(
        personas,
        "Retainer",
        billing="retainer",
        retainer_period="month",
        period_budget_amount="3000.00",
        period_budget_minutes=600,
        start_date=date(2030, 1, 1),
    )
    services.project_budget_update(
        actor=personas["owner"].actor, project=project, retainer_rollover=True, rollover_cap_minutes=150
    )
    log(personas, "member", project, 500, day=date(2030, 1, 14))  # January: 100 unused
    log(personas, "member", project, 300, day=date(2030, 2, 11))  # February: 700 available, 400 unused -> cap 150
    assert sweep("retainer_rollover", personas, date(2030, 1, 31)) == 0  # January is not over
    assert sweep("retainer_rollover", personas, date(2030, 2, 1)) == 1
    assert sweep("retainer_rollover", personas, date(2030, 2, 1)) == 0  # twice: once
    assert sweep("retainer_rollover", personas, date(2030, 2, 20)) == 0
    assert sweep("retainer_rollover", personas, date(2030, 3, 1)) == 1
    rows = list(
        RetainerRollover.objects.filter(project=project).values_list(
            "period_start", "available_minutes", "used_minutes", "carried_minutes"
        )
    )
    assert rows == [(date(2030, 1, 1), 600, 500, 100), (date(2030, 2, 1), 700, 300, 150)]
    # the record and budget burn agree
    project.refresh_from_db()
    assert budget_burn(project, period=date(2030, 3, 1), today=date(2030, 3, 1)).rollover_minutes == 150
    event = Event.objects.filter(verb="retainer.rolled_over").order_by("id").last()
    assert event.data["carried_minutes"] == 150 and event.client_id == project.client_id


def test_the_pages_create_and_stop_a_schedule_and_save_the_reminder_steps(personas):
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    response = web.post(
        "/finance/recurring/",
        {
            "title": "Licences",
            "client_id": personas.client_a.id,
            "line_description": ["Font licence", ""],
            "line_quantity": ["2", "1"],
            "line_unit_price": ["15.00", ""],
            "tax_rate": "0",
            "period": "yearly",
            "start_date": "2030-01-01",
            "end_date": "",
            "mode": "draft",
        },
    )
    assert response.status_code == 302
    schedule = RecurringInvoice.objects.get(title="Licences")
    assert schedule.lines == [{"description": "Font licence", "quantity": "2.00", "unit_price": "15.00"}]
    assert "Licences" in web.get("/finance/recurring/").content.decode()
    bad = web.post(
        "/finance/recurring/",
        {
            "title": "Bad",
            "client_id": personas.client_a.id,
            "start_date": "2030-02-01",
            "end_date": "2030-01-01",
            "period": "monthly",
            "mode": "draft",
        },
        follow=True,
    )
    assert "The end date cannot be before the start date." in bad.content.decode()
    assert web.post(f"/finance/recurring/{schedule.pk}/stop/").status_code == 302
    schedule.refresh_from_db()
    assert schedule.active is False
    assert web.post("/finance/reminders/", {"enabled": "on", "due": "on"}).status_code == 302
    assert reminders.ReminderSchedule.objects.get(workspace=personas.workspace).steps() == ["due"]
    pm = HttpClient()
    assert pm.login(email=personas["pm"].email, password=PASSWORD)
    assert pm.get("/finance/recurring/").status_code == 403
    assert pm.get("/finance/bank-statements/").status_code == 403
