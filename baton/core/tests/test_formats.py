"""The format rules: one home for how durations, money, numbers and dates are written (baton/core/formats.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from baton.core import formats


def _ws(locale: str = "en_US", tz: str = "UTC") -> SimpleNamespace:
    return SimpleNamespace(locale=locale, timezone=tz)


@pytest.mark.parametrize(
    ("minutes", "text", "cell"),
    [
        (90, "1 h 30 min", "1:30"),
        (1080, "18 h", "18:00"),
        (45, "45 min", "0:45"),
        (0, "0 h", "0:00"),
        (-30, "-30 min", "-0:30"),
        (None, "—", "—"),
        (60 * 1234, "1,234 h", "1234:00"),
    ],
)
def test_durations_read_as_hours_and_minutes(minutes, text, cell):
    assert formats.duration(minutes) == text
    assert formats.hm(minutes) == cell


def test_a_person_who_prefers_decimal_hours_gets_them():
    with formats.using(_ws(), SimpleNamespace(duration_style="decimal")):
        assert formats.duration(90) == "1.5 h"
        assert formats.duration(1080) == "18 h"
        assert formats.hm(100) == "1.67"
    assert formats.duration(90) == "1 h 30 min"  # the context ends with the block


@pytest.mark.parametrize(
    ("locale", "usd", "eur", "plain", "day", "moment"),
    [
        ("en_US", "$16,000.00", "€1,234.50", "6,270.00", "Dec 6, 2026", "Dec 6, 2026, 7:39\u202fPM"),
        ("en_GB", "US$16,000.00", "€1,234.50", "6,270.00", "6 Dec 2026", "6 Dec 2026, 19:39"),
        ("de_DE", "16.000,00\xa0$", "1.234,50\xa0€", "6.270,00", "06.12.2026", "06.12.2026, 19:39"),
    ],
)
def test_money_and_dates_follow_the_workspace_locale(locale, usd, eur, plain, day, moment):
    with formats.using(_ws(locale)):
        assert formats.money(Decimal("16000"), "USD") == usd
        assert formats.money(Decimal("1234.5"), "eur") == eur
        assert formats.money("6270") == plain
        assert formats.day(date(2026, 12, 6)) == day
        assert formats.when(datetime(2026, 12, 6, 19, 39, tzinfo=UTC)) == moment


def test_money_never_goes_through_float():
    # Thirteen digits and a half cent: a float would lose the cent; a Decimal rounds it half up (MONEY.md).
    assert formats.money(Decimal("2.675")) == "2.68"
    assert formats.money(Decimal("1000000000000.005"), "USD") == "$1,000,000,000,000.01"


def test_moments_are_written_in_the_workspace_time_zone():
    with formats.using(_ws("en_GB", "Asia/Tokyo")):
        assert formats.when(datetime(2026, 12, 6, 19, 39, tzinfo=UTC)) == "7 Dec 2026, 04:39"
        assert formats.day(datetime(2026, 12, 6, 19, 39, tzinfo=UTC)) == "7 Dec 2026"


def test_relative_times():
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    assert formats.ago(now - timedelta(hours=3), now=now) == "3 hours ago"
    assert formats.ago(now + timedelta(days=2), now=now) == "in 2 days"
    assert formats.ago(now - timedelta(seconds=20), now=now) == "just now"


def test_unknown_locales_are_refused_and_known_ones_normalised():
    assert formats.valid_locale("de-DE") == "de_DE"
    assert formats.valid_locale("xx_YY") is None
    assert formats.valid_locale("") is None


def test_every_template_has_the_filters_without_loading_them():
    html = Template("{{ m|duration }} · {{ a|money:'USD' }} · {{ d|day }}").render(
        Context({"m": 150, "a": Decimal("1234.5"), "d": date(2026, 8, 14)})
    )
    assert html == "2 h 30 min · $1,234.50 · Aug 14, 2026"


def test_counts_agree_with_their_nouns():
    assert formats.count(1, "cadence item") == "1 cadence item"
    assert formats.count(3, "day") == "3 days"
    assert formats.count(0, "open escalation") == "0 open escalations"
    assert formats.count(2, "reply", "replies") == "2 replies"
    assert formats.count(1234, "day") == "1,234 days"
