"""What crm wires at start-up: the person form's client picker (people, below crm, declares the hook), a deal's value
hidden in the event log from those who may not see deals, and the clients a leaving person manages (core's holding
sources, for people's archive)."""

from __future__ import annotations

from baton.core.registry import register_event_secret, register_holding_source
from baton.crm import succession
from baton.crm.selectors import client_choices
from baton.people.views import set_client_choices

set_client_choices(lambda actor: client_choices(actor=actor))

# deal.created|updated|lost here, deal.won in relationships: the value only to those who may view deals.
register_event_secret("deal.*", keys=("value", "changes.value"), resource="deal")
register_holding_source(
    "clients", "clients they are account manager of", succession.clients_managed, succession.move_clients, order=40
)
