"""The receiver's side of the loop: gaps raised and answered, confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version
from baton.handoffs.models import (
    Handoff,
    HandoffGap,
    HandoffStatus,
    WalkthroughHow,
)
from baton.handoffs.services._common import _clean_values, _event_data, _locked, _required_errors


def _clean_gaps(gaps: Any, handoff: Handoff) -> list[tuple[str, str]]:
    if not isinstance(gaps, list) or not gaps:
        raise ValidationError({"gaps": "List at least one question the owner must answer."})
    keys = {f["key"] for f in handoff.field_spec}
    cleaned: list[tuple[str, str]] = []
    errors: dict[str, str] = {}
    for i, gap in enumerate(gaps):
        if isinstance(gap, dict):
            question = str(gap.get("question") or "").strip()
            field_key = str(gap.get("field") or gap.get("field_key") or "").strip()
        else:
            question, field_key = str(gap or "").strip(), ""
        if not question:
            errors[f"gaps[{i}]"] = "A gap is a question; this one is empty."
        elif len(question) > 5000:
            errors[f"gaps[{i}]"] = "At most 5000 characters."
        if field_key and field_key not in keys:
            errors[f"gaps[{i}].field"] = "This handoff has no such field."
        cleaned.append((question, field_key))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def handoff_raise_gaps(*, actor: Actor, handoff: Handoff, gaps: list[Any]) -> Handoff:
    """The receiver cannot proceed yet: each gap is a question (optionally about a field) for the owner."""
    access.require(actor, "handoff", "raise_gaps", handoff)
    handoff = _locked(handoff)
    if handoff.status != HandoffStatus.SENT:
        raise Conflict(
            f"Gaps are raised on a sent handoff; this one is {handoff.get_status_display().lower()}.", field="status"
        )
    cleaned = _clean_gaps(gaps, handoff)
    now = timezone.now()
    handoff.gap_rounds += 1
    HandoffGap.objects.bulk_create(
        [
            HandoffGap(
                handoff=handoff,
                round=handoff.gap_rounds,
                question=question,
                field_key=field_key,
                raised_by_id=actor.person_id,
                raised_at=now,
            )
            for question, field_key in cleaned
        ]
    )
    handoff.status = HandoffStatus.GAPS_RAISED
    bump_version(handoff)
    handoff.save()
    events.emit(
        actor,
        "handoff.gaps_raised",
        handoff,
        data=_event_data(handoff, gap_count=len(cleaned), round=handoff.gap_rounds),
    )
    return handoff


def _match_answers(
    handoff: Handoff,
    answers: dict[str, Any],
    open_gaps: list[HandoffGap],
    new_fields: dict[str, Any],
    errors: dict[str, str],
) -> dict[int, str]:
    """Each open gap's answer (by gap id): matched by key, then the unmatched answers in order. An answer keyed by a
    field of the handoff is also written into `new_fields`."""
    field_keys = {f["key"] for f in handoff.field_spec}
    texts: dict[int, str] = {}
    leftovers: list[str] = []
    for key, value in answers.items():
        text = "" if value is None else str(value).strip()
        if not text:
            errors[f"answers.{key}"] = "The answer is empty."
            continue
        key_s = str(key)
        gap = next(
            (
                g
                for g in open_gaps
                if g.pk not in texts
                and (str(g.pk) == key_s or g.question == key_s or (g.field_key and g.field_key == key_s))
            ),
            None,
        )
        if key_s in field_keys:
            new_fields[key_s] = (
                text if not new_fields.get(key_s, "").strip() else f"{new_fields[key_s].rstrip()}\n{text}"
            )
        if gap is not None:
            texts[gap.pk] = text
        elif key_s not in field_keys:
            leftovers.append(text)
        else:
            leftovers.append(text)
    for gap in open_gaps:
        if gap.pk not in texts and leftovers:
            texts[gap.pk] = leftovers.pop(0)
    return texts


@transaction.atomic
def handoff_answer_gaps(
    *, actor: Actor, handoff: Handoff, answers: dict[str, Any], fields: dict[str, Any] | None = None
) -> Handoff:
    """The owner answers the open gaps and the handoff goes back to the receiver (status `sent`).

    `answers` is keyed by gap id (or the gap's question, or the field it is about); a key that is a field of the
    handoff also writes the answer into that field. Answers whose key matches no gap fill the remaining open gaps
    in order. Every open gap needs an answer (422 naming `answers`), and required fields must still be filled."""
    access.require(actor, "handoff", "answer_gaps", handoff)
    handoff = _locked(handoff)
    if handoff.status != HandoffStatus.GAPS_RAISED:
        raise Conflict(
            f"There are no gaps to answer; this handoff is {handoff.get_status_display().lower()}.", field="status"
        )
    if not isinstance(answers, dict) or not answers:
        raise ValidationError({"answers": "Answer the open gaps: {gap id: answer}."})
    errors: dict[str, str] = {}
    open_gaps = list(handoff.gaps.filter(answered_at__isnull=True).order_by("id"))
    new_fields = dict(handoff.fields)
    texts = _match_answers(handoff, answers, open_gaps, new_fields, errors)
    unanswered = [g for g in open_gaps if g.pk not in texts]
    if unanswered:
        errors["answers"] = "Answer every open gap: " + "; ".join(f"#{g.pk} {g.question[:80]}" for g in unanswered)
    if fields:
        new_fields |= _clean_values(fields, handoff.field_spec, errors)
    if errors:
        raise ValidationError(errors)
    handoff.fields = new_fields
    missing = _required_errors(handoff)
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    for gap in open_gaps:
        gap.answer = texts[gap.pk]
        gap.answered_at = now
        gap.answered_by_id = actor.person_id
    HandoffGap.objects.bulk_update(open_gaps, ["answer", "answered_at", "answered_by"])
    handoff.status = HandoffStatus.SENT
    bump_version(handoff)
    handoff.save()
    events.emit(actor, "handoff.gaps_answered", handoff, data=_event_data(handoff, gap_count=len(open_gaps)))
    return handoff


def _walkthrough_errors(
    handoff: Handoff, held: bool | None, at: datetime | None, how: str, now: datetime
) -> dict[str, str]:
    """The receiver attests the walkthrough themself: that it was held, when and how. Required (each missing one
    named) when the handoff requires a walkthrough; checked when given otherwise. Baton never assumes it."""
    errors: dict[str, str] = {}
    if handoff.requires_walkthrough:
        if held is False:
            errors["walkthrough_held"] = "Hold the walkthrough meeting before confirming this handoff."
        elif held is None:
            errors["walkthrough_held"] = (
                "This handoff requires a walkthrough: attest that you took part in it (walkthrough_held: true)."
            )
        if held is not False and at is None:
            errors["walkthrough_at"] = "Say when the walkthrough took place."
        if held is not False and not how:
            errors["walkthrough_how"] = f"Say how it took place: {', '.join(WalkthroughHow.values)}."
    if at is not None:
        if timezone.is_naive(at):
            errors["walkthrough_at"] = "Give the time with its offset (ISO 8601)."
        elif at > now + timedelta(minutes=5):
            errors["walkthrough_at"] = "The walkthrough is attested once it took place, not before."
        elif at.year < 1900:
            errors["walkthrough_at"] = "Give a date from 1900 on."
    if how and how not in WalkthroughHow.values:
        errors["walkthrough_how"] = f"Choose one of: {', '.join(WalkthroughHow.values)}."
    return errors


@transaction.atomic
def handoff_confirm(
    *,
    actor: Actor,
    handoff: Handoff,
    note: str = "",
    walkthrough_held: bool | None = None,
    walkthrough_at: datetime | None = None,
    walkthrough_how: str = "",
) -> Handoff:
    """The receiver has enough to proceed. Records the minutes from the first send and whether it was first-time
    (no gap ever raised). A template that requires a walkthrough is confirmed only when the receiver attests it:
    `walkthrough_held: true`, `walkthrough_at` (when) and `walkthrough_how` (in person, video or phone call) — 422
    naming each one false or left out; the attestation is recorded with who made it and when. Otherwise it records
    what was said (null when nothing was)."""
    access.require(actor, "handoff", "confirm", handoff)
    handoff = _locked(handoff)
    if handoff.status == HandoffStatus.GAPS_RAISED:
        raise Conflict("The owner has not answered the gaps yet.", field="status")
    if handoff.status != HandoffStatus.SENT:
        raise Conflict(
            f"Only a sent handoff is confirmed; this one is {handoff.get_status_display().lower()}.", field="status"
        )
    now = timezone.now()
    how = (walkthrough_how or "").strip()
    errors = _walkthrough_errors(handoff, walkthrough_held, walkthrough_at, how, now)
    if errors:
        raise ValidationError(errors)
    sent_at = handoff.sent_at or now
    handoff.status = HandoffStatus.CONFIRMED
    handoff.confirmed_at = now
    handoff.first_time = handoff.gap_rounds == 0
    handoff.minutes_to_confirm = max(0, int((now - sent_at).total_seconds() // 60))
    handoff.walkthrough_held = walkthrough_held
    if walkthrough_held is not None:
        handoff.walkthrough_at = walkthrough_at
        handoff.walkthrough_how = how
        handoff.walkthrough_attested_by_id = actor.person_id
        handoff.walkthrough_attested_at = now
    handoff.confirmation_note = (note or "").strip()
    bump_version(handoff)
    handoff.save()
    walkthrough = (
        {
            "walkthrough_held": walkthrough_held,
            "walkthrough_at": walkthrough_at,
            "walkthrough_how": how,
            "walkthrough_attested_by_id": actor.person_id,
        }
        if walkthrough_held is not None
        else {}
    )
    events.emit(
        actor,
        "handoff.confirmed",
        handoff,
        data=_event_data(
            handoff, first_time=handoff.first_time, minutes_to_confirm=handoff.minutes_to_confirm, **walkthrough
        ),
    )
    return handoff
