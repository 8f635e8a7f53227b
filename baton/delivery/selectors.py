"""Reads for projects, milestones, tasks and templates, always through the acting membership.

Visibility: every staff role sees the workspace's projects, except a `member` when the workspace sets
`members_see_only_their_projects` (then only projects it manages, belongs to or has tasks on); a client-role user
sees its own client's projects. Milestones and tasks follow their project. Anything else is not found (404).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404, workspace_figures
from baton.delivery.models import (
    BudgetRevision,
    Milestone,
    Project,
    ProjectStatus,
    ProjectTemplate,
    Task,
    TaskStatus,
    TemplateMilestone,
    TemplateTask,
)
from baton.people.models import Person

OPEN_TASK = ~Q(status=TaskStatus.DONE)
LIVE_PROJECT_STATUSES = (ProjectStatus.PLANNED, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


def today() -> date:
    return timezone.localdate()


def _restricted(actor: Actor) -> bool:
    return actor.role == access.MEMBER and actor.workspace.members_see_only_their_projects


def _own_project_ids(actor: Actor) -> Q:
    """Projects a restricted member may see: it manages them, belongs to them or has tasks on them."""
    pid = actor.person_id or 0
    member_of = Project.members.through.objects.filter(person_id=pid).values("project_id")
    tasked = Task.objects.filter(workspace=actor.workspace, assignee_id=pid).values("project_id")
    return Q(project_manager_id=pid) | Q(pk__in=member_of) | Q(pk__in=tasked)


def visible_projects(actor: Actor) -> QuerySet[Project]:
    """Every project the actor may see (archived ones included), unannotated."""
    access.require(actor, "project", "view")
    qs = Project.objects.filter(workspace=actor.workspace)
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0)
    elif _restricted(actor):
        qs = qs.filter(_own_project_ids(actor))
    return qs


def _scope_by_project(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    if actor.is_client:
        return qs.filter(project__client_id=actor.client_id or 0)
    if _restricted(actor):
        return qs.filter(project_id__in=visible_projects(actor).values("id"))
    return qs


def project_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    status: str | None = None,
    billing: str | None = None,
    project_manager_id: int | None = None,
    template_id: int | None = None,
    search: str | None = None,
    archived: bool | None = False,
    counts: bool = True,
) -> QuerySet[Project]:
    """Projects the actor may see, with client, PM, member ids and task counts (no N+1).

    `counts=False` leaves the task counts out: a paged list pages the bare rows in the database first and then counts
    the tasks of that page only (`with_task_counts`), instead of grouping every project's tasks before the LIMIT."""
    qs = visible_projects(actor).select_related("client", "project_manager", "template")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    if billing:
        qs = qs.filter(billing=billing)
    if project_manager_id is not None:
        qs = qs.filter(project_manager_id=project_manager_id)
    if template_id is not None:
        qs = qs.filter(template_id=template_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(client__name__icontains=search))
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    qs = qs.order_by("name", "id")
    return _annotate_task_counts(qs) if counts else qs


def _annotate_task_counts(qs: QuerySet[Project]) -> QuerySet[Project]:
    today_ = today()
    tasks_open = Q(tasks__status__in=[s for s in TaskStatus.values if s != TaskStatus.DONE])
    return qs.prefetch_related(Prefetch("members", queryset=Person.objects.only("id", "name"))).annotate(
        task_count=Count("tasks"),
        done_task_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        open_task_count=Count("tasks", filter=tasks_open),
        overdue_task_count=Count("tasks", filter=tasks_open & Q(tasks__due_date__lt=today_)),
        blocked_task_count=Count("tasks", filter=Q(tasks__status=TaskStatus.BLOCKED)),
        estimate_minutes=Coalesce(Sum("tasks__estimate_minutes"), Value(0), output_field=IntegerField()),
    )


def with_task_counts(page: QuerySet[Project]) -> QuerySet[Project]:
    """One page of `project_list(..., counts=False)` (a sliced queryset) with the task counts of its projects only:
    the page's ids are a LIMIT/OFFSET subquery, so the grouping reads those projects' tasks and no others. Same rows,
    same order, same annotations as the page of `project_list(...)`."""
    ids = page.values("pk")
    return _annotate_task_counts(
        Project.objects.filter(pk__in=ids).select_related("client", "project_manager", "template")
    ).order_by("name", "id")


def budget_revisions(*, actor: Actor, project: Project) -> QuerySet[BudgetRevision]:
    """A project's budget revisions, newest first (owner, admin, finance, AM, PM)."""
    access.require(actor, "budget_revision", "view")
    return BudgetRevision.objects.filter(workspace=actor.workspace, project=project).order_by("-created_at", "-id")


