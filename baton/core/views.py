"""Login, logout, workspace switching and the activity feed (the role home pages are `baton.home`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access, services, throttle
from baton.core.errors import RateLimited
from baton.core.forms import LoginForm, WorkspaceSettingsForm
from baton.core.selectors import event_list, memberships_for_user
from baton.core.web import SESSION_WORKSPACE, actor_required, form_page, get_actor, safe_next


def login_view(request: HttpRequest) -> HttpResponse:
    """Email + password, throttled per address+email and per address."""
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ip = throttle.client_ip(request)
        try:
            throttle.check("login", f"{ip}:{email}", settings.LOGIN_FAILURE_LIMIT)
            throttle.check("login-ip", ip, settings.LOGIN_FAILURE_LIMIT * 4)
        except RateLimited as exc:
            form.add_error(None, exc.detail)
            return render(request, "core/login.html", {"form": form}, status=429)
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is None:
            throttle.record_failure("login", f"{ip}:{email}")
            throttle.record_failure("login-ip", ip)
            form.add_error(None, "That email and password do not match an account.")
            status = 400
        else:
            throttle.reset("login", f"{ip}:{email}")
            login(request, user)
            return redirect(safe_next(request, reverse("home")))
    elif request.method == "POST":
        status = 400
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@require_POST
@actor_required
def switch_workspace(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("workspace_id", "")
    if wanted.isdigit() and memberships_for_user(int(request.user.pk or 0)).filter(workspace_id=int(wanted)).exists():
        request.session[SESSION_WORKSPACE] = int(wanted)
    return redirect("home")


@actor_required
def activity(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    verb = request.GET.get("verb") or None
    events = event_list(actor=actor, verb=verb)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "core/partials/_feed.html" if request.headers.get("HX-Request") else "core/activity.html"
    return render(request, template, {"page": page, "events": page.object_list, "verb": verb or ""})


@actor_required
def workspace_settings(request: HttpRequest) -> HttpResponse:
    """The workspace's name, base currency and portfolio cap (owners). A currency change once money exists is
    refused by the service (409), shown on the form, and nothing is saved."""
    actor = get_actor(request)
    access.require(actor, "workspace", "update")
    workspace = actor.workspace
    initial = {
        "name": workspace.name,
        "currency": workspace.currency,
        "max_portfolio_size": workspace.max_portfolio_size,
        "version": workspace.version,
    }
    form = WorkspaceSettingsForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.workspace_update(actor=actor, **data),
        template="core/workspace_settings.html",
        partial="core/partials/_workspace_form.html",
        context={"workspace": workspace},
        success_url=lambda w: reverse("workspace_settings"),
        success_message=lambda w: "Workspace settings saved.",
    )
