"""Milestone pages: new, edit, complete and delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.web import actor_required, form_page, get_actor
from baton.delivery import selectors, services
from baton.delivery.forms import (
    MilestoneForm,
)
from baton.delivery.models import (
    Milestone,
)

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
