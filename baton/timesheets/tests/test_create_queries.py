"""Query ceiling of logging time (`POST /api/v1/time-entries`), the hottest write: see BENCHMARKS.md, "time-entry
create path". The ceiling counts everything one create costs — bearer auth, the service, the response, and the
subscribers that run after commit — so a new per-entry query fails CI instead of slowing every timesheet."""

from __future__ import annotations

import pytest

from baton.devdata.testing.finance import make_project, make_task

pytestmark = pytest.mark.django_db
JSON = "application/json"
# The token with its membership; the person with the day's total and the week's lock; the project with its scope
# baseline; the task; the bill and cost rates (one statement); the insert, the rollup upsert, the event; the budget's
# spend (time rollup, expenses); after commit the one "anything listening?" statement that automation and growth share
# (`core.events.probed`); plus the service's savepoint and its release (the test runs inside a transaction). The
# response is the created entry itself, not read again. It was 26, then 18, before the create path was trimmed.
CREATE_CEILING = 13


def test_logging_time_costs_a_fixed_number_of_queries(
    personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    project = make_project(personas)
    task = make_task(personas, project)
    api = personas["member"].api()
    with django_capture_on_commit_callbacks(execute=True):  # first use of the workspace seeds growth's framework
        first = api.post(
            "/api/v1/time-entries", {"project_id": project.id, "date": "2026-03-02", "minutes": 20}, content_type=JSON
        )
    assert first.status_code == 201, first.content
    with django_assert_max_num_queries(CREATE_CEILING):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = api.post(
                "/api/v1/time-entries",
                {"project_id": project.id, "task_id": task.id, "date": "2026-03-03", "minutes": 30},
                content_type=JSON,
            )
    assert response.status_code == 201, response.content
    assert callbacks  # the subscribers ran inside the counted block


def test_logging_time_without_a_task_costs_one_query_less(
    personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    project = make_project(personas)
    api = personas["member"].api()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            "/api/v1/time-entries", {"project_id": project.id, "date": "2026-03-02", "minutes": 20}, content_type=JSON
        )
    with django_assert_max_num_queries(CREATE_CEILING - 1):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                "/api/v1/time-entries",
                {"project_id": project.id, "date": "2026-03-03", "minutes": 30},
                content_type=JSON,
            )
    assert response.status_code == 201, response.content
