"""Two of the seeds' failure stories (handoff-processes.txt), replayed through the API and the web, each stopped at the
moment it matters (issue 20). The sales-to-onboarding story lives with relationships' deal tests.

- The creative brief breakdown: a brief "references a refreshed brand voice without specifying what that means";
  the content team writes six pages in the default tone and all are rejected. Now the vague reference is refused
  when the handoff is sent, the walkthrough is attested by the receiver, and the copy task does not start before
  the brief is approved and the handoff confirmed — unless the project's manager overrides, on the record.
- The account manager transition: the AM leaves and the successor is "introduced without a formal knowledge
  transfer". Now archiving the AM hands the client to the successor and opens the transition document with its
  five parts required and prefilled; the successor's tasks on the client wait until they have confirmed it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Event
from baton.delivery import services as delivery
from baton.delivery.models import Task
from baton.devdata.testing.finance import make_project
from baton.handoffs import services as handoffs
from baton.handoffs.models import Handoff
from baton.knowledge import services as knowledge
from baton.people.models import Person
from baton.people.services import person_create

VAGUE = "Refreshed brand voice."
BRIEF_FIELDS = {
    "approved_brief_version": "Landing pages brief v1",
    "tone_of_voice_reference": VAGUE,
    "walkthrough_meeting": "Monday 10:00, 30 minutes",
    "deliverables": "Six landing pages",
}


def _post(client: WebClient, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def _web(persona: Any) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


def _copy_task(personas: Any) -> tuple[Any, Task]:
    """Client A's landing-page project (PM: pm) and its copy task for the member, which needs an approved brief."""
    project = make_project(personas, "Landing pages")
    made = _post(
        personas["pm"].api(),
        "/api/v1/tasks",
        {
            "project_id": project.id,
            "title": "Write the landing page copy",
            "assignee_id": personas["member"].person.id,
            "requires_approved_brief": True,
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["requires_approved_brief"] is True
    return project, Task.objects.get(pk=made.json()["id"])


def _brief_handoff(personas: Any, task: Task, **fields: str) -> int:
    made = _post(
        personas["pm"].api(),
        "/api/v1/handoffs",
        {
            "kind": "brief_to_creative",
            "task_id": task.id,
            "to_person_id": personas["member"].person.id,
            "fields": BRIEF_FIELDS | fields,
        },
    )
    assert made.status_code == 201, made.content
    return int(made.json()["id"])


def _start(persona: Any, task: Task, **extra: Any) -> Any:
    return _post(persona.api(), f"/api/v1/tasks/{task.id}/status", {"status": "in_progress", **extra})


def _fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


# --- The creative brief breakdown -------------------------------------------------------------------------------


def test_story_creative_brief_breakdown_vague_tone_of_voice_refused(personas):
    """The required tone-of-voice reference is a reference field: a link or an attached file, not a description."""
    _, task = _copy_task(personas)
    pm = personas["pm"].api()
    template = pm.get("/api/v1/handoff-templates?kind=brief_to_creative").json()["results"][0]
    tone = next(f for f in template["fields"] if f["key"] == "tone_of_voice_reference")
    assert tone["required"] is True and tone["kind"] == "reference"

    hid = _brief_handoff(personas, task)
    refused = _post(pm, f"/api/v1/handoffs/{hid}/send")
    assert refused.status_code == 422
    assert _fields(refused) == {"fields.tone_of_voice_reference"}
    assert "link" in refused.json()["errors"][0]["message"]
    assert Handoff.objects.get(pk=hid).status == "draft"

    # An attachment of another client is no reference either; the brand book's link is.
    pm_patch = pm.patch(
        f"/api/v1/handoffs/{hid}",
        {"fields": {"tone_of_voice_reference": "attachment:999999"}, "version": Handoff.objects.get(pk=hid).version},
        content_type="application/json",
    )
    assert pm_patch.status_code == 200
    assert _fields(_post(pm, f"/api/v1/handoffs/{hid}/send")) == {"fields.tone_of_voice_reference"}
    pm.patch(
        f"/api/v1/handoffs/{hid}",
        {
            "fields": {"tone_of_voice_reference": "https://brand.example.com/voice-2026 (pages 4-9)"},
            "version": Handoff.objects.get(pk=hid).version,
        },
        content_type="application/json",
    )
    assert _post(pm, f"/api/v1/handoffs/{hid}/send").status_code == 200


def test_story_creative_brief_breakdown_vague_tone_of_voice_refused_on_the_web(personas):
    _, task = _copy_task(personas)
    hid = _brief_handoff(personas, task)
    web = _web(personas["pm"])
    page = web.get(reverse("handoffs:edit", args=[hid]))
    assert page.status_code == 200 and "A link (https://…) or an attached file" in page.content.decode()
    data = {key: value for key, value in BRIEF_FIELDS.items()} | {
        "version": Handoff.objects.get(pk=hid).version,
        "send": "1",
    }
    sent = web.post(reverse("handoffs:edit", args=[hid]), data, follow=True)
    assert "must point to the document itself" in sent.content.decode()
    assert Handoff.objects.get(pk=hid).status == "draft"


def test_story_creative_brief_breakdown_task_cannot_start_without_the_approved_brief_and_confirmed_handoff(personas):
    project, task = _copy_task(personas)
    member, pm = personas["member"], personas["pm"].api()
    hid = _brief_handoff(personas, task, tone_of_voice_reference="https://brand.example.com/voice")
    assert _post(pm, f"/api/v1/handoffs/{hid}/send").status_code == 200

    # Sent, not confirmed, and no brief at all: the copywriter cannot start, and may not override.
    blocked = _start(member, task)
    assert blocked.status_code == 409
    assert _fields(blocked) == {"handoff_id", "brief"}
    assert f"#{hid}" in blocked.json()["detail"]
    assert _start(member, task, override=True).status_code == 403
    assert Task.objects.get(pk=task.pk).status == "todo"

    # Gaps raised: still blocked on the handoff.
    assert (
        _post(member.api(), f"/api/v1/handoffs/{hid}/raise-gaps", {"gaps": ["Which pages first?"]}).status_code == 200
    )
    assert "handoff_id" in _fields(_start(member, task))
    gap_id = Handoff.objects.get(pk=hid).gaps.get().pk
    assert (
        _post(pm, f"/api/v1/handoffs/{hid}/answer-gaps", {"answers": {str(gap_id): "Home first."}}).status_code == 200
    )

    # The walkthrough is attested by the receiver, never defaulted: {} is refused naming each part.
    refused = _post(member.api(), f"/api/v1/handoffs/{hid}/confirm", {})
    assert refused.status_code == 422
    assert _fields(refused) == {"walkthrough_held", "walkthrough_at", "walkthrough_how"}
    when = timezone.now() - timedelta(hours=1)
    confirmed = _post(
        member.api(),
        f"/api/v1/handoffs/{hid}/confirm",
        {"walkthrough_held": True, "walkthrough_at": when.isoformat(), "walkthrough_how": "in_person"},
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["walkthrough_attested_by_id"] == member.person.id

    # Confirmed, but the brief is a draft: blocked naming the brief only.
    brief = _post(
        pm,
        "/api/v1/briefs",
        {
            "project_id": project.id,
            "objective": "Six landing pages that convert trial visitors.",
            "audience": "Marketing leads at mid-size firms.",
            "deliverables": "Six landing pages.",
            "success_measures": "Trial sign-ups up 20 %.",
            "tone_of_voice_reference": "https://brand.example.com/voice",
        },
    ).json()
    still = _start(member, task)
    assert still.status_code == 409 and _fields(still) == {"brief"}
    assert _post(pm, f"/api/v1/briefs/{brief['id']}/approve").status_code == 200

    started = _start(member, task)
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    assert not Event.objects.filter(verb="task.start_gate_overridden", target_id=task.pk).exists()


def test_story_creative_brief_breakdown_override_recorded(personas):
    _, task = _copy_task(personas)
    hid = _brief_handoff(personas, task, tone_of_voice_reference="https://brand.example.com/voice")
    _post(personas["pm"].api(), f"/api/v1/handoffs/{hid}/send")

    started = _start(personas["pm"], task, override=True)
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    event = Event.objects.get(verb="task.start_gate_overridden", target_id=task.pk)
    assert event.data["gates"] == ["brief", "handoff_id"]
    assert event.data["handoff_ids"] == [hid]
    assert event.data["overridden_by_id"] == personas["pm"].person.id
    listed = personas["owner"].api().get(f"/api/v1/events?verb=task.start_gate_overridden&target_id={task.pk}")
    assert listed.status_code == 200 and listed.json()["count"] == 1


def test_story_creative_brief_breakdown_on_the_web(personas):
    """The task page says why it cannot start; the member gets no override, the PM overrides on the record."""
    _, task = _copy_task(personas)
    hid = _brief_handoff(personas, task, tone_of_voice_reference="https://brand.example.com/voice")
    _post(personas["pm"].api(), f"/api/v1/handoffs/{hid}/send")
    url = reverse("delivery:task_detail", args=[task.pk])
    status_url = reverse("delivery:task_status", args=[task.pk])

    member = _web(personas["member"])
    page = member.get(url).content.decode()
    assert "Why it cannot start yet" in page and f"(#{hid})" in page and "requires an approved brief" in page
    assert "Override: start" not in page
    moved = member.post(status_url, {"status": "in_progress", "next": url}, follow=True).content.decode()
    assert "cannot start" in moved
    refused = member.post(status_url, {"status": "in_progress", "override": "1", "next": url}, follow=True)
    assert "Only an owner, an admin or the project" in refused.content.decode()
    assert Task.objects.get(pk=task.pk).status == "todo"

    # The confirm form asks the receiver for the walkthrough; unticked it is refused naming it.
    handoff_page = member.get(reverse("handoffs:detail", args=[hid])).content.decode()
    assert "I took part in the walkthrough meeting" in handoff_page and "When it took place" in handoff_page
    unattested = member.post(reverse("handoffs:confirm", args=[hid]), {"note": "Fine"}, follow=True)
    assert "attest" in unattested.content.decode()
    assert Handoff.objects.get(pk=hid).status == "sent"

    pm = _web(personas["pm"])
    assert "Override: start" in pm.get(url).content.decode()
    pm.post(status_url, {"status": "in_progress", "override": "1", "next": url})
    assert Task.objects.get(pk=task.pk).status == "in_progress"
    assert Event.objects.filter(verb="task.start_gate_overridden", target_id=task.pk).exists()


# --- The account manager transition -----------------------------------------------------------------------------

TRANSITION_PARTS = (
    "campaign_history",
    "key_decisions",
    "client_preferences",
    "political_sensitivities",
    "open_action_items",
)


def _successor(personas: Any) -> Person:
    return person_create(
        actor=personas["owner"].actor, name="Sam Successor", email="sam@studio.test", role="account_manager"
    )


def _long_standing_client(personas: Any) -> Task:
    """Client A's history with its AM: a campaign, a decision, preferences and sensitivities, and the AM's open
    task on the client's project."""
    am = personas["am"].actor
    knowledge.knowledge_update(
        actor=am,
        client=personas.client_a,
        preferences="Written summaries the same day; no decks.",
        sensitivities="The CFO opposed hiring an agency: keep her informed.",
    )
    knowledge.decision_create(
        actor=am,
        client=personas.client_a,
        title="Dropped display advertising",
        decision="No display from 2026.",
        rationale="Poor lead quality.",
        alternatives_rejected=["Retargeting only"],
        decided_by=personas["am"].person.id,
    )
    project = make_project(personas, "Multi-channel programme")
    return delivery.task_create(
        actor=personas["owner"].actor, project=project, title="Q3 budget proposal", assignee_id=personas["am"].person.id
    )


def test_story_account_manager_transition_document_required_and_prefilled(personas, django_capture_on_commit_callbacks):
    task = _long_standing_client(personas)
    successor = _successor(personas)
    owner = personas["owner"].api()
    with django_capture_on_commit_callbacks(execute=True):  # handoffs opens the transition after the commit
        archived = _post(owner, f"/api/v1/people/{personas['am'].person.id}/archive", {"successor_id": successor.id})
    assert archived.status_code == 200, archived.content
    personas.client_a.refresh_from_db()
    assert personas.client_a.account_manager_id == successor.id
    assert Task.objects.get(pk=task.pk).assignee_id == successor.id

    handoff = Handoff.objects.get(kind="account_transition", client=personas.client_a)
    assert (handoff.from_person_id, handoff.to_person_id, handoff.status) == (
        personas["am"].person.id,
        successor.id,
        "draft",
    )
    spec = {f["key"]: f for f in handoff.field_spec}
    for key in TRANSITION_PARTS:
        assert spec[key]["required"] is True, key
        assert handoff.fields[key].strip(), key
    assert "Multi-channel programme" in handoff.fields["campaign_history"]
    assert "Dropped display advertising" in handoff.fields["key_decisions"]
    assert "no decks" in handoff.fields["client_preferences"]
    assert "CFO" in handoff.fields["political_sensitivities"]
    assert "Q3 budget proposal" in handoff.fields["open_action_items"]

    # Emptying a part refuses the send naming it.
    version = handoff.version
    owner.patch(
        f"/api/v1/handoffs/{handoff.id}",
        {"fields": {"political_sensitivities": "", "next_steps": "Meet the CFO first."}, "version": version},
        content_type="application/json",
    )
    refused = _post(owner, f"/api/v1/handoffs/{handoff.id}/send")
    assert refused.status_code == 422 and _fields(refused) == {"fields.political_sensitivities"}


def test_story_account_manager_transition_successor_tasks_wait_for_the_transition(
    personas, django_capture_on_commit_callbacks
):
    task = _long_standing_client(personas)
    successor = _successor(personas)
    owner = personas["owner"].api()
    with django_capture_on_commit_callbacks(execute=True):
        _post(owner, f"/api/v1/people/{personas['am'].person.id}/archive", {"successor_id": successor.id})
    handoff = Handoff.objects.get(kind="account_transition", client=personas.client_a)
    owner_api = personas["owner"].api()  # the owner sends for the archived AM (and starts without override: refused)

    # A draft the successor has not even received: the client's work waits for it.
    blocked = _start(personas["owner"], task)
    assert blocked.status_code == 409 and _fields(blocked) == {"handoff_id"}
    assert "has not been sent" in blocked.json()["detail"]
    owner_api.patch(
        f"/api/v1/handoffs/{handoff.id}",
        {"fields": {"next_steps": "Meet the CFO first."}, "version": handoff.version},
        content_type="application/json",
    )
    assert _post(owner_api, f"/api/v1/handoffs/{handoff.id}/send").status_code == 200
    assert "is not confirmed by Sam Successor" in _start(personas["owner"], task).json()["detail"]

    # The successor confirms the transition: their work goes on.
    successor.refresh_from_db()
    handoffs.handoff_confirm(actor=Actor.for_membership(successor.membership), handoff=handoff, note="Read it all.")
    assert _start(personas["owner"], task).status_code == 200


def test_story_account_manager_transition_on_the_web(personas, django_capture_on_commit_callbacks):
    task = _long_standing_client(personas)
    successor = _successor(personas)
    owner = _web(personas["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        done = owner.post(
            reverse("people:archive", args=[personas["am"].person.id]), {"successor_id": successor.id}, follow=True
        )
    assert done.status_code == 200
    handoff = Handoff.objects.get(kind="account_transition", client=personas.client_a)
    page = owner.get(reverse("handoffs:detail", args=[handoff.id])).content.decode()
    for label in ("Campaign history", "Key decisions", "Client preferences", "Political sensitivities"):
        assert label in page
    assert "Dropped display advertising" in page
    task_page = owner.get(reverse("delivery:task_detail", args=[task.pk])).content.decode()
    assert "Why it cannot start yet" in task_page and "has not been sent to Sam Successor" in task_page
