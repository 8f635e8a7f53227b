"""Where every sign-in ends, by password or through the OpenID provider: the person is logged in at once, or, with an
authenticator set up, only after its code (`/login/verify/`). Until then the session holds a pending sign-in (the
user's id, where to go next, for `TWO_FACTOR_PENDING_SECONDS`) and nobody is logged in."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from baton.core import twofactor
from baton.core.models import User

PENDING = "two_factor_pending"
SESSION_BACKEND = "baton.core.auth.EmailBackend"  # reads the memberships with the user on every request


def complete_sign_in(request: HttpRequest, user: User, *, method: str, next_url: str = "") -> HttpResponse:
    """The password (or the provider) said who this is. With an authenticator set up, ask for its code first, unless
    the provider's sign-in stands in for it (`OIDC_SATISFIES_TWO_FACTOR`)."""
    by_provider = method == "oidc" and settings.OIDC_SATISFIES_TWO_FACTOR
    if not by_provider and twofactor.is_enrolled(user):
        request.session.cycle_key()
        request.session[PENDING] = {"user": user.pk, "next": next_url, "method": method, "at": time.time()}
        return redirect("login_verify")
    login(request, user, backend=SESSION_BACKEND)
    if by_provider:
        request.session[twofactor.SESSION_VERIFIED_BY_PROVIDER] = True
    return redirect(next_url or "home")


def pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    """The user whose password was checked and whose code is awaited, while the wait has not run out."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None, {}
    if time.time() - float(pending.get("at", 0)) > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, {}
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return user, pending


def finish_pending(request: HttpRequest, user: User, device: Any, next_url: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    login(request, user, backend=SESSION_BACKEND)
    twofactor.mark_verified(request, device)
    return redirect(next_url or "home")
