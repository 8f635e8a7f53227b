"""Step: projects with milestones and tasks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from baton.delivery.models import Milestone, Project, ProjectStatusChange, Task
from baton.devdata.scale._common import DAY, WORDS, Progress, World


# Complexity: one generator step over the shared seeded random sequence (same draws, same data).
def step_projects(w: World, advance: Progress) -> None:
    """Projects spread over the years, each 1-9 months, with milestones, tasks and a team of 2-6."""
    rng = w.rng
    pms = [p for p in w.people if p.membership.role == "project_manager"]
    span_days = (w.today - w.start).days
    projects = []
    for i in range(w.size.projects - 1):
        client = w.clients[int(rng.paretovariate(1.2) * 7) % len(w.clients)]
        start = w.start + timedelta(days=int(span_days * (i / w.size.projects)) + rng.randint(-20, 20))
        start = max(w.start, min(start, w.today))
        length = rng.choice([30, 45, 60, 90, 120, 180, 270])
        end = start + timedelta(days=length)
        billing = rng.choices(
            ["time_and_materials", "fixed_fee", "retainer", "non_billable"], weights=[50, 25, 15, 10]
        )[0]
        status = "done" if end < w.today else "active"
        if status == "active" and rng.random() < 0.05:
            status = "on_hold"
        minutes = rng.choice([3000, 6000, 12000, 24000, 48000])
        fields: dict[str, Any] = {}
        if billing == "retainer":
            fields = {
                "retainer_period": "month",
                "period_budget_minutes": 2400 * rng.choice([1, 2, 3]),
                "period_budget_amount": Decimal(rng.choice([6000, 12000, 20000])),
                "budget_amount": Decimal(0),
                "budget_minutes": 0,
            }
            end = start + timedelta(days=rng.choice([365, 540, 730]))
            status = "done" if end < w.today else "active"
        else:
            fields = {
                "budget_minutes": minutes,
                "budget_amount": Decimal(minutes * 2) if billing != "non_billable" else 0,
            }
        projects.append(
            Project(
                workspace=w.workspace,
                client=client,
                name=f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i + 1}",
                status=status,
                billing=billing,
                currency=client.currency,
                start_date=start,
                end_date=end,
                project_manager=pms[i % len(pms)],
                **fields,
            )
        )
    # The agency's own time (internal, non-billable) lands here when nobody is staffed.
    projects.append(
        Project(
            workspace=w.workspace,
            client=w.clients[0],
            name="Internal: agency time",
            status="active",
            billing="non_billable",
            currency="USD",
            start_date=w.start,
        )
    )
    cancelled = _cancel_retainers(w, projects)
    w.projects = Project.objects.bulk_create(projects, batch_size=1000)
    ProjectStatusChange.objects.bulk_create(_status_history(w, cancelled), batch_size=5000)
    advance("projects", len(projects))
    milestones, tasks = [], []
    for p in w.projects:
        first, end = p.start_date or w.today, p.end_date or w.today
        for k in range(3):
            milestones.append(
                Milestone(
                    workspace=w.workspace,
                    project=p,
                    name=f"Phase {k + 1}",
                    due_date=first + (end - first) * (k + 1) // 3,
                    status="done" if p.status == "done" else "open",
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    staff = w.staff
    for p in w.projects:
        team = rng.sample(staff, k=min(len(staff), rng.randint(2, 6)))
        w.teams[p.pk] = [t.pk for t in team]
        for k in range(rng.randint(6, 14)):
            done = p.status == "done" or rng.random() < 0.4
            tasks.append(
                Task(
                    workspace=w.workspace,
                    project=p,
                    title=f"Task {k + 1} of {p.name}",
                    status="done" if done else rng.choice(["todo", "in_progress", "in_review", "blocked"]),
                    assignee_id=rng.choice(w.teams[p.pk]),
                    estimate_minutes=rng.choice([120, 240, 480, 960, 1920]),
                    position=k,
                )
            )
    created = Task.objects.bulk_create(tasks, batch_size=2000)
    for t in created:
        w.tasks.setdefault(t.project_id, []).append(t.pk)
    w.counts |= {"projects": len(w.projects), "milestones": len(milestones), "tasks": len(created)}
    advance("tasks", len(created))


def _cancel_retainers(w: World, projects: list[Project]) -> dict[int, date]:
    """One or two retainers that ran four months or more were cancelled half-way through (no random draws, so the
    rest of the world is unchanged): status cancelled, the end date kept as signed, no time after the cancellation
    (`World.stopped`). Answers the day each was cancelled, by the project object's id()."""
    spans: dict[int, tuple[Project, date, date]] = {}  # id(): the project, its start, its last day so far
    for p in projects:
        if p.billing == "retainer" and p.start_date and p.end_date:
            spans[id(p)] = (p, p.start_date, min(p.end_date, w.today))
    long = [key for key, (_, start, last) in spans.items() if (last - start).days >= 120]
    picks = {long[len(long) // 3], long[2 * len(long) // 3]} if long else set()
    for key in picks:
        spans[key][0].status = "cancelled"
    return {key: spans[key][1] + (spans[key][2] - spans[key][1]) // 2 for key in picks}


def _status_history(w: World, cancelled: dict[int, date]) -> list[ProjectStatusChange]:
    """Status history consistent with each project's status (MONEY.md §3): active from its start; a done project
    done from the day after its end date; one on hold since half-way to today; a cancelled one from its
    cancellation."""
    rows = []
    for p in w.projects:
        start = p.start_date or w.start
        rows.append(ProjectStatusChange(project=p, status="active", on=start))
        if p.status == "done":
            rows.append(ProjectStatusChange(project=p, status="done", on=min(w.today, p.end_date + DAY)))
        elif p.status == "on_hold":
            rows.append(ProjectStatusChange(project=p, status="on_hold", on=start + (w.today - start) // 2))
        elif p.status == "cancelled":
            on = cancelled[id(p)]
            rows.append(ProjectStatusChange(project=p, status="cancelled", on=on))
            w.stopped[p.pk] = on - DAY
    return rows
