"""The access policy: what each role may see and do. The one place that decides; see baton/core/RULES.md.

Each app's selectors narrow their querysets to what `Actor` may see (an invisible record answers 404), asking this
module's predicates (`allowed`, `money_scope`, `can_see_rates`, ...); services call `require` before every write (a
visible record the role may not change answers 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from baton.core.models import Membership, Role, User, Workspace

OWNER, ADMIN, FINANCE = Role.OWNER.value, Role.ADMIN.value, Role.FINANCE.value
AM, PM, MEMBER, CLIENT = Role.ACCOUNT_MANAGER.value, Role.PROJECT_MANAGER.value, Role.MEMBER.value, Role.CLIENT.value

ALL_ROLES = frozenset(r.value for r in Role)
STAFF = ALL_ROLES - {CLIENT}
LEADERS = frozenset({OWNER, ADMIN})
MONEY_ROLES = frozenset({OWNER, ADMIN, FINANCE, AM, PM})

# (resource, action) -> roles allowed at all. Object rules (own client, own portfolio) narrow it further below.
POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("workspace", "view"): ALL_ROLES,
    ("workspace", "update"): frozenset({OWNER}),
    ("workspace", "export"): frozenset({OWNER}),  # everything, every person's data: baton/imports/workspace_export.py
    ("person", "view"): STAFF,
    ("person", "create"): LEADERS,
    ("person", "update"): LEADERS,
    ("person", "archive"): LEADERS,
    ("person", "view_rates"): frozenset({OWNER, ADMIN, FINANCE, AM, PM}),
    ("client", "view"): ALL_ROLES,  # a client-role user sees only its own client
    ("client", "create"): frozenset({OWNER, ADMIN, AM}),
    ("client", "update"): frozenset({OWNER, ADMIN, AM}),  # an AM only within its portfolio
    ("client", "archive"): LEADERS,
    ("contact", "view"): ALL_ROLES,  # a client-role user sees only its own client's contacts
    ("contact", "create"): frozenset({OWNER, ADMIN, AM}),
    ("contact", "update"): frozenset({OWNER, ADMIN, AM}),
    ("contact", "delete"): frozenset({OWNER, ADMIN, AM}),
    ("event", "view"): STAFF,
    ("financials", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, PM}),  # margins, P&L
    # Delivery. Writes need a project editor (see `_project_editor`): owner/admin, the project's PM, a project
    # manager on a project without one, an AM on its portfolio's projects. A client-role user reads its own client's.
    ("project", "view"): ALL_ROLES,
    ("project", "view_budget"): STAFF,  # a client-role user gets budget fields as null
    ("project", "create"): frozenset({OWNER, ADMIN, AM, PM}),  # an AM only for its portfolio's clients
    ("project", "update"): frozenset({OWNER, ADMIN, AM, PM}),
    ("project", "archive"): frozenset({OWNER, ADMIN, PM}),
    # An explicit budget revision with its reason (delivery's RULES.md, "The budget"): the owner and finance.
    ("budget_revision", "create"): frozenset({OWNER, FINANCE}),
    ("budget_revision", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, PM}),
    ("milestone", "view"): ALL_ROLES,
    ("milestone", "create"): frozenset({OWNER, ADMIN, AM, PM}),
    ("milestone", "update"): frozenset({OWNER, ADMIN, AM, PM}),
    ("milestone", "delete"): frozenset({OWNER, ADMIN, AM, PM}),
    ("task", "view"): ALL_ROLES,
    ("task", "create"): frozenset({OWNER, ADMIN, AM, PM}),
    ("task", "update"): frozenset({OWNER, ADMIN, AM, PM, MEMBER}),  # the assignee: status, description, position
    ("task", "delete"): frozenset({OWNER, ADMIN, AM, PM}),
    ("task", "override_dependencies"): frozenset({OWNER, ADMIN, PM}),
    ("project_template", "view"): STAFF,
    ("project_template", "create"): frozenset({OWNER, ADMIN, PM}),
    ("project_template", "update"): frozenset({OWNER, ADMIN, PM}),
    ("project_template", "delete"): frozenset({OWNER, ADMIN, PM}),
    # Client knowledge. A client-role user reads its own client's decisions and approved briefs and may comment on
    # them (never internal comments, the knowledge record or the stakeholder map). Comments and attachments are
    # removed by their author or an owner/admin; the knowledge record is edited by owner/admin or the client's AM.
    ("decision", "view"): ALL_ROLES,
    ("decision", "create"): frozenset({OWNER, ADMIN, AM, PM}),
    ("decision", "update"): frozenset({OWNER, ADMIN, AM, PM}),
    ("brief", "view"): ALL_ROLES,
    ("brief", "create"): frozenset({OWNER, ADMIN, AM, PM}),
    ("brief", "update"): frozenset({OWNER, ADMIN, AM, PM}),
    ("brief", "approve"): frozenset({OWNER, ADMIN, AM, PM}),
    ("comment", "view"): ALL_ROLES,
    ("comment", "create"): ALL_ROLES,
    ("comment", "delete"): ALL_ROLES,
    ("attachment", "view"): ALL_ROLES,
    ("attachment", "create"): ALL_ROLES,
    ("attachment", "delete"): ALL_ROLES,
    ("knowledge", "view"): STAFF,
    ("knowledge", "update"): frozenset({OWNER, ADMIN, AM}),  # an AM only within its portfolio
    # Resourcing. Owner/admin/PM book; staff view the schedule; a client-role user sees nothing of it. Time off:
    # anyone on staff requests its own, owner/admin/PM request for others and approve (a PM not its own); those
    # three see everyone's time off, the rest only their own. Capacity, holidays and settings: owner/admin.
    ("booking", "view"): STAFF,
    ("booking", "create"): frozenset({OWNER, ADMIN, PM}),
    ("booking", "update"): frozenset({OWNER, ADMIN, PM}),
    ("booking", "delete"): frozenset({OWNER, ADMIN, PM}),
    ("time_off", "view"): STAFF,  # members, finance and AMs: their own only
    ("time_off", "request"): STAFF,  # for oneself; owner/admin/PM for anyone
    ("time_off", "update"): STAFF,  # the requester while requested; owner/admin/PM always
    ("time_off", "delete"): STAFF,
    ("time_off", "approve"): frozenset({OWNER, ADMIN, PM}),
    ("capacity", "view"): STAFF,
    ("capacity", "update"): LEADERS,
    ("holiday", "view"): STAFF,
    ("holiday", "create"): LEADERS,
    ("holiday", "delete"): LEADERS,
    ("resourcing_settings", "view"): STAFF,
    ("resourcing_settings", "update"): LEADERS,
    ("utilization", "view"): STAFF,  # a member sees its own row
    # Missing time (resourcing/missing_time.py): owner, admin, PMs and resource managers see everyone; others their own.
    ("missing_time", "view"): STAFF,
    ("demand", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, PM}),
    ("staffing", "view"): frozenset({OWNER, ADMIN, AM, PM}),
    ("calendar_feed", "view"): STAFF,  # one's own; owner/admin anyone's
    ("calendar_feed", "reset"): STAFF,
    # Time and money (timesheets, finance; see `_money_allowed`). Owner/admin/finance see all money; a PM the money
    # of the projects it manages, an AM of its clients' projects; a member only its own time and expenses, and never
    # rates or amounts; a client-role user only its own client's issued invoices.
    ("time_entry", "view"): STAFF,  # a member: its own; a PM/AM: its projects' and its own
    ("time_entry", "create"): STAFF,  # one's own; for someone else: owner/admin/finance or the project's PM
    ("time_entry", "update"): STAFF,
    ("time_entry", "delete"): STAFF,
    ("time_entry", "view_amounts"): MONEY_ROLES,  # members get rates and amounts as null
    ("timer", "use"): STAFF,  # one's own timer
    ("timesheet", "view"): STAFF,
    ("timesheet", "submit"): STAFF,  # one's own week; owner/admin anyone's
    ("timesheet", "approve"): frozenset({OWNER, ADMIN, FINANCE, PM}),  # never one's own; a PM: weeks on its projects
    ("timesheet", "reopen"): frozenset({OWNER, ADMIN, FINANCE}),
    ("rate_card", "view"): MONEY_ROLES,
    ("rate_card", "update"): frozenset({OWNER, ADMIN, FINANCE}),
    ("exchange_rate", "view"): MONEY_ROLES,
    ("exchange_rate", "update"): frozenset({OWNER, ADMIN, FINANCE}),
    ("budget", "view"): MONEY_ROLES,  # budget burn, scope log; PM/AM: their projects
    ("budget", "update"): MONEY_ROLES,  # rollover settings; PM/AM: their projects
    ("change_order", "view"): MONEY_ROLES,
    ("change_order", "create"): MONEY_ROLES,  # PM/AM: their projects
    ("change_order", "update"): MONEY_ROLES,
    ("change_order", "decide"): MONEY_ROLES,  # approve or reject
    # A scope review at a milestone (finance's ScopeReview): the project's PM records it (owner/admin too); those
    # who see the project's money read it.
    ("scope_review", "view"): MONEY_ROLES,  # PM/AM: their projects
    ("scope_review", "create"): frozenset({OWNER, ADMIN, PM}),  # a PM: the projects it manages
    ("expense", "view"): STAFF,  # a member: its own
    ("expense", "create"): STAFF,
    ("expense", "update"): STAFF,
    ("expense", "delete"): STAFF,
    ("invoice", "view"): MONEY_ROLES | {CLIENT},  # AM/PM: their clients'/projects'; client: its own issued ones
    ("invoice", "create"): frozenset({OWNER, ADMIN, FINANCE}),
    ("invoice", "update"): frozenset({OWNER, ADMIN, FINANCE}),
    ("invoice", "issue"): frozenset({OWNER, ADMIN, FINANCE}),
    ("invoice", "send"): frozenset({OWNER, ADMIN, FINANCE}),
    ("invoice", "void"): frozenset({OWNER, ADMIN, FINANCE}),
    ("payment", "create"): frozenset({OWNER, ADMIN, FINANCE}),
    # Quotes (finance): owner/admin/finance all; an AM its portfolio's clients'; a client-role user reads, accepts
    # and declines its own client's quotes once sent (see `_quote_allowed`). Project managers do not sell.
    ("quote", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, CLIENT}),
    ("quote", "create"): frozenset({OWNER, ADMIN, FINANCE, AM}),
    ("quote", "update"): frozenset({OWNER, ADMIN, FINANCE, AM}),
    ("quote", "delete"): frozenset({OWNER, ADMIN, FINANCE, AM}),
    ("quote", "send"): frozenset({OWNER, ADMIN, FINANCE, AM}),
    ("quote", "decide"): frozenset({OWNER, ADMIN, FINANCE, AM, CLIENT}),  # accept or decline
    # The accounting export (Xero, QuickBooks, journal CSV) and its account codes: the finance roles.
    ("accounting", "export"): frozenset({OWNER, ADMIN, FINANCE}),
    ("accounting", "configure"): frozenset({OWNER, ADMIN, FINANCE}),
    # Collections (finance): bank statements and their review, recurring invoices, the reminder schedule.
    ("bank_statement", "view"): frozenset({OWNER, ADMIN, FINANCE}),
    ("bank_statement", "create"): frozenset({OWNER, ADMIN, FINANCE}),
    ("bank_statement", "review"): frozenset({OWNER, ADMIN, FINANCE}),  # confirm or ignore a transaction
    ("recurring_invoice", "view"): frozenset({OWNER, ADMIN, FINANCE}),
    ("recurring_invoice", "create"): frozenset({OWNER, ADMIN, FINANCE}),
    ("recurring_invoice", "update"): frozenset({OWNER, ADMIN, FINANCE}),
    ("recurring_invoice", "delete"): frozenset({OWNER, ADMIN, FINANCE}),
    ("reminder_schedule", "view"): frozenset({OWNER, ADMIN, FINANCE}),
    ("reminder_schedule", "update"): frozenset({OWNER, ADMIN, FINANCE}),
    # Automation (baton/automation): owners and admins manage rules (and read their runs) and webhooks; everyone,
    # a client-role user included, reads and marks only their own notifications (anyone else's answer 404).
    ("automation_rule", "view"): LEADERS,
    ("automation_rule", "create"): LEADERS,
    ("automation_rule", "update"): LEADERS,
    ("automation_rule", "delete"): LEADERS,
    ("webhook", "view"): LEADERS,
    ("webhook", "create"): LEADERS,
    ("webhook", "update"): LEADERS,
    ("webhook", "delete"): LEADERS,
    ("webhook", "test"): LEADERS,
    ("notification", "view"): ALL_ROLES,
    ("notification", "update"): ALL_ROLES,  # mark read: one's own only
    ("notification_preference", "view"): ALL_ROLES,
    ("notification_preference", "update"): ALL_ROLES,
    # Growth (baton/growth): staff read the framework, the evidence mapping and the practice library; owners/admins
    # edit them. A growth record (evidence, assessments, plans, practice, reviews) is seen by its person, their
    # manager (Person.lead, up the chain) and owners/admins; a member never sees another person's. Self-assessments
    # are the person's own; manager assessments are their manager's or an owner/admin's (see `_growth_allowed`).
    ("growth_framework", "view"): STAFF,
    ("growth_framework", "update"): LEADERS,
    ("growth_record", "view"): STAFF,  # one's own, one's reports', owner/admin everyone's
    ("growth_record", "create"): STAFF,
    ("growth_record", "update"): STAFF,
    # Learning (baton/growth, learning_*): staff read the training library and onboarding templates, owners/admins
    # manage them and start plans by hand. A plan is seen and ticked by its hire, their buddy, their lead (up the
    # chain) and owners/admins (`_onboarding_allowed`); training records (assignments, attempts) follow growth records.
    ("learning_library", "view"): STAFF,
    ("learning_library", "update"): LEADERS,
    ("onboarding_plan", "view"): STAFF,
    ("onboarding_plan", "create"): LEADERS,
    ("onboarding_plan", "update"): STAFF,
    # Relationships (crm deals, baton/relationships). Deals: sales roles; an AM changes its own deals and its
    # portfolio's. Touchpoints, protocols, status updates, goals, growth opportunities: owner/admin and the client's
    # AM write (a PM logs touchpoints too); a client-role user reads its own client's sent status updates and goals
    # (in the portal). Escalations: resolved by owner/admin, the assignee or the client's AM.
    ("deal", "view"): frozenset({OWNER, ADMIN, FINANCE, AM}),
    ("deal", "create"): frozenset({OWNER, ADMIN, AM}),
    ("deal", "update"): frozenset({OWNER, ADMIN, AM}),
    ("deal", "win"): frozenset({OWNER, ADMIN, AM}),
    ("touchpoint", "view"): STAFF,
    ("touchpoint", "create"): frozenset({OWNER, ADMIN, AM, PM}),
    ("touchpoint", "update"): frozenset({OWNER, ADMIN, AM, PM}),
    ("protocol", "view"): STAFF,
    ("protocol", "update"): frozenset({OWNER, ADMIN, AM}),
    ("health", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, PM}),
    ("health_backtest", "view"): LEADERS,  # the backtest of the health weights and the weights accepted from it
    ("health_backtest", "run"): LEADERS,
    ("health_backtest", "accept"): LEADERS,
    ("status_update", "view"): ALL_ROLES,  # a client-role user: its own client's sent ones
    ("status_update", "create"): frozenset({OWNER, ADMIN, AM}),
    ("status_update", "update"): frozenset({OWNER, ADMIN, AM}),
    ("status_update", "send"): frozenset({OWNER, ADMIN, AM}),
    ("client_goal", "view"): ALL_ROLES,  # a client-role user: its own client's
    ("client_goal", "create"): frozenset({OWNER, ADMIN, AM}),
    ("client_goal", "update"): frozenset({OWNER, ADMIN, AM}),
    ("client_report", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, PM, CLIENT}),
    # Meeting preparation: staff who run client meetings schedule them and read their briefs and QBR packs (an AM
    # its own clients' only); the recap e-mail after a touchpoint is the client's writers' (like a status update).
    ("meeting", "view"): frozenset({OWNER, ADMIN, AM, PM}),
    ("meeting", "create"): frozenset({OWNER, ADMIN, AM, PM}),
    ("qbr", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, PM}),
    ("touchpoint", "recap"): frozenset({OWNER, ADMIN, AM}),
    ("escalation", "view"): frozenset({OWNER, ADMIN, FINANCE, AM, PM}),
    ("escalation", "create"): frozenset({OWNER, ADMIN, AM, PM}),
    ("escalation", "update"): frozenset({OWNER, ADMIN, AM, PM}),  # assign, resolve: leaders, assignee, client's AM
    ("growth_opportunity", "view"): frozenset({OWNER, ADMIN, FINANCE, AM}),
    ("growth_opportunity", "create"): frozenset({OWNER, ADMIN, AM}),
    ("growth_opportunity", "update"): frozenset({OWNER, ADMIN, AM}),
    ("engagement", "view"): frozenset({OWNER, ADMIN, FINANCE, AM}),  # an AM: its own clients' to change
    ("engagement", "create"): frozenset({OWNER, ADMIN, AM}),
    ("engagement", "update"): frozenset({OWNER, ADMIN, AM}),
    ("relationships_settings", "view"): STAFF,
    ("relationships_settings", "update"): LEADERS,
    ("portal", "decide_change_order"): frozenset({CLIENT}),
    # The portal as a workplace: a client-role user files and reads its own client's requests, decides on its
    # deliverables and shares files; the client's AM (others: not to change), a PM, an owner or an admin triages,
    # converts or declines a request, records a decision for the client, and shares files (see `_portal_allowed`).
    ("client_request", "view"): frozenset({OWNER, ADMIN, AM, PM, CLIENT}),
    ("client_request", "create"): frozenset({OWNER, ADMIN, AM, PM, CLIENT}),
    ("client_request", "triage"): frozenset({OWNER, ADMIN, AM, PM}),  # triage, convert, decline
    ("deliverable", "view"): ALL_ROLES,
    ("deliverable", "decide"): frozenset({OWNER, ADMIN, AM, PM, CLIENT}),  # approve or request changes
    ("shared_file", "view"): ALL_ROLES,  # a client-role user: its own client's files shared with it
    ("shared_file", "create"): frozenset({OWNER, ADMIN, AM, PM, CLIENT}),
    # Handoffs (baton/handoffs): staff see every handoff; anyone on staff opens one it owns (owner/admin/AM/PM for
    # someone else); only the owner (or an owner/admin) sends, only the owner answers gaps, only the receiver raises
    # gaps and confirms; the owner
    # or an owner/admin edits and cancels (see `_handoff_allowed`). Templates: owners/admins. Clients: nothing.
    ("handoff", "view"): STAFF,
    ("handoff", "create"): STAFF,
    ("handoff", "update"): STAFF,
    ("handoff", "send"): STAFF,
    ("handoff", "answer_gaps"): STAFF,
    ("handoff", "raise_gaps"): STAFF,
    ("handoff", "confirm"): STAFF,
    ("handoff", "cancel"): STAFF,
    ("handoff_failure", "view"): STAFF,
    ("handoff_failure", "create"): STAFF,
    ("handoff_template", "view"): STAFF,
    ("handoff_template", "create"): LEADERS,
    ("handoff_template", "update"): LEADERS,
    # Imports (baton/imports): importing another tool's time creates people and clients, so owners and admins.
    ("import", "view"): LEADERS,
    ("import", "create"): LEADERS,
    ("import", "run"): LEADERS,
    ("handoff_report", "view"): STAFF,  # remediation cost is null without person · view_rates
    # Process changes waiting for an owner's approval (core/changes.py): proposed by those who may make them (the
    # owning service checks that), seen by their proposer and the owners, decided by an owner.
    ("change_request", "view"): frozenset({OWNER, ADMIN, AM}),
    ("change_request", "create"): frozenset({OWNER, ADMIN, AM}),
    ("change_request", "approve"): frozenset({OWNER}),
    ("change_request", "reject"): frozenset({OWNER}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, in which workspace, with which role. Built once per request (session or token)."""

    workspace: Workspace
    user: User | None
    membership: Membership | None
    role: str
    person_id: int | None = None
    person_name: str = ""
    client_id: int | None = None

    @classmethod
    def system(cls, workspace: Workspace) -> Actor:
        """Baton itself (management commands, the worker): owner rights, no person."""
        return cls(workspace=workspace, user=None, membership=None, role=OWNER, person_name="Baton")

    @classmethod
    def for_membership(cls, membership: Membership) -> Actor:
        person = getattr(membership, "person", None)
        return cls(
            workspace=membership.workspace,
            user=membership.user,
            membership=membership,
            role=membership.role,
            person_id=person.id if person else None,
            person_name=person.name if person else membership.user.email,
            client_id=person.client_id if person else None,
        )

    @property
    def is_client(self) -> bool:
        return self.role == CLIENT

    @property
    def is_leader(self) -> bool:
        return self.role in LEADERS


