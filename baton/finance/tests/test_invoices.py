"""Invoices: drafts from time (lines = sums of bill_amount), fees, milestones, retainers, by hand; issuing with
gapless numbers; payments; void; credit notes; PDF; who sees what; totals = sum of lines (property)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baton.core.models import Event
from baton.delivery import services as delivery
from baton.devdata.testing.finance import approve_week, log, make_project, make_task
from baton.finance import services
from baton.finance.models import Invoice
from baton.finance.services.invoices import line_amount, totals_of
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db
JSON = "application/json"
MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-31"}


def draft(personas, project, who="finance", **body):
    return (
        personas[who]
        .api()
        .post("/api/v1/invoices/draft-from-time", {"project_id": project.id, **MARCH, **body}, content_type=JSON)
    )


@pytest.fixture
def billed(personas):
    project = make_project(personas)
    design, build = make_task(personas, project, "Design"), make_task(personas, project, "Build")
    entries = [
        log(personas, "member", project, 20, day=date(2026, 3, 2), task=design),  # 40.00
        log(personas, "member", project, 25, day=date(2026, 3, 3), task=design),  # 50.00
        log(personas, "pm", project, 7, day=date(2026, 3, 4), task=build),  # 14.00
        log(personas, "member", project, 60, day=date(2026, 3, 5), task=build, billable=False),
        log(personas, "member", project, 60, day=date(2026, 4, 1), task=build),  # outside the period
    ]
    for who, day in (("member", date(2026, 3, 2)), ("pm", date(2026, 3, 2)), ("member", date(2026, 3, 30))):
        approve_week(personas, who, day)
    return project, entries


def test_draft_from_time_groups_entries_and_sums_their_bill_amounts(personas, billed):
    project, entries = billed
    response = draft(personas, project)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["number"] is None and body["source"] == "time"
    assert body["client_id"] == personas.client_a.id and body["currency"] == "USD"
    lines = {line["description"].split(" (")[0]: line for line in body["lines"]}
    assert lines["Design"]["amount"] == "90.00" and sorted(lines["Design"]["time_entry_ids"]) == [
        entries[0].id,
        entries[1].id,
    ]
    assert lines["Build"]["amount"] == "14.00" and lines["Build"]["time_entry_ids"] == [entries[2].id]
    assert body["subtotal"] == "104.00" and body["total"] == "104.00"
    # Nothing left to draft in the period now: its time is reserved by the draft.
    again = draft(personas, project)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "project_id"
    assert not TimeEntry.objects.filter(invoiced=True).exists()


def test_issue_assigns_the_next_number_and_marks_time_invoiced(personas, billed):
    project, entries = billed
    first = draft(personas, project).json()
    issued = personas["finance"].api().post(f"/api/v1/invoices/{first['id']}/issue")
    assert issued.status_code == 200, issued.content
    body = issued.json()
    assert body["status"] == "sent" and body["number"] == "INV-00001" and body["issue_date"] is not None
    assert TimeEntry.objects.filter(invoiced=True).count() == 3
    assert personas["finance"].api().get(f"/api/v1/time-entries/{entries[0].id}").json()["invoiced"] is True
    assert Event.objects.filter(verb="invoice.issued", target_id=first["id"]).exists()
    assert personas["finance"].api().post(f"/api/v1/invoices/{first['id']}/issue").status_code == 409
    april = draft(personas, project, period_start="2026-04-01", period_end="2026-04-30").json()
    assert (
        personas["finance"]
        .api()
        .post(f"/api/v1/invoices/{april['id']}/issue", {"issue_date": "2026-05-01"}, content_type=JSON)
        .json()["number"]
        == "INV-00002"
    )


def test_tax_and_rounding(personas, billed):
    project, _ = billed
    body = draft(personas, project, tax_rate="17.50").json()
    # 104.00 x 17.5 % = 18.20
    assert (body["subtotal"], body["tax"], body["total"]) == ("104.00", "18.20", "122.20")
    manual = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/invoices",
            {
                "client_id": personas.client_a.id,
                "tax_rate": "20.00",
                "lines": [
                    {"description": "Workshop", "quantity": "1.50", "unit_price": "333.33"},
                    {"description": "Discount", "quantity": "1", "unit_price": "-50.00"},
                ],
            },
            content_type=JSON,
        )
        .json()
    )
    # 1.5 x 333.33 = 499.995 -> 500.00 (half up); subtotal 450.00; tax 90.00
    assert [line["amount"] for line in manual["lines"]] == ["500.00", "-50.00"]
    assert (manual["subtotal"], manual["tax"], manual["total"]) == ("450.00", "90.00", "540.00")


def test_payments_void_and_credit_notes(personas, billed):
    project, _ = billed
    api = personas["finance"].api()
    invoice_id = draft(personas, project).json()["id"]
    api.post(f"/api/v1/invoices/{invoice_id}/issue")
    too_much = api.post(f"/api/v1/invoices/{invoice_id}/payments", {"amount": "500.00"}, content_type=JSON)
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "amount"
    part = api.post(
        f"/api/v1/invoices/{invoice_id}/payments", {"amount": "100.00", "method": "bank"}, content_type=JSON
    )
    assert part.status_code == 201
    assert part.json()["status"] == "sent" and part.json()["balance_due"] == "4.00"
    assert api.post(f"/api/v1/invoices/{invoice_id}/void").status_code == 409  # it has payments
    paid = api.post(f"/api/v1/invoices/{invoice_id}/payments", {"amount": "4.00"}, content_type=JSON).json()
    assert paid["status"] == "paid" and paid["amount_paid"] == "104.00" and len(paid["payments"]) == 2
    assert Event.objects.filter(verb="payment.recorded").count() == 2
    assert Event.objects.filter(verb="invoice.paid", target_id=invoice_id).count() == 1
    # A credit note corrects the paid invoice.
    note = api.post(
        f"/api/v1/invoices/{invoice_id}/credit-note",
        {"lines": [{"description": "Goodwill", "quantity": "1", "unit_price": "20.00"}]},
        content_type=JSON,
    )
    assert note.status_code == 201
    assert note.json()["kind"] == "credit_note" and note.json()["total"] == "-20.00"
    issued = api.post(f"/api/v1/invoices/{note.json()['id']}/issue").json()
    assert issued["number"] == "CN-00001"
    assert Invoice.objects.get(pk=invoice_id).amount_credited == Decimal("20.00")
    too_big = api.post(
        f"/api/v1/invoices/{invoice_id}/credit-note",
        {"lines": [{"description": "All of it", "unit_price": "100.00"}]},
        content_type=JSON,
    )
    assert too_big.status_code == 422


def test_void_releases_time_and_keeps_the_number_used(personas, billed):
    project, _ = billed
    api = personas["finance"].api()
    invoice_id = draft(personas, project).json()["id"]
    api.post(f"/api/v1/invoices/{invoice_id}/issue")
    voided = api.post(f"/api/v1/invoices/{invoice_id}/void", {"reason": "Wrong PO"}, content_type=JSON)
    assert voided.status_code == 200 and voided.json()["status"] == "void" and voided.json()["number"] == "INV-00001"
    assert not TimeEntry.objects.filter(invoiced=True).exists()
    second = draft(personas, project).json()
    assert second["total"] == "104.00"
    assert api.post(f"/api/v1/invoices/{second['id']}/issue").json()["number"] == "INV-00002"
    assert api.delete(f"/api/v1/invoices/{second['id']}").status_code == 409


def test_deleting_a_draft_releases_its_time(personas, billed):
    project, _ = billed
    invoice_id = draft(personas, project).json()["id"]
    assert personas["finance"].api().delete(f"/api/v1/invoices/{invoice_id}").status_code == 204
    assert draft(personas, project).status_code == 201


def test_fixed_fee_in_full_or_by_milestone(personas):
    project = make_project(personas, billing="fixed_fee", budget_amount="9000.00")
    milestone = delivery.milestone_create(
        actor=personas["owner"].actor, project=project, name="Design", amount=Decimal("3000.00")
    )
    api = personas["finance"].api()
    by_milestone = api.post(
        "/api/v1/invoices/draft-from-fee", {"project_id": project.id, "milestone_id": milestone.id}, content_type=JSON
    )
    assert by_milestone.status_code == 201 and by_milestone.json()["total"] == "3000.00"
    twice = api.post(
        "/api/v1/invoices/draft-from-fee", {"project_id": project.id, "milestone_id": milestone.id}, content_type=JSON
    )
    assert twice.status_code == 409
    rest = api.post("/api/v1/invoices/draft-from-fee", {"project_id": project.id}, content_type=JSON)
    assert rest.status_code == 201 and rest.json()["total"] == "6000.00"
    done = api.post("/api/v1/invoices/draft-from-fee", {"project_id": project.id}, content_type=JSON)
    assert done.status_code == 409


def test_retainer_period(personas):
    project = make_project(
        personas,
        "Care plan",
        billing="retainer",
        retainer_period="month",
        period_budget_amount="4500.00",
        period_budget_minutes=1800,
    )
    api = personas["finance"].api()
    response = api.post(
        "/api/v1/invoices/draft-from-retainer", {"project_id": project.id, "period": "2026-03-17"}, content_type=JSON
    )
    assert response.status_code == 201
    body = response.json()
    assert body["total"] == "4500.00" and body["period_start"] == "2026-03-01" and body["period_end"] == "2026-03-31"
    assert (
        api.post(
            "/api/v1/invoices/draft-from-retainer",
            {"project_id": project.id, "period": "2026-03-02"},
            content_type=JSON,
        ).status_code
        == 409
    )
    wrong = api.post(
        "/api/v1/invoices/draft-from-retainer",
        {"project_id": make_project(personas, "TM").id, "period": "2026-03-02"},
        content_type=JSON,
    )
    assert wrong.status_code == 422


def test_pdf(personas, billed):
    project, _ = billed
    invoice_id = draft(personas, project).json()["id"]
    personas["finance"].api().post(f"/api/v1/invoices/{invoice_id}/issue")
    response = personas["finance"].api().get(f"/api/v1/invoices/{invoice_id}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-") and b"INV-00001" in content
    assert personas["client_a"].api().get(f"/api/v1/invoices/{invoice_id}/pdf").status_code == 200


def test_who_sees_invoices(personas, billed):
    project, _ = billed
    drafted = draft(personas, project).json()["id"]
    issued = draft(personas, project, period_start="2026-04-01", period_end="2026-04-30").json()["id"]
    personas["finance"].api().post(f"/api/v1/invoices/{issued}/issue")
    other = make_project(personas, "B work", client_id=personas.client_b.id, project_manager_id=None)
    log(personas, "member", other, 60, day=date(2026, 3, 9))
    theirs = draft(personas, other, include_unapproved=True).json()["id"]
    portal = personas["client_a"].api()
    assert [i["id"] for i in portal.get("/api/v1/invoices").json()["results"]] == [issued]
    assert portal.get(f"/api/v1/invoices/{drafted}").status_code == 404
    assert portal.get(f"/api/v1/invoices/{theirs}").status_code == 404
    assert {i["id"] for i in personas["am"].api().get("/api/v1/invoices").json()["results"]} == {drafted, issued}
    assert {i["id"] for i in personas["pm"].api().get("/api/v1/invoices").json()["results"]} == {drafted, issued}
    assert personas["member"].api().get("/api/v1/invoices").status_code == 403
    assert personas["am"].api().post(f"/api/v1/invoices/{drafted}/issue").status_code == 403
    assert draft(personas, project, who="pm").status_code == 403
    assert personas["outsider"].api().get(f"/api/v1/invoices/{issued}").status_code == 404


def test_bad_input_names_fields(personas, billed):
    project, _ = billed
    response = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/invoices/draft-from-time",
            {"project_id": project.id, "period_start": "2026-03-31", "period_end": "2026-03-01", "tax_rate": "150"},
            content_type=JSON,
        )
    )
    assert response.status_code == 422
    assert "tax_rate" in {e["field"] for e in response.json()["errors"]}
    response = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/invoices/draft-from-time",
            {"project_id": project.id, "period_start": "2026-03-31", "period_end": "2026-03-01"},
            content_type=JSON,
        )
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period_end"
    assert Invoice.objects.count() == 0


money = st.decimals(min_value=Decimal("-100000"), max_value=Decimal("100000"), places=2)
quantity = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2)
rate = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)


@given(lines=st.lists(st.tuples(quantity, money), min_size=1, max_size=12), tax_rate=rate)
def test_property_totals_are_the_sum_of_lines(lines, tax_rate):
    amounts = [line_amount(q, p) for q, p in lines]
    subtotal, tax, total = totals_of(amounts, tax_rate)
    assert subtotal == sum(amounts, Decimal("0"))
    assert total == subtotal + tax
    assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in (subtotal, tax, total))


@settings(max_examples=15, deadline=None)
@given(lines=st.lists(st.tuples(quantity, money.filter(lambda m: m >= 0)), min_size=1, max_size=6), tax_rate=rate)
def test_property_stored_invoice_totals_are_the_sum_of_its_lines(personas_for_hypothesis, lines, tax_rate):
    personas = personas_for_hypothesis
    invoice = services.invoice_create(
        actor=personas["finance"].actor,
        client_id=personas.client_a.id,
        tax_rate=tax_rate,
        lines=[{"description": f"Line {i}", "quantity": q, "unit_price": p} for i, (q, p) in enumerate(lines)],
    )
    stored = list(invoice.lines.values_list("amount", flat=True))
    assert invoice.subtotal == sum(stored, Decimal("0"))
    assert invoice.total == invoice.subtotal + invoice.tax
    assert invoice.tax == (invoice.subtotal * tax_rate / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
