"""Rules: validation, create/update/delete, the dry run, and running one rule for one committed event.

A rule runs at most once per event: its `RuleRun` is unique per (rule, event) and is written in the same transaction
as its actions, under a lock on the rule, so a retried or duplicated job finds the run and does nothing. Its actions
are all or nothing. Events the actions emit remember the chain of rules that caused them (`EventDispatch`), and a
rule never runs again inside its own chain; chains stop at `MAX_CHAIN_DEPTH`.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.http import Http404

from baton.automation.models import EventDispatch, Rule, RuleRun, RunStatus, Webhook
from baton.automation.recipients import spec_error
from baton.core import access, events
from baton.core import conditions as cond
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.models import Event, Workspace
from baton.core.registry import ActionContext, ActionError, Param, action_types, get_action
from baton.core.services import bump_version, check_version, validate
from baton.delivery.selectors import project_get

logger = logging.getLogger(__name__)

RULE_FIELDS = ("name", "trigger", "conditions", "actions", "active")
VERB_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# Rules never trigger on these: they are the automation's own bookkeeping and would feed back into it.
INTERNAL_PREFIXES = ("automation_", "notification", "webhook_delivery")
INTERNAL_VERBS = frozenset({"webhook.tested"})
MAX_CHAIN_DEPTH = 5
MAX_CONDITIONS = 20
MAX_ACTIONS = 10
TEMPLATE_MAX = 5000


def is_internal_verb(verb: str) -> bool:
    return verb.startswith(INTERNAL_PREFIXES) or verb in INTERNAL_VERBS


def trigger_error(trigger: Any) -> str | None:
    if not isinstance(trigger, str) or not trigger.strip():
        return "Choose the event verb that triggers the rule, e.g. task.status_changed."
    if not VERB_RE.match(trigger):
        return f"“{trigger}” is not an event verb: use <record>.<what happened>, e.g. deal.won."
    if is_internal_verb(trigger):
        return "Rules cannot trigger on automation, notification or webhook-delivery events (they would feed back)."
    return None


# --- Validation -----------------------------------------------------------------------------------------------


def _param_error(workspace: Workspace, param: Param, value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return f"{param.label} is required." if param.required else None
    kind = param.kind
    if kind in ("text", "template"):
        if not isinstance(value, str):
            return f"{param.label} is text."
        if len(value) > TEMPLATE_MAX:
            return f"Keep {param.label.lower()} under {TEMPLATE_MAX} characters."
    elif kind == "json":
        if len(str(value)) > TEMPLATE_MAX:
            return f"Keep {param.label.lower()} under {TEMPLATE_MAX} characters."
    elif kind == "int":
        return _int_error(param, value)
    elif kind == "choice":
        allowed = [c for c, _ in param.choices]
        if value not in allowed:
            return f"Choose one of: {', '.join(allowed)}."
    elif kind in ("recipients", "emails", "person"):
        return spec_error(workspace, value, allow_emails=kind == "emails", single=kind == "person")
    elif kind == "webhook":
        return _webhook_error(workspace, value)
    elif kind == "project":
        return _project_error(workspace, value)
    return None


def _int_error(param: Param, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
        return f"{param.label} is a whole number."
    if not -3650 <= int(value) <= 3650:
        return f"{param.label} is out of range."
    return None


def _webhook_error(workspace: Workspace, value: Any) -> str | None:
    if isinstance(value, bool) or not str(value).isdigit() or len(str(value)) > 18:
        return "Choose a webhook."
    if not Webhook.objects.filter(workspace=workspace, pk=int(value)).exists():
        return "No such webhook in this workspace."
    return None


def _project_error(workspace: Workspace, value: Any) -> str | None:
    if value == "event":
        return None
    if isinstance(value, bool) or not str(value).isdigit() or len(str(value)) > 18:
        return "Use a project id, or “event” for the event's project."

    try:
        project_get(actor=Actor.system(workspace), project_id=int(value))
    except Http404:
        return "No such project in this workspace."
    return None


def action_errors(workspace: Workspace, action: Any, prefix: str) -> dict[str, str]:
    if not isinstance(action, dict):
        return {prefix: "Each action is an object {type, params}."}
    errors: dict[str, str] = {}
    unknown_keys = set(action) - {"type", "params"}
    if unknown_keys:
        errors[prefix] = f"Unknown keys: {', '.join(sorted(unknown_keys))} (use type, params)."
    kind = action.get("type")
    spec = get_action(kind) if isinstance(kind, str) else None
    if spec is None:
        known = ", ".join(sorted(action_types()))
        errors[f"{prefix}.type"] = f"Unknown action type “{kind}”; use one of: {known}."
        return errors
    params = action.get("params") or {}
    if not isinstance(params, dict):
        errors[f"{prefix}.params"] = 'Action parameters are an object, e.g. {"to": "client_am"}.'
        return errors
    names = {p.name for p in spec.params}
    extra = sorted(set(params) - names)
    if extra:
        errors[f"{prefix}.params"] = f"Unknown parameters for {kind}: {', '.join(extra)}."
    for param in spec.params:
        message = _param_error(workspace, param, params.get(param.name))
        if message:
            errors[f"{prefix}.params.{param.name}"] = message
    if spec.validate is not None and not errors:
        for name, message in spec.validate(workspace, params).items():
            errors[f"{prefix}.params.{name}" if name else f"{prefix}.params"] = message
    return errors


def rule_errors(workspace: Workspace, *, trigger: Any, conditions: Any, actions: Any) -> dict[str, str]:
    """Every problem of a rule's trigger, conditions and actions, keyed `conditions[0].op`, `actions[1].type`..."""
    errors: dict[str, str] = {}
    message = trigger_error(trigger)
    if message:
        errors["trigger"] = message
    if not isinstance(conditions, list):
        errors["conditions"] = "Conditions are a list of {field, op, value}."
    elif len(conditions) > MAX_CONDITIONS:
        errors["conditions"] = f"At most {MAX_CONDITIONS} conditions."
    else:
        for i, condition in enumerate(conditions):
            errors |= cond.condition_errors(condition, f"conditions[{i}]")
    if not isinstance(actions, list) or not actions:
        errors["actions"] = "Add at least one action."
    elif len(actions) > MAX_ACTIONS:
        errors["actions"] = f"At most {MAX_ACTIONS} actions."
    else:
        for i, action in enumerate(actions):
            errors |= action_errors(workspace, action, f"actions[{i}]")
    return errors


