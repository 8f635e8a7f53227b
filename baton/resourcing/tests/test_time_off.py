"""Time off: who requests, who approves, who sees what; .ics import; the private calendar feed."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from django.test import Client as HttpClient

from baton.core.models import Event
from baton.delivery.models import Task
from baton.resourcing.models import TimeOff
from baton.resourcing.tests.conftest import MONDAY, patch, post

pytestmark = pytest.mark.django_db

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:trip-1@example
SUMMARY:Summer vacation
DTSTART;VALUE=DATE:20300708
DTEND;VALUE=DATE:20300713
END:VEVENT
BEGIN:VEVENT
UID:dentist-1@example
SUMMARY:Dentist appointment
DTSTART:20300715T090000Z
DTEND:20300715T110000Z
END:VEVENT
BEGIN:VEVENT
UID:sick-1@example
SUMMARY:Sick day
DTSTART;VALUE=DATE:20300716
END:VEVENT
END:VCALENDAR
"""


def request_off(personas, who, **extra):
    return post(
        personas[who].api(),
        "/api/v1/time-off",
        {"start_date": str(MONDAY), "end_date": str(MONDAY + timedelta(days=1))} | extra,
    )


def test_member_requests_for_itself_only(personas):
    r = request_off(personas, "member")
    assert r.status_code == 201 and r.json()["status"] == "requested"
    assert Event.objects.filter(verb="time_off.requested", target_id=r.json()["id"]).exists()
    other = request_off(personas, "member", person_id=personas["finance"].person.id)
    assert other.status_code == 403
    assert request_off(personas, "member", status="approved").status_code == 403
    assert request_off(personas, "client_a").status_code == 403


