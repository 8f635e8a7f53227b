"""The access policy: what each role may see and do. The one place that decides; see ARCHITECTURE.md.

Selectors narrow querysets with the `scope_*` helpers (an invisible record answers 404); services call `require`
before every write (a visible record the role may not change answers 403).
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

# (resource, action) -> roles allowed at all. Object rules (own client, own portfolio) narrow it further below.
POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("workspace", "view"): ALL_ROLES,
    ("workspace", "update"): frozenset({OWNER}),
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


def allowed(actor: Actor, resource: str, action: str, obj: Any = None) -> bool:
    """True when the actor's role may do `action` on `resource` (and on `obj`, when given)."""
    if actor.role not in POLICY.get((resource, action), frozenset()):
        return False
    if obj is None:
        return True
    if resource == "client":
        if actor.role == CLIENT:
            return action == "view" and obj.id == actor.client_id
        if actor.role == AM and action == "update":
            return bool(obj.account_manager_id) and obj.account_manager_id == actor.person_id
    if resource == "contact":
        if actor.role == CLIENT:
            return action == "view" and obj.client_id == actor.client_id
        if actor.role == AM and action != "view":
            return obj.client.account_manager_id == actor.person_id
    return True


def require(actor: Actor, resource: str, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (403) unless `allowed`."""
    if not allowed(actor, resource, action, obj):
        raise PermissionDenied(f"Your role ({actor.role}) may not {action.replace('_', ' ')} this {resource}.")


def can_see_rates(actor: Actor) -> bool:
    return allowed(actor, "person", "view_rates")
