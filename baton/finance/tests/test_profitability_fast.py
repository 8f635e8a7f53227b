"""The profitability report's fast path (integer cents, query-level grain, edge months read from their smaller side)
gives exactly what the Decimal computation it replaced gives (`reference_profitability.py`, the code as it was):
on random data through the services (hypothesis), on a generated agency, and for the building blocks (fixed-fee
curve and largest-remainder split against their Decimal definitions, ties included; the month cut against the raw
entries). The API's JSON equals what ProfitabilityOut would have serialised."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from baton.core.access import Actor
from baton.core.money import CENT
from baton.devdata.testing.finance import log, make_project
from baton.finance import services
from baton.finance.selectors import profitability
from baton.finance.selectors.recognition import (
    fixed_fee_curve,
    from_cents,
    split_cents,
    split_decimal,
    to_cents,
)
from baton.finance.tests import reference_profitability as reference
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry, TimeRollup

pytestmark = pytest.mark.django_db
GROUPS = ("client", "project", "person", "month", "account_manager")
TODAY = date(2026, 6, 20)


def figures(report):
    rows = [(r.key, r.label, r.minutes, r.billable_minutes, r.revenue, r.cost) for r in report.rows]
    t = report.totals
    # Warnings are the named tests' (test_profitability.py, timesheets' test_currencies): MONEY.md §2 changed them.
    return rows, (t.minutes, t.billable_minutes, t.revenue, t.cost)


def assert_same(actor, **params):
    got = profitability(actor=actor, **params)
    want = reference.profitability(actor=actor, **params)
    assert figures(got) == figures(want), params


# --- Building blocks against their Decimal definitions ------------------------------------------------------------


def decimal_curve(fee: Decimal, budget: int, x: int) -> Decimal:
    if budget:
        return (fee * min(Decimal(1), Decimal(x) / Decimal(budget))).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(fee, from_cents(x))


@given(
    fee=st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2),
    budget=st.integers(0, 200_000),
    x=st.integers(0, 400_000),
)
def test_fixed_fee_curve_equals_the_decimal_definition(fee, budget, x):
    assert from_cents(fixed_fee_curve(fee, budget)(x)) == decimal_curve(fee, budget, x)


def test_fixed_fee_curve_at_exact_half_cents():
    # 0.13 x 17/26 is exactly 8.5 cents; Decimal's 28-digit division lands just below it, so the report has always
    # said 0.08 (exact half-up would say 0.09). The integer curve hands exact halves to the Decimal code.
    assert decimal_curve(Decimal("0.13"), 26, 17) == Decimal("0.08")
    for fee, budget, x in [(Decimal("0.13"), 26, 17), (Decimal("1.50"), 300, 1), (Decimal("0.01"), 2, 1)]:
        assert from_cents(fixed_fee_curve(fee, budget)(x)) == decimal_curve(fee, budget, x)


@given(
    cents=st.integers(-10_000, 10_000_000),
    weights=st.dictionaries(st.integers(1, 400), st.integers(0, 5_000), min_size=1, max_size=7),
)
def test_split_cents_equals_the_decimal_split(cents, weights):
    assert split_cents(cents, weights) == {k: to_cents(v) for k, v in split_decimal(from_cents(cents), weights).items()}


@given(cents=st.integers(0, 100_000), weight=st.integers(1, 600), people=st.integers(2, 9), keys=st.randoms())
def test_split_cents_with_equal_remainders_across_the_cut(cents, weight, people, keys):
    # Equal weights give equal remainders: who gets the extra cents is Decimal's rounding, then str(key).
    ids = keys.sample(range(1, 10_000), people)
    weights = {k: weight * (1 + (i % 2) * 1000) for i, k in enumerate(ids)}
    assert split_cents(cents, weights) == {k: to_cents(v) for k, v in split_decimal(from_cents(cents), weights).items()}


# --- The month cut reads the same as the raw entries -------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lo=st.one_of(st.none(), st.integers(0, 150)), span=st.one_of(st.none(), st.integers(0, 150)))
def test_month_cut_reads_equal_the_raw_aggregate(personas_for_hypothesis, lo, span):
    personas = personas_for_hypothesis
    with transaction.atomic():
        project = make_project(personas, f"Cut {lo} {span}")
        start = date(2026, 1, 1)
        for i in range(0, 150, 6):
            log(personas, ("member", "pm")[i % 2], project, 30 + i, day=start + timedelta(days=i))
        date_from = start + timedelta(days=lo) if lo is not None else None
        date_to = (date_from or start) + timedelta(days=span) if span is not None else None
        cut = rollups.month_cut(date_from, date_to)
        got = {"minutes": 0, "entries": 0, "bill": 0}
        if not cut.no_months:
            agg = TimeRollup.objects.filter(cut.months_q(), project=project).aggregate(
                m=Sum("minutes"), n=Sum("entries"), b=Sum("bill_cents")
            )
            got = {"minutes": agg["m"] or 0, "entries": agg["n"] or 0, "bill": agg["b"] or 0}
        for where, sign in ((cut.plus, 1), (cut.minus, -1)):
            if where is not None:
                agg = TimeEntry.objects.filter(where, project=project).aggregate(
                    m=Sum("minutes"), n=Count("id"), b=Sum("bill_amount")
                )
                got["minutes"] += sign * (agg["m"] or 0)
                got["entries"] += sign * agg["n"]
                got["bill"] += sign * to_cents(agg["b"])
        raw = TimeEntry.objects.filter(project=project)
        if date_from:
            raw = raw.filter(date__gte=date_from)
        if date_to:
            raw = raw.filter(date__lte=date_to)
        agg = raw.aggregate(m=Sum("minutes"), n=Count("id"), b=Sum("bill_amount"))
        assert got == {"minutes": agg["m"] or 0, "entries": agg["n"], "bill": to_cents(agg["b"])}
        transaction.set_rollback(True)


# --- The whole report against the reference, on random data -------------------------------------------------------

project_specs = st.lists(
    st.tuples(
        st.sampled_from(["time_and_materials", "fixed_fee", "retainer", "non_billable"]),
        st.sampled_from(["USD", "USD", "EUR"]),
        st.decimals(min_value=0, max_value=Decimal("50000"), places=2),
        st.sampled_from([0, 1, 7, 300, 997, 6000]),
        st.one_of(st.none(), st.integers(0, 120)),  # start, days after 2026-01-01 (retainers may have none)
        st.one_of(st.none(), st.integers(30, 200)),  # end
    ),
    min_size=1,
    max_size=4,
)
entry_specs = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(["member", "pm", "owner"]),
        st.integers(0, 170),
        st.integers(1, 600),
        st.booleans(),
    ),
    max_size=14,
)
day = st.integers(0, 200).map(lambda d: date(2026, 1, 1) + timedelta(days=d))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=project_specs,
    entries=entry_specs,
    bounds=st.tuples(st.one_of(st.none(), day), st.one_of(st.none(), day)),
    with_rate=st.booleans(),
)
def test_report_equals_the_reference_on_random_data(personas_for_hypothesis, specs, entries, bounds, with_rate):
    personas = personas_for_hypothesis
    date_from, date_to = bounds
    assume(not (date_from and date_to and date_to < date_from))
    with transaction.atomic():
        start = date(2026, 1, 1)
        projects = []
        for i, (billing, currency, fee, minutes, begin, end) in enumerate(specs):
            fields: dict[str, Any] = {
                "billing": billing,
                "currency": currency,
                "budget_amount": fee,
                "budget_minutes": minutes,
            }
            if billing == "retainer":
                fields |= {"retainer_period": "month", "period_budget_amount": fee, "period_budget_minutes": 600}
                fields["start_date"] = start + timedelta(days=begin) if begin is not None else None
                if end is not None:
                    fields["end_date"] = start + timedelta(days=(begin or 0) + end)
            if i % 2:
                fields["client_id"] = personas.client_b.id
            projects.append(make_project(personas, f"P{i} {billing}", **fields))
        for p, who, offset, minutes, billable in entries:
            project = projects[p % len(projects)]
            try:
                log(
                    personas,
                    who,
                    project,
                    minutes,
                    day=start + timedelta(days=offset),
                    billable=billable and project.billing != "non_billable",
                )
            except ValidationError:  # more than a day's minutes: not logged
                pass
        if with_rate:
            services.exchange_rate_create(
                actor=personas["finance"].actor, currency="EUR", rate="1.0837", effective_on=date(2026, 3, 1)
            )
        for group_by in GROUPS:
            for who in ("finance", "pm"):
                assert_same(personas[who].actor, group_by=group_by, date_from=date_from, date_to=date_to, today=TODAY)
            assert_same(
                personas["finance"].actor,
                group_by=group_by,
                date_from=date_from,
                date_to=date_to,
                client_id=personas.client_b.id,
                today=TODAY,
            )
        transaction.set_rollback(True)


# --- On a generated agency ----------------------------------------------------------------------------------------


def test_report_equals_the_reference_on_a_generated_agency():
    from baton.core.models import Membership
    from baton.crm.models import AccountManagerChange
    from baton.delivery.models import Project
    from baton.devdata.scale import Size, generate
    from baton.finance.models import Expense, Invoice

    size = Size(people=12, clients=8, projects=40, entries=3000, bookings=10, years=2, handoffs=10, touchpoints=10)
    world = generate(size, seed=7, slug="gen-profitability")
    today = world.today
    # The reference is the report as it was before MONEY.md's history rules: it counts no expenses or credit notes,
    # gives a client's whole history to today's AM, and a retainer its days up to its end date. The generated agency
    # has all of these (devdata/scale: expenses, credit notes, AM changes, cancelled retainers), so the comparison
    # runs on it with them taken out: what the reference computes (time, fees, retainers) must still be equal to the
    # cent. The rules the reference lacks are held by test_money_oracle.py and test_money_rules.py.
    assert Expense.objects.filter(workspace=world.workspace).exists() and world.stopped
    assert Invoice.objects.filter(workspace=world.workspace, kind="credit_note").exists()
    assert AccountManagerChange.objects.filter(client__workspace=world.workspace).count() > len(world.clients)
    Expense.objects.filter(workspace=world.workspace).delete()
    Invoice.objects.filter(workspace=world.workspace, kind="credit_note").delete()
    AccountManagerChange.objects.filter(client__workspace=world.workspace).delete()  # today's AM all along
    for project_id, last_day in world.stopped.items():  # a cancelled retainer ends on its last active day
        Project.objects.filter(pk=project_id).update(end_date=last_day)
    memberships = Membership.objects.filter(workspace=world.workspace).select_related("user")
    actors = [
        Actor.for_membership(m)
        for role in ("owner", "project_manager", "account_manager")
        if (m := memberships.filter(role=role).first())
    ]
    ranges = [
        (None, None),
        (today.replace(year=today.year - 1) + timedelta(days=1), today),  # the benchmark's year
        (date(today.year - 1, 3, 2), date(today.year - 1, 3, 30)),  # one month, most of it
        (date(today.year - 1, 3, 20), date(today.year - 1, 4, 3)),  # two partial months
        (date(today.year - 1, 2, 10), date(today.year - 1, 9, 25)),
        (None, date(today.year - 1, 6, 17)),
        (date(today.year - 1, 7, 9), None),
    ]
    for actor in actors:
        for date_from, date_to in ranges:
            for group_by in GROUPS:
                assert_same(actor, group_by=group_by, date_from=date_from, date_to=date_to, today=today)


# --- The API's JSON -------------------------------------------------------------------------------------------------


def test_api_body_is_what_the_schema_serialises(personas_for_hypothesis):
    from ninja.responses import NinjaJSONEncoder

    from baton.finance.api.reports import ProfitabilityOut

    personas = personas_for_hypothesis
    with transaction.atomic():
        fee = make_project(personas, "Fee", billing="fixed_fee", budget_amount="9000.00", budget_minutes=700)
        euro = make_project(personas, "Euro", currency="EUR", client_id=personas.client_b.id)
        log(personas, "member", fee, 200, day=date(2026, 2, 10))
        log(personas, "pm", fee, 100, day=date(2026, 3, 10), billable=False)
        log(personas, "member", euro, 95, day=date(2026, 3, 11))
        for group_by in GROUPS:
            url = f"/api/v1/reports/profitability?group_by={group_by}&from=2026-02-01"
            response = personas["finance"].api().get(url)
            assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
            report = profitability(actor=personas["finance"].actor, group_by=group_by, date_from=date(2026, 2, 1))
            expected = ProfitabilityOut.model_validate(
                {
                    "group_by": report.group_by,
                    "currency": report.currency,
                    "from": report.date_from,
                    "to": report.date_to,
                    "rows": [r.as_dict() for r in report.rows],
                    "totals": report.totals.as_dict(),
                    "warnings": report.warnings,
                    "write_downs": [{k: v for k, v in w.items() if k != "month_label"} for w in report.write_downs],
                }
            ).model_dump(by_alias=True)
            assert response.content.decode() == json.dumps(expected, cls=NinjaJSONEncoder)
        transaction.set_rollback(True)
