"""The six built-in handoff kinds and their standard documents (the seeds' framework, step 3).

Field keys are part of the cross-app contract (relationships prefills `sales_to_account` from a won deal) and must
not change; labels and help text are the workspace's to edit.
"""

from __future__ import annotations

from typing import Any


def _f(key: str, label: str, help: str = "", required: bool = True, kind: str = "text") -> dict[str, Any]:
    return {"key": key, "label": label, "help": help, "required": required, "kind": kind}


BUILTIN_KINDS: dict[str, dict[str, Any]] = {
    "sales_to_account": {
        "name": "Sales → account management",
        "description": "The deal is won: everything sales learned and promised, so the account manager starts "
        "where sales left off. Sets the tone for the whole relationship.",
        "impact": 3,
        "confirmation_sla_hours": 48,
        "requires_walkthrough": False,
        "fields": [
            _f("primary_goals", "Client's primary goals", "What the client wants to achieve, in their words."),
            _f("objections", "Objections raised during the sale", "What worried them, and how it was answered."),
            _f("agreed_deliverables", "Agreed deliverables", "What we will deliver, as sold."),
            _f("timeline_expectations", "Timeline expectations", "When they expect what."),
            _f("stakeholder_contacts", "Stakeholder contacts", "Who is who at the client, and who decides."),
            _f(
                "sales_commitments",
                "Commitments made by sales",
                "Targets, prices, people or dates promised (e.g. ROAS targets) and what they were based on.",
            ),
            _f("budget_notes", "Budget and margin notes", "Anything about budget, margin or pricing.", False),
        ],
    },
    "account_to_delivery": {
        "name": "Account → delivery",
        "description": "The account team hands the agreed work to the delivery team that will run the project.",
        "impact": 2,
        "confirmation_sla_hours": 48,
        "requires_walkthrough": False,
        "fields": [
            _f("scope_summary", "Scope summary", "What is in scope, and what is explicitly out."),
            _f("success_measures", "Success measures", "How the client will judge the work."),
            _f("deadlines", "Deadlines and milestones"),
            _f("budget", "Budget and hours", "What is sold, in money and hours."),
            _f("client_contacts", "Client contacts", "Who to talk to about what."),
            _f("risks", "Known risks", required=False),
        ],
    },
    "brief_to_creative": {
        "name": "Brief → creative",
        "description": "A brief goes to the creative team. Happens daily; a vague brief compounds into rework.",
        "impact": 2,
        "confirmation_sla_hours": 24,
        "requires_walkthrough": True,
        "fields": [
            _f("approved_brief_version", "Approved brief version", "Which approved brief version to work from."),
            _f(
                "tone_of_voice_reference",
                "Tone-of-voice reference",
                "A link to the approved tone-of-voice document or examples, or an attached file "
                "(not just “refreshed brand voice”).",
                kind="reference",
            ),
            _f("walkthrough_meeting", "Walkthrough meeting", "When the 30-minute brief walkthrough takes place."),
            _f("deliverables", "Deliverables and formats"),
            _f("mandatories", "Mandatories and no-gos", "Legal lines, logos, words never to use.", False),
            _f("deadline", "Deadline", required=False),
        ],
    },
    "design_to_development": {
        "name": "Design → development",
        "description": "Approved designs go to the developer who builds them.",
        "impact": 2,
        "confirmation_sla_hours": 24,
        "requires_walkthrough": False,
        "fields": [
            _f("design_files", "Design files", "Links to the final, approved files."),
            _f("interactions", "Interactions and states", "Hover, empty, error and loading states; animations."),
            _f("assets", "Assets", "Fonts, images, icons and where they are."),
            _f("open_questions", "Open questions", required=False),
        ],
        "triggers": [
            {
                "key": "design-review",
                "on": "task_status",
                "status": "in_review",
                "tag": "design",
                "project_template_id": None,
                "receiver": "next_assignee",
            }
        ],
    },
    "delivery_to_qa": {
        "name": "Delivery → QA",
        "description": "Finished work goes to quality assurance before the client sees it.",
        "impact": 1,
        "confirmation_sla_hours": 24,
        "requires_walkthrough": False,
        "fields": [
            _f("what_changed", "What changed", "What to test."),
            _f("acceptance_criteria", "Acceptance criteria"),
            _f("test_environment", "Where to test", "URL, accounts, data."),
            _f("known_issues", "Known issues", required=False),
        ],
        "triggers": [
            {
                "key": "dev-review",
                "on": "task_status",
                "status": "in_review",
                "tag": "development",
                "project_template_id": None,
                "receiver": "next_assignee",
            }
        ],
    },
    "account_transition": {
        "name": "Account manager transition",
        "description": "A client moves to a new account manager. Done well, the client never notices.",
        "impact": 3,
        "confirmation_sla_hours": 72,
        "requires_walkthrough": False,
        "fields": [
            _f("campaign_history", "Campaign history", "Projects and campaigns so far, and how they went."),
            _f("key_decisions", "Key decisions", "What was decided, why, and what was rejected."),
            _f("client_preferences", "Client preferences", "How they like to work."),
            _f("political_sensitivities", "Political sensitivities", "People, topics and history to handle with care."),
            _f("open_action_items", "Open action items", "What is under way and who owes what."),
            _f("next_steps", "Next steps", "What the new account manager should do first."),
        ],
    },
}

# Where the built-in kinds are opened by Baton itself (besides by hand and by rules): the handoff map lists these
# points even before anything happened there.
BUILTIN_POINTS: dict[str, list[tuple[str, str]]] = {
    "sales_to_account": [("deal_won", "A deal is won")],
    "account_transition": [("am_changed", "A client's account manager changes")],
}
