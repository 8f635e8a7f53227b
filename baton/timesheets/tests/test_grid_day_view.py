"""The grid's day view (one day's column at a time on a phone) and its "Add row" swap: the empty-week row is always
in the grid, so the row added can always hide it out of band (no htmx:oobErrorNoTarget; tests/e2e/test_homes_team.py
drives it in a browser)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.devdata.testing.finance import log, make_project
from baton.devdata.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def login(personas, who):
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    return client


def test_the_grid_starts_on_today_and_marks_each_days_column(personas):
    project = make_project(personas, "Alpha")
    with time_machine.travel(datetime(2026, 3, 5, 12, 0), tick=False):  # a Thursday
        log(personas, "member", project, 60, day=date(2026, 3, 5))
        html = login(personas, "member").get("/time/").content.decode()
        assert 'id="time-grid" data-day="3"' in html
        assert html.count("dcol col-3") == 3  # the day's head, its one cell, its total
        assert 'data-label="Thursday, Mar 5"' in html
        assert 'class="day-nav" data-grid="time-grid" hidden' in html  # shown by grid.js, on a narrow screen
        other_week = login(personas, "member").get("/time/?week=2026-02-23").content.decode()
        assert 'id="time-grid" data-day="0"' in other_week  # not this week: its Monday


def test_add_row_hides_the_empty_row_that_is_always_there(personas):
    first, second = make_project(personas, "Alpha"), make_project(personas, "Bravo")
    web = login(personas, "member")
    empty = web.get("/time/?week=2026-03-02").content.decode()
    assert '<tr id="grid-empty">' in empty  # an empty week: shown
    log(personas, "member", first, 60, day=date(2026, 3, 3))
    filled = web.get("/time/?week=2026-03-02").content.decode()
    assert '<tr id="grid-empty" hidden>' in filled  # rows: hidden, but there for the swap
    added = web.get(f"/time/grid/row/?week=2026-03-02&project={second.id}", headers=HTMX).content.decode()
    assert f'<tr id="row-{second.id}-0">' in added
    assert '<tr id="grid-empty" hidden hx-swap-oob="true">' in added
