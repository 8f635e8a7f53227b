"""MONEY.md §2: the workspace's base currency is fixed once any money exists (a rate, an entry with an amount, an
expense, a budget, an invoice); changing it then answers 409 naming what holds it, and nothing is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from baton.core import services
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.devdata.testing.finance import log, make_project
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services as finance
from baton.people.models import Person
from baton.people.services import workspace_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _patch(persona, body):
    return persona.api().patch("/api/v1/workspace", body, content_type=JSON)


def _fresh() -> Workspace:
    return workspace_create(
        slug="empty", name="Empty", currency="USD", owner_email="solo@empty.test", owner_password=PASSWORD
    )


def test_a_workspace_without_money_may_change_its_currency():
    ws = _fresh()
    owner = Actor.for_membership(Person.objects.get(workspace=ws).membership)
    changed = services.workspace_update(actor=owner, version=ws.version, currency="EUR")
    assert changed.currency == "EUR" and changed.version == ws.version + 1


def test_money_fixes_the_currency_through_the_service():
    ws = _fresh()
    owner = Actor.for_membership(Person.objects.get(workspace=ws).membership)
    finance.bill_rate_create(actor=Actor.system(ws), scope="workspace", rate="110.00")
    with pytest.raises(Conflict) as refused:
        services.workspace_update(actor=owner, version=ws.version, currency="EUR")
    assert refused.value.field == "currency"
    assert "1 bill rate " in refused.value.detail and "USD" in refused.value.detail
    ws.refresh_from_db()
    assert (ws.currency, ws.version) == ("USD", 1)
    # The same currency, or another setting, still saves.
    assert services.workspace_update(actor=owner, version=1, currency="USD", name="Renamed").name == "Renamed"


def test_changing_the_currency_once_money_exists_answers_409_naming_what_holds_it(personas):
    project = make_project(personas, budget_amount=Decimal("10000.00"))
    log(personas, "member", project, 90)
    log(personas, "pm", project, 30)
    finance.expense_create(
        actor=personas["member"].actor, project_id=project.pk, description="Taxi", amount="30.00", date=date(2026, 3, 5)
    )
    version = personas.workspace.version
    response = _patch(personas["owner"], {"currency": "EUR", "version": version})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    for held in ("2 time entries with an amount", "1 expense", "1 project budget", "people with a cost or bill rate"):
        assert held in body["detail"]
    assert "USD" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["currency"]
    ws = Workspace.objects.get(pk=personas.workspace.pk)
    assert (ws.currency, ws.version) == ("USD", version)
    # Naming the currency it already has is no change.
    same = _patch(personas["owner"], {"currency": "USD", "name": "Studio Two", "version": version})
    assert same.status_code == 200 and same.json()["currency"] == "USD"


def test_the_settings_form_shows_the_refusal_and_saves_nothing(personas):
    web = HttpClient()
    assert web.login(email=personas["owner"].email, password=PASSWORD)
    ws = personas.workspace
    page = web.get("/workspace/settings/")
    assert page.status_code == 200 and "Base currency" in page.content.decode()
    form = {"name": "Studio", "currency": "EUR", "max_portfolio_size": ws.max_portfolio_size, "version": ws.version}
    refused = web.post("/workspace/settings/", form)
    assert refused.status_code == 400
    assert "The base currency stays USD" in refused.content.decode()
    assert Workspace.objects.get(pk=ws.pk).currency == "USD"
    saved = web.post("/workspace/settings/", form | {"currency": "USD", "name": "Studio Renamed"})
    assert saved.status_code == 302
    assert Workspace.objects.get(pk=ws.pk).name == "Studio Renamed"
    member = HttpClient()
    assert member.login(email=personas["member"].email, password=PASSWORD)
    assert member.get("/workspace/settings/").status_code == 403
