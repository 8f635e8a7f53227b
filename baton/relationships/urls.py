from django.urls import path

from baton.relationships import views, views_backtest

app_name = "relationships"
urlpatterns = [
    path("deals/", views.deal_board, name="deals"),
    path("deals/<int:deal_id>/win/", views.deal_win, name="deal_win"),
    path("deals/<int:deal_id>/lose/", views.deal_lose, name="deal_lose"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("escalations/", views.escalations, name="escalations"),
    path("health/backtest/", views_backtest.health_backtest, name="health_backtest"),
    path("health/backtest/run/", views_backtest.health_backtest_run, name="health_backtest_run"),
    path("health/backtest/accept/", views_backtest.health_backtest_accept, name="health_backtest_accept"),
    path("health/weights/<int:change_id>/undo/", views_backtest.health_weights_undo, name="health_weights_undo"),
    path("escalations/<int:escalation_id>/resolve/", views.escalation_resolve, name="escalation_resolve"),
    path("accounts/<int:client_id>/", views.account, name="account"),
    path("accounts/<int:client_id>/protocol/", views.protocol_edit, name="protocol"),
    path("accounts/<int:client_id>/touchpoints/", views.touchpoint_new, name="touchpoint_new"),
    path("touchpoints/<int:touchpoint_id>/", views.touchpoint_detail, name="touchpoint"),
    path("next-steps/<int:next_step_id>/", views.next_step_detail, name="next_step"),
    path("accounts/<int:client_id>/draft/", views.draft_now, name="draft_now"),
    path("accounts/<int:client_id>/goals/", views.goal_new, name="goal_new"),
    path("accounts/<int:client_id>/opportunities/", views.opportunity_new, name="opportunity_new"),
    path("accounts/<int:client_id>/report/", views.report, name="report"),
    path("status-updates/<int:update_id>/", views.status_update_edit, name="status_update"),
    path("goals/<int:goal_id>/value/", views.goal_value, name="goal_value"),
    path("onboarding/<int:item_id>/done/", views.onboarding_done, name="onboarding_done"),
    path("portal/", views.portal, name="portal"),
    path("portal/invoices/<int:invoice_id>/pdf/", views.portal_invoice_pdf, name="portal_invoice_pdf"),
    path("portal/change-orders/<int:order_id>/<str:decision>/", views.portal_decide, name="portal_decide"),
    path("portal/quotes/<int:quote_id>/<str:decision>/", views.portal_quote_decide, name="portal_quote_decide"),
    path("portal/quotes/<int:quote_id>/pdf/", views.portal_quote_pdf, name="portal_quote_pdf"),
]
