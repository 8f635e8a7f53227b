"""Figures on the main pages are written for people (baton/core/formats.py): no raw minutes, no ISO dates in the
text, money with its separators; the workspace's locale and the person's duration style change how, and are set on
the workspace settings page, the account page and `PATCH /api/v1/me`."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client as HttpClient

from baton.core import formats
from baton.core.models import Event, User, Workspace
from baton.core.registry import render_template
from baton.devdata.testing.finance import log, make_money_records, make_project, make_task
from baton.devdata.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

# "1080 minutes", "90 min" (formats write "18 h", "1 h 30 min", "45 min"); "3 minutes ago" is a relative time
RAW_MINUTES = re.compile(r"\b\d+\s+minutes\b(?!\s+ago)|\b(\d{3,}|[6-9]\d) min\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
UNSEPARATED_MONEY = re.compile(r"(?<![\d,.])\d{4,}\.\d{2}\b")  # "16000.00" (the locale writes 16,000.00)


class _Text(HTMLParser):
    """The text a person reads: element text outside <script>, <style> and <template>, attributes left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def logged_in(personas, name: str) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas[name].email, password=PASSWORD)
    return client


def test_raw_minutes_are_told_from_durations():
    assert RAW_MINUTES.search("over by 1080 minutes") and RAW_MINUTES.search("needs 90 min")
    assert not RAW_MINUTES.search("1 h 30 min · 45 min · 18 h · 3 minutes ago")


def test_visible_text_leaves_out_attributes_and_scripts():
    html = '<p title="2026-12-06">Due <time datetime="2026-12-06">Dec 6, 2026</time></p><script>x="90 minutes"</script>'
    assert visible_text(html) == "Due Dec 6, 2026"


@pytest.fixture
def agency(personas):
    """A project with a 16,000.00 budget, tasks, time logged, a change order, an expense and invoices."""
    project = make_project(
        personas,
        "Website",
        budget_amount=Decimal("16000.00"),
        budget_minutes=6000,
        start_date=date(2026, 12, 6),
        end_date=date(2030, 6, 30),
    )
    make_task(personas, project, "Design", estimate=1080)
    ids = make_money_records(workspace=personas.workspace, project=project, member=personas["member"].person)
    log(personas, "member", project, 1080, date(2030, 3, 5))
    return {"project": project, **ids}


