"""No dead ends inside pages: signed in as each role, every internal link on the pages a role reaches from its home
(following links a few clicks deep) opens; none answers 403 (a link the role may not follow) or 500. A small world
with a record of each kind: two clients (one of another account manager), a project of the PM's and one of
somebody else's, knowledge, money, deals, handoffs, bookings (an unstaffed placeholder this week) and growth."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.test import Client as HttpClient
from django.utils import timezone

from baton.core.access import Actor
from baton.crm.services import contact_create
from baton.delivery import services as delivery
from baton.devdata.testing.finance import make_money_records
from baton.devdata.testing.growth import make_growth_records
from baton.devdata.testing.handoffs import make_handoff_records
from baton.devdata.testing.knowledge import make_knowledge_records
from baton.devdata.testing.personas import PASSWORD, Personas, make_personas
from baton.devdata.testing.relationships import make_relationships_records
from baton.resourcing.models import Booking

pytestmark = pytest.mark.django_db

ROLES = ["owner", "admin", "finance", "am", "pm", "member", "client_a"]
DEPTH = 4  # clicks from the home page
PER_PATTERN = 4  # pages of one shape (/projects/<n>/) visited per role
SKIP = re.compile(r"^/(api/|static/|media/|logout)|\.(pdf|csv|ics)$|/(pdf|export|download)/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _internal(href: str) -> str | None:
    if not href.startswith("/") or href.startswith("//"):
        return None
    href = href.split("#")[0]
    return None if SKIP.search(href.split("?")[0]) else href


def crawl(client: HttpClient, start: tuple[str, ...] = ("/",)) -> tuple[list[tuple[int, str, str]], int]:
    """(status, url, the page that linked it) of every link answering 403 or 5xx, and the number of pages opened."""
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    bad: list[tuple[int, str, str]] = []
    frontier = [(url, "start") for url in start]
    for _ in range(DEPTH + 1):
        found: list[tuple[str, str]] = []
        for url, source in frontier:
            pattern = re.sub(r"\d+", "N", url.split("?")[0])
            if url in seen or per_pattern[pattern] >= PER_PATTERN:
                continue
            seen.add(url)
            per_pattern[pattern] += 1
            response = client.get(url)
            if response.status_code == 403 or response.status_code >= 500:
                bad.append((response.status_code, url, source))
                continue
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = _Links()
            parser.feed(response.content.decode())
            found += [(link, url) for link in map(_internal, parser.hrefs) if link]
        frontier = found
    return bad, len(seen)


def _world() -> Personas:
    personas = make_personas()
    system = Actor.system(personas.workspace)
    pm, member, am = (personas[n].person for n in ("pm", "member", "am"))
    today = timezone.localdate()
    mine = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="PM's project", start_date=today, project_manager_id=pm.id
    )
    task = delivery.task_create(actor=system, project=mine, title="Design", assignee_id=member.id, due_date=today)
    delivery.milestone_create(actor=system, project=mine, name="Launch")
    # another project manager's project, of a client another account manager holds
    theirs = delivery.project_create(
        actor=system,
        client_id=personas.client_b.id,
        name="Someone else's project",
        start_date=today - timedelta(days=30),
        project_manager_id=personas["admin"].person.id,
        budget_amount="5000.00",
    )
    delivery.task_create(actor=system, project=theirs, title="Build", assignee_id=member.id)
    contact_b = contact_create(actor=system, client=personas.client_b, name="Ben Contact", email="ben@b.test")
    for client, contact, project in (
        (personas.client_a, personas.contact_a, mine),
        (personas.client_b, contact_b, theirs),
    ):
        make_knowledge_records(
            actor=system,
            client=client,
            contact=contact,
            project=project,
            task=task if project == mine else delivery.task_create(actor=system, project=project, title="Brief it"),
            author=member,
        )
    make_money_records(workspace=personas.workspace, project=mine, member=member, others=[personas["owner"].person])
    make_relationships_records(
        workspace=personas.workspace,
        client=personas.client_a,
        contact=personas.contact_a,
        am=am,
        seller=personas["admin"].person,
    )
    make_handoff_records(workspace=personas.workspace, draft=(am, member), sent=(am, member), gaps=(am, member))
    make_growth_records(workspace=personas.workspace, member=member, lead=pm)
    for person in (member, None):  # a booking and an unstaffed placeholder on this week's schedule
        Booking.objects.create(
            workspace=personas.workspace,
            person=person,
            project=mine,
            start_date=today - timedelta(days=2),
            end_date=today + timedelta(days=9),
            minutes_per_day=240,
            skill="" if person else "figma",
        )
    return personas


def test_no_link_on_any_page_answers_403_or_500_for_the_role_that_sees_it():
    personas = _world()
    report = {}
    for role in ROLES:
        client = HttpClient(raise_request_exception=False)
        assert client.login(email=personas[role].email, password=PASSWORD)
        bad, opened = crawl(client)
        assert opened > 15, (role, opened)  # the crawl really walked the app
        report[role] = bad
    assert report == {role: [] for role in ROLES}


def test_the_crawl_reports_a_forbidden_page_with_where_it_was_linked():
    personas = make_personas()
    client = HttpClient(raise_request_exception=False)
    assert client.login(email=personas["member"].email, password=PASSWORD)
    bad, _ = crawl(client, start=("/", "/finance/"))
    assert bad == [(403, "/finance/", "start")]


def test_the_can_tag_asks_the_access_policy_with_the_record():
    personas = make_personas()
    system = Actor.system(personas.workspace)
    theirs = delivery.project_create(
        actor=system,
        client_id=personas.client_b.id,
        name="Not the PM's",
        project_manager_id=personas["admin"].person.id,
    )
    page = Template(
        '{% load access %}{% can "staffing" "view" as a %}{% can "budget" "view" project as b %}{{ a }} {{ b }}'
    )
    shown = {role: page.render(Context({"actor": personas[role].actor, "project": theirs})) for role in ROLES}
    assert shown == {
        "owner": "True True",
        "admin": "True True",
        "finance": "False True",
        "am": "True False",  # client B is not the AM's
        "pm": "True False",  # another PM's project
        "member": "False False",
        "client_a": "False False",
    }
    assert Template('{% load access %}{% can "staffing" "view" as a %}{{ a }}').render(Context({})) == "False"
