"""The demo and the scale generator go through the money rules (issue 15): a cancelled retainer, an AM change
mid-year, a fee cut below what was earned, expenses, credit notes, paid invoices with payments, a second currency."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.db.models import Sum

from baton.core.access import Actor
from baton.core.models import Membership
from baton.crm.models import AccountManagerChange, Client
from baton.delivery.models import Project, ProjectStatusChange
from baton.devdata.demo.agency import generate as generate_demo
from baton.devdata.scale import Size
from baton.devdata.scale import generate as generate_scale
from baton.finance.models import Expense, Invoice, Payment
from baton.finance.selectors import profitability
from baton.rates.models import BillRate, ExchangeRate
from baton.rates.resolution import base_rate_on, converted
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 18)


def _paid_invoices_have_their_payments(workspace) -> None:
    paid = Invoice.objects.filter(workspace=workspace, kind="invoice", status="paid")
    assert paid.exists()
    for invoice in paid:
        payments = Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
        assert payments == invoice.amount_paid
        assert invoice.amount_paid + invoice.amount_credited >= invoice.total  # more: a refund owed (MONEY.md §5)


@time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False)
def test_demo_shows_each_money_rule():
    workspace = generate_demo(size="demo")
    actor = Actor.for_membership(Membership.objects.get(workspace=workspace, role="owner"))
    year = {"date_from": date(2025, 12, 1), "date_to": TODAY, "today": TODAY}

    # A fee cut this month below what the project had earned: a write-down naming the change order.
    by_month = profitability(actor=actor, group_by="month", **year)
    cut = [w for w in by_month.write_downs if w["month"] == "2026-11" and w["amount"] < 0]
    assert any(o["title"] == "Fee settled lower after the late launch" for w in cut for o in w["change_orders"])

    # The cancelled retainer: active from the 1st eight months ago, cancelled on the 15th four months ago.
    retainer = Project.objects.get(workspace=workspace, name__endswith="content retainer")
    assert retainer.status == "cancelled" and retainer.start_date == date(2026, 3, 1)
    history = list(ProjectStatusChange.objects.filter(project=retainer).values_list("status", "on"))
    assert history == [("active", date(2026, 3, 1)), ("cancelled", date(2026, 7, 15))]
    assert not TimeEntry.objects.filter(project=retainer, date__gte=date(2026, 7, 15)).exists()
    earned = profitability(actor=actor, group_by="month", project_id=retainer.pk, **year)
    revenue = {r.key: r.revenue for r in earned.rows if r.revenue}
    fee = retainer.period_budget_amount
    assert fee is not None
    july = (fee * 14 / Decimal(calendar.monthrange(2026, 7)[1])).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert revenue == {"2026-03": fee, "2026-04": fee, "2026-05": fee, "2026-06": fee, "2026-07": july}

    # Its client changed AM on the 1st six months ago: the year splits between the two, today's AM is the new one.
    client = Client.objects.get(pk=retainer.client_id)
    ams = list(AccountManagerChange.objects.filter(client=client).values_list("account_manager_id", "on"))
    assert len(ams) == 2 and ams[1] == (client.account_manager_id, date(2026, 5, 1)) and ams[0][0] != ams[1][0]
    by_am = profitability(actor=actor, group_by="account_manager", client_id=client.pk, **year)
    assert {r.key for r in by_am.rows if r.revenue > 0} == {ams[0][0], ams[1][0]}

    # Expenses billable with markup and not, an issued credit note, paid invoices with their payments.
    expenses = Expense.objects.filter(workspace=workspace)
    assert expenses.filter(billable=True, markup_pct__gt=0).exists() and expenses.filter(billable=False).exists()
    assert Invoice.objects.filter(workspace=workspace, kind="credit_note", status="sent").exists()
    _paid_invoices_have_their_payments(workspace)

    # A project in euros, at its EUR rate card row, converted at the EUR rates of each day.
    euro = Project.objects.get(workspace=workspace, currency="EUR")
    assert BillRate.objects.filter(project=euro, currency="EUR").exists()
    assert ExchangeRate.objects.filter(workspace=workspace, currency="EUR").count() == 2
    entries = TimeEntry.objects.filter(project=euro)
    assert entries.exists()
    for entry in entries:
        rate = base_rate_on(workspace_id=workspace.pk, currency="EUR", on=entry.date)
        assert entry.bill_amount_base == converted(entry.bill_amount, rate)


@time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False)
def test_generated_agency_keeps_the_money_history():
    size = Size(people=12, clients=8, projects=40, entries=3000, bookings=10, years=2, handoffs=10, touchpoints=10)
    world = generate_scale(size, seed=7, slug="gen-history")
    ws = world.workspace
    history: dict[int, list[tuple[str, date]]] = {}
    for pk, status, on in ProjectStatusChange.objects.filter(project__workspace=ws).values_list(
        "project_id", "status", "on"
    ):
        history.setdefault(pk, []).append((status, on))
    for p in Project.objects.filter(workspace=ws):
        rows = history[p.pk]
        assert rows[0] == ("active", p.start_date) and rows[-1][0] == p.status
        if p.status == "done" and p.end_date:
            assert rows[-1][1] == min(TODAY, p.end_date + timedelta(days=1))
    cancelled = Project.objects.filter(workspace=ws, status="cancelled")
    assert cancelled.exists() and set(cancelled.values_list("billing", flat=True)) == {"retainer"}
    for pk, last in world.stopped.items():
        assert history[pk][-1] == ("cancelled", last + timedelta(days=1))
        assert not TimeEntry.objects.filter(project_id=pk, date__gt=last).exists()
    for client in Client.objects.filter(workspace=ws, archived_at__isnull=True):  # not the churn history
        rows = list(AccountManagerChange.objects.filter(client=client).values_list("account_manager_id", flat=True))
        assert rows and rows[-1] == client.account_manager_id
    assert AccountManagerChange.objects.filter(client__workspace=ws).count() > len(world.clients)
    for e in Expense.objects.filter(workspace=ws):
        rate = base_rate_on(workspace_id=ws.pk, currency=e.currency, on=e.date)
        assert e.amount_base == converted(e.amount, rate)
        assert e.billable_amount_base == converted(e.billable_amount, rate)
        assert e.billable == (e.category != "travel" and e.project.billing != "non_billable")
    notes = Invoice.objects.filter(workspace=ws, kind="credit_note")
    assert notes.exists()
    for note in notes:
        assert note.total < 0 and note.number.startswith("CN-") and note.credit_for.amount_credited == -note.total
    _paid_invoices_have_their_payments(ws)
