"""Importing time in the browser: upload a CSV, read its dry run, map an unknown person to a colleague, run it, read
the result and download the refused rows; the report fits a phone's width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from baton.devdata.testing.finance import make_project
from baton.imports.models import ImportRun
from baton.people.models import Person
from baton.timesheets.models import TimeEntry

from .conftest import ARTIFACTS
from .test_time_to_invoice import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _csv() -> bytes:
    today = timezone.localdate()
    d = [(today - timedelta(days=n)).isoformat() for n in (3, 2, 1)]
    lines = [
        "date,minutes,person_email,person_name,client_name,project_name,task_name,note",
        f"{d[0]},120,member@studio.test,Member Persona,Client A,Website,Design,Homepage",
        f"{d[1]},90,,Harry Harvest,Client A,Website,,Sketches",
        f"{d[2]},-30,member@studio.test,Member Persona,Client A,Website,,Oops",
    ]
    return ("\n".join(lines) + "\n").encode()


def test_upload_dry_run_map_run_and_download(live_server, personas, browser):
    base = live_server.url
    make_project(personas, "Website")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True).new_page()
    login(page, base, personas["owner"].email)
    page.get_by_role("link", name="Imports", exact=True).click()
    page.get_by_label("Export file").set_input_files(
        {"name": "harvest-week.csv", "mimeType": "text/csv", "buffer": _csv()}
    )
    page.get_by_role("button", name="Read the file (dry run)").click()
    expect(page.locator("h1")).to_contain_text("harvest-week.csv")
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-refused")).to_have_text("1")
    expect(page.locator("table.import-errors")).to_contain_text("A duration cannot be negative.")
    page.screenshot(path=str(ARTIFACTS / "import-dry-run.png"), full_page=True)

    page.get_by_label("Harry Harvest in Baton").select_option(label=f"Pm Persona ({personas['pm'].email})")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_text("Mapping saved")).to_be_visible()
    page.get_by_role("button", name="Run the import").click()
    expect(page.locator("h1 .badge")).to_have_text("Done")
    expect(page.locator("#count-created")).to_have_text("2")
    assert TimeEntry.objects.filter(person=personas["pm"].person, source="csv").count() == 1
    assert not Person.objects.filter(name="Harry Harvest").exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the refused rows (CSV, with a reason column)").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("row,column,reason,date,minutes")
    assert "A duration cannot be negative." in text.splitlines()[1]

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(phone, base, personas["owner"].email)
    run = ImportRun.objects.get()
    for path in ("/imports/", f"/imports/{run.pk}/"):
        phone.goto(f"{base}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    phone.screenshot(path=str(ARTIFACTS / "import-result-390.png"), full_page=True)


TOOL_FILES = [
    ("Harvest", "harvest/time_report.csv"),
    ("Toggl", "toggl/detailed_report.csv"),
    ("Clockify", "clockify/detailed_report_eu.csv"),
    ("Kimai", "kimai/export_de.csv"),
    ("solidtime", "solidtime"),
]


def test_each_tools_export_through_the_web_flow(live_server, personas, browser):
    """Each tool's hand-written export uploaded in the page with "detect": the dry run names the tool and lists the
    reader's row errors exactly; running it writes the accepted rows with their source."""
    from baton.imports.formats import RowError
    from baton.imports.tests.helpers import FILES, read_all, upload_file, zip_of

    base = live_server.url
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    login(page, base, personas["owner"].email)
    for label, relative in TOOL_FILES:
        if (FILES / relative).is_dir():
            upload, name, mime = zip_of(relative), f"{relative}.zip", "application/zip"
        else:
            upload, name, mime = upload_file(relative), relative.rsplit("/", 1)[-1], "text/csv"
        items = read_all(upload)
        upload.stream.seek(0)
        errors = [e for e in items if isinstance(e, RowError)]
        page.goto(f"{base}/imports/")
        page.get_by_label("Export file").set_input_files(
            {"name": name, "mimeType": mime, "buffer": upload.stream.read()}
        )
        page.get_by_role("button", name="Read the file (dry run)").click()
        expect(page.locator("h1")).to_contain_text(name)
        run = ImportRun.objects.order_by("-pk").first()
        assert run is not None and run.source == relative.split("/")[0], label
        for error in errors:
            expect(page.locator("table.import-errors")).to_contain_text(error.message)
        page.get_by_role("button", name="Run the import").click()
        expect(page.locator("h1 .badge")).to_have_text("Done")
        run.refresh_from_db()
        assert TimeEntry.objects.filter(source=run.source).count() == run.created > 0, label
