"""`GET /api/v1/export`: the whole workspace as a ZIP (baton/imports/workspace_export.py, docs/export-format.md)."""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router

from baton.core.api_support import ERRORS, actor_of
from baton.imports import workspace_export

router = Router(tags=["export"])

ZIP_CONTENT = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}


@router.get(
    "/export",
    response={200: None, **ERRORS},
    operation_id="baton_imports_api_export_workspace",
    openapi_extra={
        "responses": {
            200: {
                "description": "The workspace as a ZIP: manifest.json, one JSON Lines file per table, uploaded files "
                "under files/ (docs/export-format.md). No password hashes, API tokens or authenticator secrets.",
                "content": ZIP_CONTENT,
            }
        }
    },
)
def export_workspace(request: HttpRequest) -> Any:
    """Everything in the workspace, for the owner: written to a temporary file table by table (memory stays flat),
    then streamed; the file is gone when the response is closed."""
    actor = actor_of(request)
    spool = tempfile.TemporaryFile()
    try:
        workspace_export.export_workspace(actor=actor, out=spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=workspace_export.download_name(actor.workspace),
        content_type="application/zip",
    )
