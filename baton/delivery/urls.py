from django.urls import path

from baton.delivery import views
from baton.delivery.views.task_index import task_index

app_name = "delivery"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_new, name="project_new"),
    path("from-template/", views.project_from_template, name="project_from_template"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/", task_index, name="task_index"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path("<int:project_id>/", views.project_detail, name="project_detail"),
    path("<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("<int:project_id>/status/", views.project_status, name="project_status"),
    path("<int:project_id>/archive/", views.project_archive, name="project_archive"),
    path("<int:project_id>/budget-revisions/", views.project_budget_revise, name="project_budget_revise"),
    path("<int:project_id>/board/", views.board, name="board"),
    path("<int:project_id>/timeline/", views.timeline, name="timeline"),
    path("<int:project_id>/save-as-template/", views.save_as_template, name="save_as_template"),
    path("<int:project_id>/milestones/new/", views.milestone_new, name="milestone_new"),
    path("<int:project_id>/tasks/new/", views.task_new, name="task_new"),
    path("milestones/<int:milestone_id>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:milestone_id>/complete/", views.milestone_complete, name="milestone_complete"),
    path("milestones/<int:milestone_id>/delete/", views.milestone_delete, name="milestone_delete"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/status/", views.task_status, name="task_status"),
    path("tasks/<int:task_id>/delete/", views.task_delete, name="task_delete"),
]
