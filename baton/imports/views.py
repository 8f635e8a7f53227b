"""The import pages: upload (a dry run), its report with the mapping of unknown names, the run with its progress bar,
and the result with the refused rows as CSV."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.web import actor_required, get_actor, htmx_redirect, is_htmx
from baton.crm.models import Client
from baton.delivery.models import Project
from baton.imports import selectors, services
from baton.imports.api import errors_csv_response
from baton.imports.forms import KIND_LABELS, ImportUploadForm, mapping_fields, mapping_from_post
from baton.imports.models import ImportRun, ImportStatus
from baton.people.models import Person

SHOWN_ERRORS = 200  # refused rows listed on the page; all of them are in the CSV


@actor_required
def import_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    runs = selectors.import_list(actor=actor)[:50]
    form = ImportUploadForm()
    status = 200
    if request.method == "POST":
        access.require(actor, "import", "create")
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = services.import_create(
                    actor=actor,
                    upload=form.cleaned_data["file"],
                    source=form.cleaned_data["source"] or None,
                    mapping=form.cleaned_data["column_mapping"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("imports:detail", run_id=run.pk)
        status = 400
    return render(request, "imports/list.html", {"runs": runs, "form": form}, status=status)


def _choices(actor: Any) -> dict[str, list[tuple[str, str]]]:
    ws = actor.workspace
    people = Person.objects.filter(workspace=ws).exclude(membership__role="client").order_by("name")
    clients = Client.objects.filter(workspace=ws, archived_at__isnull=True).order_by("name")
    projects = Project.objects.filter(workspace=ws, archived_at__isnull=True).select_related("client").order_by("name")
    return {
        "people": [(str(p.pk), f"{p.name} ({p.email})") for p in people],
        "clients": [(str(c.pk), c.name) for c in clients],
        "projects": [(str(p.pk), f"{p.name} — {p.client.name}") for p in projects],
    }


def _context(actor: Any, run: ImportRun) -> dict[str, Any]:
    plan = run.plan or {}
    counts = {
        kind: {
            "matched": sum(1 for i in plan.get(kind, []) if i.get("match_id") is not None),
            "new": sum(1 for i in plan.get(kind, []) if i.get("match_id") is None),
        }
        for kind in (*KIND_LABELS, "tasks")
    }
    return {
        "run": run,
        "errors": run.errors[:SHOWN_ERRORS],
        "more_errors": max(0, run.refused - SHOWN_ERRORS),
        "counts": counts,
        "kind_labels": KIND_LABELS,
        "mapping_rows": mapping_fields(plan, _choices(actor), run.mapping or {})
        if run.status == ImportStatus.DRY_RUN
        else [],
        "working": run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    }


@actor_required
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = get_actor(request)
    run = selectors.import_get(actor=actor, run_id=run_id)
    return render(request, "imports/detail.html", _context(actor, run))


@actor_required
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress bar, polled by htmx while the import runs; once it ends, the page reloads as the result."""
    actor = get_actor(request)
    run = selectors.import_get(actor=actor, run_id=run_id)
    if run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING) and is_htmx(request):
        return htmx_redirect(reverse("imports:detail", args=[run.pk]))
    return render(request, "imports/partials/_progress.html", {"run": run, "working": True})


@require_POST
@actor_required
def import_mapping(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = get_actor(request)
    run = selectors.import_get(actor=actor, run_id=run_id)
    try:
        services.import_mapping_set(
            actor=actor, run=run, mapping=mapping_from_post(request.POST, run.plan or {}), version=run.version
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except BatonError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Mapping saved; the dry run below follows it.")
    return redirect("imports:detail", run_id=run.pk)


@require_POST
@actor_required
def import_start(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = get_actor(request)
    run = selectors.import_get(actor=actor, run_id=run_id)
    try:
        services.import_run(actor=actor, run=run)
    except BatonError as exc:
        messages.error(request, exc.detail)
    return redirect("imports:detail", run_id=run.pk)


@actor_required
def import_errors(request: HttpRequest, run_id: int) -> HttpResponse:
    """The refused rows as CSV (a streamed download)."""
    response: Any = errors_csv_response(selectors.import_get(actor=get_actor(request), run_id=run_id))
    return response  # type: ignore[no-any-return]
