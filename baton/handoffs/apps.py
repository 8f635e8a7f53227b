from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "baton.handoffs"
    label = "handoffs"
    verbose_name = "Handoffs"
