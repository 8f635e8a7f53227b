"""Quotes: totals (cents half up, discounts, optional items), rates from the rate card, sending (e-mail with the PDF,
revisions), accepting (the project with its budget, minutes, milestones and scope baseline; twice: 409), declining,
the portal, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient

from baton.core.models import Event
from baton.delivery.models import Milestone, Project
from baton.devdata.testing.finance import make_project
from baton.devdata.testing.personas import PASSWORD
from baton.finance.models import Quote
from baton.finance.services import quotes as services
from baton.rates.services import bill_rate_create

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOW = "2026-05-04T10:00:00Z"  # the fixture data's spring; valid_until counts from here


def login(personas, who):
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    return client


def lines():
    return [
        {"description": "Discovery workshop", "quantity": "1.5", "unit_price": "33.33", "phase": "Discovery"},
        {"description": "Design", "role": "Designer", "quantity": "10", "unit_price": "100.00", "phase": "Design"},
        {"description": "Build", "quantity": "2", "unit_price": "500.00", "minutes": 900, "phase": "Build"},
        {"description": "Extra page", "quantity": "1", "unit_price": "250.00", "optional": True},
    ]


def create(persona, **body):
    data = {"client_id": body.pop("client_id", None), "title": "Website relaunch", "lines": lines(), "tax_rate": "20"}
    data |= body
    if data["client_id"] is None:
        data.pop("client_id")
    return persona.api().post("/api/v1/quotes", data, content_type=JSON)


def made(personas, persona="am", **body):
    body.setdefault("client_id", personas.client_a.id)
    response = create(personas[persona], **body)
    assert response.status_code == 201, response.content
    return response.json()


@time_machine.travel(NOW, tick=False)
def test_totals_are_cents_half_up_with_discount_and_optional_items(personas):
    body = made(personas, discount_pct="10.00")
    amounts = [line["amount"] for line in body["lines"]]
    assert amounts == ["50.00", "1000.00", "1000.00", "250.00"]  # 1.5 x 33.33 = 49.995 -> 50.00
    assert body["lines_total"] == "2050.00"  # the optional line is left out
    assert body["discount_amount"] == "205.00"
    assert body["subtotal"] == "1845.00"
    assert body["tax"] == "369.00"
    assert body["total"] == "2214.00"
    assert body["status"] == "draft" and body["revision"] == 0
    assert body["lines"][1]["minutes"] == 600  # a line by role sells its hours
    assert body["lines"][0]["minutes"] is None
    assert Event.objects.filter(verb="quote.created", target_id=body["id"]).count() == 1


@time_machine.travel(NOW, tick=False)
def test_tax_rounds_half_up(personas):
    body = made(personas, lines=[{"description": "One", "unit_price": "0.25"}], tax_rate="10.00")
    assert (body["subtotal"], body["tax"], body["total"]) == ("0.25", "0.03", "0.28")  # 0.025 -> 0.03


@time_machine.travel(NOW, tick=False)
def test_lines_by_role_or_person_take_the_rate_card(personas):
    bill_rate_create(actor=personas["owner"].actor, scope="role", role="Strategist", rate="180.00")
    body = made(
        personas,
        lines=[
            {"description": "Strategy", "role": "Strategist", "quantity": "2"},
            {"description": "Design", "person_id": personas["member"].person.id, "quantity": "3"},
            {"description": "Fixed item", "unit_price": "99.00", "role": "Strategist"},
        ],
    )
    strategy, design, fixed = body["lines"]
    assert (strategy["unit_price"], strategy["amount"], strategy["minutes"]) == ("180.00", "360.00", 120)
    assert strategy["rate_source"].startswith("rate card")
    assert (design["unit_price"], design["amount"], design["minutes"]) == ("120.00", "360.00", 180)
    assert fixed["unit_price"] == "99.00" and fixed["rate_source"] == ""


@time_machine.travel(NOW, tick=False)
def test_bad_input_names_every_field_and_saves_nothing(personas):
    response = create(
        personas["am"],
        client_id=personas.client_a.id,
        lines=[{"description": "x", "unit_price": "1.00", "person_id": 999999}],
        deal_id=999999,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"lines.0.person_id", "deal_id"} <= fields
    assert not Quote.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_send_emails_the_pdf_to_the_primary_contact(personas, django_capture_on_commit_callbacks):
    body = made(personas, valid_until=str(date(2026, 6, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        sent = personas["am"].api().post(f"/api/v1/quotes/{body['id']}/send")
    assert sent.status_code == 200, sent.content
    data = sent.json()
    assert data["status"] == "sent" and data["sent_at"] and data["revision"] == 1
    assert [r["revision"] for r in data["revisions"]] == [1]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cara@a.test"]
    assert "/relationships/portal/" in message.body
    (name, content, mimetype), *_ = message.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    assert Event.objects.filter(verb="quote.sent", target_id=body["id"]).count() == 1


@time_machine.travel(NOW, tick=False)
def test_send_without_a_primary_contact_names_client_id(personas, django_capture_on_commit_callbacks):
    body = made(personas, persona="owner", client_id=personas.client_b.id)
    with django_capture_on_commit_callbacks(execute=True):
        response = personas["owner"].api().post(f"/api/v1/quotes/{body['id']}/send")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["client_id"]
    assert Quote.objects.get(pk=body["id"]).status == "draft"
    assert not mail.outbox


@time_machine.travel(NOW, tick=False)
def test_a_changed_version_sent_again_is_the_next_revision(personas, django_capture_on_commit_callbacks):
    body = made(personas)
    api = personas["am"].api()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/quotes/{body['id']}/send")
        assert (
            api.patch(
                f"/api/v1/quotes/{body['id']}", {"title": "x"}, content_type=JSON, headers={"If-Match": "2"}
            ).status_code
            == 409
        )
        revised = api.post(f"/api/v1/quotes/{body['id']}/revise").json()
        assert revised["status"] == "draft"
        patched = api.patch(
            f"/api/v1/quotes/{body['id']}",
            {"discount_pct": "5.00"},
            content_type=JSON,
            headers={"If-Match": str(revised["version"])},
        )
        assert patched.status_code == 200, patched.content
        again = api.post(f"/api/v1/quotes/{body['id']}/send").json()
    assert again["revision"] == 2
    assert [r["snapshot"]["discount_pct"] for r in again["revisions"]] == ["0.00", "5.00"]
    assert len(mail.outbox) == 2


def _sent(personas, django_capture_on_commit_callbacks, **body):
    quote = made(personas, **body)
    with django_capture_on_commit_callbacks(execute=True):
        assert personas["am"].api().post(f"/api/v1/quotes/{quote['id']}/send").status_code == 200
    return quote


@time_machine.travel(NOW, tick=False)
def test_accept_creates_the_project_with_budget_milestones_and_baseline(personas, django_capture_on_commit_callbacks):
    quote = _sent(personas, django_capture_on_commit_callbacks)
    api = personas["am"].api()
    line_ids = [line["id"] for line in quote["lines"]]
    response = api.post(f"/api/v1/quotes/{quote['id']}/accept", {"optional_line_ids": [line_ids[3]]}, content_type=JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["quote"]["status"] == "accepted" and body["quote"]["decided_at"]
    assert body["quote"]["subtotal"] == "2300.00"  # the optional line was chosen
    project = Project.objects.get(pk=body["project_id"])
    assert (project.name, project.status, project.billing) == ("Website relaunch", "planned", "fixed_fee")
    assert project.client_id == personas.client_a.id
    assert project.budget_amount == Decimal("2300.00")
    assert project.budget_minutes == 600 + 900
    assert list(Milestone.objects.filter(project=project).order_by("id").values_list("name", flat=True)) == [
        "Discovery",
        "Design",
        "Build",
    ]
    baseline = api.get(f"/api/v1/projects/{project.id}/scope-baseline")
    assert baseline.status_code == 200, baseline.content
    data = baseline.json()
    assert data["quote_id"] == quote["id"] and data["budget_amount"] == "2300.00" and data["budget_minutes"] == 1500
    assert [line["description"] for line in data["lines"]] == ["Discovery workshop", "Design", "Build", "Extra page"]
    assert Event.objects.filter(verb="quote.accepted", target_id=quote["id"]).count() == 1

    twice = api.post(f"/api/v1/quotes/{quote['id']}/accept")
    assert twice.status_code == 409
    assert Project.objects.filter(client=personas.client_a, name="Website relaunch").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_retainer_quote_makes_a_retainer(personas, django_capture_on_commit_callbacks):
    quote = _sent(
        personas,
        django_capture_on_commit_callbacks,
        billing="retainer",
        period_fee="15000.00",
        lines=[{"description": "Monthly care", "role": "Designer", "quantity": "40", "unit_price": "100.00"}],
    )
    body = personas["owner"].api().post(f"/api/v1/quotes/{quote['id']}/accept").json()
    project = Project.objects.get(pk=body["project_id"])
    assert (project.billing, project.retainer_period) == ("retainer", "month")
    assert (project.period_budget_amount, project.period_budget_minutes) == (Decimal("15000.00"), 2400)


@time_machine.travel(NOW, tick=False)
def test_accepting_for_a_project_sets_its_budget(personas, django_capture_on_commit_callbacks):
    project = make_project(personas, budget_amount="10000.00", budget_minutes=6000)
    quote = _sent(personas, django_capture_on_commit_callbacks, project_id=project.id)
    body = personas["finance"].api().post(f"/api/v1/quotes/{quote['id']}/accept").json()
    assert body["project_id"] == project.id
    project.refresh_from_db()
    assert (project.budget_amount, project.budget_minutes, project.billing) == (Decimal("2050.00"), 1500, "fixed_fee")
    changed = Event.objects.get(verb="project.budget_changed", target_id=project.id)
    assert changed.data["quote_id"] == quote["id"]
    log = personas["finance"].api().get(f"/api/v1/reports/scope-changes?project_id={project.id}").json()
    assert Decimal(log["unexplained_amount"]) == 0


@time_machine.travel(NOW, tick=False)
def test_declined_and_expired_quotes_are_not_accepted(personas, django_capture_on_commit_callbacks):
    api = personas["am"].api()
    declined = _sent(personas, django_capture_on_commit_callbacks)
    response = api.post(f"/api/v1/quotes/{declined['id']}/decline", {"reason": "Too dear"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["decline_reason"] == "Too dear"
    assert api.post(f"/api/v1/quotes/{declined['id']}/accept").status_code == 409
    expired = _sent(personas, django_capture_on_commit_callbacks, valid_until=str(date(2026, 5, 10)))
    with time_machine.travel(date(2026, 5, 10) + timedelta(days=2), tick=False):
        response = api.post(f"/api/v1/quotes/{expired['id']}/accept")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["valid_until"]
    assert not Project.objects.filter(name="Website relaunch").exists()
    draft = made(personas)
    assert api.post(f"/api/v1/quotes/{draft['id']}/accept").status_code == 409


@time_machine.travel(NOW, tick=False)
def test_the_client_accepts_in_the_portal(personas, django_capture_on_commit_callbacks):
    quote = _sent(personas, django_capture_on_commit_callbacks)
    draft = made(personas, title="Not yet")
    portal = login(personas, "client_a")
    page = portal.get("/relationships/portal/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Website relaunch" in text and "Not yet" not in text
    response = portal.post(
        f"/relationships/portal/quotes/{quote['id']}/accept/", {f"optional_{quote['lines'][3]['id']}": "on"}
    )
    assert response.status_code == 302
    saved = Quote.objects.get(pk=quote["id"])
    assert saved.status == "accepted"
    assert saved.decided_by == "Portal User A" and saved.decided_by_person_id == personas["client_a"].person.id
    assert saved.decided_at is not None and saved.subtotal == Decimal("2300.00")
    assert saved.project is not None and saved.project.budget_amount == Decimal("2300.00")
    event = Event.objects.get(verb="quote.accepted", target_id=quote["id"])
    assert event.actor_id == personas["client_a"].person.id and event.data["by_client"] is True
    # Its own client's quotes only, and never a draft.
    assert portal.post(f"/relationships/portal/quotes/{draft['id']}/accept/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_another_clients_quote_is_not_found(personas, django_capture_on_commit_callbacks):
    other = made(personas, persona="owner", client_id=personas.client_b.id)
    Quote.objects.filter(pk=other["id"]).update(status="sent")
    client_api = personas["client_a"].api()
    assert client_api.get(f"/api/v1/quotes/{other['id']}").status_code == 404
    assert client_api.post(f"/api/v1/quotes/{other['id']}/accept").status_code == 404
    assert client_api.get("/api/v1/quotes").json()["count"] == 0
    assert login(personas, "client_a").post(f"/relationships/portal/quotes/{other['id']}/accept/").status_code == 404
    # The AM sees only its portfolio's quotes; a PM none.
    assert personas["am"].api().get(f"/api/v1/quotes/{other['id']}").status_code == 404
    assert personas["admin"].api().get(f"/api/v1/quotes/{other['id']}").status_code == 200
    assert personas["pm"].api().get(f"/api/v1/quotes/{other['id']}").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_pdf_names_both_parties_and_marks_optional_items(personas):
    from baton.finance.quote_pdf import quote_pdf_bytes

    body = made(personas)
    response = personas["am"].api().get(f"/api/v1/quotes/{body['id']}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = quote_pdf_bytes(Quote.objects.get(pk=body["id"]))
    assert pdf.startswith(b"%PDF")


def test_totals_helper():
    rows = [
        {"amount": Decimal("10.01"), "optional": False, "selected": False},
        {"amount": Decimal("5.00"), "optional": True, "selected": False},
    ]
    totals = services.quote_totals(rows, Decimal("0"), Decimal("7.50"))
    assert totals["subtotal"] == Decimal("10.01") and totals["tax"] == Decimal("0.75")


@time_machine.travel(NOW, tick=False)
def test_winning_a_deal_uses_the_project_its_accepted_quote_made(personas, django_capture_on_commit_callbacks):
    from baton.crm.services import deal_create

    deal = deal_create(
        actor=personas["owner"].actor,
        client=personas.client_a,
        name="Relaunch deal",
        value="24000.00",
        stage="negotiation",
        owner_id=personas["admin"].person.id,
    )
    quote = _sent(
        personas, django_capture_on_commit_callbacks, deal_id=deal.id, billing="retainer", period_fee="15000.00"
    )
    assert quote["deal_id"] == deal.id
    accepted = personas["am"].api().post(f"/api/v1/quotes/{quote['id']}/accept").json()
    won = personas["am"].api().post(f"/api/v1/deals/{deal.id}/win", {}, content_type=JSON)
    assert won.status_code == 200, won.content
    assert won.json()["project_id"] == accepted["project_id"]
    project = Project.objects.get(pk=accepted["project_id"])
    assert project.billing == "retainer" and project.period_budget_amount == Decimal("15000.00")
    assert Project.objects.filter(client=personas.client_a).count() == 1


# --- Web pages ----------------------------------------------------------------------------------------------------


def _editor_post(client_id, **extra):
    data = {
        "client_id": str(client_id),
        "title": "Brand refresh",
        "billing": "fixed_fee",
        "tax_rate": "10",
        "discount_pct": "0",
        "line_description": ["Logo", "Guidelines"],
        "line_phase": ["Identity", "Identity"],
        "line_role": ["", "Designer"],
        "line_person_id": ["", ""],
        "line_quantity": ["1", "4"],
        "line_unit_price": ["1000.00", "75.00"],
        "line_minutes": ["", ""],
        "line_kind": ["included", "optional"],
    }
    return data | extra


@time_machine.travel(NOW, tick=False)
def test_the_editor_recomputes_on_the_server_and_saves(personas):
    web = login(personas, "am")
    assert web.get("/quotes/").status_code == 200
    assert web.get("/quotes/new/").status_code == 200
    htmx = {"HTTP_HX_REQUEST": "true"}
    refreshed = web.post("/quotes/new/", _editor_post(personas.client_a.id, _op="refresh"), **htmx)
    assert refreshed.status_code == 200
    assert refreshed.context["totals"]["subtotal"] == Decimal("1000.00")  # the optional line is not counted
    assert refreshed.context["totals"]["tax"] == Decimal("100.00")
    added = web.post("/quotes/new/", _editor_post(personas.client_a.id, _op="add"), **htmx)
    assert len(added.context["rows"]) == 3
    removed = web.post("/quotes/new/", _editor_post(personas.client_a.id, _op="remove-0"), **htmx)
    assert [r["description"] for r in removed.context["rows"]] == ["Guidelines"]
    assert not Quote.objects.exists()  # nothing is saved until Save
    saved = web.post("/quotes/new/", _editor_post(personas.client_a.id, _op="save"))
    assert saved.status_code == 302
    quote = Quote.objects.get()
    assert (quote.title, quote.subtotal, quote.total) == ("Brand refresh", Decimal("1000.00"), Decimal("1100.00"))
    page = web.get(f"/quotes/{quote.id}/")
    assert page.status_code == 200 and "Brand refresh" in page.content.decode()
    bad = web.post(
        f"/quotes/{quote.id}/edit/",
        _editor_post(personas.client_a.id, _op="save", line_unit_price=["abc", "75.00"], version=str(quote.version)),
    )
    assert bad.status_code == 400
    assert Quote.objects.get().subtotal == Decimal("1000.00")


@time_machine.travel(NOW, tick=False)
def test_send_and_accept_from_the_quote_page(personas, django_capture_on_commit_callbacks):
    quote = made(personas)
    web = login(personas, "am")
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post(f"/quotes/{quote['id']}/send/").status_code == 302
    assert len(mail.outbox) == 1
    page = web.get(f"/quotes/{quote['id']}/").content.decode()
    assert "Revision 1" in page
    assert web.post(f"/quotes/{quote['id']}/accept/", {"decided_by": "Cara Contact"}).status_code == 302
    saved = Quote.objects.get(pk=quote["id"])
    assert saved.status == "accepted" and saved.decided_by == "Cara Contact" and saved.project_id
    assert login(personas, "pm").get("/quotes/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_a_quote_for_a_project_is_in_its_currency(personas):
    project = make_project(personas, currency="EUR")
    assert made(personas, project_id=project.id)["currency"] == "EUR"
    response = create(personas["am"], client_id=personas.client_a.id, project_id=project.id, currency="GBP")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["currency"]


@time_machine.travel(NOW, tick=False)
def test_the_event_log_hides_quote_amounts_from_roles_without_quotes(personas):
    made(personas)
    for who, hidden in (("member", True), ("pm", True), ("finance", False)):
        rows = personas[who].api().get("/api/v1/events?verb=quote.created").json()["results"]
        assert len(rows) == 1
        assert ("total" not in rows[0]["data"] or rows[0]["data"]["total"] is None) is hidden, (who, rows[0]["data"])
