"""Search beyond knowledge's own records (issue 17): contacts, people, invoices, handoffs, deals, goals, touchpoints and
next steps, registered by their apps (`knowledge/search_sources.py`). Each kind is found by a role whose list of that
kind shows the record and never by one whose list does not (client role and member included); the index follows
edits and deletions through events; the demo's records (touchpoints written in bulk) are searchable after loading.
Runs on both backends (`.ci/run`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Membership
from baton.crm import services as crm
from baton.crm.models import Contact, Deal
from baton.devdata.demo.agency import generate as generate_demo
from baton.finance import services as finance
from baton.finance.models import Invoice
from baton.handoffs.services import handoff_open
from baton.knowledge import selectors
from baton.knowledge.models import SearchEntry
from baton.knowledge.services import search_index_rebuild
from baton.people.services import person_create
from baton.relationships import services as relationships
from baton.relationships.models import NextStep, Touchpoint

ROLES = ("owner", "admin", "finance", "am", "pm", "member", "client_a")


def _found(personas, name: str, word: str, kind: str) -> list[int]:
    return [r.id for r in selectors.search(personas[name].actor, word, kinds=[kind], limit=100)]


def _who_finds(personas, word: str, kind: str, object_id: int) -> set[str]:
    return {name for name in ROLES if object_id in _found(personas, name, word, kind)}


@pytest.fixture
def records(personas, django_capture_on_commit_callbacks):
    """One record of each registered kind, each carrying its own odd word, written through the services (so the
    index is fed by their events), for client A unless said otherwise."""
    owner = personas["owner"].actor
    made: dict[str, int] = {}
    with django_capture_on_commit_callbacks(execute=True):
        contact = crm.contact_create(
            actor=owner, client=personas.client_a, name="Quillon Marsh", email="q@a.test", role="Head of zephyrine"
        )
        made["contact"] = contact.pk
        made["contact_b"] = crm.contact_create(
            actor=owner, client=personas.client_b, name="Bea Quillon", email="bea@b.test"
        ).pk
        made["person"] = person_create(
            actor=owner, name="Ottoline Varga", email="ottoline@ws.test", role="member", skills=["glassblowing"]
        ).pk
        draft = finance.invoice_create(
            actor=personas["finance"].actor,
            client_id=personas.client_a.id,
            notes="Thanks for the tamarisk sprint.",
            lines=[{"description": "Tamarisk sprint", "quantity": "1", "unit_price": "1200.00"}],
        )
        issued = finance.invoice_issue(actor=personas["finance"].actor, invoice=draft)
        made["invoice"] = issued.pk
        made["invoice_number"] = issued.number  # type: ignore[assignment]
        made["draft"] = finance.invoice_create(
            actor=personas["finance"].actor,
            client_id=personas.client_a.id,
            notes="Tamarisk extras, not sent yet.",
            lines=[{"description": "Extras", "quantity": "1", "unit_price": "10.00"}],
        ).pk
        made["handoff"] = handoff_open(
            actor=owner,
            kind="sales_to_account",
            client=personas.client_a,
            from_person=personas["am"].person,
            to_person=personas["pm"].person,
            title="Hand over the saffronwood account",
            fields={"primary_goals": "Double the halcyonite subscriptions."},
        ).pk
        made["deal"] = crm.deal_create(
            actor=owner,
            client=personas.client_a,
            name="Marzipan relaunch",
            value=Decimal("5000.00"),
            notes="Gingko budget.",
        ).pk
        goal = relationships.goal_create(
            actor=owner, client=personas.client_a, title="Grow the peridot audience", metric="Subscribers", target=900
        )
        made["client_goal"] = goal.pk
        made["goal_b"] = relationships.goal_create(
            actor=owner, client=personas.client_b, title="Peridot for B", metric="Visits", target=50
        ).pk
        touchpoint = relationships.touchpoint_log(
            actor=personas["am"].actor,
            client=personas.client_a,
            kind="call",
            summary="Walked through the obsidian roadmap; they want it sooner.",
            next_steps=[
                {
                    "description": "Send the vermilion estimate",
                    "owner_id": personas["am"].person.id,
                    "due_on": timezone.localdate() + timedelta(days=7),
                }
            ],
        )
        made["touchpoint"] = touchpoint.pk
        made["next_step"] = NextStep.objects.get(touchpoint=touchpoint).pk
    return made


# Per kind: (the word that finds it, the roles whose own list shows it). Everyone else must not find it.
CASES = {
    "contact": ("zephyrine", {"owner", "admin", "finance", "am", "pm", "member", "client_a"}),
    "person": ("glassblowing", {"owner", "admin", "finance", "am", "pm", "member"}),
    "invoice": ("tamarisk", {"owner", "admin", "finance", "am", "client_a"}),  # the PM: not its project's
    "handoff": ("halcyonite", {"owner", "admin", "finance", "am", "pm", "member"}),
    "deal": ("gingko", {"owner", "admin", "finance", "am"}),
    "client_goal": ("peridot", {"owner", "admin", "finance", "am", "pm", "member", "client_a"}),
    "touchpoint": ("obsidian", {"owner", "admin", "finance", "am", "pm", "member"}),
    "next_step": ("vermilion", {"owner", "admin", "finance", "am", "pm", "member"}),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_is_found_by_those_whose_list_shows_it_and_only_them(personas, records, kind):
    word, expected = CASES[kind]
    assert _who_finds(personas, word, kind, records[kind]) == expected
    # Without a kind filter too: the record is among everything found, and never for the others.
    for name in ROLES:
        everything = [(r.kind, r.id) for r in selectors.search(personas[name].actor, word, limit=100)]
        assert ((kind, records[kind]) in everything) == (name in expected), name


def test_the_other_workspace_finds_none_of_them(personas, records):
    for kind, (word, _) in CASES.items():
        assert _found(personas, "outsider", word, kind) == [], kind


def test_an_invoice_is_found_by_its_number_and_a_draft_only_by_staff(personas, records):
    number = str(records["invoice_number"])
    assert number.startswith("INV-")
    for name in ("finance", "am", "client_a"):
        assert _found(personas, name, number, "invoice") == [records["invoice"]], name
    short = str(int(number.split("-")[1]))  # INV-00001 is also "1"
    assert records["invoice"] in _found(personas, "finance", short, "invoice")
    assert _found(personas, "member", number, "invoice") == []
    # The draft (no number yet): finance and the client's AM find it, the client user never.
    assert records["draft"] in _found(personas, "finance", "tamarisk extras", "invoice")
    assert records["draft"] in _found(personas, "am", "tamarisk extras", "invoice")
    assert _found(personas, "client_a", "tamarisk", "invoice") == [records["invoice"]]
    response = personas["member"].api().get(f"/api/v1/search?q={number}")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_a_client_user_finds_only_its_own_clients_contacts_and_goals(personas, records):
    assert _found(personas, "client_a", "quillon", "contact") == [records["contact"]]
    assert set(_found(personas, "owner", "quillon", "contact")) == {records["contact"], records["contact_b"]}
    assert _found(personas, "client_a", "peridot", "client_goal") == [records["client_goal"]]
    portal = personas["client_a"].api().get("/api/v1/search?q=peridot").json()
    assert [(r["kind"], r["id"], r["kind_label"]) for r in portal["results"]] == [
        ("client_goal", records["client_goal"], "Goal")
    ]
    assert portal["results"][0]["url"] == "/relationships/portal/#portal-goals"
    staff = personas["am"].api().get("/api/v1/search?q=peridot&kinds=client_goal").json()
    assert {r["url"] for r in staff["results"]} == {
        f"/relationships/accounts/{personas.client_a.id}/#goals",
        f"/relationships/accounts/{personas.client_b.id}/#goals",
    }


def test_results_link_to_pages_the_person_may_open(personas, records, client):
    """Every result's link opens (200) for the person who got it: the search never shows what it cannot open."""
    for name in ("owner", "finance", "am", "pm", "member", "client_a"):
        client.force_login(personas[name].person.membership.user)
        words = " or ".join(word for word, _ in CASES.values())
        results = selectors.search(personas[name].actor, words, limit=100)
        assert results, name
        for result in results:
            path = result.url.split("#")[0]
            assert client.get(path, follow=True).status_code == 200, (name, result.kind, result.url)
        client.logout()


