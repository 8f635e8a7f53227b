"""`POST /api/v1/time-entries` answers with the entry the service stored instead of reading it back (when the rule
alone says the caller sees it): the body must be exactly what `GET` answers for that entry, for every role that logs
time, with and without rates and amounts."""

from __future__ import annotations

import pytest

from baton.automation.models import Rule
from baton.automation.services import is_relevant
from baton.core.models import Event
from baton.devdata.testing.finance import log, make_project, make_task

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.mark.parametrize(
    ("who", "for_whom"),
    [
        ("member", None),  # own time, no amounts
        ("pm", None),  # own time, with amounts
        ("owner", None),  # every entry
        ("finance", "member"),  # someone else's, seen by the money roles
        ("pm", "member"),  # someone else's on the PM's project: read back through the visibility filter
    ],
)
def test_created_entry_answers_what_get_answers(personas, who, for_whom):
    project = make_project(personas)
    task = make_task(personas, project)
    body = {"project_id": project.id, "task_id": task.id, "date": "2026-03-04", "minutes": 25, "note": " hi "}
    if for_whom:
        body["person_id"] = personas[for_whom].person.id
    api = personas[who].api()
    created = api.post("/api/v1/time-entries", body, content_type=JSON)
    assert created.status_code == 201, created.content
    fetched = api.get(f"/api/v1/time-entries/{created.json()['id']}")
    assert fetched.status_code == 200
    assert created.json() == fetched.json()


def test_probe_answers_are_shared_only_while_an_events_subscribers_run(personas):
    """`core.events.probed` keeps its answers on the event only during the after-commit run: asked again later, it
    reads again (a rule created since counts)."""
    log(personas, "member", make_project(personas), 30)
    event = Event.objects.get(verb="time_entry.created")
    assert not is_relevant(event)
    Rule.objects.create(workspace=personas.workspace, name="On time", trigger="time_entry.created", active=True)
    assert is_relevant(event)
