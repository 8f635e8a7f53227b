"""`/api/v1/imports`: the API.md shapes, the 422s, running, re-running, the refused rows' CSV."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from baton.devdata.testing.finance import make_project
from baton.imports.tests.conftest import day, upload
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db

LINES = [
    "{d3},120,member@studio.test,,Client A,Website,Design,Homepage,yes,,",
    "{d2},0,member@studio.test,,Client A,Website,,,yes,,",
]


def _lines():
    return [line.format(d3=day(3), d2=day(2)) for line in LINES]


def _api(personas, who="owner") -> HttpClient:
    return personas[who].api()


def test_post_answers_the_dry_run_in_the_api_shape(personas):
    make_project(personas, "Website")
    response = _api(personas).post("/api/v1/imports", {"file": upload(_lines())})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("source", "status", "rows", "created", "matched", "refused", "errors")} == {
        "source": "csv",
        "status": "dry_run",
        "rows": 2,
        "created": 1,
        "matched": 0,
        "refused": 1,
        "errors": [{"row": 3, "column": "minutes", "message": "A duration of zero: nothing to import."}],
    }
    assert isinstance(body["id"], int)
    again = _api(personas).get(f"/api/v1/imports/{body['id']}")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert _api(personas).get("/api/v1/imports").json()["count"] == 1


def test_run_then_reimport_creates_nothing_new(personas, django_capture_on_commit_callbacks):
    make_project(personas, "Website")
    api = _api(personas)
    first = api.post("/api/v1/imports", {"file": upload(_lines())}).json()
    with django_capture_on_commit_callbacks(execute=True):
        ran = api.post(f"/api/v1/imports/{first['id']}/run")
    assert ran.status_code == 200 and ran.json()["status"] in ("queued", "done")
    assert api.get(f"/api/v1/imports/{first['id']}").json()["status"] == "done"
    assert TimeEntry.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        second = api.post("/api/v1/imports", {"file": upload(_lines()), "dry_run": "false"})
    assert second.status_code == 201
    done = api.get(f"/api/v1/imports/{second.json()['id']}").json()
    assert (done["status"], done["created"], done["matched"]) == ("done", 0, 1)
    assert TimeEntry.objects.count() == 1
    twice = api.post(f"/api/v1/imports/{first['id']}/run")
    assert twice.status_code == 409


def test_unknown_format_and_bad_fields_answer_422(personas):
    api = _api(personas)
    unknown = api.post("/api/v1/imports", {"file": upload(["1,2"], header="foo,bar")})
    assert unknown.status_code == 422
    problem = unknown.json()
    assert problem["errors"][0]["field"] == "file"
    message = problem["errors"][0]["message"]
    assert message.startswith("Unknown file. Expected one of:")
    assert "Generic CSV" in message and "Toggl Track detailed report" in message and "Harvest" in message
    bad_source = api.post("/api/v1/imports", {"file": upload(_lines()), "source": "excel"})
    assert bad_source.status_code == 422
    empty = api.post("/api/v1/imports", {"file": upload([], header="")})
    assert empty.status_code == 422
    mapping = api.post(
        "/api/v1/imports",
        {
            "file": upload([f"{day(3)};2,5;Ann;Web"], header="Day;Hours;Who;Job"),
            "source": "csv",
            "mapping": json.dumps({"date": "Day", "hours": "Hours", "person_name": "Who"}),
        },
    )
    assert mapping.status_code == 422
    assert mapping.json()["errors"][0]["field"] == "mapping"
    assert "project_name" in mapping.json()["errors"][0]["message"]


def test_a_mapped_semicolon_csv_with_decimal_commas(personas):
    make_project(personas, "Website")
    response = _api(personas).post(
        "/api/v1/imports",
        {
            "file": upload([f"{day(3)};2,5;Member Persona;Website"], header="Day;Hours;Who;Job"),
            "source": "csv",
            "mapping": json.dumps({"date": "Day", "hours": "Hours", "person_name": "Who", "project_name": "Job"}),
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["created"], response.json()["refused"]) == (1, 0)


def test_errors_csv_and_mapping_endpoint(personas):
    make_project(personas, "Website")
    api = _api(personas)
    run = api.post("/api/v1/imports", {"file": upload(_lines())}).json()
    csv = b"".join(api.get(f"/api/v1/imports/{run['id']}/errors.csv").streaming_content).decode()
    assert csv.splitlines()[1].startswith("3,minutes,A duration of zero: nothing to import.,")
    mapped = api.put(
        f"/api/v1/imports/{run['id']}/mapping",
        {"people": {"email:nobody@x.test": "create"}},
        content_type="application/json",
    )
    assert mapped.status_code == 422
    assert mapped.json()["errors"][0]["field"] == "mapping.people.email:nobody@x.test"
    unknown_field = api.put(f"/api/v1/imports/{run['id']}/mapping", {"tasks": {}}, content_type="application/json")
    assert unknown_field.status_code == 422


def test_finance_may_not_import(personas):
    assert _api(personas, "finance").post("/api/v1/imports", {"file": upload(_lines())}).status_code == 403
