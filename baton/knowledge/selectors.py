"""Reads for client knowledge, through the acting membership: decisions, briefs, the knowledge record, stakeholders,
comments, attachments, search, and the client knowledge page.

What a role may see (ARCHITECTURE.md, access policy): staff see everything of their workspace (a team member of a
workspace with `members_see_only_their_projects` only what hangs off their projects); a client-role user sees its
own client's decisions, approved brief versions and the non-internal comments and attachments on them, never the
knowledge record or the stakeholder map. Anything else answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from baton.core import access
from baton.core.access import Actor
from baton.core.feed import FeedItem, activity_feed
from baton.core.selectors import one_or_404
from baton.crm.models import Client, Contact
from baton.crm.selectors import client_get
from baton.delivery.models import Task
from baton.delivery.selectors import visible_projects  # the one rule of which projects an actor sees
from baton.knowledge import search_backend
from baton.knowledge.goals import client_goals
from baton.knowledge.models import (
    Attachment,
    Brief,
    BriefStatus,
    BriefVersion,
    ClientKnowledge,
    Comment,
    Decision,
    SearchAudience,
    SearchEntry,
    TaskBriefLink,
)
from baton.knowledge.search_sources import SEARCH_SOURCES

# --- Projects and tasks as this app may see them --------------------------------------------------------------


def _members_restricted(actor: Actor) -> bool:
    return actor.role == access.MEMBER and bool(actor.workspace.members_see_only_their_projects)


def visible_tasks(actor: Actor) -> QuerySet[Task]:
    if not access.allowed(actor, "task", "view"):
        return Task.objects.none()
    qs = Task.objects.filter(workspace=actor.workspace)
    if actor.is_client or _members_restricted(actor):
        qs = qs.filter(project_id__in=visible_projects(actor).values("pk"))
    return qs


def _project_scoped(qs: QuerySet[Any], actor: Actor, field: str = "project_id") -> QuerySet[Any]:
    """Records on a project the actor may not see are hidden; records on no project stay."""
    if not _members_restricted(actor):
        return qs
    return qs.filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": visible_projects(actor).values("pk")}))


# --- Decisions ------------------------------------------------------------------------------------------------


def decision_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    decided_by: int | None = None,
    search: str | None = None,
) -> QuerySet[Decision]:
    access.require(actor, "decision", "view")
    qs = Decision.objects.filter(workspace=actor.workspace).select_related(
        "client", "project", "task", "decided_by", "decided_by_contact"
    )
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0, internal=False)  # the account team's own stay inside
    qs = _project_scoped(qs, actor)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if task_id is not None:
        qs = qs.filter(task_id=task_id)
    if decided_by is not None:
        qs = qs.filter(decided_by_id=decided_by)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(decision__icontains=search) | Q(rationale__icontains=search))
    return qs.order_by("-decided_on", "-id")


def decision_get(*, actor: Actor, decision_id: int) -> Decision:
    return one_or_404(decision_list(actor=actor).filter(pk=decision_id), "decision")


# --- Briefs ---------------------------------------------------------------------------------------------------


def _visible_briefs(actor: Actor) -> QuerySet[Brief]:
    access.require(actor, "brief", "view")
    qs = Brief.objects.filter(workspace=actor.workspace)
    if actor.is_client:
        # A client sees a brief once a version of it is approved, and then only its approved versions.
        qs = qs.filter(client_id=actor.client_id or 0, approved_version__isnull=False)
    return _project_scoped(qs, actor)


def brief_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Brief]:
    qs = _visible_briefs(actor).select_related(
        "client", "project", "task", "current_version", "approved_version", "created_by"
    )
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if task_id is not None:
        qs = qs.filter(task_id=task_id)
    if status:
        qs = qs.filter(current_version__status=status)
    return qs.order_by("-updated_at", "-id")


def brief_get(*, actor: Actor, brief_id: int) -> Brief:
    return one_or_404(brief_list(actor=actor).filter(pk=brief_id), "brief")


def shown_version(actor: Actor, brief: Brief) -> BriefVersion | None:
    """The version the actor reads: a client-role user the approved one, staff the newest."""
    return brief.approved_version if actor.is_client else brief.current_version


def brief_versions(*, actor: Actor, brief: Brief) -> list[BriefVersion]:
    """The brief's versions, newest first, each with the tasks started from it (`started_tasks`)."""
    links = TaskBriefLink.objects.select_related("task").order_by("started_at", "id")
    tasks = visible_tasks(actor)
    links = links.filter(task_id__in=tasks.values("pk"))
    qs = (
        BriefVersion.objects.filter(brief=brief)
        .select_related("created_by", "approved_by")
        .prefetch_related(Prefetch("task_links", queryset=links, to_attr="started_links"))
    )
    if actor.is_client:
        qs = qs.filter(status=BriefStatus.APPROVED)
    return list(qs.order_by("-number"))


