"""Two-factor sign-in: an authenticator app (TOTP) and ten one-time recovery codes, on django-otp's TOTP and static
devices. The rules (core's RULES.md, "Two-factor sign-in"):

- A person turns it on from their account page (`/account/`): Baton shows a QR code (inline SVG made here, never a
  remote image), the person confirms with a code from the app and is shown ten recovery codes, once.
- Once on, the login asks for a code after the password (`/login/verify/`); a recovery code works once.
- A workspace may require it of owners, admins and finance (`Workspace.two_factor_required`): such a person without an
  app is sent to the set-up after the password and can use nothing else until it is done (`TwoFactorGateMiddleware`).
- Wrong codes are counted per account (`baton.core.throttle`, kind "two-factor"): past `LOGIN_FAILURE_LIMIT` inside
  the window every code is refused with 429, the right one too, until the window passes.
- API tokens are not affected: a token is a separate credential made by an owner or admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import qrcode
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from baton.core import events, throttle
from baton.core.access import ADMIN, FINANCE, OWNER, Actor
from baton.core.models import User
from baton.core.selectors import memberships_for_user

ENFORCED_ROLES = frozenset({OWNER, ADMIN, FINANCE})
RECOVERY_CODE_COUNT = 10
THROTTLE_KIND = "two-factor"
# A sign-in through the OpenID provider that stands in for Baton's code (settings.OIDC_SATISFIES_TWO_FACTOR).
SESSION_VERIFIED_BY_PROVIDER = "two_factor_by_provider"


# --- Reads ------------------------------------------------------------------------------------------------------
def enforcing_workspaces(user: Any) -> list[str]:
    """Names of the workspaces that require a second factor of this user's role there (none: not required). Read from
    the memberships loaded with the session's user (`EmailBackend.get_user`), so most pages pay no query for it."""
    memberships = getattr(user, "active_memberships", None)
    if memberships is None:
        memberships = list(memberships_for_user(user.pk))
    return [m.workspace.name for m in memberships if m.role in ENFORCED_ROLES and m.workspace.two_factor_required]


def required_for(user: Any) -> bool:
    return bool(enforcing_workspaces(user))


def is_enrolled(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def recovery_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count())


