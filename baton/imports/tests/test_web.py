"""The import pages: upload → dry-run report → map → run → result, and the refused rows' CSV."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from baton.devdata.testing.finance import make_project
from baton.devdata.testing.personas import PASSWORD
from baton.imports.models import ImportRun
from baton.imports.services import import_execute
from baton.imports.tests.conftest import day, upload
from baton.people.models import Person
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db


def _login(personas, who="owner"):
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    return client


def test_upload_map_run_and_download(personas, django_capture_on_commit_callbacks):
    make_project(personas, "Website")
    web = _login(personas)
    lines = [
        f"{day(3)},120,member@studio.test,Member Persona,Client A,Website,,Homepage,yes,,",
        f"{day(2)},90,,Harry Harvest,Client A,Website,,Sketches,yes,,",
        f"{day(1)},-30,member@studio.test,Member Persona,Client A,Website,,,yes,,",
    ]
    page = web.get("/imports/")
    assert page.status_code == 200 and b"Read the file (dry run)" in page.content
    response = web.post("/imports/", {"file": upload(lines), "source": ""})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    report = web.get(f"/imports/{run.pk}/").content.decode()
    assert "A duration cannot be negative." in report and "Harry Harvest" in report
    web.post(f"/imports/{run.pk}/mapping/", {"people::name:harry harvest": str(personas["pm"].person.pk)})
    run.refresh_from_db()
    assert run.mapping == {"people": {"name:harry harvest": personas["pm"].person.pk}}
    with django_capture_on_commit_callbacks(execute=True):
        web.post(f"/imports/{run.pk}/run/")
    run.refresh_from_db()
    assert (run.status, run.created, run.refused) == ("done", 2, 1)
    assert not Person.objects.filter(name="Harry Harvest").exists()
    assert TimeEntry.objects.filter(person=personas["pm"].person, source="csv").count() == 1
    result = web.get(f"/imports/{run.pk}/").content.decode()
    assert "Download the refused rows" in result
    csv = b"".join(web.get(f"/imports/{run.pk}/errors.csv").streaming_content).decode()
    assert csv.splitlines()[0].startswith("row,column,reason,date,minutes")
    assert csv.splitlines()[1].startswith("4,minutes,A duration cannot be negative.," + day(1))


def test_progress_polls_until_done(personas):
    make_project(personas, "Website")
    web = _login(personas)
    web.post("/imports/", {"file": upload([f"{day(3)},60,member@studio.test,,Client A,Website,,,yes,,"])})
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status="running", progress=0)
    partial = web.get(f"/imports/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in partial.content
    import_execute(run.pk)
    done = web.get(f"/imports/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Redirect"] == f"/imports/{run.pk}/"


def test_only_leaders_see_the_pages_and_the_link(personas):
    assert b'href="/imports/"' in _login(personas, "admin").get("/").content
    finance = _login(personas, "finance")
    assert finance.get("/imports/").status_code == 403
    assert b'href="/imports/"' not in finance.get("/").content
