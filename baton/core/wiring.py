"""What core wires at start-up: the session is settled when someone logs in; every queued job's id says when it was
queued (core/health.py reads the queue's age from it)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from huey import signals
from huey.contrib.djhuey import HUEY

from baton.core.health import stamp_job
from baton.core.web import settle_session_on_login

user_logged_in.connect(settle_session_on_login, dispatch_uid="baton.settle_session_on_login")
HUEY.signal(signals.SIGNAL_ENQUEUED)(stamp_job)
