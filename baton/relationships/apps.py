from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "baton.relationships"
    label = "relationships"
    verbose_name = "Client relationships"
