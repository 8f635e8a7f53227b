"""SQLite: logging time reads its checks before taking the write lock and holds the lock only for the writes, which
re-read the day's total and the week's lock first (`timesheets.services.entries`, "Time-entry create path").

Transactional tests: the service runs outside any transaction here, as in a request (a test's wrapping transaction
would send it down the other path)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from baton.core.errors import Conflict
from baton.devdata.testing.finance import make_project
from baton.timesheets.models import TimeEntry, Timesheet, TimesheetStatus
from baton.timesheets.services import entries

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock"),
]
DAY = date(2026, 3, 3)  # a Tuesday; its week starts on Monday 2 March


def _log(personas, project, minutes=30):
    return entries.time_entry_create(
        actor=personas["member"].actor, project_id=project.pk, date=DAY, minutes=minutes, actor_read_now=True
    )


def test_the_checks_read_before_the_write_lock_and_the_writes_hold_it(personas, monkeypatch):
    project = make_project(personas)
    seen: dict[str, bool] = {}
    read, recheck = entries._project, entries._recheck_day

    def project_read(*args, **kwargs):
        seen["project read in a transaction"] = transaction.get_connection().in_atomic_block
        return read(*args, **kwargs)

    def day_recheck(*args, **kwargs):
        seen["re-check in a transaction"] = transaction.get_connection().in_atomic_block
        return recheck(*args, **kwargs)

    entries.time_entry_create(  # the project's first entry freezes its scope baseline: not counted
        actor=personas["member"].actor, project_id=project.pk, date=date(2026, 3, 2), minutes=10
    )
    monkeypatch.setattr(entries, "_project", project_read)
    monkeypatch.setattr(entries, "_recheck_day", day_recheck)
    with CaptureQueriesContext(connection) as queries:
        entry = _log(personas, project)
    assert seen == {"project read in a transaction": False, "re-check in a transaction": True}
    assert TimeEntry.objects.get(pk=entry.pk).minutes == 30
    statements = [q["sql"] for q in queries.captured_queries]
    recheck_at = next(i for i, sql in enumerate(statements) if "COALESCE(SUM(minutes), 0)" in sql)
    insert_at = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "timesheets_timeentry"'))
    assert recheck_at < insert_at  # the re-check comes first under the lock, then the writes
    # Before the lock: the project (with the day's total and the week's lock), the rates. Under it: BEGIN IMMEDIATE,
    # the re-check, the insert, the rollup upsert, the event, the budget's spend (time rollup, expenses), COMMIT. After
    # the commit: the one "anything listening?" statement. A new statement here fails this test: see BENCHMARKS.md.
    assert len(statements) == 11, statements
    assert statements.index("BEGIN IMMEDIATE") == 2


def test_a_day_filled_between_the_checks_and_the_lock_is_refused(personas, monkeypatch):
    project = make_project(personas)
    checked = entries._checked_entry

    def concurrent_writer(*args, **kwargs):
        found = checked(*args, **kwargs)  # the checks saw an empty day ...
        monkeypatch.setattr(entries, "_checked_entry", checked)
        entries.time_entry_create(  # ... then another request logged 23 hours and committed
            actor=personas["member"].actor, project_id=project.pk, date=DAY, minutes=23 * 60
        )
        return found

    monkeypatch.setattr(entries, "_checked_entry", concurrent_writer)
    with pytest.raises(ValidationError) as refused:
        entries.time_entry_create(actor=personas["member"].actor, project_id=project.pk, date=DAY, minutes=90)
    assert "a day has 24 hours" in str(refused.value)
    assert sorted(TimeEntry.objects.filter(date=DAY).values_list("minutes", flat=True)) == [23 * 60]


def test_a_week_locked_between_the_checks_and_the_lock_is_refused(personas, monkeypatch):
    project = make_project(personas)
    checked = entries._checked_entry
    person = personas["member"].person

    def concurrent_submit(*args, **kwargs):
        found = checked(*args, **kwargs)
        Timesheet.objects.create(
            workspace=personas.workspace, person=person, week_start=date(2026, 3, 2), status=TimesheetStatus.SUBMITTED
        )
        return found

    monkeypatch.setattr(entries, "_checked_entry", concurrent_submit)
    with pytest.raises(Conflict, match="submitted for approval"):
        _log(personas, project)
    assert not TimeEntry.objects.filter(date=DAY).exists()


def test_without_a_race_the_create_logs_and_its_checks_still_refuse(personas):
    project = make_project(personas)
    _log(personas, project, minutes=22 * 60)
    with pytest.raises(ValidationError, match="a day has 24 hours"):
        _log(personas, project, minutes=3 * 60)
    assert TimeEntry.objects.filter(date=DAY).count() == 1