def manages_resources(actor: Actor) -> bool:
    """The resource-manager capability (`Membership.resource_manager`): a staff member who plans the team's time."""
    return bool(actor.membership is not None and actor.membership.resource_manager and actor.role != CLIENT)


RESOURCE_MANAGER_GRANTS = frozenset({("booking", "create"), ("booking", "update"), ("booking", "delete")})


def allowed(actor: Actor, resource: str, action: str, obj: Any = None) -> bool:
    """True when the actor's role may do `action` on `resource` (and on `obj`, when given). A resource manager
    books like a project manager whatever its role (`RESOURCE_MANAGER_GRANTS`)."""
    if actor.role not in POLICY.get((resource, action), frozenset()):
        return (resource, action) in RESOURCE_MANAGER_GRANTS and manages_resources(actor)
    if obj is None:
        return True
    if resource in ("client", "contact"):
        return _crm_allowed(actor, resource, action, obj)
    if resource in ("project", "milestone", "task"):
        return _delivery_allowed(actor, resource, action, obj)
    if resource in ("decision", "brief", "comment", "attachment", "knowledge"):
        return _knowledge_allowed(actor, resource, action, obj)
    if resource in ("time_off", "calendar_feed"):
        return _resourcing_allowed(actor, resource, action, obj)
    if resource in MONEY_RESOURCES:
        return _money_allowed(actor, resource, action, obj)
    if resource == "growth_record":
        return _growth_allowed(actor, obj)
    if resource == "onboarding_plan":
        return _onboarding_allowed(actor, obj)
    if resource == "quote":
        return _quote_allowed(actor, action, obj)
    if resource in RELATIONSHIP_RESOURCES:
        return _relationships_allowed(actor, resource, action, obj)
    if resource in ("meeting", "qbr"):
        return _meeting_allowed(actor, resource, obj)
    if resource == "handoff":
        return _handoff_allowed(actor, action, obj)
    if resource in PORTAL_RESOURCES:
        return _portal_allowed(actor, resource, action, obj)
    if resource == "scope_review":
        return _scope_review_allowed(actor, action, obj)
    return True


