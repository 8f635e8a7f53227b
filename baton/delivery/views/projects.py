"""Project pages: the list, detail, create, edit, status and archive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.feed import activity_feed
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, form_page, get_actor, is_htmx
from baton.crm.selectors import client_choices
from baton.delivery import selectors, services
from baton.delivery.forms import (
    MilestoneForm,
    ProjectForm,
    minutes_to_hours,
)
from baton.delivery.models import (
    Billing,
    Project,
    ProjectStatus,
    Task,
)
from baton.delivery.tables import project_table
from baton.delivery.views._common import _client_refused, _int, _people

# Blocks that apps above delivery add to the project page (handoffs: the project's handoffs, so a project made by
# winning a deal shows its sales-to-account handoff), registered from their wiring.py: each returns template context
# for (actor, project).
PROJECT_PAGE_BLOCKS: list[Callable[[Actor, Project], dict[str, Any]]] = []

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
        counts=False,
    )
    if download_format(request):
        table = project_table(selectors.with_task_counts(projects), with_budgets=access.can_see_budgets(actor))
        return table_response(request, table, "projects")
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_task_counts(cast("QuerySet[Project]", page.object_list))
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
        "can_revise_budget": not project.archived_at and access.allowed(actor, "budget_revision", "create", project),
        "budget_locked": services.budget_locked(project),
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
    feed = [] if actor.is_client else activity_feed(actor=actor, target_type="project", target_id=project.pk)
    ctx = _project_context(actor, project) | {
        "milestones": milestones,
        "tasks": tasks,
        "events": feed,
        "today": selectors.today(),
        "milestone_form": MilestoneForm(),
        # a new project (no milestones, no tasks yet) opens on its setup steps
        "setting_up": not milestones and not tasks and not project.archived_at and not actor.is_client,
    }
    for block in PROJECT_PAGE_BLOCKS:
        ctx |= block(actor, project)
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
    if services.budget_locked(project):  # the budget moves by change order or a revision on the project page
        for name in ("budget_amount", "budget_hours", "period_budget_amount", "period_budget_hours"):
            form.fields[name].disabled = True
            form.fields[
                name
            ].help_text = "Under way: revised on the project page (owner or finance) or by change order."

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


@require_POST
@actor_required
def project_budget_revise(request: HttpRequest, project_id: int) -> HttpResponse:
    """The owner's or finance's explicit budget revision, with its reason (delivery's RULES.md, "The budget")."""
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    values: dict[str, Any] = {}
    for field in services.BUDGET_FIELDS:
        raw = (request.POST.get(field) or "").strip()
        if raw:
            values[field] = raw
    if "budget_hours" in request.POST and (request.POST.get("budget_hours") or "").strip():
        try:
            values["budget_minutes"] = round(float(request.POST["budget_hours"]) * 60)
        except ValueError:
            messages.error(request, "Budget hours: enter a number.")
            return redirect("delivery:project_detail", project_id=project.pk)
    try:
        services.budget_revise(actor=actor, project=project, reason=request.POST.get("reason", ""), **values)
    except ValidationError as exc:
        messages.error(request, " ".join(f"{k.replace('_', ' ')}: {' '.join(v)}" for k, v in exc.message_dict.items()))
    except BatonError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The budget was revised; the reason is recorded.")
    return redirect("delivery:project_detail", project_id=project.pk)
