"""Sign-in with OpenID Connect against a real provider (npm's oidc-provider, started here with node), and two-factor
sign-in in the browser: a person clicks "Sign in with …", logs in at the provider and lands signed in; an unverified
e-mail, an unknown one and an archived person are refused; a person required to use two-factor is sent to the set-up;
the TOTP set-up and login with a code computed from the secret, then with a recovery code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from base64 import b32decode
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.core import oidc
from baton.core.models import Workspace
from baton.devdata.testing.personas import PASSWORD
from baton.people.services import person_archive

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
LABEL = "Sign in with Test ID"


def _real_now() -> datetime:
    hatch = time_machine.escape_hatch
    return datetime.fromtimestamp(hatch.time.time() if hatch.is_travelling() else time.time(), tz=UTC)


@pytest.fixture
def real_clock():
    """The provider (node) signs its tokens by the machine's real clock, so Baton checks them by it too, even when the
    suite runs on a moved clock (conftest.py `--clock`)."""
    if time_machine.escape_hatch.is_travelling():
        with time_machine.travel(_real_now(), tick=True):
            yield
    else:
        yield


@pytest.fixture
def provider(live_server, personas, settings, real_clock):
    """The provider on BATON_TEST_OIDC_PORT (any free port by default), with verified accounts for the AM and the
    owner, an unverified one for the member, one for an archived person and one nobody in Baton has."""
    accounts = {
        personas["am"].email: {"email_verified": True},
        personas["owner"].email: {"email_verified": True},
        personas["member"].email: {"email_verified": False},
        personas["pm"].email: {"email_verified": True},
        "stranger@elsewhere.test": {"email_verified": True},
    }
    env = {
        **os.environ,
        "OIDC_PORT": os.environ.get("BATON_TEST_OIDC_PORT", "0"),
        "OIDC_CLIENT_ID": "baton-test",
        "OIDC_CLIENT_SECRET": "baton-test-secret",
        "OIDC_REDIRECT_URI": f"{live_server.url}/oidc/callback/",
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    process = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        issuer = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not issuer:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            if line.startswith("READY "):
                issuer = line.split(" ", 1)[1].strip()
        assert issuer, "the OpenID provider did not start (npm ci installs oidc-provider)"
        settings.OIDC_ISSUER = issuer
        settings.OIDC_CLIENT_ID = "baton-test"
        settings.OIDC_CLIENT_SECRET = "baton-test-secret"
        settings.OIDC_BUTTON_LABEL = LABEL
        oidc._discover.cache_clear()
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        oidc._discover.cache_clear()


def sign_in_at_provider(page, live_server, email: str) -> None:
    page.context.clear_cookies()  # a fresh browser: no session at Baton or at the provider
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name=LABEL).click()
    page.get_by_placeholder("Enter any login").fill(email)
    page.get_by_placeholder("and password").fill("anything")
    page.get_by_role("button", name="Sign-in").click()


def test_sign_in_with_the_provider(live_server, personas, provider, page):
    sign_in_at_provider(page, live_server, personas["am"].email)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".who").inner_text().startswith(personas["am"].person.name)

    # A person whom the workspace requires to use two-factor, without an app, lands on the set-up: the provider's
    # sign-in does not stand in for Baton's second factor unless OIDC_SATISFIES_TWO_FACTOR says so.
    Workspace.objects.filter(pk=personas.workspace.pk).update(two_factor_required=True)
    sign_in_at_provider(page, live_server, personas["owner"].email)
    page.wait_for_url(f"{live_server.url}/account/two-factor/setup/")
    page.goto(f"{live_server.url}/clients/")
    assert page.url == f"{live_server.url}/account/two-factor/setup/"

    # A person with an app set up types its code after the provider too.
    device = TOTPDevice.objects.create(user=personas["am"].person.membership.user, name="app", confirmed=True)
    sign_in_at_provider(page, live_server, personas["am"].email)
    page.wait_for_url(f"{live_server.url}/login/verify/")
    totp = TOTP(device.bin_key)
    totp.time = time.time()
    page.get_by_role("textbox", name="Code").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_provider_clock_a_few_seconds_ahead_still_signs_in(live_server, personas, provider, page):
    with time_machine.travel(_real_now() - timedelta(seconds=5), tick=True):  # the token's iat is 5 s "in the future"
        sign_in_at_provider(page, live_server, personas["am"].email)
        page.wait_for_url(f"{live_server.url}/")


def test_a_token_out_of_date_by_the_server_clock_is_refused_not_a_server_error(live_server, personas, provider, page):
    with time_machine.travel(_real_now() + timedelta(days=1), tick=True):  # Baton's clock a day ahead of the provider's
        sign_in_at_provider(page, live_server, personas["am"].email)
        page.wait_for_url(f"{live_server.url}/login/")
        assert "expired or is not valid yet by this server's clock" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/clients/")
    assert page.url.startswith(f"{live_server.url}/login/")


def test_unverified_unknown_and_archived_are_refused(live_server, personas, provider, page):
    sign_in_at_provider(page, live_server, personas["member"].email)
    page.wait_for_url(f"{live_server.url}/login/")
    assert "is not verified" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/clients/")
    assert page.url.startswith(f"{live_server.url}/login/")

    sign_in_at_provider(page, live_server, "stranger@elsewhere.test")
    page.wait_for_url(f"{live_server.url}/login/")
    assert "No active person in Baton has the e-mail stranger@elsewhere.test" in page.locator(".messages").inner_text()

    person_archive(actor=personas["owner"].actor, person=personas["pm"].person)
    sign_in_at_provider(page, live_server, personas["pm"].email)
    page.wait_for_url(f"{live_server.url}/login/")
    assert "No active person" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/clients/")
    assert page.url.startswith(f"{live_server.url}/login/")


def _code(secret: str, ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"


def _password_login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_two_factor_set_up_and_login_in_the_browser(live_server, personas, page):
    finance = personas["finance"]
    _password_login(page, live_server, finance.email)
    page.wait_for_url(f"{live_server.url}/")
    page.locator(".who").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    assert page.locator("svg.qr").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_role("textbox", name="Code").fill(_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c) for c in codes)
    page.get_by_role("button", name="Log out").click()

    _password_login(page, live_server, finance.email)
    page.wait_for_url(f"{live_server.url}/login/verify/")
    page.get_by_role("textbox", name="Code").fill(
        _code(secret, ahead=30)
    )  # the next step's code: the first one is spent
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Log out").click()

    _password_login(page, live_server, finance.email)
    page.get_by_role("textbox", name="Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "9 left" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Log out").click()

    # The login and code pages fit a phone (390 px) without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _password_login(page, live_server, finance.email)
    page.wait_for_url(f"{live_server.url}/login/verify/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("textbox", name="Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    assert "does not match" in page.locator(".field .error").inner_text()


def test_the_set_up_page_a_workspace_requires_stays_put(live_server, personas, page):
    """A person whom the workspace requires to set up two-factor reads the set-up page without it reloading: the
    page's own background requests (the notification bell) are not sent back to the set-up by the gate."""
    Workspace.objects.filter(pk=personas.workspace.pk).update(two_factor_required=True)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    _password_login(page, live_server, personas["owner"].email)
    page.wait_for_url(f"{live_server.url}/account/two-factor/setup/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    settled = len(navigations)
    page.wait_for_timeout(1500)
    assert len(navigations) == settled, navigations
    assert page.url == f"{live_server.url}/account/two-factor/setup/"
