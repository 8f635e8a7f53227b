"""`/api/v1/projects`, `/milestones`, `/tasks` and `/project-templates`. One router per resource, assembled here in
the paths' order."""

from ninja import Router

from baton.delivery.api.milestones import router as milestones_router
from baton.delivery.api.projects import router as projects_router
from baton.delivery.api.tasks import router as tasks_router
from baton.delivery.api.templates import router as templates_router

router = Router()
router.add_router("", projects_router)
router.add_router("", templates_router)
router.add_router("", milestones_router)
router.add_router("", tasks_router)
