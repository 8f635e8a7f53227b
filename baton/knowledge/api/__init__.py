"""The knowledge API: `/decisions`, `/briefs`, `/tasks/{id}/brief-links`, `/clients/{id}/knowledge`,
`/clients/{id}/stakeholders`, `/comments`, `/attachments` and `/search`."""

from ninja import Router

from baton.knowledge.api import briefs, comments, decisions, records, search

router = Router()
for part in (decisions, briefs, records, comments, search):
    router.add_router("", part.router)
