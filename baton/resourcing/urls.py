from django.urls import path

from baton.resourcing import views

app_name = "resourcing"
urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("bookings/new/", views.booking_new, name="booking_new"),
    path("bookings/<int:booking_id>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:booking_id>/edit/", views.booking_edit, name="booking_edit"),
    path("bookings/<int:booking_id>/move/", views.booking_move, name="booking_move"),
    path("bookings/<int:booking_id>/resize/", views.booking_resize, name="booking_resize"),
    path("bookings/<int:booking_id>/split/", views.booking_split, name="booking_split"),
    path("bookings/<int:booking_id>/delete/", views.booking_delete, name="booking_delete"),
    path("bookings/<int:booking_id>/staff/", views.booking_staff, name="booking_staff"),
    path("time-off/", views.time_off, name="time_off"),
    path("time-off/<int:time_off_id>/decide/", views.time_off_decide, name="time_off_decide"),
    path("time-off/import/", views.time_off_import, name="time_off_import"),
    path("calendar/reset/", views.feed_reset, name="feed_reset"),
    path("calendar/<int:person_id>/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("find/", views.find, name="find"),
    path("staffing/", views.staffing, name="staffing"),
    path("utilization/", views.utilization, name="utilization"),
    path("missing-time/", views.missing_time_page, name="missing_time"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/holidays/<int:holiday_id>/delete/", views.holiday_delete, name="holiday_delete"),
    path("settings/capacity/<int:period_id>/delete/", views.capacity_delete, name="capacity_delete"),
]