def project_budget_revisions(project: Project) -> QuerySet[BudgetRevision]:
    """A project's budget revisions, oldest first, for finance's scope log (no actor: the caller checked access)."""
    return BudgetRevision.objects.filter(project_id=project.pk).order_by("created_at", "id")


def fixed_fee_revisions(workspace_id: int, project_ids: Any) -> list[tuple[int, date, Any, Any, int, str]]:
    """For finance's profitability history (MONEY.md §3): each revision of a fixed fee's amount or minutes among
    `project_ids` (a container), oldest first, as (project id, day, amount delta, minutes delta, id, reason)."""
    rows = (
        BudgetRevision.objects.filter(workspace_id=workspace_id, project__billing="fixed_fee")
        .filter(Q(new_budget_amount__isnull=False) | Q(new_budget_minutes__isnull=False))
        .order_by("revised_on", "created_at", "id")
        .values_list(
            "project_id",
            "revised_on",
            "old_budget_amount",
            "new_budget_amount",
            "old_budget_minutes",
            "new_budget_minutes",
            "id",
            "reason",
        )
    )
    out = []
    for project_id, day, old_a, new_a, old_m, new_m, pk, reason in rows:
        if project_id not in project_ids:
            continue
        amount = (new_a - old_a) if new_a is not None and old_a is not None else 0
        minutes = (new_m - old_m) if new_m is not None and old_m is not None else 0
        out.append((project_id, day, amount, minutes, pk, reason))
    return out


def project_get(*, actor: Actor, project_id: int) -> Project:
    """One project the actor may see, with its counts, or 404 (another workspace's id included)."""
    return one_or_404(project_list(actor=actor, archived=None).filter(pk=project_id), "project")


def project_choices(*, actor: Actor, own: bool = False) -> list[tuple[int, str]]:
    """(id, "Client · Project") of current projects, for pickers. `own`: only the actor's projects (it manages
    them, belongs to them or has tasks on them), a short list whatever the agency's size (the member's home)."""
    qs = visible_projects(actor)
    if own:
        qs = qs.filter(_own_project_ids(actor))
    rows = (
        qs.filter(archived_at__isnull=True).order_by("client__name", "name").values_list("id", "client__name", "name")
    )
    return [(pk, f"{client} · {name}") for pk, client, name in rows]


def milestone_list(
    *,
    actor: Actor,
    project_id: int | None = None,
    status: str | None = None,
    client_id: int | None = None,
    counts: bool = True,
) -> QuerySet[Milestone]:
    """Milestones the actor may see, with their task counts; `counts=False` leaves the counts out (a home block that
    shows the first few names only, instead of grouping every matching milestone's tasks before its LIMIT)."""
    access.require(actor, "milestone", "view")
    qs = _scope_by_project(actor, Milestone.objects.filter(workspace=actor.workspace)).select_related(
        "project", "project__client"
    )
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if status:
        qs = qs.filter(status=status)
    if client_id is not None:
        qs = qs.filter(project__client_id=client_id)
    qs = qs.order_by("project_id", "due_date", "id")
    return _annotate_milestone_counts(qs) if counts else qs


def _annotate_milestone_counts(qs: QuerySet[Milestone]) -> QuerySet[Milestone]:
    return qs.annotate(
        task_count=Count("tasks"), open_task_count=Count("tasks", filter=~Q(tasks__status=TaskStatus.DONE))
    )


def with_milestone_task_counts(page: QuerySet[Milestone]) -> QuerySet[Milestone]:
    """One page of `milestone_list(..., counts=False)` (a sliced queryset) with the task counts of its milestones
    only (see `with_task_counts`)."""
    return _annotate_milestone_counts(
        Milestone.objects.filter(pk__in=page.values("pk")).select_related("project", "project__client")
    ).order_by("project_id", "due_date", "id")


def milestone_get(*, actor: Actor, milestone_id: int) -> Milestone:
    return one_or_404(milestone_list(actor=actor).filter(pk=milestone_id), "milestone")


def _dependencies() -> Prefetch:
    return Prefetch("depends_on", queryset=Task.objects.only("id", "title", "status", "project_id").order_by("id"))


