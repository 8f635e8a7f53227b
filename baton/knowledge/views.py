"""Client knowledge pages: the knowledge page of a client, decisions, briefs (versions, approval), comments and
attachments on them, and search."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, form_page, get_actor, is_htmx, safe_next
from baton.crm.models import Contact
from baton.crm.selectors import client_get
from baton.knowledge import selectors, services
from baton.knowledge.api.comments import attachment_response
from baton.knowledge.forms import (
    AttachmentForm,
    BriefForm,
    CommentForm,
    DecisionForm,
    KnowledgeForm,
    StakeholderForm,
)
from baton.knowledge.models import BRIEF_SECTIONS, SECTION_LABELS, Brief, Decision
from baton.knowledge.tables import decision_table
from baton.people.selectors import account_managers


def _size_help() -> str:
    limit = services.attachment_max_bytes()
    return f"PDF, images, text, CSV or Office documents; at most {limit // (1024 * 1024)} MB."


def discussion(actor: Actor, target_type: str, target_id: int, next_url: str) -> dict[str, Any]:
    """The comments and attachments block of a task, brief or decision page (`knowledge/partials/_discussion.html`).
    Delivery's task page can include the same partial with this context."""
    comments = list(selectors.comment_list(actor=actor, target_type=target_type, target_id=target_id))
    attachments = list(selectors.attachment_list(actor=actor, target_type=target_type, target_id=target_id))
    attachment_form = AttachmentForm()
    attachment_form.fields["file"].help_text = _size_help()
    return {
        "target_type": target_type,
        "target_id": target_id,
        "comments": comments,
        "attachments": attachments,
        "comment_form": CommentForm(),
        "attachment_form": attachment_form,
        "can_comment": access.allowed(actor, "comment", "create"),
        "can_attach": access.allowed(actor, "attachment", "create"),
        "next": next_url,
    }


# --- The client knowledge page --------------------------------------------------------------------------------


@actor_required
def knowledge_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    ctx = selectors.knowledge_page(actor=actor, client_id=client_id)
    if download_format(request):
        table = decision_table(ctx["decisions"], client_name=ctx["client"].name)
        return table_response(request, table, f"decisions-{client_id}")
    attachment_form = AttachmentForm()
    attachment_form.fields["file"].help_text = _size_help()
    ctx["attachment_form"] = attachment_form
    ctx["next"] = request.get_full_path()
    return render(request, "knowledge/knowledge_page.html", ctx)


@actor_required
def knowledge_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    client = selectors.knowledge_client_get(actor=actor, client_id=client_id)
    access.require(actor, "knowledge", "update", client)
    record = selectors.knowledge_get(actor=actor, client=client)
    initial = {
        "preferences": record.preferences,
        "sensitivities": record.sensitivities,
        "version": record.version,
    }
    form = KnowledgeForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        version = data.pop("version", None)
        return services.knowledge_update(actor=actor, client=client, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="knowledge/form.html",
        partial="knowledge/partials/_form.html",
        context={
            "title": f"What to know about {client.name}",
            "action": reverse("knowledge:knowledge_edit", args=[client.pk]),
            "cancel": reverse("knowledge:page", args=[client.pk]),
            "submit": "Save",
        },
        success_url=lambda r: reverse("knowledge:page", args=[client.pk]),
        success_message=lambda r: f"The knowledge record of {client.name} was saved.",
    )


@actor_required
def stakeholder_edit(request: HttpRequest, client_id: int, contact_id: int) -> HttpResponse:
    actor = get_actor(request)
    client = selectors.knowledge_client_get(actor=actor, client_id=client_id)
    access.require(actor, "knowledge", "update", client)
    contact = selectors.stakeholder_contact_get(actor=actor, client=client, contact_id=contact_id)
    profile = getattr(contact, "stakeholder", None)
    initial = (
        {
            "influence": profile.influence,
            "attitude": profile.attitude,
            "notes": profile.notes,
            "version": profile.version,
        }
        if profile
        else {}
    )
    form = StakeholderForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        version = data.pop("version", None)
        return services.stakeholder_update(actor=actor, contact=contact, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="knowledge/form.html",
        partial="knowledge/partials/_form.html",
        context={
            "title": f"{contact.name} ({contact.role or 'contact'}) as a stakeholder",
            "action": reverse("knowledge:stakeholder_edit", args=[client.pk, contact.pk]),
            "cancel": reverse("knowledge:page", args=[client.pk]) + "#stakeholders",
            "submit": "Save",
        },
        success_url=lambda r: reverse("knowledge:page", args=[client.pk]) + "#stakeholders",
        success_message=lambda r: f"{contact.name}'s stakeholder profile was saved.",
    )