def task_brief_links(*, actor: Actor, task_id: int) -> QuerySet[TaskBriefLink]:
    """Which brief versions a task was started from (newest first), or 404 for a task the actor cannot see."""
    access.require(actor, "brief", "view")
    if not visible_tasks(actor).filter(pk=task_id).exists():
        raise Http404("No such task.")
    qs = TaskBriefLink.objects.filter(workspace=actor.workspace, task_id=task_id).select_related(
        "brief", "brief_version", "task", "started_by"
    )
    if actor.is_client:
        qs = qs.filter(brief__client_id=actor.client_id or 0)
    return qs.order_by("-started_at", "-id")


# --- The knowledge record and the stakeholder map -------------------------------------------------------------


def knowledge_client_get(*, actor: Actor, client_id: int) -> Client:
    """The client whose knowledge record the actor reads: visible, and the role may read knowledge (else 403)."""
    client = client_get(actor=actor, client_id=client_id)
    access.require(actor, "knowledge", "view", client)
    return client


def knowledge_get(*, actor: Actor, client: Client) -> ClientKnowledge:
    """The client's knowledge record; an empty, unsaved one (version 0) when nobody has written it yet."""
    access.require(actor, "knowledge", "view", client)
    record = ClientKnowledge.objects.filter(pk=client.pk).select_related("updated_by").first()
    if record is None:
        record = ClientKnowledge(client=client, workspace=actor.workspace, version=0)
    return record


def stakeholder_map(*, actor: Actor, client: Client) -> list[Contact]:
    """Every contact of the client with its stakeholder profile (`contact.profile`, None when not assessed),
    high influence first."""
    access.require(actor, "knowledge", "view", client)
    contacts = list(
        Contact.objects.filter(workspace=actor.workspace, client=client).select_related("stakeholder__updated_by")
    )
    rank = {"high": 0, "medium": 1, "low": 2}
    for contact in contacts:
        contact.profile = getattr(contact, "stakeholder", None)  # type: ignore[attr-defined]
    contacts.sort(
        key=lambda c: (
            rank.get(c.profile.influence, 3) if c.profile else 4,  # type: ignore[attr-defined]
            not c.is_primary,
            c.name.lower(),
        )
    )
    return contacts


def stakeholder_contact_get(*, actor: Actor, client: Client, contact_id: int) -> Contact:
    access.require(actor, "knowledge", "view", client)
    contact = one_or_404(
        Contact.objects.filter(workspace=actor.workspace, client=client, pk=contact_id), "contact at this client"
    )
    return contact


# --- Comment and attachment targets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A record comments or attachments hang off, as the actor may see it."""

    type: str
    id: int
    obj: Any
    client_id: int
    project_id: int | None
    label: str


def target_get(*, actor: Actor, target_type: str, target_id: int) -> Target:
    """A task, brief, decision (or, for attachments, client) the actor may see; 404 otherwise."""
    if target_type == "decision":
        decision = decision_get(actor=actor, decision_id=target_id)
        return Target("decision", decision.pk, decision, decision.client_id, decision.project_id, decision.title)
    if target_type == "brief":
        brief = brief_get(actor=actor, brief_id=target_id)
        return Target("brief", brief.pk, brief, brief.client_id, brief.project_id, brief.title)
    if target_type == "task":
        task = one_or_404(visible_tasks(actor).select_related("project").filter(pk=target_id), "task")
        return Target("task", task.pk, task, task.project.client_id, task.project_id, task.title)
    if target_type == "client":
        client = client_get(actor=actor, client_id=target_id)
        if not access.allowed(actor, "knowledge", "view", client):
            raise Http404("No such client.")  # client-level files are internal, like the knowledge record
        return Target("client", client.pk, client, client.pk, None, client.name)
    raise Http404(f"Unknown target type {target_type!r}.")


