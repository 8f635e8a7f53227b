"""An import's dry run for the access matrix and the imports tests: a small generic CSV of a workspace's member."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.imports.services import import_create
from baton.people.models import Person


def import_csv(lines: list[str], name: str = "time.csv") -> SimpleUploadedFile:
    header = "date,minutes,person_email,client_name,project_name,note"
    return SimpleUploadedFile(name, "\n".join([header, *lines, ""]).encode(), content_type="text/csv")


def make_import_records(*, workspace: Workspace, member: Person, project: Any, day: date) -> dict[str, int]:
    """A dry run with one row for `member` on `project` and one refused row."""
    lines = [
        f"{day.isoformat()},90,{member.email},{project.client.name},{project.name},Imported",
        f"{day.isoformat()},-5,{member.email},{project.client.name},{project.name},Negative",
    ]
    run = import_create(actor=Actor.system(workspace), upload=import_csv(lines))
    return {"import_id": run.pk}