def test_approvers_approve_and_reject_but_not_their_own(personas):
    mine = request_off(personas, "pm", status="requested").json()
    assert mine["status"] == "requested"
    assert post(personas["pm"].api(), f"/api/v1/time-off/{mine['id']}/approve", {}).status_code == 403
    approved = post(personas["admin"].api(), f"/api/v1/time-off/{mine['id']}/approve", {})
    assert approved.status_code == 200 and approved.json()["approver_id"] == personas["admin"].person.id
    member_req = request_off(personas, "member").json()
    assert post(personas["member"].api(), f"/api/v1/time-off/{member_req['id']}/approve", {}).status_code == 403
    rejected = post(personas["pm"].api(), f"/api/v1/time-off/{member_req['id']}/reject", {"reason": "launch week"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    event = Event.objects.get(verb="time_off.rejected", target_id=member_req["id"])
    assert event.data["reason"] == "launch week"


def test_who_sees_which_time_off(personas):
    request_off(personas, "member")
    request_off(personas, "finance")
    assert personas["member"].api().get("/api/v1/time-off").json()["count"] == 1
    assert personas["pm"].api().get("/api/v1/time-off").json()["count"] == 2
    assert personas["pm"].api().get("/api/v1/time-off?status=requested").json()["count"] == 2
    finance_id = TimeOff.objects.get(person=personas["finance"].person).id
    assert personas["member"].api().get(f"/api/v1/time-off/{finance_id}").status_code == 404
    assert personas["client_a"].api().get("/api/v1/time-off").status_code == 403
    assert personas["client_a"].api().get(f"/api/v1/time-off/{finance_id}").status_code == 404
    assert personas["outsider"].api().get(f"/api/v1/time-off/{finance_id}").status_code == 404


def test_requester_edits_only_while_requested(personas):
    t = request_off(personas, "member").json()
    url = f"/api/v1/time-off/{t['id']}"
    ok = patch(personas["member"].api(), url, {"kind": "personal"}, **{"If-Match": "1"})
    assert ok.status_code == 200 and ok.json()["kind"] == "personal"
    post(personas["pm"].api(), f"{url}/approve", {})
    version = TimeOff.objects.get(pk=t["id"]).version
    assert patch(personas["member"].api(), url, {"kind": "sick"}, **{"If-Match": str(version)}).status_code == 403
    assert personas["member"].api().delete(url).status_code == 403
    assert personas["pm"].api().delete(url).status_code == 204


def test_time_off_validation(personas):
    r = request_off(personas, "owner", start_date="2030-03-10", end_date="2030-03-01", kind="holiday")
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"kind"}
    r = request_off(personas, "owner", start_date="2030-03-10", end_date="2030-03-01")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "end_date"
    r = request_off(personas, "owner", minutes_per_day=0)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "minutes_per_day"
    assert TimeOff.objects.count() == 0


def test_import_ics(personas):
    member = personas["member"]
    r = post(member.api(), "/api/v1/time-off/import", {"ics": ICS.decode()})
    assert r.status_code == 201, r.content
    created = r.json()["created"]
    assert [(t["start_date"], t["end_date"], t["minutes_per_day"], t["kind"], t["status"]) for t in created] == [
        ("2030-07-08", "2030-07-12", None, "vacation", "requested"),
        ("2030-07-15", "2030-07-15", 120, "personal", "requested"),
        ("2030-07-16", "2030-07-16", None, "sick", "requested"),
    ]
    again = post(member.api(), "/api/v1/time-off/import", {"ics": ICS.decode()})
    assert again.status_code == 201 and again.json() == {"created": [], "skipped": 3}
    broken = post(member.api(), "/api/v1/time-off/import", {"ics": "BEGIN:VCALENDAR\nnonsense"})
    assert broken.status_code == 422 and broken.json()["errors"][0]["field"] == "file"
    assert TimeOff.objects.count() == 3
    # An approver importing for someone records approved time off.
    r = post(
        personas["pm"].api(),
        "/api/v1/time-off/import",
        {"ics": ICS.decode().replace("trip-1", "trip-2"), "person_id": personas["finance"].person.id},
    )
    assert [t["status"] for t in r.json()["created"]] == ["approved", "approved", "approved"]


def test_calendar_feed_parses_back(personas, make_person, project):
    member = personas["member"]
    post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": member.person.id,
            "project_id": project.id,
            "start_date": str(date.today()),
            "end_date": str(date.today() + timedelta(days=4)),
            "minutes_per_day": 240,
            "tentative": True,
        },
    )
    post(
        member.api(),
        "/api/v1/time-off",
        {
            "start_date": str(date.today() + timedelta(days=10)),
            "end_date": str(date.today() + timedelta(days=11)),
            "kind": "vacation",
        },
    )
    # Made directly: only the task's assignee and due date matter to the feed.
    Task.objects.create(
        workspace=personas.workspace,
        project=project,
        title="Ship the homepage",
        assignee=member.person,
        due_date=date.today() + timedelta(days=3),
    )
    feed = member.api().get(f"/api/v1/people/{member.person.id}/calendar-feed")
    assert feed.status_code == 200
    url = feed.json()["url"]
    assert personas["finance"].api().get(f"/api/v1/people/{member.person.id}/calendar-feed").status_code == 403
    assert personas["owner"].api().get(f"/api/v1/people/{member.person.id}/calendar-feed").json()["url"] == url

    response = HttpClient().get(url)  # no login: the secret is in the URL
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    booking = events["Client A website (Client A) [tentative]"]
    assert booking["dtstart"].dt == date.today()
    assert booking["dtend"].dt == date.today() + timedelta(days=5)  # exclusive end
    assert str(booking["status"]) == "TENTATIVE"
    assert "Vacation [requested]" in events
    assert events["Due: Ship the homepage"]["dtstart"].dt == date.today() + timedelta(days=3)

    assert HttpClient().get(url.replace(url[-10:-4], "000000")).status_code == 404
    reset = post(member.api(), f"/api/v1/people/{member.person.id}/calendar-feed/reset", {})
    assert reset.status_code == 200 and reset.json()["url"] != url
    assert HttpClient().get(url).status_code == 404
    assert HttpClient().get(reset.json()["url"]).status_code == 200
