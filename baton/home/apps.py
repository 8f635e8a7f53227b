from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The role home pages: cross-domain reads at the top of the layers (it imports domains; none imports it)."""

    name = "baton.home"
