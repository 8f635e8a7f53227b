"""Bookings through the API: create (minutes a day or total), warnings vs refusal on overbooking, validation,
versions, move / resize / split / staff / delete, and the events each change leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from baton.core import formats
from baton.core.models import Event
from baton.resourcing.models import Booking
from baton.resourcing.tests.conftest import MONDAY, patch, post

pytestmark = pytest.mark.django_db

FRIDAY = MONDAY + timedelta(days=4)


def book(personas, body, who="pm"):
    return post(personas[who].api(), "/api/v1/bookings", body)


def body(person, project, **extra):
    return {
        "person_id": person.id if person else None,
        "project_id": project.id,
        "start_date": str(MONDAY),
        "end_date": str(FRIDAY),
        "minutes_per_day": 240,
    } | extra


def test_create_and_read_a_booking(personas, make_person, project):
    ann = make_person("Ann")
    response = book(personas, body(ann, project, tentative=True))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (
        data
        | {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 240,
            "tentative": True,
            "placeholder": False,
            "version": 1,
        }
        == data
    )
    assert data["warnings"] == [] and data["client_id"] == personas.client_a.id
    assert {"id", "created_at", "updated_at", "version"} <= set(data)
    event = Event.objects.get(verb="booking.created", target_id=data["id"])
    assert event.target_type == "booking" and event.client_id == personas.client_a.id
    assert personas["member"].api().get(f"/api/v1/bookings/{data['id']}").json()["person_name"] == "Ann"
    listing = personas["member"].api().get(f"/api/v1/bookings?person_id={ann.id}&tentative=true").json()
    assert listing["count"] == 1
    assert personas["member"].api().get(f"/api/v1/bookings?from={FRIDAY + timedelta(days=1)}").json()["count"] == 0


def test_total_minutes_are_spread_over_working_days(personas, make_person, project):
    ann = make_person("Ann")
    part = make_person("Pat", weekly=1440, days=[1, 2, 3])
    # Monday to the next Sunday: five working days for Ann, three for Pat.
    sunday = MONDAY + timedelta(days=6)
    r = book(personas, body(ann, project, minutes_per_day=None, total_minutes=1200, end_date=str(sunday)))
    assert r.status_code == 201 and r.json()["minutes_per_day"] == 240 and r.json()["warnings"] == []
    r = book(personas, body(part, project, minutes_per_day=None, total_minutes=1000, end_date=str(sunday)))
    assert r.status_code == 201
    assert r.json()["minutes_per_day"] == 334  # rounded up, and said so
    assert "16 h 42 min in all, rounded up" in r.json()["warnings"][0]  # 3 x 334 minutes


def test_overbooking_is_accepted_with_warnings_by_default(personas, make_person, project, project_b):
    ann = make_person("Ann")
    assert book(personas, body(ann, project, minutes_per_day=360)).json()["warnings"] == []
    r = book(personas, body(ann, project_b, minutes_per_day=240, end_date=str(MONDAY + timedelta(days=1))))
    assert r.status_code == 201
    data = r.json()
    assert len(data["warnings"]) == 1 and "overbooked on 2 days" in data["warnings"][0]
    assert [d["date"] for d in data["overbooked_days"]] == [str(MONDAY), str(MONDAY + timedelta(days=1))]
    assert data["overbooked_days"][0] == {
        "date": str(MONDAY),
        "capacity_minutes": 480,
        "booked_minutes": 600,
        "over_minutes": 120,
    }
    assert Event.objects.get(verb="booking.created", target_id=data["id"]).data["overbooked_days"] == [
        str(MONDAY),
        str(MONDAY + timedelta(days=1)),
    ]


def test_refuse_mode_answers_409_naming_the_days_and_saves_nothing(personas, make_person, project, project_b):
    owner = personas["owner"].api()
    assert patch(owner, "/api/v1/resourcing/settings", {"overbooking_mode": "refuse"}).status_code == 200
    ann = make_person("Ann")
    first = book(personas, body(ann, project, minutes_per_day=360))
    assert first.status_code == 201
    before = (Booking.objects.count(), Event.objects.count())
    r = book(personas, body(ann, project_b, minutes_per_day=240, start_date=str(FRIDAY)))
    assert r.status_code == 409
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["title"] == "Overbooked" and formats.day(FRIDAY) in problem["detail"]
    assert problem["overbooked_days"] == [
        {"date": str(FRIDAY), "capacity_minutes": 480, "booked_minutes": 600, "over_minutes": 120}
    ]
    assert problem["errors"][0]["message"].startswith(str(FRIDAY))
    assert (Booking.objects.count(), Event.objects.count()) == before
    # Within capacity is fine, and shrinking an existing booking is always allowed.
    assert book(personas, body(ann, project_b, minutes_per_day=120, start_date=str(FRIDAY))).status_code == 201
    grow = patch(
        personas["pm"].api(), f"/api/v1/bookings/{first.json()['id']}", {"minutes_per_day": 400}, **{"If-Match": "1"}
    )
    assert grow.status_code == 409
    assert Booking.objects.get(pk=first.json()["id"]).minutes_per_day == 360


def test_refuse_mode_allows_reducing_an_already_overbooked_day(personas, make_person, project, project_b):
    ann = make_person("Ann")
    a = book(personas, body(ann, project, minutes_per_day=400)).json()
    book(personas, body(ann, project_b, minutes_per_day=400))
    patch(personas["owner"].api(), "/api/v1/resourcing/settings", {"overbooking_mode": "refuse"})
    shrink = patch(
        personas["pm"].api(), f"/api/v1/bookings/{a['id']}", {"minutes_per_day": 200}, **{"If-Match": str(a["version"])}
    )
    assert shrink.status_code == 200, shrink.content


def test_bad_input_names_each_field_and_saves_nothing(personas, make_person, project, other_project):
    ann = make_person("Ann")
    before = Booking.objects.count()
    r = book(
        personas,
        {
            "person_id": 999999,
            "project_id": other_project.id,
            "start_date": str(FRIDAY),
            "end_date": str(MONDAY),
            "minutes_per_day": 240,
        },
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"person_id", "project_id", "end_date"}
    r = book(personas, body(ann, project, minutes_per_day=None))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "minutes_per_day"
    r = book(personas, body(ann, project, total_minutes=600))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "total_minutes"
    r = book(personas, body(ann, project, minutes_per_day=2000))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "minutes_per_day"
    r = book(personas, body(None, project))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "person_id"
    r = book(personas, body(ann, project, start_date="2030-02-30"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "start_date"
    assert Booking.objects.count() == before


def test_patch_needs_the_current_version(personas, make_person, project):
    ann = make_person("Ann")
    created = book(personas, body(ann, project)).json()
    pm = personas["pm"].api()
    url = f"/api/v1/bookings/{created['id']}"
    assert patch(pm, url, {"minutes_per_day": 300}).status_code == 428
    ok = patch(pm, url, {"minutes_per_day": 300}, **{"If-Match": "1"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = patch(pm, url, {"minutes_per_day": 360}, **{"If-Match": "1"})
    assert stale.status_code == 409
    assert Booking.objects.get(pk=created["id"]).minutes_per_day == 300
    assert Event.objects.get(verb="booking.updated", target_id=created["id"]).data["changes"] == {
        "minutes_per_day": [240, 300]
    }


def test_move_resize_split_and_delete(personas, make_person, project):
    ann, bob = make_person("Ann"), make_person("Bob")
    pm = personas["pm"].api()
    created = book(personas, body(ann, project)).json()
    url = f"/api/v1/bookings/{created['id']}"
    moved = post(pm, f"{url}/move", {"start_date": str(MONDAY + timedelta(days=7)), "person_id": bob.id})
    assert moved.status_code == 200, moved.content
    assert (
        moved.json()
        | {
            "start_date": str(MONDAY + timedelta(days=7)),
            "end_date": str(FRIDAY + timedelta(days=7)),
            "person_id": bob.id,
        }
        == moved.json()
    )
    event = Event.objects.get(verb="booking.moved", target_id=created["id"])
    assert event.data["from"]["person_id"] == ann.id and event.data["to"]["person_id"] == bob.id

    resized = post(pm, f"{url}/resize", {"end_date": str(FRIDAY + timedelta(days=14))})
    assert resized.status_code == 200 and resized.json()["end_date"] == str(FRIDAY + timedelta(days=14))
    bad = post(pm, f"{url}/resize", {"end_date": str(MONDAY)})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end_date"

    split = post(pm, f"{url}/split", {"date": str(MONDAY + timedelta(days=14))})
    assert split.status_code == 200, split.content
    first, second = split.json()["first"], split.json()["second"]
    assert first["end_date"] == str(MONDAY + timedelta(days=13))
    assert (second["start_date"], second["end_date"]) == (
        str(MONDAY + timedelta(days=14)),
        str(FRIDAY + timedelta(days=14)),
    )
    assert Event.objects.filter(verb="booking.split", target_id=created["id"]).exists()
    outside = post(pm, f"{url}/split", {"date": str(MONDAY)})
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "date"

    assert pm.delete(url).status_code == 204
    assert not Booking.objects.filter(pk=created["id"]).exists()
    assert Event.objects.filter(verb="booking.deleted", target_id=created["id"]).exists()


def test_placeholder_and_staffing(personas, make_person, project):
    ann = make_person("Ann", skills=["React"])
    r = book(personas, body(None, project, role="Developer", skill="react"))
    assert r.status_code == 201 and r.json()["placeholder"] is True and r.json()["person_id"] is None
    pid = r.json()["id"]
    assert personas["pm"].api().get("/api/v1/bookings?placeholder=true").json()["count"] == 1
    staffed = post(personas["pm"].api(), f"/api/v1/bookings/{pid}/staff", {"person_id": ann.id})
    assert staffed.status_code == 200 and staffed.json()["person_id"] == ann.id
    assert Event.objects.filter(verb="booking.staffed", target_id=pid).exists()
    again = post(personas["pm"].api(), f"/api/v1/bookings/{pid}/staff", {"person_id": ann.id})
    assert again.status_code == 409


def test_who_may_book(personas, make_person, project, other_project):
    ann = make_person("Ann")
    for who in ("finance", "am", "member"):
        assert book(personas, body(ann, project), who=who).status_code == 403
    assert book(personas, body(ann, project), who="client_a").status_code == 403
    created = book(personas, body(ann, project), who="admin").json()
    assert personas["client_a"].api().get(f"/api/v1/bookings/{created['id']}").status_code == 404
    assert personas["client_a"].api().get("/api/v1/bookings").status_code == 403
    assert personas["outsider"].api().get(f"/api/v1/bookings/{created['id']}").status_code == 404
    assert personas["outsider"].api().delete(f"/api/v1/bookings/{created['id']}").status_code == 404
    # Another workspace's project or person is an unknown id.
    r = book(personas, body(ann, other_project))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "project_id"
    r = book(personas, body(personas["outsider"].person, project))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "person_id"


def test_idempotent_create(personas, make_person, project):
    ann = make_person("Ann")
    api = personas["pm"].api()
    first = api.post(
        "/api/v1/bookings", body(ann, project), content_type="application/json", headers={"Idempotency-Key": "k1"}
    )
    again = api.post(
        "/api/v1/bookings", body(ann, project), content_type="application/json", headers={"Idempotency-Key": "k1"}
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Booking.objects.count() == 1