def session_verified(request: HttpRequest) -> bool:
    """This session passed a second factor (a code at login or at set-up, or the provider's sign-in when trusted)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY) or request.session.get(SESSION_VERIFIED_BY_PROVIDER))


def mark_verified(request: HttpRequest, device: Device) -> None:
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (made here: the page loads nothing from elsewhere)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg if isinstance(svg, str) else svg.decode()
    return svg.replace("<svg ", '<svg class="qr" role="img" aria-label="QR code for your authenticator app" ', 1)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    raw = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def format_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}" if len(token) == 8 else token


def _normalise(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isalnum()).lower()


# --- Checking a code (throttled per account) ---------------------------------------------------------------------
def verify_code(user: Any, code: str, *, recovery: bool = True, pending: bool = False) -> Device | None:
    """The device that accepts `code` (the app's current code, or an unused recovery code, which is then spent), or
    None. Raises RateLimited past the failure limit. Failures are counted outside the verifying transaction, so the
    database cache keeps the count even though nothing else is written."""
    ident = f"user:{user.pk}"
    throttle.check(THROTTLE_KIND, ident, settings.LOGIN_FAILURE_LIMIT)
    token = _normalise(code)
    device: Device | None = None
    if token:
        with transaction.atomic():
            if token.isdigit():
                app = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=not pending)
                candidate = app.order_by("-id").first()
                if candidate is not None and candidate.verify_token(token):
                    device = candidate
            elif recovery and not pending:
                # The device row is locked first: two requests with one code cannot both spend it.
                static = StaticDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
                if static is not None and static.verify_token(token):
                    device = static
    if device is None:
        throttle.record_failure(THROTTLE_KIND, ident)
    else:
        throttle.reset(THROTTLE_KIND, ident)
    return device


# --- Writes -----------------------------------------------------------------------------------------------------
def _target(actor: Actor) -> models.Model:
    """Events name the person (the membership's profile) when there is one."""
    membership = actor.membership
    assert membership is not None, "two-factor changes are made by a signed-in person"
    return getattr(membership, "person", None) or membership


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValidationError({"code": "Two-factor sign-in belongs to a person's own login."})
    return actor.user


@transaction.atomic
def totp_start(*, actor: Actor) -> TOTPDevice:
    """A new, unconfirmed authenticator for the actor (an earlier unconfirmed one is dropped). Nothing changes for the
    login until `totp_confirm`, so no event yet."""
    user = _user(actor)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def pending_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-id").first()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in sorted(codes))
    return [format_code(c) for c in sorted(codes)]


def totp_confirm(*, actor: Actor, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the set-up with a code from the app: the app replaces any earlier one, and ten new recovery codes are
    made (returned once, to be shown once). 422 naming `code` when it is wrong."""
    user = _user(actor)
    if pending_totp(user) is None:
        raise ValidationError({"code": "Start the set-up again: there is no authenticator waiting to be confirmed."})
    device = verify_code(user, code, recovery=False, pending=True)
    if not isinstance(device, TOTPDevice):
        raise ValidationError({"code": "That code does not match. Type the code your app shows now."})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        events.emit(actor, "two_factor.enabled", _target(actor), data={"method": "totp"})
    return device, codes


def _require_code(actor: Actor, code: str) -> Device:
    device = verify_code(_user(actor), code)
    if device is None:
        raise ValidationError({"code": "That code does not match. Type your app's current code or a recovery code."})
    return device


def recovery_codes_replace(*, actor: Actor, code: str) -> list[str]:
    """Ten new recovery codes in place of the old ones (all of which stop working), after a current code."""
    user = _user(actor)
    if not is_enrolled(user):
        raise ValidationError({"code": "Turn on two-factor sign-in first."})
    _require_code(actor, code)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        events.emit(actor, "two_factor.recovery_codes_replaced", _target(actor), data={})
    return codes


def two_factor_disable(*, actor: Actor, code: str) -> None:
    """Turn two-factor sign-in off after a current code; refused (422 naming `code`) while a workspace requires it of
    the actor's role."""
    user = _user(actor)
    required = enforcing_workspaces(user)
    if required:
        raise ValidationError({"code": f"{', '.join(required)} requires two-factor sign-in of your role."})
    _require_code(actor, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        events.emit(actor, "two_factor.disabled", _target(actor), data={})


@transaction.atomic
def two_factor_reset(*, actor: Actor, user: User) -> int:
    """An owner or admin (or the shell) removes a person's app and recovery codes when both are lost: they set it up
    again at their next login. Returns how many devices went."""
    membership = user.memberships.filter(workspace=actor.workspace).first()
    if membership is None or actor.role not in (OWNER, ADMIN):
        raise ValidationError({"email": f"{user.email} is not someone you can reset in {actor.workspace.slug}."})
    removed = int(TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0])
    events.emit(actor, "two_factor.reset", getattr(membership, "person", None) or membership, data={})
    return removed


# --- The gate -----------------------------------------------------------------------------------------------------
GATE_OPEN_URL_NAMES = frozenset({"two_factor_setup", "two_factor_confirm", "login_verify", "logout", "login"})


class TwoFactorGateMiddleware:
    """A signed-in person whom a workspace requires to use a second factor, in a session that has not passed one, can
    reach only the set-up (no app yet) or the code page (an app set up in another session), and logging out. Costs
    no query unless the person is required and unverified (memberships come with the session's user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(("/api/", "/" + settings.STATIC_URL.lstrip("/")))
            or session_verified(request)
            or not required_for(user)
        ):
            return self.get_response(request)
        target = reverse("login_verify") if is_enrolled(user) else reverse("two_factor_setup")
        open_paths = {reverse(name) for name in GATE_OPEN_URL_NAMES}
        if request.path in open_paths:
            return self.get_response(request)
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            # A page the gate leaves open (the set-up itself) loads fragments too, such as the bell; sending those back
            # to the set-up would reload it for ever. Only a page elsewhere is sent on.
            current = urlsplit(request.headers.get("HX-Current-URL", "")).path
            if current not in open_paths:
                response["HX-Redirect"] = target
            return response
        return redirect(target)
