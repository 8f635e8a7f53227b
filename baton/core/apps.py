from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "baton.core"
    label = "core"
    verbose_name = "Baton core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from baton.core.web import settle_session_on_login

        user_logged_in.connect(settle_session_on_login, dispatch_uid="baton.settle_session_on_login")
