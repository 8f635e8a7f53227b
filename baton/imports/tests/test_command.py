"""`manage.py import_time`: the dry-run summary, then --run with its progress and the entries written."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from baton.devdata.testing.finance import make_project
from baton.imports.models import ImportRun
from baton.imports.tests.conftest import csv_file, day
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db


def _file(tmp_path, lines):
    path = tmp_path / "time.csv"
    path.write_bytes(csv_file(lines).getvalue())
    return path


def test_dry_run_then_run(personas, tmp_path):
    make_project(personas, "Website")
    path = _file(
        tmp_path,
        [
            f"{day(3)},120,member@studio.test,,Client A,Website,,,yes,,",
            f"{day(2)},25h,member@studio.test,,Client A,Website,,,yes,,",
        ],
    )
    out = io.StringIO()
    call_command("import_time", str(path), "--workspace", "studio", "--source", "csv", stdout=out)
    text = out.getvalue()
    assert "2 rows: 1 to create, 0 already imported, 1 refused." in text
    assert "row 3, minutes: “25h” is not a number of minutes." in text
    assert "A dry run: nothing was written." in text and TimeEntry.objects.count() == 0
    out = io.StringIO()
    call_command("import_time", str(path), "--workspace", "studio", "--run", "--as", "owner@studio.test", stdout=out)
    assert "Done: 1 entries created, 0 already imported, 1 refused." in out.getvalue()
    assert TimeEntry.objects.get().person_id == personas["member"].person.pk
    assert ImportRun.objects.order_by("-pk").first().created_by_id == personas["owner"].person.pk


def test_unknown_workspace_and_format(personas, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n")
    with pytest.raises(CommandError, match="No workspace 'nope'"):
        call_command("import_time", str(path), "--workspace", "nope")
    with pytest.raises(CommandError, match=r"file: Unknown file\. Expected one of: .*Generic CSV"):
        call_command("import_time", str(path), "--workspace", "studio")
