"""Bill rates across currencies (MONEY.md §2): the rate card is read in the project's currency first, a rate found
only in another currency is converted at the exchange rate in force on the entry's date, a missing exchange rate marks
the entry (never "use the number unconverted") until the rate is added, and every entry stores its bill amount in the
base currency. Run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from baton.core.models import Event
from baton.devdata.testing.finance import log, make_project
from baton.devdata.testing.personas import PASSWORD
from baton.people.models import Person
from baton.rates import services as rates
from baton.rates.resolution import RateBook
from baton.rates.selectors import missing_rate_warnings, missing_rates
from baton.timesheets import rollups

pytestmark = pytest.mark.django_db
JSON = "application/json"
DAY = date(2026, 3, 4)


def _usd_rate_100(personas) -> None:
    """The member's own rate card row: USD 100 (the workspace's base currency is USD)."""
    Person.objects.filter(pk=personas["member"].person.id).update(bill_rate=Decimal("0"))
    rates.bill_rate_create(
        actor=personas["finance"].actor, scope="person", person_id=personas["member"].person.id, rate="100.00"
    )


def test_issue_15_case_3_a_usd_rate_on_a_eur_project_is_converted(personas):
    """A person's USD 100 rate on a EUR project with 1 EUR = 1.10 USD (base USD) bills EUR 90.91 an hour."""
    assert personas.workspace.currency == "USD"
    project = make_project(personas, currency="EUR")
    _usd_rate_100(personas)
    rates.exchange_rate_create(
        actor=personas["finance"].actor, currency="EUR", rate="1.10", effective_on=date(2026, 1, 1)
    )
    entry = log(personas, "member", project, 60, day=DAY)
    entry.refresh_from_db()
    assert entry.currency == "EUR"
    assert entry.bill_rate == Decimal("90.91")
    assert entry.source_rate == Decimal("100.00")
    assert entry.source_currency == "USD"
    assert entry.exchange_rate == Decimal("0.9090909091")
    assert entry.bill_amount == Decimal("90.91")
    assert entry.bill_amount_base == Decimal("100.00")  # 90.91 x 1.10 = 100.001, half up to cents
    assert entry.missing_rate_currency == ""
    body = personas["finance"].api().get(f"/api/v1/time-entries/{entry.pk}").json()
    assert (body["bill_rate"], body["source_rate"], body["source_currency"], body["exchange_rate"]) == (
        "90.91",
        "100.00",
        "USD",
        "0.9090909091",
    )
    assert (body["bill_amount_base"], body["missing_rate_currency"]) == ("100.00", "")


def test_a_rate_in_the_project_currency_wins_at_its_level(personas):
    project = make_project(personas, currency="EUR")
    _usd_rate_100(personas)
    rates.exchange_rate_create(
        actor=personas["finance"].actor, currency="EUR", rate="1.10", effective_on=date(2026, 1, 1)
    )
    rates.bill_rate_create(
        actor=personas["finance"].actor,
        scope="person",
        person_id=personas["member"].person.id,
        rate="95.00",
        currency="EUR",
    )
    entry = log(personas, "member", project, 60, day=DAY)
    assert (entry.bill_rate, entry.source_rate, entry.source_currency) == (Decimal("95.00"), Decimal("95.00"), "EUR")
    assert entry.exchange_rate == Decimal("1")
    assert entry.bill_amount_base == Decimal("104.50")
    # Precedence still comes first: a client row in USD beats the person's EUR row, converted.
    rates.bill_rate_create(
        actor=personas["finance"].actor, scope="client", client_id=project.client_id, rate="110.00", currency="USD"
    )
    entry = log(personas, "member", project, 60, day=date(2026, 3, 5))
    assert (entry.bill_rate, entry.bill_rate_source, entry.source_currency) == (Decimal("100.00"), "client", "USD")


def test_the_rate_in_force_on_the_entry_date_converts(personas):
    project = make_project(personas, currency="EUR")
    _usd_rate_100(personas)
    finance = personas["finance"].actor
    rates.exchange_rate_create(actor=finance, currency="EUR", rate="1.10", effective_on=date(2026, 1, 1))
    rates.exchange_rate_create(actor=finance, currency="EUR", rate="1.25", effective_on=date(2026, 3, 5))
    before = log(personas, "member", project, 60, day=date(2026, 3, 4))
    after = log(personas, "member", project, 60, day=date(2026, 3, 5))
    assert (before.bill_rate, after.bill_rate) == (Decimal("90.91"), Decimal("80.00"))


