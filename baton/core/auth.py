"""Log in by email (case-insensitive)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from baton.core.models import User
from baton.core.selectors import memberships_for_user


class EmailBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        """The session's user, read together with its active memberships (one query instead of two on every page):
        `ActorMiddleware` takes the acting membership and the workspace switcher from `user.active_memberships`."""
        memberships = list(memberships_for_user(user_id))
        user = memberships[0].user if memberships else User._default_manager.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        for membership in memberships:
            membership.user = user
        user.active_memberships = memberships  # type: ignore[attr-defined]
        return user

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        email = (kwargs.get("email") or username or "").strip()
        if not email or password is None:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal unknown emails
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
