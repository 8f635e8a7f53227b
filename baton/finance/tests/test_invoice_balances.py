"""What the client owes (MONEY.md §5): drafts from time take approved un-invoiced time up to today by default and say
what they left out; balance = total - payments - issued credit notes, negative when a refund is owed; refunds are
negative payments; receivables and credits owed shown side by side on the pages and in the API, never netted; a
credit note never credits more than is left to credit."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.core.models import Event
from baton.devdata.testing.finance import approve_week, log, make_project, make_task
from baton.devdata.testing.personas import PASSWORD
from baton.finance.models import Invoice, Payment
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db
JSON = "application/json"
SUNDAY = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # the week of Monday 30 Nov ends today


def login(personas, who):
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    return client


def by_hand(api, client_id, amount, *, issue=True):
    body = {"client_id": client_id, "lines": [{"description": "Work", "quantity": "1", "unit_price": amount}]}
    invoice = api.post("/api/v1/invoices", body, content_type=JSON).json()
    if issue:
        invoice = api.post(f"/api/v1/invoices/{invoice['id']}/issue").json()
    return invoice


def page_figures(html: str, kind: str) -> dict[str, str]:
    """{currency: amount} of the receivable (`ar`) or credits owed (`credits-owed`) figures a page shows."""
    pattern = rf'class="{kind}" data-currency="([A-Z]{{3}})" data-amount="(-?[0-9.]+)">([0-9,.-]+) <small>'
    found = re.findall(pattern, html)
    assert found, f"no {kind} figure on the page"
    for _, raw, shown in found:
        assert shown.replace(",", "") == raw  # what the eye reads is the figure
    return {code: raw for code, raw, _ in found}


# --- A credit note on a partly paid invoice ---------------------------------------------------------------------


def test_credit_note_on_a_partly_paid_invoice_shows_a_negative_balance_and_ar_and_credits_owed_separately(personas):
    api = personas["finance"].api()
    invoice = by_hand(api, personas.client_a.id, "1000.00")
    by_hand(api, personas.client_b.id, "300.00")  # unpaid: receivable
    part = api.post(f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "600.00"}, content_type=JSON)
    assert part.status_code == 201 and part.json()["balance_due"] == "400.00" and part.json()["status"] == "sent"

    note = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-note",
        {"lines": [{"description": "Scope cut", "quantity": "1", "unit_price": "500.00"}]},
        content_type=JSON,
    ).json()
    drafted = api.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert drafted["balance_due"] == "400.00"  # a draft credit note changes nothing yet
    issued = api.post(f"/api/v1/invoices/{note['id']}/issue").json()
    assert issued["total"] == "-500.00" and issued["balance_due"] == "0.00"

    body = api.get(f"/api/v1/invoices/{invoice['id']}").json()
    # 1000 - 600 paid - 500 credited: 100 is owed back to the client, not hidden as 0.00.
    assert body["balance_due"] == "-100.00" and body["refund_owed"] == "100.00"
    assert body["status"] == "paid" and body["amount_credited"] == "500.00"

    report = api.get("/api/v1/reports/receivables").json()
    assert report["currency"] == "USD"
    assert (report["receivable"], report["credits_owed"]) == ("300.00", "100.00")  # never netted to 200.00
    assert report["by_currency"] == [
        {
            "currency": "USD",
            "receivable": "300.00",
            "credits_owed": "100.00",
            "open_invoices": 1,
            "overdue_invoices": 0,
            "refunds_owed": 1,
        }
    ]
    # The pages show the same figures as the API, side by side.
    web = login(personas, "finance")
    for url in ("/finance/", "/finance/invoices/", "/"):
        html = web.get(url).content.decode()
        assert page_figures(html, "ar") == {"USD": report["receivable"]}, url
        assert page_figures(html, "credits-owed") == {"USD": report["credits_owed"]}, url
        assert "credits owed to clients" in html
    detail = web.get(f"/finance/invoices/{invoice['id']}/").content.decode()
    assert "Refund owed to the client" in detail and "Record refund" in detail
    assert "100.00 refund owed" in web.get("/finance/invoices/").content.decode()
    pdf = b"".join(api.get(f"/api/v1/invoices/{invoice['id']}/pdf").streaming_content)
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    assert any(b"Refund owed to you" in zlib.decompress(s) for s in streams if s[:1] == b"x")

    # A refund is a negative payment, at most the refund owed.
    too_much = api.post(f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "-150.00"}, content_type=JSON)
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "amount"
    more_pay = api.post(f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "10.00"}, content_type=JSON)
    assert more_pay.status_code == 422 and more_pay.json()["errors"][0]["field"] == "amount"
    assert Payment.objects.filter(invoice_id=invoice["id"]).count() == 1
    refund = api.post(
        f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "-100.00", "reference": "REF-1"}, content_type=JSON
    )
    assert refund.status_code == 201, refund.content
    after = refund.json()
    assert (after["balance_due"], after["refund_owed"], after["amount_paid"], after["status"]) == (
        "0.00",
        "0.00",
        "500.00",
        "paid",
    )
    assert [p["amount"] for p in after["payments"]] == ["600.00", "-100.00"]
    assert Event.objects.filter(verb="payment.recorded", target_id=after["payments"][1]["id"]).get().data["refund"]
    report = api.get("/api/v1/reports/receivables").json()
    assert (report["receivable"], report["credits_owed"]) == ("300.00", "0.00")
    html = web.get("/finance/").content.decode()
    assert page_figures(html, "credits-owed") == {"USD": "0.00"}
    again = api.post(f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "-1.00"}, content_type=JSON)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "amount"


def test_balance_is_zero_for_drafts_void_and_credit_notes_and_the_report_follows_who_sees_what(personas):
    api = personas["finance"].api()
    draft = by_hand(api, personas.client_a.id, "200.00", issue=False)
    assert draft["balance_due"] == "0.00"
    void = by_hand(api, personas.client_a.id, "50.00")
    assert api.post(f"/api/v1/invoices/{void['id']}/void").json()["balance_due"] == "0.00"
    eur = api.post(
        "/api/v1/invoices",
        {"client_id": personas.client_b.id, "currency": "EUR", "lines": [{"description": "X", "unit_price": "70.00"}]},
        content_type=JSON,
    ).json()
    api.post(
        f"/api/v1/invoices/{eur['id']}/issue",
        {"due_date": "2020-01-31", "issue_date": "2020-01-01"},
        content_type=JSON,
    )
    by_hand(api, personas.client_a.id, "120.00")
    report = api.get("/api/v1/reports/receivables").json()
    assert [(r["currency"], r["receivable"], r["overdue_invoices"]) for r in report["by_currency"]] == [
        ("EUR", "70.00", 1),
        ("USD", "120.00", 0),
    ]
    assert report["receivable"] == "120.00"  # the workspace currency's; other currencies are never converted here
    html = login(personas, "finance").get("/finance/invoices/").content.decode()
    assert page_figures(html, "ar") == {"EUR": "70.00", "USD": "120.00"}
    # An AM sees its clients' (client A) only; a client-role user and a member get no report.
    assert personas["am"].api().get("/api/v1/reports/receivables").json()["by_currency"][0]["receivable"] == "120.00"
    assert personas["client_a"].api().get("/api/v1/reports/receivables").status_code == 403
    assert personas["member"].api().get("/api/v1/reports/receivables").status_code == 403
    only_b = api.get(f"/api/v1/reports/receivables?client_id={personas.client_b.id}").json()
    assert [r["currency"] for r in only_b["by_currency"]] == ["EUR"] and only_b["receivable"] == "0.00"


# --- Credit notes never credit more than is left -----------------------------------------------------------------


def test_a_credit_note_larger_than_what_is_left_to_credit_is_refused_naming_lines(personas):
    api = personas["finance"].api()
    invoice = by_hand(api, personas.client_a.id, "300.00")
    before = Invoice.objects.count()
    too_big = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-note",
        {"lines": [{"description": "Everything and more", "unit_price": "300.01"}]},
        content_type=JSON,
    )
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "lines"
    assert Invoice.objects.count() == before
    # Through POST /invoices too, and a draft already holding part of the room counts.
    first = api.post(
        "/api/v1/invoices",
        {
            "kind": "credit_note",
            "credit_for_id": invoice["id"],
            "lines": [{"description": "Part", "quantity": "2", "unit_price": "100.00"}],
        },
        content_type=JSON,
    )
    assert first.status_code == 201, first.content
    assert first.json()["kind"] == "credit_note" and first.json()["total"] == "-200.00"
    assert first.json()["credit_for_id"] == invoice["id"] and first.json()["client_id"] == personas.client_a.id
    second = api.post(
        "/api/v1/invoices",
        {
            "kind": "credit_note",
            "credit_for_id": invoice["id"],
            "lines": [{"description": "Rest and more", "unit_price": "100.01"}],
        },
        content_type=JSON,
    )
    assert second.status_code == 422 and second.json()["errors"][0]["field"] == "lines"
    # Growing the draft past the room is refused as well (a PATCH of its lines), and nothing changes.
    grow = api.patch(
        f"/api/v1/invoices/{first.json()['id']}",
        {"lines": [{"description": "Part", "quantity": "3", "unit_price": "101.00"}]},
        content_type=JSON,
        headers={"If-Match": str(first.json()["version"])},
    )
    assert grow.status_code == 422 and grow.json()["errors"][0]["field"] == "lines"
    assert Invoice.objects.get(pk=first.json()["id"]).total == Decimal("-200.00")
    assert Invoice.objects.count() == before + 1
    missing = api.post(
        "/api/v1/invoices",
        {"kind": "credit_note", "lines": [{"description": "X", "unit_price": "1.00"}]},
        content_type=JSON,
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "credit_for_id"
    rest = api.post(
        "/api/v1/invoices",
        {
            "kind": "credit_note",
            "credit_for_id": invoice["id"],
            "lines": [{"description": "Rest", "unit_price": "100"}],
        },
        content_type=JSON,
    )
    assert rest.status_code == 201
    assert api.post(f"/api/v1/invoices/{first.json()['id']}/issue").status_code == 200
    assert api.post(f"/api/v1/invoices/{rest.json()['id']}/issue").status_code == 200
    credited = api.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert (credited["balance_due"], credited["status"]) == ("0.00", "paid")  # fully credited, nothing paid


# --- Drafts from time -------------------------------------------------------------------------------------------


@pytest.fixture
def week_of_30_nov(personas):
    """A T&M project with approved time on every day of the week of Mon 30 Nov - Sun 6 Dec 2026 (and October), and
    the PM's unapproved time in the same week; the clock is frozen on Sunday 6 Dec."""
    with time_machine.travel(SUNDAY, tick=False):
        project = make_project(personas, "Winter campaign")
        task = make_task(personas, project, "Campaign")
        approved = [log(personas, "member", project, 60, day=date(2026, 10, 14), task=task)]
        approved += [log(personas, "member", project, 30, day=date(2026, 11, 30 + d), task=task) for d in range(1)]
        approved += [log(personas, "member", project, 30, day=date(2026, 12, d), task=task) for d in range(1, 7)]
        approve_week(personas, "member", date(2026, 10, 14))
        approve_week(personas, "member", date(2026, 11, 30))
        unapproved = [
            log(personas, "pm", project, 90, day=date(2026, 12, 1), task=task),
            log(personas, "pm", project, 45, day=date(2026, 12, 6), task=task),
        ]
        log(personas, "pm", project, 300, day=date(2026, 12, 2), task=task, billable=False)  # never invoiced
        yield project, approved, unapproved


