"""A test-only app for the worker crash test: registers a `test_pause` action that, the first time it runs, leaves a
marker file and hangs (so the test can SIGKILL the worker mid-job, inside the rule's transaction)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.apps import AppConfig


def pause(ctx: Any, params: dict[str, Any]) -> str:
    marker = Path(os.environ["BATON_PAUSE_DIR"]) / str(params["marker"])
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(300)  # killed long before this ends
    return "went past the pause"


class WorkerTestConfig(AppConfig):
    name = "baton.automation.tests.worker_app"
    label = "automation_worker_test"

    def ready(self) -> None:
        from baton.core.registry import Param, register_action

        register_action("test_pause", pause, params=[Param("marker", "Marker file", required=True)])
