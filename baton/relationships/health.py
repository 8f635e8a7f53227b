"""Account health: an explainable 0-100 score from weighted signals. Pure: `compute_health(measures, weights)`.

Each signal turns its measure into a goodness between 0 and 1 (1 = nothing wrong). Its share of the score is
weight / total weight x 100 x goodness; the shares are rounded to whole points by the largest-remainder method so
the contributions add up exactly to the score (the rounded sum of the unrounded shares).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from baton.core.formats import count
from baton.relationships.models import DEFAULT_HEALTH_WEIGHTS

SIGNALS = (
    "cadence_kept",
    "overdue_next_steps",
    "open_escalations",
    "budget_vs_progress",
    "unmanaged_scope",
    "handoff_failures",
    "response_time",
    "sentiment",
)
SENTIMENT_VALUE = {"positive": Fraction(1), "neutral": Fraction(3, 5), "negative": Fraction(0)}


@dataclass(frozen=True)
class HealthMeasures:
    cadence_days_overdue: int = 0  # summed over overdue cadence items
    cadence_items_overdue: int = 0
    overdue_next_steps: int = 0
    open_escalations: int = 0
    burn_minus_progress_pct: Decimal | None = None  # worst live project: budget burn % - progress %
    unmanaged_scope_tasks: int = 0
    handoff_failures: int = 0
    avg_response_hours: Decimal | None = None
    response_target_hours: int = 24
    sentiments: tuple[str, ...] = ()  # most recent first


def _clamp(x: Fraction) -> Fraction:
    return max(Fraction(0), min(Fraction(1), x))


def _inputs(name: str, m: HealthMeasures) -> tuple[Any, ...]:
    """The measures the signal reads (its goodness is a function of these alone)."""
    if name == "cadence_kept":
        return (m.cadence_days_overdue, m.cadence_items_overdue)
    if name == "overdue_next_steps":
        return (m.overdue_next_steps,)
    if name == "open_escalations":
        return (m.open_escalations,)
    if name == "budget_vs_progress":
        return (m.burn_minus_progress_pct,)
    if name == "unmanaged_scope":
        return (m.unmanaged_scope_tasks,)
    if name == "handoff_failures":
        return (m.handoff_failures,)
    if name == "response_time":
        return (m.avg_response_hours, m.response_target_hours)
    if name == "sentiment":
        return (m.sentiments,)
    raise ValueError(f"Unknown signal {name!r}.")


def goodness(name: str, m: HealthMeasures) -> tuple[Fraction, Any, str]:
    """(goodness 0..1, the signal's value, its explanation)."""
    inputs = _inputs(name, m)
    return _goodness_of(name, inputs, tuple(str(x) if isinstance(x, Decimal) else None for x in inputs))


@lru_cache(maxsize=8192)
def _goodness_of(name: str, inputs: tuple[Any, ...], texts: tuple[str | None, ...]) -> tuple[Fraction, Any, str]:
    """`goodness` of the signal's own measures: many clients share them, so each is computed once (the result is
    immutable). `texts` is only part of the key: equal Decimals (1.0 and 1.00) are one key but print differently."""
    return _goodness(name, HealthMeasures(**dict(zip(_FIELDS[name], inputs, strict=True))))


_FIELDS: dict[str, tuple[str, ...]] = {
    "cadence_kept": ("cadence_days_overdue", "cadence_items_overdue"),
    "overdue_next_steps": ("overdue_next_steps",),
    "open_escalations": ("open_escalations",),
    "budget_vs_progress": ("burn_minus_progress_pct",),
    "unmanaged_scope": ("unmanaged_scope_tasks",),
    "handoff_failures": ("handoff_failures",),
    "response_time": ("avg_response_hours", "response_target_hours"),
    "sentiment": ("sentiments",),
}


# Complexity: a table of cases, one branch per health signal (eight), each a short formula with its explanation.
def _goodness(name: str, m: HealthMeasures) -> tuple[Fraction, Any, str]:
    if name == "cadence_kept":
        g = _clamp(1 - Fraction(m.cadence_days_overdue, 28))
        if not m.cadence_items_overdue:
            return g, 0, "Every cadence item is on time."
        return (
            g,
            m.cadence_days_overdue,
            f"{count(m.cadence_items_overdue, 'cadence item')} overdue, "
            f"{count(m.cadence_days_overdue, 'day')} in total.",
        )
    if name == "overdue_next_steps":
        g = _clamp(1 - Fraction(m.overdue_next_steps, 5))
        return g, m.overdue_next_steps, f"{count(m.overdue_next_steps, 'agreed next step')} past their due date."
    if name == "open_escalations":
        g = _clamp(1 - Fraction(m.open_escalations, 2))
        return g, m.open_escalations, f"{count(m.open_escalations, 'open escalation')}."
    if name == "budget_vs_progress":
        if m.burn_minus_progress_pct is None:
            return Fraction(1), None, "No live project with a budget to compare."
        gap = Fraction(m.burn_minus_progress_pct)
        g = _clamp(1 - gap / 50) if gap > 0 else Fraction(1)
        return (
            g,
            str(m.burn_minus_progress_pct),
            (
                f"Budget burn runs {m.burn_minus_progress_pct} points ahead of progress on the worst project."
                if gap > 0
                else "Budget burn is in line with progress."
            ),
        )
    if name == "unmanaged_scope":
        g = _clamp(1 - Fraction(m.unmanaged_scope_tasks, 5))
        text = f"{count(m.unmanaged_scope_tasks, 'task')} of unmanaged scope (no change order)."
        return g, m.unmanaged_scope_tasks, text
    if name == "handoff_failures":
        g = _clamp(1 - Fraction(m.handoff_failures, 3))
        return g, m.handoff_failures, f"{count(m.handoff_failures, 'handoff failure')} in the last 90 days."
    if name == "response_time":
        if m.avg_response_hours is None:
            return Fraction(1), None, "No response times recorded."
        target = Fraction(max(1, m.response_target_hours))
        avg = Fraction(m.avg_response_hours)
        g = Fraction(1) if avg <= target else _clamp(1 - (avg - target) / (2 * target))
        return (
            g,
            str(m.avg_response_hours),
            (f"Average response {m.avg_response_hours} h against the agreed {m.response_target_hours} h."),
        )
    if name == "sentiment":
        recent = [s for s in m.sentiments if s in SENTIMENT_VALUE][:5]
        if not recent:
            return Fraction(3, 5), None, "No sentiment recorded on recent touchpoints (counted as neutral)."
        g = sum((SENTIMENT_VALUE[s] for s in recent), Fraction(0)) / len(recent)
        counts = {k: recent.count(k) for k in ("positive", "neutral", "negative") if recent.count(k)}
        text = ", ".join(f"{v} {k}" for k, v in counts.items())
        return g, str(Decimal(g.numerator) / Decimal(g.denominator))[:4], f"Last {len(recent)} touchpoints: {text}."
    raise ValueError(f"Unknown signal {name!r}.")


def band_of(score: int, healthy_from: int = 70, watch_from: int = 50) -> str:
    if score >= healthy_from:
        return "healthy"
    if score >= watch_from:
        return "watch"
    return "at_risk"


def compute_health(
    measures: HealthMeasures,
    weights: dict[str, int] | None = None,
    *,
    healthy_from: int = 70,
    watch_from: int = 50,
) -> dict[str, Any]:
    """{score, band, signals: [{name, value, weight, contribution, explanation}]}; Σ contribution == score."""
    weights = {k: max(0, int((weights or DEFAULT_HEALTH_WEIGHTS).get(k, 0))) for k in SIGNALS}
    total = sum(weights.values())
    rows = []
    # Share i = 100 x weight / total x goodness = nums[i] / dens[i], exactly, in integers: the score is the rounded
    # (half up) sum of the shares, each share gets its floor, and the points left go to the largest remainders
    # (ties to the earlier signal) — the same as with Fractions, without building a Fraction per step.
    nums: list[int] = []
    dens: list[int] = []
    for name in SIGNALS:
        g, value, explanation = goodness(name, measures)
        nums.append(100 * weights[name] * g.numerator)
        dens.append(total * g.denominator if total else 1)
        rows.append({"name": name, "value": value, "weight": weights[name], "explanation": explanation})
    if not total:
        nums = [0] * len(SIGNALS)
    common = math.lcm(*dens)
    scaled = [n * (common // d) for n, d in zip(nums, dens, strict=True)]
    score = (2 * sum(scaled) + common) // (2 * common) if total else 0
    floors = [n // d for n, d in zip(nums, dens, strict=True)]
    left = score - sum(floors)
    remainders = [s % common for s in scaled]  # share - floor, over `common`
    order = sorted(range(len(scaled)), key=lambda i: (-remainders[i], i))
    for i in order[: max(0, left)]:
        floors[i] += 1
    for row, points in zip(rows, floors, strict=True):
        row["contribution"] = points
    return {"score": score, "band": band_of(score, healthy_from, watch_from), "signals": rows}