def _scope_review_allowed(actor: Actor, action: str, obj: Any) -> bool:
    """A scope review is recorded by owners/admins and the project's manager (a PM on a project without one), and
    read by those who see the project's money."""
    project = obj.project
    if actor.role in LEADERS or (action == "view" and actor.role in ALL_MONEY):
        return True
    if actor.role == PM:
        return project.project_manager_id in (None, actor.person_id)
    if actor.role == AM and action == "view":
        return bool(actor.person_id) and project.client.account_manager_id == actor.person_id
    return False


def _crm_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    """Object rules of a client and a contact: a client-role user sees only its own; an AM changes only its
    portfolio's (a contact's client's)."""
    if resource == "client":
        if actor.role == CLIENT:
            return action == "view" and obj.id == actor.client_id
        if actor.role == AM and action == "update":
            return bool(obj.account_manager_id) and obj.account_manager_id == actor.person_id
    if resource == "contact":
        if actor.role == CLIENT:
            return action == "view" and obj.client_id == actor.client_id
        if actor.role == AM and action != "view":
            return bool(obj.client.account_manager_id == actor.person_id)
    return True


def _handoff_allowed(actor: Actor, action: str, obj: Any) -> bool:
    """Object rules of a handoff: one owner (`from_person`), one receiver (`to_person`). Baton itself (no person,
    no user) opens and sends handoffs but never confirms one. When the owner or receiver is archived, an owner/admin
    acts in their place (answers gaps; raises gaps or confirms)."""
    system = actor.person_id is None and actor.user is None
    owner = actor.person_id is not None and obj.from_person_id == actor.person_id
    receiver = actor.person_id is not None and obj.to_person_id == actor.person_id
    if action == "send":
        return owner or system or actor.is_leader  # an owner/admin may send it on the owner's behalf
    if action == "answer_gaps":  # an owner/admin acts for an archived owner, so the loop never dead-ends
        return owner or system or (actor.is_leader and not obj.from_person.active)
    if action in ("confirm", "raise_gaps"):  # ... and for an archived receiver (never Baton itself)
        return receiver or (actor.is_leader and actor.user is not None and not obj.to_person.active)
    if action in ("update", "cancel"):
        return owner or actor.is_leader
    if action == "create":
        return owner or actor.role in (OWNER, ADMIN, AM, PM)
    return True


