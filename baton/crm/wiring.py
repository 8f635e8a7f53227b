"""What crm wires at start-up: the person form's client picker (people, below crm, declares the hook) and the clients a
leaving person manages (core's holding sources, for people's archive)."""

from __future__ import annotations

from baton.core.registry import register_holding_source
from baton.crm import succession
from baton.crm.selectors import client_choices
from baton.people.views import set_client_choices

set_client_choices(lambda actor: client_choices(actor=actor))
register_holding_source(
    "clients", "clients they are account manager of", succession.clients_managed, succession.move_clients, order=40
)
