"""`GET /events` shows each role only the data it may see elsewhere (API.md Wave 2): a matrix of staff roles x the
sensitive kinds of event. For each kind, the amount is present for exactly the roles whose request to the resource's
own endpoint answers 200, and absent (named in `redacted`) for those it answers 403; kinds whose endpoint shows the
figure as null instead of refusing (a person's rates, a handoff failure's cost) follow the access policy's rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from baton.automation import services as automation
from baton.core.access import Actor
from baton.core.models import Event
from baton.core.selectors import event_list
from baton.crm.models import Deal
from baton.crm.services import deal_update
from baton.devdata.testing.finance import make_money_records, make_project
from baton.devdata.testing.handoffs import make_handoff_records
from baton.devdata.testing.relationships import make_relationships_records
from baton.finance import services as finance
from baton.finance.models import ChangeOrder, Invoice
from baton.people.services import person_update

STAFF = ("owner", "admin", "finance", "am", "pm", "member")
MONEY = {"owner", "admin", "finance", "am", "pm"}

# kind -> (verb, dotted data key holding the amount, the resource's own list endpoint or the roles that see it)
KINDS: dict[str, tuple[str, str, str | set[str]]] = {
    "cost rate change": ("cost_rate.created", "rate", "/api/v1/cost-rates"),
    "bill rates": ("bill_rate.created", "rate", "/api/v1/bill-rates"),
    "exchange rate": ("exchange_rate.created", "rate", "/api/v1/exchange-rates"),
    "invoice issued": ("invoice.issued", "total", "/api/v1/invoices"),
    "invoice paid": ("invoice.paid", "amount_paid", "/api/v1/invoices"),
    "payment": ("payment.recorded", "amount", "/api/v1/invoices"),
    "deal value": ("deal.created", "value", "/api/v1/deals"),
    "deal value changed": ("deal.updated", "changes.value", "/api/v1/deals"),
    "change order amount": ("change_order.created", "amount_delta", "/api/v1/change-orders"),
    "budget changed by a change order": ("project.budget_changed", "budget_amount", "/api/v1/change-orders"),
    "growth opportunity value": ("growth_opportunity.logged", "value", "/api/v1/growth-opportunities"),
    "remediation cost": ("handoff_failure.recorded", "remediation_cost", MONEY),  # the report's cost is null
    "a person's rates": ("person.updated", "changes.cost_rate", MONEY),  # /people shows null rates
}


def _get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


@pytest.fixture
def money_events(personas) -> dict[str, Any]:
    """One event of every sensitive kind, made through the services."""
    system = Actor.system(personas.workspace)
    project = make_project(personas)
    ids = make_money_records(workspace=personas.workspace, project=project, member=personas["member"].person)
    order = finance.change_order_submit(actor=system, order=ChangeOrder.objects.get(pk=ids["change_order_id"]))
    finance.change_order_approve(actor=system, order=order)
    invoice = Invoice.objects.get(pk=ids["invoice_id"])
    finance.payment_record(actor=system, invoice=invoice, amount=invoice.total, paid_on=date(2030, 4, 1))
    rel = make_relationships_records(
        workspace=personas.workspace,
        client=personas.client_a,
        contact=personas.contact_a,
        am=personas["am"].person,
        seller=personas["am"].person,
    )
    deal = Deal.objects.get(pk=rel["deal_id"])
    deal_update(actor=system, deal=deal, version=deal.version, value=Decimal("12000.00"))
    make_handoff_records(
        workspace=personas.workspace,
        draft=(personas["am"].person, personas["pm"].person),
        sent=(personas["am"].person, personas["pm"].person),
        gaps=(personas["am"].person, personas["pm"].person),
    )
    member = personas["member"].person
    person_update(actor=system, person=member, version=member.version, cost_rate=Decimal("61.00"))
    return ids


def test_events_show_amounts_only_to_roles_that_see_the_resource(personas, money_events):
    """The whole matrix in one test (building the records takes seconds): every mismatch is listed."""
    for kind, (verb, key, _) in KINDS.items():  # each kind's stored event holds its amount: the matrix tests something
        event = Event.objects.filter(verb=verb).order_by("-id").first()
        assert event is not None and _get(event.data, key) not in (None, ""), kind
    wrong = []
    for role in STAFF:
        api = personas[role].api()
        for kind, (verb, key, seen_by) in KINDS.items():
            if isinstance(seen_by, str):
                status = api.get(seen_by).status_code
                assert status in (200, 403), (seen_by, status)
                sees = status == 200
            else:
                sees = role in seen_by
            response = api.get("/api/v1/events", {"verb": verb, "limit": 500})
            assert response.status_code == 200
            results = response.json()["results"]
            assert results, kind
            for event in results:
                shown = _get(event["data"], key) not in (None, "")
                said = key in event["redacted"]
                if shown != sees or said == sees:
                    wrong.append(f"{role} · {kind}: expected {'shown' if sees else 'hidden'}, got {event['data']}")
    assert not wrong, "\n".join(wrong)


def test_a_members_own_expense_keeps_its_amount_and_others_do_not(personas, money_events):
    """The member recorded the matrix's expense: it sees its amount (as on /expenses), but not the amount of an expense
    of someone else's."""
    mine = personas["member"].api().get("/api/v1/events", {"verb": "expense.created"}).json()["results"]
    assert mine and mine[0]["data"]["amount"] == "30.00" and mine[0]["redacted"] == []
    other = Actor.system(personas.workspace)
    project = make_project(personas, name="Other")
    finance.expense_create(
        actor=other, project_id=project.pk, description="Taxi", amount="44.00", person_id=personas["pm"].person.id
    )
    rows = personas["member"].api().get("/api/v1/events", {"verb": "expense.created"}).json()["results"]
    theirs = next(r for r in rows if r["data"].get("description") == "Taxi")
    assert "amount" not in theirs["data"] and "billable_amount" not in theirs["data"]
    assert set(theirs["redacted"]) == {"amount", "billable_amount"}