# --- Decisions ------------------------------------------------------------------------------------------------


def _decision_choices(actor: Actor, client_id: int) -> dict[str, list[tuple[int, str]]]:
    return {
        "people": [(p.pk, p.name) for p in account_managers(actor=actor)],
        "contacts": list(
            Contact.objects.filter(workspace=actor.workspace, client_id=client_id).values_list("id", "name")
        ),
        "projects": list(
            selectors.visible_projects(actor).filter(client_id=client_id).order_by("name").values_list("id", "name")
        ),
    }


@actor_required
def decision_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "decision", "create")
    raw = request.GET.get("client") or request.POST.get("client") or ""
    if not raw.isdigit():
        raise Http404("Choose the client first.")
    client = client_get(actor=actor, client_id=int(raw))
    access.require(actor, "decision", "create", Decision(workspace=actor.workspace, client=client))
    initial: dict[str, Any] = {"decided_on": timezone.localdate(), "decided_by": actor.person_id}
    if (request.GET.get("project") or "").isdigit():
        initial["project_id"] = int(request.GET["project"])
    form = DecisionForm(request.POST or None, initial=initial, **_decision_choices(actor, client.pk))

    def save(data: dict[str, Any]) -> Decision:
        data.pop("version", None)
        return services.decision_create(actor=actor, client=client, **data)

    return form_page(
        request,
        form,
        save=save,
        template="knowledge/form.html",
        partial="knowledge/partials/_form.html",
        context={
            "title": f"Record a decision for {client.name}",
            "action": reverse("knowledge:decision_new") + f"?client={client.pk}",
            "cancel": reverse("knowledge:page", args=[client.pk]),
            "submit": "Record decision",
        },
        success_url=lambda d: reverse("knowledge:decision_detail", args=[d.pk]),
        success_message=lambda d: f"The decision “{d.title}” was recorded.",
    )


@actor_required
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    actor = get_actor(request)
    decision = selectors.decision_get(actor=actor, decision_id=decision_id)
    ctx = {
        "decision": decision,
        "can_edit": access.allowed(actor, "decision", "update", decision),
        "can_see_knowledge": access.allowed(actor, "knowledge", "view"),
        **discussion(actor, "decision", decision.pk, request.path),
    }
    return render(request, "knowledge/decision_detail.html", ctx)


@actor_required
def decision_edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    actor = get_actor(request)
    decision = selectors.decision_get(actor=actor, decision_id=decision_id)
    access.require(actor, "decision", "update", decision)
    initial = {
        "title": decision.title,
        "decision": decision.decision,
        "rationale": decision.rationale,
        "alternatives_rejected": "\n".join(decision.alternatives_rejected or []),
        "decided_by": decision.decided_by_id,
        "decided_by_contact_id": decision.decided_by_contact_id,
        "decided_on": decision.decided_on,
        "project_id": decision.project_id,
        "internal": decision.internal,
        "version": decision.version,
    }
    form = DecisionForm(request.POST or None, initial=initial, **_decision_choices(actor, decision.client_id))

    def save(data: dict[str, Any]) -> Decision:
        version = data.pop("version", None)
        if data.get("project_id") != decision.project_id:
            data["task_id"] = None  # the form does not pick tasks; a new project drops the old task
        return services.decision_update(actor=actor, record=decision, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="knowledge/form.html",
        partial="knowledge/partials/_form.html",
        context={
            "title": f"Edit “{decision.title}”",
            "action": reverse("knowledge:decision_edit", args=[decision.pk]),
            "cancel": reverse("knowledge:decision_detail", args=[decision.pk]),
            "submit": "Save decision",
        },
        success_url=lambda d: reverse("knowledge:decision_detail", args=[d.pk]),
        success_message=lambda d: f"The decision “{d.title}” was saved.",
    )


