"""Missing time: the report (page and API) and the reminder sweep (resourcing/missing_time.py).

The clock is frozen in March 2030 (after the personas joined, whatever the real clock): Monday 4 March starts
"last week" seen from Wednesday 13 March."""

from __future__ import annotations

import datetime as dt
import json
from datetime import date

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.automation.models import Notification
from baton.core.models import Event
from baton.core.sweeps import run_sweep
from baton.delivery.services import project_create
from baton.devdata.testing.personas import PASSWORD
from baton.resourcing import missing_time
from baton.resourcing.services import settings_update
from baton.resourcing.services.time_off import time_off_request
from baton.timesheets.services import time_entry_create

UTC = dt.UTC
WEDNESDAY = dt.datetime(2030, 3, 13, 10, 0, tzinfo=UTC)


PROJECT: dict[str, int] = {}


def _log(persona, day: date, minutes: int) -> None:
    time_entry_create(actor=persona.actor, project_id=PROJECT["id"], date=day, minutes=minutes)


def _switch_on(personas, threshold: int = 80) -> None:
    settings_update(
        actor=personas["owner"].actor,
        version=None,
        missing_time_reminders=True,
        missing_time_threshold_pct=threshold,
    )


@pytest.fixture
def logged(personas):
    with time_machine.travel(WEDNESDAY, tick=False):
        project = project_create(
            actor=personas["owner"].actor, client_id=personas.client_a.pk, name="Site", status="active"
        )
        PROJECT["id"] = project.pk
        _log(personas["member"], date(2030, 3, 4), 480)  # Monday: a full day
        _log(personas["member"], date(2030, 3, 5), 240)  # Tuesday: half
        for day in range(4, 9):  # the PM logs the whole week
            _log(personas["pm"], date(2030, 3, day), 480)
    return personas


@time_machine.travel(WEDNESDAY, tick=False)
def test_report_last_week_per_person(logged):
    answer = logged["pm"].api().get("/api/v1/reports/missing-time")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["from"] == "2030-03-04" and body["to"] == "2030-03-10" and body["threshold_pct"] == 80
    rows = {r["name"]: r for r in body["rows"]}
    member = rows["Member Persona"]
    assert member["capacity_minutes"] == 2400 and member["logged_minutes"] == 720
    assert member["missing_minutes"] == 1680 and member["days_below_threshold"] == 4 and member["below_threshold"]
    pm = rows["Pm Persona"]
    assert pm["missing_minutes"] == 0 and pm["days_below_threshold"] == 0 and not pm["below_threshold"]
    assert body["rows"][-1]["name"] == "Pm Persona"  # the most missing first
    assert "Portal User A" not in rows


@time_machine.travel(WEDNESDAY, tick=False)
def test_report_this_week_measures_to_yesterday(logged):
    _log(logged["member"], date(2030, 3, 11), 480)
    _log(logged["member"], date(2030, 3, 13), 480)  # today: not measured yet
    body = logged["owner"].api().get("/api/v1/reports/missing-time?from=2030-03-11&to=2030-03-17").json()
    member = next(r for r in body["rows"] if r["name"] == "Member Persona")
    assert body["measured_to"] == "2030-03-12"
    assert member["capacity_minutes"] == 960 and member["logged_minutes"] == 480 and member["missing_minutes"] == 480


@time_machine.travel(WEDNESDAY, tick=False)
def test_who_sees_whom(logged):
    own = logged["member"].api().get("/api/v1/reports/missing-time").json()
    assert [r["name"] for r in own["rows"]] == ["Member Persona"]
    assert [r["name"] for r in logged["am"].api().get("/api/v1/reports/missing-time").json()["rows"]] == ["Am Persona"]
    assert len(logged["admin"].api().get("/api/v1/reports/missing-time").json()["rows"]) >= 6
    assert logged["client_a"].api().get("/api/v1/reports/missing-time").status_code == 403
    outsider = logged["outsider"].api().get("/api/v1/reports/missing-time").json()
    assert "Member Persona" not in {r["name"] for r in outsider["rows"]}
    bad = logged["owner"].api().get("/api/v1/reports/missing-time?from=2030-03-10&to=2030-03-04")
    assert bad.status_code == 422


