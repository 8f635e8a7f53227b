from django.urls import include, path

from baton.api import api
from baton.imports import export_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("baton.home.urls")),
    path("", include("baton.core.urls")),
    path("workspace/export/", export_views.download, name="workspace_export"),
    path("people/", include("baton.people.urls")),
    path("clients/", include("baton.crm.urls")),
    path("projects/", include("baton.delivery.urls")),
    path("", include("baton.knowledge.urls")),
    path("schedule/", include("baton.resourcing.urls")),
    path("time/", include("baton.timesheets.urls")),
    path("finance/", include("baton.finance.urls")),
    path("quotes/", include("baton.finance.quote_urls")),
    path("", include("baton.automation.urls")),
    path("relationships/", include("baton.relationships.urls")),
    path("handoffs/", include("baton.handoffs.urls")),
    path("growth/", include("baton.growth.urls")),
    path("imports/", include("baton.imports.urls")),
]

# A 500 names what to run when the static files were never collected (the styled page needs them itself).
handler500 = "baton.core.deploy.server_error"
