"""The access matrix: every API operation, called by every persona, is allowed or denied exactly as written here.

The expectations below are written out literally (not derived from baton.core.access.POLICY), so an accidental
policy change fails this file. Every operation in the generated OpenAPI schema must have a row in EXPECTED and a
request recipe in RECIPES, so a new endpoint cannot ship without deciding who may call it. For a new kind of
record, also create one in each workspace in the `world` fixture and name its id in World.targets/foreign_targets
(the path parameter's name, e.g. `project_id`), so the other-workspace 404 check covers it too.

The personas are built once for the module inside an outer transaction; each test runs in its own savepoint
(pytest-django's `db`), so tests that write cannot leak into each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from baton.api import api
from baton.automation.models import Notification, Rule, Webhook, WebhookDelivery
from baton.core.access import POLICY, Actor
from baton.core.models import ChangeRequest, Event, Workspace
from baton.crm.models import Client, Contact, Deal
from baton.crm.services import contact_create
from baton.delivery import services as delivery
from baton.delivery.models import BudgetRevision, Milestone, Project, ProjectTemplate, Task
from baton.devdata.testing.automation import make_automation_records
from baton.devdata.testing.collections import make_collections_records, statement_csv
from baton.devdata.testing.finance import make_money_records
from baton.devdata.testing.growth import make_growth_records
from baton.devdata.testing.handoffs import make_handoff_records
from baton.devdata.testing.imports import import_csv, make_import_records
from baton.devdata.testing.knowledge import make_knowledge_records, png_upload
from baton.devdata.testing.learning import make_learning_records
from baton.devdata.testing.personas import PERSONA_NAMES, Personas, make_personas
from baton.devdata.testing.portal import make_portal_records
from baton.devdata.testing.quotes import make_quote_records
from baton.devdata.testing.relationships import make_relationships_records
from baton.devdata.testing.resourcing import make_resourcing_records
from baton.finance.einvoice import accounting_settings
from baton.finance.models import (
    BankStatement,
    BankTransaction,
    ChangeOrder,
    Expense,
    Invoice,
    Payment,
    ProjectBudget,
    Quote,
    RecurringInvoice,
    ReminderSchedule,
)
from baton.finance.services import scope_review_record
from baton.growth.models import (
    Assessment,
    Behaviour,
    Evidence,
    EvidenceRule,
    Lesson,
    LessonAssignment,
    LessonAttempt,
    OnboardingItem,
    OnboardingPlan,
    OnboardingTemplate,
    Trait,
)
from baton.handoffs.models import Handoff, HandoffFailure, HandoffTemplate
from baton.imports.models import ImportRun
from baton.knowledge.models import Attachment, Brief, ClientKnowledge, Comment, Decision, Stakeholder
from baton.knowledge.services import search_index_rebuild
from baton.people.models import Person
from baton.people.services import person_create
from baton.rates.models import BillRate, CostRate
from baton.relationships.models import (
    DEFAULT_HEALTH_WEIGHTS,
    ClientGoal,
    ClientRequest,
    DeliverableApproval,
    Engagement,
    GrowthOpportunity,
    HealthBacktest,
    SharedFile,
    StatusUpdate,
    Touchpoint,
)
from baton.resourcing.models import Booking, CapacityPeriod, Holiday, ResourcingSettings, TimeOff
from baton.timesheets.models import TimeEntry, Timesheet

PERSONAS = list(PERSONA_NAMES)  # owner, admin, finance, am, pm, member, client_a, outsider

# Who may do what. `outsider` owns another workspace and acts there on that workspace's own records, so it is
# allowed wherever an owner is. Denials answer 403 unless a role-specific status is given (a client-role user is
# not told that a person exists: 404).
EVERYONE = frozenset({"owner", "admin", "finance", "am", "pm", "member", "client_a", "outsider"})
STAFF = frozenset({"owner", "admin", "finance", "am", "pm", "member", "outsider"})
OWNERS = frozenset({"owner", "outsider"})
LEADERS = frozenset({"owner", "admin", "outsider"})
CLIENT_WRITERS = frozenset({"owner", "admin", "am", "outsider"})
# Delivery: the target project is client A's (am's portfolio), managed by pm; the target task is the member's.
PROJECT_WRITERS = frozenset({"owner", "admin", "am", "pm", "outsider"})
PROJECT_ARCHIVERS = frozenset({"owner", "admin", "pm", "outsider"})
BUDGET_REVISERS = frozenset({"owner", "finance", "outsider"})  # an explicit, recorded budget revision
BUDGET_REVISION_SEERS = frozenset({"owner", "admin", "finance", "am", "pm", "outsider"})
TEMPLATE_WRITERS = frozenset({"owner", "admin", "pm", "outsider"})
TASK_UPDATERS = PROJECT_WRITERS | {"member"}
# Knowledge: the target decision, brief and comment are client A's; the comment and attachment are the member's.
KNOWLEDGE_WRITERS = frozenset({"owner", "admin", "am", "pm", "outsider"})  # decisions and briefs
AUTHOR_OR_LEADER = frozenset({"owner", "admin", "member", "outsider"})  # removing a comment or attachment
# Resourcing
BOOKERS = frozenset({"owner", "admin", "pm", "outsider"})  # book people; approve time off
SELF_OR_LEADER = frozenset({"owner", "admin", "member", "outsider"})  # the target person is the member
TIME_OFF_SEERS = BOOKERS | {"member"}  # the member's own request
HIDDEN_TIME_OFF = (("finance", 404), ("am", 404), ("client_a", 404))
# Automation: owners/admins manage rules and webhooks; the target notification is the member's (theirs: the
# outsider's), and anyone else's notification does not exist for you (404).
NOT_YOURS = tuple((p, 404) for p in ("owner", "admin", "finance", "am", "pm", "client_a"))
# Time and money: the target project (client A's, managed by pm) holds the member's open time entry and expense, its
# submitted week (time on the project, so pm decides it) and an approved week, a draft change order, a sent invoice
# and a draft. Roles that see no record of a kind are told an id does not exist (404).
MONEY = frozenset({"owner", "admin", "finance", "am", "pm", "outsider"})  # PM/AM: their projects' money
ALL_MONEY = frozenset({"owner", "admin", "finance", "outsider"})
OWN_OR_PM = ALL_MONEY | {"pm", "member"}  # change the member's own entry or expense; its project's PM
NO_TIME = (("client_a", 404),)
NO_MONEY = (("member", 404), ("client_a", 404))
HIDDEN_WEEK = (("am", 404), ("client_a", 404))  # the member's week
INVOICE_SEERS = MONEY | {"client_a"}
# Relationships
DEAL_SEERS = frozenset({"owner", "admin", "finance", "am", "outsider"})
HEALTH_SEERS = frozenset({"owner", "admin", "finance", "am", "pm", "outsider"})
TOUCHPOINT_WRITERS = frozenset({"owner", "admin", "am", "pm", "outsider"})
MEETING_PREPARERS = frozenset({"owner", "admin", "am", "pm", "outsider"})
ENGAGEMENT_SEERS = frozenset({"owner", "admin", "finance", "am", "outsider"})  # contracts; an AM changes its own
NO_CLIENT = (("client_a", 404),)  # a client-role user: its own client's sent invoices
# Quotes: the target quotes are client A's (am's portfolio): a sent one and a draft; a PM and a member see none, a
# client-role user its own client's once sent (the draft does not exist for it).
QUOTE_WRITERS = frozenset({"owner", "admin", "finance", "am", "outsider"})
QUOTE_SEERS = QUOTE_WRITERS | {"client_a"}
NO_QUOTE = (("pm", 404), ("member", 404))
NO_DRAFT_QUOTE = (*NO_QUOTE, ("client_a", 404))
# The portal's workplace: the target request is client A's (new, on the target project); the target deliverable is a
# task of that project in review; the target file is shared with client A. Finance and members have no part in it.
REQUEST_PEOPLE = frozenset({"owner", "admin", "am", "pm", "client_a", "outsider"})  # read, file, decide, upload
REQUEST_TRIAGERS = frozenset({"owner", "admin", "am", "pm", "outsider"})
# Growth: the member's record is seen by the member, its lead (pm) and owners/admins.
GROWTH_RECORD = frozenset({"owner", "admin", "member", "pm", "outsider"})
HIDDEN_GROWTH = (("finance", 404), ("am", 404), ("client_a", 404))
# Learning: the target plan is the member's (a new hire), with am as buddy and pm as lead; the target assignment
# (an open quiz) and attempt (a scenario answer waiting for review) are the member's.
PLAN_SEERS = frozenset({"owner", "admin", "member", "am", "pm", "outsider"})
HIDDEN_PLAN = (("finance", 404), ("client_a", 404))
HIDDEN_TRAINING = HIDDEN_GROWTH
NO_CLIENT_LEARNING = (("client_a", 404),)  # a client-role user is not told a staff record exists


@dataclass(frozen=True)
class Row:
    success: int
    allowed: frozenset[str]
    denied_status: tuple[tuple[str, int], ...] = ()

    def expected_status(self, persona: str) -> int:
        if persona in self.allowed:
            return self.success
        return dict(self.denied_status).get(persona, 403)


EXPECTED: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/events"): Row(200, STAFF),
    ("GET", "/api/v1/me"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/me"): Row(200, EVERYONE),
    ("GET", "/api/v1/home"): Row(200, EVERYONE),
    ("GET", "/api/v1/export"): Row(200, OWNERS),  # the whole workspace as a ZIP (imports/workspace_export.py)
    ("GET", "/api/v1/workspace"): Row(200, EVERYONE),
    # Process changes waiting for an owner: the target is the admin's proposal (the am did not propose it: 404).
    ("GET", "/api/v1/change-requests"): Row(200, frozenset({"owner", "admin", "am", "outsider"})),
    ("GET", "/api/v1/change-requests/{change_request_id}"): Row(200, LEADERS, (("am", 404),)),
    ("POST", "/api/v1/change-requests/{change_request_id}/approve"): Row(200, OWNERS, (("am", 404),)),
    ("POST", "/api/v1/change-requests/{change_request_id}/reject"): Row(200, OWNERS, (("am", 404),)),
    ("PATCH", "/api/v1/workspace"): Row(200, OWNERS),
    ("GET", "/api/v1/people"): Row(200, STAFF),
    ("POST", "/api/v1/people"): Row(201, LEADERS),
    ("GET", "/api/v1/people/{person_id}"): Row(200, STAFF, (("client_a", 404),)),
    ("PATCH", "/api/v1/people/{person_id}"): Row(200, LEADERS, (("client_a", 404),)),
    ("POST", "/api/v1/people/{person_id}/archive"): Row(200, LEADERS, (("client_a", 404),)),
    ("GET", "/api/v1/people/{person_id}/holdings"): Row(200, STAFF, (("client_a", 404),)),
    ("GET", "/api/v1/clients"): Row(200, EVERYONE),
    ("POST", "/api/v1/clients"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/clients/{client_id}"): Row(200, EVERYONE),  # the target is client A, the portal user's own
    ("PATCH", "/api/v1/clients/{client_id}"): Row(200, CLIENT_WRITERS),  # am manages client A
    ("POST", "/api/v1/clients/{client_id}/archive"): Row(200, LEADERS),
    ("POST", "/api/v1/clients/{client_id}/unarchive"): Row(200, LEADERS),
    ("GET", "/api/v1/contacts"): Row(200, EVERYONE),
    ("POST", "/api/v1/contacts"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/contacts/{contact_id}"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/contacts/{contact_id}"): Row(200, CLIENT_WRITERS),
    ("DELETE", "/api/v1/contacts/{contact_id}"): Row(204, CLIENT_WRITERS),
    ("GET", "/api/v1/projects"): Row(200, EVERYONE),
    ("POST", "/api/v1/projects"): Row(201, PROJECT_WRITERS),
    ("POST", "/api/v1/projects/from-template"): Row(201, PROJECT_WRITERS),
    ("GET", "/api/v1/projects/{project_id}"): Row(200, EVERYONE),  # client A's project: the portal user's own
    ("PATCH", "/api/v1/projects/{project_id}"): Row(200, PROJECT_WRITERS),
    ("POST", "/api/v1/projects/{project_id}/budget-revisions"): Row(201, BUDGET_REVISERS),
    ("GET", "/api/v1/projects/{project_id}/budget-revisions"): Row(200, BUDGET_REVISION_SEERS),
    ("POST", "/api/v1/projects/{project_id}/archive"): Row(200, PROJECT_ARCHIVERS),
    ("POST", "/api/v1/projects/{project_id}/unarchive"): Row(200, PROJECT_ARCHIVERS),
    ("POST", "/api/v1/projects/{project_id}/save-as-template"): Row(201, TEMPLATE_WRITERS),
    ("GET", "/api/v1/project-templates"): Row(200, STAFF),
    ("POST", "/api/v1/project-templates"): Row(201, TEMPLATE_WRITERS),
    ("GET", "/api/v1/project-templates/{template_id}"): Row(200, STAFF, (("client_a", 404),)),
    ("PATCH", "/api/v1/project-templates/{template_id}"): Row(200, TEMPLATE_WRITERS, (("client_a", 404),)),
    ("DELETE", "/api/v1/project-templates/{template_id}"): Row(204, TEMPLATE_WRITERS, (("client_a", 404),)),
    ("GET", "/api/v1/milestones"): Row(200, EVERYONE),
    ("POST", "/api/v1/milestones"): Row(201, PROJECT_WRITERS),
    ("GET", "/api/v1/milestones/{milestone_id}"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/milestones/{milestone_id}"): Row(200, PROJECT_WRITERS),
    ("DELETE", "/api/v1/milestones/{milestone_id}"): Row(204, PROJECT_WRITERS),
    ("POST", "/api/v1/milestones/{milestone_id}/complete"): Row(200, PROJECT_WRITERS),
    ("GET", "/api/v1/tasks"): Row(200, EVERYONE),
    ("POST", "/api/v1/tasks"): Row(201, PROJECT_WRITERS),
    ("GET", "/api/v1/tasks/{task_id}"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/tasks/{task_id}"): Row(200, TASK_UPDATERS),  # the member is the assignee
    ("DELETE", "/api/v1/tasks/{task_id}"): Row(204, PROJECT_WRITERS),
    ("POST", "/api/v1/tasks/{task_id}/status"): Row(200, TASK_UPDATERS),
    ("GET", "/api/v1/decisions"): Row(200, EVERYONE),  # a client-role user: its own client's
    ("POST", "/api/v1/decisions"): Row(201, KNOWLEDGE_WRITERS),
    ("GET", "/api/v1/decisions/{decision_id}"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/decisions/{decision_id}"): Row(200, KNOWLEDGE_WRITERS),
    ("GET", "/api/v1/briefs"): Row(200, EVERYONE),  # a client-role user: approved versions only
    ("POST", "/api/v1/briefs"): Row(201, KNOWLEDGE_WRITERS),
    ("GET", "/api/v1/briefs/{brief_id}"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/briefs/{brief_id}"): Row(200, KNOWLEDGE_WRITERS),
    ("POST", "/api/v1/briefs/{brief_id}/approve"): Row(200, KNOWLEDGE_WRITERS),
    ("GET", "/api/v1/briefs/{brief_id}/versions"): Row(200, EVERYONE),
    ("GET", "/api/v1/tasks/{task_id}/brief-links"): Row(200, EVERYONE),
    ("GET", "/api/v1/clients/{client_id}/knowledge"): Row(200, STAFF),  # internal, even to the client's users
    ("PUT", "/api/v1/clients/{client_id}/knowledge"): Row(200, CLIENT_WRITERS),  # am manages client A
    ("GET", "/api/v1/clients/{client_id}/stakeholders"): Row(200, STAFF),
    ("PUT", "/api/v1/clients/{client_id}/stakeholders/{contact_id}"): Row(200, CLIENT_WRITERS),
    ("GET", "/api/v1/comments"): Row(200, EVERYONE),
    ("POST", "/api/v1/comments"): Row(201, EVERYONE),
    ("GET", "/api/v1/comments/{comment_id}"): Row(200, EVERYONE),
    ("DELETE", "/api/v1/comments/{comment_id}"): Row(204, AUTHOR_OR_LEADER),
    ("GET", "/api/v1/imports"): Row(200, LEADERS),
    ("POST", "/api/v1/imports"): Row(201, LEADERS),
    ("GET", "/api/v1/imports/{import_id}"): Row(200, LEADERS),
    ("PUT", "/api/v1/imports/{import_id}/mapping"): Row(200, LEADERS),
    ("POST", "/api/v1/imports/{import_id}/run"): Row(200, LEADERS),
    ("GET", "/api/v1/imports/{import_id}/errors.csv"): Row(200, LEADERS),
    ("GET", "/api/v1/attachments"): Row(200, EVERYONE),
    ("POST", "/api/v1/attachments"): Row(201, EVERYONE),
    ("GET", "/api/v1/attachments/{attachment_id}"): Row(200, EVERYONE),
    ("GET", "/api/v1/attachments/{attachment_id}/download"): Row(200, EVERYONE),
    ("DELETE", "/api/v1/attachments/{attachment_id}"): Row(204, AUTHOR_OR_LEADER),
    ("GET", "/api/v1/search"): Row(200, EVERYONE),  # each finds its own workspace's (client A's) records
    # Relationships: deals are for sales roles (the am owns the target deal, a deal of client A); touchpoints,
    # protocols, goals, status updates and opportunities of client A are written by owner/admin and its AM (a PM logs
    # touchpoints); a client-role user reads its own client's goals and sent status updates; ids of what it cannot
    # read answer 404. The target escalation is assigned to the owner (the AM has no lead).
    ("GET", "/api/v1/deals"): Row(200, DEAL_SEERS),
    ("POST", "/api/v1/deals"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/deals/board"): Row(200, DEAL_SEERS),
    ("GET", "/api/v1/deals/{deal_id}"): Row(200, DEAL_SEERS, NO_CLIENT),
    ("PATCH", "/api/v1/deals/{deal_id}"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("POST", "/api/v1/deals/{deal_id}/win"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("POST", "/api/v1/deals/{deal_id}/lose"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("GET", "/api/v1/clients/{client_id}/protocol"): Row(200, STAFF),
    ("PUT", "/api/v1/clients/{client_id}/protocol"): Row(200, CLIENT_WRITERS),
    ("GET", "/api/v1/clients/{client_id}/cadence"): Row(200, STAFF),
    ("GET", "/api/v1/clients/{client_id}/health"): Row(200, HEALTH_SEERS),
    ("GET", "/api/v1/portfolio"): Row(200, HEALTH_SEERS),
    ("POST", "/api/v1/clients/{client_id}/onboarding/apply"): Row(200, CLIENT_WRITERS),
    ("GET", "/api/v1/onboarding-template"): Row(200, STAFF),
    ("PUT", "/api/v1/onboarding-template"): Row(200, LEADERS),
    ("GET", "/api/v1/relationships/settings"): Row(200, STAFF),
    ("PATCH", "/api/v1/relationships/settings"): Row(200, LEADERS),
    ("GET", "/api/v1/health/backtest"): Row(200, LEADERS),
    ("POST", "/api/v1/health/backtest/accept"): Row(200, LEADERS),
    ("GET", "/api/v1/touchpoints"): Row(200, STAFF),
    ("POST", "/api/v1/touchpoints"): Row(201, TOUCHPOINT_WRITERS),
    ("GET", "/api/v1/touchpoints/{touchpoint_id}"): Row(200, STAFF, NO_CLIENT),
    ("PATCH", "/api/v1/touchpoints/{touchpoint_id}"): Row(200, TOUCHPOINT_WRITERS, NO_CLIENT),
    ("GET", "/api/v1/next-steps"): Row(200, STAFF),
    # Meeting preparation: the target meeting is client A's (am's portfolio); the recap is of the target touchpoint.
    ("GET", "/api/v1/meetings"): Row(200, MEETING_PREPARERS),
    ("POST", "/api/v1/meetings"): Row(201, MEETING_PREPARERS),
    ("GET", "/api/v1/meetings/{meeting_id}/brief"): Row(200, MEETING_PREPARERS, NO_CLIENT),
    ("GET", "/api/v1/meetings/{meeting_id}/brief.pdf"): Row(200, MEETING_PREPARERS, NO_CLIENT),
    ("GET", "/api/v1/clients/{client_id}/qbr"): Row(200, HEALTH_SEERS),
    ("GET", "/api/v1/clients/{client_id}/qbr.pdf"): Row(200, HEALTH_SEERS),
    ("POST", "/api/v1/touchpoints/{touchpoint_id}/recap"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("POST", "/api/v1/touchpoints/{touchpoint_id}/recap/send"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("POST", "/api/v1/next-steps/{next_step_id}/complete"): Row(200, TOUCHPOINT_WRITERS, NO_CLIENT),
    ("GET", "/api/v1/status-updates"): Row(200, EVERYONE),  # a client-role user: its own client's sent ones
    ("POST", "/api/v1/status-updates/draft"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/status-updates/{status_update_id}"): Row(200, EVERYONE),  # the sent one
    ("PATCH", "/api/v1/status-updates/{status_update_id}"): Row(200, CLIENT_WRITERS, NO_CLIENT),  # the draft
    ("POST", "/api/v1/status-updates/{status_update_id}/send"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("GET", "/api/v1/client-goals"): Row(200, EVERYONE),
    ("POST", "/api/v1/client-goals"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/client-goals/{goal_id}"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/client-goals/{goal_id}"): Row(200, CLIENT_WRITERS),
    ("POST", "/api/v1/client-goals/{goal_id}/values"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/engagements"): Row(200, ENGAGEMENT_SEERS),
    ("POST", "/api/v1/engagements"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/engagements/{engagement_id}"): Row(200, ENGAGEMENT_SEERS),
    ("PATCH", "/api/v1/engagements/{engagement_id}"): Row(200, CLIENT_WRITERS),
    ("POST", "/api/v1/engagements/{engagement_id}/renew"): Row(201, CLIENT_WRITERS),
    ("POST", "/api/v1/engagements/{engagement_id}/end"): Row(200, CLIENT_WRITERS),
    ("POST", "/api/v1/engagements/{engagement_id}/churn"): Row(200, CLIENT_WRITERS),
    ("GET", "/api/v1/engagements/renewals-due"): Row(200, ENGAGEMENT_SEERS),
    ("GET", "/api/v1/clients/{client_id}/renewal-risk"): Row(200, ENGAGEMENT_SEERS),
    ("GET", "/api/v1/reports/retention"): Row(200, ENGAGEMENT_SEERS),
    ("GET", "/api/v1/clients/{client_id}/report/pdf"): Row(200, EVERYONE - {"member"}),
    ("GET", "/api/v1/escalations"): Row(200, HEALTH_SEERS),
    ("POST", "/api/v1/escalations"): Row(201, TOUCHPOINT_WRITERS),
    ("GET", "/api/v1/escalations/{escalation_id}"): Row(200, HEALTH_SEERS, NO_CLIENT),
    ("POST", "/api/v1/escalations/{escalation_id}/assign"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("POST", "/api/v1/escalations/{escalation_id}/resolve"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("GET", "/api/v1/growth-opportunities"): Row(200, DEAL_SEERS),
    ("POST", "/api/v1/growth-opportunities"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/growth-opportunities/{opportunity_id}"): Row(200, DEAL_SEERS, NO_CLIENT),
    ("PATCH", "/api/v1/growth-opportunities/{opportunity_id}"): Row(200, CLIENT_WRITERS, NO_CLIENT),
    ("POST", "/api/v1/growth-opportunities/{opportunity_id}/deal"): Row(201, CLIENT_WRITERS, NO_CLIENT),
    ("GET", "/api/v1/client-requests"): Row(200, REQUEST_PEOPLE),
    ("POST", "/api/v1/client-requests"): Row(201, REQUEST_PEOPLE),
    ("GET", "/api/v1/client-requests/{request_id}"): Row(200, REQUEST_PEOPLE),
    ("POST", "/api/v1/client-requests/{request_id}/triage"): Row(200, REQUEST_TRIAGERS),
    ("POST", "/api/v1/client-requests/{request_id}/convert"): Row(200, REQUEST_TRIAGERS),
    ("POST", "/api/v1/client-requests/{request_id}/decline"): Row(200, REQUEST_TRIAGERS),
    ("GET", "/api/v1/deliverables"): Row(200, EVERYONE),
    ("POST", "/api/v1/deliverables/{deliverable_id}/approve"): Row(200, REQUEST_PEOPLE),
    ("POST", "/api/v1/deliverables/{deliverable_id}/request-changes"): Row(200, REQUEST_PEOPLE),
    ("GET", "/api/v1/deliverable-approvals"): Row(200, EVERYONE),
    ("GET", "/api/v1/shared-files"): Row(200, EVERYONE),
    ("POST", "/api/v1/shared-files"): Row(201, REQUEST_PEOPLE),
    ("GET", "/api/v1/shared-files/{file_id}/download"): Row(200, EVERYONE),
    # Automation
    ("GET", "/api/v1/automation/rules"): Row(200, LEADERS),
    ("POST", "/api/v1/automation/rules"): Row(201, LEADERS),
    ("GET", "/api/v1/automation/rules/{rule_id}"): Row(200, LEADERS),
    ("PATCH", "/api/v1/automation/rules/{rule_id}"): Row(200, LEADERS),
    ("DELETE", "/api/v1/automation/rules/{rule_id}"): Row(204, LEADERS),
    ("GET", "/api/v1/automation/rules/{rule_id}/dry-run"): Row(200, LEADERS),
    ("GET", "/api/v1/automation/runs"): Row(200, LEADERS),
    ("GET", "/api/v1/automation/action-types"): Row(200, LEADERS),
    ("GET", "/api/v1/webhooks"): Row(200, LEADERS),
    ("POST", "/api/v1/webhooks"): Row(201, LEADERS),
    ("GET", "/api/v1/webhooks/{webhook_id}"): Row(200, LEADERS),
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): Row(200, LEADERS),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): Row(204, LEADERS),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): Row(200, LEADERS),
    ("POST", "/api/v1/webhooks/{webhook_id}/test"): Row(200, LEADERS),  # the receiver is down: a failed delivery
    ("GET", "/api/v1/notifications"): Row(200, EVERYONE),  # one's own
    ("POST", "/api/v1/notifications/{notification_id}/read"): Row(200, frozenset({"member", "outsider"}), NOT_YOURS),
    ("POST", "/api/v1/notifications/read-all"): Row(200, EVERYONE),
    ("GET", "/api/v1/notifications/preferences"): Row(200, EVERYONE),
    ("PUT", "/api/v1/notifications/preferences"): Row(200, EVERYONE),
    # Resourcing: owner/admin/PM book; staff see the schedule; a client-role user sees nothing (lists 403, ids 404).
    # The time off target is the member's own request: finance and AMs do not see others' time off (404).
    ("GET", "/api/v1/bookings"): Row(200, STAFF),
    ("POST", "/api/v1/bookings"): Row(201, BOOKERS),
    ("GET", "/api/v1/bookings/{booking_id}"): Row(200, STAFF, (("client_a", 404),)),
    ("PATCH", "/api/v1/bookings/{booking_id}"): Row(200, BOOKERS, (("client_a", 404),)),
    ("DELETE", "/api/v1/bookings/{booking_id}"): Row(204, BOOKERS, (("client_a", 404),)),
    ("POST", "/api/v1/bookings/{booking_id}/move"): Row(200, BOOKERS, (("client_a", 404),)),
    ("POST", "/api/v1/bookings/{booking_id}/resize"): Row(200, BOOKERS, (("client_a", 404),)),
    ("POST", "/api/v1/bookings/{booking_id}/split"): Row(200, BOOKERS, (("client_a", 404),)),
    ("POST", "/api/v1/bookings/{booking_id}/staff"): Row(200, BOOKERS, (("client_a", 404),)),
    ("GET", "/api/v1/people/{person_id}/availability"): Row(200, STAFF, (("client_a", 404),)),
    ("GET", "/api/v1/people/{person_id}/calendar-feed"): Row(200, SELF_OR_LEADER, (("client_a", 404),)),
    ("POST", "/api/v1/people/{person_id}/calendar-feed/reset"): Row(200, SELF_OR_LEADER, (("client_a", 404),)),
    ("GET", "/api/v1/time-off"): Row(200, STAFF),  # each sees at least its own
    ("POST", "/api/v1/time-off"): Row(201, STAFF),  # for oneself
    ("POST", "/api/v1/time-off/import"): Row(201, STAFF),
    ("GET", "/api/v1/time-off/{time_off_id}"): Row(200, TIME_OFF_SEERS, HIDDEN_TIME_OFF),
    ("PATCH", "/api/v1/time-off/{time_off_id}"): Row(200, TIME_OFF_SEERS, HIDDEN_TIME_OFF),
    ("DELETE", "/api/v1/time-off/{time_off_id}"): Row(204, TIME_OFF_SEERS, HIDDEN_TIME_OFF),
    ("POST", "/api/v1/time-off/{time_off_id}/approve"): Row(200, BOOKERS, HIDDEN_TIME_OFF),
    ("POST", "/api/v1/time-off/{time_off_id}/reject"): Row(200, BOOKERS, HIDDEN_TIME_OFF),
    ("GET", "/api/v1/capacity-periods"): Row(200, STAFF),
    ("POST", "/api/v1/capacity-periods"): Row(201, LEADERS),
    ("DELETE", "/api/v1/capacity-periods/{period_id}"): Row(204, LEADERS, (("client_a", 404),)),
    ("GET", "/api/v1/holidays"): Row(200, STAFF),
    ("POST", "/api/v1/holidays"): Row(201, LEADERS),
    ("DELETE", "/api/v1/holidays/{holiday_id}"): Row(204, LEADERS, (("client_a", 404),)),
    ("GET", "/api/v1/resourcing/settings"): Row(200, STAFF),
    ("PATCH", "/api/v1/resourcing/settings"): Row(200, LEADERS),
    ("GET", "/api/v1/reports/utilization"): Row(200, STAFF),  # a member sees its own row
    ("GET", "/api/v1/reports/missing-time"): Row(200, STAFF),  # owner/admin/pm everyone; others their own row
    ("GET", "/api/v1/reports/capacity-demand"): Row(200, STAFF - {"member"}),
    ("GET", "/api/v1/reports/revenue-forecast"): Row(200, STAFF - {"member"}),
    ("GET", "/api/v1/staffing/candidates"): Row(200, BOOKERS | {"am"}),
    ("GET", "/api/v1/staffing/suggestions"): Row(200, BOOKERS | {"am"}),
    ("GET", "/api/v1/time-entries"): Row(200, STAFF),
    ("POST", "/api/v1/time-entries"): Row(201, STAFF),  # one's own
    ("GET", "/api/v1/time-entries/{entry_id}"): Row(200, STAFF, NO_TIME),
    ("PATCH", "/api/v1/time-entries/{entry_id}"): Row(200, OWN_OR_PM, NO_TIME),  # am sees it, may not change it
    ("DELETE", "/api/v1/time-entries/{entry_id}"): Row(204, OWN_OR_PM, NO_TIME),
    ("GET", "/api/v1/timer"): Row(200, STAFF),
    ("POST", "/api/v1/timer/start"): Row(201, STAFF),
    ("POST", "/api/v1/timer/stop"): Row(201, STAFF),
    ("DELETE", "/api/v1/timer"): Row(204, STAFF),
    ("GET", "/api/v1/timesheets"): Row(200, STAFF),
    ("POST", "/api/v1/timesheets/submit"): Row(200, STAFF),
    ("GET", "/api/v1/timesheets/{timesheet_id}"): Row(200, STAFF - {"am"}, HIDDEN_WEEK),
    ("POST", "/api/v1/timesheets/{timesheet_id}/approve"): Row(200, ALL_MONEY | {"pm"}, HIDDEN_WEEK),  # not one's own
    ("POST", "/api/v1/timesheets/{timesheet_id}/reject"): Row(200, ALL_MONEY | {"pm"}, HIDDEN_WEEK),
    ("POST", "/api/v1/timesheets/{timesheet_id}/reopen"): Row(200, ALL_MONEY, HIDDEN_WEEK),
    ("GET", "/api/v1/bill-rates"): Row(200, MONEY),
    ("POST", "/api/v1/bill-rates"): Row(201, ALL_MONEY),
    ("PATCH", "/api/v1/bill-rates/{bill_rate_id}"): Row(200, ALL_MONEY, NO_MONEY),
    ("DELETE", "/api/v1/bill-rates/{bill_rate_id}"): Row(204, ALL_MONEY, NO_MONEY),
    ("GET", "/api/v1/cost-rates"): Row(200, MONEY),
    ("POST", "/api/v1/cost-rates"): Row(201, ALL_MONEY),
    ("DELETE", "/api/v1/cost-rates/{cost_rate_id}"): Row(204, ALL_MONEY, NO_MONEY),
    ("GET", "/api/v1/rates/resolve"): Row(200, MONEY),
    ("GET", "/api/v1/exchange-rates"): Row(200, MONEY),
    ("POST", "/api/v1/exchange-rates"): Row(201, ALL_MONEY),
    ("GET", "/api/v1/project-budgets"): Row(200, MONEY),
    ("PUT", "/api/v1/project-budgets/{project_id}"): Row(200, MONEY),  # the project is visible to all: 403
    ("GET", "/api/v1/reports/budget-burn"): Row(200, MONEY),
    ("GET", "/api/v1/reports/scope-changes"): Row(200, MONEY),
    ("GET", "/api/v1/reports/profitability"): Row(200, MONEY),
    ("GET", "/api/v1/reports/receivables"): Row(200, MONEY),  # AM/PM: their clients'/projects' invoices
    ("GET", "/api/v1/change-orders"): Row(200, MONEY),
    ("POST", "/api/v1/change-orders"): Row(201, MONEY),
    ("GET", "/api/v1/change-orders/{change_order_id}"): Row(200, MONEY, NO_MONEY),
    ("PATCH", "/api/v1/change-orders/{change_order_id}"): Row(200, MONEY, NO_MONEY),
    ("POST", "/api/v1/change-orders/{change_order_id}/submit"): Row(200, MONEY, NO_MONEY),
    ("POST", "/api/v1/change-orders/{change_order_id}/approve"): Row(200, MONEY, NO_MONEY),
    ("POST", "/api/v1/change-orders/{change_order_id}/reject"): Row(200, MONEY, NO_MONEY),
    # A scope review at a milestone: the project's PM (pm manages the target project), owners and admins record it;
    # those who see the project's money read them; the milestone does not exist for members and clients (404).
    ("POST", "/api/v1/milestones/{milestone_id}/scope-review"): Row(201, PROJECT_ARCHIVERS, NO_MONEY),
    ("GET", "/api/v1/scope-reviews"): Row(200, MONEY),
    ("GET", "/api/v1/scope-reviews/due"): Row(200, MONEY),
    ("GET", "/api/v1/expenses"): Row(200, STAFF),
    ("POST", "/api/v1/expenses"): Row(201, STAFF),
    ("GET", "/api/v1/expenses/{expense_id}"): Row(200, STAFF, NO_TIME),
    ("PATCH", "/api/v1/expenses/{expense_id}"): Row(200, OWN_OR_PM, NO_TIME),
    ("DELETE", "/api/v1/expenses/{expense_id}"): Row(204, OWN_OR_PM, NO_TIME),
    ("GET", "/api/v1/invoices"): Row(200, INVOICE_SEERS),
    ("POST", "/api/v1/invoices"): Row(201, ALL_MONEY),
    ("POST", "/api/v1/invoices/draft-from-time"): Row(201, ALL_MONEY),
    ("POST", "/api/v1/invoices/draft-from-fee"): Row(201, ALL_MONEY),
    ("POST", "/api/v1/invoices/draft-from-retainer"): Row(201, ALL_MONEY),
    ("GET", "/api/v1/invoices/{invoice_id}"): Row(200, INVOICE_SEERS, (("member", 404),)),  # the sent one
    ("PATCH", "/api/v1/invoices/{invoice_id}"): Row(200, ALL_MONEY, NO_MONEY),  # the draft
    ("DELETE", "/api/v1/invoices/{invoice_id}"): Row(204, ALL_MONEY, NO_MONEY),
    ("POST", "/api/v1/invoices/{invoice_id}/issue"): Row(200, ALL_MONEY, NO_MONEY),
    ("POST", "/api/v1/invoices/{invoice_id}/void"): Row(200, ALL_MONEY, (("member", 404),)),  # the sent one
    ("POST", "/api/v1/invoices/{invoice_id}/payments"): Row(201, ALL_MONEY, (("member", 404),)),
    ("POST", "/api/v1/invoices/{invoice_id}/credit-note"): Row(201, ALL_MONEY, (("member", 404),)),
    ("POST", "/api/v1/invoices/{invoice_id}/send"): Row(200, ALL_MONEY, (("member", 404),)),  # to its billing contact
    ("GET", "/api/v1/invoices/{invoice_id}/pdf"): Row(200, INVOICE_SEERS, (("member", 404),)),
    ("GET", "/api/v1/quotes"): Row(200, QUOTE_SEERS),
    ("POST", "/api/v1/quotes"): Row(201, QUOTE_WRITERS),
    ("GET", "/api/v1/quotes/{quote_id}"): Row(200, QUOTE_SEERS, NO_QUOTE),
    ("PATCH", "/api/v1/quotes/{quote_id}"): Row(200, QUOTE_WRITERS, NO_DRAFT_QUOTE),  # the draft
    ("DELETE", "/api/v1/quotes/{quote_id}"): Row(204, QUOTE_WRITERS, NO_DRAFT_QUOTE),
    ("POST", "/api/v1/quotes/{quote_id}/send"): Row(200, QUOTE_WRITERS, NO_DRAFT_QUOTE),
    ("POST", "/api/v1/quotes/{quote_id}/revise"): Row(200, QUOTE_WRITERS, NO_QUOTE),  # the sent one
    ("POST", "/api/v1/quotes/{quote_id}/accept"): Row(200, QUOTE_SEERS, NO_QUOTE),
    ("POST", "/api/v1/quotes/{quote_id}/decline"): Row(200, QUOTE_SEERS, NO_QUOTE),
    ("GET", "/api/v1/quotes/{quote_id}/pdf"): Row(200, QUOTE_SEERS, NO_QUOTE),
    ("GET", "/api/v1/projects/{project_id}/scope-baseline"): Row(200, MONEY),
    ("GET", "/api/v1/invoices/{invoice_id}/e-invoice"): Row(200, INVOICE_SEERS, (("member", 404),)),
    ("GET", "/api/v1/exports/accounting"): Row(200, ALL_MONEY),
    ("GET", "/api/v1/finance/accounting-settings"): Row(200, ALL_MONEY),
    ("PATCH", "/api/v1/finance/accounting-settings"): Row(200, ALL_MONEY),
    # Collections: owner/admin/finance (the statement's credit waits for review; the recurring invoice is client A's)
    ("POST", "/api/v1/bank-statements"): Row(201, ALL_MONEY),
    ("GET", "/api/v1/bank-statements"): Row(200, ALL_MONEY),
    ("GET", "/api/v1/bank-statements/{statement_id}"): Row(200, ALL_MONEY),
    ("POST", "/api/v1/bank-transactions/{transaction_id}/confirm"): Row(200, ALL_MONEY),
    ("POST", "/api/v1/bank-transactions/{transaction_id}/ignore"): Row(200, ALL_MONEY),
    ("GET", "/api/v1/recurring-invoices"): Row(200, ALL_MONEY),
    ("POST", "/api/v1/recurring-invoices"): Row(201, ALL_MONEY),
    ("GET", "/api/v1/recurring-invoices/{recurring_id}"): Row(200, ALL_MONEY),
    ("PATCH", "/api/v1/recurring-invoices/{recurring_id}"): Row(200, ALL_MONEY),
    ("DELETE", "/api/v1/recurring-invoices/{recurring_id}"): Row(204, ALL_MONEY),
    ("GET", "/api/v1/reminder-schedule"): Row(200, ALL_MONEY),
    ("PATCH", "/api/v1/reminder-schedule"): Row(200, ALL_MONEY),
    # Handoffs: staff see them all, a client-role user nothing (lists 403, ids 404). The targets are am's (owner)
    # to the member (receiver): a draft, a sent one and one with gaps raised; the outsider's own workspace has it
    # the other way round where needed. The owner (or an owner/admin) sends; only the owner answers gaps, only the
    # receiver raises gaps and confirms (owners and admins included: 403); the owner or an owner/admin edits and
    # cancels a draft.
    ("GET", "/api/v1/handoff-templates"): Row(200, STAFF),
    ("POST", "/api/v1/handoff-templates"): Row(201, LEADERS),
    ("GET", "/api/v1/handoff-templates/{handoff_template_id}"): Row(200, STAFF, (("client_a", 404),)),
    ("PATCH", "/api/v1/handoff-templates/{handoff_template_id}"): Row(200, LEADERS, (("client_a", 404),)),
    ("GET", "/api/v1/handoffs"): Row(200, STAFF),
    ("POST", "/api/v1/handoffs"): Row(201, STAFF),  # one's own handoff
    ("GET", "/api/v1/handoffs/{handoff_id}"): Row(200, STAFF, (("client_a", 404),)),
    ("PATCH", "/api/v1/handoffs/{handoff_id}"): Row(200, LEADERS | {"am"}, (("client_a", 404),)),
    ("POST", "/api/v1/handoffs/{handoff_id}/send"): Row(200, LEADERS | {"am"}, (("client_a", 404),)),
    ("POST", "/api/v1/handoffs/{handoff_id}/raise-gaps"): Row(
        200, frozenset({"member", "outsider"}), (("client_a", 404),)
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/answer-gaps"): Row(
        200, frozenset({"am", "outsider"}), (("client_a", 404),)
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/confirm"): Row(
        200, frozenset({"member", "outsider"}), (("client_a", 404),)
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/cancel"): Row(200, LEADERS | {"am"}, (("client_a", 404),)),
    ("POST", "/api/v1/handoffs/{handoff_id}/failures"): Row(201, STAFF, (("client_a", 404),)),
    ("GET", "/api/v1/handoff-failures"): Row(200, STAFF),
    ("GET", "/api/v1/reports/handoffs"): Row(200, STAFF),
    ("GET", "/api/v1/reports/handoff-map"): Row(200, STAFF),
    # Growth: staff read the framework and the evidence mapping, owners/admins edit them. The target growth record
    # is the member's: the member, its lead (pm) and owners/admins see it; finance and am do not (a named person:
    # 403; an assessment id: 404). Only its author (or an owner/admin) edits an assessment.
    ("GET", "/api/v1/growth/traits"): Row(200, STAFF),
    ("PATCH", "/api/v1/growth/traits/{trait_id}"): Row(200, LEADERS, (("client_a", 404),)),
    ("POST", "/api/v1/growth/behaviours"): Row(201, LEADERS),
    ("PATCH", "/api/v1/growth/behaviours/{behaviour_id}"): Row(200, LEADERS, (("client_a", 404),)),
    ("GET", "/api/v1/growth/evidence-rules"): Row(200, STAFF),
    ("POST", "/api/v1/growth/evidence-rules"): Row(201, LEADERS),
    ("PATCH", "/api/v1/growth/evidence-rules/{evidence_rule_id}"): Row(200, LEADERS, (("client_a", 404),)),
    ("GET", "/api/v1/growth/evidence"): Row(200, STAFF),  # one's own and one's reports'
    ("POST", "/api/v1/growth/evidence"): Row(201, GROWTH_RECORD),  # a note on the member's record
    ("GET", "/api/v1/growth/assessments"): Row(200, STAFF),
    ("POST", "/api/v1/growth/assessments"): Row(201, GROWTH_RECORD),  # the member: self; the others: manager
    ("GET", "/api/v1/growth/assessments/{assessment_id}"): Row(200, GROWTH_RECORD, HIDDEN_GROWTH),
    ("PATCH", "/api/v1/growth/assessments/{assessment_id}"): Row(200, GROWTH_RECORD - {"pm"}, HIDDEN_GROWTH),
    ("GET", "/api/v1/growth/profile"): Row(200, GROWTH_RECORD),
    ("GET", "/api/v1/onboarding-templates"): Row(200, STAFF),
    ("POST", "/api/v1/onboarding-templates"): Row(201, LEADERS),
    ("PATCH", "/api/v1/onboarding-templates/{onboarding_template_id}"): Row(200, LEADERS, NO_CLIENT_LEARNING),
    ("GET", "/api/v1/onboarding-plans"): Row(200, STAFF),  # one's own, as buddy, one's reports'
    ("POST", "/api/v1/onboarding-plans"): Row(201, LEADERS),
    ("GET", "/api/v1/onboarding-plans/{onboarding_plan_id}"): Row(200, PLAN_SEERS, HIDDEN_PLAN),
    ("PATCH", "/api/v1/onboarding-plans/{onboarding_plan_id}"): Row(200, LEADERS | {"pm"}, HIDDEN_PLAN),
    ("POST", "/api/v1/onboarding-plans/{onboarding_plan_id}/items/{onboarding_item_id}/complete"): Row(
        200, PLAN_SEERS, HIDDEN_PLAN
    ),
    ("GET", "/api/v1/training/lessons"): Row(200, STAFF),
    ("POST", "/api/v1/training/lessons"): Row(201, LEADERS),
    ("GET", "/api/v1/training/lessons/{lesson_id}"): Row(200, STAFF, NO_CLIENT_LEARNING),
    ("PATCH", "/api/v1/training/lessons/{lesson_id}"): Row(200, LEADERS, NO_CLIENT_LEARNING),
    ("GET", "/api/v1/training/assignments"): Row(200, STAFF),  # one's own and one's reports'
    ("POST", "/api/v1/training/assignments"): Row(201, LEADERS | {"pm"}),  # owners/admins and the member's lead
    ("GET", "/api/v1/training/assignments/{lesson_assignment_id}"): Row(200, GROWTH_RECORD, HIDDEN_TRAINING),
    ("GET", "/api/v1/training/attempts"): Row(200, STAFF),
    ("POST", "/api/v1/training/attempts"): Row(201, frozenset({"member"}), HIDDEN_TRAINING),  # one's own lesson
    ("GET", "/api/v1/training/attempts/{lesson_attempt_id}"): Row(200, GROWTH_RECORD, HIDDEN_TRAINING),
    ("POST", "/api/v1/training/attempts/{lesson_attempt_id}/review"): Row(
        200, GROWTH_RECORD - {"member"}, HIDDEN_TRAINING
    ),
}

# A literal copy of the foundation's policy table: changing these rows of access.POLICY must be a deliberate edit
# here too.
EXPECTED_POLICY = {
    ("workspace", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member", "client"},
    ("workspace", "update"): {"owner"},
    ("workspace", "export"): {"owner"},
    ("person", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member"},
    ("person", "create"): {"owner", "admin"},
    ("person", "update"): {"owner", "admin"},
    ("person", "archive"): {"owner", "admin"},
    ("person", "view_rates"): {"owner", "admin", "finance", "account_manager", "project_manager"},
    ("client", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member", "client"},
    ("client", "create"): {"owner", "admin", "account_manager"},
    ("client", "update"): {"owner", "admin", "account_manager"},
    ("client", "archive"): {"owner", "admin"},
    ("contact", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member", "client"},
    ("contact", "create"): {"owner", "admin", "account_manager"},
    ("contact", "update"): {"owner", "admin", "account_manager"},
    ("contact", "delete"): {"owner", "admin", "account_manager"},
    ("event", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member"},
    ("financials", "view"): {"owner", "admin", "finance", "account_manager", "project_manager"},
}


def schema_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            ops.append((method.upper(), path))
    return sorted(ops)


OPERATIONS = schema_operations()


# --- The world the matrix runs in -----------------------------------------------------------------------------


@dataclass
class World:
    personas: Personas
    contact_b: Contact  # a contact of client B (managed by admin, not by am)
    other_member: Person  # a plain member of the other workspace
    # Later apps' records, by workspace ("ours", "theirs"): {"project_id": 3, ...}, merged into the targets.
    records: dict[str, dict[str, int]] = field(default_factory=dict)

    def persona(self, name: str) -> Any:
        return self.personas[name]

    def targets(self, persona: str) -> dict[str, int]:
        """The records a persona acts on: its own workspace's (the outsider's workspace is the other one)."""
        p = self.personas
        if persona == "outsider":
            return {
                "workspace": p.other_workspace.id,
                "person_id": self.other_member.id,
                "successor_id": p["outsider"].person.id,
                "client_id": p.other_client.id,
                "contact_id": p.other_contact.id,
            } | self.records.get("theirs", {})
        return {
            "workspace": p.workspace.id,
            "person_id": p["member"].person.id,
            "successor_id": p["pm"].person.id,
            "client_id": p.client_a.id,
            "contact_id": p.contact_a.id,
        } | self.records.get("ours", {})

    def foreign_targets(self, persona: str) -> dict[str, int]:
        """Records of the workspace the persona does *not* belong to."""
        p = self.personas
        if persona == "outsider":
            return {
                "workspace": p.workspace.id,
                "person_id": p["member"].person.id,
                "successor_id": p["pm"].person.id,
                "client_id": p.client_a.id,
                "contact_id": p.contact_a.id,
            } | self.records.get("ours", {})
        return {
            "workspace": p.other_workspace.id,
            "person_id": p["outsider"].person.id,
            "successor_id": self.other_member.id,
            "client_id": p.other_client.id,
            "contact_id": p.other_contact.id,
        } | self.records.get("theirs", {})


def _delivery_records(actor: Actor, client: Client, pm: Person | None, member: Person | None) -> dict[str, int]:
    """A project of `client` managed by `pm`, a milestone, a task of `member`'s, and a template."""
    project = delivery.project_create(
        actor=actor,
        client_id=client.id,
        name="Matrix project",
        start_date=date(2026, 3, 2),
        project_manager_id=pm.id if pm else None,
    )
    milestone = delivery.milestone_create(actor=actor, project=project, name="Matrix milestone")
    # Two milestones reached: one with its scope review, one whose review is due (the scope-review lists' rows).
    for name in ("Reviewed milestone", "Review due"):
        reached = delivery.milestone_complete(
            actor=actor, milestone=delivery.milestone_create(actor=actor, project=project, name=name)
        )
        if name == "Reviewed milestone":
            scope_review_record(actor=actor, milestone=reached, outcome="in_scope")
    task = delivery.task_create(
        actor=actor, project=project, title="Matrix task", assignee_id=member.id if member else None
    )
    template = delivery.project_template_create(
        actor=actor,
        name="Matrix template",
        milestones=[{"ref": "m", "name": "Done", "due_offset_days": 5}],
        tasks=[{"ref": "a", "title": "First", "milestone": "m"}, {"title": "Second", "depends_on": ["a"]}],
    )
    return {"project_id": project.id, "milestone_id": milestone.id, "task_id": task.id, "template_id": template.id}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Personas built once for the whole module, rolled back at its end."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            personas = make_personas()
            contact_b = contact_create(
                actor=Actor.system(personas.workspace), client=personas.client_b, name="Bea Contact"
            )
            other_member = person_create(
                actor=Actor.system(personas.other_workspace),
                name="Other Member",
                email="member@elsewhere.test",
                role="member",
            )
            records = {
                "ours": _delivery_records(
                    Actor.system(personas.workspace),
                    personas.client_a,
                    personas["pm"].person,
                    personas["member"].person,
                ),
                "theirs": _delivery_records(
                    Actor.system(personas.other_workspace), personas.other_client, None, other_member
                ),
            }
            for side, actor, client, contact, author in (
                (
                    "ours",
                    Actor.system(personas.workspace),
                    personas.client_a,
                    personas.contact_a,
                    personas["member"].person,
                ),
                (
                    "theirs",
                    Actor.system(personas.other_workspace),
                    personas.other_client,
                    personas.other_contact,
                    other_member,
                ),
            ):
                records[side] |= make_knowledge_records(
                    actor=actor,
                    client=client,
                    contact=contact,
                    project=Project.objects.get(pk=records[side]["project_id"]),
                    task=Task.objects.get(pk=records[side]["task_id"]),
                    author=author,
                )
            for side, ws, member in (
                ("ours", personas.workspace, personas["member"].person),
                ("theirs", personas.other_workspace, other_member),
            ):
                records[side] |= make_resourcing_records(
                    workspace=ws, project=Project.objects.get(pk=records[side]["project_id"]), member=member
                )
            for side, ws, member, others in (
                (
                    "ours",
                    personas.workspace,
                    personas["member"].person,
                    [personas[n].person for n in ("owner", "admin", "finance", "am", "pm")],
                ),
                ("theirs", personas.other_workspace, other_member, [personas["outsider"].person]),
            ):
                records[side] |= make_money_records(
                    workspace=ws,
                    project=Project.objects.get(pk=records[side]["project_id"]),
                    member=member,
                    others=others,
                )
                records[side] |= make_collections_records(
                    workspace=ws, client_id=Project.objects.get(pk=records[side]["project_id"]).client_id
                )
            records["ours"] |= make_quote_records(workspace=personas.workspace, client=personas.client_a)
            records["theirs"] |= make_quote_records(workspace=personas.other_workspace, client=personas.other_client)
            for side, ws, recipient in (
                ("ours", personas.workspace, personas["member"].person),
                ("theirs", personas.other_workspace, personas["outsider"].person),
            ):
                records[side] |= make_automation_records(workspace=ws, recipient=recipient)
            for side, ws, proposer in (
                ("ours", personas.workspace, personas["admin"].person),
                ("theirs", personas.other_workspace, other_member),
            ):
                records[side]["change_request_id"] = ChangeRequest.objects.create(  # a pending onboarding-plan change
                    workspace=ws,
                    kind="onboarding_template",
                    action="update",
                    target_id=ws.pk,
                    payload={"steps": [{"day_offset": 0, "kind": "meeting", "title": "Kick-off"}]},
                    requested_by_id=proposer.pk,
                    requested_by_name=proposer.name,
                ).pk
            ChangeRequest.objects.create(  # the am's own proposal, so its list is not empty
                workspace=personas.workspace,
                kind="protocol",
                action="update",
                target_id=personas.client_a.pk,
                payload={"response_time_hours": 4},
                requested_by_id=personas["am"].person.pk,
                requested_by_name=personas["am"].person.name,
            )
            records["ours"] |= make_growth_records(
                workspace=personas.workspace, member=personas["member"].person, lead=personas["pm"].person
            )
            records["theirs"] |= make_growth_records(workspace=personas.other_workspace, member=other_member)
            records["ours"] |= make_learning_records(
                workspace=personas.workspace,
                member=personas["member"].person,
                buddy=personas["am"].person,
                free=personas["pm"].person,  # `successor_id`: a plan is created for them
            )
            records["theirs"] |= make_learning_records(
                workspace=personas.other_workspace, member=other_member, free=personas["outsider"].person
            )
            records["ours"] |= make_relationships_records(
                workspace=personas.workspace,
                client=personas.client_a,
                contact=personas.contact_a,
                am=personas["am"].person,
                seller=personas["admin"].person,
            )
            records["theirs"] |= make_relationships_records(
                workspace=personas.other_workspace,
                client=personas.other_client,
                contact=personas.other_contact,
                am=personas["outsider"].person,
                seller=other_member,
            )
            for side, client, uploader in (
                ("ours", personas.client_a, personas["am"].person),
                ("theirs", personas.other_client, personas["outsider"].person),
            ):
                records[side] |= make_portal_records(
                    client=client, project=Project.objects.get(pk=records[side]["project_id"]), uploader=uploader
                )
            am, member, outsider = (personas[n].person for n in ("am", "member", "outsider"))
            records["ours"] |= make_handoff_records(
                workspace=personas.workspace, draft=(am, member), sent=(am, member), gaps=(am, member)
            ) | {"receiver_id": personas["pm"].person.id, "other_receiver_id": personas["admin"].person.id}
            records["theirs"] |= make_handoff_records(
                workspace=personas.other_workspace,
                draft=(outsider, other_member),
                sent=(other_member, outsider),
                gaps=(outsider, other_member),
            ) | {"receiver_id": other_member.id, "other_receiver_id": other_member.id}
            for side, ws, member in (
                ("ours", personas.workspace, personas["member"].person),
                ("theirs", personas.other_workspace, other_member),
            ):
                records[side] |= make_import_records(
                    workspace=ws,
                    member=member,
                    project=Project.objects.select_related("client").get(pk=records[side]["project_id"]),
                    day=date(2026, 3, 3),
                )
            search_index_rebuild()
            yield World(personas=personas, contact_b=contact_b, other_member=other_member, records=records)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()


