"""The person's account page and two-factor sign-in: set up, confirm, recovery codes, turning it off, and the code
asked after the password (`/login/verify/`). The rules are in baton/core/twofactor.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baton.core import oidc, services, twofactor
from baton.core.errors import RateLimited
from baton.core.forms import CodeForm, DurationStyleForm, apply_service_errors
from baton.core.signin import finish_pending, pending_user
from baton.core.web import actor_required, get_actor, safe_target

NO_STORE = "no-store"


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = NO_STORE  # secrets and recovery codes never sit in a cache
    return response


def login_verify(request: HttpRequest) -> HttpResponse:
    """The code after the password: finishes a pending sign-in, or verifies a signed-in session that a workspace
    requires to pass a second factor (an app set up in another session)."""
    signed_in = request.user.is_authenticated
    if signed_in:
        user: Any = request.user
        next_url = safe_target(request, request.GET.get("next"))
    else:
        user, pending = pending_user(request)
        if user is None:
            messages.info(request, "Log in again: the sign-in waited too long for its code.")
            return redirect("login")
        next_url = safe_target(request, pending.get("next"))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify_code(user, form.cleaned_data["code"])
        except RateLimited as exc:
            form.add_error("code", exc.detail)
            return _page(request, "core/login_verify.html", {"form": form}, status=429)
        if device is not None:
            if not isinstance(device, twofactor.TOTPDevice):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request, f"You used a recovery code; {left} left. Make new ones from your account page."
                )
            if signed_in:
                twofactor.mark_verified(request, device)
                return redirect(next_url or "home")
            return finish_pending(request, user, device, next_url)
        form.add_error("code", "That code does not match. Type your app's current code or a recovery code.")
    if request.method == "POST":
        status = 400
    return _page(request, "core/login_verify.html", {"form": form}, status=status)


def _account_context(user: Any, form: CodeForm, style_form: DurationStyleForm | None = None) -> dict[str, Any]:
    form.fields["code"].widget.attrs.pop("autofocus", None)  # the page is read first, the code typed last
    return {
        "style_form": style_form or DurationStyleForm(initial={"duration_style": user.duration_style}),
        "enrolled": twofactor.is_enrolled(user),
        "required_by": twofactor.enforcing_workspaces(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "code_form": form,
        "oidc": oidc.enabled(),
    }


@actor_required
def account(request: HttpRequest) -> HttpResponse:
    """The person's own login: e-mail, how durations are written for them, two-factor sign-in (on, off, required by
    which workspace), recovery codes."""
    return _page(request, "core/account.html", _account_context(request.user, CodeForm()))


@require_POST
@actor_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's duration style (hours and minutes, or decimal hours): saved, then back to the account page."""
    form = DurationStyleForm(request.POST)
    if form.is_valid():
        try:
            services.duration_style_set(actor=get_actor(request), duration_style=form.cleaned_data["duration_style"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Saved: durations are written your way on every page.")
            return redirect("account")
    return _page(request, "core/account.html", _account_context(request.user, CodeForm(), form), status=400)


def _replacing_unverified(request: HttpRequest) -> bool:
    """Replacing an app needs a session that passed the current one."""
    return twofactor.is_enrolled(request.user) and not twofactor.session_verified(request)


@actor_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Start (POST) or show (GET) the set-up: the QR code, the secret to type, and the code to confirm it with."""
    if _replacing_unverified(request):
        return redirect("login_verify")
    actor = get_actor(request)
    device = twofactor.pending_totp(request.user)
    if request.method == "POST" or device is None:
        device = twofactor.totp_start(actor=actor)
    return _setup_page(request, device, CodeForm())


def _setup_page(request: HttpRequest, device: Any, form: CodeForm, status: int = 200) -> HttpResponse:
    form.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
    context = {
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "form": form,
        "required_by": twofactor.enforcing_workspaces(request.user),
    }
    return _page(request, "core/two_factor_setup.html", context, status=status)


@require_POST
@actor_required
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    """The first code from the app turns two-factor on; the recovery codes are shown on this response, once."""
    if _replacing_unverified(request):
        return redirect("login_verify")
    actor = get_actor(request)
    form = CodeForm(request.POST)
    device = twofactor.pending_totp(request.user)
    if device is None:
        messages.info(request, "Start the set-up again.")
        return redirect("account")
    if form.is_valid():
        try:
            confirmed, codes = twofactor.totp_confirm(actor=actor, code=form.cleaned_data["code"])
        except RateLimited as exc:
            form.add_error("code", exc.detail)
            return _setup_page(request, device, form, status=429)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            twofactor.mark_verified(request, confirmed)
            return _page(request, "core/recovery_codes.html", {"codes": codes, "new": True})
    return _setup_page(request, device, form, status=400)


def _with_code(request: HttpRequest, action: Any) -> tuple[Any, HttpResponse | None]:
    """Run a change that needs a current code; on a wrong one, the account page with the error."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            return action(form.cleaned_data["code"]), None
        except RateLimited as exc:
            form.add_error("code", exc.detail)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return None, _page(request, "core/account.html", _account_context(request.user, form), status=400)


@require_POST
@actor_required
def recovery_codes_replace(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    codes, failed = _with_code(request, lambda code: twofactor.recovery_codes_replace(actor=actor, code=code))
    if failed is not None:
        return failed
    return _page(request, "core/recovery_codes.html", {"codes": codes, "new": False})


@require_POST
@actor_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    _, failed = _with_code(request, lambda code: twofactor.two_factor_disable(actor=actor, code=code))
    if failed is not None:
        return failed
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("account")
