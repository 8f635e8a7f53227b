"""What may the client see: the one policy every client-facing output builds its content through (status update
drafts and their e-mail, the client report and its PDF, the portal, e-mails to a client's contacts).

Each piece of content a client-facing output might show is tagged with a kind of information (`ESCALATION`,
`HEALTH`, `BUDGET`, `PROGRESS`, ...). `audience_for(client)` reads what that client's protocol shares, and
`ClientAudience.may_see(kind)` answers:
- never: escalations, health scores and bands, cost, margin, rates, internal notes, the account team's internal
  decisions;
- only when the client's protocol shares it: budget figures (amounts, burn, hours against budget, over-budget risks);
- always: progress (projects, milestones, tasks), decisions, next steps, goals, delivery risks, status updates,
  change orders, invoices and quotes addressed to the client.
An unknown kind is a programming error (`ValueError`): the policy fails closed rather than show something new.

Core knows no domain: what a client's protocol shares, and which texts of a client are internal (its escalations'
titles, for the last check on an outgoing text), come from the apps that own them through
`register_sharing_reader(fn(client) -> kinds shared)` and `register_internal_texts(fn(client) -> texts)`, both
called from the app's `wiring.py`. `client_mail` is the one way to e-mail a client's contacts: it refuses (422 naming
the field) a text that names internal information, then sends after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction

T = TypeVar("T")

# --- Kinds of information ---------------------------------------------------------------------------------------------

ESCALATION = "escalation"
HEALTH = "health"
COST = "cost"
MARGIN = "margin"
RATE = "rate"
INTERNAL_NOTE = "internal_note"
INTERNAL_DECISION = "internal_decision"
BUDGET = "budget"
PROGRESS = "progress"
DECISION = "decision"
NEXT_STEP = "next_step"
GOAL = "goal"
RISK = "risk"
STATUS_UPDATE = "status_update"
CHANGE_ORDER = "change_order"
INVOICE = "invoice"
QUOTE = "quote"
CLIENT_REQUEST = "client_request"  # the client's own requests, with their status and decline reason
DELIVERABLE = "deliverable"  # a task waiting for the client's approval, and the decisions on it
SHARED_FILE = "shared_file"  # a file staff shared with the client, or the client uploaded
INTERNAL_FILE = "internal_file"  # a file staff did not share

NEVER = frozenset({ESCALATION, HEALTH, COST, MARGIN, RATE, INTERNAL_NOTE, INTERNAL_DECISION, INTERNAL_FILE})
BY_PROTOCOL = frozenset({BUDGET})
ALWAYS = frozenset(
    {PROGRESS, DECISION, NEXT_STEP, GOAL, RISK, STATUS_UPDATE, CHANGE_ORDER, INVOICE, QUOTE}
    | {CLIENT_REQUEST, DELIVERABLE, SHARED_FILE}
)
KINDS = NEVER | BY_PROTOCOL | ALWAYS


@dataclass(frozen=True)
class ClientAudience:
    """One client as the reader of an output: `shared` holds the kinds its protocol chose to share."""

    client_id: int
    shared: frozenset[str] = frozenset()

    def may_see(self, kind: str) -> bool:
        if kind not in KINDS:
            raise ValueError(f"Unknown kind of information for a client: {kind!r}")
        if kind in NEVER:
            return False
        if kind in BY_PROTOCOL:
            return kind in self.shared
        return True

    def keep(self, tagged: Iterable[tuple[str, T]]) -> list[T]:
        """The items of (kind, item) pairs this client may see, in their order."""
        return [item for kind, item in tagged if self.may_see(kind)]

    def only(self, kind: str, items: Iterable[T]) -> list[T]:
        """All of `items` (one kind) when the client may see that kind, else none (a queryset is then never read)."""
        return list(items) if self.may_see(kind) else []


# --- What the owning apps plug in -------------------------------------------------------------------------------------

SharingReader = Callable[[Any], Iterable[str]]
InternalTexts = Callable[[Any], Iterable[str]]
_sharing_readers: list[SharingReader] = []
_internal_texts: list[InternalTexts] = []


def register_sharing_reader(fn: SharingReader) -> SharingReader:
    """`fn(client)` names the kinds of `BY_PROTOCOL` the client's settings share (relationships: its protocol)."""
    if fn not in _sharing_readers:
        _sharing_readers.append(fn)
    return fn


def register_internal_texts(fn: InternalTexts) -> InternalTexts:
    """`fn(client)` lists texts of the client that are internal (its escalations' titles): an outgoing text that
    contains one is refused."""
    if fn not in _internal_texts:
        _internal_texts.append(fn)
    return fn


def audience_for(client: Any) -> ClientAudience:
    """The client as a reader: what its protocol shares (nothing, when no app says otherwise)."""
    shared: set[str] = set()
    for reader in _sharing_readers:
        shared.update(reader(client))
    return ClientAudience(client_id=client.pk, shared=frozenset(shared) & BY_PROTOCOL)


# --- The last check on an outgoing text -------------------------------------------------------------------------------

MIN_INTERNAL_TEXT = 8  # shorter internal texts ("Budget") would match ordinary words


def internal_fragments(client: Any, text: str) -> list[str]:
    """The internal texts of the client that `text` contains (case-insensitive)."""
    folded = text.casefold()
    found: list[str] = []
    for source in _internal_texts:
        for fragment in source(client):
            fragment = (fragment or "").strip()
            if len(fragment) >= MIN_INTERNAL_TEXT and fragment.casefold() in folded and fragment not in found:
                found.append(fragment)
    return found


def shareable_errors(client: Any, **texts: str) -> dict[str, str]:
    """{field: message} for each text that names internal information of the client (an escalation, ...)."""
    errors = {}
    for field, text in texts.items():
        found = internal_fragments(client, text or "")
        if found:
            errors[field] = "This names internal information the client may not see: " + "; ".join(
                f"“{f}”" for f in found
            )
    return errors


def require_shareable(client: Any, **texts: str) -> None:
    """422 naming each field whose text names internal information of the client."""
    errors = shareable_errors(client, **texts)
    if errors:
        raise ValidationError(errors)


def client_mail(
    client: Any,
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> None:
    """E-mail a client's contacts, after the commit: the one way out to a client. Refuses (422 naming `subject` or
    `body`) a text that names internal information of the client."""
    require_shareable(client, subject=subject, body=body)
    recipients = list(to)

    def send() -> None:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        message.send(fail_silently=True)

    transaction.on_commit(send)
