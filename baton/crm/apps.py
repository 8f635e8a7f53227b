from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "baton.crm"
    label = "crm"
    verbose_name = "Clients"
