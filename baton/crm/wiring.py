"""What crm wires at start-up: the person form's client picker (people, below crm, declares the hook)."""

from __future__ import annotations

from baton.crm.selectors import client_choices
from baton.people.views import set_client_choices

set_client_choices(lambda actor: client_choices(actor=actor))
