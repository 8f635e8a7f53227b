from django.urls import path

from baton.handoffs import views

app_name = "handoffs"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("all/", views.handoff_all, name="all"),
    path("new/", views.handoff_new, name="new"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("map/", views.handoff_map, name="map"),
    path("templates/", views.template_list, name="templates"),
    path("<int:handoff_id>/", views.detail, name="detail"),
    path("<int:handoff_id>/edit/", views.edit, name="edit"),
    path("<int:handoff_id>/raise-gaps/", views.raise_gaps, name="raise_gaps"),
    path("<int:handoff_id>/answer-gaps/", views.answer_gaps, name="answer_gaps"),
    path("<int:handoff_id>/confirm/", views.confirm, name="confirm"),
    path("<int:handoff_id>/cancel/", views.cancel, name="cancel"),
    path("<int:handoff_id>/failures/", views.failure_new, name="failure_new"),
]
