from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from baton.core import deploy  # noqa: F401  (registers the `check --deploy` warning about uncollected static files)


class CoreConfig(AppConfig):
    name = "baton.core"
    label = "core"
    verbose_name = "Baton core"

    def ready(self) -> None:
        # Every app's `wiring.py` (in INSTALLED_APPS order, once the models are loaded) registers what it plugs into the
        # apps below it and into core: subscribers, sweeps, actions, hooks. Each names its imports at its top.
        autodiscover_modules("wiring")