# --- How to call each operation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    url: str
    body: dict[str, Any] | None = None
    if_match: int | None = None
    multipart: bool = False  # a file upload (the body holds the file)


def _version(model: type, pk: int) -> int:
    return int(model.objects.get(pk=pk).version)


Recipe = Callable[[dict[str, int], str], Call]


def _einvoice_call(invoice_id: int) -> Call:
    """The sent invoice's e-invoice, its seller and buyer given the legally required details first."""
    invoice = Invoice.objects.get(pk=invoice_id)
    Workspace.objects.filter(pk=invoice.workspace_id).update(
        legal_name="Seller Ltd", address="1 Main St\n10115 Berlin", country="DE", vat_id="DE123456789",
        iban="DE02120300000000202051",
    )  # fmt: skip
    Client.objects.filter(pk=invoice.client_id).update(
        legal_name="Buyer AG", address="2 Side St\n80331 Munich", country="DE", vat_id="DE987654321"
    )
    return Call(f"/api/v1/invoices/{invoice_id}/e-invoice?format=ubl")


RECIPES: dict[tuple[str, str], Recipe] = {
    ("GET", "/api/v1/events"): lambda t, who: Call("/api/v1/events?limit=500"),
    ("GET", "/api/v1/me"): lambda t, who: Call("/api/v1/me"),
    ("PATCH", "/api/v1/me"): lambda t, who: Call("/api/v1/me", {"duration_style": "decimal"}),
    ("GET", "/api/v1/home"): lambda t, who: Call("/api/v1/home"),
    ("GET", "/api/v1/export"): lambda t, who: Call("/api/v1/export"),
    ("GET", "/api/v1/workspace"): lambda t, who: Call("/api/v1/workspace"),
    ("GET", "/api/v1/change-requests"): lambda t, who: Call("/api/v1/change-requests"),
    ("GET", "/api/v1/change-requests/{change_request_id}"): lambda t, who: Call(
        f"/api/v1/change-requests/{t['change_request_id']}"
    ),
    ("POST", "/api/v1/change-requests/{change_request_id}/approve"): lambda t, who: Call(
        f"/api/v1/change-requests/{t['change_request_id']}/approve"
    ),
    ("POST", "/api/v1/change-requests/{change_request_id}/reject"): lambda t, who: Call(
        f"/api/v1/change-requests/{t['change_request_id']}/reject", {"reason": f"Not now, {who}."}
    ),
    ("PATCH", "/api/v1/workspace"): lambda t, who: Call(
        "/api/v1/workspace", {"name": f"Renamed by {who}"}, _version(Workspace, t["workspace"])
    ),
    ("GET", "/api/v1/people"): lambda t, who: Call("/api/v1/people"),
    ("POST", "/api/v1/people"): lambda t, who: Call(
        "/api/v1/people", {"name": f"New {who}", "email": f"new-{who}@matrix.test", "role": "member"}
    ),
    ("GET", "/api/v1/people/{person_id}"): lambda t, who: Call(f"/api/v1/people/{t['person_id']}"),
    ("PATCH", "/api/v1/people/{person_id}"): lambda t, who: Call(
        f"/api/v1/people/{t['person_id']}", {"title": f"Retitled by {who}"}, _version(Person, t["person_id"])
    ),
    ("POST", "/api/v1/people/{person_id}/archive"): lambda t, who: Call(
        f"/api/v1/people/{t['person_id']}/archive", {"successor_id": t["successor_id"]}
    ),
    ("GET", "/api/v1/people/{person_id}/holdings"): lambda t, who: Call(f"/api/v1/people/{t['person_id']}/holdings"),
    ("GET", "/api/v1/clients"): lambda t, who: Call("/api/v1/clients"),
    ("POST", "/api/v1/clients"): lambda t, who: Call("/api/v1/clients", {"name": f"New client of {who}"}),
    ("GET", "/api/v1/clients/{client_id}"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}"),
    ("PATCH", "/api/v1/clients/{client_id}"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}", {"notes": f"Noted by {who}"}, _version(Client, t["client_id"])
    ),
    ("POST", "/api/v1/clients/{client_id}/archive"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}/archive"),
    ("POST", "/api/v1/clients/{client_id}/unarchive"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/unarchive"
    ),
    ("GET", "/api/v1/contacts"): lambda t, who: Call("/api/v1/contacts"),
    ("POST", "/api/v1/contacts"): lambda t, who: Call(
        "/api/v1/contacts", {"client_id": t["client_id"], "name": f"Contact by {who}"}
    ),
    ("GET", "/api/v1/contacts/{contact_id}"): lambda t, who: Call(f"/api/v1/contacts/{t['contact_id']}"),
    ("PATCH", "/api/v1/contacts/{contact_id}"): lambda t, who: Call(
        f"/api/v1/contacts/{t['contact_id']}", {"role": f"Set by {who}"}, _version(Contact, t["contact_id"])
    ),
    ("DELETE", "/api/v1/contacts/{contact_id}"): lambda t, who: Call(f"/api/v1/contacts/{t['contact_id']}"),
    ("GET", "/api/v1/projects"): lambda t, who: Call("/api/v1/projects"),
    ("POST", "/api/v1/projects"): lambda t, who: Call(
        "/api/v1/projects", {"client_id": t["client_id"], "name": f"Project by {who}"}
    ),
    ("POST", "/api/v1/projects/from-template"): lambda t, who: Call(
        "/api/v1/projects/from-template",
        {
            "template_id": t["template_id"],
            "client_id": t["client_id"],
            "name": f"From template by {who}",
            "start_date": "2026-04-06",
        },
    ),
    ("GET", "/api/v1/projects/{project_id}"): lambda t, who: Call(f"/api/v1/projects/{t['project_id']}"),
    ("PATCH", "/api/v1/projects/{project_id}"): lambda t, who: Call(
        f"/api/v1/projects/{t['project_id']}", {"description": f"Set by {who}"}, _version(Project, t["project_id"])
    ),
    ("POST", "/api/v1/projects/{project_id}/archive"): lambda t, who: Call(
        f"/api/v1/projects/{t['project_id']}/archive"
    ),
    ("POST", "/api/v1/projects/{project_id}/budget-revisions"): lambda t, who: Call(
        f"/api/v1/projects/{t['project_id']}/budget-revisions",
        {"budget_amount": f"{1000 + len(who)}.00", "reason": f"Revised by {who}"},
    ),
    ("GET", "/api/v1/projects/{project_id}/budget-revisions"): lambda t, who: Call(
        f"/api/v1/projects/{t['project_id']}/budget-revisions"
    ),
    ("POST", "/api/v1/projects/{project_id}/unarchive"): lambda t, who: Call(
        f"/api/v1/projects/{t['project_id']}/unarchive"
    ),
    ("POST", "/api/v1/projects/{project_id}/save-as-template"): lambda t, who: Call(
        f"/api/v1/projects/{t['project_id']}/save-as-template", {"name": f"Saved by {who}"}
    ),
    ("GET", "/api/v1/project-templates"): lambda t, who: Call("/api/v1/project-templates"),
    ("POST", "/api/v1/project-templates"): lambda t, who: Call(
        "/api/v1/project-templates", {"name": f"Template by {who}", "tasks": [{"title": "Only"}]}
    ),
    ("GET", "/api/v1/project-templates/{template_id}"): lambda t, who: Call(
        f"/api/v1/project-templates/{t['template_id']}"
    ),
    ("PATCH", "/api/v1/project-templates/{template_id}"): lambda t, who: Call(
        f"/api/v1/project-templates/{t['template_id']}",
        {"description": f"Set by {who}"},
        _version(ProjectTemplate, t["template_id"]),
    ),
    ("DELETE", "/api/v1/project-templates/{template_id}"): lambda t, who: Call(
        f"/api/v1/project-templates/{t['template_id']}"
    ),
    ("GET", "/api/v1/milestones"): lambda t, who: Call("/api/v1/milestones"),
    ("POST", "/api/v1/milestones"): lambda t, who: Call(
        "/api/v1/milestones", {"project_id": t["project_id"], "name": f"Milestone by {who}"}
    ),
    ("GET", "/api/v1/milestones/{milestone_id}"): lambda t, who: Call(f"/api/v1/milestones/{t['milestone_id']}"),
    ("PATCH", "/api/v1/milestones/{milestone_id}"): lambda t, who: Call(
        f"/api/v1/milestones/{t['milestone_id']}", {"name": f"Renamed by {who}"}, _version(Milestone, t["milestone_id"])
    ),
    ("DELETE", "/api/v1/milestones/{milestone_id}"): lambda t, who: Call(f"/api/v1/milestones/{t['milestone_id']}"),
    ("POST", "/api/v1/milestones/{milestone_id}/complete"): lambda t, who: Call(
        f"/api/v1/milestones/{t['milestone_id']}/complete"
    ),
    ("GET", "/api/v1/tasks"): lambda t, who: Call("/api/v1/tasks"),
    ("POST", "/api/v1/tasks"): lambda t, who: Call(
        "/api/v1/tasks", {"project_id": t["project_id"], "title": f"Task by {who}"}
    ),
    ("GET", "/api/v1/tasks/{task_id}"): lambda t, who: Call(f"/api/v1/tasks/{t['task_id']}"),
    ("PATCH", "/api/v1/tasks/{task_id}"): lambda t, who: Call(
        f"/api/v1/tasks/{t['task_id']}", {"description": f"Noted by {who}"}, _version(Task, t["task_id"])
    ),
    ("DELETE", "/api/v1/tasks/{task_id}"): lambda t, who: Call(f"/api/v1/tasks/{t['task_id']}"),
    ("POST", "/api/v1/tasks/{task_id}/status"): lambda t, who: Call(
        f"/api/v1/tasks/{t['task_id']}/status", {"status": "in_progress"}
    ),
    ("GET", "/api/v1/decisions"): lambda t, who: Call("/api/v1/decisions"),
    ("POST", "/api/v1/decisions"): lambda t, who: Call(
        "/api/v1/decisions",
        {"client_id": t["client_id"], "title": f"By {who}", "decision": "Yes.", "decided_by": t["person_id"]},
    ),
    ("GET", "/api/v1/decisions/{decision_id}"): lambda t, who: Call(f"/api/v1/decisions/{t['decision_id']}"),
    ("PATCH", "/api/v1/decisions/{decision_id}"): lambda t, who: Call(
        f"/api/v1/decisions/{t['decision_id']}", {"rationale": f"Why, by {who}"}, _version(Decision, t["decision_id"])
    ),
    ("GET", "/api/v1/briefs"): lambda t, who: Call("/api/v1/briefs"),
    ("POST", "/api/v1/briefs"): lambda t, who: Call(
        "/api/v1/briefs", {"project_id": t["project_id"], "task_id": t["task_id"], "objective": f"By {who}"}
    ),
    ("GET", "/api/v1/briefs/{brief_id}"): lambda t, who: Call(f"/api/v1/briefs/{t['brief_id']}"),
    ("PATCH", "/api/v1/briefs/{brief_id}"): lambda t, who: Call(
        f"/api/v1/briefs/{t['brief_id']}", {"constraints": f"Set by {who}"}, _version(Brief, t["brief_id"])
    ),
    ("POST", "/api/v1/briefs/{brief_id}/approve"): lambda t, who: Call(f"/api/v1/briefs/{t['brief_id']}/approve"),
    ("GET", "/api/v1/briefs/{brief_id}/versions"): lambda t, who: Call(f"/api/v1/briefs/{t['brief_id']}/versions"),
    ("GET", "/api/v1/tasks/{task_id}/brief-links"): lambda t, who: Call(f"/api/v1/tasks/{t['task_id']}/brief-links"),
    ("GET", "/api/v1/clients/{client_id}/knowledge"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/knowledge"
    ),
    ("PUT", "/api/v1/clients/{client_id}/knowledge"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/knowledge", {"preferences": f"Noted by {who}"}
    ),
    ("GET", "/api/v1/clients/{client_id}/stakeholders"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/stakeholders"
    ),
    ("PUT", "/api/v1/clients/{client_id}/stakeholders/{contact_id}"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/stakeholders/{t['contact_id']}",
        {"influence": "high", "attitude": "champion"},
    ),
    ("GET", "/api/v1/comments"): lambda t, who: Call(
        f"/api/v1/comments?target_type=decision&target_id={t['decision_id']}"
    ),
    ("POST", "/api/v1/comments"): lambda t, who: Call(
        "/api/v1/comments", {"target_type": "decision", "target_id": t["decision_id"], "body": f"From {who}"}
    ),
    ("GET", "/api/v1/comments/{comment_id}"): lambda t, who: Call(f"/api/v1/comments/{t['comment_id']}"),
    ("DELETE", "/api/v1/comments/{comment_id}"): lambda t, who: Call(f"/api/v1/comments/{t['comment_id']}"),
    ("GET", "/api/v1/imports"): lambda t, who: Call("/api/v1/imports"),
    ("POST", "/api/v1/imports"): lambda t, who: Call(
        "/api/v1/imports",
        {"file": import_csv(["2026-03-02,60,nobody@matrix.test,Client,Project,From matrix"], f"{who}.csv")},
        multipart=True,
    ),
    ("GET", "/api/v1/imports/{import_id}"): lambda t, who: Call(f"/api/v1/imports/{t['import_id']}"),
    ("PUT", "/api/v1/imports/{import_id}/mapping"): lambda t, who: Call(
        f"/api/v1/imports/{t['import_id']}/mapping", {"people": {}}
    ),
    ("POST", "/api/v1/imports/{import_id}/run"): lambda t, who: Call(f"/api/v1/imports/{t['import_id']}/run"),
    ("GET", "/api/v1/imports/{import_id}/errors.csv"): lambda t, who: Call(
        f"/api/v1/imports/{t['import_id']}/errors.csv"
    ),
    ("GET", "/api/v1/attachments"): lambda t, who: Call(
        f"/api/v1/attachments?target_type=decision&target_id={t['decision_id']}"
    ),
    ("POST", "/api/v1/attachments"): lambda t, who: Call(
        "/api/v1/attachments",
        {"target_type": "decision", "target_id": t["decision_id"], "file": png_upload(f"{who}.png")},
        multipart=True,
    ),
    ("GET", "/api/v1/attachments/{attachment_id}"): lambda t, who: Call(f"/api/v1/attachments/{t['attachment_id']}"),
    ("GET", "/api/v1/attachments/{attachment_id}/download"): lambda t, who: Call(
        f"/api/v1/attachments/{t['attachment_id']}/download"
    ),
    ("DELETE", "/api/v1/attachments/{attachment_id}"): lambda t, who: Call(f"/api/v1/attachments/{t['attachment_id']}"),
    ("GET", "/api/v1/search"): lambda t, who: Call("/api/v1/search?q=matrix"),
    # Relationships
    ("GET", "/api/v1/deals"): lambda t, who: Call("/api/v1/deals"),
    ("POST", "/api/v1/deals"): lambda t, who: Call(
        "/api/v1/deals", {"client_id": t["client_id"], "name": f"Deal by {who}", "value": "1000.00"}
    ),
    ("GET", "/api/v1/deals/board"): lambda t, who: Call("/api/v1/deals/board"),
    ("GET", "/api/v1/deals/{deal_id}"): lambda t, who: Call(f"/api/v1/deals/{t['deal_id']}"),
    ("PATCH", "/api/v1/deals/{deal_id}"): lambda t, who: Call(
        f"/api/v1/deals/{t['deal_id']}", {"notes": f"by {who}"}, _version(Deal, t["deal_id"])
    ),
    ("POST", "/api/v1/deals/{deal_id}/win"): lambda t, who: Call(f"/api/v1/deals/{t['deal_id']}/win", {}),
    ("POST", "/api/v1/deals/{deal_id}/lose"): lambda t, who: Call(
        f"/api/v1/deals/{t['deal_id']}/lose", {"reason": f"by {who}"}
    ),
    ("GET", "/api/v1/clients/{client_id}/protocol"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}/protocol"),
    ("PUT", "/api/v1/clients/{client_id}/protocol"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/protocol", {"channels": ["email", who], "update_every_days": 5}
    ),
    ("GET", "/api/v1/clients/{client_id}/cadence"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}/cadence"),
    ("GET", "/api/v1/clients/{client_id}/health"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}/health"),
    ("GET", "/api/v1/portfolio"): lambda t, who: Call("/api/v1/portfolio"),
    ("POST", "/api/v1/clients/{client_id}/onboarding/apply"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/onboarding/apply", {"start": "2030-01-07"}
    ),
    ("GET", "/api/v1/onboarding-template"): lambda t, who: Call("/api/v1/onboarding-template"),
    ("PUT", "/api/v1/onboarding-template"): lambda t, who: Call(
        "/api/v1/onboarding-template", {"steps": [{"day_offset": 0, "kind": "meeting", "title": f"Kick-off {who}"}]}
    ),
    ("GET", "/api/v1/relationships/settings"): lambda t, who: Call("/api/v1/relationships/settings"),
    ("PATCH", "/api/v1/relationships/settings"): lambda t, who: Call(
        "/api/v1/relationships/settings", {"escalate_cadence_after_days": 9}
    ),
    ("GET", "/api/v1/health/backtest"): lambda t, who: Call("/api/v1/health/backtest"),
    ("POST", "/api/v1/health/backtest/accept"): lambda t, who: Call("/api/v1/health/backtest/accept", {}),
    ("GET", "/api/v1/touchpoints"): lambda t, who: Call("/api/v1/touchpoints"),
    ("POST", "/api/v1/touchpoints"): lambda t, who: Call(
        "/api/v1/touchpoints", {"client_id": t["client_id"], "kind": "email", "summary": f"Mail by {who}"}
    ),
    ("GET", "/api/v1/touchpoints/{touchpoint_id}"): lambda t, who: Call(f"/api/v1/touchpoints/{t['touchpoint_id']}"),
    ("GET", "/api/v1/meetings"): lambda t, who: Call("/api/v1/meetings"),
    ("POST", "/api/v1/meetings"): lambda t, who: Call(
        "/api/v1/meetings",
        {"client_id": t["client_id"], "title": f"Review by {who}", "starts_at": "2026-12-01T10:00:00Z"},
    ),
    ("GET", "/api/v1/meetings/{meeting_id}/brief"): lambda t, who: Call(f"/api/v1/meetings/{t['meeting_id']}/brief"),
    ("GET", "/api/v1/meetings/{meeting_id}/brief.pdf"): lambda t, who: Call(
        f"/api/v1/meetings/{t['meeting_id']}/brief.pdf"
    ),
    ("GET", "/api/v1/clients/{client_id}/qbr"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}/qbr"),
    ("GET", "/api/v1/clients/{client_id}/qbr.pdf"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}/qbr.pdf"),
    ("POST", "/api/v1/touchpoints/{touchpoint_id}/recap"): lambda t, who: Call(
        f"/api/v1/touchpoints/{t['touchpoint_id']}/recap", {"subject": f"Recap by {who}"}
    ),
    ("POST", "/api/v1/touchpoints/{touchpoint_id}/recap/send"): lambda t, who: Call(
        f"/api/v1/touchpoints/{t['touchpoint_id']}/recap/send", {}
    ),
    ("PATCH", "/api/v1/touchpoints/{touchpoint_id}"): lambda t, who: Call(
        f"/api/v1/touchpoints/{t['touchpoint_id']}", {"summary": f"by {who}"}, _version(Touchpoint, t["touchpoint_id"])
    ),
    ("GET", "/api/v1/next-steps"): lambda t, who: Call("/api/v1/next-steps"),
    ("POST", "/api/v1/next-steps/{next_step_id}/complete"): lambda t, who: Call(
        f"/api/v1/next-steps/{t['next_step_id']}/complete"
    ),
    ("GET", "/api/v1/status-updates"): lambda t, who: Call("/api/v1/status-updates"),
    ("POST", "/api/v1/status-updates/draft"): lambda t, who: Call(
        "/api/v1/status-updates/draft", {"client_id": t["client_id"], "week_start": "2030-01-07"}
    ),
    ("GET", "/api/v1/status-updates/{status_update_id}"): lambda t, who: Call(
        f"/api/v1/status-updates/{t['status_update_id']}"
    ),
    ("PATCH", "/api/v1/status-updates/{status_update_id}"): lambda t, who: Call(
        f"/api/v1/status-updates/{t['draft_status_update_id']}",
        {"body": f"Edited by {who}"},
        _version(StatusUpdate, t["draft_status_update_id"]),
    ),
    ("POST", "/api/v1/status-updates/{status_update_id}/send"): lambda t, who: Call(
        f"/api/v1/status-updates/{t['draft_status_update_id']}/send", {}
    ),
    ("GET", "/api/v1/client-goals"): lambda t, who: Call("/api/v1/client-goals"),
    ("POST", "/api/v1/client-goals"): lambda t, who: Call(
        "/api/v1/client-goals", {"client_id": t["client_id"], "title": f"Goal {who}", "metric": "Leads", "target": "50"}
    ),
    ("GET", "/api/v1/client-goals/{goal_id}"): lambda t, who: Call(f"/api/v1/client-goals/{t['goal_id']}"),
    ("PATCH", "/api/v1/client-goals/{goal_id}"): lambda t, who: Call(
        f"/api/v1/client-goals/{t['goal_id']}", {"description": f"by {who}"}, _version(ClientGoal, t["goal_id"])
    ),
    ("GET", "/api/v1/engagements"): lambda t, who: Call("/api/v1/engagements"),
    ("POST", "/api/v1/engagements"): lambda t, who: Call(
        "/api/v1/engagements", {"client_id": t["client_id"], "name": f"Retainer {who}", "start_date": "2030-01-01"}
    ),
    ("GET", "/api/v1/engagements/{engagement_id}"): lambda t, who: Call(f"/api/v1/engagements/{t['engagement_id']}"),
    ("PATCH", "/api/v1/engagements/{engagement_id}"): lambda t, who: Call(
        f"/api/v1/engagements/{t['engagement_id']}", {"service": f"by {who}"}, _version(Engagement, t["engagement_id"])
    ),
    ("POST", "/api/v1/engagements/{engagement_id}/renew"): lambda t, who: Call(
        f"/api/v1/engagements/{t['engagement_id']}/renew", {}
    ),
    ("POST", "/api/v1/engagements/{engagement_id}/end"): lambda t, who: Call(
        f"/api/v1/engagements/{t['engagement_id']}/end", {}
    ),
    ("POST", "/api/v1/engagements/{engagement_id}/churn"): lambda t, who: Call(
        f"/api/v1/engagements/{t['engagement_id']}/churn", {"reason": f"Budget cut ({who})"}
    ),
    ("GET", "/api/v1/engagements/renewals-due"): lambda t, who: Call("/api/v1/engagements/renewals-due?days=365"),
    ("GET", "/api/v1/clients/{client_id}/renewal-risk"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/renewal-risk"
    ),
    ("GET", "/api/v1/reports/retention"): lambda t, who: Call(
        "/api/v1/reports/retention?from=2026-01-01&to=2026-12-31"
    ),
    ("POST", "/api/v1/client-goals/{goal_id}/values"): lambda t, who: Call(
        f"/api/v1/client-goals/{t['goal_id']}/values", {"value": "130", "recorded_on": "2030-01-07"}
    ),
    ("GET", "/api/v1/clients/{client_id}/report/pdf"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/report/pdf"
    ),
    ("GET", "/api/v1/client-requests"): lambda t, who: Call("/api/v1/client-requests"),
    ("POST", "/api/v1/client-requests"): lambda t, who: Call(
        "/api/v1/client-requests",
        {"client_id": t["client_id"], "project_id": t["project_id"], "title": f"Asked by {who}", "kind": "bug"},
    ),
    ("GET", "/api/v1/client-requests/{request_id}"): lambda t, who: Call(f"/api/v1/client-requests/{t['request_id']}"),
    ("POST", "/api/v1/client-requests/{request_id}/triage"): lambda t, who: Call(
        f"/api/v1/client-requests/{t['request_id']}/triage", {"priority": "high", "notes": f"Triaged by {who}"}
    ),
    ("POST", "/api/v1/client-requests/{request_id}/convert"): lambda t, who: Call(
        f"/api/v1/client-requests/{t['request_id']}/convert", {"into": "task"}
    ),
    ("POST", "/api/v1/client-requests/{request_id}/decline"): lambda t, who: Call(
        f"/api/v1/client-requests/{t['request_id']}/decline", {"reason": "Outside the retainer"}
    ),
    ("GET", "/api/v1/deliverables"): lambda t, who: Call("/api/v1/deliverables"),
    ("POST", "/api/v1/deliverables/{deliverable_id}/approve"): lambda t, who: Call(
        f"/api/v1/deliverables/{t['deliverable_id']}/approve", {"comment": f"Approved by {who}"}
    ),
    ("POST", "/api/v1/deliverables/{deliverable_id}/request-changes"): lambda t, who: Call(
        f"/api/v1/deliverables/{t['deliverable_id']}/request-changes", {"comment": "Bigger logo"}
    ),
    ("GET", "/api/v1/deliverable-approvals"): lambda t, who: Call("/api/v1/deliverable-approvals"),
    ("GET", "/api/v1/shared-files"): lambda t, who: Call("/api/v1/shared-files"),
    ("POST", "/api/v1/shared-files"): lambda t, who: Call(
        "/api/v1/shared-files", {"project_id": t["project_id"], "file": png_upload(f"{who}.png")}, multipart=True
    ),
    ("GET", "/api/v1/shared-files/{file_id}/download"): lambda t, who: Call(
        f"/api/v1/shared-files/{t['file_id']}/download"
    ),
    ("GET", "/api/v1/escalations"): lambda t, who: Call("/api/v1/escalations"),
    ("POST", "/api/v1/escalations"): lambda t, who: Call(
        "/api/v1/escalations", {"client_id": t["client_id"], "title": f"Raised by {who}"}
    ),
    ("GET", "/api/v1/escalations/{escalation_id}"): lambda t, who: Call(f"/api/v1/escalations/{t['escalation_id']}"),
    ("POST", "/api/v1/escalations/{escalation_id}/assign"): lambda t, who: Call(
        f"/api/v1/escalations/{t['escalation_id']}/assign", {"assignee_id": t["assignee_id"]}
    ),
    ("POST", "/api/v1/escalations/{escalation_id}/resolve"): lambda t, who: Call(
        f"/api/v1/escalations/{t['escalation_id']}/resolve", {"note": f"Resolved by {who}"}
    ),
    ("GET", "/api/v1/growth-opportunities"): lambda t, who: Call("/api/v1/growth-opportunities"),
    ("POST", "/api/v1/growth-opportunities"): lambda t, who: Call(
        "/api/v1/growth-opportunities", {"client_id": t["client_id"], "title": f"Upsell by {who}", "value": "100.00"}
    ),
    ("GET", "/api/v1/growth-opportunities/{opportunity_id}"): lambda t, who: Call(
        f"/api/v1/growth-opportunities/{t['opportunity_id']}"
    ),
    ("PATCH", "/api/v1/growth-opportunities/{opportunity_id}"): lambda t, who: Call(
        f"/api/v1/growth-opportunities/{t['opportunity_id']}",
        {"status": "proposed"},
        _version(GrowthOpportunity, t["opportunity_id"]),
    ),
    ("POST", "/api/v1/growth-opportunities/{opportunity_id}/deal"): lambda t, who: Call(
        f"/api/v1/growth-opportunities/{t['opportunity_id']}/deal", {}
    ),
    # Automation
    ("GET", "/api/v1/automation/rules"): lambda t, who: Call("/api/v1/automation/rules"),
    ("POST", "/api/v1/automation/rules"): lambda t, who: Call(
        "/api/v1/automation/rules",
        {"name": f"Rule by {who}", "trigger": "deal.won", "actions": [{"type": "notify", "params": {"to": "actor"}}]},
    ),
    ("GET", "/api/v1/automation/rules/{rule_id}"): lambda t, who: Call(f"/api/v1/automation/rules/{t['rule_id']}"),
    ("PATCH", "/api/v1/automation/rules/{rule_id}"): lambda t, who: Call(
        f"/api/v1/automation/rules/{t['rule_id']}", {"name": f"Renamed by {who}"}, _version(Rule, t["rule_id"])
    ),
    ("DELETE", "/api/v1/automation/rules/{rule_id}"): lambda t, who: Call(f"/api/v1/automation/rules/{t['rule_id']}"),
    ("GET", "/api/v1/automation/rules/{rule_id}/dry-run"): lambda t, who: Call(
        f"/api/v1/automation/rules/{t['rule_id']}/dry-run"
    ),
    ("GET", "/api/v1/automation/runs"): lambda t, who: Call("/api/v1/automation/runs"),
    ("GET", "/api/v1/automation/action-types"): lambda t, who: Call("/api/v1/automation/action-types"),
    ("GET", "/api/v1/webhooks"): lambda t, who: Call("/api/v1/webhooks"),
    ("POST", "/api/v1/webhooks"): lambda t, who: Call(
        "/api/v1/webhooks", {"url": f"https://hooks.example.com/{who}", "events": ["deal.won"]}
    ),
    ("GET", "/api/v1/webhooks/{webhook_id}"): lambda t, who: Call(f"/api/v1/webhooks/{t['webhook_id']}"),
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): lambda t, who: Call(
        f"/api/v1/webhooks/{t['webhook_id']}", {"description": f"Set by {who}"}, _version(Webhook, t["webhook_id"])
    ),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): lambda t, who: Call(f"/api/v1/webhooks/{t['webhook_id']}"),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): lambda t, who: Call(
        f"/api/v1/webhooks/{t['webhook_id']}/deliveries"
    ),
    ("POST", "/api/v1/webhooks/{webhook_id}/test"): lambda t, who: Call(f"/api/v1/webhooks/{t['webhook_id']}/test"),
    ("GET", "/api/v1/notifications"): lambda t, who: Call("/api/v1/notifications"),
    ("POST", "/api/v1/notifications/{notification_id}/read"): lambda t, who: Call(
        f"/api/v1/notifications/{t['notification_id']}/read"
    ),
    ("POST", "/api/v1/notifications/read-all"): lambda t, who: Call("/api/v1/notifications/read-all"),
    ("GET", "/api/v1/notifications/preferences"): lambda t, who: Call("/api/v1/notifications/preferences"),
    ("PUT", "/api/v1/notifications/preferences"): lambda t, who: Call(
        "/api/v1/notifications/preferences", {"email": "immediate"}
    ),
    # Resourcing
    ("GET", "/api/v1/bookings"): lambda t, who: Call("/api/v1/bookings"),
    ("POST", "/api/v1/bookings"): lambda t, who: Call(
        "/api/v1/bookings",
        {
            "person_id": t["person_id"],
            "project_id": t["project_id"],
            "start_date": "2030-04-01",
            "end_date": "2030-04-05",
            "minutes_per_day": 60,
        },
    ),
    ("GET", "/api/v1/bookings/{booking_id}"): lambda t, who: Call(f"/api/v1/bookings/{t['booking_id']}"),
    ("PATCH", "/api/v1/bookings/{booking_id}"): lambda t, who: Call(
        f"/api/v1/bookings/{t['booking_id']}", {"note": f"By {who}"}, _version(Booking, t["booking_id"])
    ),
    ("DELETE", "/api/v1/bookings/{booking_id}"): lambda t, who: Call(f"/api/v1/bookings/{t['booking_id']}"),
    ("POST", "/api/v1/bookings/{booking_id}/move"): lambda t, who: Call(
        f"/api/v1/bookings/{t['booking_id']}/move", {"start_date": "2030-05-06"}
    ),
    ("POST", "/api/v1/bookings/{booking_id}/resize"): lambda t, who: Call(
        f"/api/v1/bookings/{t['booking_id']}/resize", {"end_date": "2030-03-06"}
    ),
    ("POST", "/api/v1/bookings/{booking_id}/split"): lambda t, who: Call(
        f"/api/v1/bookings/{t['booking_id']}/split", {"date": "2030-03-06"}
    ),
    ("POST", "/api/v1/bookings/{booking_id}/staff"): lambda t, who: Call(
        f"/api/v1/bookings/{t['placeholder_id']}/staff", {"person_id": t["person_id"]}
    ),
    ("GET", "/api/v1/people/{person_id}/availability"): lambda t, who: Call(
        f"/api/v1/people/{t['person_id']}/availability?from=2030-03-04&to=2030-03-10"
    ),
    ("GET", "/api/v1/people/{person_id}/calendar-feed"): lambda t, who: Call(
        f"/api/v1/people/{t['person_id']}/calendar-feed"
    ),
    ("POST", "/api/v1/people/{person_id}/calendar-feed/reset"): lambda t, who: Call(
        f"/api/v1/people/{t['person_id']}/calendar-feed/reset"
    ),
    ("GET", "/api/v1/time-off"): lambda t, who: Call("/api/v1/time-off"),
    ("POST", "/api/v1/time-off"): lambda t, who: Call(
        "/api/v1/time-off", {"start_date": "2030-06-03", "end_date": "2030-06-04", "kind": "vacation"}
    ),
    ("POST", "/api/v1/time-off/import"): lambda t, who: Call(
        "/api/v1/time-off/import",
        {
            "ics": "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//m//EN\nBEGIN:VEVENT\nUID:m@x\nSUMMARY:Vacation\n"
            "DTSTART;VALUE=DATE:20300701\nDTEND;VALUE=DATE:20300703\nEND:VEVENT\nEND:VCALENDAR\n"
        },
    ),
    ("GET", "/api/v1/time-off/{time_off_id}"): lambda t, who: Call(f"/api/v1/time-off/{t['time_off_id']}"),
    ("PATCH", "/api/v1/time-off/{time_off_id}"): lambda t, who: Call(
        f"/api/v1/time-off/{t['time_off_id']}", {"note": f"By {who}"}, _version(TimeOff, t["time_off_id"])
    ),
    ("DELETE", "/api/v1/time-off/{time_off_id}"): lambda t, who: Call(f"/api/v1/time-off/{t['time_off_id']}"),
    ("POST", "/api/v1/time-off/{time_off_id}/approve"): lambda t, who: Call(
        f"/api/v1/time-off/{t['time_off_id']}/approve"
    ),
    ("POST", "/api/v1/time-off/{time_off_id}/reject"): lambda t, who: Call(
        f"/api/v1/time-off/{t['time_off_id']}/reject", {"reason": "busy"}
    ),
    ("GET", "/api/v1/capacity-periods"): lambda t, who: Call("/api/v1/capacity-periods"),
    ("POST", "/api/v1/capacity-periods"): lambda t, who: Call(
        "/api/v1/capacity-periods",
        {
            "person_id": t["person_id"],
            "effective_from": "2030-09-02",
            "weekly_capacity_minutes": 1440,
            "working_days": [1, 2, 3],
        },
    ),
    ("DELETE", "/api/v1/capacity-periods/{period_id}"): lambda t, who: Call(
        f"/api/v1/capacity-periods/{t['period_id']}"
    ),
    ("GET", "/api/v1/holidays"): lambda t, who: Call("/api/v1/holidays"),
    ("POST", "/api/v1/holidays"): lambda t, who: Call("/api/v1/holidays", {"date": "2030-08-14", "name": who}),
    ("DELETE", "/api/v1/holidays/{holiday_id}"): lambda t, who: Call(f"/api/v1/holidays/{t['holiday_id']}"),
    ("GET", "/api/v1/resourcing/settings"): lambda t, who: Call("/api/v1/resourcing/settings"),
    ("PATCH", "/api/v1/resourcing/settings"): lambda t, who: Call(
        "/api/v1/resourcing/settings", {"overbooking_mode": "refuse"}, 1
    ),
    ("GET", "/api/v1/reports/missing-time"): lambda t, who: Call(
        "/api/v1/reports/missing-time?from=2030-03-04&to=2030-03-10"
    ),
    ("GET", "/api/v1/reports/utilization"): lambda t, who: Call(
        "/api/v1/reports/utilization?from=2030-03-04&to=2030-03-10"
    ),
    ("GET", "/api/v1/reports/capacity-demand"): lambda t, who: Call("/api/v1/reports/capacity-demand"),
    ("GET", "/api/v1/reports/revenue-forecast"): lambda t, who: Call("/api/v1/reports/revenue-forecast"),
    ("GET", "/api/v1/staffing/candidates"): lambda t, who: Call("/api/v1/staffing/candidates?skill=figma"),
    ("GET", "/api/v1/staffing/suggestions"): lambda t, who: Call("/api/v1/staffing/suggestions"),
    ("GET", "/api/v1/time-entries"): lambda t, who: Call("/api/v1/time-entries"),
    ("POST", "/api/v1/time-entries"): lambda t, who: Call(
        "/api/v1/time-entries", {"project_id": t["project_id"], "date": "2030-05-06", "minutes": 45, "note": who}
    ),
    ("GET", "/api/v1/time-entries/{entry_id}"): lambda t, who: Call(f"/api/v1/time-entries/{t['entry_id']}"),
    ("PATCH", "/api/v1/time-entries/{entry_id}"): lambda t, who: Call(
        f"/api/v1/time-entries/{t['entry_id']}", {"note": f"by {who}"}, _version(TimeEntry, t["entry_id"])
    ),
    ("DELETE", "/api/v1/time-entries/{entry_id}"): lambda t, who: Call(f"/api/v1/time-entries/{t['entry_id']}"),
    ("GET", "/api/v1/timer"): lambda t, who: Call("/api/v1/timer"),
    ("POST", "/api/v1/timer/start"): lambda t, who: Call("/api/v1/timer/start", {"project_id": t["project_id"]}),
    ("POST", "/api/v1/timer/stop"): lambda t, who: Call("/api/v1/timer/stop"),  # each persona's timer runs
    ("DELETE", "/api/v1/timer"): lambda t, who: Call("/api/v1/timer"),
    ("GET", "/api/v1/timesheets"): lambda t, who: Call("/api/v1/timesheets"),
    ("POST", "/api/v1/timesheets/submit"): lambda t, who: Call(
        "/api/v1/timesheets/submit", {"week_start": "2030-04-01"}
    ),
    ("GET", "/api/v1/timesheets/{timesheet_id}"): lambda t, who: Call(f"/api/v1/timesheets/{t['timesheet_id']}"),
    ("POST", "/api/v1/timesheets/{timesheet_id}/approve"): lambda t, who: Call(
        f"/api/v1/timesheets/{t['timesheet_id']}/approve"
    ),
    ("POST", "/api/v1/timesheets/{timesheet_id}/reject"): lambda t, who: Call(
        f"/api/v1/timesheets/{t['timesheet_id']}/reject", {"reason": f"Checked by {who}"}
    ),
    ("POST", "/api/v1/timesheets/{timesheet_id}/reopen"): lambda t, who: Call(
        f"/api/v1/timesheets/{t['approved_timesheet_id']}/reopen", {"reason": f"Reopened by {who}"}
    ),
    ("GET", "/api/v1/bill-rates"): lambda t, who: Call("/api/v1/bill-rates"),
    ("POST", "/api/v1/bill-rates"): lambda t, who: Call(
        "/api/v1/bill-rates", {"scope": "project", "project_id": t["project_id"], "rate": "150.00"}
    ),
    ("PATCH", "/api/v1/bill-rates/{bill_rate_id}"): lambda t, who: Call(
        f"/api/v1/bill-rates/{t['bill_rate_id']}", {"rate": "111.00"}, _version(BillRate, t["bill_rate_id"])
    ),
    ("DELETE", "/api/v1/bill-rates/{bill_rate_id}"): lambda t, who: Call(f"/api/v1/bill-rates/{t['bill_rate_id']}"),
    ("GET", "/api/v1/cost-rates"): lambda t, who: Call("/api/v1/cost-rates"),
    ("POST", "/api/v1/cost-rates"): lambda t, who: Call(
        "/api/v1/cost-rates", {"person_id": t["person_id"], "rate": "55.00", "effective_from": "2031-01-01"}
    ),
    ("DELETE", "/api/v1/cost-rates/{cost_rate_id}"): lambda t, who: Call(f"/api/v1/cost-rates/{t['cost_rate_id']}"),
    ("GET", "/api/v1/rates/resolve"): lambda t, who: Call(
        f"/api/v1/rates/resolve?person_id={t['person_id']}&project_id={t['project_id']}&date=2030-03-04"
    ),
    ("GET", "/api/v1/exchange-rates"): lambda t, who: Call("/api/v1/exchange-rates"),
    ("POST", "/api/v1/exchange-rates"): lambda t, who: Call(
        "/api/v1/exchange-rates", {"currency": "JPY", "rate": "0.0067", "effective_on": "2030-01-02"}
    ),
    ("GET", "/api/v1/project-budgets"): lambda t, who: Call("/api/v1/project-budgets"),
    ("PUT", "/api/v1/project-budgets/{project_id}"): lambda t, who: Call(
        f"/api/v1/project-budgets/{t['project_id']}", {"notes": f"Set by {who}"}
    ),
    ("GET", "/api/v1/reports/budget-burn"): lambda t, who: Call(
        f"/api/v1/reports/budget-burn?project_id={t['project_id']}"
    ),
    ("GET", "/api/v1/reports/scope-changes"): lambda t, who: Call(
        f"/api/v1/reports/scope-changes?project_id={t['project_id']}"
    ),
    ("GET", "/api/v1/reports/profitability"): lambda t, who: Call("/api/v1/reports/profitability?group_by=client"),
    ("GET", "/api/v1/reports/receivables"): lambda t, who: Call("/api/v1/reports/receivables"),
    ("GET", "/api/v1/change-orders"): lambda t, who: Call("/api/v1/change-orders"),
    ("POST", "/api/v1/change-orders"): lambda t, who: Call(
        "/api/v1/change-orders", {"project_id": t["project_id"], "title": f"Asked of {who}", "amount_delta": "10.00"}
    ),
    ("GET", "/api/v1/change-orders/{change_order_id}"): lambda t, who: Call(
        f"/api/v1/change-orders/{t['change_order_id']}"
    ),
    ("PATCH", "/api/v1/change-orders/{change_order_id}"): lambda t, who: Call(
        f"/api/v1/change-orders/{t['change_order_id']}",
        {"title": f"Retitled by {who}"},
        _version(ChangeOrder, t["change_order_id"]),
    ),
    ("POST", "/api/v1/change-orders/{change_order_id}/submit"): lambda t, who: Call(
        f"/api/v1/change-orders/{t['change_order_id']}/submit"
    ),
    ("POST", "/api/v1/change-orders/{change_order_id}/approve"): lambda t, who: Call(
        f"/api/v1/change-orders/{t['change_order_id']}/approve"
    ),
    ("POST", "/api/v1/milestones/{milestone_id}/scope-review"): lambda t, who: Call(
        f"/api/v1/milestones/{t['milestone_id']}/scope-review", {"outcome": "in_scope", "note": f"Checked by {who}"}
    ),
    ("GET", "/api/v1/scope-reviews"): lambda t, who: Call("/api/v1/scope-reviews"),
    ("GET", "/api/v1/scope-reviews/due"): lambda t, who: Call("/api/v1/scope-reviews/due"),
    ("POST", "/api/v1/change-orders/{change_order_id}/reject"): lambda t, who: Call(
        f"/api/v1/change-orders/{t['change_order_id']}/reject", {"reason": f"No, says {who}"}
    ),
    ("GET", "/api/v1/expenses"): lambda t, who: Call("/api/v1/expenses"),
    ("POST", "/api/v1/expenses"): lambda t, who: Call(
        "/api/v1/expenses", {"project_id": t["project_id"], "description": f"Taxi of {who}", "amount": "12.50"}
    ),
    ("GET", "/api/v1/expenses/{expense_id}"): lambda t, who: Call(f"/api/v1/expenses/{t['expense_id']}"),
    ("PATCH", "/api/v1/expenses/{expense_id}"): lambda t, who: Call(
        f"/api/v1/expenses/{t['expense_id']}", {"category": f"by {who}"}, _version(Expense, t["expense_id"])
    ),
    ("DELETE", "/api/v1/expenses/{expense_id}"): lambda t, who: Call(f"/api/v1/expenses/{t['expense_id']}"),
    ("GET", "/api/v1/invoices"): lambda t, who: Call("/api/v1/invoices"),
    ("POST", "/api/v1/invoices"): lambda t, who: Call(
        "/api/v1/invoices",
        {"client_id": t["client_id"], "lines": [{"description": f"Work for {who}", "unit_price": "100.00"}]},
    ),
    ("POST", "/api/v1/invoices/draft-from-time"): lambda t, who: Call(
        "/api/v1/invoices/draft-from-time",
        {"project_id": t["project_id"], "period_start": "2030-03-01", "period_end": "2030-03-10"},
    ),
    ("POST", "/api/v1/invoices/draft-from-fee"): lambda t, who: Call(
        "/api/v1/invoices/draft-from-fee", {"project_id": t["fee_project_id"]}
    ),
    ("POST", "/api/v1/invoices/draft-from-retainer"): lambda t, who: Call(
        "/api/v1/invoices/draft-from-retainer", {"project_id": t["retainer_project_id"], "period": "2030-03-01"}
    ),
    ("GET", "/api/v1/invoices/{invoice_id}"): lambda t, who: Call(f"/api/v1/invoices/{t['invoice_id']}"),
    ("PATCH", "/api/v1/invoices/{invoice_id}"): lambda t, who: Call(
        f"/api/v1/invoices/{t['draft_invoice_id']}", {"notes": f"by {who}"}, _version(Invoice, t["draft_invoice_id"])
    ),
    ("DELETE", "/api/v1/invoices/{invoice_id}"): lambda t, who: Call(f"/api/v1/invoices/{t['draft_invoice_id']}"),
    ("POST", "/api/v1/invoices/{invoice_id}/issue"): lambda t, who: Call(
        f"/api/v1/invoices/{t['draft_invoice_id']}/issue"
    ),
    ("POST", "/api/v1/invoices/{invoice_id}/void"): lambda t, who: Call(
        f"/api/v1/invoices/{t['invoice_id']}/void", {"reason": f"Voided by {who}"}
    ),
    ("POST", "/api/v1/invoices/{invoice_id}/payments"): lambda t, who: Call(
        f"/api/v1/invoices/{t['invoice_id']}/payments", {"amount": "10.00"}
    ),
    ("POST", "/api/v1/invoices/{invoice_id}/credit-note"): lambda t, who: Call(
        f"/api/v1/invoices/{t['invoice_id']}/credit-note"
    ),
    ("GET", "/api/v1/invoices/{invoice_id}/pdf"): lambda t, who: Call(f"/api/v1/invoices/{t['invoice_id']}/pdf"),
    ("GET", "/api/v1/quotes"): lambda t, who: Call("/api/v1/quotes"),
    ("POST", "/api/v1/quotes"): lambda t, who: Call(
        "/api/v1/quotes",
        {
            "client_id": t["client_id"],
            "title": f"Quoted by {who}",
            "lines": [{"description": "Work", "unit_price": "5"}],
        },
    ),
    ("GET", "/api/v1/quotes/{quote_id}"): lambda t, who: Call(f"/api/v1/quotes/{t['quote_id']}"),
    ("PATCH", "/api/v1/quotes/{quote_id}"): lambda t, who: Call(
        f"/api/v1/quotes/{t['draft_quote_id']}", {"notes": f"by {who}"}, _version(Quote, t["draft_quote_id"])
    ),
    ("DELETE", "/api/v1/quotes/{quote_id}"): lambda t, who: Call(f"/api/v1/quotes/{t['draft_quote_id']}"),
    ("POST", "/api/v1/quotes/{quote_id}/send"): lambda t, who: Call(f"/api/v1/quotes/{t['draft_quote_id']}/send"),
    ("POST", "/api/v1/quotes/{quote_id}/revise"): lambda t, who: Call(f"/api/v1/quotes/{t['quote_id']}/revise"),
    ("POST", "/api/v1/quotes/{quote_id}/accept"): lambda t, who: Call(f"/api/v1/quotes/{t['quote_id']}/accept"),
    ("POST", "/api/v1/quotes/{quote_id}/decline"): lambda t, who: Call(
        f"/api/v1/quotes/{t['quote_id']}/decline", {"reason": f"No, says {who}"}
    ),
    ("GET", "/api/v1/quotes/{quote_id}/pdf"): lambda t, who: Call(f"/api/v1/quotes/{t['quote_id']}/pdf"),
    ("GET", "/api/v1/projects/{project_id}/scope-baseline"): lambda t, who: Call(
        f"/api/v1/projects/{t['project_id']}/scope-baseline"
    ),
    ("GET", "/api/v1/invoices/{invoice_id}/e-invoice"): lambda t, who: _einvoice_call(t["invoice_id"]),
    ("GET", "/api/v1/exports/accounting"): lambda t, who: Call("/api/v1/exports/accounting?format=journal"),
    ("GET", "/api/v1/finance/accounting-settings"): lambda t, who: Call("/api/v1/finance/accounting-settings"),
    ("PATCH", "/api/v1/finance/accounting-settings"): lambda t, who: Call(
        "/api/v1/finance/accounting-settings",
        {"revenue_account": f"4{len(who)}00"},
        accounting_settings(t["workspace"]).version,
    ),
    ("POST", "/api/v1/invoices/{invoice_id}/send"): lambda t, who: Call(f"/api/v1/invoices/{t['invoice_id']}/send"),
    ("POST", "/api/v1/bank-statements"): lambda t, who: Call(
        "/api/v1/bank-statements",
        {"file": SimpleUploadedFile(f"{who}.csv", statement_csv(f"by-{who}"))},
        multipart=True,
    ),
    ("GET", "/api/v1/bank-statements"): lambda t, who: Call("/api/v1/bank-statements"),
    ("GET", "/api/v1/bank-statements/{statement_id}"): lambda t, who: Call(
        f"/api/v1/bank-statements/{t['statement_id']}"
    ),
    ("POST", "/api/v1/bank-transactions/{transaction_id}/confirm"): lambda t, who: Call(
        f"/api/v1/bank-transactions/{t['transaction_id']}/confirm", {"invoice_id": t["invoice_id"]}
    ),
    ("POST", "/api/v1/bank-transactions/{transaction_id}/ignore"): lambda t, who: Call(
        f"/api/v1/bank-transactions/{t['transaction_id']}/ignore"
    ),
    ("GET", "/api/v1/recurring-invoices"): lambda t, who: Call("/api/v1/recurring-invoices"),
    ("POST", "/api/v1/recurring-invoices"): lambda t, who: Call(
        "/api/v1/recurring-invoices",
        {
            "client_id": t["client_id"],
            "title": f"Hosting by {who}",
            "lines": [{"description": "Hosting", "unit_price": "20.00"}],
            "start_date": "2030-04-01",
        },
    ),
    ("GET", "/api/v1/recurring-invoices/{recurring_id}"): lambda t, who: Call(
        f"/api/v1/recurring-invoices/{t['recurring_id']}"
    ),
    ("PATCH", "/api/v1/recurring-invoices/{recurring_id}"): lambda t, who: Call(
        f"/api/v1/recurring-invoices/{t['recurring_id']}",
        {"title": f"Renamed by {who}"},
        _version(RecurringInvoice, t["recurring_id"]),
    ),
    ("DELETE", "/api/v1/recurring-invoices/{recurring_id}"): lambda t, who: Call(
        f"/api/v1/recurring-invoices/{t['recurring_id']}"
    ),
    ("GET", "/api/v1/reminder-schedule"): lambda t, who: Call("/api/v1/reminder-schedule"),
    ("PATCH", "/api/v1/reminder-schedule"): lambda t, who: Call("/api/v1/reminder-schedule", {"enabled": True}),
    ("GET", "/api/v1/handoff-templates"): lambda t, who: Call("/api/v1/handoff-templates"),
    ("POST", "/api/v1/handoff-templates"): lambda t, who: Call(
        "/api/v1/handoff-templates",
        {"kind": f"custom_{who}", "name": f"Custom of {who}", "fields": [{"key": "what", "required": True}]},
    ),
    ("GET", "/api/v1/handoff-templates/{handoff_template_id}"): lambda t, who: Call(
        f"/api/v1/handoff-templates/{t['handoff_template_id']}"
    ),
    ("PATCH", "/api/v1/handoff-templates/{handoff_template_id}"): lambda t, who: Call(
        f"/api/v1/handoff-templates/{t['handoff_template_id']}",
        {"description": f"Set by {who}"},
        _version(HandoffTemplate, t["handoff_template_id"]),
    ),
    ("GET", "/api/v1/handoffs"): lambda t, who: Call("/api/v1/handoffs"),
    ("POST", "/api/v1/handoffs"): lambda t, who: Call(
        "/api/v1/handoffs",
        {"kind": "delivery_to_qa", "to_person_id": t["other_receiver_id"] if who == "pm" else t["receiver_id"]},
    ),
    ("GET", "/api/v1/handoffs/{handoff_id}"): lambda t, who: Call(f"/api/v1/handoffs/{t['handoff_id']}"),
    ("PATCH", "/api/v1/handoffs/{handoff_id}"): lambda t, who: Call(
        f"/api/v1/handoffs/{t['draft_handoff_id']}",
        {"title": f"Retitled by {who}"},
        _version(Handoff, t["draft_handoff_id"]),
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/send"): lambda t, who: Call(
        f"/api/v1/handoffs/{t['draft_handoff_id']}/send"
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/raise-gaps"): lambda t, who: Call(
        f"/api/v1/handoffs/{t['handoff_id']}/raise-gaps", {"gaps": [f"Asked by {who}"]}
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/answer-gaps"): lambda t, who: Call(
        f"/api/v1/handoffs/{t['gaps_handoff_id']}/answer-gaps", {"answers": {"budget": f"Answered by {who}"}}
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/confirm"): lambda t, who: Call(
        f"/api/v1/handoffs/{t['handoff_id']}/confirm"
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/cancel"): lambda t, who: Call(
        f"/api/v1/handoffs/{t['draft_handoff_id']}/cancel"
    ),
    ("POST", "/api/v1/handoffs/{handoff_id}/failures"): lambda t, who: Call(
        f"/api/v1/handoffs/{t['handoff_id']}/failures", {"description": f"Found by {who}", "remediation_minutes": 30}
    ),
    ("GET", "/api/v1/handoff-failures"): lambda t, who: Call("/api/v1/handoff-failures"),
    ("GET", "/api/v1/reports/handoffs"): lambda t, who: Call("/api/v1/reports/handoffs?from=2020-01-01&to=2035-12-31"),
    ("GET", "/api/v1/reports/handoff-map"): lambda t, who: Call("/api/v1/reports/handoff-map"),
    ("GET", "/api/v1/growth/traits"): lambda t, who: Call("/api/v1/growth/traits"),
    ("PATCH", "/api/v1/growth/traits/{trait_id}"): lambda t, who: Call(
        f"/api/v1/growth/traits/{t['trait_id']}", {"description": f"Set by {who}"}, _version(Trait, t["trait_id"])
    ),
    ("POST", "/api/v1/growth/behaviours"): lambda t, who: Call(
        "/api/v1/growth/behaviours", {"trait_id": t["trait_id"], "key": f"listening_{who}", "name": "Listening"}
    ),
    ("PATCH", "/api/v1/growth/behaviours/{behaviour_id}"): lambda t, who: Call(
        f"/api/v1/growth/behaviours/{t['behaviour_id']}",
        {"description": f"Set by {who}"},
        _version(Behaviour, t["behaviour_id"]),
    ),
    ("GET", "/api/v1/growth/evidence-rules"): lambda t, who: Call("/api/v1/growth/evidence-rules"),
    ("POST", "/api/v1/growth/evidence-rules"): lambda t, who: Call(
        "/api/v1/growth/evidence-rules",
        {"name": f"Rule by {who}", "verb": "decision.created", "behaviour": "leadership.decision_making"},
    ),
    ("PATCH", "/api/v1/growth/evidence-rules/{evidence_rule_id}"): lambda t, who: Call(
        f"/api/v1/growth/evidence-rules/{t['evidence_rule_id']}",
        {"name": f"Renamed by {who}"},
        _version(EvidenceRule, t["evidence_rule_id"]),
    ),
    ("GET", "/api/v1/growth/evidence"): lambda t, who: Call("/api/v1/growth/evidence"),
    ("POST", "/api/v1/growth/evidence"): lambda t, who: Call(
        "/api/v1/growth/evidence",
        {"person_id": t["person_id"], "behaviour": "leadership.tone", "summary": f"Noted by {who}"},
    ),
    ("GET", "/api/v1/growth/assessments"): lambda t, who: Call("/api/v1/growth/assessments"),
    ("POST", "/api/v1/growth/assessments"): lambda t, who: Call(
        "/api/v1/growth/assessments",
        {
            "person_id": t["person_id"],
            "kind": "self" if who == "member" else "manager",
            "period": "2030-H2",
            "scores": {"trust.clarity": 4},
        },
    ),
    ("GET", "/api/v1/growth/assessments/{assessment_id}"): lambda t, who: Call(
        f"/api/v1/growth/assessments/{t['assessment_id']}"
    ),
    ("PATCH", "/api/v1/growth/assessments/{assessment_id}"): lambda t, who: Call(
        f"/api/v1/growth/assessments/{t['assessment_id']}",
        {"note": f"Edited by {who}"},
        _version(Assessment, t["assessment_id"]),
    ),
    ("GET", "/api/v1/growth/profile"): lambda t, who: Call(f"/api/v1/growth/profile?person_id={t['person_id']}"),
    ("GET", "/api/v1/onboarding-templates"): lambda t, who: Call("/api/v1/onboarding-templates"),
    ("POST", "/api/v1/onboarding-templates"): lambda t, who: Call(
        "/api/v1/onboarding-templates", {"name": f"Welcome by {who}", "items": [{"title": "Say hello"}]}
    ),
    ("PATCH", "/api/v1/onboarding-templates/{onboarding_template_id}"): lambda t, who: Call(
        f"/api/v1/onboarding-templates/{t['onboarding_template_id']}",
        {"name": f"Renamed by {who}"},
        _version(OnboardingTemplate, t["onboarding_template_id"]),
    ),
    ("GET", "/api/v1/onboarding-plans"): lambda t, who: Call("/api/v1/onboarding-plans"),
    ("POST", "/api/v1/onboarding-plans"): lambda t, who: Call(
        "/api/v1/onboarding-plans",
        {"person_id": t["successor_id"], "template_id": t["onboarding_template_id"]},
    ),
    ("GET", "/api/v1/onboarding-plans/{onboarding_plan_id}"): lambda t, who: Call(
        f"/api/v1/onboarding-plans/{t['onboarding_plan_id']}"
    ),
    ("PATCH", "/api/v1/onboarding-plans/{onboarding_plan_id}"): lambda t, who: Call(
        f"/api/v1/onboarding-plans/{t['onboarding_plan_id']}",
        {"buddy_id": t["successor_id"]},
        _version(OnboardingPlan, t["onboarding_plan_id"]),
    ),
    ("POST", "/api/v1/onboarding-plans/{onboarding_plan_id}/items/{onboarding_item_id}/complete"): lambda t, who: Call(
        f"/api/v1/onboarding-plans/{t['onboarding_plan_id']}/items/{t['onboarding_item_id']}/complete", {}
    ),
    ("GET", "/api/v1/training/lessons"): lambda t, who: Call("/api/v1/training/lessons"),
    ("POST", "/api/v1/training/lessons"): lambda t, who: Call(
        "/api/v1/training/lessons", {"title": f"Lesson by {who}", "body": "Read this."}
    ),
    ("GET", "/api/v1/training/lessons/{lesson_id}"): lambda t, who: Call(f"/api/v1/training/lessons/{t['lesson_id']}"),
    ("PATCH", "/api/v1/training/lessons/{lesson_id}"): lambda t, who: Call(
        f"/api/v1/training/lessons/{t['lesson_id']}", {"title": f"Retitled by {who}"}, _version(Lesson, t["lesson_id"])
    ),
    ("GET", "/api/v1/training/assignments"): lambda t, who: Call("/api/v1/training/assignments"),
    ("POST", "/api/v1/training/assignments"): lambda t, who: Call(
        "/api/v1/training/assignments", {"lesson_id": t["reading_lesson_id"], "person_id": t["person_id"]}
    ),
    ("GET", "/api/v1/training/assignments/{lesson_assignment_id}"): lambda t, who: Call(
        f"/api/v1/training/assignments/{t['lesson_assignment_id']}"
    ),
    ("GET", "/api/v1/training/attempts"): lambda t, who: Call("/api/v1/training/attempts"),
    ("POST", "/api/v1/training/attempts"): lambda t, who: Call(
        "/api/v1/training/attempts", {"assignment_id": t["lesson_assignment_id"], "answers": [1]}
    ),
    ("GET", "/api/v1/training/attempts/{lesson_attempt_id}"): lambda t, who: Call(
        f"/api/v1/training/attempts/{t['lesson_attempt_id']}"
    ),
    ("POST", "/api/v1/training/attempts/{lesson_attempt_id}/review"): lambda t, who: Call(
        f"/api/v1/training/attempts/{t['lesson_attempt_id']}/review", {"passed": True}
    ),
}


