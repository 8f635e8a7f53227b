from django.apps import AppConfig


class TimesheetsConfig(AppConfig):
    name = "baton.timesheets"
    label = "timesheets"
    verbose_name = "Timesheets"