def test_draft_from_time_by_default_takes_all_approved_time_up_to_today_and_counts_what_it_left_out(
    personas, week_of_30_nov
):
    project, approved, unapproved = week_of_30_nov
    with time_machine.travel(SUNDAY, tick=False):
        response = (
            personas["finance"]
            .api()
            .post("/api/v1/invoices/draft-from-time", {"project_id": project.id}, content_type=JSON)
        )
        assert response.status_code == 201, response.content
        body = response.json()
        taken = sorted(i for line in body["lines"] for i in line["time_entry_ids"])
        assert taken == sorted(e.id for e in approved)  # the whole week of 30 Nov - 6 Dec and October, approved only
        assert body["subtotal"] == str(sum((e.bill_amount for e in approved), Decimal("0.00")))
        assert body["left_out_minutes"] == 135  # the PM's 1:30 + 0:45 of unapproved billable time
        assert (body["period_start"], body["period_end"]) == ("2026-10-14", "2026-12-06")
        assert not TimeEntry.objects.filter(pk__in=[e.id for e in unapproved], invoice_line__isnull=False).exists()
        page = login(personas, "finance").get(f"/finance/invoices/{body['id']}/").content.decode()
        assert "2 h 15 min of billable time in the period was left out because its weeks are not approved yet" in page
        # Nothing approved left: the 422 says why the rest is left out.
        again = (
            personas["finance"]
            .api()
            .post("/api/v1/invoices/draft-from-time", {"project_id": project.id}, content_type=JSON)
        )
        assert again.status_code == 422 and again.json()["errors"][0]["field"] == "project_id"
        assert "2 h 15 min" in again.json()["errors"][0]["message"]


