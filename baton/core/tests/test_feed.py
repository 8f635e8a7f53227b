"""Activity feeds (core.feed): people's actions come first, and Baton's repeated events fold into one line per kind
("Baton escalated 15 handoffs") that opens to list them, on every feed (the activity page, a client's page)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from baton.core.feed import FeedItem, activity_feed, fold
from baton.core.models import Event
from baton.core.templatetags.baton import group_sentence
from baton.devdata.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _event(personas, verb: str, minutes_ago: int, *, by: str | None = None, label: str = "", target_id: int = 1):
    person = personas[by].person if by else None
    return Event.objects.create(
        workspace=personas.workspace,
        verb=verb,
        actor_id=person.id if person else None,
        actor_name=person.name if person else "",
        target_type=verb.partition(".")[0],
        target_id=target_id,
        target_label=label,
        client_id=personas.client_a.id,
        occurred_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def escalations(personas):
    """Fifteen escalations by Baton in the last quarter hour, and two older actions of people."""
    Event.objects.filter(workspace=personas.workspace).delete()  # the personas' own set-up events
    escalated = [_event(personas, "handoff.escalated", n, label=f"Handoff {n}", target_id=n) for n in range(1, 16)]
    older = _event(personas, "client.updated", 120, by="am", label="Client A")
    newer = _event(personas, "task.created", 60, by="pm", label="Wireframes")
    return escalated, newer, older


def test_people_first_then_baton_folded(personas, escalations):
    escalated, newer, older = escalations
    lines = activity_feed(actor=personas["owner"].actor)
    assert [(line.by_person, line.count) for line in lines] == [(True, 1), (True, 1), (False, 15)]
    assert [lines[0].event, lines[1].event] == [newer, older]  # people's, newest first, though older than Baton's
    assert lines[2].events == escalated  # newest first
    assert group_sentence(lines[2]) == "escalated 15 handoffs"
    assert group_sentence(lines[0]) == "added task"


def test_fold_keeps_single_events_of_baton_as_lines_and_orders_kinds_by_latest(personas):
    Event.objects.filter(workspace=personas.workspace).delete()
    once = _event(personas, "client.am_changed", 5, label="Client A")
    entries = [_event(personas, "time_entry.created", m, target_id=m) for m in (30, 40)]
    lines = fold([*entries, once])
    assert [(line.verb, line.count, line.folded) for line in lines] == [
        ("client.am_changed", 1, False),
        ("time_entry.created", 2, True),
    ]
    assert group_sentence(lines[1]) == "added 2 time entries"
    assert fold(lines) == lines  # lines already folded pass through


def test_the_activity_page_shows_one_line_that_opens_to_the_fifteen(personas, escalations):
    client = HttpClient()
    assert client.login(email=personas["owner"].email, password=PASSWORD)
    html = client.get("/activity/").content.decode()
    feed = html[html.index('id="feed"') :]
    assert feed.index("Wireframes") < feed.index("Client A") < feed.index("escalated 15 handoffs")
    folded = re.search(r'<li class="feed-folded">\s*<details>(.*?)</details>', feed, re.S)
    assert folded is not None and "Baton" in folded.group(1)
    assert folded.group(1).count("<li>") == 15 and "Handoff 15" in folded.group(1)
    assert "escalated handoff" not in html  # no line per escalation
    only_baton = client.get("/activity/?who=baton").content.decode()
    assert "escalated 15 handoffs" in only_baton and "Wireframes" not in only_baton
    only_people = client.get("/activity/?who=people").content.decode()
    assert "Wireframes" in only_people and "escalated" not in only_people


def test_a_client_page_feed_folds_too(personas, escalations):
    client = HttpClient()
    assert client.login(email=personas["am"].email, password=PASSWORD)
    html = client.get(f"/clients/{personas.client_a.id}/").content.decode()
    assert "escalated 15 handoffs" in html and "Wireframes" in html
    lines = html[html.index('id="feed"') :]
    assert lines.index("Wireframes") < lines.index("escalated 15 handoffs")


def test_a_page_feed_keeps_the_latest_kinds_of_baton(personas):
    Event.objects.filter(workspace=personas.workspace).delete()
    for n, verb in enumerate(f"kind{k}.happened" for k in range(12)):
        _event(personas, verb, n + 1)
    lines = activity_feed(actor=personas["owner"].actor)
    assert all(isinstance(line, FeedItem) and not line.by_person for line in lines)
    assert [line.verb for line in lines] == [f"kind{k}.happened" for k in range(8)]


def test_repeats_about_one_record_read_as_that_record_times_n(personas):
    Event.objects.filter(workspace=personas.workspace).delete()
    for minutes in (5, 10):
        _event(personas, "project.status_changed", minutes, label="Website", target_id=7)
    (line,) = activity_feed(actor=personas["owner"].actor, target_type="project", target_id=7)
    assert line.folded and line.one_target and group_sentence(line) == "changed the status of project"
    client = HttpClient()
    assert client.login(email=personas["owner"].email, password=PASSWORD)
    html = client.get("/activity/").content.decode()
    shown = r'changed the status of project</span> <span class="target">Website</span>\s*<span[^>]*>\u00d7 2'
    assert re.search(shown, html)
