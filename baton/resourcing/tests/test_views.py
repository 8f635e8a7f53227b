"""The schedule and its pages through the browser's HTTP: heatmap, htmx forms, staffing accept, access, and a query
count that stays flat as people grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from baton.delivery import services as delivery
from baton.resourcing import services
from baton.resourcing.models import Booking, TimeOff
from baton.resourcing.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db
FRIDAY = MONDAY + timedelta(days=4)
SCHEDULE = f"/schedule/?start={MONDAY}"


def browser(persona):
    client = HttpClient()
    client.force_login(persona.person.membership.user)
    return client


def book(personas, person, project, minutes=240, **extra):
    return services.booking_create(
        actor=personas["pm"].actor,
        person_id=person.id if person else None,
        project_id=project.id,
        start_date=extra.pop("start_date", MONDAY),
        end_date=extra.pop("end_date", FRIDAY),
        minutes_per_day=minutes,
        **extra,
    )


def test_schedule_shows_heatmap_bars_and_overbooking(personas, make_person, project, project_b):
    ann = make_person("Ann")
    book(personas, ann, project, 360)
    book(personas, ann, project_b, 240, end_date=MONDAY)
    book(personas, None, project, 240, skill="react")
    page = browser(personas["pm"]).get(SCHEDULE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="cell over"' in html  # Monday: 600 of 480
    assert 'class="cell load-4"' in html  # Tuesday to Friday: 360 of 480 = 75%
    assert 'class="cell off"' in html  # the weekend
    assert "Client A website · 6h/d" in html and "Client B campaign" in html
    assert 'class="bar placeholder' in html and "Unstaffed" in html
    assert "Book someone" in html
    assert "style=" not in html  # CSP: no inline styles


def test_schedule_filters_and_weeks(personas, make_person, project, project_b):
    ann = make_person("Ann", skills=["react"])
    bob = make_person("Bob", skills=["figma"], title="Art director")
    book(personas, ann, project)
    book(personas, bob, project_b)
    client = browser(personas["pm"])
    # The project filter lists the projects booked in the range (any other would draw nobody), and the chosen one.
    unbooked = delivery.project_create(
        actor=personas["owner"].actor, client_id=personas.client_a.id, name="Nothing booked", status="active"
    )
    page = client.get(SCHEDULE).content.decode()
    assert f'<option value="{project.id}"' in page and f'<option value="{project_b.id}"' in page
    assert f'<option value="{unbooked.id}"' not in page
    later = client.get(f"/schedule/?start={MONDAY + timedelta(weeks=8)}").content.decode()
    assert f'<option value="{project.id}"' not in later
    assert f'<option value="{unbooked.id}"' in client.get(f"{SCHEDULE}&project={unbooked.id}").content.decode()
    assert "Bob" not in client.get(f"{SCHEDULE}&skill=react").content.decode().split("<tbody", 1)[1]
    html = client.get(f"{SCHEDULE}&role=art").content.decode()
    assert ">Bob<" in html and ">Ann<" not in html
    html = client.get(f"{SCHEDULE}&project={project.id}").content.decode()
    assert ">Ann<" in html and ">Bob<" not in html
    weeks = client.get(f"{SCHEDULE}&scale=weeks")
    assert weeks.status_code == 200 and "scale-weeks" in weeks.content.decode()
    partial = client.get(f"{SCHEDULE}&partial=1", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and 'id="schedule"' in partial.content.decode()


def test_query_count_stays_flat_as_people_grow(personas, make_person, project, project_b):
    client = browser(personas["pm"])

    def add_people(n, offset):
        for i in range(n):
            person = make_person(f"Crowd {offset + i}", skills=["react"])
            book(personas, person, project if i % 2 else project_b, 300)
            book(personas, person, project, 300, start_date=FRIDAY, end_date=FRIDAY + timedelta(days=3))
            TimeOff.objects.create(
                workspace=personas.workspace,
                person=person,
                start_date=MONDAY + timedelta(days=8),
                end_date=MONDAY + timedelta(days=9),
                status="approved",
            )
        book(personas, None, project, 120, role="Developer")

    add_people(2, 0)
    client.get(SCHEDULE)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(SCHEDULE).status_code == 200
    add_people(12, 100)
    with CaptureQueriesContext(connection) as many:
        response = client.get(SCHEDULE)
    assert response.content.decode().count('class="person') >= 14
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 16


def test_schedule_draws_one_page_of_people_and_the_download_everyone(personas, make_person, project, monkeypatch):
    """A large team's schedule draws `PEOPLE_PER_PAGE` people at a time (its time must not grow with the team): the
    header says which of how many, the pager walks the pages keeping the range and filters, and a download still
    holds everyone."""
    from baton.resourcing.selectors import grid as grid_module

    monkeypatch.setattr(grid_module, "PEOPLE_PER_PAGE", 3)
    for i in range(7):
        make_person(f"Crowd {i:02d}", skills=["react"])
    everyone = grid_module.schedule_people_rows(actor=personas["pm"].actor)
    last_one = everyone[-1]
    book(personas, last_one, project, 600)  # overbooked, on the last page
    book(personas, everyone[0], project, 60)  # on the first page
    client = browser(personas["pm"])
    staff = len(everyone)
    pages = -(-staff // 3)
    first = client.get(f"{SCHEDULE}&scale=weeks").content.decode()
    assert first.count('class="person') == 3
    assert f"people 1\u20133 of {staff}" in first and f"Page 1 of {pages}" in first
    assert "Next people" in first and "Previous people" not in first
    assert "page=2" in first and f"start={MONDAY}" in first
    last = client.get(f"{SCHEDULE}&scale=weeks&page={pages}").content.decode()
    assert f">{last_one.name}<" in last and "1 overbooked on this page" in last and "Next people" not in last
    assert f"people {3 * (pages - 1) + 1}\u2013{staff} of {staff}" in last
    assert client.get(f"{SCHEDULE}&page=999").content.decode().count(f"Page {pages} of {pages}") == 2  # clamped
    # Filters count before the pages: the react people only (seven), and the project's (two).
    react = client.get(f"{SCHEDULE}&skill=react").content.decode()
    assert "people 1\u20133 of 7" in react
    booked = client.get(f"{SCHEDULE}&project={project.id}").content.decode()
    assert booked.count('class="person') == 2 and "Pages of people" not in booked
    download = client.get(f"{SCHEDULE}&format=csv").content.decode()  # the bookings of every page
    assert everyone[0].name in download and last_one.name in download


def test_book_someone_with_the_htmx_form(personas, make_person, project, project_b):
    ann = make_person("Ann")
    book(personas, ann, project_b, 360)
    client = browser(personas["pm"])
    form = client.get("/schedule/bookings/new/", headers={"HX-Request": "true"})
    assert form.status_code == 200 and 'id="booking-form"' in form.content.decode()
    bad = client.post(
        "/schedule/bookings/new/",
        {"project_id": project.id, "start_date": str(FRIDAY), "end_date": str(MONDAY), "minutes_per_day": 240},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 200 and "id_person_id_error" in bad.content.decode()  # placeholder needs role/skill
    assert Booking.objects.count() == 1
    ok = client.post(
        "/schedule/bookings/new/",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 240,
            "next": SCHEDULE,
        },
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 204 and ok["HX-Redirect"] == SCHEDULE
    page = client.get(SCHEDULE).content.decode()
    assert "overbooked on 5 days" in page  # the warning arrives as a message
    assert 'class="cell over"' in page


def test_booking_panel_move_split_and_refusal(personas, make_person, project, project_b):
    ann, bob = make_person("Ann"), make_person("Bob")
    booking = book(personas, ann, project)
    client = browser(personas["pm"])
    panel = client.get(f"/schedule/bookings/{booking.id}/", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and 'id="move-form"' in panel.content.decode()
    moved = client.post(
        f"/schedule/bookings/{booking.id}/move/",
        {"move-start_date": str(MONDAY + timedelta(days=7)), "move-person_id": bob.id, "move-version": 1},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 204
    booking.refresh_from_db()
    assert (booking.person_id, booking.start_date) == (bob.id, MONDAY + timedelta(days=7))
    split = client.post(f"/schedule/bookings/{booking.id}/split/", {"split-date": str(MONDAY + timedelta(days=9))})
    assert split.status_code == 302
    assert Booking.objects.filter(person=bob).count() == 2
    services.settings_update(actor=personas["owner"].actor, version=None, overbooking_mode="refuse")
    book(personas, ann, project_b, 480, start_date=MONDAY + timedelta(days=7), end_date=FRIDAY + timedelta(days=7))
    refused = client.post(
        f"/schedule/bookings/{booking.id}/move/",
        {"move-person_id": ann.id, "move-start_date": str(MONDAY + timedelta(days=7))},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200 and "would be overbooked" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.person_id == bob.id


def test_staffing_page_accepts_a_suggestion(personas, make_person, project):
    ann = make_person("Ann", skills=["react"])
    holder = book(personas, None, project, 240, skill="react")
    client = browser(personas["pm"])
    page = client.get("/schedule/staffing/").content.decode()
    assert "Accept" in page and "Ann" in page
    accepted = client.post(f"/schedule/bookings/{holder.id}/staff/", {"person_id": ann.id, "version": holder.version})
    assert accepted.status_code == 302
    holder.refresh_from_db()
    assert holder.person_id == ann.id


def test_other_pages_render(personas, make_person, project):
    make_person("Ann", skills=["react"])
    client = browser(personas["owner"])
    for url in (
        "/schedule/time-off/",
        "/schedule/find/",
        f"/schedule/find/?skill=react&start={MONDAY}&end={FRIDAY}",
        "/schedule/utilization/",
        "/schedule/settings/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "style=" not in response.content.decode()
    saved = client.post(
        "/schedule/settings/",
        {
            "form": "settings",
            "holiday_country": "US",
            "overbooking_mode": "warn",
            "utilization_target_pct": 80,
            "billable_target_pct": 70,
        },
    )
    assert saved.status_code == 302
    assert "Thanksgiving" in client.get("/schedule/settings/").content.decode()
    bad = client.post(
        "/schedule/settings/",
        {
            "form": "settings",
            "holiday_country": "XX",
            "overbooking_mode": "warn",
            "utilization_target_pct": 80,
            "billable_target_pct": 70,
            "version": 2,
        },
    )
    assert bad.status_code == 400 and "supported ISO 3166" in bad.content.decode()


def test_member_requests_time_off_in_the_page(personas):
    client = browser(personas["member"])
    r = client.post("/schedule/time-off/", {"start_date": str(MONDAY), "end_date": str(FRIDAY), "kind": "vacation"})
    assert r.status_code == 302
    assert TimeOff.objects.get(person=personas["member"].person).status == "requested"
    page = client.get("/schedule/time-off/").content.decode()
    assert "Request time off" in page and "/schedule/calendar/" in page


def test_access_on_pages(personas, make_person, project):
    booking = book(personas, make_person("Ann"), project)
    member = browser(personas["member"])
    html = member.get(SCHEDULE).content.decode()
    assert "Ann" in html and "Book someone" not in html
    assert member.post(f"/schedule/bookings/{booking.id}/delete/").status_code == 403
    assert member.get("/schedule/bookings/new/").status_code == 403
    portal = browser(personas["client_a"])
    assert portal.get(SCHEDULE).status_code == 403
    assert portal.get(f"/schedule/bookings/{booking.id}/").status_code == 404
    assert browser(personas["outsider"]).get(f"/schedule/bookings/{booking.id}/").status_code == 404
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_home_shows_the_schedule_block(personas, make_person, project, project_b):
    from datetime import date

    monday = date.today() - timedelta(days=date.today().weekday())
    week = (date.today(), date.today() + timedelta(days=6))  # a whole week from today: working days, whatever today
    ann = make_person("Ann")
    for p in (project, project_b):
        book(personas, ann, p, 300, start_date=week[0], end_date=week[1])
    book(personas, personas["member"].person, project, 120, start_date=monday, end_date=monday + timedelta(days=4))
    book(personas, None, project, 120, skill="react", start_date=monday, end_date=monday + timedelta(days=4))
    ops = browser(personas["admin"]).get("/")  # the operations home: who is overbooked in the next two weeks
    over = ops.context["figures"]["overbooked"]
    assert [r["person_id"] for r in over] == [ann.id] and over[0]["over_minutes"] == 120 * over[0]["days"]
    assert "Ann" in ops.content.decode() and "over capacity" in ops.content.decode()
    member_home = browser(personas["member"]).get("/").content.decode()  # its own day: no agency's schedule
    assert "people overbooked" not in member_home and "unstaffed placeholders" not in member_home
    assert "Schedule," not in browser(personas["client_a"]).get("/").content.decode()
