"""The "Download everything" button of the workspace settings page: the same export as `GET /api/v1/export`."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from baton.core.web import actor_required, get_actor
from baton.imports import workspace_export


@require_GET
@actor_required
def download(request: HttpRequest) -> FileResponse:
    actor = get_actor(request)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
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