def _prepare(method: str, path: str, targets: dict[str, int]) -> None:
    """Put the target in a state where the operation really changes something."""
    if path.endswith("/unarchive"):
        from django.utils import timezone

        if "{project_id}" in path:
            Project.objects.filter(pk=targets["project_id"]).update(archived_at=timezone.now())
        else:
            Client.objects.filter(pk=targets["client_id"]).update(archived_at=timezone.now())
    if path == "/api/v1/health/backtest/accept":  # every workspace's last backtest proposes weights to accept
        for workspace in Workspace.objects.all():
            HealthBacktest.objects.update_or_create(
                workspace=workspace,
                defaults={"computed_at": datetime.now(tz=UTC), "proposed_weights": dict(DEFAULT_HEALTH_WEIGHTS)},
            )
    if method == "GET" and path.endswith("/budget-revisions"):  # a revision to list
        project = Project.objects.get(pk=targets["project_id"])
        BudgetRevision.objects.create(
            workspace_id=project.workspace_id,
            project=project,
            revised_on=project.created_at.date(),
            reason="Matrix revision",
            old_budget_amount=project.budget_amount,
            new_budget_amount=project.budget_amount,
        )


def send(client: Any, method: str, call: Call) -> Any:
    headers = {"If-Match": str(call.if_match)} if call.if_match is not None else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if call.body is not None and call.multipart:
        kwargs.update(data=call.body)
    elif call.body is not None:
        kwargs.update(data=call.body, content_type="application/json")
    return getattr(client, method.lower())(call.url, **kwargs)