def task_list(
    *,
    actor: Actor,
    project_id: int | None = None,
    milestone_id: int | None = None,
    assignee_id: int | None = None,
    status: str | None = None,
    client_id: int | None = None,
    open_only: bool = False,
    due_before: date | None = None,
    search: str | None = None,
) -> QuerySet[Task]:
    """Tasks the actor may see, with project, client, milestone, assignee and dependencies loaded."""
    access.require(actor, "task", "view")
    qs = (
        _scope_by_project(actor, Task.objects.filter(workspace=actor.workspace))
        .select_related("project", "project__client", "milestone", "assignee")
        .prefetch_related(_dependencies())
    )
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if milestone_id is not None:
        qs = qs.filter(milestone_id=milestone_id)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if status:
        qs = qs.filter(status=status)
    if client_id is not None:
        qs = qs.filter(project__client_id=client_id)
    if open_only:
        qs = qs.filter(OPEN_TASK)
    if due_before is not None:
        qs = qs.filter(due_date__lt=due_before)
    if search:
        qs = qs.filter(title__icontains=search)
    return qs.order_by("project_id", "position", "id")


def task_get(*, actor: Actor, task_id: int) -> Task:
    task = one_or_404(
        (
            task_list(actor=actor)
            .prefetch_related(
                Prefetch("dependents", queryset=Task.objects.only("id", "title", "status").order_by("id"))
            )
            .filter(pk=task_id)
        ),
        "task",
    )
    return task


def blocking_tasks(task: Task) -> list[Task]:
    """The tasks this one depends on that are not done (uses the prefetched dependencies)."""
    return [d for d in task.depends_on.all() if d.status != TaskStatus.DONE]


# --- The board, my tasks, the timeline --------------------------------------------------------------------------

BOARD_COLUMNS = [TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, TaskStatus.DONE, TaskStatus.BLOCKED]
# Where the ← and → buttons of each column move a task. Blocked sits aside: ← back to do, → start.
BOARD_MOVES: dict[str, tuple[str | None, str | None]] = {
    TaskStatus.TODO: (None, TaskStatus.IN_PROGRESS),
    TaskStatus.IN_PROGRESS: (TaskStatus.TODO, TaskStatus.IN_REVIEW),
    TaskStatus.IN_REVIEW: (TaskStatus.IN_PROGRESS, TaskStatus.DONE),
    TaskStatus.DONE: (TaskStatus.IN_REVIEW, None),
    TaskStatus.BLOCKED: (TaskStatus.TODO, TaskStatus.IN_PROGRESS),
}


@dataclass
class BoardColumn:
    status: str
    label: str
    tasks: list[Task] = field(default_factory=list)
    previous: str | None = None
    next: str | None = None


def board(*, actor: Actor, project: Project) -> list[BoardColumn]:
    """The project's tasks by status column, in board order. A constant number of queries."""
    columns = {s.value: BoardColumn(status=s.value, label=s.label) for s in BOARD_COLUMNS}
    for status, (previous, following) in BOARD_MOVES.items():
        columns[status].previous, columns[status].next = previous, following
    for task in task_list(actor=actor, project_id=project.id).order_by("position", "id"):
        columns[task.status].tasks.append(task)
    return list(columns.values())


@dataclass
class TaskGroup:
    key: str
    label: str
    tasks: list[Task]


def my_tasks(*, actor: Actor, include_done: bool = False) -> list[TaskGroup]:
    """The actor's assigned tasks grouped by when they are due: overdue, today, this week, later, no date."""
    if not actor.person_id:
        return []
    qs = task_list(actor=actor, assignee_id=actor.person_id).filter(project__archived_at__isnull=True)
    if not include_done:
        qs = qs.filter(OPEN_TASK)
    today_ = today()
    week_end = today_ + timedelta(days=6 - today_.weekday())
    groups = {
        "overdue": TaskGroup("overdue", "Overdue", []),
        "today": TaskGroup("today", "Due today", []),
        "week": TaskGroup("week", "Due this week", []),
        "later": TaskGroup("later", "Later", []),
        "none": TaskGroup("none", "No due date", []),
        "done": TaskGroup("done", "Done", []),
    }
    for task in qs.order_by("due_date", "project__name", "position", "id"):
        if task.status == TaskStatus.DONE:
            key = "done"
        elif task.due_date is None:
            key = "none"
        elif task.due_date < today_:
            key = "overdue"
        elif task.due_date == today_:
            key = "today"
        elif task.due_date <= week_end:
            key = "week"
        else:
            key = "later"
        groups[key].tasks.append(task)
    return [g for g in groups.values() if g.tasks]


def timeline_items(*, actor: Actor, project: Project) -> tuple[list[Milestone], list[Task]]:
    milestones = list(milestone_list(actor=actor, project_id=project.id))
    tasks = list(task_list(actor=actor, project_id=project.id).order_by("start_date", "due_date", "position", "id"))
    return milestones, tasks


