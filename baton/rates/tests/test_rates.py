"""Rate precedence (project x person > project > client > person > role > workspace default), effective dates, and
rates copied at logging (a raise never rewrites history)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.devdata.testing.finance import log, make_project
from baton.people.models import Person
from baton.rates import services
from baton.rates.resolution import amount_for, resolve_rates

pytestmark = pytest.mark.django_db
JSON = "application/json"
DAY = date(2026, 3, 2)


@given(
    minutes=st.integers(min_value=1, max_value=1440),
    rate=st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999.99"), places=2),
)
def test_amount_is_minutes_over_sixty_times_rate_rounded_half_up_once(minutes, rate):
    exact = Decimal(minutes) * rate / Decimal(60)
    amount = amount_for(minutes, rate)
    assert amount == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert abs(amount - exact) <= Decimal("0.005")
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("minutes", "rate", "expected"),
    [
        (20, "100.00", "33.33"),
        (40, "100.00", "66.67"),
        (1, "0.30", "0.01"),
        (1, "0.29", "0.00"),
        (90, "120.00", "180.00"),
        (7, "150.00", "17.50"),
        (10, "0.03", "0.01"),
    ],
)
def test_documented_rounding_examples(minutes, rate, expected):
    assert amount_for(minutes, Decimal(rate)) == Decimal(expected)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        amount_for(60, 120.0)


def test_precedence_most_specific_wins(personas):
    project = make_project(personas)
    member = Person.objects.select_related("membership").get(pk=personas["member"].person.id)
    member.title = "Designer"
    member.save()
    actor = personas["finance"].actor

    def rate() -> tuple[Decimal, str]:
        found = resolve_rates(person=member, project=project, on=DAY)
        return found.bill_rate, found.bill_source

    member.bill_rate = Decimal("0")
    assert rate() == (Decimal("0.00"), "none")
    services.bill_rate_create(actor=actor, scope="workspace", rate="100.00")
    assert rate() == (Decimal("100.00"), "workspace")
    services.bill_rate_create(actor=actor, scope="role", role="designer", rate="110.00")
    assert rate() == (Decimal("110.00"), "role")
    member.bill_rate = Decimal("120.00")  # the person's own rate
    assert rate() == (Decimal("120.00"), "person")
    services.bill_rate_create(actor=actor, scope="person", person_id=member.pk, rate="125.00")
    assert rate() == (Decimal("125.00"), "person")
    services.bill_rate_create(actor=actor, scope="client", client_id=project.client_id, rate="130.00")
    assert rate() == (Decimal("130.00"), "client")
    services.bill_rate_create(actor=actor, scope="project", project_id=project.pk, rate="140.00")
    assert rate() == (Decimal("140.00"), "project")
    services.bill_rate_create(
        actor=actor, scope="project_person", project_id=project.pk, person_id=member.pk, rate="150.00"
    )
    assert rate() == (Decimal("150.00"), "project_person")


def test_effective_dates_pick_the_latest_started(personas):
    project = make_project(personas)
    actor = personas["finance"].actor
    services.bill_rate_create(
        actor=actor, scope="project", project_id=project.pk, rate="100.00", effective_from=date(2026, 1, 1)
    )
    services.bill_rate_create(
        actor=actor, scope="project", project_id=project.pk, rate="160.00", effective_from=date(2026, 4, 1)
    )
    assert log(personas, "member", project, 60, day=date(2026, 3, 31)).bill_rate == Decimal("100.00")
    assert log(personas, "member", project, 60, day=date(2026, 4, 1)).bill_rate == Decimal("160.00")
    # Before any dated project rate: the next level (the person's own 120.00).
    assert log(personas, "member", project, 60, day=date(2025, 12, 31)).bill_rate == Decimal("120.00")


def test_a_raise_does_not_rewrite_history(personas):
    project = make_project(personas)
    before = log(personas, "member", project, 60, day=date(2026, 2, 2))
    assert before.cost_rate == Decimal("50.00")
    response = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/cost-rates",
            {"person_id": personas["member"].person.id, "rate": "65.00", "effective_from": "2026-03-01"},
            content_type=JSON,
        )
    )
    assert response.status_code == 201
    after = log(personas, "member", project, 60, day=date(2026, 3, 2))
    backdated = log(personas, "member", project, 60, day=date(2026, 2, 3))
    before.refresh_from_db()
    assert (before.cost_rate, before.cost_amount) == (Decimal("50.00"), Decimal("50.00"))
    assert (after.cost_rate, after.cost_amount) == (Decimal("65.00"), Decimal("65.00"))
    assert backdated.cost_rate == Decimal("50.00")  # the rate in force on the day of the work


def test_rate_card_api_and_errors(personas):
    api = personas["finance"].api()
    bad = api.post("/api/v1/bill-rates", {"scope": "project", "rate": "100.00", "person_id": 1}, content_type=JSON)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"project_id", "person_id"}
    neg = api.post("/api/v1/bill-rates", {"scope": "workspace", "rate": "-1"}, content_type=JSON)
    assert neg.status_code == 422 and neg.json()["errors"][0]["field"] == "rate"
    ok = api.post("/api/v1/bill-rates", {"scope": "workspace", "rate": "99.50"}, content_type=JSON)
    assert ok.status_code == 201 and ok.json()["rate"] == "99.50"
    dup = api.post("/api/v1/bill-rates", {"scope": "workspace", "rate": "90.00"}, content_type=JSON)
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "effective_from"
    assert (
        personas["pm"]
        .api()
        .post("/api/v1/bill-rates", {"scope": "workspace", "rate": "1.00"}, content_type=JSON)
        .status_code
        == 403
    )
    assert personas["member"].api().get("/api/v1/bill-rates").status_code == 403
    project = make_project(personas)
    resolved = (
        personas["pm"]
        .api()
        .get(f"/api/v1/rates/resolve?person_id={personas['member'].person.id}&project_id={project.id}&date=2026-03-02")
        .json()
    )
    assert resolved["bill_rate"] == "120.00" and resolved["bill_rate_source"] == "person"