def _targeted_scope(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    """Comments and attachments follow the visibility of what they are on."""
    qs = qs.filter(workspace=actor.workspace)
    visible = Q(target_type="__none__")
    if actor.is_client:
        cid = actor.client_id or 0
        qs = qs.filter(client_id=cid)
        if qs.model is Comment:
            qs = qs.filter(internal=False)
        if access.allowed(actor, "decision", "view"):
            shared = Decision.objects.filter(client_id=cid, internal=False).values("pk")
            visible |= Q(target_type="decision", target_id__in=shared)
        if access.allowed(actor, "brief", "view"):
            approved = Brief.objects.filter(client_id=cid, approved_version__isnull=False).values("pk")
            visible |= Q(target_type="brief", target_id__in=approved)
        if access.allowed(actor, "task", "view"):
            visible |= Q(target_type="task", target_id__in=visible_tasks(actor).values("pk"))
        return qs.filter(visible)
    for kind in ("decision", "brief", "task"):
        if access.allowed(actor, kind, "view"):
            visible |= Q(target_type=kind)
    if access.allowed(actor, "knowledge", "view"):
        visible |= Q(target_type="client")
    return _project_scoped(qs.filter(visible), actor)


def comment_list(
    *,
    actor: Actor,
    target_type: str | None = None,
    target_id: int | None = None,
    mentioned_id: int | None = None,
    author_id: int | None = None,
) -> QuerySet[Comment]:
    access.require(actor, "comment", "view")
    qs = _targeted_scope(Comment.objects.all(), actor).select_related("author").prefetch_related("mentions")
    if target_type is not None and target_id is not None:
        target_get(actor=actor, target_type=target_type, target_id=target_id)  # 404 for an invisible target
    if target_type is not None:
        qs = qs.filter(target_type=target_type)
    if target_id is not None:
        qs = qs.filter(target_id=target_id)
    if mentioned_id is not None:
        qs = qs.filter(mentions__id=mentioned_id)
    if author_id is not None:
        qs = qs.filter(author_id=author_id)
    return qs.order_by("created_at", "id")


def comment_get(*, actor: Actor, comment_id: int) -> Comment:
    return one_or_404(comment_list(actor=actor).filter(pk=comment_id), "comment")


def attachment_list(
    *, actor: Actor, target_type: str | None = None, target_id: int | None = None
) -> QuerySet[Attachment]:
    access.require(actor, "attachment", "view")
    qs = _targeted_scope(Attachment.objects.all(), actor).select_related("uploaded_by")
    if target_type is not None and target_id is not None:
        target_get(actor=actor, target_type=target_type, target_id=target_id)
    if target_type is not None:
        qs = qs.filter(target_type=target_type)
    if target_id is not None:
        qs = qs.filter(target_id=target_id)
    return qs.order_by("-created_at", "-id")


def attachment_get(*, actor: Actor, attachment_id: int) -> Attachment:
    return one_or_404(attachment_list(actor=actor).filter(pk=attachment_id), "attachment")


# --- Search ---------------------------------------------------------------------------------------------------

SEARCH_KINDS: tuple[str, ...] = ("client", "project", "task", "brief", "decision", "comment")  # knowledge's own
KIND_RESOURCE: dict[str, str] = {kind: kind for kind in SEARCH_KINDS}
KIND_LABELS: dict[str, str] = {
    "client": "Client",
    "project": "Project",
    "task": "Task",
    "brief": "Brief",
    "decision": "Decision",
    "comment": "Comment",
}


def search_kinds() -> tuple[str, ...]:
    """Every kind search knows: knowledge's own, then those registered by the apps above it (`search_sources`)."""
    return SEARCH_KINDS + tuple(k for k in SEARCH_SOURCES if k not in SEARCH_KINDS)


def kinds_for(actor: Actor) -> tuple[str, ...]:
    """The kinds whose records the actor's role may see at all (the page's "Only" choices)."""
    return tuple(
        k
        for k in search_kinds()
        if access.allowed(actor, SEARCH_SOURCES[k].resource if k in SEARCH_SOURCES else KIND_RESOURCE[k], "view")
    )


def kind_label(kind: str, plural: bool = False) -> str:
    source = SEARCH_SOURCES.get(kind)
    if source is not None:
        return source.plural if plural else source.label
    label = KIND_LABELS.get(kind, kind)
    return f"{label}s" if plural else label


@dataclass(frozen=True)
class SearchResult:
    kind: str
    id: int
    title: str
    snippet: str  # with search_backend.MARK_START/END around the matched words
    url: str
    rank: float
    client_id: int | None
    client_name: str = ""

    @property
    def snippet_text(self) -> str:
        return self.snippet.replace(search_backend.MARK_START, "").replace(search_backend.MARK_END, "")

    @property
    def snippet_html(self) -> SafeString:
        html = str(escape(self.snippet))
        html = html.replace(search_backend.MARK_START, "<mark>").replace(search_backend.MARK_END, "</mark>")
        return mark_safe(html)  # noqa: S308 - escaped above; only our markers become tags

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    label: str
    results: list[SearchResult]  # all found of the kind (best first)
    shown: list[SearchResult]  # the first `per_group` of them, on a page showing every kind

    @property
    def more(self) -> int:
        return len(self.results) - len(self.shown)


def _registered_visible(actor: Actor, kind: str) -> QuerySet[Any] | None:
    """The ids of a registered kind the actor may open: its own list selector's (None: it may see none)."""
    source = SEARCH_SOURCES[kind]
    if not access.allowed(actor, source.resource, "view"):
        return None
    try:
        return source.visible(actor).values("pk")
    except (PermissionDenied, Http404):
        return None


def _search_scope(actor: Actor, kinds: Iterable[str]) -> QuerySet[SearchEntry]:
    """The entries the actor may find: its workspace, the kinds its role may view, its client (client role), its
    projects (restricted team members), and for comments the visibility of what they are on. A registered kind's
    entries are further narrowed to the ids its own list selector shows the actor."""
    kinds = list(kinds)
    wanted = [k for k in kinds if k in KIND_RESOURCE and access.allowed(actor, KIND_RESOURCE[k], "view")]
    target_kinds = [k for k in ("task", "brief", "decision") if access.allowed(actor, k, "view")]
    scope = Q(kind__in=wanted) & (Q(target_kind="") | Q(target_kind__in=target_kinds))
    for kind in kinds:
        if kind in SEARCH_SOURCES and kind not in KIND_RESOURCE:
            visible = _registered_visible(actor, kind)
            if visible is not None:
                scope |= Q(kind=kind, object_id__in=visible)
    qs = SearchEntry.objects.filter(workspace=actor.workspace).filter(scope)
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0, audience__in=[SearchAudience.ALL, SearchAudience.CLIENT])
    else:
        qs = qs.filter(audience__in=[SearchAudience.ALL, SearchAudience.STAFF])
        qs = _project_scoped(qs, actor)
    return qs


