"""Demo data for learning: an onboarding template per role and one for anyone, a new hire ten days into their plan
(reporting to the demo PM, with a buddy; what was due is mostly ticked, one item overdue), and a training library:
a reading and a quiz assigned to members and PMs by role, a practice scenario for AMs; the new hire has read the
reading. Everything goes through the services (the hire is created before the templates, so their plan is the
hand-made one with its past start date)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.growth.models import LessonAssignment
from baton.growth.services import onboarding, training
from baton.people.models import Person
from baton.people.services import person_create

NEW_HIRE_EMAIL = "newhire@{domain}"
WELCOME = [
    {"title": "Laptop, accounts and Baton login", "day_offset": 0, "owner": "lead"},
    {"title": "Coffee with your buddy", "day_offset": 0, "owner": "buddy"},
    {"title": "Read how we log time", "day_offset": 1, "owner": "hire"},
    {"title": "Meet the account managers", "day_offset": 3, "owner": "hire"},
    {"title": "Shadow a client call", "day_offset": 7, "owner": "buddy"},
    {"title": "Pass the Baton basics quiz", "day_offset": 10, "owner": "hire"},
    {"title": "First task delivered", "day_offset": 14, "owner": "hire"},
    {"title": "30-day check-in with your lead", "day_offset": 30, "owner": "lead"},
]
GENERAL = [
    {"title": "Accounts and laptop", "day_offset": 0, "owner": "lead"},
    {"title": "Read the handbook", "day_offset": 2, "owner": "hire"},
    {"title": "30-day check-in", "day_offset": 30, "owner": "lead"},
]
QUIZ = [
    {
        "question": "Who confirms a handoff?",
        "choices": ["The person handing over", "The person receiving it", "The client"],
        "answer": 1,
    },
    {"question": "When do you log your time?", "choices": ["Every day", "At the end of the month"], "answer": 0},
    {
        "question": "The client asks for something outside the scope. What comes first?",
        "choices": ["Do it, then tell the AM", "A change order, before the work"],
        "answer": 1,
    },
]


def extend_demo(
    workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client], *, password: str | None = None
) -> None:
    domain = workspace.people.get(membership__role="owner").email.split("@", 1)[1]
    pm = Person.objects.filter(workspace=workspace, email=f"pm@{domain}").first()
    member = Person.objects.filter(workspace=workspace, email=f"member@{domain}").first()
    if pm is None or member is None:
        return
    hire = person_create(
        actor=actor,
        name="Noor Haddad",
        email=NEW_HIRE_EMAIL.format(domain=domain),
        role="member",
        title="Junior Designer",
        skills=["design"],
        lead_id=pm.pk,
        password=password,
    )
    template = onboarding.onboarding_template_save(
        actor=actor, name="Welcome to the studio", role="member", items=WELCOME
    )
    onboarding.onboarding_template_save(actor=actor, name="Welcome (any role)", items=GENERAL)
    start = timezone.localdate() - timedelta(days=10)
    plan = onboarding.onboarding_plan_create(
        actor=actor, person_id=hire.pk, template_id=template.pk, buddy_id=member.pk, start_date=start
    )
    as_hire, as_buddy, as_lead = (Actor.for_membership(p.membership) for p in (hire, member, pm))
    due = timezone.localdate() - timedelta(days=2)
    for item in plan.items.filter(due_on__lte=due).order_by("due_on", "position"):
        if item.title == "Shadow a client call":
            continue  # the overdue one
        who = {"hire": as_hire, "buddy": as_buddy, "lead": as_lead}[item.owner]
        onboarding.onboarding_item_set(actor=who, item=item)

    reading = training.lesson_save(
        actor=actor,
        title="How we log time",
        body="Log every day, in minutes, against the task you worked on.\n\nA missing day shows on your home.",
        links=[{"title": "Time tracking in Baton", "url": "https://example.com/baton/time"}],
        roles=["member", "project_manager"],
    )
    training.lesson_save(actor=actor, title="Baton basics", kind="quiz", questions=QUIZ, pass_mark=67, roles=["member"])
    training.lesson_save(
        actor=actor,
        title="Saying no to scope creep",
        kind="scenario",
        prompt="The client asks for 'one more banner size' the day before launch. Write what you say.",
        roles=["account_manager"],
    )
    training.attempt_submit(actor=as_hire, assignment=LessonAssignment.objects.get(lesson=reading, person=hire))
