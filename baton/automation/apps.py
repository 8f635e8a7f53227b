from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "baton.automation"
    label = "automation"
    verbose_name = "Automations, notifications and webhooks"
