"""Reads for workspaces, memberships and the event log, always through the acting membership."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from django.db.models import F, Model, QuerySet
from django.db.models.query import ModelIterable
from django.http import Http404

from baton.core import access
from baton.core.access import Actor
from baton.core.models import ApiToken, Event, Membership, User, Workspace, hash_token
from baton.core.prepared import PreparedRead
from baton.core.registry import redact_event

M = TypeVar("M", bound=Model)


def one_or_404(qs: QuerySet[M], what: str) -> M:
    """The first record of an actor-scoped queryset, or a 404 "No such <what>." (the one way a selector says a record
    does not exist for this actor: another workspace's, or one the role may not see, is simply not found)."""
    found = qs.first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def memberships_for_user(user_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=user_id, is_active=True)
        .select_related("workspace", "user", "person")
        .order_by("workspace__name")
    )


def workspace_figures(workspace: Workspace, figures: dict[str, Any]) -> dict[str, Any]:
    """Evaluate scalar subqueries (counts, sums) of several blocks of a page together: one statement on the workspace
    row instead of one per block."""
    if not figures:
        return {}
    return Workspace.objects.filter(pk=workspace.pk).annotate(**figures).values(*figures).get()  # type: ignore[no-any-return]


def actor_for_user(user_id: int, workspace_id: int | None) -> Actor | None:
    """The actor for a logged-in user in the chosen workspace (or their first one)."""
    return actor_and_memberships(user_id, workspace_id)[0]


def actor_and_memberships(
    user_id: int, workspace_id: int | None, memberships: list[Membership] | None = None
) -> tuple[Actor | None, list[Membership]]:
    """The actor for a logged-in user in the chosen workspace (or their first one by name), and all the user's active
    memberships (the workspace switcher): one query for both, none when `memberships` (as `memberships_for_user`
    lists them) were read with the user."""
    if memberships is None:
        memberships = list(memberships_for_user(user_id))
    membership = None
    if workspace_id is not None:
        membership = next((m for m in memberships if m.workspace_id == workspace_id), None)
    if membership is None and memberships:
        membership = memberships[0]
    return (Actor.for_membership(membership) if membership else None), memberships


def _token_read(token_hash: str) -> QuerySet[Membership, tuple[Any, ...]]:
    """The membership of an unrevoked token of an active user, acting through that user's active membership of the
    token's workspace, with its workspace, user and person (none: null columns) and the token's id and last use."""
    columns = [
        *_TOKEN_COLUMNS,
        *(f"{relation}__{attname}" for relation, model in _token_joins() for attname in _attnames(model)),
    ]
    return (
        Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            user__api_tokens__token_hash=token_hash,
            user__api_tokens__revoked_at__isnull=True,
            user__api_tokens__workspace_id=F("workspace_id"),  # the same token row (one filter call: one join)
        )
        .annotate(token_id=F("user__api_tokens__id"), token_last_used_at=F("user__api_tokens__last_used_at"))
        .order_by("pk")
        .values_list(*columns)[:1]
    )


def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@cache
def _token_joins() -> list[tuple[str, type[Model]]]:
    """The models read with the token's membership: its workspace, its user and its person (people's model, named
    through the relation: core does not import people)."""
    person: type[Model] = Membership._meta.get_field("person").related_model  # type: ignore[attr-defined]
    return [("workspace", Workspace), ("user", User), ("person", person)]


_TOKEN_COLUMNS = ["token_id", "token_last_used_at", *_attnames(Membership)]
# Every API request reads its token: the statement is written once per connection (`core.prepared`), and read afresh
# each time, so revoking a token, deactivating a user or a membership takes effect on the next request.
TOKEN_READ = PreparedRead("core.actor_for_token", _token_read, token_hash="0" * 64)


def actor_for_token(raw: str) -> tuple[Actor, ApiToken] | None:
    """The actor of a bearer token: an unrevoked token of an active user, acting through that user's active membership
    of the token's workspace. One query (every API request authenticates), its SQL written once per connection; the
    returned token carries its id, workspace, user and last_used_at only."""
    rows = TOKEN_READ.rows(token_hash=hash_token(raw))
    if not rows:
        return None
    row = rows[0]
    db = Membership.objects.db
    token_id, last_used_at = row[0], row[1]
    at = len(_TOKEN_COLUMNS)
    membership = Membership.from_db(db, _TOKEN_COLUMNS[2:], row[2:at])
    for relation, model in _token_joins():
        names = _attnames(model)
        values = row[at : at + len(names)]
        at += len(names)
        related = model.from_db(db, names, values) if values[0] is not None else None
        Membership._meta.get_field(relation).set_cached_value(membership, related)  # type: ignore[union-attr]
        if relation == "person" and related is not None:
            model._meta.get_field("membership").set_cached_value(related, membership)  # type: ignore[union-attr]
    token = ApiToken(pk=token_id, workspace=membership.workspace, user=membership.user, last_used_at=last_used_at)
    return Actor.for_membership(membership), token


class ViewedEvents(QuerySet[Event]):
    """Events as one actor sees them: every event it fetches (list, slice, `first`, `iterator`) comes with the data its
    role may not see dropped (`core.registry.redact_event`; what went is in `event.redacted`). Filters, slices and
    orderings keep the viewer."""

    viewer: Actor | None = None

    def _clone(self) -> ViewedEvents:
        clone: ViewedEvents = super()._clone()  # type: ignore[misc]
        clone.viewer = self.viewer
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self.viewer is not None and self._iterable_class is ModelIterable:
            for event in self._result_cache or ():
                redact_event(self.viewer, event)

    def iterator(self, chunk_size: int | None = None) -> Iterator[Event]:
        for event in super().iterator(chunk_size=chunk_size):
            if self.viewer is not None and isinstance(event, Event):
                redact_event(self.viewer, event)
            yield event


def event_list(
    *,
    actor: Actor,
    verb: str | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    client_id: int | None = None,
    since: datetime | None = None,
    newest_first: bool = True,
) -> QuerySet[Event]:
    """The event log of the actor's workspace, filtered, each event's data narrowed to what the actor may see
    (`ViewedEvents`: API.md Wave 2, "no amounts or rates to those who get 403 on them")."""
    access.require(actor, "event", "view")
    qs = ViewedEvents(model=Event).filter(workspace=actor.workspace)
    qs.viewer = actor
    if verb:
        qs = qs.filter(verb=verb) if "." in verb else qs.filter(verb__startswith=f"{verb}.")
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id is not None:
        qs = qs.filter(target_id=target_id)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    return qs.order_by("-occurred_at", "-id") if newest_first else qs.order_by("occurred_at", "id")
