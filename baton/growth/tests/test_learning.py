"""People who learn: onboarding plans for new hires (from templates, on person creation, ticked by the hire, buddy and
lead; overdue items notify) and the training library (quizzes scored against a pass mark, scenarios reviewed by the
lead, lessons assigned by role to present and future people), on the home and through the API, per workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Event
from baton.devdata.demo.agency import generate
from baton.devdata.testing.personas import Personas
from baton.growth import learning_automation, learning_selectors
from baton.growth.learning_sweeps import onboarding_items_overdue
from baton.growth.models import LessonAssignment, OnboardingPlan
from baton.growth.services import onboarding, training
from baton.home.selectors import home_context
from baton.people.models import Person
from baton.people.services import person_create

pytestmark = pytest.mark.django_db

ITEMS = [
    {"title": "Laptop and accounts", "day_offset": 0, "owner": "lead"},
    {"title": "Coffee with your buddy", "day_offset": 1, "owner": "buddy"},
    {"title": "Read the handbook", "day_offset": 3, "owner": "hire"},
    {"title": "Shadow a client call", "day_offset": 10, "owner": "hire"},
]
QUIZ = [
    {"question": "Who confirms a handoff?", "choices": ["The sender", "The receiver"], "answer": 1},
    {"question": "Time is logged in", "choices": ["minutes", "hours", "days"], "answer": 0},
    {"question": "A change order is raised", "choices": ["before the work", "after the invoice"], "answer": 0},
]


@pytest.fixture
def team(personas: Personas) -> Personas:
    """The member reports to the PM."""
    Person.objects.filter(pk=personas["member"].person.pk).update(lead=personas["pm"].person)
    return personas


def _template(personas: Personas, role: str = "member", items: list[dict] | None = None):
    return onboarding.onboarding_template_save(
        actor=personas["owner"].actor, name=f"Welcome ({role or 'anyone'})", role=role, items=items or ITEMS
    )


def test_a_new_hire_gets_their_roles_plan_with_due_dates_from_today(team):
    _template(team, role="", items=[{"title": "General welcome", "day_offset": 0}])
    _template(team, role="member")
    today = timezone.localdate()
    hire = person_create(actor=team["owner"].actor, name="Nina New", email="nina@example.test", role="member")
    plan = OnboardingPlan.objects.get(person=hire)
    assert plan.start_date == today
    assert [(i.title, i.due_on, i.owner) for i in plan.items.order_by("position")] == [
        (row["title"], today + timedelta(days=row["day_offset"]), row["owner"]) for row in ITEMS
    ]
    assert Event.objects.filter(verb="onboarding_plan.created", target_id=plan.pk).exists()
    # Another role falls back to the template for any role; a client portal user gets none.
    pm = person_create(actor=team["owner"].actor, name="Pat New", email="pat@example.test", role="project_manager")
    assert [i.title for i in OnboardingPlan.objects.get(person=pm).items.all()] == ["General welcome"]
    portal = person_create(
        actor=team["owner"].actor, name="Cli", email="cli@example.test", role="client", client_id=team.client_a.pk
    )
    assert not OnboardingPlan.objects.filter(person=portal).exists()


def test_a_plan_by_hand_counts_from_its_start_date_and_moves_with_it(team):
    template = _template(team)
    start = timezone.localdate() + timedelta(days=14)
    member, am = team["member"].person, team["am"].person
    plan = onboarding.onboarding_plan_create(
        actor=team["admin"].actor, person_id=member.pk, template_id=template.pk, buddy_id=am.pk, start_date=start
    )
    assert sorted(i.due_on for i in plan.items.all()) == [start + timedelta(days=r["day_offset"]) for r in ITEMS]
    with pytest.raises(ValidationError) as exc:
        onboarding.onboarding_plan_create(
            actor=team["admin"].actor, person_id=member.pk, template_id=999999, buddy_id=member.pk
        )
    assert set(exc.value.message_dict) >= {"template_id", "person_id"}
    with pytest.raises(PermissionDenied):
        onboarding.onboarding_plan_create(actor=team["pm"].actor, person_id=team["am"].person.pk, items=ITEMS)
    moved = onboarding.onboarding_plan_update(
        actor=team["pm"].actor, plan=plan, version=plan.version, start_date=start + timedelta(days=7)
    )
    assert min(i.due_on for i in moved.items.all()) == start + timedelta(days=7)


def test_the_hire_buddy_and_lead_tick_items_and_others_may_not(team):
    template = _template(team)
    plan = onboarding.onboarding_plan_create(
        actor=team["owner"].actor,
        person_id=team["member"].person.pk,
        template_id=template.pk,
        buddy_id=team["am"].person.pk,
    )
    items = list(plan.items.order_by("position"))
    # The hire, the buddy (am) and the lead (pm) each tick one through the API.
    for who, item in (("member", items[0]), ("am", items[1]), ("pm", items[2])):
        response = (
            team[who]
            .api()
            .post(
                f"/api/v1/onboarding-plans/{plan.pk}/items/{item.pk}/complete",
                {"done": True},
                content_type="application/json",
            )
        )
        assert response.status_code == 200, (who, response.content)
    assert response.json()["progress"] == {
        "items": 4,
        "done": 3,
        "percent": 75,
        "overdue": 0,
        "next_title": "Shadow a client call",
        "next_due_on": (plan.start_date + timedelta(days=10)).isoformat(),
        "complete": False,
    }
    # Finance is none of them: the plan does not exist for it; nor does it for another workspace's owner.
    for who in ("finance", "outsider"):
        response = (
            team[who]
            .api()
            .post(
                f"/api/v1/onboarding-plans/{plan.pk}/items/{items[3].pk}/complete", {}, content_type="application/json"
            )
        )
        assert response.status_code == 404, who
    again = (
        team["member"]
        .api()
        .post(f"/api/v1/onboarding-plans/{plan.pk}/items/{items[0].pk}/complete", {}, content_type="application/json")
    )
    assert again.status_code == 409
    onboarding.onboarding_item_set(actor=team["member"].actor, item=items[3])
    plan.refresh_from_db()
    assert plan.completed_at is not None


def test_the_home_block_equals_the_api_and_the_page(team, client):
    template = _template(team)
    plan = onboarding.onboarding_plan_create(
        actor=team["owner"].actor,
        person_id=team["member"].person.pk,
        template_id=template.pk,
        buddy_id=team["am"].person.pk,
    )
    onboarding.onboarding_item_set(actor=team["member"].actor, item=plan.items.order_by("position").first())
    member = team["member"]
    figures = home_context(member.actor)["figures"]["onboarding"]
    api = member.api().get("/api/v1/home").json()["figures"]["onboarding"]
    assert figures == api
    assert api["own"]["done"] == 1 and api["own"]["items"] == 4 and api["own"]["percent"] == 25
    assert [i["title"] for i in api["own"]["open_items"]] == [r["title"] for r in ITEMS[1:]]
    client.force_login(member.person.membership.user)
    html = client.get("/").content.decode()
    assert 'data-figure="onboarding_done">1<' in html and 'data-figure="onboarding_percent">25%<' in html
    # The buddy and the lead follow it on their homes; someone else has no block.
    for who in ("am", "pm", "owner"):
        supporting = team[who].api().get("/api/v1/home").json()["figures"]["onboarding"]["supporting"]
        assert [p["plan_id"] for p in supporting] == [plan.pk], who
    assert team["finance"].api().get("/api/v1/home").json()["figures"]["onboarding"] is None


def test_overdue_items_notify_whose_job_they_are(team):
    template = _template(team)
    start = timezone.localdate() - timedelta(days=5)
    plan = onboarding.onboarding_plan_create(
        actor=team["owner"].actor,
        person_id=team["member"].person.pk,
        template_id=template.pk,
        buddy_id=team["am"].person.pk,
        start_date=start,
    )
    assert onboarding_items_overdue(team.workspace, timezone.now()) == 3  # offsets 0, 1 and 3 are past
    assert onboarding_items_overdue(team.workspace, timezone.now()) == 0  # once per item and due date
    recipients = {}
    for event in Event.objects.filter(verb="onboarding_item.overdue", workspace=team.workspace):
        (spec,) = learning_automation.notify_item_overdue(event)
        recipients[event.data["owner"]] = spec.recipient_id
        assert spec.url == f"/growth/onboarding/{plan.pk}/"
    assert recipients == {
        "lead": team["pm"].person.pk,
        "buddy": team["am"].person.pk,
        "hire": team["member"].person.pk,
    }


def test_quiz_scoring_and_the_pass_mark(team):
    member = team["member"]
    lesson = training.lesson_save(
        actor=team["owner"].actor, title="Baton basics", kind="quiz", questions=QUIZ, pass_mark=67
    )
    assert training.quiz_score(QUIZ, [1, 0, 0]) == 100
    assert training.quiz_score(QUIZ, [1, 0, 1]) == 67  # 66.67 rounds half up
    assert training.quiz_score([*QUIZ, *QUIZ, QUIZ[0], QUIZ[0]], [1, 9, 9, 9, 9, 9, 9, 9]) == 13  # 12.5 -> 13
    assignment = training.lesson_assign(actor=team["pm"].actor, lesson_id=lesson.pk, person_id=member.person.pk)
    api = member.api()
    low = api.post(
        "/api/v1/training/attempts",
        {"assignment_id": assignment.pk, "answers": [0, 0, 1]},
        content_type="application/json",
    )
    assert low.status_code == 201 and low.json()["score"] == 33 and low.json()["passed"] is False
    bad = api.post(
        "/api/v1/training/attempts",
        {"assignment_id": assignment.pk, "answers": [0, 7]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    ok = api.post(
        "/api/v1/training/attempts",
        {"assignment_id": assignment.pk, "answers": [1, 0, 1]},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["score"] == 67 and ok.json()["passed"] is True
    assert api.get(f"/api/v1/training/assignments/{assignment.pk}").json()["status"] == "completed"
    assert api.get(f"/api/v1/training/attempts?assignment_id={assignment.pk}").json()["count"] == 2
    again = api.post(
        "/api/v1/training/attempts",
        {"assignment_id": assignment.pk, "answers": [1, 0, 0]},
        content_type="application/json",
    )
    assert again.status_code == 409
    # The member does not see the right answers; the owner does. The lead took no quiz: it cannot submit one.
    assert [q["answer"] for q in api.get(f"/api/v1/training/lessons/{lesson.pk}").json()["questions"]] == [None] * 3
    owner_view = team["owner"].api().get(f"/api/v1/training/lessons/{lesson.pk}").json()
    assert [q["answer"] for q in owner_view["questions"]] == [1, 0, 0]
    with pytest.raises(PermissionDenied):
        training.attempt_submit(actor=team["pm"].actor, assignment=assignment, answers=[1, 0, 0])


def test_a_scenario_answer_is_reviewed_by_the_lead(team):
    member, pm = team["member"], team["pm"]
    lesson = training.lesson_save(
        actor=team["admin"].actor, title="An unhappy client", kind="scenario", prompt="The client says the ads flop."
    )
    assignment = training.lesson_assign(actor=pm.actor, lesson_id=lesson.pk, person_id=member.person.pk)
    attempt = training.attempt_submit(actor=member.actor, assignment=assignment, response="I would call them today.")
    assert attempt.passed is None
    assert LessonAssignment.objects.get(pk=assignment.pk).status == "submitted"
    with pytest.raises(PermissionDenied):
        training.attempt_review(actor=member.actor, attempt=attempt, passed=True)
    response = (
        team["am"]
        .api()
        .post(f"/api/v1/training/attempts/{attempt.pk}/review", {"passed": True}, content_type="application/json")
    )
    assert response.status_code == 404  # not the am's report
    response = pm.api().post(
        f"/api/v1/training/attempts/{attempt.pk}/review",
        {"passed": True, "note": "Good."},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["passed"] is True
    assert LessonAssignment.objects.get(pk=assignment.pk).status == "completed"
    with pytest.raises(Conflict):
        training.attempt_review(actor=pm.actor, attempt=attempt, passed=False)


def test_assignment_by_role_reaches_present_and_new_people_of_the_role(team):
    lesson = training.lesson_save(actor=team["owner"].actor, title="Logging time", body="Every day.", roles=["member"])
    assert list(LessonAssignment.objects.filter(lesson=lesson).values_list("person_id", flat=True)) == [
        team["member"].person.pk
    ]
    newbie = person_create(actor=team["owner"].actor, name="Max New", email="max@example.test", role="member")
    pm = person_create(actor=team["owner"].actor, name="Pia New", email="pia@example.test", role="project_manager")
    assigned = set(LessonAssignment.objects.filter(lesson=lesson).values_list("person_id", flat=True))
    assert newbie.pk in assigned and pm.pk not in assigned
    assert LessonAssignment.objects.get(lesson=lesson, person=newbie).via_role
    # A reading is done by saying so; the lead's team view and the person's list show it.
    assignment = LessonAssignment.objects.get(lesson=lesson, person=team["member"].person)
    training.attempt_submit(actor=team["member"].actor, assignment=assignment)
    people, lessons, cells = learning_selectors.training_team(team["pm"].actor)
    assert [p.pk for p in people] == [team["member"].person.pk]
    assert [les.pk for les in lessons] == [lesson.pk]
    assert cells[(team["member"].person.pk, lesson.pk)].status == "completed"
    # Only owners/admins manage the library.
    with pytest.raises(PermissionDenied):
        training.lesson_save(actor=team["pm"].actor, title="Mine")


def test_lessons_and_plans_stay_in_their_workspace(team):
    lesson = training.lesson_save(actor=team["owner"].actor, title="Ours", roles=["member"])
    template = _template(team)
    plan = onboarding.onboarding_plan_create(
        actor=team["owner"].actor, person_id=team["member"].person.pk, template_id=template.pk
    )
    assignment = LessonAssignment.objects.get(lesson=lesson, person=team["member"].person)
    outsider = team["outsider"].api()
    for url in (
        f"/api/v1/training/lessons/{lesson.pk}",
        f"/api/v1/onboarding-plans/{plan.pk}",
        f"/api/v1/training/assignments/{assignment.pk}",
    ):
        assert outsider.get(url).status_code == 404, url
    for url in ("/api/v1/training/lessons", "/api/v1/onboarding-plans", "/api/v1/onboarding-templates"):
        assert outsider.get(url).json()["count"] == 0, url
    # Another workspace's person cannot be made a hire or a buddy here, nor a lesson assigned to them.
    other = Person.objects.filter(workspace=team.other_workspace).first()
    with pytest.raises(ValidationError) as exc:
        onboarding.onboarding_plan_create(
            actor=team["owner"].actor, person_id=team["am"].person.pk, template_id=template.pk, buddy_id=other.pk
        )
    assert "buddy_id" in exc.value.message_dict
    with pytest.raises(ValidationError):
        training.lesson_assign(actor=Actor.system(team.workspace), lesson_id=lesson.pk, person_id=other.pk)
    response = (
        team["owner"]
        .api()
        .post(
            "/api/v1/training/assignments",
            {"lesson_id": lesson.pk, "person_id": other.pk},
            content_type="application/json",
        )
    )
    assert response.status_code == 422


def test_the_demo_has_a_new_hire_mid_way_with_a_buddy_and_role_lessons():
    workspace = generate(size="S", slug="learning-demo")
    hire = Person.objects.get(workspace=workspace, email="newhire@learning-demo.baton.test")
    plan = OnboardingPlan.objects.get(person=hire)
    progress = learning_selectors.plan_progress(plan)
    assert plan.buddy is not None and hire.lead is not None
    assert 0 < progress["done"] < progress["items"] and progress["overdue"] >= 1
    assert plan.start_date == timezone.localdate() - timedelta(days=10)
    kinds = dict(LessonAssignment.objects.filter(person=hire).values_list("lesson__kind", "status"))
    assert kinds == {"reading": "completed", "quiz": "assigned"}
    home = home_context(Actor.for_membership(hire.membership))["figures"]["onboarding"]
    assert home["own"]["plan_id"] == plan.pk and home["own"]["done"] == progress["done"]
