"""The home page's budgets-past-80 % block reads every current project's burn in one statement; each burn must equal
what `burn_overview` (and so `budget_burn`) gives the same project."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Membership
from baton.delivery.models import Billing, Project
from baton.finance.selectors import burn_overview, current_burns, money_project_table

pytestmark = pytest.mark.django_db


def test_current_burns_equal_burn_overview():
    from baton.core.tests.test_query_counts import _agency
    from baton.finance.models import ProjectBudget

    workspace = _agency("home-burns", 2)
    retainer = (
        money_project_table(actor=Actor.system(workspace))
        .filter(billing=Billing.RETAINER)
        .filter(Q(budget_minutes__isnull=False) | Q(period_budget_minutes__isnull=False))
        .first()
    )
    assert retainer is not None
    ProjectBudget.objects.update_or_create(
        project=retainer, defaults={"workspace": workspace, "retainer_rollover": True, "rollover_cap_minutes": 600}
    )
    today = timezone.localdate()
    owner = Actor.for_membership(Membership.objects.filter(workspace=workspace, role="owner").first())
    projects, burns = current_burns(owner, today)
    assert {p.billing for p in projects} >= {Billing.RETAINER, Billing.TIME_AND_MATERIALS}
    assert burns[retainer.pk].budget_minutes  # the rollover retainer is among them
    # The PM's home reads only the projects its PM manages: the same burns as the whole agency's, for those only.
    pm = Membership.objects.filter(workspace=workspace, role="project_manager").first().person
    managed = set(Project.objects.filter(project_manager=pm).values_list("pk", flat=True))
    mine, mine_burns = current_burns(owner, today, managed_by=pm.pk)
    assert mine and len(mine) < len(projects)
    assert [p.pk for p in mine] == [p.pk for p in projects if p.pk in managed]
    assert mine_burns == {pk: burn for pk, burn in burns.items() if pk in managed}
    for role in ("owner", "finance", "account_manager", "project_manager"):
        actor = Actor.for_membership(Membership.objects.filter(workspace=workspace, role=role).first())
        projects, burns = current_burns(actor, today)
        expected = list(money_project_table(actor=actor))
        assert [p.pk for p in projects] == [p.pk for p in expected], role
        assert burns == burn_overview(expected, today=today), role
