"""The JSON API (`/api/v1/`): assembles every app's router behind bearer-token auth."""

from __future__ import annotations

from baton.automation.api import router as automation_router
from baton.core.api import router as core_router
from baton.core.api_support import BatonAPI, BearerAuth, install_error_handlers, mark_read_only
from baton.crm.api import router as crm_router
from baton.delivery.api import router as delivery_router
from baton.finance.api import router as finance_router
from baton.growth.api import router as growth_router
from baton.growth.learning_api import router as learning_router
from baton.handoffs.api import router as handoffs_router
from baton.home.api import router as home_router
from baton.imports.api import router as imports_router
from baton.imports.api_export import router as export_router
from baton.knowledge.api import router as knowledge_router
from baton.people.api import router as people_router
from baton.rates.api import router as rates_router
from baton.relationships.api import router as relationships_router
from baton.resourcing.api import router as resourcing_router
from baton.timesheets.api import router as timesheets_router

api = BatonAPI(
    title="Baton API",
    version="1",
    description="Agency operations: people, clients, delivery, time, money, handoffs and relationships. "
    "Authenticate with `Authorization: Bearer <token>` (`python manage.py create_api_token`).",
    auth=BearerAuth(),
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("", core_router)
api.add_router("", people_router)
api.add_router("", crm_router)
api.add_router("", delivery_router)
api.add_router("", knowledge_router)
api.add_router("", resourcing_router)
api.add_router("", timesheets_router)
api.add_router("", rates_router)  # before finance: the paths keep their place in the OpenAPI document
api.add_router("", finance_router)
api.add_router("", imports_router)
api.add_router("", automation_router)
api.add_router("", relationships_router)
api.add_router("", handoffs_router)
api.add_router("", growth_router)
api.add_router("", learning_router)
api.add_router("", home_router)
api.add_router("", export_router)
mark_read_only(api)
