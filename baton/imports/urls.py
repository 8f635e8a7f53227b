from django.urls import path

from baton.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("<int:run_id>/", views.import_detail, name="detail"),
    path("<int:run_id>/progress/", views.import_progress, name="progress"),
    path("<int:run_id>/mapping/", views.import_mapping, name="mapping"),
    path("<int:run_id>/run/", views.import_start, name="run"),
    path("<int:run_id>/errors.csv", views.import_errors, name="errors"),
]