def _project_editor(actor: Actor, project: Any) -> bool:
    """Who may change a project and its milestones and tasks: owner/admin, the project's PM, a project manager on a
    project without a PM, an account manager on the projects of its portfolio's clients."""
    if actor.role in LEADERS:
        return True
    if actor.person_id and project.project_manager_id == actor.person_id:
        return True
    if actor.role == PM:
        return project.project_manager_id is None
    if actor.role == AM:
        return bool(actor.person_id) and project.client.account_manager_id == actor.person_id
    return False


def _delivery_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    project = obj if resource == "project" else obj.project
    if actor.role == CLIENT:
        return action == "view" and project.client_id == actor.client_id
    if action == "view":
        return True  # narrowed by the selectors (Workspace.members_see_only_their_projects)
    if resource == "project" and action == "create":
        return actor.role != AM or project.client.account_manager_id == actor.person_id
    if resource == "task" and action == "update" and actor.person_id and obj.assignee_id == actor.person_id:
        return True  # the assignee; the service limits which fields it may change
    return _project_editor(actor, project)


def _knowledge_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    """Object rules of client knowledge. `obj` is the record; for `knowledge` it is the client."""
    if resource == "knowledge":
        if actor.role == AM and action != "view":
            return bool(actor.person_id) and obj.account_manager_id == actor.person_id
        return True
    if resource == "decision" and actor.role == AM and action != "view":
        # an account manager records and changes decisions of its portfolio's clients only (`obj.client`)
        return bool(actor.person_id) and obj.client.account_manager_id == actor.person_id
    if actor.role == CLIENT:
        return _client_knowledge_allowed(actor, resource, action, obj)
    if resource in ("comment", "attachment") and action == "delete":
        author_id = obj.author_id if resource == "comment" else obj.uploaded_by_id
        return actor.is_leader or (actor.person_id is not None and author_id == actor.person_id)
    return True


