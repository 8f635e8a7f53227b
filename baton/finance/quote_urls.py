"""`/quotes/`: the quote pages (finance's; a top-level address, as staff look for quotes by name)."""

from django.urls import path

from baton.finance import quote_views as views

app_name = "quotes"
urlpatterns = [
    path("", views.quote_list, name="list"),
    path("new/", views.quote_new, name="new"),
    path("<int:quote_id>/", views.quote_detail, name="detail"),
    path("<int:quote_id>/edit/", views.quote_edit, name="edit"),
    path("<int:quote_id>/pdf/", views.quote_pdf, name="pdf"),
    path("<int:quote_id>/<str:action>/", views.quote_action, name="action"),
]
