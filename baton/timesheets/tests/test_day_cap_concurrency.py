"""A day holds at most 24 hours even when entries for one person and day arrive at the same moment: logging and
changing time hold a lock on (person, day) while they read the day's total (PostgreSQL's advisory lock; SQLite runs
one writer at a time). Real threads, each with its own connection, on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Sum

from baton.devdata.testing.concurrency import run_together, shared_database
from baton.devdata.testing.finance import log, make_project
from baton.devdata.testing.personas import make_personas
from baton.timesheets.models import MINUTES_PER_DAY, TimeEntry

pytestmark = pytest.mark.django_db(transaction=True)
DAY = date(2026, 3, 2)
JSON = "application/json"


def day_total(person_id: int) -> int:
    return int(TimeEntry.objects.filter(person_id=person_id, date=DAY).aggregate(m=Sum("minutes"))["m"] or 0)


def test_concurrent_entries_never_pass_24_hours(tmp_path):
    with shared_database(tmp_path):
        personas = make_personas()
        project = make_project(personas)
        member = personas["member"]

        def post(_: int) -> int:
            body = {"project_id": project.id, "date": DAY.isoformat(), "minutes": 100}
            return member.api().post("/api/v1/time-entries", body, content_type=JSON).status_code

        statuses = run_together(post, 16)
        assert sorted(statuses) == [201] * 14 + [422] * 2, statuses
        assert day_total(member.person.id) == 1400 <= MINUTES_PER_DAY


def test_concurrent_changes_never_pass_24_hours(tmp_path):
    with shared_database(tmp_path):
        personas = make_personas()
        project = make_project(personas)
        member = personas["member"]
        entries = [log(personas, "member", project, 150, DAY) for _ in range(8)]  # 1,200 minutes

        def grow(i: int) -> int:  # each change adds 50 minutes: only 4 of them fit in the day
            url = f"/api/v1/time-entries/{entries[i].id}"
            return member.api().patch(url, {"minutes": 200}, content_type=JSON, headers={"If-Match": "1"}).status_code

        statuses = run_together(grow, 8)
        assert sorted(statuses) == [200] * 4 + [422] * 4, statuses
        assert day_total(member.person.id) == 1400