def test_draft_from_time_with_include_unapproved_takes_unapproved_time_too(personas, week_of_30_nov):
    project, approved, unapproved = week_of_30_nov
    with time_machine.travel(SUNDAY, tick=False):
        body = (
            personas["finance"]
            .api()
            .post(
                "/api/v1/invoices/draft-from-time",
                {"project_id": project.id, "period_start": "2026-11-30", "include_unapproved": True},
                content_type=JSON,
            )
            .json()
        )
        taken = sorted(i for line in body["lines"] for i in line["time_entry_ids"])
        assert taken == sorted(e.id for e in approved[1:] + unapproved)  # from 30 Nov on
        assert body["left_out_minutes"] == 0
        assert (body["period_start"], body["period_end"]) == ("2026-11-30", "2026-12-06")
        late = (
            personas["finance"]
            .api()
            .post(
                "/api/v1/invoices/draft-from-time",
                {"project_id": project.id, "period_start": "2026-12-07"},
                content_type=JSON,
            )
        )
        assert late.status_code == 422 and late.json()["errors"][0]["field"] == "period_start"


def test_the_draft_from_time_form_defaults_to_everything_up_to_today(personas, week_of_30_nov):
    project, approved, _ = week_of_30_nov
    with time_machine.travel(SUNDAY, tick=False):
        web = login(personas, "finance")
        form = web.get(f"/finance/invoices/from-time/?project={project.id}").content.decode()
        assert 'name="period_end" value="2026-12-06"' in form
        assert re.search(r'<input type="date" name="period_start"(?![^>]*value=)', form)  # no start: everything
        assert 'name="include_unapproved"' in form and "Include unapproved time" in form
        response = web.post(
            "/finance/invoices/from-time/", {"project_id": project.id, "period_end": "2026-12-06", "tax_rate": "0"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        invoice = Invoice.objects.get()
        assert invoice.left_out_minutes == 135 and invoice.lines.get().time_entries.count() == len(approved)
        shown = web.get(response["Location"]).content.decode()
        assert "2 h 15 min of billable time in the period was left out" in shown
