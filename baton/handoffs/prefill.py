"""What Baton already knows, written into a new handoff so its owner edits rather than writes from memory.

- `account_transition` (a client changes account manager): the client's projects and milestones (campaign
  history), its decisions, the knowledge record's preferences, goals and sensitivities with the stakeholder map,
  the open tasks of its live projects, and next steps (upcoming milestones, the latest touchpoint's next steps).
- `sales_to_account`: the client's goals and its contacts (the won deal adds its own fields through handoff_open).
- `brief_to_creative`: the approved brief version of the task (else of the project): version, tone of voice,
  deliverables.
- `design_to_development` / `delivery_to_qa`: the task's description.

Reads here are the service's own, scoped to the handoff's workspace; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from baton.core import formats
from baton.crm.models import Client, Contact
from baton.delivery.models import Milestone, Project, Task, TaskStatus
from baton.knowledge.goals import client_goals
from baton.knowledge.models import Brief, ClientKnowledge, Decision, Stakeholder
from baton.people.models import Person

LIVE = ("planned", "active", "on_hold")
MAX_LINES = 25

# Apps above handoffs add lines to an account transition's next steps (relationships: the latest touchpoint's next
# steps), registered from their wiring.py; handoffs never imports them.
NEXT_STEP_SOURCES: list[Callable[[Client], list[str]]] = []


def register_next_step_source(source: Callable[[Client], list[str]]) -> None:
    if source not in NEXT_STEP_SOURCES:
        NEXT_STEP_SOURCES.append(source)


def _lines(items: list[str], empty: str = "") -> str:
    if len(items) > MAX_LINES:
        items = [*items[:MAX_LINES], f"… and {len(items) - MAX_LINES} more"]
    return "\n".join(f"• {line}" for line in items) if items else empty


def _campaign_history(client: Client) -> str:
    projects = list(
        Project.objects.filter(workspace_id=client.workspace_id, client=client).order_by("start_date", "id")
    )
    milestones: dict[int, list[Milestone]] = {}
    for m in Milestone.objects.filter(project__in=projects).order_by("due_date", "id"):
        milestones.setdefault(m.project_id, []).append(m)
    lines = []
    for p in projects:
        start = formats.day(p.start_date) if p.start_date else "?"
        span = f"{start} → {formats.day(p.end_date) if p.end_date else 'open'}"
        ms = ", ".join(
            f"{m.name} ({m.status}{f', due {formats.day(m.due_date)}' if m.due_date else ''})"
            for m in milestones.get(p.pk, [])
        )
        lines.append(
            f"{p.name} — {p.get_status_display().lower()}, {p.get_billing_display().lower()}, {span}"
            + (f"; milestones: {ms}" if ms else "")
        )
    return _lines(lines)


def _decisions(client: Client) -> str:
    lines = []
    for d in Decision.objects.filter(workspace_id=client.workspace_id, client=client).order_by("-decided_on", "-id")[
        :MAX_LINES
    ]:
        text = f"{d.decided_on} {d.title}: {d.decision}"
        if d.rationale:
            text += f" Why: {d.rationale}"
        if d.alternatives_rejected:
            text += f" (rejected: {', '.join(d.alternatives_rejected)})"
        lines.append(text)
    return _lines(lines)


def _knowledge(client: Client) -> Any:
    return ClientKnowledge.objects.filter(pk=client.pk).first()


def _goals(client: Client) -> list[str]:
    """The client's goals (relationships' client goals, through knowledge's reader): "goal (KPI — target)"."""
    goals = []
    for g in client_goals(client):
        extra = " — ".join(g[k] for k in ("kpi", "target") if g.get(k))
        goals.append(g["goal"] + (f" ({extra})" if extra else ""))
    return goals


def _preferences(client: Client) -> str:
    record = _knowledge(client)
    parts = []
    if record and record.preferences.strip():
        parts.append(record.preferences.strip())
    goals = _goals(client)
    if goals:
        parts.append("Goals:\n" + _lines(goals))
    return "\n\n".join(parts)


