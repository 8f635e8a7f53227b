from django.urls import path

from baton.timesheets import views

app_name = "timesheets"
urlpatterns = [
    path("", views.grid, name="grid"),
    path("grid/cell/", views.grid_cell, name="grid_cell"),
    path("grid/row/", views.grid_row, name="grid_row"),
    path("grid/tasks/", views.task_options, name="task_options"),
    path("week/submit/", views.week_submit, name="week_submit"),
    path("timer/start/", views.timer_start, name="timer_start"),
    path("timer/stop/", views.timer_stop, name="timer_stop"),
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/delete/", views.entry_delete, name="entry_delete"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/approve/", views.approve_bulk, name="approve_bulk"),
    path("approvals/<int:timesheet_id>/approve/", views.approve, name="approve"),
    path("approvals/<int:timesheet_id>/reject/", views.reject, name="reject"),
]
