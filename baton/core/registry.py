"""The extension points of the rule engine that other apps plug into. They live in core so a domain app registers
here without importing automation (which sits above the domains and reads these registries). Register at import
time (from a module your app's `wiring.py` imports), with `Param`, `register_action`, `register_event_url`,
`register_notifier` and `register_setter` imported at that module's top from `baton.core.registry`:

- `register_action("create_handoff", handler, label=..., params=[Param(...)], validate=...)`: a rule action type.
  `handler(ctx, params) -> str` runs inside the rule's transaction (call your services with `ctx.actor`; raise
  `ActionError` or a ValidationError to fail the run, which rolls every action of it back) and returns what it did,
  for the run log. Unknown types are refused when a rule is saved (422 naming `actions[i].type`).
- `register_setter("task", "status", func, label=..., choices=[...])`: a field the `set_field` action may change;
  `func(actor, target_id, value) -> str` calls your service.
- `register_notifier("handoff.sent", func)`: in-app notifications an event always raises (not a rule);
  `func(event) -> list[NotificationSpec]`. Created once per (recipient, event, source), so retries add none.
- `register_event_url("handoff", "handoffs:detail", "handoff_id")`: the page a notification about an event's target
  links to.
- `register_recipient_resolver(func)`: who a recipients parameter names (`ActionContext.recipients`); automation
  registers the one resolver.
- `register_sweep(name, func, schedule)` (from `baton.core.sweeps`): a periodic check per workspace that emits
  events for what is due, once per object per period (`sweep_emit_once`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from baton.core import formats
from baton.core.access import Actor, allowed
from baton.core.conditions import MISSING, resolve
from baton.core.models import Event, Workspace


class ActionError(Exception):
    """An action could not run (a missing project, a disabled webhook, ...): the run fails and rolls back."""


@dataclass(frozen=True)
class Param:
    """One parameter of an action type, as the editor shows it and validation checks it.

    kind: text | template (text with {data.to}-style placeholders) | recipients (person ids, roles, actor,
    client_am, ...) | emails (recipients or e-mail addresses) | int | choice | json | webhook | project
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass
class ActionContext:
    """What an action handler gets: the workspace, the acting automation (owner rights, named after the rule), the
    triggering event and helpers to render text and find people."""

    workspace: Workspace
    actor: Actor
    event: Event
    document: dict[str, Any]
    rule_id: int | None = None
    rule_name: str = ""
    notes: list[str] = field(default_factory=list)

    def render(self, template: str) -> str:
        """Text for people (a title, a body, an e-mail): durations and dates written as people read them."""
        return render_template(template or "", self.document, human=True)

    def recipients(self, spec: Any) -> tuple[list[Any], list[str]]:
        """(people, e-mail addresses) named by a recipients parameter."""
        if _recipient_resolver is None:
            raise ActionError("No recipient resolver is registered.")
        return _recipient_resolver(self.workspace, self.document, spec)

    @property
    def source(self) -> str:
        return f"rule:{self.rule_id}" if self.rule_id else "automation"


RecipientResolver = Callable[[Workspace, dict[str, Any], Any], tuple[list[Any], list[str]]]
_recipient_resolver: RecipientResolver | None = None


def register_recipient_resolver(func: RecipientResolver) -> RecipientResolver:
    """Say who a recipients parameter (person ids, roles, actor, client_am, ...) names; the rule engine registers its
    resolver (`baton.automation.recipients`). Registering again replaces it."""
    global _recipient_resolver
    _recipient_resolver = func
    return func


Handler = Callable[[ActionContext, dict[str, Any]], str]
Validator = Callable[[Workspace, dict[str, Any]], dict[str, str]]


@dataclass(frozen=True)
class ActionType:
    type: str
    label: str
    handler: Handler
    params: tuple[Param, ...] = ()
    validate: Validator | None = None
    description: str = ""


_actions: dict[str, ActionType] = {}


