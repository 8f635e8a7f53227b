from django.urls import path

from baton.automation import views

app_name = "automation"
urlpatterns = [
    path("automation/", views.rule_list, name="rule_list"),
    path("automation/rules/new/", views.rule_new, name="rule_new"),
    path("automation/rules/<int:rule_id>/", views.rule_detail, name="rule_detail"),
    path("automation/rules/<int:rule_id>/edit/", views.rule_edit, name="rule_edit"),
    path("automation/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("automation/webhooks/", views.webhook_list, name="webhook_list"),
    path("automation/webhooks/new/", views.webhook_new, name="webhook_new"),
    path("automation/webhooks/<int:webhook_id>/", views.webhook_detail, name="webhook_detail"),
    path("automation/webhooks/<int:webhook_id>/edit/", views.webhook_edit, name="webhook_edit"),
    path("automation/webhooks/<int:webhook_id>/test/", views.webhook_test, name="webhook_test"),
    path("automation/webhooks/<int:webhook_id>/delete/", views.webhook_delete, name="webhook_delete"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/bell/", views.notification_bell, name="bell"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
