"""Development plans, the practice library and log, and project reviews opened when a project is done."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baton.delivery import services as delivery
from baton.devdata.testing.personas import Personas
from baton.growth import selectors, services
from baton.growth.models import PracticeScenario, ProjectReview
from baton.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(personas: Personas) -> Personas:
    Person.objects.filter(pk=personas["am"].person.pk).update(lead=personas["pm"].person)
    services.framework_ensure(personas.workspace)
    return personas


def test_plan_goals_actions_and_check_ins(team):
    am, pm, member = team["am"], team["pm"], team["member"]
    goal = services.goal_create(
        actor=pm.actor,
        person_id=am.person.id,
        trait="leadership",
        title="Lead the quarterly review",
        actions=["Draft the agenda", "", "Run it with the client"],
    )
    assert [a.text for a in goal.actions.all()] == ["Draft the agenda", "Run it with the client"]
    action = goal.actions.first()
    assert services.goal_action_toggle(actor=am.actor, action=action).done_at is not None
    services.goal_check_in(actor=am.actor, goal=goal, note="Agenda drafted.", on_track=True)
    services.goal_action_add(actor=pm.actor, goal=goal, text="Debrief afterwards")
    assert services.goal_set_status(actor=am.actor, goal=goal, status="done").status == "done"
    assert [g.id for g in selectors.goals(am.actor, am.person)] == [goal.id]
    with pytest.raises(PermissionDenied):
        services.goal_check_in(actor=member.actor, goal=goal, note="Not mine")
    with pytest.raises(PermissionDenied):
        services.goal_create(actor=member.actor, person_id=am.person.id, trait="trust", title="x")
    with pytest.raises(ValidationError) as exc:
        services.goal_create(actor=am.actor, person_id=am.person.id, trait="charisma", title=" ")
    assert set(exc.value.message_dict) == {"trait", "title"}


def test_practice_library_is_seeded_with_rubrics_by_trait(team):
    titles = [s.title for s in selectors.scenarios(team["member"].actor)]
    for wanted in (
        "Pushing back on scope creep",
        "Owning a missed deadline",
        "A budget overrun",
        "A client changing direction mid-project",
        "An unhappy senior stakeholder",
        "Introducing yourself as the new AM after a transition",
    ):
        assert wanted in titles
    for scenario in PracticeScenario.objects.filter(workspace=team.workspace):
        assert set(scenario.rubric) == {"trust", "alignment", "growth", "strategic_thinking", "leadership"}


def test_practice_log_rated_by_the_partner_or_manager(team):
    am, pm, member, finance = team["am"], team["pm"], team["member"], team["finance"]
    scenario = PracticeScenario.objects.filter(workspace=team.workspace).first()
    session = services.practice_log(
        actor=am.actor, scenario_id=scenario.id, partner_id=member.person.id, reflection="Too fast."
    )
    assert [s.id for s in selectors.practice_to_rate(member.actor)] == [session.id]
    rating = services.practice_rate(
        actor=member.actor, session=session, scores={"trust": 4, "leadership": 3}, feedback="Good"
    )
    assert rating.scores == {"trust": 4, "leadership": 3}
    assert selectors.practice_to_rate(member.actor) == []
    services.practice_rate(actor=pm.actor, session=session, scores={"alignment": 5})
    with pytest.raises(PermissionDenied):
        services.practice_rate(actor=am.actor, session=session, scores={"trust": 5})  # one's own
    with pytest.raises(PermissionDenied):
        services.practice_rate(actor=finance.actor, session=session, scores={"trust": 5})  # neither partner nor manager
    with pytest.raises(ValidationError) as exc:
        services.practice_rate(actor=team["owner"].actor, session=session, scores={"trust": 7, "charm": 3})
    assert set(exc.value.message_dict) == {"scores.trust", "scores.charm"}


def test_a_done_project_opens_one_review_for_the_clients_am(team, django_capture_on_commit_callbacks):
    owner, am, pm = team["owner"], team["am"], team["pm"]
    project = delivery.project_create(actor=owner.actor, client_id=team.client_a.id, name="Launch", status="active")
    with django_capture_on_commit_callbacks(execute=True):
        project = delivery.project_change_status(
            actor=owner.actor, project=project, status="done", version=project.version
        )
    review = ProjectReview.objects.get(project=project)
    assert review.person_id == am.person.id and review.status == "open"
    assert [r.id for r in selectors.open_reviews_to_write(pm.actor)] == [review.id]
    # Reopened and done again: still one review.
    with django_capture_on_commit_callbacks(execute=True):
        project = delivery.project_change_status(
            actor=owner.actor, project=project, status="active", version=project.version
        )
        delivery.project_change_status(actor=owner.actor, project=project, status="done", version=project.version)
    assert ProjectReview.objects.filter(project=project).count() == 1

    with pytest.raises(PermissionDenied):
        services.review_complete(actor=am.actor, review=review, feedback={"trust": "I was great"})
    done = services.review_complete(
        actor=pm.actor, review=review, feedback={"trust": "Scope was always clear.", "leadership": " ", "bogus": "x"}
    )
    assert done.status == "done" and done.feedback == {"trust": "Scope was always clear."}
    assert done.reviewer_id == pm.person.id
