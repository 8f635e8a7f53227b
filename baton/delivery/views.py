"""Delivery pages: projects (list, detail, create, edit, from a template), the task board, the timeline, my tasks,
tasks and milestones, and project templates. Every write goes through `baton.delivery.services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.selectors import event_list
from baton.core.web import actor_required, form_page, get_actor, is_htmx
from baton.crm.selectors import client_choices
from baton.delivery import selectors, services
from baton.delivery.forms import (
    AssigneeTaskForm,
    FromTemplateForm,
    MilestoneForm,
    ProjectForm,
    SaveAsTemplateForm,
    TaskForm,
    minutes_to_hours,
)
from baton.delivery.models import (
    Billing,
    Milestone,
    Project,
    ProjectStatus,
    ProjectTemplate,
    Task,
    TaskStatus,
)
from baton.delivery.timeline import gantt
from baton.people.models import Person

# Blocks that apps above delivery add to the task page (knowledge: comments and attachments), registered from their
# AppConfig.ready(): each returns template context for (actor, target type, target id, the page's path).
TASK_PAGE_BLOCKS: list[Callable[[Actor, str, int, str], dict[str, Any]]] = []


def _people(actor: Actor) -> list[tuple[int, str]]:
    rows = (
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role="client")
        .order_by("name")
        .values_list("id", "name")
    )
    return list(rows)


def _client_refused(save: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """An account manager choosing a client outside its portfolio sees why on the client field, not a 403 page."""

    def wrapped(data: dict[str, Any]) -> Any:
        try:
            return save(data)
        except PermissionDenied as exc:
            raise ValidationError({"client_id": f"{exc} Choose one of your own clients."}) from exc

    return wrapped


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- Projects ---------------------------------------------------------------------------------------------------


@actor_required
def project_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = request.GET.get("status") or ""
    billing = request.GET.get("billing") or ""
    client = request.GET.get("client") or ""
    pm = request.GET.get("pm") or ""
    search = request.GET.get("q") or ""
    archived = request.GET.get("archived") == "1"
    projects = selectors.project_list(
        actor=actor,
        status=status or None,
        billing=billing or None,
        client_id=_int(client),
        project_manager_id=_int(pm),
        search=search or None,
        archived=archived,
    )
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "projects": page.object_list,
        "statuses": ProjectStatus.choices,
        "billings": Billing.choices,
        "status": status,
        "billing": billing,
        "client": client,
        "pm": pm,
        "q": search,
        "archived": archived,
        "clients": client_choices(actor=actor) if not actor.is_client else [],
        "managers": _people(actor) if not actor.is_client else [],
        "can_create": access.allowed(actor, "project", "create"),
        "can_see_budgets": access.can_see_budgets(actor),
        "today": selectors.today(),
    }
    return render(request, "delivery/partials/_project_table.html" if is_htmx(request) else "delivery/list.html", ctx)


def _project_context(actor: Actor, project: Project) -> dict[str, Any]:
    return {
        "project": project,
        "figures": selectors.project_figures(project),
        "can_edit": access.allowed(actor, "project", "update", project),
        "can_archive": access.allowed(actor, "project", "archive", project),
        "can_see_budgets": access.can_see_budgets(actor),
        "can_add": access.allowed(actor, "task", "create", Task(workspace=actor.workspace, project=project)),
        "can_template": access.allowed(actor, "project_template", "create"),
        "transitions": [(s, ProjectStatus(s).label) for s in services.PROJECT_TRANSITIONS[project.status]],
    }


@actor_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    milestones = list(selectors.milestone_list(actor=actor, project_id=project.pk))
    tasks = list(
        selectors.task_list(actor=actor, project_id=project.pk).order_by(
            "milestone__due_date", "start_date", "due_date", "id"
        )
    )
    feed = [] if actor.is_client else list(event_list(actor=actor, target_type="project", target_id=project.pk)[:15])
    ctx = _project_context(actor, project) | {
        "milestones": milestones,
        "tasks": tasks,
        "events": feed,
        "today": selectors.today(),
        "milestone_form": MilestoneForm(),
    }
    return render(request, "delivery/detail.html", ctx)


@actor_required
def project_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "project", "create")
    initial: dict[str, Any] = {"client_id": request.GET.get("client")}
    if actor.role == access.PM:
        initial["project_manager_id"] = actor.person_id
    form = ProjectForm(
        request.POST or None, initial=initial, clients=client_choices(actor=actor), people=_people(actor)
    )

    def save(data: dict[str, Any]) -> Project:
        return services.project_create(actor=actor, **form.service_data())

    return form_page(
        request,
        form,
        save=_client_refused(save),
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={"title": "New project", "action": reverse("delivery:project_new"), "submit": "Create project"},
        success_url=lambda p: reverse("delivery:project_detail", args=[p.pk]),
        success_message=lambda p: f"{p.name} was created.",
    )


@actor_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    access.require(actor, "project", "update", project)
    initial = {f: getattr(project, f) for f in services.PROJECT_FIELDS if f not in ("member_ids", "status")} | {
        "member_ids": [p.pk for p in project.members.all()],
        "budget_hours": minutes_to_hours(project.budget_minutes),
        "period_budget_hours": minutes_to_hours(project.period_budget_minutes),
        "version": project.version,
    }
    form = ProjectForm(
        request.POST or None,
        initial=initial,
        clients=client_choices(actor=actor),
        people=_people(actor),
        editing=True,
    )

    def save(data: dict[str, Any]) -> Project:
        changes = form.service_data()
        changes["currency"] = changes.get("currency") or project.currency
        return services.project_update(actor=actor, project=project, version=data.get("version"), **changes)

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"Edit {project.name}",
            "action": reverse("delivery:project_edit", args=[project.pk]),
            "project": project,
            "submit": "Save project",
        },
        success_url=lambda p: reverse("delivery:project_detail", args=[p.pk]),
        success_message=lambda p: f"{p.name} was saved.",
    )


@require_POST
@actor_required
def project_status(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    status = request.POST.get("status", "")
    try:
        services.project_change_status(
            actor=actor, project=project, status=status, version=_int(request.POST.get("version"))
        )
    except (BatonError, ValidationError) as exc:
        messages.error(request, exc.detail if isinstance(exc, BatonError) else "; ".join(exc.messages))
    else:
        messages.success(request, f"{project.name} is now {ProjectStatus(status).label.lower()}.")
    return redirect("delivery:project_detail", project_id=project.pk)


@require_POST
@actor_required
def project_archive(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    if project.archived_at:
        services.project_unarchive(actor=actor, project=project)
        messages.success(request, f"{project.name} is current again.")
    else:
        services.project_archive(actor=actor, project=project)
        messages.success(request, f"{project.name} was archived; its history is kept.")
    return redirect("delivery:project_detail", project_id=project.pk)


@actor_required
def project_from_template(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "project", "create")
    initial: dict[str, Any] = {"template_id": request.GET.get("template"), "client_id": request.GET.get("client")}
    if actor.role == access.PM:
        initial["project_manager_id"] = actor.person_id
    form = FromTemplateForm(
        request.POST or None,
        initial=initial,
        templates=selectors.template_choices(actor=actor),
        clients=client_choices(actor=actor),
        people=_people(actor),
    )

    def save(data: dict[str, Any]) -> Project:
        data = dict(data)
        try:
            template = selectors.template_get(actor=actor, template_id=data.pop("template_id"))
        except Http404 as exc:
            raise ValidationError({"template_id": "No such template."}) from exc
        if data.get("budget_amount") is None:
            data.pop("budget_amount", None)
        return services.project_create_from_template(actor=actor, template=template, **data)

    return form_page(
        request,
        form,
        save=_client_refused(save),
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": "New project from a template",
            "action": reverse("delivery:project_from_template"),
            "submit": "Create project",
        },
        success_url=lambda p: reverse("delivery:board", args=[p.pk]),
        success_message=lambda p: f"{p.name} was created from its template.",
    )


@actor_required
def save_as_template(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    access.require(actor, "project_template", "create")
    form = SaveAsTemplateForm(request.POST or None, initial={"name": f"{project.name} template"})

    def save(data: dict[str, Any]) -> ProjectTemplate:
        return services.project_save_as_template(actor=actor, project=project, **data)

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"Save {project.name} as a template",
            "action": reverse("delivery:save_as_template", args=[project.pk]),
            "project": project,
            "submit": "Save template",
            "intro": "Milestones, tasks, dependencies, estimates, tags and assignee roles are kept; dates become "
            "days after the project start.",
        },
        success_url=lambda t: reverse("delivery:template_detail", args=[t.pk]),
        success_message=lambda t: f"The template {t.name} was saved.",
    )


# --- The board --------------------------------------------------------------------------------------------------


def _board_context(actor: Actor, project: Project, **extra: Any) -> dict[str, Any]:
    return _project_context(actor, project) | {
        "columns": selectors.board(actor=actor, project=project),
        "today": selectors.today(),
        "can_override": access.allowed(actor, "task", "override_dependencies", Task(project=project)),
        "me": actor.person_id,
        **extra,
    }


@actor_required
def board(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return render(request, "delivery/board.html", _board_context(actor, project))


@require_POST
@actor_required
def task_status(request: HttpRequest, task_id: int) -> HttpResponse:
    """Move a task (board buttons, the status control). htmx gets the board back, with the dependency block
    explained in place and the override offered to those who may; plain posts are redirected back."""
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    status = request.POST.get("status", "")
    override = request.POST.get("override") == "1"
    problem: dict[str, Any] | None = None
    try:
        services.task_change_status(actor=actor, task=task, status=status, override=override)
    except services.DependencyBlocked as exc:
        problem = {
            "task": task,
            "message": exc.summary,
            "detail": exc.detail,
            "blocking": exc.blocking,
            "can_override": exc.can_override,
            "status": status,
            "status_label": TaskStatus(status).label,
        }
    except (BatonError, PermissionDenied, ValidationError) as exc:
        detail = exc.detail if isinstance(exc, BatonError) else "; ".join(getattr(exc, "messages", [str(exc)]))
        problem = {"task": task, "message": detail or "You may not move this task.", "status": status}
    if request.POST.get("from") == "board" and is_htmx(request):
        project = selectors.project_get(actor=actor, project_id=task.project_id)
        moved = None if problem else task.pk
        ctx = _board_context(actor, project, problem=problem, moved=moved)
        return render(request, "delivery/partials/_board.html", ctx)
    if problem:
        messages.error(request, problem.get("detail") or problem["message"])
    else:
        messages.success(request, f"“{task.title}” is now {TaskStatus(status).label.lower()}.")
    return redirect(_back(request, reverse("delivery:task_detail", args=[task.pk])))


# --- The timeline -----------------------------------------------------------------------------------------------


@actor_required
def timeline(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    milestones, tasks = selectors.timeline_items(actor=actor, project=project)
    today = selectors.today()
    ctx = _project_context(actor, project) | {
        "chart": gantt(project, milestones, tasks, today),
        "milestones": milestones,
        "tasks": tasks,
        "today": today,
    }
    return render(request, "delivery/timeline.html", ctx)


# --- My tasks ---------------------------------------------------------------------------------------------------


@actor_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404("No task list for client users.")
    include_done = request.GET.get("done") == "1"
    groups = selectors.my_tasks(actor=actor, include_done=include_done)
    return render(
        request,
        "delivery/my_tasks.html",
        {
            "groups": groups,
            "include_done": include_done,
            "statuses": TaskStatus.choices,
            "today": selectors.today(),
            "total": sum(len(g.tasks) for g in groups),
        },
    )


# --- Tasks ------------------------------------------------------------------------------------------------------


def _task_choices(actor: Actor, project: Project, exclude: int | None = None) -> list[tuple[int, str]]:
    rows = selectors.task_list(actor=actor, project_id=project.pk).order_by("position", "id").values_list("id", "title")
    return [(pk, f"#{pk} {title}") for pk, title in rows if pk != exclude]


def _milestone_choices(actor: Actor, project: Project) -> list[tuple[int, str]]:
    return [(m.pk, m.name) for m in selectors.milestone_list(actor=actor, project_id=project.pk)]


@actor_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    editor = services.is_project_editor(actor, task.project)
    feed = [] if actor.is_client else list(event_list(actor=actor, target_type="task", target_id=task.pk)[:20])
    return render(
        request,
        "delivery/task_detail.html",
        {
            "task": task,
            "project": task.project,
            "blocking": selectors.blocking_tasks(task),
            "can_edit": editor or access.allowed(actor, "task", "update", task),
            "can_move": access.allowed(actor, "task", "update", task),
            "can_delete": access.allowed(actor, "task", "delete", task),
            "can_override": services.can_override(actor, task),
            "statuses": TaskStatus.choices,
            "events": feed,
            "today": selectors.today(),
            "estimate_hours": minutes_to_hours(task.estimate_minutes),
            **{k: v for block in TASK_PAGE_BLOCKS for k, v in block(actor, "task", task.pk, request.path).items()},
        },
    )


@actor_required
def task_new(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    access.require(actor, "task", "create", Task(workspace=actor.workspace, project=project))
    initial = {"milestone_id": request.GET.get("milestone"), "status": request.GET.get("status") or "todo"}
    form = TaskForm(
        request.POST or None,
        initial=initial,
        milestones=_milestone_choices(actor, project),
        people=_people(actor),
        tasks=_task_choices(actor, project),
    )

    def save(data: dict[str, Any]) -> Task:
        return services.task_create(actor=actor, project=project, **form.service_data())

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"New task in {project.name}",
            "action": reverse("delivery:task_new", args=[project.pk]),
            "project": project,
            "submit": "Add task",
        },
        success_url=lambda t: reverse("delivery:task_detail", args=[t.pk]),
        success_message=lambda t: f"“{t.title}” was added.",
    )


@actor_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    access.require(actor, "task", "update", task)
    project = task.project
    form: TaskForm | AssigneeTaskForm
    if services.is_project_editor(actor, project):
        initial = {
            "title": task.title,
            "description": task.description,
            "milestone_id": task.milestone_id,
            "assignee_id": task.assignee_id,
            "estimate_hours": minutes_to_hours(task.estimate_minutes),
            "start_date": task.start_date,
            "due_date": task.due_date,
            "tags": ", ".join(task.tags or []),
            "depends_on": [d.pk for d in task.depends_on.all()],
            "version": task.version,
        }
        form = TaskForm(
            request.POST or None,
            initial=initial,
            milestones=_milestone_choices(actor, project),
            people=_people(actor),
            tasks=_task_choices(actor, project, exclude=task.pk),
            editing=True,
        )
    else:
        form = AssigneeTaskForm(
            request.POST or None, initial={"description": task.description, "version": task.version}
        )

    def save(data: dict[str, Any]) -> Task:
        return services.task_update(actor=actor, task=task, version=data.get("version"), **form.service_data())

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"Edit “{task.title}”",
            "action": reverse("delivery:task_edit", args=[task.pk]),
            "project": project,
            "task": task,
            "submit": "Save task",
        },
        success_url=lambda t: reverse("delivery:task_detail", args=[t.pk]),
        success_message=lambda t: f"“{t.title}” was saved.",
    )


@require_POST
@actor_required
def task_delete(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    services.task_delete(actor=actor, task=task)
    messages.success(request, f"“{task.title}” was deleted.")
    return redirect("delivery:project_detail", project_id=task.project_id)


# --- Milestones -------------------------------------------------------------------------------------------------


@actor_required
def milestone_new(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    access.require(actor, "milestone", "create", Milestone(workspace=actor.workspace, project=project))
    form = MilestoneForm(request.POST or None)

    def save(data: dict[str, Any]) -> Milestone:
        data = dict(data)
        data.pop("version", None)
        return services.milestone_create(actor=actor, project=project, **data)

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"New milestone in {project.name}",
            "action": reverse("delivery:milestone_new", args=[project.pk]),
            "project": project,
            "submit": "Add milestone",
        },
        success_url=lambda m: reverse("delivery:project_detail", args=[project.pk]) + "#milestones",
        success_message=lambda m: f"Milestone {m.name} was added.",
    )


@actor_required
def milestone_edit(request: HttpRequest, milestone_id: int) -> HttpResponse:
    actor = get_actor(request)
    milestone = selectors.milestone_get(actor=actor, milestone_id=milestone_id)
    access.require(actor, "milestone", "update", milestone)
    initial = {f: getattr(milestone, f) for f in services.MILESTONE_FIELDS} | {"version": milestone.version}
    form = MilestoneForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Milestone:
        data = dict(data)
        version = data.pop("version", None)
        return services.milestone_update(actor=actor, milestone=milestone, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"Edit milestone {milestone.name}",
            "action": reverse("delivery:milestone_edit", args=[milestone.pk]),
            "project": milestone.project,
            "submit": "Save milestone",
        },
        success_url=lambda m: reverse("delivery:project_detail", args=[m.project_id]) + "#milestones",
        success_message=lambda m: f"Milestone {m.name} was saved.",
    )


@require_POST
@actor_required
def milestone_complete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    actor = get_actor(request)
    milestone = selectors.milestone_get(actor=actor, milestone_id=milestone_id)
    services.milestone_complete(actor=actor, milestone=milestone)
    messages.success(request, f"Milestone {milestone.name} is done.")
    return redirect(reverse("delivery:project_detail", args=[milestone.project_id]) + "#milestones")


@require_POST
@actor_required
def milestone_delete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    actor = get_actor(request)
    milestone = selectors.milestone_get(actor=actor, milestone_id=milestone_id)
    services.milestone_delete(actor=actor, milestone=milestone)
    messages.success(request, f"Milestone {milestone.name} was deleted; its tasks stay on the project.")
    return redirect(reverse("delivery:project_detail", args=[milestone.project_id]) + "#milestones")


# --- Templates --------------------------------------------------------------------------------------------------


@actor_required
def template_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    templates = list(selectors.template_list(actor=actor))
    return render(
        request,
        "delivery/template_list.html",
        {
            "templates": templates,
            "can_use": access.allowed(actor, "project", "create"),
            "can_delete": access.allowed(actor, "project_template", "delete"),
        },
    )


@actor_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    actor = get_actor(request)
    template = selectors.template_get(actor=actor, template_id=template_id)
    milestones, tasks = services.template_plan(template)
    milestone_names = {m["ref"]: m["name"] for m in milestones}
    task_titles = {t["ref"]: t["title"] for t in tasks}
    for t in tasks:
        t["milestone_name"] = milestone_names.get(t["milestone"] or "", "")
        t["depends_titles"] = [task_titles[d] for d in t["depends_on"]]
        t["estimate_hours"] = minutes_to_hours(t["estimate_minutes"])
    return render(
        request,
        "delivery/template_detail.html",
        {
            "template": template,
            "milestones": milestones,
            "tasks": tasks,
            "total_hours": minutes_to_hours(sum(t["estimate_minutes"] for t in tasks)),
            "can_use": access.allowed(actor, "project", "create"),
            "can_delete": access.allowed(actor, "project_template", "delete"),
        },
    )


@require_POST
@actor_required
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    actor = get_actor(request)
    template = selectors.template_get(actor=actor, template_id=template_id)
    services.project_template_delete(actor=actor, template=template)
    messages.success(request, f"The template {template.name} was deleted.")
    return redirect("delivery:template_list")
