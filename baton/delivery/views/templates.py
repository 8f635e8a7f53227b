"""Project templates: the list, detail and delete, a project from a template and a project saved as one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.web import actor_required, form_page, get_actor
from baton.crm.selectors import client_choices
from baton.delivery import selectors, services
from baton.delivery.forms import (
    FromTemplateForm,
    SaveAsTemplateForm,
    minutes_to_hours,
)
from baton.delivery.models import (
    Project,
    ProjectTemplate,
)
from baton.delivery.views._common import _client_refused, _people


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
