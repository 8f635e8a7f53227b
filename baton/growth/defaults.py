"""The default account-manager framework every workspace starts with (seeded lazily, then editable): the five traits
and their observable behaviours with what 1-5 looks like, the event → behaviour evidence mapping, and the practice
library of difficult client conversations. Plain data; `services.framework_ensure` copies it into a workspace."""

from __future__ import annotations

from typing import Any

TRAIT_KEYS = ("trust", "alignment", "growth", "strategic_thinking", "leadership")

# (key, name, description)
TRAITS: list[tuple[str, str, str]] = [
    (
        "trust",
        "Trust",
        "Built through clarity, reliability and preparation: the client knows what is happening and can count on it.",
    ),
    (
        "alignment",
        "Alignment",
        "Built through communication and shared understanding: client and team want the same thing.",
    ),
    (
        "growth",
        "Growth",
        "Built through curiosity and anticipation: seeing what the client needs next, and the risk before it lands.",
    ),
    (
        "strategic_thinking",
        "Strategic thinking",
        "Built through thoughtful questions and connection-making: tying the work to the client's goals.",
    ),
    (
        "leadership",
        "Leadership",
        "Built through presence, tone, decision-making and emotional steadiness: guiding people when stakes rise.",
    ),
]


def _levels(one: str, three: str, five: str) -> dict[str, str]:
    return {
        "1": one,
        "2": f"Sometimes: {three[0].lower()}{three[1:]} — but not yet reliably.",
        "3": three,
        "4": f"Consistently: {three[0].lower()}{three[1:]} — and others notice.",
        "5": five,
    }


# (key, trait, name, description, levels)
BEHAVIOURS: list[tuple[str, str, str, str, dict[str, str]]] = [
    (
        "trust.clarity",
        "trust",
        "Clarity",
        "Says plainly what is in scope, what changes cost and what happens next — before the work, not after.",
        _levels(
            "Scope and changes surface after the fact; the client is surprised by cost or timing.",
            "Logs scope changes and explains them before the work starts.",
            "Clients describe them as the person who never surprises them; scope is never ambiguous.",
        ),
    ),
    (
        "trust.reliability",
        "trust",
        "Reliability",
        "Keeps the agreed rhythm: updates, meetings and reviews happen when promised.",
        _levels(
            "Cadence slips often; the client chases for updates.",
            "Meets the agreed cadence on time most weeks.",
            "Never misses a promised touchpoint; the rhythm survives holidays and crises.",
        ),
    ),
    (
        "trust.preparation",
        "trust",
        "Preparation",
        "Comes to every client conversation with an agenda, the numbers and the open questions.",
        _levels(
            "Walks into calls cold; agendas are improvised.",
            "Sends an agenda ahead of most meetings and knows the status.",
            "Every meeting is prepared; clients start preparing to the same standard.",
        ),
    ),
    (
        "alignment.communication",
        "alignment",
        "Communication",
        "Sends clear, regular status updates so nobody has to ask where things are.",
        _levels(
            "Updates are rare or only on request.",
            "Sends regular status updates with progress, risks and next steps.",
            "Updates are the client's source of truth and are forwarded internally by the client.",
        ),
    ),
    (
        "alignment.shared_understanding",
        "alignment",
        "Shared understanding",
        "Hands work over so the receiver understands it first time: goals, constraints, decisions, sensitivities.",
        _levels(
            "Handoffs come back with gaps; the team rediscovers what the client said.",
            "Most handoffs are confirmed first time with few gaps.",
            "Handoffs are the team's model; receivers rarely need to ask anything.",
        ),
    ),
    (
        "growth.curiosity",
        "growth",
        "Curiosity",
        "Asks about the client's business beyond the brief and spots where the agency could help more.",
        _levels(
            "Sticks to the current brief; never asks what else is going on.",
            "Logs growth opportunities from conversations with the client.",
            "Regularly brings well-founded opportunities the client is glad to hear about.",
        ),
    ),
    (
        "growth.anticipation",
        "growth",
        "Anticipation",
        "Raises risks and escalations before the client notices or complains.",
        _levels(
            "Problems are found by the client first.",
            "Raises risks early, usually before the client complains.",
            "Sees trouble weeks ahead; clients hear about risks from them, with a plan.",
        ),
    ),
    (
        "strategic_thinking.thoughtful_questions",
        "strategic_thinking",
        "Thoughtful questions",
        "Asks the question behind the request: what problem is this solving, how will we know it worked.",
        _levels(
            "Takes requests at face value.",
            "Asks about goals and success measures before starting work.",
            "Their questions reshape briefs; clients bring them in early to think.",
        ),
    ),
    (
        "strategic_thinking.connection_making",
        "strategic_thinking",
        "Connection-making",
        "Connects the work to the client's goals: strategic reviews with results tied to what the client wants.",
        _levels(
            "Reports activity, not outcomes.",
            "Holds strategic reviews with goal-tied reports.",
            "Connects every piece of work to a client goal and to what the agency learned elsewhere.",
        ),
    ),
    (
        "leadership.presence",
        "leadership",
        "Presence",
        "Is visibly in charge of the account in the room: people look to them for the next step.",
        _levels(
            "Others lead the client's meetings.",
            "Leads client meetings and keeps them on track.",
            "Clients and team look to them by default in difficult moments.",
        ),
    ),
    (
        "leadership.tone",
        "leadership",
        "Tone",
        "Keeps a calm, respectful, direct tone, including when delivering bad news.",
        _levels(
            "Tone swings with the situation; bad news is softened until it is wrong.",
            "Delivers bad news directly and respectfully.",
            "Sets the tone for everyone in tense conversations.",
        ),
    ),
    (
        "leadership.decision_making",
        "leadership",
        "Decision-making",
        "Makes and owns decisions without full information, and resolves escalations.",
        _levels(
            "Waits for others to decide; escalations linger.",
            "Resolves escalations and records the decision and why.",
            "Decides well under uncertainty; escalations close fast and stay closed.",
        ),
    ),
    (
        "leadership.emotional_steadiness",
        "leadership",
        "Emotional steadiness",
        "Stays level when the client is anxious or angry, and keeps the team level too.",
        _levels(
            "Stress spreads from them to the team.",
            "Stays calm under pressure from the client.",
            "Absorbs pressure so the team can work; clients calm down talking to them.",
        ),
    ),
]

