from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "baton.growth"
    label = "growth"
    verbose_name = "Account-manager growth"
