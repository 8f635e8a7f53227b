"""Profitability: revenue (T&M, fixed fee recognised by minutes used, retainer), cost, margin, totals equal the sum of
the rows to the cent (also as a property), every grouping, currencies, access, query-count ceiling."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baton.devdata.testing.finance import log, make_project
from baton.finance import services
from baton.finance.selectors import profitability

pytestmark = pytest.mark.django_db
FIELDS = ("minutes", "billable_minutes", "revenue", "cost", "margin")


def report(personas, who="finance", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return personas[who].api().get(f"/api/v1/reports/profitability?{query}")


def assert_totals_are_the_sum(body):
    for field in FIELDS:
        if field in ("minutes", "billable_minutes"):
            assert body["totals"][field] == sum(r[field] for r in body["rows"])
        else:
            assert Decimal(body["totals"][field]) == sum((Decimal(r[field]) for r in body["rows"]), Decimal("0"))


def test_time_and_materials_revenue_is_the_bill_amounts(personas):
    project = make_project(personas)
    log(personas, "member", project, 20)  # 40.00 revenue, 16.67 cost
    log(personas, "member", project, 25, day=date(2026, 3, 3))  # 50.00, 20.83
    log(personas, "pm", project, 60, day=date(2026, 3, 4), billable=False)  # 0 revenue, 50.00 cost
    body = report(personas, group_by="project", **{"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert body["currency"] == "USD" and body["from"] == "2026-03-01"
    [row] = body["rows"]
    assert row["key"] == project.id and row["label"] == "Website"
    assert (row["minutes"], row["billable_minutes"]) == (105, 45)
    assert (row["revenue"], row["cost"], row["margin"]) == ("90.00", "87.50", "2.50")
    assert row["margin_pct"] == 2.78
    assert_totals_are_the_sum(body)


def test_fixed_fee_recognised_by_minutes_used_and_capped(personas):
    project = make_project(personas, "Brand", billing="fixed_fee", budget_amount="9000.00", budget_minutes=600)
    log(personas, "member", project, 200, day=date(2026, 2, 10))  # a third: 3000.00
    log(personas, "pm", project, 100, day=date(2026, 3, 10))  # half: +1500.00
    log(personas, "member", project, 500, day=date(2026, 4, 10))  # over the budget: capped at the fee (+4500.00)
    by_month = report(personas, group_by="month").json()
    assert [(r["key"], r["revenue"]) for r in by_month["rows"]] == [
        ("2026-02", "3000.00"),
        ("2026-03", "1500.00"),
        ("2026-04", "4500.00"),
    ]
    assert by_month["totals"]["revenue"] == "9000.00"
    march_only = report(personas, group_by="project", **{"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert march_only["rows"][0]["revenue"] == "1500.00"
    by_person = report(personas, group_by="person").json()
    assert_totals_are_the_sum(by_person)
    assert by_person["totals"]["revenue"] == "9000.00"


def test_retainer_revenue_is_the_monthly_fee(personas):
    project = make_project(
        personas,
        "Care",
        billing="retainer",
        retainer_period="month",
        period_budget_amount="3100.00",
        period_budget_minutes=1200,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 4, 30),
    )
    log(personas, "member", project, 600, day=date(2026, 3, 2))
    body = report(personas, group_by="month", **{"from": "2026-03-01", "to": "2026-04-30"}).json()
    assert [(r["key"], r["revenue"]) for r in body["rows"]] == [("2026-03", "3100.00"), ("2026-04", "3100.00")]
    half = report(personas, group_by="project", **{"from": "2026-03-01", "to": "2026-03-15"}).json()
    assert half["rows"][0]["revenue"] == "1500.00"  # 15 of 31 days


def test_groupings_and_account_pnl_per_am(personas):
    a = make_project(personas, "A work")
    b = make_project(personas, "B work", client_id=personas.client_b.id)
    log(personas, "member", a, 60)
    log(personas, "member", b, 30)
    log(personas, "pm", b, 30, day=date(2026, 4, 1))
    clients = report(personas, group_by="client").json()
    assert [(r["label"], r["revenue"]) for r in clients["rows"]] == [("Client A", "120.00"), ("Client B", "120.00")]
    ams = report(personas, group_by="account_manager").json()
    assert {r["label"] for r in ams["rows"]} == {"Am Persona", "Admin Persona"}
    people = report(personas, group_by="person").json()
    assert {r["label"]: r["minutes"] for r in people["rows"]} == {"Member Persona": 90, "Pm Persona": 30}
    for body in (clients, ams, people, report(personas, group_by="month").json()):
        assert_totals_are_the_sum(body)
    assert report(personas, group_by="team").status_code == 422
    assert report(personas, **{"from": "2026-04-01", "to": "2026-03-01"}).status_code == 422


def test_access(personas):
    mine = make_project(personas, "Mine")
    theirs = make_project(personas, "Theirs", client_id=personas.client_b.id, project_manager_id=None)
    log(personas, "member", mine, 60)
    log(personas, "member", theirs, 60)
    assert [r["label"] for r in report(personas, "pm").json()["rows"]] == ["Mine"]
    assert [r["label"] for r in report(personas, "am").json()["rows"]] == ["Mine"]
    assert len(report(personas, "finance").json()["rows"]) == 2
    assert report(personas, "member").status_code == 403
    assert report(personas, "client_a").status_code == 403
    assert report(personas, "outsider").json()["rows"] == []


def test_other_currencies_convert_at_the_dated_rate(personas):
    euro = make_project(personas, "Euro work", currency="EUR")
    # The project's own EUR rate (a USD rate would need converting, MONEY.md §2: see timesheets' test_currencies).
    services.bill_rate_create(actor=personas["finance"].actor, scope="project", project_id=euro.pk, rate="120.00")
    log(personas, "member", euro, 60)  # 120.00 EUR
    body = report(personas).json()
    # Without a rate the entry's base amount waits (never 1:1), and the report says which rate is missing.
    assert body["rows"][0]["revenue"] == "0.00"
    assert body["warnings"] and "No exchange rate for EUR on Mar 2, 2026" in body["warnings"][0]
    services.exchange_rate_create(
        actor=personas["finance"].actor, currency="EUR", rate="1.1", effective_on=date(2026, 1, 1)
    )
    services.exchange_rate_create(
        actor=personas["finance"].actor, currency="EUR", rate="1.2", effective_on=date(2026, 6, 1)
    )
    body = report(personas).json()
    assert body["rows"][0]["revenue"] == "132.00" and body["warnings"] == []  # at the entry's date: 1.1


def test_query_count_does_not_grow_with_projects(personas, django_assert_max_num_queries):
    api = personas["finance"].api()
    api.get("/api/v1/me")
    for i in range(3):
        log(
            personas,
            "member",
            make_project(
                personas,
                f"P{i}",
                billing=["fixed_fee", "time_and_materials", "retainer"][i % 3],
                retainer_period="month" if i % 3 == 2 else "",
            ),
            60,
        )
    with django_assert_max_num_queries(14) as few:
        api.get("/api/v1/reports/profitability?group_by=person")
    for i in range(3, 24):
        log(
            personas,
            "member",
            make_project(
                personas,
                f"P{i}",
                billing=["fixed_fee", "time_and_materials", "retainer"][i % 3],
                retainer_period="month" if i % 3 == 2 else "",
            ),
            60,
            day=date(2026, 3, 2 + i % 20),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get("/api/v1/reports/profitability?group_by=person").json()
    assert body["totals"]["minutes"] == 24 * 60


cells = st.lists(
    st.tuples(
        st.sampled_from(["time_and_materials", "fixed_fee", "non_billable"]),
        st.integers(min_value=1, max_value=600),
        st.integers(min_value=1, max_value=28),
        st.sampled_from(["member", "pm"]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=cells, fee=st.decimals(min_value=Decimal("1"), max_value=Decimal("99999"), places=2))
def test_property_totals_equal_the_sum_of_rows_to_the_cent(personas_for_hypothesis, cells, fee):
    personas = personas_for_hypothesis
    from django.db import transaction

    with transaction.atomic():
        projects = {
            kind: make_project(personas, f"{kind} {fee}", billing=kind, budget_amount=fee, budget_minutes=997)
            for kind in ("time_and_materials", "fixed_fee", "non_billable")
        }
        for kind, minutes, day, who in cells:
            log(personas, who, projects[kind], minutes, day=date(2026, 2, day))
        for group_by in ("client", "project", "person", "month", "account_manager"):
            result = profitability(actor=personas["finance"].actor, group_by=group_by)
            for field in ("revenue", "cost", "margin"):
                total = getattr(result.totals, field)
                assert total == sum((getattr(r, field) for r in result.rows), Decimal("0"))
                assert all(isinstance(getattr(r, field), Decimal) for r in result.rows)
            assert result.totals.minutes == sum(r.minutes for r in result.rows)
        transaction.set_rollback(True)
