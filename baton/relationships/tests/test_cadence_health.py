"""The pure parts: the cadence plan across the onboarding boundary, and the health score's arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.relationships import cadence as cad
from baton.relationships.health import SIGNALS, HealthMeasures, compute_health

START = date(2026, 3, 2)  # a Monday
SPEC = cad.ProtocolSpec(
    update_every_days=7, meeting_every_days=14, strategic_review_every_days=90, onboarding_started_on=START
)


def items_by_key(today: date, logged: list[cad.LoggedTouchpoint], **kw) -> dict[str, cad.CadenceItem]:
    return {i.item: i for i in cad.cadence_plan(SPEC, today, logged, **kw)}


def test_onboarding_asks_for_near_daily_updates():
    day3 = START + timedelta(days=2)
    plan = items_by_key(day3, [cad.LoggedTouchpoint("call", START)])
    assert cad.phase(SPEC, day3) == "onboarding" and cad.onboarding_day(SPEC, day3) == 3
    update = plan["update"]
    assert update.due_on == START + timedelta(days=1)  # the day after the last contact
    assert update.status == "overdue" and update.days_overdue == 1
    assert "Onboarding day 3 of 30" in update.reason
    assert "strategic_review" not in plan  # reviews come after onboarding
    # Logging an e-mail today satisfies it: next due tomorrow.
    plan = items_by_key(day3, [cad.LoggedTouchpoint("call", START), cad.LoggedTouchpoint("email", day3)])
    assert plan["update"].due_on == day3 + timedelta(days=1) and plan["update"].status == "upcoming"


def test_weekend_updates_fall_on_monday():
    friday = START + timedelta(days=4)
    plan = items_by_key(friday, [cad.LoggedTouchpoint("email", friday)])
    assert plan["update"].due_on == friday + timedelta(days=3)


def test_cadence_across_the_day_30_boundary():
    day30 = START + timedelta(days=29)
    day31 = START + timedelta(days=30)
    logged = [cad.LoggedTouchpoint("status_update", day30 - timedelta(days=1))]
    on_30 = items_by_key(day30, logged)
    assert cad.phase(SPEC, day30) == "onboarding"
    assert on_30["update"].due_on == day30 and on_30["update"].status == "due"  # daily
    assert "strategic_review" not in on_30
    on_31 = items_by_key(day31, logged)
    assert cad.phase(SPEC, day31) == "ongoing" and cad.onboarding_day(SPEC, day31) is None
    # Weekly now, counted from the last update (day 29): due day 36, not overdue.
    assert on_31["update"].due_on == day30 - timedelta(days=1) + timedelta(days=7)
    assert on_31["update"].status == "upcoming"
    assert "Regular update every 7 days" in on_31["update"].reason
    # The first strategic review closes onboarding: due on day 31.
    assert on_31["strategic_review"].due_on == day31 and on_31["strategic_review"].status == "due"
    # A review held in the 30-day window counts; the next one is 90 days on.
    held = [*logged, cad.LoggedTouchpoint("strategic_review", day30)]
    assert items_by_key(day31, held)["strategic_review"].due_on == day30 + timedelta(days=90)


def test_milestone_confirmation_due_until_a_touchpoint_names_it():
    today = START + timedelta(days=40)
    ms = cad.MilestoneFact(7, "Launch", today + timedelta(days=2))
    plan = items_by_key(today, [], milestones=[ms])
    assert plan["milestone:7"].kind == "milestone_confirmation" and "Launch" in plan["milestone:7"].reason
    confirmed = [cad.LoggedTouchpoint("call", today, milestone_id=7)]
    assert "milestone:7" not in items_by_key(today, confirmed, milestones=[ms])
    far = cad.MilestoneFact(8, "Later", today + timedelta(days=20))
    assert "milestone:8" not in items_by_key(today, [], milestones=[far])
    done = cad.MilestoneFact(9, "Done", today - timedelta(days=10), done_on=today - timedelta(days=1))
    assert "sign-off" in items_by_key(today, [], milestones=[done])["milestone:9"].reason


def test_matched_item_prefers_overdue():
    today = START + timedelta(days=60)
    plan = cad.cadence_plan(SPEC, today, [cad.LoggedTouchpoint("email", today - timedelta(days=10))])
    match = cad.matched_item(plan, "call", today)
    assert match is not None and match.item == "update" and match.days_overdue == 3


# --- Health -----------------------------------------------------------------------------------------------------

measures = st.builds(
    HealthMeasures,
    cadence_days_overdue=st.integers(0, 60),
    cadence_items_overdue=st.integers(0, 5),
    overdue_next_steps=st.integers(0, 10),
    open_escalations=st.integers(0, 4),
    burn_minus_progress_pct=st.one_of(st.none(), st.decimals(-100, 200, places=1)),
    unmanaged_scope_tasks=st.integers(0, 10),
    handoff_failures=st.integers(0, 5),
    avg_response_hours=st.one_of(st.none(), st.decimals(0, 200, places=1)),
    response_target_hours=st.integers(1, 72),
    sentiments=st.lists(st.sampled_from(["positive", "neutral", "negative"]), max_size=6).map(tuple),
    goals=st.lists(
        st.tuples(st.sampled_from(["ROAS", "Leads"]), st.decimals(0, 100, places=1), st.decimals(0, 100, places=1)),
        max_size=3,
    ).map(tuple),
)
weights = st.fixed_dictionaries({k: st.integers(0, 40) for k in SIGNALS}).filter(lambda w: sum(w.values()) > 0)


@given(measures, weights)
def test_contributions_add_up_to_the_score(m, w):
    health = compute_health(m, w)
    assert 0 <= health["score"] <= 100
    assert sum(s["contribution"] for s in health["signals"]) == health["score"]
    counted = sum(s["weight"] for s in health["signals"])  # a signal that does not apply weighs 0
    for s in health["signals"]:
        assert 0 <= s["contribution"] <= 100 * s["weight"] / max(1, counted) + 1
    assert health["band"] in ("healthy", "watch", "at_risk")


BAD: dict[str, dict[str, Any]] = {
    "cadence_kept": {"cadence_days_overdue": 14, "cadence_items_overdue": 2},
    "overdue_next_steps": {"overdue_next_steps": 3},
    "open_escalations": {"open_escalations": 1},
    "budget_vs_progress": {"burn_minus_progress_pct": Decimal("30")},
    "unmanaged_scope": {"unmanaged_scope_tasks": 2},
    "handoff_failures": {"handoff_failures": 2},
    "response_time": {"avg_response_hours": Decimal("48"), "response_target_hours": 24},
    "sentiment": {"sentiments": ("negative", "negative")},
    "goals_on_track": {"goals": (("ROAS at least 6x", Decimal("2.6"), Decimal("33.3")),)},
}
GOOD: dict[str, Any] = {"sentiments": ("positive",), "goals": (("Leads", Decimal("60"), Decimal("50")),)}


@pytest.mark.parametrize("signal", SIGNALS)
def test_each_signal_moves_the_score_the_right_way(signal):
    good = compute_health(HealthMeasures(**GOOD))
    bad = compute_health(HealthMeasures(**(GOOD | BAD[signal])))
    assert good["score"] == 100 and good["band"] == "healthy"
    assert bad["score"] < good["score"]
    changed = {s["name"]: s for s in bad["signals"]}
    assert changed[signal]["contribution"] < {s["name"]: s for s in good["signals"]}[signal]["contribution"]
    assert changed[signal]["explanation"]


def test_bands_follow_thresholds():
    awful = HealthMeasures(
        cadence_days_overdue=40,
        cadence_items_overdue=3,
        overdue_next_steps=6,
        open_escalations=2,
        burn_minus_progress_pct=Decimal("60"),
        sentiments=("negative",),
    )
    assert compute_health(awful)["band"] == "at_risk"
    assert compute_health(HealthMeasures(open_escalations=1, overdue_next_steps=5))["band"] == "healthy"
    assert (
        compute_health(HealthMeasures(open_escalations=2, overdue_next_steps=5, unmanaged_scope_tasks=5))["band"]
        == "watch"
    )


def _reference_health(measures: HealthMeasures, weights: dict[str, int] | None = None) -> dict[str, Any]:
    """The score as computed with a Fraction per step (before the integer arithmetic), for comparison."""
    import math
    from fractions import Fraction

    from baton.relationships.health import GOALS_CAP_BELOW, _goodness, applies, band_of
    from baton.relationships.models import DEFAULT_HEALTH_WEIGHTS

    given = {**DEFAULT_HEALTH_WEIGHTS, **(weights or {})}
    weights = {k: max(0, int(given[k])) if applies(k, measures) else 0 for k in SIGNALS}
    total = sum(weights.values())
    rows, shares = [], []
    for name in SIGNALS:
        g, value, explanation = _goodness(name, measures)
        shares.append(Fraction(100 * weights[name], total) * g if total else Fraction(0))
        rows.append({"name": name, "value": value, "weight": weights[name], "explanation": explanation})
    score = math.floor(sum(shares, Fraction(0)) + Fraction(1, 2)) if total else 0
    floors = [math.floor(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[: max(0, score - sum(floors))]:
        floors[i] += 1
    for row, points in zip(rows, floors, strict=True):
        row["contribution"] = points
    band = band_of(score)
    if weights["goals_on_track"] and _goodness("goals_on_track", measures)[0] < GOALS_CAP_BELOW and band == "healthy":
        band = "watch"
    return {"score": score, "band": band, "signals": rows}


@given(measures, st.one_of(st.none(), weights, st.fixed_dictionaries({k: st.just(0) for k in SIGNALS})))
def test_integer_arithmetic_equals_the_fractions(m, w):
    assert compute_health(m, w) == _reference_health(m, w)


def test_equal_decimals_keep_their_own_text():
    """The goodness of a signal is cached by its measures; 1.0 and 1.00 are equal keys but print differently."""
    for pct in (Decimal("12.5"), Decimal("12.50"), Decimal("12.500")):
        for hours in (Decimal("30"), Decimal("30.0")):
            health = compute_health(HealthMeasures(burn_minus_progress_pct=pct, avg_response_hours=hours))
            signals = {s["name"]: s for s in health["signals"]}
            assert (
                signals["budget_vs_progress"]["value"] == str(pct)
                and str(pct) in (signals["budget_vs_progress"]["explanation"])
            )
            assert signals["response_time"]["value"] == str(hours)
            assert health == _reference_health(HealthMeasures(burn_minus_progress_pct=pct, avg_response_hours=hours))


def _latest_only(logged: list[cad.LoggedTouchpoint]) -> list[cad.LoggedTouchpoint]:
    """What `cadence_items_bulk` reads: the latest day per kind and milestone."""
    latest: dict[tuple[str, int | None], date] = {}
    for t in logged:
        key = (t.kind, t.milestone_id)
        latest[key] = max(latest.get(key, t.on), t.on)
    return [cad.LoggedTouchpoint(kind, on, milestone) for (kind, milestone), on in latest.items()]


KINDS = ["status_update", "email", "call", "meeting", "strategic_review", "note"]


@given(
    st.lists(
        st.builds(
            cad.LoggedTouchpoint,
            st.sampled_from(KINDS),
            st.dates(START - timedelta(days=200), START + timedelta(days=120)),
            st.one_of(st.none(), st.sampled_from([1, 2])),
        ),
        max_size=25,
    ),
    st.integers(-10, 110),
    st.booleans(),
)
def test_the_latest_touchpoint_per_kind_and_milestone_gives_the_same_plan(logged, offset, onboarding):
    today = START + timedelta(days=offset)
    spec = SPEC if onboarding else cad.ProtocolSpec(anchor=START - timedelta(days=100))
    milestones = [
        cad.MilestoneFact(1, "Launch", today + timedelta(days=2)),
        cad.MilestoneFact(2, "Sign-off", today - timedelta(days=6), done_on=today - timedelta(days=2)),
    ]
    # The database reads only touchpoints up to today.
    logged = [t for t in logged if t.on <= today]
    assert cad.cadence_plan(spec, today, _latest_only(logged), milestones) == cad.cadence_plan(
        spec, today, logged, milestones
    )
