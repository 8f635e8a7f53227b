from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "baton.people"
    label = "people"
