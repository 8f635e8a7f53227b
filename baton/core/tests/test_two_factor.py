"""Two-factor sign-in through the web UI: set-up from the account page (an inline SVG QR code), the code after the
password, recovery codes that work once, wrong codes throttled per account, and a workspace that requires it of
owners, admins and finance. Codes are computed from the device's secret under a frozen clock."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client as HttpClient
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.core.models import Event, Workspace
from baton.devdata.testing.personas import PASSWORD

NOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30-second step


def code_for(device: TOTPDevice, *, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"


def password_login(email: str, client: HttpClient | None = None):
    client = client or HttpClient()
    return client, client.post("/login/", {"email": email, "password": PASSWORD})


def enrol(client: HttpClient, user, *, gated: bool = False) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator from the account page; returns the device and the recovery codes shown."""
    page = client.get("/account/")
    if gated:  # a required person without an app reaches only the set-up
        assert page["Location"] == "/account/two-factor/setup/"
    else:
        assert page.status_code == 200 and "Set up two-factor sign-in" in page.content.decode()
    setup = client.post("/account/two-factor/setup/")
    html = setup.content.decode()
    assert setup.status_code == 200
    assert '<svg class="qr"' in html and "<img" not in html  # the QR code is drawn inline, nothing remote
    assert setup["Cache-Control"] == "no-store"
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert secret and device.config_url.count(f"secret={secret}") == 1
    wrong = client.post("/account/two-factor/confirm/", {"code": "000000" if code_for(device) != "000000" else "1"})
    assert wrong.status_code == 400 and "does not match" in wrong.content.decode()
    done = client.post("/account/two-factor/confirm/", {"code": code_for(device)})
    assert done.status_code == 200, done.content.decode()[:2000]
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_enrol_then_login_asks_for_the_code(personas, clock):
    am = personas["am"]
    client, response = password_login(am.email)
    assert response.status_code == 302 and response["Location"] == "/"
    device, _codes = enrol(client, am.person.membership.user)
    assert Event.objects.filter(verb="two_factor.enabled", target_id=am.person.id).count() == 1
    client.post("/logout/")

    clock.shift(30)
    fresh = HttpClient()
    _, response = password_login(am.email, fresh)
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    # The password alone signs nobody in.
    assert fresh.get("/clients/")["Location"].startswith("/login/")
    wrong = fresh.post("/login/verify/", {"code": "12345"})
    assert wrong.status_code == 400
    right = fresh.post("/login/verify/", {"code": code_for(device)})
    assert right.status_code == 302 and right["Location"] == "/"
    assert fresh.get("/clients/").status_code == 200
    # The same code is never accepted twice (another sign-in in the same 30 seconds).
    again = HttpClient()
    password_login(am.email, again)
    assert again.post("/login/verify/", {"code": code_for(device)}).status_code == 400


def test_recovery_code_works_once(personas, clock):
    finance = personas["finance"]
    client, _ = password_login(finance.email)
    _device, codes = enrol(client, finance.person.membership.user)
    first = HttpClient()
    password_login(finance.email, first)
    response = first.post("/login/verify/", {"code": codes[3].upper().replace("-", " ")})  # typed loosely
    assert response.status_code == 302
    assert "9 left" in first.get("/").content.decode()
    assert StaticToken.objects.filter(device__user__email=finance.email).count() == 9
    second = HttpClient()
    password_login(finance.email, second)
    assert second.post("/login/verify/", {"code": codes[3]}).status_code == 400
    assert second.get("/clients/")["Location"].startswith("/login/")
    assert second.post("/login/verify/", {"code": codes[4]}).status_code == 302


def test_wrong_codes_are_throttled_per_account(personas, clock):
    pm = personas["pm"]
    client, _ = password_login(pm.email)
    device, _ = enrol(client, pm.person.membership.user)
    clock.shift(30)
    attacker = HttpClient()
    password_login(pm.email, attacker)
    for _ in range(5):
        assert attacker.post("/login/verify/", {"code": "999999"}).status_code == 400
    locked = attacker.post("/login/verify/", {"code": code_for(device)})
    assert locked.status_code == 429 and "Too many" in locked.content.decode()
    # Another account is not affected.
    other = HttpClient()
    assert password_login(personas["member"].email, other)[1]["Location"] == "/"


