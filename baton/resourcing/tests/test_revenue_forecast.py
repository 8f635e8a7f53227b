"""The revenue forecast (MONEY.md §6): booked minutes x the bill rate that would apply to that person on that project
on that day by rate-card precedence, in the project's currency, converted to the base currency at today's exchange
rate, and marked as a forecast."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from baton.delivery.models import Project
from baton.people.services import person_update
from baton.rates.models import BillRate, ExchangeRate
from baton.resourcing.tests.conftest import post
from baton.resourcing.tests.test_views import browser

pytestmark = pytest.mark.django_db

TODAY = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)  # Wednesday 6 March 2030


def book(personas, person, project, start, end, minutes, tentative=False):
    response = post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": person.id,
            "project_id": project.id,
            "start_date": start,
            "end_date": end,
            "minutes_per_day": minutes,
            "tentative": tentative,
        },
    )
    assert response.status_code == 201, response.content


def forecast(personas, query="from=2030-03-01&to=2030-04-30"):
    response = personas["finance"].api().get(f"/api/v1/reports/revenue-forecast?{query}")
    assert response.status_code == 200, response.content
    return {r["month"]: r for r in response.json()}


@time_machine.travel(TODAY, tick=False)
def test_rate_card_precedence_by_day(personas, make_person, project, project_b):
    ws = personas.workspace
    ann = make_person("Ann", bill="100.00", title="Designer")
    bob = make_person("Bob", bill="0.00", title="Designer")
    BillRate.objects.create(workspace=ws, scope="project_person", project=project, person=ann, rate=Decimal("200.00"))
    # from Wed 13 March the project x person rate rises
    BillRate.objects.create(
        workspace=ws,
        scope="project_person",
        project=project,
        person=ann,
        rate=Decimal("210.00"),
        effective_from=date(2030, 3, 13),
    )
    BillRate.objects.create(workspace=ws, scope="client", client=personas.client_b, rate=Decimal("130.00"))
    BillRate.objects.create(workspace=ws, scope="role", role="Designer", rate=Decimal("90.00"))
    # Ann on project (A): Mon 11 - Fri 15 March, 2 h a day: Mon, Tue at 200; Wed - Fri at 210
    book(personas, ann, project, "2030-03-11", "2030-03-15", 120)
    # Ann on project B (client B's rate beats her own person rate): Mon 18 March, 1 h
    book(personas, ann, project_b, "2030-03-18", "2030-03-18", 60)
    # Bob (no person rate): the role rate on project A, 30 min on Tue 2 April, tentative
    book(personas, bob, project, "2030-04-02", "2030-04-02", 30, tentative=True)
    rows = forecast(personas)
    march, april = rows["2030-03"], rows["2030-04"]
    assert march["forecast"] is True and march["currency"] == "USD"
    assert march["confirmed_minutes"] == 5 * 120 + 60
    # 2 x 2 h x 200 + 3 x 2 h x 210 + 1 h x 130
    assert Decimal(march["confirmed_amount"]) == Decimal("800.00") + Decimal("1260.00") + Decimal("130.00")
    assert Decimal(april["tentative_amount"]) == Decimal("45.00") and Decimal(april["confirmed_amount"]) == 0
    assert april["total_amount"] == "45.00" and april["exchange_rates_on"] == "2030-03-06"


@time_machine.travel(TODAY, tick=False)
def test_project_currency_converted_at_todays_rate(personas, make_person, project, project_b):
    ws = personas.workspace
    ann = make_person("Ann", bill="0.00")
    Project.objects.filter(pk=project.pk).update(currency="EUR")
    Project.objects.filter(pk=project_b.pk).update(currency="GBP")  # no GBP rate
    BillRate.objects.create(workspace=ws, scope="project", project=project, rate=Decimal("100.00"))
    BillRate.objects.create(workspace=ws, scope="project", project=project_b, rate=Decimal("80.00"))
    ExchangeRate.objects.create(workspace=ws, currency="EUR", rate=Decimal("1.100000"), effective_on=date(2030, 1, 1))
    ExchangeRate.objects.create(workspace=ws, currency="EUR", rate=Decimal("1.200000"), effective_on=date(2030, 3, 6))
    # a later rate is not today's: the forecast converts at the rate in force today
    ExchangeRate.objects.create(workspace=ws, currency="EUR", rate=Decimal("1.500000"), effective_on=date(2030, 4, 1))
    book(personas, ann, project, "2030-04-01", "2030-04-05", 90)  # 5 x 1.5 h x 100 EUR = 750 EUR
    book(personas, ann, project_b, "2030-04-08", "2030-04-08", 60)  # 80 GBP, no rate
    april = forecast(personas)["2030-04"]
    by_currency = {c["currency"]: c for c in april["by_currency"]}
    eur = by_currency["EUR"]
    assert eur["total_amount"] == "750.00" and eur["converted"] is True
    assert Decimal(eur["exchange_rate"]) == Decimal("1.2")
    assert by_currency["GBP"]["total_amount"] == "80.00" and by_currency["GBP"]["converted"] is False
    assert april["confirmed_amount"] == "900.00"  # 750 EUR x 1.2; the GBP left out, never added unconverted
    assert april["missing_exchange_rates"] == ["GBP"]
    assert "GBP" in april["warnings"][0]


def test_non_billable_and_people_who_left_earn_nothing(personas, make_person, project, project_b):
    ann = make_person("Ann", bill="100.00")
    gone = make_person("Gone", bill="100.00")
    heir = make_person("Heir", bill="0.00")  # takes over Gone's bookings from the day Gone leaves
    Project.objects.filter(pk=project_b.pk).update(billing="non_billable")
    with time_machine.travel(TODAY, tick=False):
        book(personas, ann, project_b, "2030-04-01", "2030-04-01", 60)
        book(personas, gone, project, "2030-04-01", "2030-04-05", 60)
    with time_machine.travel(datetime(2030, 4, 3, 9, 0, tzinfo=UTC), tick=False):
        person_update(
            actor=personas["owner"].actor, person=gone, version=gone.version, active=False, successor_id=heir.id
        )
    with time_machine.travel(TODAY, tick=False):
        april = forecast(personas)["2030-04"]
    # Ann's hour is booked but non-billable; Gone counts Mon 1 and Tue 2 April, not after leaving on the 3rd (the
    # 3rd to the 5th went to Heir, whose bill rate is 0)
    assert april["confirmed_minutes"] == 60 + 2 * 60 + 3 * 60
    assert april["confirmed_amount"] == "200.00"


@time_machine.travel(TODAY, tick=False)
def test_the_page_marks_it_as_a_forecast(personas, make_person, project):
    ann = make_person("Ann", bill="100.00")
    book(personas, ann, project, "2030-03-11", "2030-03-11", 60)
    page = browser(personas["finance"]).get("/schedule/utilization/").content.decode()
    assert "Revenue forecast" in page and "a forecast" in page and "exchange rates of Mar 6, 2030" in page
    assert page.count('id="forecast-h"') == 1 and page.count('id="util-h"') == 1
    assert "<td>Mar 2030</td><td>100.00</td>" in page and "$100.00" in page
