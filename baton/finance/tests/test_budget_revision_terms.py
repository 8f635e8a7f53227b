"""A fixed fee's budget revision (delivery's BudgetRevision) counts in profitability like a change order decided on
its day (MONEY.md §3): the months before it keep what they earned under the old fee."""

from __future__ import annotations

from datetime import date

import pytest

from baton.delivery import services as delivery
from baton.devdata.testing.finance import log, make_project
from baton.finance.services import baseline_freeze
from baton.finance.tests.test_money_rules import at, report, rows_by_key

pytestmark = pytest.mark.django_db


def test_a_fixed_fee_revised_mid_project_leaves_earlier_months_unchanged(personas):
    with at(date(2026, 1, 5)):
        project = make_project(
            personas, "Fixed", billing="fixed_fee", budget_amount="10000.00", budget_minutes=6000, start_date=None
        )
        for d in (12, 13, 14, 15, 16, 19):
            log(personas, "member" if d % 2 else "pm", project, 500, day=date(2026, 1, d))
    with at(date(2026, 2, 10)):
        log(personas, "member", project, 600, day=date(2026, 2, 10))
    before = rows_by_key(report(personas, group_by="month", **{"from": "2026-01-01", "to": "2026-12-31"}))
    assert before["2026-01"]["revenue"] == "5000.00"  # 3,000 of 6,000 minutes
    assert before["2026-02"]["revenue"] == "1000.00"
    with at(date(2026, 3, 2)):
        project.refresh_from_db()
        revision = delivery.budget_revise(
            actor=personas["finance"].actor, project=project, reason="Scope agreed up", budget_amount="16000.00"
        )
        assert (revision.old_budget_amount, revision.new_budget_amount) == (10000, 16000)
    after = report(personas, group_by="month", **{"from": "2026-01-01", "to": "2026-12-31"})
    months = rows_by_key(after)
    assert months["2026-01"]["revenue"] == "5000.00"  # earned under the old fee, unchanged
    assert months["2026-02"]["revenue"] == "1000.00"
    # March catches up to the new fee's share: 3,600 of 6,000 minutes of 16,000.00 = 9,600.00 in all.
    assert months["2026-03"]["revenue"] == "3600.00"
    assert rows_by_key(report(personas, group_by="project"))[project.pk]["revenue"] == "9600.00"


def test_the_scope_log_counts_a_budget_revision_as_explained(personas):
    project = make_project(personas, "Fixed", billing="fixed_fee")
    baseline_freeze(actor=personas["owner"].actor, project=project)
    project.refresh_from_db()
    delivery.budget_revise(
        actor=personas["owner"].actor,
        project=project,
        reason="Phase two",
        budget_amount="12500.00",
        budget_minutes=7000,
    )
    log = personas["finance"].api().get(f"/api/v1/reports/scope-changes?project_id={project.pk}").json()
    assert (log["revised_amount"], log["revised_minutes"]) == ("2500.00", 1000)
    assert (log["unexplained_amount"], log["unexplained_minutes"]) == ("0.00", 0)
