"""A project manager books someone on the schedule, sees the heatmap change, and accepts a staffing suggestion."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.devdata.testing.personas import PASSWORD
from baton.people.services import person_create
from baton.resourcing import services as resourcing
from baton.resourcing.models import Booking

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "test-artifacts"
MONDAY = date(2030, 3, 4)


def test_book_someone_and_accept_a_suggestion(live_server, personas, page):
    system = Actor.system(personas.workspace)
    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Website relaunch", status="active"
    )
    other = delivery.project_create(actor=system, client_id=personas.client_b.id, name="Spring campaign")

    def person(name, skills, cost):
        return person_create(
            actor=system,
            name=name,
            email=f"{name.split()[0].lower()}@studio.test",
            role="member",
            title="Developer",
            skills=skills,
            cost_rate=Decimal(cost),
            bill_rate=Decimal("140"),
        )

    ann = person("Ann Archer", ["react", "python"], "45")
    bob = person("Bob Baker", ["react"], "60")
    resourcing.booking_create(
        actor=system,
        person_id=bob.id,
        project_id=other.id,
        start_date=MONDAY,
        end_date=MONDAY + timedelta(days=4),
        minutes_per_day=300,
        tentative=True,
    )
    placeholder = resourcing.booking_create(
        actor=system,
        project_id=project.id,
        skill="react",
        role="Developer",
        start_date=MONDAY + timedelta(days=7),
        end_date=MONDAY + timedelta(days=11),
        minutes_per_day=240,
    )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(personas["pm"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Schedule", exact=True).first.click()
    page.get_by_role("heading", name="Schedule").wait_for()
    page.goto(f"{live_server.url}/schedule/?start={MONDAY}")

    ann_row = page.locator(f"tbody[data-person='{ann.id}'] tr.heat td.cell")
    assert ann_row.nth(0).get_attribute("class") == "cell load-0"

    # Book Ann for a full week through the htmx panel.
    page.get_by_role("link", name="Book someone").click()
    form = page.locator("#booking-form")
    form.wait_for()
    form.get_by_label("Person").select_option(label="Ann Archer · Developer")
    form.get_by_label("Project").select_option(label="Client A · Website relaunch")
    form.get_by_label("From").fill(str(MONDAY))
    form.get_by_label("To").fill(str(MONDAY + timedelta(days=4)))
    form.get_by_label("Minutes a day").fill("480")
    form.get_by_role("button", name="Save booking").click()
    page.get_by_text(re.compile("Booked Ann Archer")).wait_for()

    ann_row = page.locator(f"tbody[data-person='{ann.id}'] tr.heat td.cell")
    assert [ann_row.nth(i).get_attribute("class") for i in range(7)] == ["cell load-5"] * 5 + ["cell off"] * 2
    assert page.locator(f"tbody[data-person='{ann.id}'] a.bar", has_text="Website relaunch").count() == 1
    assert Booking.objects.filter(person=ann, project=project).count() == 1

    # Overbook Bob on Monday so the red cell shows in the screenshot.
    resourcing.booking_create(
        actor=system, person_id=bob.id, project_id=project.id, start_date=MONDAY, end_date=MONDAY, minutes_per_day=300
    )
    page.reload()
    bob_monday = page.locator(f"tbody[data-person='{bob.id}'] tr.heat td.cell").nth(0)
    assert bob_monday.get_attribute("class") == "cell over"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "schedule.png"), full_page=True)

    # Staffing suggestions: the placeholder goes to Ann, the cheaper developer with react who is free that week.
    page.get_by_role("link", name="Staffing suggestions").click()
    row = page.get_by_role("row", name=re.compile("Website relaunch"))
    assert "Ann Archer" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "staffing.png"), full_page=True)
    row.get_by_role("button", name=re.compile("Accept")).click()
    page.get_by_text(re.compile("Ann Archer now has")).wait_for()
    placeholder.refresh_from_db()
    assert placeholder.person_id == ann.id
    page.goto(f"{live_server.url}/schedule/?start={MONDAY + timedelta(days=7)}")
    assert page.locator(f"tbody[data-person='{ann.id}'] tr.heat td.cell").nth(0).get_attribute("class") == (
        "cell load-3"
    )
