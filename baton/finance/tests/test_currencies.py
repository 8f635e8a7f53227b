"""Currencies at the API (MONEY.md §2): one ISO 4217 check everywhere a currency is accepted (422 naming `currency`),
an exchange rate more than zero (422 naming `rate`), and expenses carrying their base-currency amounts (marked while
a rate is missing, filled when it is added). Run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from baton.core.models import Event, Workspace
from baton.devdata.testing.finance import make_project
from baton.finance import services
from baton.finance.models import Expense
from baton.rates.selectors import missing_rates

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _fields(response) -> list[str]:
    assert response.status_code == 422, (response.status_code, response.content)
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("code", ["ABC", "XYZ", "usdollar", "12$"])
def test_a_currency_that_is_not_iso_4217_is_a_422_naming_currency_everywhere(personas, code):
    project = make_project(personas)
    owner = personas["owner"].api()
    finance = personas["finance"].api()
    client_id = personas.client_a.id
    version = Workspace.objects.get(pk=personas.workspace.pk).version
    calls = [
        owner.patch("/api/v1/workspace", {"currency": code, "version": version}, content_type=JSON),
        owner.post("/api/v1/clients", {"name": "Bad Money Ltd", "currency": code}, content_type=JSON),
        owner.post(
            "/api/v1/projects",
            {"client_id": client_id, "name": "Bad money", "billing": "time_and_materials", "currency": code},
            content_type=JSON,
        ),
        owner.post("/api/v1/deals", {"client_id": client_id, "name": "Bad deal", "currency": code}, content_type=JSON),
        finance.post(
            "/api/v1/bill-rates", {"scope": "workspace", "rate": "100.00", "currency": code}, content_type=JSON
        ),
        finance.post(
            "/api/v1/exchange-rates", {"currency": code, "rate": "1.1", "effective_on": "2026-03-01"}, content_type=JSON
        ),
        finance.post(
            "/api/v1/invoices",
            {"client_id": client_id, "project_id": project.pk, "currency": code, "lines": []},
            content_type=JSON,
        ),
    ]
    for response in calls:
        assert "currency" in _fields(response), response.json()


def test_real_codes_pass_in_any_case(personas):
    finance = personas["finance"].api()
    response = finance.post(
        "/api/v1/bill-rates", {"scope": "workspace", "rate": "100.00", "currency": "chf"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "CHF"
    response = finance.post(
        "/api/v1/exchange-rates", {"currency": "jpy", "rate": "0.0067", "effective_on": "2026-03-01"}, content_type=JSON
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("rate", ["0", "-1.10", "0.000000001"])
def test_an_exchange_rate_at_or_below_zero_is_a_422_naming_rate(personas, rate):
    response = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/exchange-rates", {"currency": "EUR", "rate": rate, "effective_on": "2026-03-01"}, content_type=JSON
        )
    )
    assert _fields(response) == ["rate"]


def test_the_service_names_rate_too(personas):
    with pytest.raises(Exception) as caught:
        services.exchange_rate_create(
            actor=personas["finance"].actor, currency="EUR", rate="0", effective_on=date(2026, 3, 1)
        )
    assert caught.value.message_dict == {"rate": ["An exchange rate is more than zero."]}


def test_default_bill_rate_currency_follows_the_scope(personas):
    project = make_project(personas, currency="EUR")
    finance = personas["finance"].actor
    assert services.bill_rate_create(actor=finance, scope="project", project_id=project.pk, rate="90").currency == "EUR"
    assert services.bill_rate_create(actor=finance, scope="workspace", rate="90").currency == "USD"
    # The same scope and date may hold one rate per currency.
    assert services.bill_rate_create(actor=finance, scope="workspace", rate="80", currency="EUR").currency == "EUR"


def test_expenses_carry_base_amounts_marked_until_the_rate_is_added(personas):
    project = make_project(personas, currency="EUR")
    member = personas["member"]
    expense = services.expense_create(
        actor=member.actor,
        project_id=project.pk,
        description="Train",
        amount="100.00",
        markup_pct="10",
        date=date(2026, 3, 4),
    )
    assert (expense.amount_base, expense.billable_amount_base, expense.missing_rate_currency) == (
        Decimal("0.00"),
        Decimal("0.00"),
        "EUR",
    )
    assert missing_rates(personas.workspace, [project.pk]) == [("EUR", date(2026, 3, 4))]
    services.exchange_rate_create(
        actor=personas["finance"].actor, currency="EUR", rate="1.10", effective_on=date(2026, 3, 1)
    )
    expense.refresh_from_db()
    assert (expense.amount_base, expense.billable_amount_base, expense.missing_rate_currency) == (
        Decimal("110.00"),
        Decimal("121.00"),
        "",
    )
    assert missing_rates(personas.workspace) == []
    assert Event.objects.filter(verb="expense.repriced", target_id=expense.pk).exists()
    body = personas["finance"].api().get(f"/api/v1/expenses/{expense.pk}").json()
    assert (body["amount_base"], body["billable_amount_base"], body["missing_rate_currency"]) == (
        "110.00",
        "121.00",
        "",
    )
    # A change recomputes them at the rate of the (new) day.
    services.exchange_rate_create(
        actor=personas["finance"].actor, currency="EUR", rate="1.20", effective_on=date(2026, 3, 10)
    )
    changed = services.expense_update(
        actor=member.actor, expense=expense, version=Expense.objects.get(pk=expense.pk).version, date=date(2026, 3, 11)
    )
    assert (changed.amount_base, changed.billable_amount_base) == (Decimal("120.00"), Decimal("132.00"))


def test_a_base_currency_expense_is_its_own_base_amount(personas):
    project = make_project(personas)
    expense = services.expense_create(
        actor=personas["member"].actor, project_id=project.pk, description="Taxi", amount="30.00", date=date(2026, 3, 4)
    )
    assert (expense.amount_base, expense.billable_amount_base, expense.missing_rate_currency) == (
        Decimal("30.00"),
        Decimal("30.00"),
        "",
    )
