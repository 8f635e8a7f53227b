"""Writes for growth: the framework and its mapping, evidence (from events and by hand), assessments, development
plans, practice and project reviews. Every write checks access first and emits its event in the same transaction.

Personal records' events carry ids and kinds only, never scores or notes: every staff member reads the event log,
and a member must never see another person's assessment.

`framework`, `evidence`, `assessments`, `plans`, `practice` and `reviews`; callers import the writes from here.
"""

from baton.growth.services.assessments import (
    PERIOD_RE,
    assessment_create,
    assessment_update,
    current_period,
    period_bounds,
)
from baton.growth.services.evidence import (
    evidence_create,
    evidence_for_event,
    evidence_rebuild,
    evidence_rule_create,
    evidence_rule_update,
)
from baton.growth.services.framework import behaviour_create, behaviour_update, framework_ensure, trait_update
from baton.growth.services.plans import (
    goal_action_add,
    goal_action_toggle,
    goal_check_in,
    goal_create,
    goal_set_status,
)
from baton.growth.services.practice import practice_log, practice_rate, scenario_save
from baton.growth.services.reviews import review_complete, review_open, review_open_for_event

__all__ = [
    "PERIOD_RE",
    "assessment_create",
    "assessment_update",
    "behaviour_create",
    "behaviour_update",
    "current_period",
    "evidence_create",
    "evidence_for_event",
    "evidence_rebuild",
    "evidence_rule_create",
    "evidence_rule_update",
    "framework_ensure",
    "goal_action_add",
    "goal_action_toggle",
    "goal_check_in",
    "goal_create",
    "goal_set_status",
    "period_bounds",
    "practice_log",
    "practice_rate",
    "review_complete",
    "review_open",
    "review_open_for_event",
    "scenario_save",
    "trait_update",
]
