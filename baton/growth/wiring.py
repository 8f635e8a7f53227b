"""What growth wires at start-up: its event subscribers (evidence from events, project reviews when a project is
done), a new person's onboarding plan and role lessons (reactions to `person.created`, in its transaction), the
overdue-onboarding sweep and learning's notifications."""

from __future__ import annotations

from baton.core import events
from baton.growth import learning_automation, learning_sweeps, subscribers  # noqa: F401
from baton.growth.services.onboarding import plan_for_new_person
from baton.growth.services.training import lessons_for_new_person

events.on_emit("person.created", plan_for_new_person)
events.on_emit("person.created", lessons_for_new_person)
