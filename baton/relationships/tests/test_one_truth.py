"""One figure, one selector (issue 17): a client's health and what its cadence asks for read the same on the AM's
home, the portfolio page, the account page and the API, at the same (frozen) moment."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module

import time_machine
from django.apps import apps
from django.test import Client as WebClient
from django.utils import timezone

from baton.core.access import Actor
from baton.crm.services import client_create
from baton.knowledge.models import ClientKnowledge
from baton.relationships import selectors, services
from baton.relationships.models import ClientGoal, HealthSnapshot


def _moment(personas) -> datetime:
    """A Wednesday at 11:00 UTC nine weeks after the personas' clients began: cadence items have come due by then.
    Relative to the personas, not a fixed date, because the suite may run on a moved clock (CI's later passes)."""
    began = personas.client_a.created_at.date()
    day = began + timedelta(weeks=9)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime.combine(day, time(11, 0), tzinfo=UTC)


def web(persona) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


def _figure(score: int, band: str) -> str:
    """How the pages write a score: "65 · watch"."""
    return f"{score} · {band.replace('_', ' ').lower()}"


def test_health_is_live_and_the_same_on_the_am_home_portfolio_account_page_and_api(personas):
    """The AM's home read yesterday's snapshot (73 · healthy) while the portfolio and the account page computed it
    live (65 · watch). Now every page and the API read the live score; the snapshot is the trend, shown "as of"."""
    client = personas.client_a
    with time_machine.travel(_moment(personas), tick=False):
        today = timezone.localdate()
        services.health_snapshot_take(personas.workspace, today - timedelta(days=1))
        services.escalation_open(actor=Actor.system(personas.workspace), client=client, title="Launch slipped")
        am = personas["am"]
        health = am.api().get(f"/api/v1/clients/{client.id}/health").json()
        snapshot = HealthSnapshot.objects.get(client=client, taken_on=today - timedelta(days=1))
        assert snapshot.score != health["score"]  # the escalation moved the live score since yesterday's snapshot

        live = _figure(health["score"], health["band"])
        home = web(am).get("/").content.decode()
        portfolio_page = web(am).get("/relationships/portfolio/").content.decode()
        account_page = web(am).get(f"/relationships/accounts/{client.id}/").content.decode()
        for name, page in (("portfolio", portfolio_page), ("account", account_page)):
            assert live in page, name
        # The AM's home writes each account as a card: the score in its badge, then the band.
        band_words = health["band"].replace("_", " ")
        assert f'data-figure="score">{health["score"]}</span> <span class="band-label">{band_words}<' in home
        assert f'data-figure="score">{snapshot.score}</span>' not in home
        card = next(
            a for a in am.api().get("/api/v1/home").json()["figures"]["accounts"] if a["client_id"] == client.id
        )
        assert (card["score"], card["band"]) == (health["score"], health["band"])
        assert (
            "The trend keeps one snapshot a day; the latest, as of" in account_page
        )  # the snapshot, where shown, says when
        assert health["as_of"] == today.isoformat()
        assert health["trend"][-1] == {
            "date": snapshot.taken_on.isoformat(),
            "score": snapshot.score,
            "band": snapshot.band,
        }

        row = next(r for r in am.api().get("/api/v1/portfolio").json()["results"] if r["client_id"] == client.id)
        assert (row["score"], row["band"], row["as_of"]) == (health["score"], health["band"], health["as_of"])
        block = selectors.am_home(am.actor)
        assert block is not None
        mine = next(r for r in block["portfolio"] if r["client"].pk == client.id)
        assert (mine["score"], mine["band"], mine["as_of"]) == (health["score"], health["band"], today)
        assert mine["top_risk"] == row["top_risk"]


def _due_in_list(page: str, client_id: int, name: str) -> int:
    """Items of the "Cadence due" list naming this client (the list's link is followed by a colon)."""
    return len(re.findall(rf'<a href="/relationships/accounts/{client_id}/">{re.escape(name)}</a>: ', page))


def test_cadence_due_counts_in_the_table_equal_the_due_list_for_every_role(personas):
    """A project manager's portfolio said "Nimbus 9 (2 overdue)" above "Cadence due today: Nothing due" (the list
    was the PM's own clients, the table everyone's), and a prospect counted in the table but never in the list. One
    selector (`due_rows`) now gives both, over the same clients."""
    system = Actor.system(personas.workspace)
    with time_machine.travel(_moment(personas), tick=False):
        prospect = client_create(
            actor=system, name="Prospect P", status="prospect", account_manager_id=personas["am"].person.id
        )
        for role in ("pm", "am", "owner"):
            persona = personas[role]
            data = persona.api().get("/api/v1/portfolio").json()
            due = data["cadence_due_today"]
            assert data["results"], role
            page = web(persona).get("/relationships/portfolio/").content.decode()
            assert sum(r["cadence_due"] for r in data["results"]) == len(due) > 0, role
            for row in data["results"]:
                items = [i for i in due if i["client_id"] == row["client_id"]]
                assert row["cadence_due"] == len(items), (role, row["client_name"])
                assert row["cadence_overdue"] == sum(1 for i in items if i["status"] == "overdue")
                assert _due_in_list(page, row["client_id"], row["client_name"]) == len(items), (role, row)
                cadence = persona.api().get(f"/api/v1/clients/{row['client_id']}/cadence").json()
                assert (cadence["due_count"], cadence["overdue_count"]) == (row["cadence_due"], row["cadence_overdue"])
            if role == "am":
                assert next(r for r in data["results"] if r["client_id"] == prospect.id)["cadence_due"] == 0
                block = selectors.am_home(persona.actor)
                assert block is not None
                assert [(i["client_id"], i["item"]) for i in block["due"]] == [(i["client_id"], i["item"]) for i in due]
        # "due" is due today, "overdue" is due before today: the same words on every item.
        for item in due:
            assert item["status"] == ("overdue" if item["due_on"] < timezone.localdate().isoformat() else "due")


def test_goals_written_on_knowledge_records_become_client_goals(personas):
    """The migration that made /client-goals the one list: a knowledge record's free-text goals become client goals
    (not twice, the target's number kept), and the record's list is emptied."""
    migration = import_module("baton.relationships.migrations.0002_knowledge_goals_into_client_goals")
    client = personas.client_a
    system = Actor.system(personas.workspace)
    services.goal_create(actor=system, client=client, title="Grow leads", metric="MQLs", target="120")
    ClientKnowledge.objects.create(
        client=client,
        workspace=personas.workspace,
        goals=[
            {"goal": "Grow leads", "kpi": "MQLs", "target": "120"},
            {"goal": "Win an award", "kpi": "", "target": "1,500 votes by Q3"},
            {"goal": "Be loved", "kpi": "NPS", "target": "high"},
        ],
    )
    migration.forwards(apps, None)
    goals = {g.title: g for g in ClientGoal.objects.filter(client=client)}
    assert sorted(goals) == ["Be loved", "Grow leads", "Win an award"]
    assert goals["Win an award"].target == Decimal("1500") and goals["Win an award"].metric == "Win an award"
    assert goals["Be loved"].target == 0 and "“high”" in goals["Be loved"].description
    assert ClientKnowledge.objects.get(pk=client.pk).goals == []
