"""A new hire's onboarding in a browser, at a desktop and a phone width: created with a role whose template and
lessons exist, they log in, see their plan on the home (the API's figures), tick an item, then pass the quiz
assigned to their role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from baton.devdata.testing.personas import PASSWORD
from baton.growth.models import LessonAssignment, OnboardingPlan
from baton.growth.services import onboarding, training
from baton.people.services import person_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ITEMS = [
    {"title": "Laptop and accounts", "day_offset": 0, "owner": "lead"},
    {"title": "Read the handbook", "day_offset": 1, "owner": "hire"},
    {"title": "Shadow a client call", "day_offset": 5, "owner": "buddy"},
]
QUIZ = [
    {"question": "Who confirms a handoff?", "choices": ["The sender", "The receiver"], "answer": 1},
    {"question": "Time is logged in", "choices": ["minutes", "days"], "answer": 0},
]


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
def test_a_new_hire_sees_the_plan_ticks_an_item_and_passes_the_quiz(live_server, personas, browser, size):
    owner = personas["owner"].actor
    onboarding.onboarding_template_save(actor=owner, name="Welcome", role="member", items=ITEMS)
    training.lesson_save(
        actor=owner, title="Baton basics", kind="quiz", questions=QUIZ, pass_mark=100, roles=["member"]
    )
    hire = person_create(
        actor=owner,
        name="Nina New",
        email="nina@example.test",
        role="member",
        lead_id=personas["pm"].person.pk,
        password=PASSWORD,
    )
    plan = OnboardingPlan.objects.get(person=hire)
    onboarding.onboarding_plan_update(actor=owner, plan=plan, version=plan.version, buddy_id=personas["am"].person.pk)

    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("nina@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")

    block = page.locator(".onboarding-home")
    expect(block.get_by_role("heading", name="Onboarding")).to_be_visible()
    expect(block.locator('[data-figure="onboarding_done"]')).to_have_text("0")
    expect(block.locator('[data-figure="onboarding_items"]')).to_have_text("3")
    expect(block).to_contain_text(personas["am"].person.name)  # the buddy

    block.get_by_role("button", name="Mark “Read the handbook” done").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator('[data-figure="onboarding_done"]')).to_have_text("1")
    expect(page.locator('[data-figure="onboarding_percent"]')).to_have_text("33%")
    expect(page.locator(".onboarding-home")).not_to_contain_text("Read the handbook")

    page.locator(".onboarding-home").get_by_role("link", name="My training").click()
    page.get_by_role("link", name="Baton basics").first.click()
    expect(page.get_by_role("heading", name="Baton basics")).to_be_visible()
    page.get_by_label("The receiver").check()
    page.get_by_label("minutes").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text(re.compile(r"Passed: you scored 100%"))).to_be_visible()
    expect(page.locator('[data-figure="status"]')).to_have_text("Completed")
    assert errors == []
    context.close()

    assert LessonAssignment.objects.get(person=hire, lesson__title="Baton basics").status == "completed"
    api = personas["owner"].api().get(f"/api/v1/onboarding-plans/{plan.pk}").json()
    assert api["progress"]["done"] == 1
    assert [i["completed_by_id"] for i in api["items"] if i["completed_at"]] == [hire.pk]
