"""`events.on_emit`: a reaction registered for a verb runs inside the emitting transaction, right after its event,
so its writes come after the event and an error in it rolls the whole change back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Event
from baton.crm import services as crm
from baton.crm.models import Client


def test_a_reaction_runs_in_the_transaction_right_after_its_event(personas, django_capture_on_commit_callbacks):
    seen: list[tuple[str, bool]] = []

    def react(actor: Actor, target: Client) -> None:
        seen.append((target.name, Event.objects.filter(verb="client.created", target_id=target.pk).exists()))
        if target.name == "Rolled back":
            raise ValidationError("boom")

    events.on_emit("client.created", react)
    events.on_emit("client.created", react)  # registering twice reacts once
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            crm.client_create(actor=personas["admin"].actor, name="Reacted")
            assert seen == [("Reacted", True)]  # before the commit: in the transaction
        assert callbacks  # the subscribers still wait for the commit

        with pytest.raises(ValidationError):
            crm.client_create(actor=personas["admin"].actor, name="Rolled back")
        assert not Client.objects.filter(name="Rolled back").exists()
        assert not Event.objects.filter(verb="client.created", target_label="Rolled back").exists()
    finally:
        events._reactions["client.created"].remove(react)