def _client_knowledge_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    """A client-role user's knowledge: its own client's approved briefs, decisions but the account team's internal
    ones, comments and attachments but internal ones or those on the client record."""
    if obj.client_id != actor.client_id:
        return False
    if resource == "brief":
        return action == "view" and obj.approved_version_id is not None
    if resource == "decision":
        return action == "view" and not getattr(obj, "internal", False)
    if getattr(obj, "internal", False) or getattr(obj, "target_type", "") == "client":
        return False
    if resource in ("comment", "attachment") and action == "delete":
        author_id = obj.author_id if resource == "comment" else obj.uploaded_by_id
        return actor.person_id is not None and author_id == actor.person_id
    return True


TIME_OFF_APPROVERS = frozenset({OWNER, ADMIN, PM})


def _resourcing_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    """Object rules of resourcing. `obj` is a TimeOff (person_id, status) or, for `calendar_feed`, the Person."""
    own = actor.person_id is not None and getattr(obj, "person_id", getattr(obj, "id", None)) == actor.person_id
    if resource == "calendar_feed":
        return own or actor.is_leader
    if action == "approve":
        return actor.is_leader or not own  # a project manager does not approve its own time off
    if actor.role in TIME_OFF_APPROVERS:
        return True
    if action in ("update", "delete"):
        return own and obj.status == "requested"
    return own