def test_a_missing_rate_marks_the_entry_warns_and_is_priced_when_added(personas, django_capture_on_commit_callbacks):
    """No GBP rate: the entry is saved at 0.00 and marked, never at the unconverted 100; the warning names the
    currency and the first day; adding the rate prices it (and the rollup still equals the raw entries)."""
    workspace_id = personas.workspace.pk
    project = make_project(personas, currency="GBP")
    _usd_rate_100(personas)
    first = log(personas, "member", project, 60, day=DAY)
    later = log(personas, "member", project, 30, day=date(2026, 3, 9))
    first.refresh_from_db()
    assert (first.bill_rate, first.bill_amount, first.bill_amount_base) == (Decimal("0.00"),) * 3
    assert (first.source_rate, first.source_currency, first.exchange_rate) == (Decimal("100.00"), "USD", None)
    assert first.missing_rate_currency == "GBP"
    assert missing_rates(personas.workspace) == [("GBP", DAY)]
    assert missing_rates(personas.workspace, project_ids=[project.pk + 999]) == []
    assert missing_rate_warnings(personas.workspace)[0].startswith("No exchange rate for GBP on Mar 4, 2026")
    assert rollups.stored_cells(workspace_id) == rollups.bare_cells(workspace_id)
    body = personas["finance"].api().get(f"/api/v1/time-entries/{first.pk}").json()
    assert (body["missing_rate_currency"], body["exchange_rate"], body["bill_amount"]) == ("GBP", None, "0.00")
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    page = web.get(reverse("timesheets:entry_list")).content.decode()
    assert "needs a GBP rate" in page
    assert "No exchange rate for GBP on Mar 4, 2026" in page

    # A rate from after the first entry prices only the later one.
    response = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/exchange-rates",
            {"currency": "GBP", "rate": "1.25", "effective_on": "2026-03-05"},
            content_type=JSON,
        )
    )
    assert response.status_code == 201, response.content
    later.refresh_from_db()
    assert (later.bill_rate, later.exchange_rate, later.missing_rate_currency) == (
        Decimal("80.00"),
        Decimal("0.8000000000"),
        "",
    )
    assert (later.bill_amount, later.bill_amount_base) == (Decimal("40.00"), Decimal("50.00"))
    assert missing_rates(personas.workspace) == [("GBP", DAY)]
    assert rollups.stored_cells(workspace_id) == rollups.bare_cells(workspace_id)

    rates.exchange_rate_create(
        actor=personas["finance"].actor, currency="GBP", rate="1.30", effective_on=date(2026, 3, 1)
    )
    first.refresh_from_db()
    assert (first.bill_rate, first.bill_amount, first.bill_amount_base) == (
        Decimal("76.92"),
        Decimal("76.92"),
        Decimal("100.00"),
    )
    assert first.missing_rate_currency == ""
    assert missing_rates(personas.workspace) == []
    assert rollups.stored_cells(workspace_id) == rollups.bare_cells(workspace_id)
    assert Event.objects.filter(verb="time_entry.repriced", target_id__in=[first.pk, later.pk]).count() == 2
    # The rollup carries the base amounts for the reports.
    cell = rollups.stored_cells(workspace_id)[(project.pk, personas["member"].person.id, date(2026, 3, 1), True)]
    assert cell[4] == 15000  # 100.00 + 50.00 in cents


def test_a_project_currency_without_a_base_rate_is_marked_for_its_base_amount(personas):
    project = make_project(personas, currency="EUR")
    rates.bill_rate_create(actor=personas["finance"].actor, scope="project", project_id=project.pk, rate="90.00")
    entry = log(personas, "member", project, 60, day=DAY)
    assert (entry.bill_rate, entry.bill_amount, entry.source_currency) == (Decimal("90.00"), Decimal("90.00"), "EUR")
    assert (entry.bill_amount_base, entry.missing_rate_currency) == (Decimal("0.00"), "EUR")
    rates.exchange_rate_create(actor=personas["finance"].actor, currency="EUR", rate="1.10", effective_on=DAY)
    entry.refresh_from_db()
    assert (entry.bill_amount, entry.bill_amount_base, entry.missing_rate_currency) == (
        Decimal("90.00"),
        Decimal("99.00"),
        "",
    )


def test_the_persons_own_bill_rate_is_in_the_base_currency(personas):
    """`Person.bill_rate` (USD 100 here) converts like a USD row; the rate book left without a currency answers in the
    base currency (its callers before rates had currencies keep working)."""
    project = make_project(personas, currency="EUR")
    Person.objects.filter(pk=personas["member"].person.id).update(bill_rate=Decimal("100.00"))
    rates.exchange_rate_create(
        actor=personas["finance"].actor, currency="EUR", rate="1.10", effective_on=date(2026, 1, 1)
    )
    entry = log(personas, "member", project, 60, day=DAY)
    assert (entry.bill_rate, entry.source_rate, entry.source_currency, entry.bill_rate_source) == (
        Decimal("90.91"),
        Decimal("100.00"),
        "USD",
        "person",
    )
    member = Person.objects.select_related("membership").get(pk=personas["member"].person.id)
    book = RateBook.load(personas.workspace.pk)
    args = {
        "person_id": member.pk,
        "person_bill_rate": member.bill_rate,
        "person_cost_rate": member.cost_rate,
        "person_title": member.title,
        "person_role": member.membership.role,
        "project_id": project.pk,
        "client_id": project.client_id,
        "on": DAY,
    }
    assert book.resolve(**args).bill_rate == Decimal("100.00")
    assert book.resolve(**args, currency="EUR").bill_rate == Decimal("90.91")
