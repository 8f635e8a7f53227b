from django.contrib.auth import views as auth_views
from django.urls import path

from baton.core import account_views, approval_views, health_views, oidc, views

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("readyz", health_views.readyz, name="readyz"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/verify/", account_views.login_verify, name="login_verify"),
    path("account/", account_views.account, name="account"),
    path("account/preferences/", account_views.preferences, name="account_preferences"),
    path("account/two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/confirm/", account_views.two_factor_confirm, name="two_factor_confirm"),
    path("account/two-factor/recovery-codes/", account_views.recovery_codes_replace, name="recovery_codes_replace"),
    path("account/two-factor/disable/", account_views.two_factor_disable, name="two_factor_disable"),
    path("oidc/authenticate/", oidc.BatonOIDCRequestView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.BatonOIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("workspace/switch/", views.switch_workspace, name="switch_workspace"),
    path("activity/", views.activity, name="activity"),
    path("workspace/settings/", views.workspace_settings, name="workspace_settings"),
    path("approvals/", approval_views.change_request_list, name="change_requests"),
    path("approvals/<int:change_request_id>/", approval_views.change_request_detail, name="change_request_detail"),
    path(
        "approvals/<int:change_request_id>/approve/",
        approval_views.change_request_decide,
        {"decision": "approve"},
        name="change_request_approve",
    ),
    path(
        "approvals/<int:change_request_id>/reject/",
        approval_views.change_request_decide,
        {"decision": "reject"},
        name="change_request_reject",
    ),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="core/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