@time_machine.travel(WEDNESDAY, tick=False)
def test_page_and_download(logged):
    browser = HttpClient()
    assert browser.login(email=logged["pm"].email, password=PASSWORD)
    page = browser.get("/schedule/missing-time/")
    assert page.status_code == 200
    assert b"Member Persona" in page.content and b"28:00" in page.content  # 1,680 minutes missing
    assert browser.get("/schedule/missing-time/?period=this").status_code == 200
    csv = browser.get("/schedule/missing-time/?format=csv")
    assert csv.status_code == 200 and "Member Persona" in csv.content.decode("utf-8-sig")


def _reminders(personas, at: dt.datetime) -> int:
    return run_sweep(missing_time.SWEEP, now=at, workspaces=[personas.workspace])[personas.workspace.pk]


def test_sweep_reminds_the_next_working_morning_once(logged, django_capture_on_commit_callbacks):
    _switch_on(logged)
    thursday = dt.datetime(2030, 3, 14, 7, 30, tzinfo=UTC)
    with time_machine.travel(thursday, tick=False):
        assert _reminders(logged, thursday) == 0  # before 09:00
    later = thursday.replace(hour=9, minute=30)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert _reminders(logged, later) >= 1
        assert _reminders(logged, later) == 0  # once per person and day
    member = logged["member"].person
    event = Event.objects.get(verb=missing_time.VERB, target_id=member.pk, workspace=logged.workspace)
    assert event.data["date"] == "2030-03-13" and event.data["missing_minutes"] == 480 and event.data["day_below"]
    note = Notification.objects.get(recipient=member, source="missing_time")
    assert "Missing time" in note.title and "?week=2030-03-13" in note.url


def test_sweep_on_monday_checks_friday_and_the_week(logged):
    _switch_on(logged)
    with time_machine.travel(WEDNESDAY, tick=False):
        for day in range(11, 16):
            _log(logged["member"], date(2030, 3, day), 480 if day < 15 else 420)  # Friday 7 h: above 80 %
    monday = dt.datetime(2030, 3, 18, 9, 5, tzinfo=UTC)
    with time_machine.travel(monday, tick=False):
        _reminders(logged, monday)
    member = logged["member"].person
    assert not Event.objects.filter(verb=missing_time.VERB, target_id=member.pk).exists()  # day and week fine
    owner = logged["owner"].person
    event = Event.objects.get(verb=missing_time.VERB, target_id=owner.pk, workspace=logged.workspace)
    assert event.data["date"] == "2030-03-15" and event.data["week_start"] == "2030-03-11"
    assert event.data["week_capacity_minutes"] == 2400 and event.data["week_below"]


def test_sweep_skips_weekends_time_off_and_a_switched_off_workspace(logged):
    saturday = dt.datetime(2030, 3, 16, 10, 0, tzinfo=UTC)
    thursday = dt.datetime(2030, 3, 14, 10, 0, tzinfo=UTC)
    with time_machine.travel(thursday, tick=False):
        assert _reminders(logged, thursday) == 0  # reminders are off by default
    _switch_on(logged)
    with time_machine.travel(saturday, tick=False):
        assert _reminders(logged, saturday) == 0
    with time_machine.travel(WEDNESDAY, tick=False):
        time_off_request(
            actor=logged["owner"].actor,
            person_id=logged["member"].person.pk,
            start_date=date(2030, 3, 14),
            end_date=date(2030, 3, 14),
        )
    with time_machine.travel(thursday, tick=False):
        _reminders(logged, thursday)
    assert not Event.objects.filter(verb=missing_time.VERB, target_id=logged["member"].person.pk).exists()
    assert Event.objects.filter(verb=missing_time.VERB, target_id=logged["admin"].person.pk).exists()


def test_settings_switch_and_threshold_over_the_api(personas):
    owner = personas["owner"].api()

    def patch(body):
        return owner.patch("/api/v1/resourcing/settings", json.dumps(body), content_type="application/json")

    assert patch({"missing_time_threshold_pct": 0}).status_code == 422
    answer = patch({"missing_time_reminders": True, "missing_time_threshold_pct": 75})
    assert answer.status_code == 200, answer.content
    assert answer.json()["missing_time_reminders"] is True and answer.json()["missing_time_threshold_pct"] == 75