MONEY_RESOURCES = frozenset({"time_entry", "timer", "timesheet", "expense", "change_order", "budget", "invoice"})
ALL_MONEY = frozenset({OWNER, ADMIN, FINANCE})


def money_scope(actor: Actor, project: Any) -> bool:
    """Whether the actor sees a project's money: owner/admin/finance always, its PM, its client's AM."""
    if actor.role in ALL_MONEY:
        return True
    if not actor.person_id:
        return False
    if actor.role == PM:
        return bool(project.project_manager_id == actor.person_id)
    if actor.role == AM:
        return bool(project.client.account_manager_id == actor.person_id)
    return False


def _money_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    """Object rules of time and money. `obj` is the record; for `budget` it is the project."""
    own = actor.person_id is not None and getattr(obj, "person_id", None) == actor.person_id
    if resource in ("time_entry", "expense", "timer"):
        return _time_allowed(actor, action, obj, own=own)
    if resource == "timesheet":
        if action == "approve":
            return not own or actor.is_leader  # nobody but an owner/admin approves its own week
        if action == "submit":
            return own or actor.is_leader
        return own or actor.role in (ALL_MONEY | {PM})  # reopen: finance roles; view: a PM sees weeks to approve
    if resource == "invoice":
        return _invoice_allowed(actor, action, obj)
    project = obj if resource == "budget" else obj.project
    return money_scope(actor, project)


