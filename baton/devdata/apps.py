from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "baton.devdata"
    label = "devdata"
    verbose_name = "Baton development data"
