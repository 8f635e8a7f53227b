"""The web UI shell: login (by email, throttled), logout, home pages per role, workspace switching, password reset."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client as HttpClient

from baton.automation.models import Notification
from baton.core.access import Actor
from baton.core.web import safe_next
from baton.devdata.testing.personas import PASSWORD, PERSONA_NAMES
from baton.people.services import person_create


def logged_in(personas, name: str) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas[name].email, password=PASSWORD)
    return client


def figure(html: str, label: str) -> str:
    """The value shown next to a key-figure label on the home page."""
    match = re.search(r'<span class="value">([^<]*)</span>\s*<span class="label">' + re.escape(label) + "<", html)
    assert match, f"no figure labelled {label!r}"
    return match.group(1).strip()


# --- Login ----------------------------------------------------------------------------------------------------


def test_login_page_renders(db):
    response = HttpClient().get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html and 'name="password"' in html
    assert "Content-Security-Policy" in response


def test_anonymous_home_redirects_to_login(db):
    response = HttpClient().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_by_email_case_insensitive_and_redirects_home(personas):
    client = HttpClient()
    response = client.post("/login/", {"email": "AM@Studio.TEST", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Which accounts need you today" in home.content.decode()


def test_bad_password_shows_an_error(personas):
    response = HttpClient().post("/login/", {"email": "am@studio.test", "password": "wrong-password"})
    assert response.status_code == 400
    assert "That email and password do not match an account." in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_unknown_email_gives_the_same_error(personas):
    response = HttpClient().post("/login/", {"email": "nobody@studio.test", "password": PASSWORD})
    assert response.status_code == 400
    assert "That email and password do not match an account." in response.content.decode()


def test_login_rejects_external_next(personas):
    response = HttpClient().post(
        "/login/?next=https://evil.example/", {"email": "am@studio.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    internal = HttpClient().post(
        "/login/", {"email": "am@studio.test", "password": PASSWORD, "next": f"/clients/{personas.client_a.id}/"}
    )
    assert internal["Location"] == f"/clients/{personas.client_a.id}/"


def test_login_throttled_after_failure_limit(personas):
    client = HttpClient(REMOTE_ADDR="10.0.0.7")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert client.post("/login/", {"email": "am@studio.test", "password": "nope"}).status_code == 400
    # Even the right password is refused while throttled.
    response = client.post("/login/", {"email": "am@studio.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by these failures.
    other = HttpClient(REMOTE_ADDR="10.0.0.7")
    assert other.post("/login/", {"email": "pm@studio.test", "password": PASSWORD}).status_code == 302


def test_login_throttled_per_address_across_emails(personas, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    # The PM signed in from this address before the spraying began.
    assert (
        HttpClient(REMOTE_ADDR="10.0.0.8")
        .post("/login/", {"email": "pm@studio.test", "password": PASSWORD})
        .status_code
        == 302
    )
    client = HttpClient(REMOTE_ADDR="10.0.0.8")
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        response = client.post("/login/", {"email": f"guess{i}@studio.test", "password": "nope"})
        assert response.status_code == 400
    # Past the address's limit, an account never signed in from it is refused; one that was signs in.
    assert client.post("/login/", {"email": "am@studio.test", "password": PASSWORD}).status_code == 429
    assert client.post("/login/", {"email": "pm@studio.test", "password": PASSWORD}).status_code == 302
    # Another address is not affected.
    assert (
        HttpClient(REMOTE_ADDR="10.0.0.80")
        .post("/login/", {"email": "am@studio.test", "password": PASSWORD})
        .status_code
        == 302
    )


def test_successful_login_resets_the_email_counter(personas):
    client = HttpClient(REMOTE_ADDR="10.0.0.9")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        client.post("/login/", {"email": "am@studio.test", "password": "nope"})
    assert client.post("/login/", {"email": "am@studio.test", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert client.post("/login/", {"email": "am@studio.test", "password": "nope"}).status_code == 400
    assert client.post("/login/", {"email": "am@studio.test", "password": PASSWORD}).status_code == 302


def test_logout(personas):
    client = logged_in(personas, "am")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


# --- Home pages -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_home_renders_for_every_persona(personas, name):
    response = logged_in(personas, name).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    if name == "client_a":
        assert "<h1>Client A</h1>" in html
        assert "Your account manager is <strong>Am Persona</strong>" in html
        assert "Waiting for your approval" in html  # the portal's overview is the client's home
        assert "Client B" not in html
        assert "current clients" not in html  # no agency-wide figures for a client
        return
    # The leadership, operations and finance homes answer their own first question (baton/home/tests).
    heading = {"owner": "Studio this month", "outsider": "Elsewhere this month", "admin": "What is stuck"}
    heading["finance"] = "Money to move"
    if name in heading:
        assert f"<h1>{heading[name]}</h1>" in html
        assert ("Studio" in html) == (name != "outsider")
        assert "Elsewhere" not in html or name == "outsider"
        assert "Other Client" not in html and ("Client A" not in html or name != "outsider")
        return
    if name in ("am", "pm", "member"):  # the team homes: the person's own first question, no agency figures
        assert "current clients" not in html and "Elsewhere" not in html and "Other Client" not in html
        heading = {"am": "Which accounts need you today", "pm": "Your projects", "member": "Your day, Member Persona"}
        assert f"<h1>{heading[name]}</h1>" in html
        if name == "am":
            assert response.context["figures"]["accounts"][0]["client_name"] == "Client A"
        return
    # Studio staff: 2 current clients (both active), 6 active staff (the portal user is not staff), 6 x 40 h.
    assert figure(html, "current clients") == "2"
    assert figure(html, "active") == "2"
    assert figure(html, "prospects") == "0"
    assert figure(html, "people") == "6"
    assert figure(html, "weekly capacity") == "240 h"
    assert "Elsewhere" not in html and "Other Client" not in html
    if name in ("owner", "admin", "finance"):
        assert "Portfolios" in html
        assert re.search(r"Am Persona</a></td><td>1</td><td>1</td>", html)


def test_home_figures_follow_the_data(personas):
    from baton.crm.services import deal_create

    owner = personas["owner"]
    before = logged_in(personas, "owner").get("/").context["figures"]["pipeline"]
    deal_create(actor=owner.actor, client=personas.client_a, name="Retainer", value="10000", probability=40)
    after = logged_in(personas, "owner").get("/")
    figures = after.context["figures"]["pipeline"]
    assert figures["open_deals"] == before["open_deals"] + 1
    assert figures["weighted_open_value"] == "4000.00"
    assert "$4,000.00" in after.content.decode()


def test_no_workspace_page_for_a_user_without_membership(personas):
    from baton.core.models import Membership

    Membership.objects.filter(user__email="pm@studio.test").update(is_active=False)
    response = logged_in(personas, "pm").get("/")
    assert response.status_code == 403


# --- Workspace switching --------------------------------------------------------------------------------------


def test_workspace_switcher(personas):
    # The member of Studio also joins Elsewhere (as an admin there).
    person_create(
        actor=Actor.system(personas.other_workspace), name="Member Abroad", email="member@studio.test", role="admin"
    )
    client = logged_in(personas, "member")
    home = client.get("/")
    html = home.content.decode()
    assert 'name="workspace_id"' in html  # the switcher shows for a user in two workspaces
    assert "Studio (Team member)" in html and "Elsewhere (Admin)" in html

    response = client.post("/workspace/switch/", {"workspace_id": personas.workspace.id})
    assert response.status_code == 302
    assert client.session["workspace_id"] == personas.workspace.id
    assert client.get("/").context["actor"].workspace.slug == "studio"
    people = client.get("/people/").content.decode()
    assert "Am Persona" in people and "Otto Outsider" not in people

    client.post("/workspace/switch/", {"workspace_id": personas.other_workspace.id})
    assert client.session["workspace_id"] == personas.other_workspace.id
    actor = client.get("/").context["actor"]
    assert (actor.workspace.slug, actor.role) == ("elsewhere", "admin")
    people = client.get("/people/").content.decode()
    assert "Otto Outsider" in people and "Am Persona" not in people
    clients = client.get("/clients/").content.decode()
    assert "Other Client" in clients and "Client A" not in clients


def test_cannot_switch_into_a_foreign_workspace(personas):
    client = logged_in(personas, "am")
    client.get("/")
    client.post("/workspace/switch/", {"workspace_id": personas.other_workspace.id})
    assert client.session["workspace_id"] == personas.workspace.id
    assert client.get("/").context["actor"].workspace.slug == "studio"
    assert "Other Client" not in client.get("/clients/").content.decode()


def test_single_workspace_user_sees_no_switcher(personas):
    html = logged_in(personas, "am").get("/").content.decode()
    assert 'name="workspace_id"' not in html


# --- Password reset -------------------------------------------------------------------------------------------


def test_password_reset_sends_a_working_link(personas):
    client = HttpClient()
    assert client.get("/password-reset/").status_code == 200
    response = client.post("/password-reset/", {"email": "AM@studio.test"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["am@studio.test"]
    link = re.search(r"https?://[^\s]+/reset/[^\s]+/", message.body)
    assert link, message.body
    path = link.group(0).split("testserver", 1)[1]

    step = client.get(path)
    assert step.status_code == 302  # Django swaps the token for a session marker
    form = client.get(step["Location"])
    assert form.status_code == 200
    done = client.post(step["Location"], {"new_password1": "brand-new-pass-9", "new_password2": "brand-new-pass-9"})
    assert done.status_code == 302
    assert HttpClient().login(email="am@studio.test", password="brand-new-pass-9")
    assert not HttpClient().login(email="am@studio.test", password=PASSWORD)


def test_password_reset_for_unknown_email_sends_nothing(db):
    response = HttpClient().post("/password-reset/", {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert mail.outbox == []


# --- Activity -------------------------------------------------------------------------------------------------


def test_activity_feed(personas):
    client = logged_in(personas, "owner")
    response = client.get("/activity/?verb=client.created")
    assert response.status_code == 200
    events = list(response.context["events"])
    assert {e.target_label for e in events} == {"Client A", "Client B"}
    partial = client.get("/activity/", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()


def test_activity_forbidden_for_client_role(personas):
    response = logged_in(personas, "client_a").get("/activity/")
    assert response.status_code == 403


# --- Where `next=` may send a person (core.web.safe_next, used by every view that reads `next`) ----------------

OFF_SITE = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_safe_next_refuses_other_sites(rf, target):
    assert safe_next(rf.post("/x/", {"next": target}), "/home/") == "/home/"
    assert safe_next(rf.get("/x/", {"next": target}), "/home/") == "/home/"


def test_safe_next_follows_our_pages_and_keeps_to_a_prefix(rf):
    assert safe_next(rf.get("/x/", {"next": "/tasks/3/?tab=time"}), "/home/") == "/tasks/3/?tab=time"
    assert safe_next(rf.get("/x/", {"next": "/tasks/3/"}), "/schedule/", under="/schedule/") == "/schedule/"
    assert safe_next(rf.get("/x/", {"next": "/schedule/?start=2026-03-02"}), "/", under="/schedule/") == (
        "/schedule/?start=2026-03-02"
    )


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_and_notification_never_redirect_off_site(personas, target):
    client = HttpClient()
    response = client.post(
        "/login/?next=/x/", {"email": personas["member"].email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    note = Notification.objects.create(
        workspace=personas.workspace, recipient=personas["member"].person, title="Hello", verb="task.assigned"
    )
    response = client.post(f"/notifications/{note.id}/read/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