def register_action(
    type: str,
    handler: Handler,
    *,
    label: str = "",
    params: list[Param] | tuple[Param, ...] = (),
    validate: Validator | None = None,
    description: str = "",
) -> ActionType:
    """Make `type` available to rules. Registering the same type again replaces it (reloads, tests)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,40}", type):
        raise ValueError(f"Action types are snake_case words, not {type!r}.")
    action = ActionType(type, label or type.replace("_", " "), handler, tuple(params), validate, description)
    _actions[type] = action
    return action


def action_types() -> dict[str, ActionType]:
    return dict(_actions)


def get_action(type: str) -> ActionType | None:
    return _actions.get(type)


@dataclass(frozen=True)
class Setter:
    target_type: str
    field: str
    func: Callable[[Actor, int, Any], str]
    label: str
    choices: tuple[str, ...] = ()


_setters: dict[tuple[str, str], Setter] = {}


def register_setter(
    target_type: str,
    field: str,
    func: Callable[[Actor, int, Any], str],
    *,
    label: str = "",
    choices: list[str] | tuple[str, ...] = (),
) -> Setter:
    """Let the `set_field` action change `field` of a `target_type` record through `func` (your service)."""
    setter = Setter(target_type, field, func, label or f"{target_type} {field}", tuple(choices))
    _setters[(target_type, field)] = setter
    return setter


def setters() -> dict[tuple[str, str], Setter]:
    return dict(_setters)


@dataclass(frozen=True)
class NotificationSpec:
    recipient_id: int
    title: str
    body: str = ""
    url: str = ""
    source: str = "event"


Notifier = Callable[[Event], list[NotificationSpec]]
_notifiers: dict[str, list[Notifier]] = {}


def register_notifier(verb: str, func: Notifier) -> Notifier:
    """In-app notifications raised by every `verb` event (mentions, a handoff sent to you, ...)."""
    if func not in _notifiers.setdefault(verb, []):
        _notifiers[verb].append(func)
    return func


def notifiers_for(verb: str) -> list[Notifier]:
    return list(_notifiers.get(verb, []))


def notified_verbs() -> set[str]:
    return {verb for verb, funcs in _notifiers.items() if funcs}


# Where a notification about an event's target links to: target type -> (URL name, its keyword argument). Each app
# registers its own targets; automation registers the built-in ones (clients, projects, tasks, ...).
EVENT_URLS: dict[str, tuple[str, str]] = {}


def register_event_url(target_type: str, url_name: str, kwarg: str) -> None:
    """Link notifications about `target_type` events to `reverse(url_name, kwargs={kwarg: event.target_id})`."""
    EVENT_URLS[target_type] = (url_name, kwarg)


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _for_people(path: str, value: Any) -> str:
    """A placeholder's value in a sentence: `{data.spent_minutes}` 1080 -> "18 h", `{data.due_on}` 2026-12-06 ->
    "Dec 6, 2026" (in the workspace's locale: the worker runs rules inside `formats.using(workspace)`)."""
    if path.endswith("minutes") and isinstance(value, int) and not isinstance(value, bool):
        return formats.duration(value)
    if isinstance(value, str) and _ISO_DAY.match(value):
        return formats.day(value)
    return str(value)


def render_template(template: str, document: dict[str, Any], *, human: bool = False) -> str:
    """Replace `{data.to}`, `{target_label}`, `{rule.name}` ... with the event's values; unknown ones stay as written.
    Deliberately not Django's template language: rule authors get placeholders, not tags. `human`: durations (keys
    ending in `minutes`) and ISO dates as people read them; without it, the values as stored (for setters)."""

    def replace(match: re.Match[str]) -> str:
        value = resolve(document, match.group(1))
        if value is MISSING:
            return match.group(0)
        if value is None:
            return ""
        return _for_people(match.group(1), value) if human else str(value)

    return _PLACEHOLDER.sub(replace, template)


# --- Money holders (MONEY.md §2: the base currency is fixed once any money exists) ------------------------------

MoneyCounter = Callable[[Workspace], int]


@dataclass(frozen=True)
class MoneyHolder:
    """A kind of record that holds money in the workspace: `counter(workspace)` says how many there are."""

    label: str  # plural, e.g. "bill rates"
    singular: str  # e.g. "bill rate"
    counter: MoneyCounter


_money_holders: dict[str, MoneyHolder] = {}


def register_money_holder(label: str, counter: MoneyCounter, *, singular: str = "") -> None:
    """Records that fix the workspace's base currency once any exists (`counter(workspace) -> int`). `label` is the
    plural as users read it ("time entries with an amount"); `singular` defaults to the label without its "s"."""
    _money_holders[label] = MoneyHolder(label=label, singular=singular or label.removesuffix("s"), counter=counter)


def money_held(workspace: Workspace) -> list[tuple[str, int]]:
    """What holds money in `workspace`, as ("3 bill rates", 3) pairs, in registration order; empty when nothing."""
    held: list[tuple[str, int]] = []
    for holder in _money_holders.values():
        count = holder.counter(workspace)
        if count:
            held.append((f"{count} {holder.singular if count == 1 else holder.label}", count))
    return held


# --- What the event log hides (API.md Wave 2: each role sees only the event data it may see elsewhere) ----------


EventCheck = Callable[[Actor, Event], bool]


@dataclass(frozen=True)
class EventSecret:
    """Data of `verb` events (a verb, or a family `invoice.*`) that only an actor allowed `(resource, action)` sees
    (or, with `check`, one for whom `check(actor, event)` is true). `keys`: the data keys to drop (a dotted path
    reaches into a dict: `changes.rate`); None drops the whole data. `label`: what the target is called instead of
    its label (when the label itself shows the secret, e.g. a cost rate's "85.00 from 2026-01-01")."""

    verb: str
    keys: tuple[str, ...] | None
    resource: str
    action: str
    check: EventCheck | None = None
    label: str = ""

    def visible_to(self, actor: Actor, event: Event) -> bool:
        if self.check is not None:
            return self.check(actor, event)
        return allowed(actor, self.resource, self.action)


_event_secrets: dict[str, list[EventSecret]] = {}


def register_event_secret(
    verb: str,
    *,
    keys: list[str] | tuple[str, ...] | None,
    resource: str = "",
    action: str = "view",
    check: EventCheck | None = None,
    label: str = "",
) -> EventSecret:
    """Hide `keys` of `verb` events (`verb` exact, or a family `deal.*`) from anyone the access policy does not allow
    `(resource, action)` (role-level, as the resource's own list endpoints answer 403), or for whom `check(actor,
    event)` is false. Use the same rule the app's own endpoints use. Registering the same thing twice adds nothing."""
    if check is None and not resource:
        raise ValueError("Name the (resource, action) that may see it, or give a check.")
    secret = EventSecret(verb, tuple(keys) if keys is not None else None, resource, action, check, label)
    secrets_of = _event_secrets.setdefault(verb, [])
    if secret not in secrets_of:
        secrets_of.append(secret)
    return secret


def event_secrets_for(verb: str) -> list[EventSecret]:
    """The secrets registered for `verb` itself and for its family (`invoice.*`)."""
    return _event_secrets.get(verb, []) + _event_secrets.get(f"{verb.split('.', 1)[0]}.*", [])


def _drop(data: dict[str, Any], path: str) -> bool:
    """Remove a (dotted) key from `data` in place; True when it was there."""
    head, _, rest = path.partition(".")
    if head not in data:
        return False
    if not rest:
        del data[head]
        return True
    inner = data[head]
    return isinstance(inner, dict) and _drop(inner, rest)


def redact_event(actor: Actor, event: Event) -> list[str]:
    """Drop from `event` (in place: `data`, and `target_label` when registered) what `actor` may not see, and note
    what went in `event.redacted` (also returned): the dropped data keys, `data` when all of it went, and
    `target_label`. An event with nothing registered is left as it is."""
    redacted: list[str] = []
    for secret in event_secrets_for(event.verb):
        if secret.visible_to(actor, event):
            continue
        if secret.keys is None:
            if event.data:
                event.data = {}
                redacted.append("data")
        else:
            data = event.data if isinstance(event.data, dict) else {}
            redacted.extend(key for key in secret.keys if _drop(data, key))
        if secret.label and event.target_label != secret.label:
            event.target_label = secret.label
            redacted.append("target_label")
    event.redacted = list(dict.fromkeys(redacted))  # type: ignore[attr-defined]
    return event.redacted  # type: ignore[attr-defined, no-any-return]


# --- What a person holds (people's RULES.md, "Archiving a person") ----------------------------------------------
# Archiving a person with open work names what they hold and hands it to a successor. The work lives in apps above
# people (handoffs, next steps, clients, projects, tasks, bookings), so each of them registers here, from its
# `wiring.py`, how to list what a person holds and how to hand it over through its own services.


@dataclass(frozen=True)
class HeldItem:
    """One thing a person holds: its id and how a person reads it ("Acme: website relaunch")."""

    id: int
    title: str


HoldingLister = Callable[[Workspace, int], list[HeldItem]]
HoldingMover = Callable[[Actor, int, int], int]


@dataclass(frozen=True)
class HoldingSource:
    key: str  # e.g. "handoffs_owned", the API's `holdings[].key`
    label: str  # e.g. "open handoffs they own"
    lister: HoldingLister
    mover: HoldingMover
    order: int = 100


_holding_sources: dict[str, HoldingSource] = {}


def register_holding_source(
    key: str, label: str, lister: HoldingLister, mover: HoldingMover, *, order: int = 100
) -> HoldingSource:
    """Make `key` part of what a person holds: `lister(workspace, person_id) -> [HeldItem]` lists what they hold now;
    `mover(actor, person_id, successor_id) -> count` hands it to the successor through the app's services (in the
    archiving transaction; raise a ValidationError to stop the archive). Sources run by `order`, then key."""
    source = HoldingSource(key, label, lister, mover, order)
    _holding_sources[key] = source
    return source


def holding_sources() -> list[HoldingSource]:
    return sorted(_holding_sources.values(), key=lambda s: (s.order, s.key))


def person_holdings(workspace: Workspace, person_id: int) -> list[tuple[HoldingSource, list[HeldItem]]]:
    """What the person holds, per source that has something, in the sources' order."""
    held = []
    for source in holding_sources():
        items = source.lister(workspace, person_id)
        if items:
            held.append((source, items))
    return held
