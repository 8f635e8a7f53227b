from django.urls import path

from baton.finance import accounting_views, collections_views, scope_review_views, views

app_name = "finance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("projects/<int:project_id>/", views.project_money, name="project"),
    path("projects/<int:project_id>/summary/", views.project_money_summary, name="project_summary"),
    path("projects/<int:project_id>/change-orders/new/", views.change_order_new, name="change_order_new"),
    path(
        "projects/<int:project_id>/scope-reviews/new/",
        scope_review_views.scope_review_new,
        name="scope_review_new",
    ),
    path("projects/<int:project_id>/expenses/new/", views.expense_new, name="expense_new"),
    path("projects/<int:project_id>/invoice/<str:source>/", views.invoice_from_project, name="invoice_from_project"),
    path("change-orders/<int:change_order_id>/<str:action>/", views.change_order_decide, name="change_order_decide"),
    path("expenses/<int:expense_id>/delete/", views.expense_delete, name="expense_delete"),
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/from-time/", views.invoice_from_time, name="invoice_from_time"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:invoice_id>/e-invoice/<str:fmt>/", accounting_views.invoice_einvoice, name="invoice_einvoice"),
    path("invoices/<int:invoice_id>/<str:action>/", views.invoice_action, name="invoice_action"),
    path("accounting/", accounting_views.accounting, name="accounting"),
    path("accounting/export/", accounting_views.accounting_download, name="accounting_export"),
    path("profitability/", views.profitability, name="profitability"),
    path("pnl/", views.account_pnl, name="pnl"),
    path("how-money-counts/", views.money_rules, name="money_rules"),
    path("rates/", views.rates, name="rates"),
    path("rates/<str:kind>/new/", views.rate_new, name="rate_new"),
    # collections: bank statements, recurring invoices, payment reminders
    path("bank-statements/", collections_views.bank_statements, name="bank_statements"),
    path("bank-statements/<int:statement_id>/", collections_views.bank_statement, name="bank_statement"),
    path(
        "bank-transactions/<int:transaction_id>/<str:action>/",
        collections_views.bank_transaction_action,
        name="bank_transaction_action",
    ),
    path("recurring/", collections_views.recurring_invoices, name="recurring"),
    path("recurring/<int:recurring_id>/stop/", collections_views.recurring_stop, name="recurring_stop"),
    path("reminders/", collections_views.reminder_settings, name="reminders"),
]
