"""What core wires at start-up: the session is settled when someone logs in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in

from baton.core.web import settle_session_on_login

user_logged_in.connect(settle_session_on_login, dispatch_uid="baton.settle_session_on_login")
