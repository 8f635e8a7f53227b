"""Web plumbing: the acting membership on every request, role-guarded views, htmx helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from baton.core import formats
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.models import ChangeRequest
from baton.core.selectors import actor_and_memberships, memberships_for_user

SENT_FOR_APPROVAL = "Sent for approval: this change takes effect when an owner approves it."
SESSION_WORKSPACE = "workspace_id"
SESSION_SEEN = "seen_on"


class ActorMiddleware:
    """Sets `request.actor` (the user's membership in the chosen workspace) and `request.memberships`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            chosen = request.session.get(SESSION_WORKSPACE)
            actor, memberships = actor_and_memberships(user.pk, chosen, getattr(user, "active_memberships", None))
            request.actor = actor  # type: ignore[attr-defined]
            request.memberships = memberships  # type: ignore[attr-defined]
            # The session is written only when something in it changes (not one UPDATE on every page): the
            # workspace, or the day of the last visit, which keeps its expiry rolling as saving every page did.
            if actor is not None and chosen != actor.workspace.pk:
                request.session[SESSION_WORKSPACE] = actor.workspace.pk
            seen = timezone.localdate().isoformat()
            if request.session.get(SESSION_SEEN) != seen:
                request.session[SESSION_SEEN] = seen
            if actor is not None:
                # Figures on this request's pages are written in the workspace's locale and the person's style.
                with formats.using(actor.workspace, user):
                    return self.get_response(request)
        return self.get_response(request)


def settle_session_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On login (`user_logged_in`), write what `ActorMiddleware` keeps in the session (the default workspace, the day
    of the visit) into the session being saved anyway, so the first page after it does not save it again."""
    session = getattr(request, "session", None)
    if session is None or user is None:
        return
    if session.get(SESSION_WORKSPACE) is None:
        first = memberships_for_user(user.pk).values_list("workspace_id", flat=True).first()
        if first is not None:
            session[SESSION_WORKSPACE] = first
    session[SESSION_SEEN] = timezone.localdate().isoformat()


def actor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A logged-in user with an active membership; the view receives it as `request.actor`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "actor", None) is None:
            return render(request, "core/no_workspace.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def get_actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    if not isinstance(actor, Actor):
        raise PermissionDenied("No workspace.")
    return actor


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_target(request: HttpRequest, target: str | None) -> str:
    """`target` when it stays on this site, else "": the one check of every `next=` (django's
    `url_has_allowed_host_and_scheme` refuses other hosts, `//host`, `/\\host`, `javascript:` and the like)."""
    target = target or ""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return target


def safe_next(request: HttpRequest, default: str, *, under: str = "") -> str:
    """Where the request's `next` (POST, then GET) asks to go back to, when it stays on this site (`safe_target`),
    else `default`. With `under`, only a path beginning with it is followed."""
    target = safe_target(request, request.POST.get("next") or request.GET.get("next"))
    if not target or (under and not target.startswith(under)):
        return default
    return target


def htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    partial: str,
    context: dict[str, Any],
    success_url: Callable[[Any], str],
    success_message: Callable[[Any], str],
) -> HttpResponse:
    """The one create/edit flow: validate the form, call the service, show its field errors in place.

    htmx posts get the form partial back (inline errors, no reload) or an HX-Redirect on success; plain posts get
    the whole page (status 400 on errors) or a redirect. Nothing is saved unless the service accepted everything.
    """
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = save(form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except BatonError as exc:
                form.add_error(None, exc.detail)
            else:
                if isinstance(obj, ChangeRequest):  # waits for an owner's approval (core/changes.py)
                    messages.info(request, SENT_FOR_APPROVAL)
                    url = reverse("change_request_detail", args=[obj.pk])
                else:
                    messages.success(request, success_message(obj))
                    url = success_url(obj)
                return htmx_redirect(url) if is_htmx(request) else redirect(url)
        status = 200 if is_htmx(request) else 400
    ctx = {**context, "form": form}
    return render(request, partial if is_htmx(request) else template, ctx, status=status)
