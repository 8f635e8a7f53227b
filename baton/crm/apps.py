from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "baton.crm"
    label = "crm"
    verbose_name = "Clients"

    def ready(self) -> None:
        from baton.crm.selectors import client_choices
        from baton.people.views import set_client_choices

        set_client_choices(lambda actor: client_choices(actor=actor))  # the person form's client picker
