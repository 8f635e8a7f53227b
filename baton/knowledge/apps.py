from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "baton.knowledge"
    label = "knowledge"
    verbose_name = "Client knowledge"