def test_main_pages_write_figures_for_people(personas, agency):
    project = agency["project"]
    pages = {
        "member": [
            "/time/?week=2030-03-02",
            "/time/entries/?week=2030-03-02",
            "/projects/my-tasks/",
        ],
        "pm": [f"/projects/{project.pk}/", "/projects/", f"/finance/projects/{project.pk}/"],
        "finance": [
            f"/finance/invoices/{agency['invoice_id']}/",
            "/finance/invoices/",
            f"/finance/projects/{project.pk}/",
            "/time/approvals/",
            "/finance/",
        ],
        "owner": ["/people/", f"/people/{personas['member'].person.pk}/", "/schedule/", "/schedule/utilization/"],
    }
    seen = 0
    for who, urls in pages.items():
        client = logged_in(personas, who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            text = visible_text(response.content.decode())
            for pattern in (RAW_MINUTES, ISO_DATE, UNSEPARATED_MONEY):
                found = pattern.search(text)
                assert not found, (who, url, text[max(0, found.start() - 200) : found.end() + 60])
            seen += 1
    assert seen == 15
    project_page = visible_text(logged_in(personas, "pm").get(f"/projects/{project.pk}/").content.decode())
    assert "$16,000.00" in project_page  # the budget with its currency, not "16000.00 USD"
    assert "100 h" in project_page and "18 h" in project_page  # the budget and the estimate, not 6000 minutes
    assert "Dec 6, 2026" in project_page  # the start date as en_US writes it


def test_the_workspace_locale_changes_how_dates_and_money_are_written(personas, agency):
    project = agency["project"]
    owner = logged_in(personas, "owner")
    form = owner.get("/workspace/settings/").content.decode()
    assert 'name="locale"' in form and '<option value="en_GB"' in form
    workspace = personas.workspace
    response = owner.post(
        "/workspace/settings/",
        {
            "name": workspace.name,
            "currency": workspace.currency,
            "locale": "en_GB",
            "max_portfolio_size": workspace.max_portfolio_size,
            "version": Workspace.objects.get(pk=workspace.pk).version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Workspace.objects.get(pk=workspace.pk).locale == "en_GB"
    assert Event.objects.filter(verb="workspace.updated", data__changes__locale=["en_US", "en_GB"]).exists()
    page = visible_text(logged_in(personas, "pm").get(f"/projects/{project.pk}/").content.decode())
    assert "6 Dec 2026" in page and "Dec 6, 2026" not in page
    assert "US$16,000.00" in page  # en_GB names the dollar it means

    response = owner.post(
        "/workspace/settings/",
        {
            "name": workspace.name,
            "currency": workspace.currency,
            "locale": "de_DE",
            "max_portfolio_size": workspace.max_portfolio_size,
            "version": Workspace.objects.get(pk=workspace.pk).version,
        },
    )
    assert response.status_code == 302
    page = visible_text(logged_in(personas, "pm").get(f"/projects/{project.pk}/").content.decode())
    assert "06.12.2026" in page and "16.000,00" in page


def test_a_locale_set_through_the_api_stays_offered_on_the_settings_page(personas):
    Workspace.objects.filter(pk=personas.workspace.pk).update(locale="pt_BR")
    form = logged_in(personas, "owner").get("/workspace/settings/").content.decode()
    assert re.search(r'<option value="pt_BR" selected>', form)


def test_an_unknown_locale_is_refused_on_the_settings_page(personas):
    workspace = personas.workspace
    response = logged_in(personas, "owner").post(
        "/workspace/settings/",
        {
            "name": workspace.name,
            "currency": workspace.currency,
            "locale": "xx_YY",
            "max_portfolio_size": workspace.max_portfolio_size,
            "version": workspace.version,
        },
    )
    assert response.status_code == 400
    assert Workspace.objects.get(pk=workspace.pk).locale == "en_US"


def test_a_person_chooses_decimal_hours_on_the_account_page(personas, agency):
    project = agency["project"]
    pm = logged_in(personas, "pm")
    account = pm.get("/account/").content.decode()
    assert 'name="duration_style"' in account and '<option value="hm" selected>' in account
    response = pm.post("/account/preferences/", {"duration_style": "decimal"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert User.objects.get(email=personas["pm"].email).duration_style == "decimal"
    event = Event.objects.get(verb="preferences.updated")
    assert event.data == {"duration_style": ["hm", "decimal"]} and event.actor_id == personas["pm"].person.pk
    page = visible_text(pm.get(f"/projects/{project.pk}/").content.decode())
    assert "100 h" in page and "18 h" in page and "1.5 h" not in page
    make_task(personas, project, "Copy", estimate=90)
    page = visible_text(pm.get(f"/projects/{project.pk}/").content.decode())
    assert "1.5 h" in page and "1 h 30 min" not in page
    # Another person of the workspace still reads hours and minutes.
    other = visible_text(logged_in(personas, "owner").get(f"/projects/{project.pk}/").content.decode())
    assert "1 h 30 min" in other and "1.5 h" not in other
    # Saving the same style again changes nothing and logs nothing.
    pm.post("/account/preferences/", {"duration_style": "decimal"})
    assert Event.objects.filter(verb="preferences.updated").count() == 1


def test_an_unknown_duration_style_is_refused(personas):
    response = logged_in(personas, "member").post("/account/preferences/", {"duration_style": "minutes"})
    assert response.status_code == 400
    assert User.objects.get(email=personas["member"].email).duration_style == "hm"


def test_the_duration_style_through_the_api(personas):
    member = personas["member"]
    headers = {"Authorization": f"Bearer {member.token}"}
    client = HttpClient()
    assert client.get("/api/v1/me", headers=headers).json()["duration_style"] == "hm"
    response = client.patch(
        "/api/v1/me", {"duration_style": "decimal"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200 and response.json()["duration_style"] == "decimal"
    assert User.objects.get(email=member.email).duration_style == "decimal"
    refused = client.patch(
        "/api/v1/me", {"duration_style": "minutes"}, content_type="application/json", headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "duration_style"
    unknown = client.patch("/api/v1/me", {"locale": "de_DE"}, content_type="application/json", headers=headers)
    assert unknown.status_code == 422


def test_rule_placeholders_write_durations_and_dates_in_the_workspace_locale(personas):
    document = {"data": {"spent_minutes": 1080, "due_on": "2026-12-06", "count": 3}, "target_label": "Website"}
    workspace = Workspace.objects.get(pk=personas.workspace.pk)
    workspace.locale = "en_GB"
    with formats.using(workspace):  # what the worker does around an event's notifications and rules
        text = render_template(
            "{target_label}: {data.spent_minutes} by {data.due_on} ({data.count})", document, human=True
        )
    assert text == "Website: 18 h by 6 Dec 2026 (3)"
    assert render_template("{data.due_on} {data.spent_minutes}", document) == "2026-12-06 1080"  # setters: as stored


def test_a_budget_alert_names_its_project(personas):
    project = make_project(personas, "Harbor launch", budget_amount=Decimal("0"), budget_minutes=600)
    for day in (2, 3, 4, 5):
        log(personas, "member", project, 150, date(2030, 3, day))
    labels = list(Event.objects.filter(verb="budget.threshold_crossed").values_list("target_label", flat=True))
    assert labels and all(label.endswith("% of the budget of Harbor launch") for label in labels), labels
    assert "100% of the budget of Harbor launch" in labels
