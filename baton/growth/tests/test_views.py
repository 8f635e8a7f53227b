"""The growth pages through HTTP: each renders, forms save through the services, access holds, the team view's
query count does not grow with the team."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from baton.devdata.testing.personas import Personas
from baton.growth import services
from baton.growth.models import Assessment, DevelopmentGoal, EvidenceRule, PracticeScenario, PracticeSession
from baton.people.models import Person
from baton.people.services import person_create

pytestmark = pytest.mark.django_db


def browser(persona):
    client = HttpClient()
    client.force_login(persona.person.membership.user)
    return client


@pytest.fixture
def team(personas: Personas) -> Personas:
    Person.objects.filter(pk=personas["am"].person.pk).update(lead=personas["pm"].person)
    services.framework_ensure(personas.workspace)
    return personas


def test_every_page_renders(team):
    am, pm, owner = team["am"], team["pm"], team["owner"]
    services.evidence_create(
        actor=pm.actor, person_id=am.person.id, behaviour="leadership.tone", summary="Calm and clear."
    )
    services.goal_create(
        actor=am.actor, person_id=am.person.id, trait="trust", title="Prepare every call", actions=["Agenda"]
    )
    scenario = PracticeScenario.objects.filter(workspace=team.workspace).first()
    session = services.practice_log(actor=am.actor, scenario_id=scenario.id, partner_id=team["member"].person.id)
    rule = EvidenceRule.objects.filter(workspace=team.workspace).first()
    client = browser(am)
    assert client.get("/growth/").status_code == 302
    page = client.get(f"/growth/people/{am.person.id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Calm and clear." in html and "Prepare every call" in html and scenario.title in html
    assert "vendor/chart.js/chart.umd.min.js" in html
    partial = client.get(
        f"/growth/people/{am.person.id}/?trait=leadership&part=evidence", headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200 and "Calm and clear." in partial.content.decode()
    for url in (
        "/growth/team/",
        "/growth/practice/",
        "/growth/framework/",
        f"/growth/people/{am.person.id}/assess/?period=2026-H1",
        f"/growth/people/{am.person.id}/evidence/new/",
        f"/growth/people/{am.person.id}/goals/new/",
    ):
        assert client.get(url).status_code == 200, url
    assert browser(team["member"]).get(f"/growth/practice/{session.id}/rate/").status_code == 200
    boss = browser(owner)
    for url in (
        "/growth/framework/",
        f"/growth/framework/rules/{rule.id}/edit/",
        "/growth/framework/rules/new/",
        "/growth/team/",
    ):
        assert boss.get(url).status_code == 200, url
    assert browser(pm).get("/growth/team/").content.decode().count(am.person.name) >= 1


def test_self_assessment_form_saves_and_names_bad_scores(team):
    am = team["am"]
    client = browser(am)
    url = f"/growth/people/{am.person.id}/assess/?period=2026-H1"
    bad = client.post(url, {"period": "2026-H1", "score__trust__clarity": "9"})
    assert bad.status_code == 400
    assert not Assessment.objects.exists()
    saved = client.post(
        url, {"period": "2026-H1", "score__trust__clarity": "4", "score__leadership__tone": "3", "note": "OK"}
    )
    assert saved.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.kind, assessment.scores) == ("self", {"trust.clarity": 4, "leadership.tone": 3})
    # Editing the same period updates it.
    client.post(url, {"period": "2026-H1", "score__trust__clarity": "5"})
    assessment.refresh_from_db()
    assert assessment.scores["trust.clarity"] == 5 and assessment.version == 2
    # The manager's form writes a manager assessment.
    browser(team["pm"]).post(
        f"/growth/people/{am.person.id}/assess/?period=2026-H1", {"period": "2026-H1", "score__trust__clarity": "3"}
    )
    assert Assessment.objects.get(kind="manager").assessor_id == team["pm"].person.id


def test_rule_and_goal_forms(team):
    owner = browser(team["owner"])
    response = owner.post(
        "/growth/framework/rules/new/",
        {
            "name": "Decision recorded",
            "verb": "decision.created",
            "conditions": '[{"field": "data.decided_by", "op": "exists", "value": true}]',
            "credit": "data.decided_by",
            "behaviour": "leadership.decision_making",
            "polarity": "positive",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert EvidenceRule.objects.get(name="Decision recorded").conditions[0]["op"] == "exists"
    bad = owner.post(
        "/growth/framework/rules/new/",
        {"name": "x", "verb": "nope", "credit": "who", "behaviour": "trust.clarity", "polarity": "positive"},
    )
    assert bad.status_code == 400
    assert browser(team["am"]).get("/growth/framework/rules/new/").status_code == 200  # the page; saving is refused
    refused = browser(team["am"]).post(
        "/growth/framework/rules/new/",
        {"name": "x", "verb": "a.b", "credit": "actor", "behaviour": "trust.clarity", "polarity": "positive"},
    )
    assert refused.status_code in (400, 403)
    assert not EvidenceRule.objects.filter(name="x").exists()
    am = team["am"]
    browser(am).post(
        f"/growth/people/{am.person.id}/goals/new/",
        {"trait": "growth", "title": "Ask one more question", "actions": "A\nB"},
    )
    goal = DevelopmentGoal.objects.get()
    assert goal.actions.count() == 2
    browser(am).post(f"/growth/goals/{goal.id}/check-in/", {"note": "Going well", "on_track": "on"})
    assert goal.check_ins.count() == 1


def test_access_on_pages(team):
    am, member, client_user = team["am"], team["member"], team["client_a"]
    assert browser(member).get(f"/growth/people/{am.person.id}/").status_code == 403
    assert browser(member).get(f"/growth/people/{am.person.id}/assess/").status_code == 403
    assert browser(client_user).get("/growth/").status_code == 403
    assert browser(member).get(f"/growth/people/{team['outsider'].person.id}/").status_code == 404
    scenario = PracticeScenario.objects.filter(workspace=team.workspace).order_by("id")[0]
    session = PracticeSession.objects.create(
        workspace=team.workspace, scenario=scenario, person=am.person, practised_on="2026-03-02"
    )
    assert browser(team["finance"]).get(f"/growth/practice/{session.id}/rate/").status_code == 404


def test_team_view_query_count_is_flat(team):
    owner = browser(team["owner"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert owner.get("/growth/team/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(3):
        person_create(actor=team["owner"].actor, name=f"AM {i}", email=f"am{i}@studio.test", role="account_manager")
    assert count() == before  # the profiles are built from one read of assessments and one of evidence


def test_owners_edit_the_practice_library(team):
    owner = browser(team["owner"])
    assert owner.get("/growth/practice/scenarios/new/").status_code == 200
    response = owner.post(
        "/growth/practice/scenarios/new/",
        {
            "title": "Saying no to a discount",
            "situation": "The client asks for 20% off.",
            "rubric_trust": "Firm.",
            "active": "on",
        },
    )
    assert response.status_code == 302
    scenario = PracticeScenario.objects.get(title="Saying no to a discount")
    assert scenario.rubric == {"trust": "Firm."}
    edit = owner.post(
        f"/growth/practice/scenarios/{scenario.id}/edit/", {"title": "Saying no", "situation": "Again.", "active": ""}
    )
    assert edit.status_code == 400  # no rubric left
    edit = owner.post(
        f"/growth/practice/scenarios/{scenario.id}/edit/",
        {"title": "Saying no", "situation": "Again.", "rubric_leadership": "Calm.", "active": ""},
    )
    assert edit.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.title, scenario.active, scenario.version) == ("Saying no", False, 2)
    refused = browser(team["am"]).post("/growth/practice/scenarios/new/", {"title": "x", "situation": "y"})
    assert refused.status_code in (400, 403)
    assert not PracticeScenario.objects.filter(title="x").exists()