def record_url(kind: str, object_id: int, actor: Actor | None = None, client_id: int | None = None) -> str:
    """The web page of a searchable record (a registered kind's page may depend on who opens it)."""
    if kind in SEARCH_SOURCES and kind not in KIND_RESOURCE and actor is not None:
        return SEARCH_SOURCES[kind].url(actor, object_id, client_id)
    if kind == "client":
        return reverse("crm:client_detail", args=[object_id])
    if kind == "decision":
        return reverse("knowledge:decision_detail", args=[object_id])
    if kind == "brief":
        return reverse("knowledge:brief_detail", args=[object_id])
    if kind == "project":
        return reverse("delivery:project_detail", args=[object_id])
    if kind == "task":
        return reverse("delivery:task_detail", args=[object_id])
    return reverse("knowledge:comment_redirect", args=[object_id])  # a comment: the page of what it is on


def search(actor: Actor, query: str, kinds: Iterable[str] | None = None, limit: int = 20) -> list[SearchResult]:
    """Records of every searchable kind matching `query`, best first, among what the actor may see (each kind by
    its own list's rule). Full-text in the database (SQLite FTS5 or PostgreSQL), see search_backend.py."""
    known = search_kinds()
    chosen = [k for k in (kinds or known) if k in known]
    query = (query or "").strip()[:200]
    if not query or not chosen:
        return []
    limit = max(1, min(int(limit), 100))
    try:
        scope_sql, scope_params = _search_scope(actor, chosen).values("id").query.sql_with_params()
    except EmptyResultSet:  # nothing of the chosen kinds is the actor's to see
        return []
    matches = search_backend.ranked_matches(query, scope_sql, list(scope_params), limit)
    entries = SearchEntry.objects.in_bulk([m.entry_id for m in matches])
    client_ids = {e.client_id for e in entries.values() if e.client_id}
    client_names = dict(Client.objects.filter(pk__in=client_ids).values_list("id", "name")) if client_ids else {}
    results: list[SearchResult] = []
    for match in matches:
        entry = entries.get(match.entry_id)
        if entry is None:
            continue
        results.append(
            SearchResult(
                kind=entry.kind,
                id=entry.object_id,
                title=entry.label,
                snippet=match.snippet,
                url=record_url(entry.kind, entry.object_id, actor, entry.client_id),
                rank=match.rank,
                client_id=entry.client_id,
                client_name=client_names.get(entry.client_id or 0, ""),
            )
        )
    return results


