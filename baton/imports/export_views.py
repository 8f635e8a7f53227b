"""The "Download everything" button of the workspace settings page: the same export as `GET /api/v1/export`."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from baton.core.web import actor_required, get_actor
from baton.imports import workspace_export


@require_GET
@actor_required
def download(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    spool = tempfile.TemporaryFile()
    try:
        workspace_export.export_workspace(actor=actor, out=spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return FileResponse(  # type: ignore[return-value]  # a FileResponse streams
        spool,
        as_attachment=True,
        filename=workspace_export.download_name(actor.workspace),
        content_type="application/zip",
    )
