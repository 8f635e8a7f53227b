"""Budget burn figures exactly as API.md defines them, the forecast formula, threshold alerts (once each), retainer
rollover, and the periodic sweep."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from baton.core.models import Event
from baton.devdata.testing.finance import log, make_project, make_task
from baton.finance import services
from baton.finance.models import BudgetAlert, ProjectBudget
from baton.finance.selectors import budget_burn

pytestmark = pytest.mark.django_db
JSON = "application/json"


def burn(personas, project, who="finance", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return personas[who].api().get(f"/api/v1/reports/budget-burn?project_id={project.id}&{query}")


def test_burn_counts_every_minute_but_only_billable_money(personas):
    project = make_project(personas, budget_amount="1000.00", budget_minutes=1200)
    task = make_task(personas, project, estimate=600)
    log(personas, "member", project, 120, task=task)  # 240.00 billable
    log(personas, "member", project, 60, task=task, billable=False)  # counts in minutes only
    services.expense_create(
        actor=personas["finance"].actor,
        project_id=project.id,
        description="Stock photos",
        amount="100.00",
        markup_pct="10",
    )  # 110.00 billable
    services.expense_create(
        actor=personas["finance"].actor, project_id=project.id, description="Lunch", amount="50.00", billable=False
    )
    response = burn(personas, project)
    assert response.status_code == 200
    body = response.json()
    assert body["budget_amount"] == "1000.00" and body["budget_minutes"] == 1200
    assert body["spent_minutes"] == 180
    assert body["spent_amount"] == "350.00"
    assert body["burn_pct"] == 35.0 and body["minutes_pct"] == 15.0
    # forecast: 350.00 + remaining (600 - 180 on the task = 420) x (350.00 / 180 per minute) = 350 + 816.666… = 1166.67
    assert body["remaining_estimate_minutes"] == 420
    assert body["forecast_at_completion"] == "1166.67"
    assert body["forecast_minutes"] == 600


def test_uncapped_time_and_materials_has_no_burn_pct(personas):
    project = make_project(personas, budget_amount="0.00", budget_minutes=0)
    log(personas, "member", project, 60)
    body = burn(personas, project).json()
    assert body["budget_amount"] == "0.00" and body["burn_pct"] is None and body["spent_amount"] == "120.00"
    assert body["level"] == 0


def test_forecast_before_any_time_uses_the_budget_rate(personas):
    project = make_project(personas, budget_amount="6000.00", budget_minutes=3000)
    make_task(personas, project, estimate=600)
    assert burn(personas, project).json()["forecast_at_completion"] == "1200.00"


def test_thresholds_are_announced_once_each(personas):
    project = make_project(personas, budget_amount="1200.00", budget_minutes=0)
    log(personas, "member", project, 300)  # 600.00 = 50 %
    assert list(BudgetAlert.objects.values_list("threshold", flat=True)) == [50]
    log(personas, "member", project, 30)  # 660.00 = 55 %: nothing new
    log(personas, "member", project, 300, day=date(2026, 3, 3))  # 1260.00 = 105 %: 80 and 100
    assert sorted(BudgetAlert.objects.values_list("threshold", flat=True)) == [50, 80, 100]
    events = Event.objects.filter(verb="budget.threshold_crossed").order_by("id")
    assert [e.data["threshold"] for e in events] == [50, 80, 100]
    assert events[0].target_type == "budget" and events[0].data["project_id"] == project.id
    assert services.budget_check(actor=personas["owner"].actor, project=project) == []
    assert services.sweep_budget_thresholds() == 0
    body = burn(personas, project).json()
    assert body["thresholds_crossed"] == [50, 80, 100] and body["level"] == 100


def test_sweep_catches_a_lowered_budget(personas):
    project = make_project(personas, budget_amount="10000.00", budget_minutes=0)
    log(personas, "member", project, 300)
    assert not BudgetAlert.objects.exists()
    type(project).objects.filter(pk=project.pk).update(budget_amount=Decimal("700.00"))
    assert services.sweep_budget_thresholds() == 2  # 600 / 700 = 85.7 %: 50 and 80
    from baton.finance.sweeps import budget_thresholds_task  # the one periodic budget check (the sweep's task)

    assert budget_thresholds_task.call_local() == 0


def test_retainer_rollover_carries_unused_minutes(personas):
    project = make_project(
        personas,
        "Retainer",
        billing="retainer",
        retainer_period="month",
        period_budget_amount="3000.00",
        period_budget_minutes=1200,
        budget_amount="36000.00",
        budget_minutes=14400,
        start_date=date(2026, 1, 1),
    )
    log(personas, "member", project, 900, day=date(2026, 1, 12))  # January: 300 unused
    log(personas, "member", project, 1000, day=date(2026, 2, 9))
    log(personas, "member", project, 400, day=date(2026, 2, 10))  # February: 1400 of 1500 -> 100 unused
    log(personas, "member", project, 600, day=date(2026, 3, 2))
    # Without rollover: each month stands alone.
    march = burn(personas, project, period="2026-03-15").json()
    assert march["period"] == "2026-03" and march["budget_minutes"] == 1200 and march["rollover_minutes"] == 0
    assert march["spent_minutes"] == 600 and march["budget_amount"] == "3000.00"
    response = (
        personas["pm"]
        .api()
        .put(f"/api/v1/project-budgets/{project.id}", {"retainer_rollover": True}, content_type=JSON)
    )
    assert response.status_code == 200 and response.json()["retainer_rollover"] is True
    feb = burn(personas, project, period="2026-02-01").json()
    assert feb["rollover_minutes"] == 300 and feb["budget_minutes"] == 1500 and feb["spent_minutes"] == 1400
    assert feb["budget_amount"] == "3750.00"  # 3000 x 1500 / 1200
    march = burn(personas, project, period="2026-03-31").json()
    assert march["rollover_minutes"] == 100 and march["budget_minutes"] == 1300
    # A cap limits what carries over.
    services.project_budget_update(actor=personas["finance"].actor, project=project, rollover_cap_minutes=60)
    assert burn(personas, project, period="2026-02-01").json()["rollover_minutes"] == 60
    assert ProjectBudget.objects.get(project=project).rollover_cap_minutes == 60
    bad = (
        personas["pm"]
        .api()
        .put(f"/api/v1/project-budgets/{project.id}", {"rollover_cap_minutes": -5}, content_type=JSON)
    )
    assert bad.status_code == 422


def test_rollover_only_for_retainers(personas):
    project = make_project(personas)
    response = (
        personas["finance"]
        .api()
        .put(f"/api/v1/project-budgets/{project.id}", {"retainer_rollover": True}, content_type=JSON)
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "retainer_rollover"


def test_who_sees_budget_burn(personas):
    mine = make_project(personas)  # pm's, client A (am's)
    theirs = make_project(personas, "Theirs", client_id=personas.client_b.id, project_manager_id=None)
    assert burn(personas, mine, "pm").status_code == 200
    assert burn(personas, mine, "am").status_code == 200
    assert burn(personas, theirs, "pm").status_code == 403
    assert burn(personas, theirs, "am").status_code == 403
    assert burn(personas, mine, "member").status_code == 403
    assert burn(personas, mine, "client_a").status_code == 403
    assert burn(personas, mine, "outsider").status_code == 404
    assert budget_burn(mine).spent_minutes == 0