def _time_allowed(actor: Actor, action: str, obj: Any, *, own: bool) -> bool:
    """Object rules of a time entry, a timer or an expense (`own`: it is the actor's)."""
    if own:
        return True  # one's own time, timer and expenses (the services check the locks)
    if action == "view":
        return money_scope(actor, obj.project)
    if action == "view_amounts":
        return money_scope(actor, obj.project)
    return actor.role in ALL_MONEY or (actor.role == PM and obj.project.project_manager_id == actor.person_id)


def _invoice_allowed(actor: Actor, action: str, obj: Any) -> bool:
    """Object rules of an invoice: a client-role user views its own sent or paid ones; finance roles all; an AM its
    portfolio's; a PM its projects'."""
    if actor.role == CLIENT:
        return action == "view" and obj.client_id == actor.client_id and obj.status in ("sent", "paid")
    if actor.role in ALL_MONEY:
        return True
    if actor.role == AM:
        return bool(actor.person_id) and obj.client.account_manager_id == actor.person_id
    if actor.role == PM:
        return obj.project_id is not None and obj.project.project_manager_id == actor.person_id
    return False


def _quote_allowed(actor: Actor, action: str, obj: Any) -> bool:
    """Object rules of a quote: a client-role user views (and decides) its own client's once sent; an AM its
    portfolio's; owner/admin/finance all."""
    if actor.role == CLIENT:
        return action in ("view", "decide") and obj.client_id == actor.client_id and obj.status != "draft"
    if actor.role == AM:
        return bool(actor.person_id) and obj.client.account_manager_id == actor.person_id
    return True