def state(workspace_ids: list[int]) -> dict[str, Any]:
    """Everything a write could touch, for asserting that a refused write changed nothing."""
    return {
        "events": Event.objects.filter(workspace_id__in=workspace_ids).count(),
        "imports": sorted(
            ImportRun.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "status")
        ),
        "people": sorted(
            Person.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "active", "title")
        ),
        "clients": sorted(
            Client.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "archived_at", "notes")
        ),
        "contacts": sorted(
            Contact.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "role", "is_primary")
        ),
        "workspaces": sorted(Workspace.objects.filter(id__in=workspace_ids).values_list("id", "version", "name")),
        "projects": sorted(
            Project.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "archived_at")
        ),
        "milestones": sorted(
            Milestone.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "status")
        ),
        "tasks": sorted(Task.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "status")),
        "templates": sorted(
            ProjectTemplate.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version")
        ),
        "knowledge": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (Decision, Brief, Comment, Attachment, ClientKnowledge, Stakeholder)
        ],
        "resourcing": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (Booking, TimeOff, CapacityPeriod, Holiday, ResourcingSettings)
        ],
        "learning": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (OnboardingTemplate, OnboardingPlan, OnboardingItem, Lesson, LessonAssignment, LessonAttempt)
        ],
        "handoffs": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (Handoff, HandoffFailure, HandoffTemplate)
        ],
        "automation": [
            sorted(Rule.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version")),
            sorted(Webhook.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version")),
            WebhookDelivery.objects.filter(workspace_id__in=workspace_ids).count(),
            Notification.objects.filter(workspace_id__in=workspace_ids, read_at__isnull=True).count(),
        ],
        "money": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (
                TimeEntry,
                Timesheet,
                BillRate,
                CostRate,
                ProjectBudget,
                ChangeOrder,
                Expense,
                Invoice,
                Payment,
                Quote,
            )
        ],
        "collections": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (BankStatement, RecurringInvoice, ReminderSchedule)
        ]
        + [
            sorted(
                BankTransaction.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "status", "reviewed")
            )
        ],
        "growth": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (Trait, Behaviour, EvidenceRule, Evidence, Assessment)
        ],
        "portal": [
            sorted(model.objects.filter(workspace_id__in=workspace_ids).values_list("pk", "version"))
            for model in (ClientRequest, DeliverableApproval, SharedFile)
        ],
    }