# The evidence mapping (services.framework_ensure copies it into EvidenceRule rows).
# credit: "actor" (who did it), "data.<key>" (a person id in the event data) or "client_account_manager".
RULES: list[dict[str, Any]] = [
    {
        "name": "Cadence item met on time",
        "verb": "touchpoint.logged",
        "conditions": [{"field": "data.cadence_on_time", "op": "eq", "value": True}],
        "credit": "data.person_id",
        "behaviour": "trust.reliability",
        "polarity": "positive",
        "summary_template": "Met the {data.kind} cadence on time ({target_label}).",
    },
    {
        "name": "Agenda prepared before a touchpoint",
        "verb": "touchpoint.logged",
        "conditions": [{"field": "data.agenda_prepared", "op": "eq", "value": True}],
        "credit": "data.person_id",
        "behaviour": "trust.preparation",
        "polarity": "positive",
        "summary_template": "Prepared an agenda before the {data.kind} ({target_label}).",
    },
    {
        "name": "Scope change logged before the work",
        "verb": "change_order.created",
        "conditions": [{"field": "facts.before_work", "op": "eq", "value": True}],
        "credit": "actor",
        "behaviour": "trust.clarity",
        "polarity": "positive",
        "summary_template": "Logged the scope change “{target_label}” before any work on it.",
    },
    {
        "name": "Work logged on scope nobody agreed",
        "verb": "task.scope_flagged",
        "conditions": [],
        "credit": "client_account_manager",
        "behaviour": "trust.clarity",
        "polarity": "negative",
        "summary_template": "Time was logged on “{target_label}”, scope added without a change order.",
    },
    {
        "name": "Status update sent",
        "verb": "status_update.sent",
        "conditions": [],
        "credit": "data.person_id",
        "behaviour": "alignment.communication",
        "polarity": "positive",
        "summary_template": "Sent a status update ({target_label}).",
    },
    {
        "name": "Handoff confirmed first time",
        "verb": "handoff.confirmed",
        "conditions": [{"field": "data.first_time", "op": "eq", "value": True}],
        "credit": "data.from_person_id",
        "behaviour": "alignment.shared_understanding",
        "polarity": "positive",
        "summary_template": "Handoff “{target_label}” was confirmed first time, without gaps.",
    },
    {
        "name": "Growth opportunity logged",
        "verb": "growth_opportunity.logged",
        "conditions": [],
        "credit": "data.person_id",
        "behaviour": "growth.curiosity",
        "polarity": "positive",
        "summary_template": "Logged a growth opportunity: {target_label}.",
    },
    {
        "name": "Escalation raised before the client complained",
        "verb": "escalation.opened",
        "conditions": [{"field": "data.before_client_complaint", "op": "eq", "value": True}],
        "credit": "data.raised_by_person_id",
        "behaviour": "growth.anticipation",
        "polarity": "positive",
        "summary_template": "Raised “{target_label}” before the client complained.",
    },
    {
        "name": "Strategic review with a goal-tied report",
        "verb": "touchpoint.logged",
        "conditions": [
            {"field": "data.kind", "op": "eq", "value": "strategic_review"},
            {"field": "data.goal_report", "op": "eq", "value": True},
        ],
        "credit": "data.person_id",
        "behaviour": "strategic_thinking.connection_making",
        "polarity": "positive",
        "summary_template": "Held a strategic review with a goal-tied report ({target_label}).",
    },
    {
        "name": "Escalation resolved",
        "verb": "escalation.resolved",
        "conditions": [],
        "credit": "data.resolved_by_person_id",
        "behaviour": "leadership.decision_making",
        "polarity": "positive",
        "summary_template": "Resolved the escalation “{target_label}”.",
    },
    {
        "name": "Cadence overdue",
        "verb": "cadence.overdue",
        "conditions": [],
        "credit": "data.account_manager_id",
        "behaviour": "trust.reliability",
        "polarity": "negative",
        "summary_template": "The {data.item} for {target_label} is {data.days_overdue} days overdue.",
    },
    {
        "name": "Handoff came back with gaps",
        "verb": "handoff.gaps_raised",
        "conditions": [],
        "credit": "data.from_person_id",
        "behaviour": "alignment.shared_understanding",
        "polarity": "negative",
        "summary_template": "The receiver raised {data.gap_count} gaps on the handoff “{target_label}”.",
    },
    {
        "name": "Failure traced to a handoff",
        "verb": "handoff_failure.recorded",
        "conditions": [],
        "credit": "data.from_person_id",
        "behaviour": "alignment.shared_understanding",
        "polarity": "negative",
        "summary_template": "A downstream failure was traced to a handoff: {target_label}.",
    },
]

