from django.urls import include, path

from baton.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("baton.core.urls")),
    path("people/", include("baton.people.urls")),
    path("clients/", include("baton.crm.urls")),
]
