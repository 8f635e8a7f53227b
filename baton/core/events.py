"""The event log. Every service that changes state calls `emit` inside its transaction.

Subscribers (activity feed, automations, webhooks, health, evidence) read the log or register a callback with
`subscribe`; callbacks run after the transaction commits, so a rolled-back change never reaches them.

A few reactions are part of the change itself and must happen in its transaction, right after its event (time logged
on a project checks the project's budget thresholds and scope): a higher app registers them for a verb with `on_emit`
(from its `wiring.py`), so the app emitting the verb need not import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet

from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.core.prepared import PreparedRead

Subscriber = Callable[[Event], None]
Probe = Callable[[Event], dict[str, Any]]
Reaction = Callable[[Actor, Any], None]
_subscribers: list[Subscriber] = []
_reactions: dict[str, list[Reaction]] = {}
_probes: list[Probe] = []
PROBED = "_probed"  # where `probed` keeps its answers on the event while its subscribers run
# Every write emits an event and asks the probes: their statement for each verb is written once per connection
# (`core.prepared`) and read afresh for each event, so a rule or webhook added or switched off counts at once.
_probe_reads: dict[str, tuple[list[str], PreparedRead | None]] = {}


def subscribe(callback: Subscriber) -> Subscriber:
    """Register a callback for every committed event (usable as a decorator)."""
    _subscribers.append(callback)
    return callback


def on_emit(verb: str, reaction: Reaction) -> Reaction:
    """Register `reaction(actor, target)` to run inside the emitting transaction each time `verb` is emitted, right
    after the event is written (and before `emit` returns): its writes and events come after the event, and an error
    rolls the whole change back. For reactions that are part of the change; anything that can wait: `subscribe`."""
    reactions = _reactions.setdefault(verb, [])
    if reaction not in reactions:  # registering twice (a module imported twice) must not react twice
        reactions.append(reaction)
    return reaction


def probe(question: Probe) -> Probe:
    """Register a question subscribers ask about the event's workspace before doing any work ("does an active rule
    name this verb?"): a function of the event's verb only (`probed` writes the statement once per verb and
    connection, for any workspace) returning named annotations (`Exists(...)`, `Value(...)`) for the workspace's row,
    correlated with it through `OuterRef("pk")`. Names are global: prefix them with the app's name."""
    _probes.append(question)
    return question


def probed(event: Event) -> dict[str, Any]:
    """The answers to every registered probe for `event`, read in one statement on its workspace's row. While the
    event's subscribers run after its commit, the answers are kept on the event, so they share that one statement
    (every write emits an event, and most events have no listener)."""
    answers: dict[str, Any] | None = getattr(event, PROBED, None)
    if answers is not None:
        return answers
    names, read = _probe_read(event.verb)
    answers = {}
    if read is not None:
        rows = read.rows(pk=event.workspace_id)
        answers = dict(zip(names, rows[0], strict=True)) if rows else {}
    if hasattr(event, PROBED):  # its subscribers are running: they share these answers
        setattr(event, PROBED, answers)
    return answers


def _questions(verb: str) -> dict[str, Any]:
    questions: dict[str, Any] = {}
    for question in _probes:
        questions |= question(Event(verb=verb))
    return questions


def _probe_read(verb: str) -> tuple[list[str], PreparedRead | None]:
    """The probes' names for `verb` and their statement on a workspace's row (none: nothing to ask), kept per verb."""
    key = f"{verb}:{len(_probes)}"  # a probe registered later is asked from then on
    found = _probe_reads.get(key)
    if found is None:
        names = list(_questions(verb))

        def build(pk: int) -> QuerySet[Workspace, tuple[Any, ...]]:
            return Workspace.objects.filter(pk=pk).annotate(**_questions(verb)).values_list(*names)

        found = _probe_reads[key] = (names, PreparedRead(f"core.probed:{key}", build, pk=-1) if names else None)
    return found


def _share_probes(event: Event, sharing: bool) -> None:
    if sharing:
        setattr(event, PROBED, None)
    elif hasattr(event, PROBED):
        delattr(event, PROBED)


def target_type_of(obj: models.Model) -> str:
    """`TimeEntry` -> `time_entry`: the resource's singular snake_case name."""
    explicit = getattr(obj, "event_target_type", None)
    if explicit:
        return str(explicit)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()


def jsonable(value: Any) -> Any:
    """Event data is JSON: money stays exact as a string, dates as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return value


def emit(
    actor: Actor,
    verb: str,
    target: models.Model,
    *,
    data: dict[str, Any] | None = None,
    client_id: int | None = None,
) -> Event:
    """Append one event in the current transaction."""
    if client_id is None:
        client_id = getattr(target, "client_id", None)
    event = Event.objects.create(
        workspace=actor.workspace,
        verb=verb,
        actor_id=actor.person_id,
        actor_name=actor.person_name,
        target_type=target_type_of(target),
        target_id=target.pk,
        target_label=str(target)[:300],
        client_id=client_id,
        data=jsonable(data or {}),
    )
    # After commit, in this order: the subscribers, sharing one read of the probes' answers while they run.
    transaction.on_commit(lambda: _share_probes(event, True))
    for callback in list(_subscribers):
        transaction.on_commit(lambda cb=callback: cb(event))  # type: ignore[misc]
    transaction.on_commit(lambda: _share_probes(event, False))
    for reaction in _reactions.get(verb, ()):
        reaction(actor, target)
    return event


def diff(obj: models.Model, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `changes` to `obj` and return `{field: [old, new]}` for the fields that really changed."""
    changed: dict[str, list[Any]] = {}
    for field, new in changes.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = [jsonable(old), jsonable(new)]
            setattr(obj, field, new)
    return changed
