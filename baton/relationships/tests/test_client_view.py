"""The "what may the client see" matrix: every client-facing output by every kind of internal information.

Like the access matrix, the expectations are written out literally. One seeded week for client A holds each kind of
information, marked with a word found nowhere else; each output is rendered for real (the status update draft through
the API, the e-mail it sends through Django's locmem backend, the status updates a client-role token reads, the
portal page, the client report page and its PDF) and each marker is asserted present or absent in it. The budget
rows run twice: with the client's protocol sharing budgets, and without.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client as WebClient

from baton.core import client_view
from baton.core.access import Actor
from baton.crm import services as crm_services
from baton.delivery import services as delivery
from baton.finance.models import Invoice
from baton.knowledge.services import comment_create, decision_create
from baton.rates.services import bill_rate_create, cost_rate_create
from baton.relationships import services
from baton.relationships.models import StatusUpdate
from baton.timesheets.services import time_entry_create

JSON = "application/json"
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday; the week starts on Monday 2 March

# What each kind of information leaves in an output when it leaks (any marker present = shown).
MARKERS: dict[str, tuple[str, ...]] = {
    "escalation": ("Open escalation", "Brand launch slipping badly"),
    "health": ("account health", "health at risk", "(43)"),
    "budget": ("budgeted", "4321.00", "Hours against budget"),
    "cost": ("37.13", "74.26"),  # the member's cost rate, and the cost of two hours
    "rate": ("151.37", "302.74"),  # the bill rate, and what two hours bill
    "margin": ("228.48",),  # 302.74 - 74.26
    "internal_note": ("kestrel", "osprey"),  # a touchpoint's notes, an internal comment on a decision
    "internal_decision": ("Quietly deprioritise",),  # the account team's own decision
    "decision": ("Blue palette",),  # controls: what the client is meant to see
    "progress": ("Moodboard signed",),
}

OUTPUTS = ("draft", "email", "client_api", "portal", "report", "report_pdf")
ALL = frozenset(OUTPUTS)
NONE: frozenset[str] = frozenset()
# kind -> the outputs it shows in; every other output must not show it.
EXPECTED_SHARED = {
    "escalation": NONE,
    "health": NONE,
    "budget": frozenset({"draft", "email", "client_api", "portal"}),  # the report carries no budgets at all
    "cost": NONE,
    "rate": NONE,
    "margin": NONE,
    "internal_note": NONE,
    "internal_decision": NONE,
    "decision": ALL,
    "progress": ALL,
}
EXPECTED_NOT_SHARED = EXPECTED_SHARED | {"budget": NONE}


def web(persona) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF (fpdf2 writes `(text) Tj` in Flate-compressed content streams)."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            parts.append(stream.decode("latin-1"))
    return "\n".join(parts)


def seed_week(personas) -> None:
    """One week of client A holding every kind of information once."""
    system = Actor.system(personas.workspace)
    member = personas["member"].person
    project = delivery.project_create(
        actor=system,
        client_id=personas.client_a.id,
        name="Brand",
        start_date=date(2026, 3, 2),
        budget_amount="4321.00",
        budget_minutes=60,
        member_ids=[member.id],
    )
    delivery.project_change_status(actor=system, project=project, status="active")
    milestone = delivery.milestone_create(actor=system, project=project, name="Moodboard signed")
    delivery.milestone_complete(actor=system, milestone=milestone)
    bill_rate_create(actor=system, scope="workspace", rate="151.37")
    cost_rate_create(actor=system, person_id=member.id, rate="37.13", effective_from=date(2026, 1, 1))
    time_entry_create(actor=system, person_id=member.id, project_id=project.id, date=date(2026, 3, 3), minutes=120)
    decision = decision_create(
        actor=system,
        client=personas.client_a,
        title="Blue palette",
        decision="Blue",
        decided_by=personas["am"].person.id,
        decided_on=date(2026, 3, 3),
    )
    decision_create(
        actor=system,
        client=personas.client_a,
        title="Quietly deprioritise the blog",
        decision="Less effort on the blog.",
        decided_by=personas["am"].person.id,
        decided_on=date(2026, 3, 3),
        internal=True,
    )
    comment_create(
        actor=personas["am"].actor,
        target_type="decision",
        target_id=decision.id,
        body="osprey: they will push back",
        internal=True,
    )
    services.touchpoint_log(
        actor=personas["am"].actor,
        client=personas.client_a,
        kind="meeting",
        summary="Review",
        discussed="kestrel: sponsor is unhappy with the agency",
    )
    services.escalation_open(actor=system, client=personas.client_a, title="Client A: account health at risk (43)")
    services.escalation_open(actor=system, client=personas.client_a, title="Brand launch slipping badly")


def render_outputs(personas, capture) -> dict[str, str]:
    """Every client-facing output for client A, rendered for real."""
    am = personas["am"].api()
    client_id = personas.client_a.id
    draft = am.post("/api/v1/status-updates/draft", {"client_id": client_id}, content_type=JSON)
    assert draft.status_code == 201, draft.content
    with capture(execute=True):
        sent = am.post(f"/api/v1/status-updates/{draft.json()['id']}/send", {}, content_type=JSON)
    assert sent.status_code == 200, sent.content
    assert len(mail.outbox) == 1
    pdf = personas["client_a"].api().get(f"/api/v1/clients/{client_id}/report/pdf")
    assert pdf.status_code == 200
    return {
        "draft": draft.json()["subject"] + "\n" + draft.json()["body"] + "\n" + json.dumps(draft.json()["compiled"]),
        "email": mail.outbox[0].subject + "\n" + mail.outbox[0].body,
        "client_api": personas["client_a"].api().get("/api/v1/status-updates").content.decode(),
        "portal": web(personas["client_a"]).get("/relationships/portal/").content.decode(),
        "report": web(personas["am"]).get(f"/relationships/accounts/{client_id}/report/").content.decode(),
        "report_pdf": pdf_text(b"".join(pdf.streaming_content)),
    }


@pytest.mark.parametrize("shared", [False, True], ids=["budget_not_shared", "budget_shared"])
@time_machine.travel(NOW, tick=False)
def test_what_the_client_sees_matrix(personas, django_capture_on_commit_callbacks, shared):
    seed_week(personas)
    system = Actor.system(personas.workspace)
    services.protocol_put(actor=system, client=personas.client_a, share_budget_with_client=shared)
    rendered = render_outputs(personas, django_capture_on_commit_callbacks)
    expected = EXPECTED_SHARED if shared else EXPECTED_NOT_SHARED
    wrong = []
    for kind, markers in MARKERS.items():
        for output in OUTPUTS:
            text = rendered[output].casefold()
            shown = [m for m in markers if m.casefold() in text]
            if output in expected[kind] and not shown:
                wrong.append(f"{output} should show {kind} ({', '.join(markers)})")
            if output not in expected[kind] and shown:
                wrong.append(f"{output} shows {kind}: {', '.join(shown)}")
    assert wrong == []


@time_machine.travel(NOW, tick=False)
def test_a_draft_naming_an_escalation_is_not_sent(personas, django_capture_on_commit_callbacks):
    """A draft written before the policy (or an escalation pasted in by hand) is refused at sending: 422 naming the
    body, nothing e-mailed, nothing logged."""
    seed_week(personas)
    old = StatusUpdate.objects.create(
        workspace=personas.workspace,
        client=personas.client_a,
        week_start=date(2026, 3, 2),
        subject="Client A: status update",
        body="Risks\n- Open escalation: Client A: account health at risk (43)",
        recipients=["cara@a.test"],
    )
    am = personas["am"].api()
    with django_capture_on_commit_callbacks(execute=True):
        sent = am.post(f"/api/v1/status-updates/{old.id}/send", {}, content_type=JSON)
    assert sent.status_code == 422
    assert "body" in json.dumps(sent.json()) and "account health at risk (43)" in json.dumps(sent.json())
    assert mail.outbox == []
    old.refresh_from_db()
    assert old.status == "draft" and old.touchpoint_id is None
    # Without the client's name in front, the escalation's title is still caught (case aside).
    pasted = am.patch(
        f"/api/v1/status-updates/{old.id}",
        {"body": "Note: brand launch slipping badly, sorry."},
        content_type=JSON,
        headers={"If-Match": str(old.version)},
    )
    assert pasted.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert am.post(f"/api/v1/status-updates/{old.id}/send", {}, content_type=JSON).status_code == 422
    assert mail.outbox == []


def test_the_policy_fails_closed():
    audience = client_view.ClientAudience(client_id=1)
    assert not audience.may_see(client_view.BUDGET)
    assert client_view.ClientAudience(client_id=1, shared=frozenset({client_view.BUDGET})).may_see(client_view.BUDGET)
    for kind in client_view.NEVER:
        assert not client_view.ClientAudience(client_id=1, shared=client_view.KINDS).may_see(kind)
    with pytest.raises(ValueError):
        audience.may_see("something_new")


def test_an_invoice_naming_an_escalation_is_not_sent(personas, django_capture_on_commit_callbacks):
    """The invoice e-mail goes out through `client_mail`, and its PDF carries the invoice's notes and lines: one that
    names an open escalation is refused at sending (422 naming it), nothing e-mailed, nothing logged."""
    system = Actor.system(personas.workspace)
    services.escalation_open(actor=system, client=personas.client_a, title="Brand launch slipping badly")
    crm_services.contact_create(
        actor=system, client=personas.client_a, name="Ada Payables", email="ap@a.test", is_billing=True
    )
    finance = personas["finance"].api()
    body = {
        "client_id": personas.client_a.id,
        "notes": "Discount because the brand launch slipping badly",
        "lines": [{"description": "Design", "unit_price": "100.00"}],
    }
    invoice = finance.post("/api/v1/invoices", body, content_type=JSON).json()
    finance.post(f"/api/v1/invoices/{invoice['id']}/issue")
    with django_capture_on_commit_callbacks(execute=True):
        sent = finance.post(f"/api/v1/invoices/{invoice['id']}/send")
    assert sent.status_code == 422 and [e["field"] for e in sent.json()["errors"]] == ["notes"]
    assert mail.outbox == []
    assert Invoice.objects.get(pk=invoice["id"]).emailed_at is None
