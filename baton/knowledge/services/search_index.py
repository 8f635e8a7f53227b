"""The search index: derived from the records, written by the event subscriber and the rebuild command.

It emits no events of its own (it changes no business state)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from baton.core import events
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.delivery.models import Project, Task
from baton.knowledge import search_backend
from baton.knowledge.models import (
    Brief,
    BriefVersion,
    ClientKnowledge,
    Comment,
    Decision,
    SearchAudience,
    SearchEntry,
)
from baton.knowledge.search_sources import SEARCH_SOURCES, SearchDoc

# --- The search index -----------------------------------------------------------------------------------------

INDEXED_KINDS = frozenset({"client", "project", "task", "brief", "decision", "comment", "client_knowledge"})


def indexed_target_types() -> frozenset[str]:
    """The event target types that change the index: knowledge's own kinds, the registered sources' kinds and
    what they refresh on (`search_sources.py`)."""
    registered = set(SEARCH_SOURCES)
    for source in SEARCH_SOURCES.values():
        registered.update(source.refresh_on)
    return INDEXED_KINDS | registered


_MODELS: dict[str, type[models.Model]] = {
    "client": Client,
    "project": Project,
    "task": Task,
    "brief": Brief,
    "decision": Decision,
    "comment": Comment,
}


@dataclass(frozen=True)
class _Doc:
    audience: str
    title: str
    body: str
    client_id: int | None
    project_id: int | None = None
    target_kind: str = ""
    label: str = ""  # what the result is called, when not its indexed title (comments)


def _join(*parts: Any) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def _brief_text(version: BriefVersion | None) -> str:
    return _join(*version.sections().values()) if version is not None else ""


def _comment_target_info(comment: Comment) -> tuple[str, bool]:
    """(label, visible to the client's users) of what a comment is on."""
    if comment.target_type == "brief":
        brief = Brief.objects.filter(pk=comment.target_id).only("title", "approved_version_id").first()
        return (brief.title, brief.approved_version_id is not None) if brief else ("", False)
    if comment.target_type == "decision":
        decision = Decision.objects.filter(pk=comment.target_id).only("title", "internal").first()
        return (decision.title, not decision.internal) if decision else ("", True)
    task = Task.objects.filter(pk=comment.target_id).only("title").first()
    return (task.title if task else "", True)


def _documents(obj: models.Model) -> list[_Doc]:
    """The searchable text of a record, per audience."""
    if isinstance(obj, Client):
        public = _join(obj.industry, obj.website, obj.notes)
        knowledge = ClientKnowledge.objects.filter(pk=obj.pk).first()
        if knowledge is None:
            return [_Doc(SearchAudience.ALL, obj.name, public, obj.pk)]
        goals = [_join(g.get("goal"), g.get("kpi"), g.get("target")) for g in knowledge.goals or []]
        internal = _join(public, knowledge.preferences, knowledge.sensitivities, *goals)
        return [
            _Doc(SearchAudience.STAFF, obj.name, internal, obj.pk),
            _Doc(SearchAudience.CLIENT, obj.name, public, obj.pk),
        ]
    if isinstance(obj, Project):
        return [_Doc(SearchAudience.ALL, obj.name, obj.description, obj.client_id, obj.pk)]
    if isinstance(obj, Task):
        project = Project.objects.filter(pk=obj.project_id).only("client_id").first()
        return [
            _Doc(SearchAudience.ALL, obj.title, obj.description, project.client_id if project else None, obj.project_id)
        ]
    if isinstance(obj, Brief):
        current, approved = obj.current_version, obj.approved_version
        if approved is None:
            return [_Doc(SearchAudience.STAFF, obj.title, _brief_text(current), obj.client_id, obj.project_id)]
        if current is None or current.pk == approved.pk:
            return [_Doc(SearchAudience.ALL, obj.title, _brief_text(approved), obj.client_id, obj.project_id)]
        return [
            _Doc(SearchAudience.STAFF, obj.title, _brief_text(current), obj.client_id, obj.project_id),
            _Doc(SearchAudience.CLIENT, obj.title, _brief_text(approved), obj.client_id, obj.project_id),
        ]
    if isinstance(obj, Decision):
        body = _join(obj.decision, obj.rationale, *(obj.alternatives_rejected or []))
        audience = SearchAudience.STAFF if obj.internal else SearchAudience.ALL  # the account team's own
        return [_Doc(audience, obj.title, body, obj.client_id, obj.project_id)]
    if isinstance(obj, Comment):
        label, client_visible = _comment_target_info(obj)
        audience = SearchAudience.ALL if client_visible and not obj.internal else SearchAudience.STAFF
        title = f"Comment on {label}" if label else "Comment"
        return [_Doc(audience, "", obj.body, obj.client_id, obj.project_id, obj.target_type, label=title[:400])]
    return []


def _kind_of(obj: models.Model) -> str:
    return events.target_type_of(obj)


def _from_source(doc: SearchDoc) -> _Doc:
    return _Doc(doc.audience, doc.title, doc.body, doc.client_id, doc.project_id, label=doc.label)


@transaction.atomic
def search_index_update(obj: models.Model) -> None:
    """Write the search entries of one record (replacing its old ones). A brief's comments follow it, since its
    approval changes who may find them."""
    kind = _kind_of(obj)
    if kind in _MODELS:
        docs = _documents(obj)
    elif kind in SEARCH_SOURCES:
        docs = [_from_source(d) for d in SEARCH_SOURCES[kind].documents(obj)]
    else:
        return
    existing = {e.audience: e for e in SearchEntry.objects.filter(kind=kind, object_id=obj.pk)}
    now = timezone.now()
    workspace_id = obj.workspace_id  # type: ignore[attr-defined]
    for doc in docs:
        entry = existing.pop(doc.audience, None) or SearchEntry(kind=kind, object_id=obj.pk, audience=doc.audience)
        entry.workspace_id = workspace_id
        entry.title = doc.title[:400]
        entry.label = (doc.label or doc.title)[:400]
        entry.body = doc.body
        entry.client_id = doc.client_id
        entry.project_id = doc.project_id
        entry.target_kind = doc.target_kind
        entry.updated_at = now
        entry.save()
    if existing:
        SearchEntry.objects.filter(pk__in=[e.pk for e in existing.values()]).delete()
    if isinstance(obj, Brief):
        for comment in Comment.objects.filter(target_type="brief", target_id=obj.pk):
            search_index_update(comment)


def search_index_remove(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def search_index_refresh(*, workspace_id: int, kind: str, object_id: int, deleted: bool = False) -> None:
    """Bring one record's entries up to date after an event about it (the subscriber's entry point), and the
    entries of registered kinds whose text follows it (a touchpoint's next steps)."""
    if kind == "client_knowledge":
        kind = "client"  # the knowledge record's id is its client's; its text is part of the client's entry
    for source in SEARCH_SOURCES.values():
        related = source.refresh_on.get(kind)
        if related is not None and not deleted:
            for related_id in related(object_id):
                search_index_refresh(workspace_id=workspace_id, kind=source.kind, object_id=related_id)
    model = _MODELS.get(kind) or (SEARCH_SOURCES[kind].model if kind in SEARCH_SOURCES else None)
    if model is None:
        return
    obj = None if deleted else model.objects.filter(pk=object_id, workspace_id=workspace_id).first()  # type: ignore[attr-defined]
    if obj is None:
        search_index_remove(kind=kind, object_id=object_id)
    else:
        search_index_update(obj)


def _rebuild_docs(workspace: Workspace) -> Iterable[tuple[str, int, _Doc]]:
    knowledge = {k.pk: k for k in ClientKnowledge.objects.filter(workspace=workspace)}
    for client in Client.objects.filter(workspace=workspace):
        if client.pk in knowledge:
            for doc in _documents(client):
                yield "client", client.pk, doc
        else:
            yield (
                "client",
                client.pk,
                _Doc(SearchAudience.ALL, client.name, _join(client.industry, client.website, client.notes), client.pk),
            )
    for project in Project.objects.filter(workspace=workspace):
        yield "project", project.pk, _documents(project)[0]
    for task in (
        Task.objects.filter(workspace=workspace)
        .select_related("project")
        .only("id", "title", "description", "project_id", "project__client_id")
    ):
        yield (
            "task",
            task.pk,
            _Doc(SearchAudience.ALL, task.title, task.description, task.project.client_id, task.project_id),
        )
    yield from _registered_docs(workspace)
    briefs = Brief.objects.filter(workspace=workspace).select_related("current_version", "approved_version")
    approved_briefs: set[int] = set()
    brief_titles: dict[int, str] = {}
    for brief in briefs:
        brief_titles[brief.pk] = brief.title
        if brief.approved_version_id:
            approved_briefs.add(brief.pk)
        for doc in _documents(brief):
            yield "brief", brief.pk, doc
    decision_titles: dict[int, str] = {}
    internal_decisions: set[int] = set()
    for decision in Decision.objects.filter(workspace=workspace):
        decision_titles[decision.pk] = decision.title
        if decision.internal:
            internal_decisions.add(decision.pk)
        yield "decision", decision.pk, _documents(decision)[0]
    task_titles = dict(Task.objects.filter(workspace=workspace).values_list("id", "title"))
    for comment in Comment.objects.filter(workspace=workspace):
        labels = {"brief": brief_titles, "decision": decision_titles, "task": task_titles}[comment.target_type]
        label = labels.get(comment.target_id, "")
        visible = comment.target_type != "brief" or comment.target_id in approved_briefs
        visible = visible and not (comment.target_type == "decision" and comment.target_id in internal_decisions)
        audience = SearchAudience.ALL if visible and not comment.internal else SearchAudience.STAFF
        title = f"Comment on {label}" if label else "Comment"
        yield (
            "comment",
            comment.pk,
            _Doc(audience, "", comment.body, comment.client_id, comment.project_id, comment.target_type, title[:400]),
        )


def _registered_docs(workspace: Workspace) -> Iterable[tuple[str, int, _Doc]]:
    for kind, source in SEARCH_SOURCES.items():
        for obj in source.all_records(workspace):
            for doc in source.documents(obj):
                yield kind, obj.pk, _from_source(doc)


@transaction.atomic
def search_index_rebuild(*, workspace: Workspace | None = None) -> int:
    """Rebuild the search index of one workspace (or all) from the records. Returns the number of entries."""
    search_backend.ensure_installed()
    workspaces = [workspace] if workspace is not None else list(Workspace.objects.all())
    total = 0
    now = timezone.now()
    for ws in workspaces:
        SearchEntry.objects.filter(workspace=ws).delete()
        batch: list[SearchEntry] = []
        for kind, object_id, doc in _rebuild_docs(ws):
            batch.append(
                SearchEntry(
                    workspace=ws,
                    kind=kind,
                    object_id=object_id,
                    audience=doc.audience,
                    client_id=doc.client_id,
                    project_id=doc.project_id,
                    target_kind=doc.target_kind,
                    title=doc.title[:400],
                    label=(doc.label or doc.title)[:400],
                    body=doc.body,
                    updated_at=now,
                )
            )
        SearchEntry.objects.bulk_create(batch, batch_size=500)
        total += len(batch)
    search_backend.rebuild_fts()
    return total
