from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "baton.imports"
    label = "imports"
    verbose_name = "Imports and exports"
