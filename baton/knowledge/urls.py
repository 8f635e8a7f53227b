from django.urls import path

from baton.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("clients/<int:client_id>/knowledge/", views.knowledge_page, name="page"),
    path("clients/<int:client_id>/knowledge/edit/", views.knowledge_edit, name="knowledge_edit"),
    path(
        "clients/<int:client_id>/stakeholders/<int:contact_id>/edit/",
        views.stakeholder_edit,
        name="stakeholder_edit",
    ),
    path("decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:decision_id>/edit/", views.decision_edit, name="decision_edit"),
    path("briefs/new/", views.brief_new, name="brief_new"),
    path("briefs/<int:brief_id>/", views.brief_detail, name="brief_detail"),
    path("briefs/<int:brief_id>/edit/", views.brief_edit, name="brief_edit"),
    path("briefs/<int:brief_id>/approve/", views.brief_approve, name="brief_approve"),
    path("comments/new/", views.comment_new, name="comment_new"),
    path("comments/<int:comment_id>/", views.comment_redirect, name="comment_redirect"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("attachments/new/", views.attachment_new, name="attachment_new"),
    path("attachments/<int:attachment_id>/download/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:attachment_id>/delete/", views.attachment_delete, name="attachment_delete"),
    path("search/", views.search_page, name="search"),
]
