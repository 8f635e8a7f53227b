"""Settings for the worker subprocesses of the crash test: Baton's own, plus the test-only pause action."""

from baton.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "baton.automation.tests.worker_app"]  # noqa: F405