# --- Figures ----------------------------------------------------------------------------------------------------


def project_figures(project: Project) -> dict[str, Any]:
    """Budget and progress figures from the list annotations (no extra queries)."""
    task_count = getattr(project, "task_count", 0) or 0
    open_count = getattr(project, "open_task_count", 0) or 0
    estimate = getattr(project, "estimate_minutes", 0) or 0
    return {
        "task_count": task_count,
        "done_count": task_count - open_count,
        "open_count": open_count,
        "overdue_count": getattr(project, "overdue_task_count", 0) or 0,
        "blocked_count": getattr(project, "blocked_task_count", 0) or 0,
        "progress_pct": round(100 * (task_count - open_count) / task_count) if task_count else 0,
        "estimate_minutes": estimate,
        "estimate_vs_budget_pct": round(100 * estimate / project.budget_minutes) if project.budget_minutes else None,
    }


def delivery_figures(actor: Actor) -> dict[str, Any]:
    """The delivery figures of the home of leaders, finance and AMs (its portfolio) as scalar subqueries, for
    `core.selectors.workspace_figures`: active projects, overdue and blocked open tasks. {} for other roles."""
    if actor.role not in (access.OWNER, access.ADMIN, access.FINANCE, access.AM):
        return {}
    today_ = today()
    tasks = _scope_by_project(actor, Task.objects.filter(workspace=actor.workspace)).filter(
        OPEN_TASK, project__archived_at__isnull=True
    )
    active = visible_projects(actor).filter(status=ProjectStatus.ACTIVE, archived_at__isnull=True)
    if actor.role == access.AM:
        tasks = tasks.filter(project__client__account_manager_id=actor.person_id or 0)
        active = active.filter(client__account_manager_id=actor.person_id or 0)
    return {
        "delivery_overdue": _count_in(tasks.filter(due_date__lt=today_)),
        "delivery_blocked": _count_in(tasks.filter(status=TaskStatus.BLOCKED)),
        "delivery_active": _count_in(active),
    }


def delivery_home(actor: Actor, figures: dict[str, Any] | None = None) -> dict[str, Any]:
    """The delivery block of the role home pages, in a handful of queries: leaders (and finance, AMs for their
    portfolio) get live figures and the projects with overdue tasks; a PM its projects; PMs and members their
    open tasks. `figures`: `delivery_figures(actor)` already evaluated by the caller (with other blocks')."""
    if actor.is_client:
        return {}
    today_ = today()
    out: dict[str, Any] = {"today": today_}
    open_tasks = Q(tasks__status__in=[s for s in TaskStatus.values if s != TaskStatus.DONE])
    live = (
        visible_projects(actor)
        .filter(status__in=LIVE_PROJECT_STATUSES, archived_at__isnull=True)
        .select_related("client", "project_manager")
        .annotate(
            open_task_count=Count("tasks", filter=open_tasks),
            overdue_task_count=Count("tasks", filter=open_tasks & Q(tasks__due_date__lt=today_)),
        )
    )
    if actor.role in (access.OWNER, access.ADMIN, access.FINANCE, access.AM):
        if actor.role == access.AM:
            live = live.filter(client__account_manager_id=actor.person_id or 0)
        if figures is None or "delivery_active" not in figures:
            figures = workspace_figures(actor.workspace, delivery_figures(actor))
        out["active_projects"] = figures["delivery_active"]
        out["overdue_tasks"] = figures["delivery_overdue"]
        out["blocked_tasks"] = figures["delivery_blocked"]
        out["attention"] = list(live.filter(Q(overdue_task_count__gt=0)).order_by("-overdue_task_count", "name")[:8])
    if actor.role == access.PM:
        out["my_projects"] = list(live.filter(project_manager_id=actor.person_id or 0).order_by("end_date", "name"))
    if actor.person_id and actor.role in (access.PM, access.MEMBER):
        assigned = (
            _scope_by_project(actor, Task.objects.filter(workspace=actor.workspace))
            .filter(OPEN_TASK, assignee_id=actor.person_id, project__archived_at__isnull=True)
            .select_related("project")
        )
        # The first ten and the counts of all of them in one query (window counts over the whole set).
        out["my_open_tasks"] = list(
            assigned.annotate(
                all_open=Window(Count("id")),
                all_overdue=Window(Count("id", filter=Q(due_date__lt=today_))),
            ).order_by(Coalesce("due_date", Value(date.max)), "id")[:10]
        )
        first = out["my_open_tasks"][0] if out["my_open_tasks"] else None
        out["my_open_count"] = first.all_open if first else 0
        out["my_overdue_count"] = first.all_overdue if first else 0
    return out