def both_workspaces(world: World) -> list[int]:
    return [world.personas.workspace.id, world.personas.other_workspace.id]


# --- Completeness ---------------------------------------------------------------------------------------------


def test_every_schema_operation_has_an_expectation_row():
    missing = [op for op in OPERATIONS if op not in EXPECTED]
    assert not missing, f"Add these operations to EXPECTED (who may call them?): {missing}"
    stale = [op for op in EXPECTED if op not in OPERATIONS]
    assert not stale, f"EXPECTED names operations the API no longer has: {stale}"


def test_every_schema_operation_has_a_recipe():
    assert sorted(RECIPES) == OPERATIONS


def test_access_policy_is_unchanged():
    """The foundation's resources keep exactly this policy (later apps' resources are covered by their own tests)."""
    foundation = {resource for resource, _ in EXPECTED_POLICY}
    current = {k: set(v) for k, v in POLICY.items() if k[0] in foundation}
    assert current == EXPECTED_POLICY


# --- The matrix -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_access_matrix(world, db, method, path, persona):
    assert (method, path) in EXPECTED, f"{method} {path} has no row in EXPECTED"
    assert (method, path) in RECIPES, f"{method} {path} has no request recipe in RECIPES"
    row = EXPECTED[(method, path)]
    expected = row.expected_status(persona)
    targets = world.targets(persona)
    _prepare(method, path, targets)
    before = state(both_workspaces(world))

    response = send(world.persona(persona).api(), method, RECIPES[(method, path)](targets, persona))

    assert response.status_code == expected, (persona, method, path, response.content[:400])
    after = state(both_workspaces(world))
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == expected
        assert after == before, "a refused call changed data"
    elif method != "GET":
        # Every allowed write changes state and appends to the event log.
        assert after != before
        assert after["events"] > before["events"]
    else:
        assert after == before
        if not response["Content-Type"].startswith("application/json"):
            assert b"".join(response.streaming_content)  # a file download
            return
        body = response.json()
        if "count" in body and "results" in body:  # a list, possibly of a record's parts (/briefs/{id}/versions)
            assert body["count"] == len(body["results"]) > 0
        elif "{" in path and not path.endswith(
            (
                "/availability",
                "/calendar-feed",
                "/cadence",
                "/health",
                "/holdings",
                "/scope-baseline",
                "/qbr",
                "/brief",
                "/renewal-risk",
            )
        ):
            # not: a person's days, a feed URL, a client's cadence plan, health, renewal risk or QBR pack (they carry
            # client_id), a meeting's brief (it carries the meeting), holdings
            assert body["id"] == next(v for k, v in targets.items() if "{" + k + "}" in path)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path"),
    [op for op in OPERATIONS if "{" in op[1]],
    ids=[f"{m} {p}" for m, p in OPERATIONS if "{" in p],
)
def test_other_workspace_ids_answer_404(world, db, method, path, persona):
    """A record of another workspace is never found, whatever the role, and nothing about it changes."""
    assert (method, path) in RECIPES, f"{method} {path} has no request recipe in RECIPES"
    targets = world.foreign_targets(persona)
    before = state(both_workspaces(world))
    response = send(world.persona(persona).api(), method, RECIPES[(method, path)](targets, persona))
    assert response.status_code == 404, (persona, method, path, response.content[:400])
    assert response["Content-Type"] == "application/problem+json"
    assert "Other" not in response.content.decode() and "Client A" not in response.content.decode()
    assert state(both_workspaces(world)) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_other_workspace_client_cannot_receive_contacts(world, db, persona):
    """POST /contacts takes the client in the body: another workspace's client is an unknown client_id."""
    targets = world.foreign_targets(persona)
    before = state(both_workspaces(world))
    response = (
        world.persona(persona)
        .api()
        .post(
            "/api/v1/contacts", {"client_id": targets["client_id"], "name": "Sneaky"}, content_type="application/json"
        )
    )
    if persona in CLIENT_WRITERS:
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["client_id"]
    else:
        # Roles that may not create contacts at all learn nothing either: the client is unknown to them too.
        assert response.status_code in (403, 422)
    assert state(both_workspaces(world)) == before


