"""What else search indexes: the registry the apps above knowledge fill from their `wiring.py`.

Knowledge indexes its own records and delivery's (clients, projects, tasks, briefs, decisions, comments) itself
(`services/search_index.py`). Any other kind of record joins search by registering a `SearchSource`:
- `documents(obj)`: its searchable text (a `SearchDoc` per audience; `[]` leaves it out of the index);
- `visible(actor)`: the record's own list selector, so a result shows only when that list would show the record
  (a client user its own client's, a member no invoices...). A role the selector refuses finds none of the kind;
- `url(actor, object_id, client_id)`: the page that opens the record for this actor;
- `records(workspace)`: every record of a workspace, for `rebuild_search_index` (and the demo's load);
- `refresh_on`: events on other target types that change this kind's text ({target type: ids of this kind}).
Events whose target type is the kind refresh its entry (`.deleted` removes it), through knowledge's subscriber.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet

from baton.core.access import Actor
from baton.core.models import Workspace


@dataclass(frozen=True)
class SearchDoc:
    """The searchable text of a record for one audience (`SearchAudience`: all, staff or client)."""

    title: str
    body: str
    client_id: int | None = None
    project_id: int | None = None
    audience: str = "all"
    label: str = ""  # what the result is called, when not its title


@dataclass(frozen=True)
class SearchSource:
    kind: str
    label: str  # "Invoice": what one result is
    plural: str  # "Invoices": the group's name on the results page
    model: type[models.Model]
    resource: str  # the access resource whose "view" the role needs at all
    documents: Callable[[Any], list[SearchDoc]]
    visible: Callable[[Actor], QuerySet[Any]]
    url: Callable[[Actor, int, int | None], str]
    records: Callable[[Workspace], Iterable[Any]] | None = None
    refresh_on: dict[str, Callable[[int], Iterable[int]]] = field(default_factory=dict)

    def all_records(self, workspace: Workspace) -> Iterable[Any]:
        if self.records is not None:
            return self.records(workspace)
        return self.model._default_manager.filter(workspace=workspace)


SEARCH_SOURCES: dict[str, SearchSource] = {}


def register_search_source(source: SearchSource) -> None:
    """Make a kind of record searchable (idempotent: registering a kind again replaces it)."""
    SEARCH_SOURCES[source.kind] = source


def source_for_model(obj: models.Model) -> SearchSource | None:
    for source in SEARCH_SOURCES.values():
        if isinstance(obj, source.model):
            return source
    return None