def search_groups(results: list[SearchResult], per_group: int | None = None) -> list[SearchGroup]:
    """Results grouped by kind, the group with the best match first, each keeping its best-first order (and showing
    its first `per_group`, so one kind with many matches does not hide the others)."""
    groups: dict[str, list[SearchResult]] = {}
    for result in results:
        groups.setdefault(result.kind, []).append(result)
    return [
        SearchGroup(kind, kind_label(kind, plural=True), rows, rows[:per_group] if per_group else rows)
        for kind, rows in groups.items()
    ]


# --- The client knowledge page --------------------------------------------------------------------------------


def knowledge_page(*, actor: Actor, client_id: int) -> dict[str, Any]:
    """Everything a new account manager reads on day one about a client, in a fixed number of queries."""
    client = knowledge_client_get(actor=actor, client_id=client_id)
    record = knowledge_get(actor=actor, client=client)
    decisions = list(decision_list(actor=actor, client_id=client.pk)[:50])
    briefs = list(brief_list(actor=actor, client_id=client.pk)[:50])
    attachments = list(attachment_list(actor=actor).filter(target_type="client", target_id=client.pk)[:50])
    activity: list[FeedItem] = []
    if access.allowed(actor, "event", "view"):
        activity = activity_feed(actor=actor, client_id=client.pk, limit=30)
    return {
        "client": client,
        "knowledge": record,
        "goals": client_goals(client),  # relationships' client goals (/client-goals): the one list
        "stakeholders": stakeholder_map(actor=actor, client=client),
        "decisions": decisions,
        "briefs": briefs,
        "attachments": attachments,
        "events": activity,
        "can_edit": access.allowed(actor, "knowledge", "update", client),
        # the object check, as the page it opens: an account manager records decisions on its own clients only
        "can_decide": access.allowed(actor, "decision", "create", Decision(workspace=actor.workspace, client=client)),
        "can_brief": access.allowed(actor, "brief", "create"),
    }


def comment_target_url(comment: Comment | Attachment) -> str:
    """Where a comment (or attachment) is shown: the page of what it is on (a client's files: its knowledge page)."""
    if comment.target_type == "client":
        return reverse("knowledge:page", args=[comment.target_id])
    return record_url(comment.target_type, comment.target_id)