_ALL = {"trust", "alignment", "growth", "strategic_thinking", "leadership"}


def _rubric(**by_trait: str) -> dict[str, str]:
    assert set(by_trait) <= _ALL
    return dict(by_trait)


# (title, situation, rubric by trait)
SCENARIOS: list[tuple[str, str, dict[str, str]]] = [
    (
        "Pushing back on scope creep",
        "Mid-sprint, the client's marketing lead asks for “just a quick extra landing page” for a launch next week. "
        "It is not in the statement of work and the team is fully booked.",
        _rubric(
            trust="Names plainly that it is new scope and what it costs in time and money before agreeing to anything.",
            alignment="Restates the request and the launch goal so both sides agree what is actually needed.",
            growth="Treats the request as a signal: asks what else the launch needs, and whether a bigger brief hides.",
            strategic_thinking="Offers options (swap, phase, change order) tied to the launch goal, not a flat no.",
            leadership="Stays warm and firm; does not apologise for the contract or blame the team.",
        ),
    ),
    (
        "Owning a missed deadline",
        "The campaign assets promised for Monday will be two days late because a dependency slipped internally. "
        "The client does not know yet.",
        _rubric(
            trust="Tells the client first, before they notice, with the new date and why it will hold.",
            alignment="Agrees what the delay changes for the client's own plans.",
            growth="Explains what will change so it does not happen again.",
            strategic_thinking="Proposes what can ship on time to protect the client's goal.",
            leadership="Owns it as the agency's miss without throwing the team under the bus.",
        ),
    ),
    (
        "A budget overrun",
        "The project has burned 95% of its budget at 70% complete. The client is cost-sensitive and the CFO signs off.",
        _rubric(
            trust="Shares the numbers early and exactly, with the forecast at completion.",
            alignment="Makes sure the client understands why, in their terms, not the agency's.",
            growth="Brings options before the client asks: descoping, phasing, a change order.",
            strategic_thinking="Connects each option to what the client must still achieve.",
            leadership="Recommends one option and stands behind it; stays calm under pushback.",
        ),
    ),
    (
        "A client changing direction mid-project",
        "Three weeks into a rebrand, the client's new CMO wants a completely different positioning.",
        _rubric(
            trust="Is clear about what the change means for work done, timeline and cost.",
            alignment="Captures the new direction in writing and confirms it with every stakeholder.",
            growth="Gets curious about why the direction changed and what the CMO is trying to achieve.",
            strategic_thinking="Asks the questions that test whether the new direction serves the business goal.",
            leadership="Guides the team through the reset without drama; keeps morale steady.",
        ),
    ),
    (
        "An unhappy senior stakeholder",
        "The client's VP, who rarely joins calls, emails the CEO of the agency saying the work is “not at the level "
        "we expected”.",
        _rubric(
            trust="Responds fast, acknowledges the concern and commits to a concrete next step.",
            alignment="Finds out what “the level we expected” means in specifics.",
            growth="Asks what the VP is measured on and what success would look like to them.",
            strategic_thinking="Reframes the work against the VP's goals, with evidence.",
            leadership="Keeps a steady, non-defensive tone; protects the relationship with the day-to-day contact.",
        ),
    ),
    (
        "Introducing yourself as the new AM after a transition",
        "You are taking over an account whose previous AM left. The client liked them and is wary of the change.",
        _rubric(
            trust="Shows they have read the history (decisions, preferences, open items): nobody repeats themselves.",
            alignment="Confirms the goals and ways of working the client agreed with the previous AM.",
            growth="Asks what the client wishes had been different, and listens.",
            strategic_thinking="Connects the current work to the client's goals in the first conversation.",
            leadership="Projects continuity and calm; sets the next touchpoint before the call ends.",
        ),
    ),
]
