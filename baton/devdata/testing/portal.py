"""Portal workplace records for permission tests (the access matrix): one of each kind, in a given workspace."""

from __future__ import annotations

from baton.core.access import Actor
from baton.crm.models import Client
from baton.delivery import services as delivery
from baton.delivery.models import Project
from baton.devdata.testing.knowledge import png_upload
from baton.people.models import Person
from baton.relationships import services


def make_portal_records(*, client: Client, project: Project, uploader: Person) -> dict[str, int]:
    """A new request of `client` on `project`; a deliverable waiting for approval and one already approved; a file
    shared with the client and an internal one, uploaded by `uploader`. Returns ids by path-parameter name."""
    actor = Actor.system(client.workspace)
    request = services.client_request_create(
        actor=actor, client_id=client.pk, project_id=project.pk, title="Matrix request", kind="change"
    )
    waiting = delivery.task_create(actor=actor, project=project, title="Matrix deliverable", status="in_review")
    decided = delivery.task_create(actor=actor, project=project, title="Matrix approved", status="in_review")
    services.deliverable_decide(actor=actor, task=decided, decision="approved", comment="Looks good")
    person_actor = Actor.for_membership(uploader.membership)
    shared = services.shared_file_create(
        actor=person_actor, upload=png_upload("shared.png"), project_id=project.pk, shared_with_client=True
    )
    internal = services.shared_file_create(actor=person_actor, upload=png_upload("internal.png"), project_id=project.pk)
    return {
        "request_id": request.pk,
        "deliverable_id": waiting.pk,
        "file_id": shared.pk,
        "internal_file_id": internal.pk,
    }