def test_pending_sign_in_expires(personas, clock):
    am = personas["am"]
    client, _ = password_login(am.email)
    device, _ = enrol(client, am.person.membership.user)
    fresh = HttpClient()
    password_login(am.email, fresh)
    clock.shift(301)
    response = fresh.post("/login/verify/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert fresh.get("/clients/")["Location"].startswith("/login/")


def test_workspace_requires_it_of_owner_admin_finance(personas, clock):
    owner = personas["owner"]
    client, _ = password_login(owner.email)
    page = client.get("/workspace/settings/")
    assert "Require two-factor sign-in" in page.content.decode()
    saved = client.post(
        "/workspace/settings/",
        {
            "name": personas.workspace.name,
            "currency": personas.workspace.currency,
            "max_portfolio_size": personas.workspace.max_portfolio_size,
            "two_factor_required": "on",
            "version": personas.workspace.version,
        },
    )
    assert saved.status_code == 302
    assert Workspace.objects.get(pk=personas.workspace.pk).two_factor_required
    # The owner, who saved it without an app, is sent to the set-up and can use nothing else.
    assert client.get("/clients/")["Location"] == "/account/two-factor/setup/"
    htmx = client.get("/clients/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == "/account/two-factor/setup/"
    # The set-up page's own fragments (the bell) get nothing, not a redirect to the page they are on (a reload loop).
    bell = client.get(
        "/notifications/bell/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/account/two-factor/setup/"},
    )
    assert bell.status_code == 204 and "HX-Redirect" not in bell

    finance = personas["finance"]
    fin_client, response = password_login(finance.email)
    assert response.status_code == 302
    assert fin_client.get("/")["Location"] == "/account/two-factor/setup/"
    assert "requires two-factor sign-in of your role" in fin_client.get("/account/two-factor/setup/").content.decode()
    device, _ = enrol(fin_client, finance.person.membership.user, gated=True)
    assert fin_client.get("/clients/").status_code == 200
    # ...and may not turn it off while required.
    refused = fin_client.post("/account/two-factor/disable/", {"code": code_for(device, ahead=30)})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user__email=finance.email).exists()

    # Roles outside owner/admin/finance are not asked.
    member_client, _ = password_login(personas["member"].email)
    assert member_client.get("/clients/").status_code == 200
    # API tokens are a separate credential: unaffected.
    assert owner.api().get("/api/v1/me").status_code == 200
    assert owner.api().get("/api/v1/workspace").json()["two_factor_required"] is True


def test_turn_off_and_new_recovery_codes(personas, clock):
    admin = personas["admin"]
    client, _ = password_login(admin.email)
    device, codes = enrol(client, admin.person.membership.user)
    clock.shift(30)
    replaced = client.post("/account/two-factor/recovery-codes/", {"code": code_for(device)})
    new_codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", replaced.content.decode())
    assert replaced.status_code == 200 and len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert client.post("/account/two-factor/disable/", {"code": "111111"}).status_code == 400
    off = client.post("/account/two-factor/disable/", {"code": new_codes[0]})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user__email=admin.email).exists()
    assert password_login(admin.email)[1]["Location"] == "/"
    assert Event.objects.filter(verb="two_factor.disabled").count() == 1


def test_reset_from_the_shell_when_app_and_codes_are_lost(personas, clock):
    am = personas["am"]
    client, _ = password_login(am.email)
    enrol(client, am.person.membership.user)
    out = StringIO()
    call_command("reset_two_factor", am.email, workspace=personas.workspace.slug, stdout=out)
    assert "2 device(s) removed" in out.getvalue()
    assert password_login(am.email)[1]["Location"] == "/"
    assert Event.objects.filter(verb="two_factor.reset", target_id=am.person.id).count() == 1


def test_requirement_through_the_api_is_owner_only(personas):
    body = {"two_factor_required": True, "version": personas.workspace.version}
    refused = personas["admin"].api().patch("/api/v1/workspace", body, content_type="application/json")
    assert refused.status_code == 403
    response = personas["owner"].api().patch("/api/v1/workspace", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["two_factor_required"] is True
    event = Event.objects.get(verb="workspace.updated")
    assert event.data == {"changes": {"two_factor_required": [False, True]}}