@pytest.mark.parametrize("persona", ["owner", "admin", "finance", "am", "pm", "member", "client_a"])
def test_lists_never_show_the_other_workspace(world, db, persona):
    api_client = world.persona(persona).api()
    for url in (
        "/api/v1/clients",
        "/api/v1/contacts",
        "/api/v1/people",
        "/api/v1/events",
        "/api/v1/projects",
        "/api/v1/milestones",
        "/api/v1/tasks",
        "/api/v1/project-templates",
    ):
        response = api_client.get(url + "?limit=500")
        if response.status_code == 403:
            continue
        assert response.status_code == 200
        text = response.content.decode()
        assert "Other Client" not in text and "Other Contact" not in text and "elsewhere.test" not in text, url


# --- Object-level rules ---------------------------------------------------------------------------------------


def test_am_may_patch_own_client_but_not_another(world, db):
    p = world.personas
    am = p["am"].api()
    ok = am.patch(
        f"/api/v1/clients/{p.client_a.id}",
        {"notes": "mine"},
        content_type="application/json",
        headers={"If-Match": str(_version(Client, p.client_a.id))},
    )
    assert ok.status_code == 200
    assert ok.json()["notes"] == "mine"

    before = Client.objects.values("version", "notes").get(pk=p.client_b.id)
    denied = am.patch(
        f"/api/v1/clients/{p.client_b.id}",
        {"notes": "not mine"},
        content_type="application/json",
        headers={"If-Match": str(before["version"])},
    )
    assert denied.status_code == 403
    assert denied.json()["title"] == "Forbidden"
    assert Client.objects.values("version", "notes").get(pk=p.client_b.id) == before
    # ...but the AM may still read client B.
    assert am.get(f"/api/v1/clients/{p.client_b.id}").status_code == 200