# --- Briefs ---------------------------------------------------------------------------------------------------


@actor_required
def brief_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "brief", "create")
    projects_qs = selectors.visible_projects(actor).filter(archived_at__isnull=True)
    client_raw = request.GET.get("client") or ""
    if client_raw.isdigit():
        projects_qs = projects_qs.filter(client_id=int(client_raw))
    projects = [(p.pk, f"{p.client.name} · {p.name}") for p in projects_qs.select_related("client").order_by("name")]
    task_raw = request.GET.get("task") or ""
    task_id = int(task_raw) if task_raw.isdigit() else None
    initial: dict[str, Any] = {}
    if (request.GET.get("project") or "").isdigit():
        initial["project_id"] = int(request.GET["project"])
    form = BriefForm(request.POST or None, initial=initial, projects=projects)
    action = reverse("knowledge:brief_new") + ("?" + request.GET.urlencode() if request.GET else "")

    def save(data: dict[str, Any]) -> Brief:
        data.pop("version", None)
        return services.brief_create(actor=actor, task_id=task_id, **data)

    return form_page(
        request,
        form,
        save=save,
        template="knowledge/form.html",
        partial="knowledge/partials/_form.html",
        context={
            "title": "Write a brief",
            "action": action,
            "cancel": reverse("knowledge:page", args=[int(client_raw)]) if client_raw.isdigit() else reverse("home"),
            "submit": "Save draft",
        },
        success_url=lambda b: reverse("knowledge:brief_detail", args=[b.pk]),
        success_message=lambda b: f"“{b.title}” was saved as a draft.",
    )


@actor_required
def brief_detail(request: HttpRequest, brief_id: int) -> HttpResponse:
    actor = get_actor(request)
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    shown = selectors.shown_version(actor, brief)
    sections = [(name, SECTION_LABELS[name], getattr(shown, name) if shown else "") for name in BRIEF_SECTIONS]
    missing = shown.missing_sections() if shown else []
    ctx = {
        "brief": brief,
        "shown": shown,
        "sections": sections,
        "missing": missing,
        "missing_labels": [SECTION_LABELS[name].lower() for name in missing],
        "versions": selectors.brief_versions(actor=actor, brief=brief),
        "can_edit": access.allowed(actor, "brief", "update", brief),
        "can_approve": shown is not None
        and shown.status == "draft"
        and access.allowed(actor, "brief", "approve", brief),
        "can_see_knowledge": access.allowed(actor, "knowledge", "view"),
        **discussion(actor, "brief", brief.pk, request.path),
    }
    return render(request, "knowledge/brief_detail.html", ctx)


@actor_required
def brief_edit(request: HttpRequest, brief_id: int) -> HttpResponse:
    actor = get_actor(request)
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    access.require(actor, "brief", "update", brief)
    current = brief.current_version
    initial: dict[str, Any] = {"title": brief.title, "version": brief.version}
    if current is not None:
        initial |= current.sections()
    form = BriefForm(request.POST or None, initial=initial)
    reopening = current is not None and current.status == "approved"

    def save(data: dict[str, Any]) -> Brief:
        version = data.pop("version", None)
        if not data.get("title"):
            data.pop("title", None)
        return services.brief_update(actor=actor, brief=brief, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="knowledge/form.html",
        partial="knowledge/partials/_form.html",
        context={
            "title": f"Edit “{brief.title}”",
            "intro": (
                f"Version {current.number} is approved; saving opens version {current.number + 1} as a draft, which "
                "needs approving again. Work keeps starting from the approved version until then."
            )
            if reopening and current is not None
            else "",
            "action": reverse("knowledge:brief_edit", args=[brief.pk]),
            "cancel": reverse("knowledge:brief_detail", args=[brief.pk]),
            "submit": "Save draft",
        },
        success_url=lambda b: reverse("knowledge:brief_detail", args=[b.pk]),
        success_message=lambda b: f"“{b.title}” was saved.",
    )


