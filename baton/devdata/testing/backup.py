"""A small seeded world for the backup round trip (baton/core/tests/test_backup.py): the personas, a project with a
task, one record of each knowledge kind (a PNG attachment on a decision), a PDF on client A, and the money records
(time, rates, an invoice), so the archive carries dates, decimals, JSON, many-to-many rows and files."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.devdata.testing.finance import make_money_records
from baton.devdata.testing.knowledge import make_knowledge_records
from baton.devdata.testing.personas import Personas, make_personas
from baton.knowledge import services as knowledge

TINY_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_backup_world() -> Personas:
    personas = make_personas()
    system = Actor.system(personas.workspace)
    member = personas["member"].person
    project = delivery.project_create(
        actor=system,
        client_id=personas.client_a.id,
        name="Backup project",
        start_date=date(2030, 3, 2),
        project_manager_id=personas["pm"].person.id,
    )
    task = delivery.task_create(actor=system, project=project, title="Backup task", assignee_id=member.id)
    make_knowledge_records(
        actor=system, client=personas.client_a, contact=personas.contact_a, project=project, task=task, author=member
    )
    knowledge.attachment_create(
        actor=personas["admin"].actor,
        target_type="client",
        target_id=personas.client_a.id,
        upload=SimpleUploadedFile("Brand guidelines.pdf", TINY_PDF, content_type="application/pdf"),
    )
    make_money_records(
        workspace=personas.workspace,
        project=project,
        member=member,
        others=[personas[name].person for name in ("owner", "finance")],
    )
    return personas