def test_labels_rules_and_every_way_of_reading(personas, money_events):
    """A cost rate's label is "45.00 from 2030-01-01", a payment's "Payment of 1000.00": the feed shows the label."""
    rows = personas["member"].api().get("/api/v1/events", {"verb": "cost_rate", "limit": 500}).json()["results"]
    assert rows and all(r["target_label"] == "a cost rate" for r in rows)
    assert all("target_label" in r["redacted"] for r in rows)
    rows = personas["member"].api().get("/api/v1/events", {"verb": "payment.recorded"}).json()["results"]
    assert rows and all("1000" not in r["target_label"] for r in rows)
    owner_rows = personas["owner"].api().get("/api/v1/events", {"verb": "payment.recorded"}).json()["results"]
    assert "1000.00" in owner_rows[0]["target_label"] and owner_rows[0]["redacted"] == []

    # Webhooks and rules are owners' and admins' business (a webhook URL often holds a token).
    automation.webhook_create(
        actor=personas["admin"].actor, url="https://hooks.example.com/T0/secret-token", events=["deal.won"]
    )
    for role, sees in (("admin", True), ("owner", True), ("finance", False), ("member", False)):
        rows = personas[role].api().get("/api/v1/events", {"verb": "webhook.created"}).json()["results"]
        assert rows
        assert ("secret-token" in str(rows[0]["data"])) is sees, role
        assert (rows[0]["redacted"] == ["data"]) is not sees

    # The web feeds read `event_list` with filters, slices, first() and iterator(): all redacted.
    actor = personas["member"].actor
    qs = event_list(actor=actor, verb="invoice.issued")
    assert "total" not in qs.first().data
    assert all("total" not in e.data for e in qs[:5])
    assert all("total" not in e.data for e in qs.filter(client_id=personas.client_a.id))
    assert all("total" not in e.data for e in qs.iterator())
    # The stored event is untouched, and an owner reads it whole.
    assert "total" in Event.objects.get(pk=qs.first().pk).data
    assert "total" in event_list(actor=personas["owner"].actor, verb="invoice.issued").first().data
