"""Test helpers for quotes: the records the access matrix acts on (baton/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.crm.models import Contact
from baton.finance.models import Quote, QuoteStatus
from baton.finance.services import quotes as services


def make_quote_records(*, workspace: Any, client: Any) -> dict[str, int]:
    """A sent quote (`quote_id`) and a draft never sent (`draft_quote_id`) for `client`, which gets a primary contact
    with an e-mail when it has none (sending needs one). The sent one is marked sent directly: no e-mail leaves."""
    system = Actor.system(workspace)
    if not Contact.objects.filter(client=client, is_primary=True).exclude(email="").exists():
        Contact.objects.filter(client=client, is_primary=True).update(is_primary=False)
        Contact.objects.create(
            workspace=workspace, client=client, name="Quote Reader", email="quotes@reader.test", is_primary=True
        )
    line = [{"description": "Matrix design", "quantity": "10", "unit_price": "100.00", "phase": "Design"}]
    sent = services.quote_create(actor=system, client_id=client.pk, title="Matrix quote", lines=line)
    Quote.objects.filter(pk=sent.pk).update(status=QuoteStatus.SENT, sent_at=timezone.now(), revision=1)
    draft = services.quote_create(actor=system, client_id=client.pk, title="Matrix draft quote", lines=line)
    return {"quote_id": sent.pk, "draft_quote_id": draft.pk}