def test_the_index_follows_edits_and_deletions(personas, records, django_capture_on_commit_callbacks):
    owner = personas["owner"].actor
    contact = Contact.objects.get(pk=records["contact"])
    with django_capture_on_commit_callbacks(execute=True):
        crm.contact_update(actor=owner, contact=contact, version=contact.version, role="Head of tourmaline")
    assert _found(personas, "am", "zephyrine", "contact") == []
    assert _found(personas, "am", "tourmaline", "contact") == [records["contact"]]
    with django_capture_on_commit_callbacks(execute=True):
        crm.contact_delete(actor=owner, contact=contact)
    assert _found(personas, "owner", "tourmaline", "contact") == []
    assert not SearchEntry.objects.filter(kind="contact", object_id=records["contact"]).exists()

    touchpoint = Touchpoint.objects.get(pk=records["touchpoint"])
    with django_capture_on_commit_callbacks(execute=True):
        relationships.touchpoint_update(
            actor=personas["am"].actor, touchpoint=touchpoint, version=touchpoint.version, summary="Basalt roadmap."
        )
    assert _found(personas, "pm", "obsidian", "touchpoint") == []
    assert _found(personas, "pm", "basalt", "touchpoint") == [records["touchpoint"]]

    deal = Deal.objects.get(pk=records["deal"])
    with django_capture_on_commit_callbacks(execute=True):
        crm.deal_update(actor=owner, deal=deal, version=deal.version, name="Nougat relaunch")
    assert _found(personas, "am", "marzipan", "deal") == []
    assert _found(personas, "am", "nougat", "deal") == [records["deal"]]

    client = personas.client_a
    client.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=owner, client=client, version=client.version, name="Quokka Outfitters")
    assert _found(personas, "pm", "quokka", "touchpoint") == [records["touchpoint"]]  # its title names the client
    assert records["invoice"] in _found(personas, "finance", "quokka", "invoice")

    draft = Invoice.objects.get(pk=records["draft"])
    with django_capture_on_commit_callbacks(execute=True):
        finance.invoice_delete(actor=personas["finance"].actor, invoice=draft)
    assert records["draft"] not in _found(personas, "finance", "tamarisk", "invoice")
    assert _found(personas, "finance", "tamarisk", "invoice") == [records["invoice"]]


