"""The main navigation: one list of pages, each shown only to the roles the access policy lets open it.

Each link names the policy pair (`access.allowed(actor, resource, action)`) its page requires, so a role never sees
a link that would answer 403. `audience` narrows a link to the staff's or the client's side where the two have
different pages for one need (the staff reach invoices through Finance, a client through its own Invoices link).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from baton.core import access
from baton.core.access import Actor


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    resource: str
    action: str = "view"
    # The page is current when the resolved view is in one of these apps or has one of these url names...
    apps: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    # ...unless its url name is one of these (a page of the app with a link of its own).
    not_names: tuple[str, ...] = ()
    audience: frozenset[str] = access.ALL_ROLES


STAFF = access.STAFF
CLIENT_ONLY = frozenset({access.CLIENT})
PORTAL_PAGES = ("portal", "portal_requests", "portal_approvals", "portal_files")  # the client's own pages
STAFF_REQUEST_PAGES = ("requests", "request", "files")  # the requests inbox, a request, the shared files

MAIN_NAV: tuple[NavLink, ...] = (
    NavLink("Home", "home", "workspace", names=("home",)),
    NavLink("People", "people:list", "person", apps=("people",)),
    NavLink("Clients", "crm:client_list", "client", apps=("crm",)),
    NavLink("Projects", "delivery:project_list", "project", apps=("delivery",), not_names=("my_tasks",)),
    NavLink("My tasks", "delivery:my_tasks", "task", names=("my_tasks",), audience=STAFF),
    NavLink(
        "Accounts",
        "relationships:portfolio",
        "health",
        apps=("relationships",),
        not_names=(*PORTAL_PAGES, *STAFF_REQUEST_PAGES),
    ),
    NavLink(
        "Requests", "relationships:requests", "client_request", names=("requests", "request", "files"), audience=STAFF
    ),
    NavLink("Schedule", "resourcing:schedule", "booking", apps=("resourcing",)),
    NavLink("Time", "timesheets:grid", "time_entry", apps=("timesheets",)),
    NavLink("Finance", "finance:overview", "financials", apps=("finance",)),
    NavLink("Quotes", "quotes:list", "quote", apps=("quotes",), audience=STAFF),
    NavLink("Invoices", "finance:invoices", "invoice", apps=("finance",), audience=CLIENT_ONLY),
    NavLink("Portal", "relationships:portal", "status_update", names=("portal",), audience=CLIENT_ONLY),
    NavLink(
        "Requests", "relationships:portal_requests", "client_request", names=("portal_requests",), audience=CLIENT_ONLY
    ),
    NavLink(
        "Approvals", "relationships:portal_approvals", "deliverable", names=("portal_approvals",), audience=CLIENT_ONLY
    ),
    NavLink("Files", "relationships:portal_files", "shared_file", names=("portal_files",), audience=CLIENT_ONLY),
    NavLink("Growth", "growth:home", "growth_record", apps=("growth",)),
    NavLink("Handoffs", "handoffs:inbox", "handoff", apps=("handoffs",)),
    NavLink("Activity", "activity", "event", names=("activity",)),
    NavLink(
        "Automations",
        "automation:rule_list",
        "automation_rule",
        apps=("automation",),
        not_names=("notifications", "notification_read", "notification_read_all", "notification_preferences", "bell"),
    ),
    NavLink("Imports", "imports:list", "import", apps=("imports",)),
    NavLink("Approvals", "change_requests", "change_request", names=("change_requests", "change_request_detail")),
    NavLink("Settings", "workspace_settings", "workspace", action="update", names=("workspace_settings",)),
)


def may_open(actor: Actor, link: NavLink) -> bool:
    return actor.role in link.audience and access.allowed(actor, link.resource, link.action)


def main_nav(request: HttpRequest, actor: Actor) -> list[dict[str, Any]]:
    """The links `actor` may open, in order, each with its href and whether it is the current page."""
    match = getattr(request, "resolver_match", None)
    app = getattr(match, "app_name", "") or ""
    name = getattr(match, "url_name", "") or ""
    links = []
    for link in MAIN_NAV:
        if not may_open(actor, link):
            continue
        current = (app in link.apps or name in link.names) and name not in link.not_names
        links.append({"label": link.label, "href": reverse(link.url_name), "current": current})
    return links