def _sensitivities(client: Client) -> str:
    record = _knowledge(client)
    parts = []
    if record and record.sensitivities.strip():
        parts.append(record.sensitivities.strip())
    people = []
    for s in Stakeholder.objects.filter(contact__client=client).select_related("contact").order_by("contact__name"):
        note = f" — {s.notes}" if getattr(s, "notes", "") else ""
        people.append(f"{s.contact.name} ({s.contact.role or 'contact'}): {s.influence} influence, {s.attitude}{note}")
    if people:
        parts.append("Stakeholders:\n" + _lines(people))
    return "\n\n".join(parts)


def _open_tasks(client: Client) -> str:
    tasks = (
        Task.objects.filter(workspace_id=client.workspace_id, project__client=client, project__status__in=LIVE)
        .exclude(status=TaskStatus.DONE)
        .select_related("project", "assignee")
        .order_by("due_date", "id")
    )
    lines = []
    for t in tasks[: MAX_LINES + 1]:
        who = t.assignee.name if t.assignee else "unassigned"
        due = f", due {t.due_date}" if t.due_date else ""
        lines.append(f"{t.title} ({t.project.name}; {t.get_status_display().lower()}; {who}{due})")
    return _lines(lines)


def _next_steps(client: Client) -> str:
    lines = []
    upcoming = (
        Milestone.objects.filter(project__client=client, project__status__in=LIVE, status="open")
        .select_related("project")
        .order_by("due_date", "id")[:5]
    )
    for m in upcoming:
        lines.append(f"{m.project.name}: {m.name}" + (f" by {m.due_date}" if m.due_date else ""))
    for source in NEXT_STEP_SOURCES:  # e.g. relationships: the latest touchpoint's next steps
        lines.extend(source(client))
    return _lines(lines)


def _contacts(client: Client) -> str:
    lines = []
    for c in Contact.objects.filter(client=client).order_by("-is_primary", "name"):
        bits = [b for b in (c.role, c.email, getattr(c, "phone", "")) if b]
        lines.append(f"{c.name}" + (f" ({', '.join(bits)})" if bits else "") + (" — primary" if c.is_primary else ""))
    return _lines(lines)


def _brief(project: Project | None, task: Task | None) -> dict[str, str]:
    brief = None
    if task is not None:
        brief = (
            Brief.objects.filter(task=task, approved_version__isnull=False).select_related("approved_version").first()
        )
    if brief is None and project is not None:
        brief = (
            Brief.objects.filter(project=project, task__isnull=True, approved_version__isnull=False)
            .select_related("approved_version")
            .first()
        )
    if brief is None or brief.approved_version is None:
        return {}
    v = brief.approved_version
    approved = f", approved {v.approved_at:%Y-%m-%d}" if v.approved_at else ""
    out = {"approved_brief_version": f"{brief.title} v{v.number}{approved} (brief #{brief.pk})"}
    if v.tone_of_voice_reference.strip():
        out["tone_of_voice_reference"] = v.tone_of_voice_reference.strip()
    if v.deliverables.strip():
        out["deliverables"] = v.deliverables.strip()
    return out


def prefill(
    *,
    kind: str,
    client: Client | None,
    project: Project | None,
    task: Task | None,
    from_person: Person | None = None,
) -> dict[str, str]:
    """The automatic field values for a new handoff of `kind` (only non-empty ones)."""
    values: dict[str, str] = {}
    if kind == "account_transition" and client is not None:
        values = {
            "campaign_history": _campaign_history(client),
            "key_decisions": _decisions(client),
            "client_preferences": _preferences(client),
            "political_sensitivities": _sensitivities(client),
            "open_action_items": _open_tasks(client),
            "next_steps": _next_steps(client),
        }
    elif kind == "sales_to_account" and client is not None:
        values = {
            "primary_goals": _lines(_goals(client)),
            "stakeholder_contacts": _contacts(client),
        }
    elif kind == "brief_to_creative":
        values = _brief(project, task)
    elif kind in ("design_to_development", "delivery_to_qa") and task is not None and task.description.strip():
        key = "design_files" if kind == "design_to_development" else "what_changed"
        values = {key: f"{task.title}: {task.description.strip()}"}
    return {k: v for k, v in values.items() if v and v.strip()}
