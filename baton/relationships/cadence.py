"""The cadence plan: what contact is due with a client, computed from its communication protocol, the touchpoints
logged and its milestones. Pure (no database): `cadence_plan(...)` takes plain values, so it is tested directly.

Phases (the "first 30 days" model):
- onboarding (day 1-30 from `onboarding_started_on`): near-daily updates (`onboarding_update_every_days`, on
  weekdays), meetings at the protocol's meeting rhythm;
- ongoing (afterwards, or without an onboarding date): updates, meetings and strategic reviews at the protocol's
  rhythms, the first ones counted from the end of onboarding.
Milestone confirmations: a milestone due within `MILESTONE_LEAD_DAYS`, past due and open, or completed in the last
`MILESTONE_CONFIRM_DAYS` needs a touchpoint that names it (logged from `MILESTONE_LEAD_DAYS` before it was due).
Logging a touchpoint of a matching kind satisfies an item: its next due date moves on from that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from baton.core import formats

ONBOARDING_DAYS = 30
MILESTONE_LEAD_DAYS = 3
MILESTONE_CONFIRM_DAYS = 7
MILESTONE_LOOKBACK_DAYS = 30
UPCOMING_DAYS = 7

# Which touchpoint kinds satisfy which cadence item.
SATISFIES: dict[str, frozenset[str]] = {
    "update": frozenset({"status_update", "email", "call", "meeting", "strategic_review"}),
    "meeting": frozenset({"meeting", "strategic_review"}),
    "strategic_review": frozenset({"strategic_review"}),
    "milestone_confirmation": frozenset({"status_update", "email", "call", "meeting", "strategic_review"}),
}


@dataclass(frozen=True)
class ProtocolSpec:
    update_every_days: int = 7
    meeting_every_days: int = 14
    strategic_review_every_days: int = 90
    onboarding_started_on: date | None = None
    onboarding_update_every_days: int = 1
    anchor: date | None = None  # when the protocol began, without onboarding (else the onboarding end)


@dataclass(frozen=True)
class LoggedTouchpoint:
    kind: str
    on: date
    milestone_id: int | None = None


@dataclass(frozen=True)
class MilestoneFact:
    id: int
    name: str
    due_date: date | None
    done_on: date | None = None


@dataclass
class CadenceItem:
    item: str  # update | meeting | strategic_review | milestone:<id> | onboarding:<id>
    kind: str
    due_on: date
    reason: str
    status: str = "upcoming"  # due | overdue | upcoming
    days_overdue: int = 0
    satisfied_by: list[str] = field(default_factory=list)
    milestone_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "kind": self.kind,
            "due_on": self.due_on,
            "due_date": self.due_on,
            "status": self.status,
            "overdue": self.status == "overdue",
            "days_overdue": self.days_overdue,
            "reason": self.reason,
            "satisfied_by": self.satisfied_by,
            "milestone_id": self.milestone_id,
        }


def onboarding_day(spec: ProtocolSpec, today: date) -> int | None:
    """1-based day of the onboarding phase, or None outside it."""
    if spec.onboarding_started_on is None or today < spec.onboarding_started_on:
        return None
    day = (today - spec.onboarding_started_on).days + 1
    return day if day <= ONBOARDING_DAYS else None


def phase(spec: ProtocolSpec, today: date) -> str:
    if spec.onboarding_started_on is not None and today < spec.onboarding_started_on:
        return "not_started"
    return "onboarding" if onboarding_day(spec, today) is not None else "ongoing"


def _weekday_on_or_after(day: date) -> date:
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def _last(touchpoints: list[LoggedTouchpoint], kinds: frozenset[str], since: date | None, until: date) -> date | None:
    days = [t.on for t in touchpoints if t.kind in kinds and t.on <= until and (since is None or t.on >= since)]
    return max(days) if days else None


def _fmt(day: date | None) -> str:
    return formats.day(day) if day else "never"


def _onboarding_update(spec: ProtocolSpec, today: date, touchpoints: list[LoggedTouchpoint], day: int) -> CadenceItem:
    """The near-daily update of the onboarding phase (`day` of it)."""
    assert spec.onboarding_started_on is not None
    last = _last(touchpoints, SATISFIES["update"], spec.onboarding_started_on, today)
    due = spec.onboarding_started_on if last is None else last + timedelta(days=spec.onboarding_update_every_days)
    return CadenceItem(
        "update",
        "update",
        _weekday_on_or_after(due),
        f"Onboarding day {day} of {ONBOARDING_DAYS}: near-daily updates "
        f"(every {formats.count(spec.onboarding_update_every_days, 'working day')}); last contact {_fmt(last)}.",
    )


def _ongoing_items(
    spec: ProtocolSpec, today: date, touchpoints: list[LoggedTouchpoint], onboarding_end: date | None
) -> list[CadenceItem]:
    """The regular update and the strategic review of the ongoing phase (the first ones from the onboarding end)."""
    items: list[CadenceItem] = []
    base_default = onboarding_end or spec.anchor or today
    last = _last(touchpoints, SATISFIES["update"], None, today)
    items.append(
        CadenceItem(
            "update",
            "update",
            last + timedelta(days=spec.update_every_days) if last else base_default,
            f"Regular update every {spec.update_every_days} days; last update {_fmt(last)}.",
        )
    )
    last_review = _last(touchpoints, SATISFIES["strategic_review"], None, today)
    if last_review is not None:
        review_due = last_review + timedelta(days=spec.strategic_review_every_days)
        why = f"last one {_fmt(last_review)}."
    elif onboarding_end is not None:
        review_due, why = onboarding_end, "the first one closes onboarding."
    else:
        review_due = base_default + timedelta(days=spec.strategic_review_every_days)
        why = "none held yet."
    items.append(
        CadenceItem(
            "strategic_review",
            "strategic_review",
            review_due,
            f"Strategic review every {spec.strategic_review_every_days} days; {why}",
        )
    )
    return items


def _milestone_confirmation(m: MilestoneFact, today: date, touchpoints: list[LoggedTouchpoint]) -> CadenceItem | None:
    """The confirmation the milestone asks for, or None (outside its window, or a touchpoint named it already)."""
    when = m.done_on or m.due_date
    if when is None:
        return None
    if m.done_on is None and not (
        today - timedelta(days=MILESTONE_LOOKBACK_DAYS) <= when <= today + timedelta(days=MILESTONE_LEAD_DAYS)
    ):
        return None
    if m.done_on is not None and not (today - timedelta(days=MILESTONE_CONFIRM_DAYS) <= m.done_on <= today):
        return None
    window_start = (m.due_date or when) - timedelta(days=MILESTONE_LEAD_DAYS)
    confirmed = any(
        t.milestone_id == m.id and t.kind in SATISFIES["milestone_confirmation"] and window_start <= t.on <= today
        for t in touchpoints
    )
    if confirmed:
        return None
    reason = (
        f"Milestone “{m.name}” was completed on {formats.day(m.done_on)}: confirm the sign-off with the client."
        if m.done_on
        else f"Milestone “{m.name}” is due on {formats.day(when)}: confirm it with the client."
    )
    return CadenceItem(f"milestone:{m.id}", "milestone_confirmation", when, reason, milestone_id=m.id)


def cadence_plan(
    spec: ProtocolSpec,
    today: date,
    touchpoints: list[LoggedTouchpoint],
    milestones: list[MilestoneFact] | None = None,
    onboarding_items: list[tuple[int, str, str, date]] | None = None,
) -> list[CadenceItem]:
    """Every cadence item with its next due date and status as of `today` (due today, overdue, or upcoming)."""
    items: list[CadenceItem] = []
    if spec.onboarding_started_on is not None and today < spec.onboarding_started_on:
        return items
    day = onboarding_day(spec, today)
    onboarding_end = (
        spec.onboarding_started_on + timedelta(days=ONBOARDING_DAYS) if spec.onboarding_started_on else None
    )
    start = spec.onboarding_started_on or spec.anchor or today
    if day is not None:
        items.append(_onboarding_update(spec, today, touchpoints, day))
    else:
        items.extend(_ongoing_items(spec, today, touchpoints, onboarding_end))
    last_meeting = _last(touchpoints, SATISFIES["meeting"], None, today)
    meeting_base = last_meeting or start
    items.append(
        CadenceItem(
            "meeting",
            "meeting",
            meeting_base + timedelta(days=spec.meeting_every_days),
            f"Meeting every {spec.meeting_every_days} days; last meeting {_fmt(last_meeting)}.",
        )
    )
    for m in milestones or []:
        confirmation = _milestone_confirmation(m, today, touchpoints)
        if confirmation is not None:
            items.append(confirmation)
    for item_id, kind, title, due_on in onboarding_items or []:
        items.append(
            CadenceItem(
                f"onboarding:{item_id}", kind, due_on, f"Onboarding plan: {title} (day {(due_on - start).days + 1})."
            )
        )
    for item in items:
        item.satisfied_by = sorted(SATISFIES.get(item.kind, {item.kind}))
        if item.due_on < today:
            item.status = "overdue"
            item.days_overdue = (today - item.due_on).days
        elif item.due_on == today:
            item.status = "due"
    items.sort(key=lambda i: (i.due_on, i.item))
    return items


def due_items(items: list[CadenceItem]) -> list[CadenceItem]:
    return [i for i in items if i.status in ("due", "overdue")]


def upcoming_items(items: list[CadenceItem], today: date) -> list[CadenceItem]:
    return [i for i in items if i.status == "upcoming" and i.due_on <= today + timedelta(days=UPCOMING_DAYS)]


def matched_item(
    items: list[CadenceItem], kind: str, today: date, milestone_id: int | None = None
) -> CadenceItem | None:
    """The item a touchpoint of `kind` logged `today` satisfies: a due or overdue one first, else one coming up
    within half its rhythm (a call the day before the weekly update is that update)."""
    candidates = [
        i
        for i in items
        if kind in i.satisfied_by
        and (i.milestone_id is None or i.milestone_id == milestone_id)
        and (i.status in ("due", "overdue") or i.due_on <= today + timedelta(days=3))
    ]
    candidates.sort(key=lambda i: (i.status != "overdue", i.status != "due", i.due_on))
    return candidates[0] if candidates else None