def test_am_may_not_touch_contacts_of_a_client_outside_the_portfolio(world, db):
    p = world.personas
    am = p["am"].api()
    contact_b = world.contact_b
    before = state(both_workspaces(world))
    assert am.get(f"/api/v1/contacts/{contact_b.id}").status_code == 200
    assert (
        am.patch(
            f"/api/v1/contacts/{contact_b.id}",
            {"role": "x"},
            content_type="application/json",
            headers={"If-Match": "1"},
        ).status_code
        == 403
    )
    assert am.delete(f"/api/v1/contacts/{contact_b.id}").status_code == 403
    assert (
        am.post(
            "/api/v1/contacts", {"client_id": p.client_b.id, "name": "Nope"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert am.post(f"/api/v1/clients/{p.client_a.id}/archive").status_code == 403
    assert state(both_workspaces(world)) == before
    # Within the portfolio the AM may add a contact.
    assert (
        am.post(
            "/api/v1/contacts", {"client_id": p.client_a.id, "name": "Yes"}, content_type="application/json"
        ).status_code
        == 201
    )


def test_client_user_sees_only_its_own_client_and_contacts(world, db):
    p = world.personas
    portal = p["client_a"].api()

    clients = portal.get("/api/v1/clients").json()
    assert clients["count"] == 1
    assert [c["name"] for c in clients["results"]] == ["Client A"]

    contacts = portal.get("/api/v1/contacts").json()
    assert contacts["count"] == 1
    assert {c["client_id"] for c in contacts["results"]} == {p.client_a.id}
    # Asking for client B's contacts by filter yields nothing, not B's contacts.
    assert portal.get(f"/api/v1/contacts?client_id={p.client_b.id}").json()["count"] == 0

    assert portal.get(f"/api/v1/clients/{p.client_a.id}").status_code == 200
    assert portal.get(f"/api/v1/clients/{p.client_b.id}").status_code == 404
    assert portal.get(f"/api/v1/contacts/{world.contact_b.id}").status_code == 404
    people = portal.get("/api/v1/people")
    assert people.status_code == 403
    assert people["Content-Type"] == "application/problem+json"
    assert portal.get(f"/api/v1/people/{p['am'].person.id}").status_code == 404
    assert portal.get("/api/v1/events").status_code == 403
    me = portal.get("/api/v1/me").json()
    assert me["role"] == "client" and me["client_id"] == p.client_a.id


def test_member_sees_people_without_rates(world, db):
    p = world.personas
    member = p["member"].api()
    listing = member.get("/api/v1/people")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert len(rows) == 7
    assert all(r["cost_rate"] is None and r["bill_rate"] is None for r in rows)
    one = member.get(f"/api/v1/people/{p['am'].person.id}").json()
    assert one["cost_rate"] is None and one["bill_rate"] is None
    assert "50.00" not in listing.content.decode() and "120.00" not in listing.content.decode()


@pytest.mark.parametrize("persona", ["owner", "admin", "finance", "am", "pm"])
def test_rate_roles_see_rates(world, db, persona):
    p = world.personas
    one = p[persona].api().get(f"/api/v1/people/{p['am'].person.id}").json()
    assert one["cost_rate"] == "50.00"
    assert one["bill_rate"] == "120.00"