def manages(actor: Actor, person: Any) -> bool:
    """Whether the actor is `person`'s manager: their lead (`Person.lead`), or their lead's lead, up the chain."""
    if not actor.person_id or person is None:
        return False
    lead_id = getattr(person, "lead_id", None)
    seen: set[int] = set()
    while lead_id is not None and lead_id not in seen and len(seen) < 10:
        if lead_id == actor.person_id:
            return True
        seen.add(lead_id)
        lead_id = type(person).objects.filter(pk=lead_id).values_list("lead_id", flat=True).first()
    return False


def _growth_allowed(actor: Actor, person: Any) -> bool:
    """Object rule of a growth record; `obj` is the Person whose record it is."""
    if actor.is_leader:
        return True
    if actor.person_id is not None and person.pk == actor.person_id:
        return True
    return manages(actor, person)


def _onboarding_allowed(actor: Actor, plan: Any) -> bool:
    """Object rule of an onboarding plan: its hire, their buddy, their lead (up the chain) and owners/admins."""
    if actor.person_id is not None and getattr(plan, "buddy_id", None) == actor.person_id:
        return True
    return _growth_allowed(actor, plan.person)


RELATIONSHIP_RESOURCES = frozenset(
    {"deal", "touchpoint", "protocol", "status_update", "client_goal", "client_report", "escalation"}
    | {"growth_opportunity", "portal", "engagement"}
)


def _relationships_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    """Object rules of relationships. `obj` has a `client` (for `protocol` and `client_report` it is the client;
    for `portal` a change order)."""
    if resource == "portal":
        return actor.role == CLIENT and obj.project.client_id == actor.client_id
    client = obj if resource in ("protocol", "client_report") else obj.client
    if actor.role == CLIENT:
        if client.id != actor.client_id:
            return False
        if resource == "status_update":
            return action == "view" and obj.status == "sent"
        return action == "view"
    if action == "view" or actor.role in LEADERS:
        return True
    mine = bool(actor.person_id) and client.account_manager_id == actor.person_id
    if resource == "deal" and actor.role == AM:
        return mine or (actor.person_id is not None and obj.owner_id == actor.person_id)
    if resource == "escalation":
        return mine or (actor.person_id is not None and obj.assignee_id == actor.person_id) or action == "create"
    if actor.role == AM:
        return mine
    return True


def _meeting_allowed(actor: Actor, resource: str, obj: Any) -> bool:
    """Meeting preparation (`obj`: a meeting, or for `qbr` the client) is staff's: an AM its own clients' only."""
    client = obj if resource == "qbr" else obj.client
    if actor.role == AM:
        return bool(actor.person_id) and client.account_manager_id == actor.person_id
    return actor.role != CLIENT


PORTAL_RESOURCES = frozenset({"client_request", "deliverable", "shared_file"})


def _portal_allowed(actor: Actor, resource: str, action: str, obj: Any) -> bool:
    """Object rules of the portal's workplace: `obj` has a `client` (a request, an approval, a file). A client-role
    user acts on its own client's only, and sees only files shared with it; an AM changes its own clients' only."""
    if actor.role == CLIENT:
        if obj.client_id != actor.client_id:
            return False
        return not (resource == "shared_file" and not obj.shared_with_client)
    if action == "view" or actor.role != AM:
        return True
    return bool(actor.person_id) and obj.client.account_manager_id == actor.person_id


def require(actor: Actor, resource: str, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (403) unless `allowed`."""
    if not allowed(actor, resource, action, obj):
        raise PermissionDenied(f"Your role ({actor.role}) may not {action.replace('_', ' ')} this {resource}.")


def can_see_rates(actor: Actor) -> bool:
    return allowed(actor, "person", "view_rates")


def can_see_budgets(actor: Actor) -> bool:
    return allowed(actor, "project", "view_budget")
