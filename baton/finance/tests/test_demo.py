"""The finance demo on a small workspace: time with the service's rates and amounts, weeks, change orders and
invoices in every status; nothing when there are no projects."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from baton.core.access import Actor
from baton.devdata.demo.finance import extend_demo
from baton.devdata.testing.finance import make_project, make_task
from baton.finance.models import ChangeOrder, Invoice
from baton.rates.resolution import amount_for
from baton.timesheets.models import TimeEntry, Timesheet

pytestmark = pytest.mark.django_db


def test_no_projects_no_data(personas):
    extend_demo(personas.workspace, Actor.system(personas.workspace), random.Random(1), [])
    assert not TimeEntry.objects.exists() and not Invoice.objects.exists()


def test_demo_data(personas):
    today = timezone.localdate()
    start = today - timedelta(days=200)
    tm = make_project(personas, "TM", start_date=start, budget_minutes=20000)
    make_task(personas, tm, "Build", estimate=6000)
    make_project(personas, "Fee", billing="fixed_fee", start_date=start)
    make_project(
        personas,
        "Care",
        billing="retainer",
        retainer_period="month",
        period_budget_amount="3000.00",
        period_budget_minutes=1200,
        start_date=start.replace(day=1),
    )
    extend_demo(personas.workspace, Actor.system(personas.workspace), random.Random(7), [personas.client_a])
    entries = list(TimeEntry.objects.all()[:200])
    assert len(entries) > 20
    assert all(e.bill_amount == amount_for(e.minutes, e.bill_rate) for e in entries)
    assert all(e.cost_amount == amount_for(e.minutes, e.cost_rate) for e in entries)
    assert {"approved"} <= set(Timesheet.objects.values_list("status", flat=True))
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert {"draft", "sent", "void"} <= statuses
    assert ChangeOrder.objects.exists()