@require_POST
@actor_required
def brief_approve(request: HttpRequest, brief_id: int) -> HttpResponse:
    actor = get_actor(request)
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    try:
        brief = services.brief_approve(actor=actor, brief=brief)
    except ValidationError as exc:
        empty = ", ".join(SECTION_LABELS.get(f, f).lower() for f in exc.message_dict)
        messages.error(request, f"Not approved: fill in {empty} first.")
    except BatonError as exc:
        messages.error(request, exc.detail)
    else:
        assert brief.approved_version is not None
        messages.success(request, f"Version {brief.approved_version.number} of “{brief.title}” is approved.")
    return redirect("knowledge:brief_detail", brief_id=brief_id)


# --- Comments and attachments ---------------------------------------------------------------------------------


@require_POST
@actor_required
def comment_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    target_type = request.POST.get("target_type", "")
    raw_id = request.POST.get("target_id", "")
    if not raw_id.isdigit():
        raise Http404("No such record.")
    target_id = int(raw_id)
    form = CommentForm(request.POST)
    next_url = safe_next(request, reverse("home"))
    if form.is_valid():
        try:
            services.comment_create(actor=actor, target_type=target_type, target_id=target_id, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            form = CommentForm()
            if not is_htmx(request):
                messages.success(request, "Your comment was added.")
                return redirect(next_url)
    if not is_htmx(request) and form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(next_url)
    ctx = discussion(actor, target_type, target_id, next_url)
    ctx["comment_form"] = form
    return render(request, "knowledge/partials/_discussion.html", ctx)


@require_POST
@actor_required
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    actor = get_actor(request)
    comment = selectors.comment_get(actor=actor, comment_id=comment_id)
    services.comment_delete(actor=actor, comment=comment)
    messages.success(request, "The comment was removed.")
    return redirect(safe_next(request, selectors.comment_target_url(comment)))


@actor_required
def comment_redirect(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment has no page of its own: show it on the page of what it is on."""
    comment = selectors.comment_get(actor=get_actor(request), comment_id=comment_id)
    return redirect(selectors.comment_target_url(comment) + f"#comment-{comment.pk}")


@require_POST
@actor_required
def attachment_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    raw_id = request.POST.get("target_id", "")
    next_url = safe_next(request, reverse("home"))
    form = AttachmentForm(request.POST, request.FILES)
    if not raw_id.isdigit() or not form.is_valid():
        messages.error(request, "Choose a file to upload.")
        return redirect(next_url)
    try:
        attachment = services.attachment_create(
            actor=actor,
            target_type=request.POST.get("target_type", ""),
            target_id=int(raw_id),
            upload=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"{attachment.name} was uploaded.")
    return redirect(next_url)


@actor_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(actor=get_actor(request), attachment_id=attachment_id)
    return attachment_response(attachment)  # type: ignore[return-value]  # a FileResponse streams


@require_POST
@actor_required
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    actor = get_actor(request)
    attachment = selectors.attachment_get(actor=actor, attachment_id=attachment_id)
    services.attachment_delete(actor=actor, attachment=attachment)
    messages.success(request, f"{attachment.name} was removed.")
    return redirect(safe_next(request, selectors.comment_target_url(attachment)))


# --- Search ---------------------------------------------------------------------------------------------------


SEARCH_PAGE_LIMIT = 100  # the best 100 matches, of every kind
SEARCH_GROUP_SHOWS = 8  # each kind's first 8 when showing everything; "all N" filters to the kind


@actor_required
def search_page(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    query = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or ""
    known = selectors.search_kinds()
    kinds = [kind] if kind in known else None
    results = selectors.search(actor, query, kinds=kinds, limit=SEARCH_PAGE_LIMIT) if query else []
    ctx = {
        "q": query,
        "kind": kind if kinds else "",
        "kinds": [(k, selectors.kind_label(k, plural=True)) for k in selectors.kinds_for(actor)],
        "results": results,
        "groups": selectors.search_groups(results, per_group=None if kinds else SEARCH_GROUP_SHOWS),
        "limit": SEARCH_PAGE_LIMIT,
    }
    template = "knowledge/partials/_search_results.html" if is_htmx(request) else "knowledge/search.html"
    return render(request, template, ctx)
