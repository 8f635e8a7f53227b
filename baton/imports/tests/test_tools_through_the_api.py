"""Each tool's hand-written export through the whole flow, by the API: the format detected, the dry run's refused rows
exactly the reader's row errors, the run writing every accepted row once with its source, and a second import of the
same file creating nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.imports.formats import RowError
from baton.imports.tests.helpers import FILES, read_all, upload_file, zip_of
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db

FILES_BY_TOOL = [
    ("harvest", "harvest/time_report.csv"),
    ("harvest", "harvest/time_report_de_latin1.csv"),
    ("toggl", "toggl/detailed_report.csv"),
    ("toggl", "toggl/detailed_report_utf16.csv"),
    ("clockify", "clockify/detailed_report_us.csv"),
    ("clockify", "clockify/detailed_report_eu.csv"),
    ("kimai", "kimai/export_en.csv"),
    ("kimai", "kimai/export_de.csv"),
    ("solidtime", "solidtime"),
]


def _file(relative: str) -> tuple[SimpleUploadedFile, list]:
    if (FILES / relative).is_dir():
        items = read_all(zip_of(relative))
        raw = zip_of(relative).stream.read()
        return SimpleUploadedFile(f"{relative}.zip", raw, content_type="application/zip"), items
    items = read_all(upload_file(relative))
    return SimpleUploadedFile(relative.rsplit("/", 1)[-1], (FILES / relative).read_bytes()), items


@pytest.mark.parametrize(("tool", "relative"), FILES_BY_TOOL, ids=[r for _, r in FILES_BY_TOOL])
def test_each_tools_file_through_dry_run_run_and_again(personas, django_capture_on_commit_callbacks, tool, relative):
    api = personas["owner"].api()
    upload, items = _file(relative)
    reader_errors = [(e.row, e.column, e.message) for e in items if isinstance(e, RowError)]
    dry = api.post("/api/v1/imports", {"file": upload})
    assert dry.status_code == 201, dry.content
    body = dry.json()
    assert (body["source"], body["status"]) == (tool, "dry_run")
    refused = {(e["row"], e["column"], e["message"]) for e in body["errors"]}
    assert set(reader_errors) <= refused  # every reader error is listed as the reader put it
    assert body["created"] > 0
    assert body["rows"] == body["created"] + body["matched"] + body["refused"]

    with django_capture_on_commit_callbacks(execute=True):
        ran = api.post(f"/api/v1/imports/{body['id']}/run")
    assert ran.status_code == 200, ran.content
    done = api.get(f"/api/v1/imports/{body['id']}").json()
    assert done["status"] == "done", done
    entries = TimeEntry.objects.filter(workspace=personas.workspace, source=tool)
    assert entries.count() == done["created"] > 0
    assert all(entry.source_key for entry in entries)

    again_upload, _ = _file(relative)
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post("/api/v1/imports", {"file": again_upload, "dry_run": "false"})
    assert again.status_code == 201
    second = api.get(f"/api/v1/imports/{again.json()['id']}").json()
    assert (second["status"], second["created"]) == ("done", 0)
    assert TimeEntry.objects.filter(workspace=personas.workspace, source=tool).count() == done["created"]
