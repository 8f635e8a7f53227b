"""Settings for the worker subprocesses of the crash test: Baton's own, plus the test-only pause action."""

import os

from baton.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "baton.automation.tests.worker_app"]  # noqa: F405

if os.environ.get("BATON_TEST_QUEUE"):  # the scale-out test's processes share a queue of their own
    HUEY = {**HUEY, "name": os.environ["BATON_TEST_QUEUE"]}  # noqa: F405