def test_an_archived_deal_leaves_search(personas, records):
    """Archived deals are out of `deal_list`, so out of search, even before the index hears of it."""
    Deal.objects.filter(pk=records["deal"]).update(archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert _found(personas, "owner", "gingko", "deal") == []
    search_index_rebuild(workspace=personas.workspace)
    assert not SearchEntry.objects.filter(kind="deal", object_id=records["deal"]).exists()


def test_rebuild_writes_the_same_entries_as_the_events(personas, records):
    def snapshot() -> set[tuple]:
        return set(
            SearchEntry.objects.filter(workspace=personas.workspace).values_list(
                "kind", "object_id", "audience", "client_id", "project_id", "title", "label", "body"
            )
        )

    by_events = snapshot()  # the fixture's records, indexed by their events (the personas were made without)
    assert {k for k, *_ in by_events} >= set(CASES)
    search_index_rebuild(workspace=personas.workspace)
    assert snapshot() >= by_events


def test_the_page_groups_results_by_kind_with_their_links(personas, records, client):
    client.force_login(personas["owner"].person.membership.user)
    html = client.get("/search/?q=tamarisk or obsidian or vermilion").content.decode()
    for group in ("Invoices", "Touchpoints", "Next steps"):
        assert f">{group} <span" in html
    assert f'href="/finance/invoices/{records["invoice"]}/"' in html
    assert f'href="/relationships/touchpoints/{records["touchpoint"]}/"' in html
    assert f'href="/relationships/next-steps/{records["next_step"]}/"' in html
    assert 'id="search-group-touchpoint"' in html
    # Only kinds the role may see are offered as a filter.
    client.force_login(personas["member"].person.membership.user)
    member_page = client.get("/search/").content.decode()
    assert 'value="invoice"' not in member_page and 'value="touchpoint"' in member_page
    client.force_login(personas["client_a"].person.membership.user)
    portal_page = client.get("/search/?q=tamarisk").content.decode()
    assert 'value="handoff"' not in portal_page and 'value="client_goal"' in portal_page
    assert f'href="/finance/invoices/{records["invoice"]}/"' in portal_page


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False)
def test_the_demos_touchpoints_are_searchable_after_loading():
    workspace = generate_demo(size="demo", slug="search-demo")
    touchpoints = Touchpoint.objects.filter(workspace=workspace)
    assert touchpoints.count() > 100  # written in bulk, without events
    assert SearchEntry.objects.filter(workspace=workspace, kind="touchpoint").count() == touchpoints.count()
    am = Actor.for_membership(Membership.objects.get(workspace=workspace, user__email="am@search-demo.baton.test"))
    sample = touchpoints.order_by("id").first()
    assert sample is not None
    word = sample.summary.split()[0]
    found = selectors.search(am, word, kinds=["touchpoint"], limit=100)
    assert found and all(r.kind == "touchpoint" for r in found)
    client_user = Actor.for_membership(
        Membership.objects.get(workspace=workspace, user__email="client@search-demo.baton.test")
    )
    assert selectors.search(client_user, word, kinds=["touchpoint"]) == []
    for kind in ("contact", "person", "invoice", "deal", "handoff", "next_step"):
        assert SearchEntry.objects.filter(workspace=workspace, kind=kind).exists(), kind


def test_a_touchpoint_has_its_page_and_a_next_step_leads_to_it(personas, records, client):
    url = f"/relationships/touchpoints/{records['touchpoint']}/"
    client.force_login(personas["member"].person.membership.user)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Call with Client A" in html and "obsidian roadmap" in html
    assert f'id="next-step-{records["next_step"]}"' in html and "Send the vermilion estimate" in html
    step = client.get(f"/relationships/next-steps/{records['next_step']}/")
    assert step.status_code == 302 and step["Location"] == f"{url}#next-step-{records['next_step']}"
    client.force_login(personas["client_a"].person.membership.user)
    assert client.get(url).status_code == 404
    assert client.get(f"/relationships/next-steps/{records['next_step']}/").status_code == 404
