"""Notifications: @mentions, the bell's count and mark-read (web and API), only one's own, e-mail right away or as
a daily digest by preference."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client as HttpClient

from baton.automation import services
from baton.automation.models import Notification, NotificationPreference
from baton.core.models import Event
from baton.devdata.testing.knowledge import make_knowledge_records
from baton.devdata.testing.personas import PASSWORD
from baton.knowledge.services import comment_create


def login(personas, who):
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    client.get("/")
    return client


def some_notifications(personas, who="member", n=3):
    person = personas[who].person
    event = Event.objects.filter(workspace=personas.workspace).order_by("id").first()
    made = []
    for i in range(n):
        made += services.notify(
            workspace=personas.workspace,
            recipients=[person],
            verb="test.happened",
            title=f"Thing {i}",
            url="/clients/",
            event=event,
            source=f"test:{i}",
        )
    return made


def test_mentions_notify_the_people_mentioned(personas, work, django_capture_on_commit_callbacks):
    records = make_knowledge_records(
        actor=personas["owner"].actor,
        client=personas.client_a,
        contact=personas.contact_a,
        project=work.project,
        task=work.task,
        author=personas["member"].person,
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(
            actor=personas["am"].actor,
            target_type="decision",
            target_id=records["decision_id"],
            body="@Pm Persona please check, and @Am Persona (me) too; @Portal User A FYI",
            internal=True,
        )
    notes = Notification.objects.filter(source="mention")
    # The author is not told about their own mention; a client-role user never hears of an internal comment.
    assert list(notes.values_list("recipient_id", flat=True)) == [personas["pm"].person.id]
    note = notes.get()
    assert note.title.startswith("Am Persona mentioned you on ")
    assert note.url == f"/comments/{comment.id}/"
    assert note.event.verb == "comment.created"


def test_mentions_accept_the_mentions_key(personas):
    from baton.automation.services.notifications import mention_notifications

    event = Event.objects.create(
        workspace=personas.workspace,
        verb="comment.created",
        actor_id=personas["am"].person.id,
        actor_name="Am Persona",
        target_type="comment",
        target_id=1,
        data={"mentions": [personas["pm"].person.id, personas["am"].person.id]},
    )
    assert [s.recipient_id for s in mention_notifications(event)] == [personas["pm"].person.id]


def test_bell_count_and_mark_read(personas):
    made = some_notifications(personas)
    web = login(personas, "member")
    bell = web.get("/notifications/bell/", headers={"HX-Request": "true"})
    assert bell.status_code == 200
    assert '<span class="bell-count" id="bell-count">3</span>' in bell.content.decode()

    page = web.get("/notifications/")
    assert page.status_code == 200 and "3 unread" in page.content.decode()

    marked = web.post(f"/notifications/{made[0].id}/read/", headers={"HX-Request": "true"})
    assert marked.status_code == 200 and marked["HX-Trigger"] == "notifications-changed"
    assert "Mark read" not in marked.content.decode()
    assert ">2<" in web.get("/notifications/bell/").content.decode()

    web.post("/notifications/read-all/")
    bell = web.get("/notifications/bell/").content.decode()
    assert "bell-count" not in bell and "none unread" in bell
    assert Event.objects.filter(verb="notification.read").count() == 1
    assert Event.objects.get(verb="notification.read_all").data == {"count": 2}


def test_the_bell_is_in_the_top_bar(personas):
    page = login(personas, "client_a").get("/").content.decode()
    assert 'hx-get="/notifications/bell/"' in page and 'hx-trigger="load, every 60s' in page
    assert "Automations" not in page
    assert ">Automations</a>" in login(personas, "admin").get("/").content.decode()


def test_api_lists_only_ones_own(personas):
    mine = some_notifications(personas, "member", 2)
    theirs = some_notifications(personas, "client_a", 1)
    member = personas["member"].api()
    body = member.get("/api/v1/notifications").json()
    assert body["count"] == 2 and body["unread"] == 2
    assert {n["id"] for n in body["results"]} == {n.id for n in mine}
    assert set(body["results"][0]) >= {"id", "verb", "title", "body", "url", "event_id", "read", "created_at"}
    # Someone else's notification does not exist for you.
    assert member.post(f"/api/v1/notifications/{theirs[0].id}/read").status_code == 404
    assert Notification.objects.get(pk=theirs[0].id).read_at is None

    read = member.post(f"/api/v1/notifications/{mine[0].id}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    assert member.get("/api/v1/notifications?unread=true").json()["count"] == 1
    assert member.post("/api/v1/notifications/read-all").json() == {"marked": 1, "unread": 0}

    portal = personas["client_a"].api()
    assert [n["id"] for n in portal.get("/api/v1/notifications").json()["results"]] == [theirs[0].id]
    # Another workspace's owner sees none of them.
    assert personas["outsider"].api().get("/api/v1/notifications").json()["count"] == 0
    assert personas["outsider"].api().post(f"/api/v1/notifications/{mine[1].id}/read").status_code == 404


def test_preferences(personas):
    api = personas["member"].api()
    assert api.get("/api/v1/notifications/preferences").json() == {
        "person_id": personas["member"].person.id,
        "email": "daily",
    }
    bad = api.put("/api/v1/notifications/preferences", {"email": "hourly"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"
    ok = api.put("/api/v1/notifications/preferences", {"email": "immediate"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["email"] == "immediate"
    assert Event.objects.get(verb="notification_preference.updated").data == {"email": [None, "immediate"]}


def test_immediate_email(personas, mailoutbox, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        workspace=personas.workspace, person=personas["member"].person, email="immediate"
    )
    with django_capture_on_commit_callbacks(execute=True):
        some_notifications(personas, "member", 1)
        some_notifications(personas, "pm", 1)  # pm keeps the default daily digest
    assert [m.to for m in mailoutbox] == [["member@studio.test"]]
    assert mailoutbox[0].subject == "[Baton] Thing 0"
    assert "http://127.0.0.1:8000/clients/" in mailoutbox[0].body


def test_daily_digest_once_a_day(personas, mailoutbox, django_capture_on_commit_callbacks):
    some_notifications(personas, "pm", 2)
    NotificationPreference.objects.create(workspace=personas.workspace, person=personas["admin"].person, email="off")
    some_notifications(personas, "admin", 1)
    morning = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send(personas.workspace, morning) == 0  # before 07:00 workspace time
        later = morning.replace(hour=8)
        assert services.digest_send(personas.workspace, later) == 1
        assert services.digest_send(personas.workspace, later.replace(hour=9)) == 0  # once a day
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["pm@studio.test"] and mailoutbox[0].subject == "[Baton] 2 unread notifications"
    assert "- Thing 0" in mailoutbox[0].body and "- Thing 1" in mailoutbox[0].body
    assert Notification.objects.filter(recipient=personas["pm"].person, emailed_at__isnull=True).count() == 0


def test_notify_is_idempotent_per_event_and_source(personas):
    assert len(some_notifications(personas, "member", 2)) == 2
    assert some_notifications(personas, "member", 2) == []
    assert Notification.objects.count() == 2
