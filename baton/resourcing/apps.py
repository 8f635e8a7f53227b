from django.apps import AppConfig


class ResourcingConfig(AppConfig):
    name = "baton.resourcing"
    label = "resourcing"
    verbose_name = "Resourcing"
