from django.apps import AppConfig


class RatesConfig(AppConfig):
    name = "baton.rates"
    label = "rates"
    verbose_name = "Rates"
