"""Login, logout, workspace switching and the activity feed (the role home pages are `baton.home`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access, oidc, services, throttle
from baton.core.errors import RateLimited
from baton.core.forms import LoginForm, WorkspaceSettingsForm
from baton.core.selectors import event_list, memberships_for_user
from baton.core.signin import complete_sign_in
from baton.core.tables import Column, Table, download_format, table_response
from baton.core.templatetags.baton import event_sentence
from baton.core.web import SESSION_WORKSPACE, actor_required, form_page, get_actor, safe_next

# How long a successful login keeps its client known to the account (see login_view).
KNOWN_CLIENT_SECONDS = 60 * 60 * 24 * 30


def login_view(request: HttpRequest) -> HttpResponse:
    """Email + password, throttled per client and account (`throttle.client_ip` reads the client through the trusted
    proxies): one client's failures lock that account for that client only. A client failing across many accounts
    (past LOGIN_ADDRESS_FAILURE_LIMIT) may then sign in only to accounts that signed in from it before."""
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ip = throttle.client_ip(request)
        per_account = throttle.account_key(ip, email)
        try:
            throttle.check("login", per_account, settings.LOGIN_FAILURE_LIMIT)
            if not throttle.remembered("login", per_account):
                throttle.check("login-ip", ip, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
        except RateLimited as exc:
            form.add_error(None, exc.detail)
            return render(request, "core/login.html", {"form": form}, status=429)
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is None:
            throttle.record_failure("login", per_account)
            throttle.record_failure("login-ip", ip)
            form.add_error(None, "That email and password do not match an account.")
            status = 400
        else:
            throttle.reset("login", per_account)
            throttle.remember("login", per_account, KNOWN_CLIENT_SECONDS)
            target = safe_next(request, "")
            return complete_sign_in(request, user, method="password", next_url=target)  # asks for a code if set up
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": request.GET.get("next", ""), "oidc": oidc.enabled()}
    return render(request, "core/login.html", {**context, "oidc_label": settings.OIDC_BUTTON_LABEL}, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, throttled: PASSWORD_RESET_LIMIT requests per email from anywhere (no mail-bombing one
    person) and four times that per client; past it, 429 and nothing is sent. Other accounts are unaffected."""

    template_name = "core/password_reset.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("email") or "").strip().lower()[:254]
        ip = throttle.client_ip(request)
        try:
            throttle.check("reset", email, settings.PASSWORD_RESET_LIMIT)
            throttle.check("reset-ip", ip, settings.PASSWORD_RESET_LIMIT * 4)
        except RateLimited as exc:
            form = self.get_form()
            form.add_error(None, exc.detail)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        throttle.record_failure("reset", email)  # every request counts, answered or not
        throttle.record_failure("reset-ip", ip)
        return super().post(request, *args, **kwargs)


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
    who = request.GET.get("who") or ""
    events = event_list(actor=actor, verb=verb)
    if who in ("people", "baton"):  # people's actions, or only what Baton did by itself
        events = events.filter(actor_id__isnull=who == "baton")
    if download_format(request):
        return table_response(request, _event_table(events), "activity")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "core/partials/_feed.html" if request.headers.get("HX-Request") else "core/activity.html"
    # each page folds Baton's repeated events (core.feed) after people's actions
    return render(request, template, {"page": page, "events": page.object_list, "verb": verb or "", "who": who})


def _posted(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """The settings without the billing details a post left out (unchanged, not cleared)."""
    billing = WorkspaceSettingsForm.BILLING_FIELDS
    return {k: v for k, v in data.items() if k not in billing or (k in request.POST and v is not None)}


def _event_table(events: Any) -> Table:
    """The activity feed's events one per row (the page folds Baton's repeated events; the file lists each)."""
    return Table(
        "Activity",
        [
            Column("When", "occurred_at", "datetime"),
            Column("Who", lambda e: e.actor_name or "Baton"),
            Column("What", lambda e: event_sentence(e.verb)),
            Column("Target", "target_label"),
            Column("Event", "verb"),
        ],
        events,
    )


@actor_required
def workspace_settings(request: HttpRequest) -> HttpResponse:
    """The workspace's name, base currency, locale (how dates and numbers are written), portfolio cap, two-factor
    requirement (owners) and billing details (the seller on invoices: legal name, address, VAT id, bank, terms). A
    currency change once money exists is refused by the service (409), shown on the form, and nothing is saved."""
    actor = get_actor(request)
    access.require(actor, "workspace", "update")
    workspace = actor.workspace
    initial = {
        "name": workspace.name,
        "currency": workspace.currency,
        "locale": workspace.locale,
        "max_portfolio_size": workspace.max_portfolio_size,
        "two_factor_required": workspace.two_factor_required,
        "process_changes_need_approval": workspace.process_changes_need_approval,
        **{name: getattr(workspace, name) for name in WorkspaceSettingsForm.BILLING_FIELDS},
        "version": workspace.version,
    }
    form = WorkspaceSettingsForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.workspace_update(actor=actor, **_posted(request, data)),
        template="core/workspace_settings.html",
        partial="core/partials/_workspace_form.html",
        context={"workspace": workspace},
        success_url=lambda w: reverse("workspace_settings"),
        success_message=lambda w: "Workspace settings saved.",
    )
