"""Every page of the main navigation, for every demo role, on a phone (390x844) and a laptop (1440x900): it opens,
the page never scrolls sideways on the phone, the browser logs no error (a CSP violation included), and axe-core
(npm, node_modules/axe-core) finds no serious or critical accessibility violation. On the phone the navigation sits behind the Menu button.

One demo agency and one browser context per role (pages reused), so the whole tour stays a few minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from baton.devdata.demo.agency import DEMO_LOGINS, DEMO_PASSWORD
from baton.devdata.demo.agency import generate as generate_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}
SETTLED = "() => !document.querySelector('.htmx-request')"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/**")
    page.locator("header.topbar").wait_for()


def _tour(page, base: str, role: str, hrefs: list[str], size: str, errors: list[str]) -> list[str]:
    problems: list[str] = []
    axe_source = AXE.read_text()
    for href in hrefs:
        errors.clear()
        response = page.goto(base + href)
        page.wait_for_function(SETTLED)  # htmx's requests made on load (the bell, lazy parts) have answered
        where = f"{role} {size} {href}"
        if response is None or response.status != 200:
            problems.append(f"{where}: answered {response.status if response else 'nothing'}")
            continue
        if size == "phone":
            wide, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if wide > viewport:
                problems.append(f"{where}: the page scrolls sideways ({wide} px wide at {viewport})")
        # Every chart on the page is drawn (the shared scaffold, baton/static/baton/charts.js, found its builder).
        undrawn = page.evaluate(
            "Array.from(document.querySelectorAll('canvas[data-chart]')).filter(c => !c.dataset.drawn)"
            ".map(c => c.dataset.chart)"
        )
        if undrawn:
            problems.append(f"{where}: charts not drawn: {undrawn}")
        if size == "phone" or href == hrefs[0]:  # axe on every page on the phone, and on the laptop's shell once
            # Evaluated, not added as a <script>: the page's CSP (script-src 'self') refuses an inline one, and
            # bypassing the CSP would hide the violations this tour should report.
            page.evaluate(axe_source)
            problems.extend(f"{where}: axe {violation}" for violation in page.evaluate(RUN_AXE))
        problems.extend(f"{where}: console {error}" for error in errors)
    return problems


def test_every_main_page_for_every_role_on_a_phone_and_a_laptop(live_server, browser):
    assert AXE.exists(), "axe-core is missing: npm ci installs it (package.json devDependencies)"
    generate_demo()
    base = live_server.url
    problems: list[str] = []
    for role, email in DEMO_LOGINS:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console", lambda message, errors=errors: errors.append(message.text) if message.type == "error" else None
        )
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        _log_in(page, base, email)

        # On the phone the navigation is folded behind an accessible Menu button.
        menu = page.get_by_role("button", name="Menu")
        nav = page.get_by_role("navigation", name="Main")
        assert menu.get_attribute("aria-expanded") == "false" and not nav.is_visible(), role
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true" and nav.is_visible(), role
        hrefs = [
            href
            for href in nav.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            if href.startswith("/") and not href.startswith("/api/")
        ]
        assert len(hrefs) >= 5, (role, hrefs)
        page.keyboard.press("Escape")
        assert menu.get_attribute("aria-expanded") == "false", role

        problems += _tour(page, base, role, hrefs, "phone", errors)
        page.set_viewport_size(LAPTOP)
        page.goto(base + "/")
        assert page.get_by_role("navigation", name="Main").is_visible() and not menu.is_visible(), role
        problems += _tour(page, base, role, hrefs, "laptop", errors)
        context.close()
    assert not problems, "\n".join(problems)