def _normalise_actions(actions: Any) -> Any:
    if not isinstance(actions, list):
        return actions
    return [{"type": a.get("type"), "params": a.get("params") or {}} if isinstance(a, dict) else a for a in actions]


def _name_errors(actor: Actor, name: str, exclude_id: int | None = None) -> dict[str, str]:
    taken = Rule.objects.filter(workspace=actor.workspace, name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return {"name": "A rule with this name already exists."} if name and taken.exists() else {}


# --- Writes ---------------------------------------------------------------------------------------------------


@transaction.atomic
def rule_create(
    *,
    actor: Actor,
    name: str,
    trigger: str,
    actions: list[dict[str, Any]],
    conditions: list[dict[str, Any]] | None = None,
    active: bool = True,
) -> Rule:
    """A new rule. Runs for events committed from now on, never for earlier ones."""
    access.require(actor, "automation_rule", "create")
    conditions = [] if conditions is None else conditions
    actions = _normalise_actions(actions)
    name = (name or "").strip()
    errors = _name_errors(actor, name) | rule_errors(
        actor.workspace, trigger=trigger, conditions=conditions, actions=actions
    )
    rule = Rule(
        workspace=actor.workspace,
        name=name,
        trigger=(trigger or "").strip() if isinstance(trigger, str) else "",
        conditions=conditions if isinstance(conditions, list) else [],
        actions=actions if isinstance(actions, list) else [],
        active=bool(active),
        created_by_id=actor.person_id,
    )
    validate(rule, errors, exclude=["conditions", "actions"])
    rule.save()
    events.emit(actor, "automation_rule.created", rule, data=_summary(rule))
    return rule


@transaction.atomic
def rule_update(*, actor: Actor, rule: Rule, version: int | None, **changes: Any) -> Rule:
    access.require(actor, "automation_rule", "update", rule)
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    check_version(rule, version)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if "actions" in changes:
        changes["actions"] = _normalise_actions(changes["actions"])
    if "active" in changes:
        changes["active"] = bool(changes["active"])
    errors = _name_errors(actor, changes["name"], exclude_id=rule.pk) if changes.get("name") else {}
    errors |= rule_errors(
        actor.workspace,
        trigger=changes.get("trigger", rule.trigger),
        conditions=changes.get("conditions", rule.conditions),
        actions=changes.get("actions", rule.actions),
    )
    if errors:
        raise ValidationError(errors)
    changed = events.diff(rule, changes)
    if not changed:
        return rule
    validate(rule, exclude=["conditions", "actions"])
    bump_version(rule)
    rule.save()
    events.emit(actor, "automation_rule.updated", rule, data={"changes": changed})
    return rule


@transaction.atomic
def rule_delete(*, actor: Actor, rule: Rule) -> None:
    """Delete a rule and its run log (switch it off with `active: false` to keep the log)."""
    access.require(actor, "automation_rule", "delete", rule)
    events.emit(actor, "automation_rule.deleted", rule, data={"name": rule.name, "trigger": rule.trigger})
    rule.delete()


def _summary(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "trigger": rule.trigger,
        "conditions": len(rule.conditions),
        "actions": [a.get("type") for a in rule.actions],
        "active": rule.active,
    }


# --- Dry run --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DryRunRow:
    event: Event
    matched: bool
    reason: str
    checks: list[str]


def rule_dry_run(*, actor: Actor, trigger: str, conditions: list[dict[str, Any]], limit: int = 20) -> list[DryRunRow]:
    """Which of the last `limit` events with this verb the conditions would match, and why (nothing is run)."""
    access.require(actor, "automation_rule", "view")
    errors = {}
    message = trigger_error(trigger)
    if message:
        errors["trigger"] = message
    if not isinstance(conditions, list):
        errors["conditions"] = "Conditions are a list of {field, op, value}."
    else:
        for i, condition in enumerate(conditions):
            errors |= cond.condition_errors(condition, f"conditions[{i}]")
    if errors:
        raise ValidationError(errors)
    limit = max(1, min(int(limit), 200))
    recent = Event.objects.filter(workspace=actor.workspace, verb=trigger).order_by("-occurred_at", "-id")[:limit]
    rows = []
    for event in recent:
        results = cond.evaluate(conditions, cond.event_document(event))
        matched, reason = cond.explain(results)
        rows.append(DryRunRow(event, matched, reason, [("✓ " if r.passed else "✗ ") + r.explanation for r in results]))
    return rows


# --- Running a rule for an event ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    """How an event came about: the rules whose actions led to it, from the root event a person caused."""

    root_event_id: int | None = None
    rule_ids: tuple[int, ...] = ()
    depth: int = 0

    @classmethod
    def of(cls, dispatch: EventDispatch | None) -> Chain:
        if dispatch is None or not dispatch.depth:
            return cls()
        return cls(dispatch.root_event_id, tuple(int(i) for i in dispatch.chain_rule_ids or []), dispatch.depth)


def automation_actor(workspace: Workspace, rule: Rule) -> Actor:
    """Rules act as Baton itself (owner rights; only owners and admins write rules), named after the rule so the
    activity feed says which rule did it."""
    return dataclasses.replace(Actor.system(workspace), person_name=f"Automation: {rule.name}"[:200])


def _describe_error(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        return " ".join(exc.messages)
    if isinstance(exc, BatonError):
        return exc.detail
    return str(exc) or type(exc).__name__


def _record(rule: Rule, event: Event, chain: Chain, status: str, reason: str, **extra: Any) -> RuleRun:
    return RuleRun.objects.create(
        workspace_id=rule.workspace_id,
        rule=rule,
        event=event,
        status=status,
        reason=reason[:2000],
        depth=chain.depth,
        **extra,
    )


def rule_run_for_event(*, rule_id: int, event: Event, chain: Chain | None = None) -> RuleRun | None:
    """Run one rule for one committed event, at most once (see the module docstring). Returns the run, the one an
    earlier job recorded, or None when the rule is gone or switched off."""
    chain = chain or Chain()
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(pk=rule_id, workspace_id=event.workspace_id).first()
        if rule is None or not rule.active or rule.trigger != event.verb:
            return None
        existing = RuleRun.objects.filter(rule=rule, event=event).first()
        if existing is not None:
            return existing
        if rule.pk in chain.rule_ids:
            return _record(rule, event, chain, RunStatus.SKIPPED, "Chain guard: this rule's own actions led here.")
        if chain.depth >= MAX_CHAIN_DEPTH:
            return _record(
                rule, event, chain, RunStatus.SKIPPED, f"Chain guard: {chain.depth} rules deep, the limit is reached."
            )
        document = cond.event_document(event)
        matched, reason = cond.explain(cond.evaluate(rule.conditions, document))
        if not matched:
            return _record(rule, event, chain, RunStatus.SKIPPED, reason)
        actor = automation_actor(rule.workspace, rule)
        ctx = ActionContext(
            workspace=rule.workspace,
            actor=actor,
            event=event,
            document=document | {"rule": {"id": rule.pk, "name": rule.name}},
            rule_id=rule.pk,
            rule_name=rule.name,
        )
        first_new_event = (Event.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        savepoint = transaction.savepoint()
        done: list[str] = []
        index = 0
        try:
            for action in rule.actions:  # `index` names the failing action in the run log
                spec = get_action(action.get("type", ""))
                if spec is None:
                    raise ActionError(f"the action type “{action.get('type')}” is no longer available")
                done.append(f"{spec.type}: {spec.handler(ctx, action.get('params') or {})}")
                index += 1
        except (OperationalError, InterfaceError):
            raise  # the database, not the rule: let the job be retried
        except (ActionError, ValidationError, PermissionDenied, Http404, BatonError, ValueError, TypeError) as exc:
            transaction.savepoint_rollback(savepoint)
            failing = rule.actions[index].get("type") if index < len(rule.actions) else "?"
            return _record(
                rule,
                event,
                chain,
                RunStatus.FAILED,
                f"{reason} — then actions[{index}] ({failing}) failed, so no action took effect.",
                error=_describe_error(exc)[:2000],
            )
        except Exception as exc:
            transaction.savepoint_rollback(savepoint)
            logger.exception("Rule %s failed on event %s.", rule.pk, event.pk)
            return _record(
                rule,
                event,
                chain,
                RunStatus.FAILED,
                f"{reason} — then actions[{index}] raised an unexpected error; no action took effect.",
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        transaction.savepoint_commit(savepoint)
        run = _record(rule, event, chain, RunStatus.MATCHED, reason, actions_done=done)
        # The events these actions emitted carry the chain, so this rule never re-triggers on its own work.
        caused = Event.objects.filter(
            workspace_id=event.workspace_id,
            id__gte=first_new_event,
            actor_id__isnull=True,
            actor_name=actor.person_name,
        ).values_list("id", flat=True)
        EventDispatch.objects.bulk_create(
            [
                EventDispatch(
                    event_id=caused_id,
                    workspace_id=event.workspace_id,
                    caused_by_run=run,
                    root_event_id=chain.root_event_id or event.pk,
                    chain_rule_ids=[*chain.rule_ids, rule.pk],
                    depth=chain.depth + 1,
                )
                for caused_id in caused
            ],
            ignore_conflicts=True,
        )
        return run
