"""`/api/v1/imports`: upload a time export (dry run), read it, run it, download its refused rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.imports import selectors, services

router = Router(tags=["imports"])

SourceName = Literal["harvest", "toggl", "clockify", "kimai", "solidtime", "csv"]


class ImportRowError(Schema):
    row: int = Field(description="The data row as a spreadsheet numbers it (the header is row 1).")
    column: str = Field(description="The column, as the file names it (or the field it maps to).")
    message: str


class ImportPlanItem(Schema):
    key: str = Field(description="How the file names it (e-mail, name, client number...): the mapping's key.")
    match_id: int | None = Field(description="The existing record it matched; null: created unless mapped.")
    rows: int
    name: str = ""
    email: str = ""
    number: str = ""
    title: str = ""


class ImportPlan(Schema):
    people: list[ImportPlanItem] = []
    clients: list[ImportPlanItem] = []
    projects: list[ImportPlanItem] = []
    tasks: list[ImportPlanItem] = []


class ImportOut(Schema):
    id: int
    source: str
    status: str = Field(description="dry_run | queued | running | done | failed")
    file_name: str
    sha256: str
    rows: int
    created: int = Field(description="Entries created (a dry run: that it would create).")
    matched: int = Field(description="Rows already imported (by their source key): never imported twice.")
    refused: int
    errors: list[ImportRowError] = Field(description="The first 1,000 refused rows; all in errors.csv.")
    progress: int = Field(description="Rows done by the running import.")
    plan: ImportPlan
    mapping: dict[str, dict[str, Any]]
    column_mapping: dict[str, str]
    failure: str
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_plan(obj: Any) -> dict[str, Any]:
        return obj.plan or {}


class ImportFilters(ListParams):
    status: Literal["dry_run", "queued", "running", "done", "failed"] | None = None


class ImportMappingIn(InputSchema):
    people: dict[str, int | Literal["create"]] = {}
    clients: dict[str, int | Literal["create"]] = {}
    projects: dict[str, int | Literal["create"]] = {}


@router.get("/imports", response={200: Page[ImportOut], **ERRORS})
def list_imports(request: HttpRequest, filters: Query[ImportFilters]) -> Any:
    qs = selectors.import_list(actor=actor_of(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters)


@router.post("/imports", response={201: ImportOut, **ERRORS})
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    source: Form[SourceName | None] = None,
    dry_run: Form[bool] = True,
    mapping: Form[str | None] = None,
) -> Any:
    """Upload a time export (multipart: `file`; `source` or detected from the header; `dry_run`, default true; for
    `csv` a `mapping` JSON object {Baton field: column}). The dry run reports what would be created, matched and
    refused; `dry_run=false` queues the import at once. An unknown format answers 422 naming what was expected."""
    columns: Any = None
    if mapping:
        try:
            columns = json.loads(mapping)
        except ValueError as exc:
            raise ValidationError({"mapping": "The mapping is a JSON object {Baton field: column}."}) from exc
    run = services.import_create(
        actor=actor_of(request), upload=file, source=source, dry_run=dry_run, mapping=columns, file_name=file.name or ""
    )
    return Status(201, run)


@router.get("/imports/{import_id}", response={200: ImportOut, **ERRORS})
def get_import(request: HttpRequest, import_id: int) -> Any:
    return selectors.import_get(actor=actor_of(request), run_id=import_id)


@router.put("/imports/{import_id}/mapping", response={200: ImportOut, **ERRORS})
def set_import_mapping(request: HttpRequest, import_id: int, payload: ImportMappingIn) -> Any:
    """Map the dry run's unknown people, clients and projects (keys from `plan`) to existing records (their id) or
    `"create"`. The dry run is read again with the mapping."""
    actor = actor_of(request)
    run = selectors.import_get(actor=actor, run_id=import_id)
    version = requested_version(request, None)
    return services.import_mapping_set(actor=actor, run=run, mapping=payload.model_dump(), version=version)


@router.post("/imports/{import_id}/run", response={200: ImportOut, **ERRORS})
def run_import(request: HttpRequest, import_id: int) -> Any:
    """Run a dry-run import for real (or a failed one again: it resumes). The worker writes it in batches; poll
    `GET /imports/{id}` for `status` and `progress`."""
    actor = actor_of(request)
    run = selectors.import_get(actor=actor, run_id=import_id)
    run = services.import_run(actor=actor, run=run, version=requested_version(request, None))
    return selectors.import_get(actor=actor, run_id=run.pk)


def csv_lines(rows: Iterator[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def errors_csv_response(run: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(services.error_report(run)), content_type="text/csv; charset=utf-8")
    name = run.file_name.rsplit(".", 1)[0] or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}-refused-rows.csv"'
    return response


@router.get(
    "/imports/{import_id}/errors.csv",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The refused rows: row, column, reason, then the row's own cells (for a CSV file).",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def import_errors_csv(request: HttpRequest, import_id: int) -> Any:
    return errors_csv_response(selectors.import_get(actor=actor_of(request), run_id=import_id))
