from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "baton.delivery"
    label = "delivery"