def _count_in(qs: QuerySet[Any]) -> Any:
    """COUNT of a workspace's rows as a scalar subquery on the workspace row (0 when none)."""
    return Coalesce(
        Subquery(
            qs.order_by().values("workspace_id").annotate(n=Count("id")).values("n")[:1], output_field=IntegerField()
        ),
        0,
    )


# --- Templates --------------------------------------------------------------------------------------------------


def template_list(
    *, actor: Actor, search: str | None = None, archived: bool | None = False
) -> QuerySet[ProjectTemplate]:
    access.require(actor, "project_template", "view")
    qs = (
        ProjectTemplate.objects.filter(workspace=actor.workspace)
        .prefetch_related(
            Prefetch("milestones", queryset=TemplateMilestone.objects.order_by("position", "id")),
            Prefetch(
                "tasks",
                queryset=TemplateTask.objects.order_by("position", "id").prefetch_related(
                    Prefetch("depends_on", queryset=TemplateTask.objects.only("id", "position"))
                ),
            ),
        )
        .annotate(
            project_count=Subquery(
                Project.objects.filter(template_id=OuterRef("pk"))
                .values("template_id")
                .annotate(n=Count("id"))
                .values("n"),
                output_field=IntegerField(),
            )
        )
    )
    if search:
        qs = qs.filter(name__icontains=search)
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    return qs.order_by("name", "id")


def template_get(*, actor: Actor, template_id: int) -> ProjectTemplate:
    """One template, or 404 (another workspace's, and any for a client-role user, who is not told it exists)."""
    if actor.is_client:
        raise Http404("No such project template.")
    return one_or_404(template_list(actor=actor, archived=None).filter(pk=template_id), "project template")


def template_choices(*, actor: Actor) -> list[tuple[int, str]]:
    access.require(actor, "project_template", "view")
    rows = ProjectTemplate.objects.filter(workspace=actor.workspace, archived_at__isnull=True).order_by("name")
    return list(rows.values_list("id", "name"))


def open_load_by_person(workspace_id: int) -> dict[int, int]:
    """Minutes of open task estimates per assignee, on live projects: who is least loaded."""
    rows = (
        Task.objects.filter(
            workspace_id=workspace_id,
            assignee__isnull=False,
            project__archived_at__isnull=True,
            project__status__in=LIVE_PROJECT_STATUSES,
        )
        .filter(OPEN_TASK)
        .values("assignee_id")
        .annotate(minutes=Sum("estimate_minutes"))
        .order_by()
    )
    load: dict[int, int] = defaultdict(int)
    for row in rows:
        load[row["assignee_id"]] = int(row["minutes"] or 0)
    return load


RENEWAL_WINDOW_DAYS = 60


def projects_ending(
    *, actor: Actor, account_manager_id: int | None = None, within_days: int = RENEWAL_WINDOW_DAYS
) -> QuerySet[Project]:
    """Live projects (and retainers) whose end date falls from today to `within_days` ahead, soonest first: the
    renewals coming while clients have no contract dates of their own. `account_manager_id`: one AM's clients."""
    today_ = today()
    qs = (
        visible_projects(actor)
        .filter(
            status__in=LIVE_PROJECT_STATUSES,
            archived_at__isnull=True,
            end_date__gte=today_,
            end_date__lte=today_ + timedelta(days=within_days),
        )
        .select_related("client")
    )
    if account_manager_id is not None:
        qs = qs.filter(client__account_manager_id=account_manager_id)
    return qs.order_by("end_date", "name", "id")


def blocked_tasks(*, actor: Actor) -> QuerySet[Task]:
    """The blocked tasks the actor may see on current (not archived) projects, longest blocked first: the tasks
    page's `?status=blocked` and the operations home (its count is `delivery_figures`' `delivery_blocked`)."""
    return (
        task_list(actor=actor, status=TaskStatus.BLOCKED)
        .filter(project__archived_at__isnull=True)
        .order_by("updated_at", "id")
    )


def progress_of(project_ids: list[int]) -> dict[int, int]:
    """Each project's progress in % of its tasks done (`project_figures`' `progress_pct`), one grouped query."""
    rows = (
        Task.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
        .order_by()
        .values_list("project_id", "n", "done")
    )
    return {pk: round(100 * done / n) if n else 0 for pk, n, done in rows}
