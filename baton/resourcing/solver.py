"""Staffing suggestions: who should take each unstaffed placeholder booking, solved with OR-Tools CP-SAT.

The model: one boolean per (placeholder, eligible person); each placeholder gets exactly one person. Eligible means
the person lists the placeholder's skill and (when it names a role) has that role in its title or skills. For every
person and day, existing bookings plus the chosen placeholders may exceed capacity (time off and holidays already
lower it) only by an `over` variable. The objective is lexicographic: first the fewest minutes of new overbooking,
then the lowest cost (booked minutes x cost rate). With overbooking not allowed, `over` may not grow, and the model
can be infeasible — then each placeholder that cannot be covered is explained.

`greedy_plan` is the obvious one-at-a-time baseline (cheapest person who fits, in date order); tests show the
solver beating it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from baton.core import formats
from baton.resourcing.calendar import Calendar

TIME_LIMIT_SECONDS = 10.0


@dataclass
class Suggestion:
    booking: Any
    person: Any
    new_over_minutes: int
    over_days: list[date]
    cost: Decimal
    explanation: str


@dataclass
class Unassignable:
    booking: Any
    reason: str


@dataclass
class Plan:
    status: str  # optimal | feasible | infeasible | nothing_to_staff | unknown
    suggestions: list[Suggestion] = field(default_factory=list)
    unassignable: list[Unassignable] = field(default_factory=list)
    message: str = ""

    @property
    def new_over_minutes(self) -> int:
        return sum(s.new_over_minutes for s in self.suggestions)

    @property
    def cost(self) -> Decimal:
        return sum((s.cost for s in self.suggestions), Decimal("0"))


def eligible(person: Any, booking: Any) -> bool:
    skills = {s.lower() for s in person.skills or []}
    if booking.skill and booking.skill.lower() not in skills:
        return False
    if booking.role:
        role = booking.role.lower()
        if role not in (person.title or "").lower() and role not in skills:
            return False
    return True


def _need(booking: Any) -> str:
    parts = []
    if booking.skill:
        parts.append(f"skill “{booking.skill}”")
    if booking.role:
        parts.append(f"role “{booking.role}”")
    return " and ".join(parts) or "anyone"


class _Problem:
    """Loads per (person, day) that every planner shares."""

    def __init__(self, placeholders: list[Any], people: list[Any], calendar: Calendar) -> None:
        self.placeholders = placeholders
        self.people = {p.id: p for p in people}
        self.calendar = calendar
        self.candidates: dict[int, list[int]] = {b.id: [p.id for p in people if eligible(p, b)] for b in placeholders}
        # The days a placeholder would count on for each candidate (their working days, not holidays).
        self.days: dict[tuple[int, int], list[date]] = {}
        for b in placeholders:
            for pid in self.candidates[b.id]:
                lo, hi = max(b.start_date, calendar.start), min(b.end_date, calendar.end)
                self.days[(b.id, pid)] = calendar.booking_days(pid, lo, hi) if lo <= hi else []

    def cost(self, booking: Any, person_id: int) -> Decimal:
        minutes = booking.minutes_per_day * len(self.days[(booking.id, person_id)])
        return (Decimal(minutes) * self.people[person_id].cost_rate / 60).quantize(Decimal("0.01"))

    def headroom(self, person_id: int, d: date, extra: int = 0) -> int:
        """Capacity left on a day after existing bookings (and `extra` planned minutes); negative when over."""
        return self.calendar.capacity(person_id, d) - self.calendar.booked(person_id, d) - extra

    def new_over(self, booking: Any, person_id: int, planned: dict[tuple[int, date], int]) -> tuple[int, list[date]]:
        """Minutes of overbooking this placeholder would add for this person, on top of what is planned."""
        added, days = 0, []
        for d in self.days[(booking.id, person_id)]:
            before = max(0, -self.headroom(person_id, d, planned.get((person_id, d), 0)))
            after = max(0, -self.headroom(person_id, d, planned.get((person_id, d), 0) + booking.minutes_per_day))
            if after > before:
                added += after - before
                days.append(d)
        return added, days

    def explain(self, booking: Any, person_id: int, over: int, over_days: list[date], cost: Decimal) -> str:
        person = self.people[person_id]
        days = self.days[(booking.id, person_id)]
        free = sum(max(0, self.headroom(person_id, d)) for d in days)
        needed = booking.minutes_per_day * len(days)
        parts = [
            f"{person.name} has the {_need(booking)}" if booking.skill or booking.role else f"{person.name} is free",
            f"needs {formats.duration(needed)} and has {formats.duration(free)} free",
        ]
        away = sum(
            1 for d in days if self.calendar.capacity(person_id, d) < self.calendar.schedule(person_id).base_minutes(d)
        )
        if away:
            parts.append(f"away (part or all of) {away} day{'s' if away != 1 else ''}")
        if over:
            plural = "s" if len(over_days) != 1 else ""
            parts.append(f"would be overbooked by {formats.duration(over)} on {len(over_days)} day{plural}")
        else:
            parts.append("no overbooking")
        parts.append(f"cost {formats.money(cost)} at {formats.money(person.cost_rate)}/h")
        others = len(self.candidates[booking.id]) - 1
        if others:
            parts.append(f"chosen from {others + 1} eligible people")
        return "; ".join(parts) + "."

    def unassignable_reason(self, booking: Any) -> str:
        if not self.candidates[booking.id]:
            return f"Nobody active lists the {_need(booking)}."
        best = min(
            self.candidates[booking.id], key=lambda pid: (self.new_over(booking, pid, {})[0], self.people[pid].name)
        )
        over, days = self.new_over(booking, best, {})
        if over:
            return (
                f"Nobody with the {_need(booking)} is free for {formats.duration(booking.minutes_per_day)} a day from "
                f"{formats.day(booking.start_date)} to {formats.day(booking.end_date)}: the closest, "
                f"{self.people[best].name}, would be overbooked by {formats.duration(over)} on "
                f"{len(days)} day{'s' if len(days) != 1 else ''}."
            )
        return (
            "It competes with the other placeholders for the same people; together they cannot be staffed without "
            "overbooking."
        )


# Complexity: the CP-SAT model: variables, capacity and overbooking constraints, objective, readout.
def solve(
    placeholders: list[Any],
    people: list[Any],
    calendar: Calendar,
    *,
    allow_overbooking: bool = True,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> Plan:
    """The CP-SAT plan for the placeholders (see the module docstring)."""
    if not placeholders:
        return Plan(status="nothing_to_staff", message="There are no unstaffed placeholder bookings.")
    problem = _Problem(placeholders, people, calendar)
    plan = Plan(status="unknown")
    staffable = []
    for b in placeholders:
        if problem.candidates[b.id]:
            staffable.append(b)
        else:
            plan.unassignable.append(Unassignable(b, problem.unassignable_reason(b)))
    if not staffable:
        plan.status = "infeasible"
        plan.message = "No placeholder has an eligible person."
        return plan

    # OR-Tools adds ~80 MB to a process: loaded on the first staffing suggestion, not in every web worker.
    from ortools.sat.python import cp_model  # noqa: PLC0415

    model = cp_model.CpModel()
    x: dict[tuple[int, int], Any] = {}
    for b in staffable:
        for pid in problem.candidates[b.id]:
            x[(b.id, pid)] = model.new_bool_var(f"x_{b.id}_{pid}")
        model.add_exactly_one(x[(b.id, pid)] for pid in problem.candidates[b.id])
    terms: dict[tuple[int, date], list[tuple[int, Any]]] = defaultdict(list)
    for b in staffable:
        for pid in problem.candidates[b.id]:
            for d in problem.days[(b.id, pid)]:
                terms[(pid, d)].append((b.minutes_per_day, x[(b.id, pid)]))
    over_vars = []
    for (pid, d), load in terms.items():
        headroom = problem.headroom(pid, d)  # negative when the day is already overbooked
        most = sum(m for m, _ in load)
        over = model.new_int_var(0, most, f"over_{pid}_{d.isoformat()}")
        # New overbooking: how far this plan's load goes past what is left that day (on a day already over, all of it).
        model.add(sum(m * var for m, var in load) - max(headroom, 0) <= over)
        if not allow_overbooking:
            model.add(over == 0)
        over_vars.append(over)
    costs = {key: int(problem.cost(next(b for b in staffable if b.id == key[0]), key[1]) * 100) for key in x}
    weight = sum(max(costs[(b.id, pid)] for pid in problem.candidates[b.id]) for b in staffable) + 1
    model.minimize(weight * sum(over_vars) + sum(costs[key] * var for key, var in x.items()))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID) or status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan.status = "infeasible" if status == cp_model.INFEASIBLE else "unknown"
        for b in staffable:
            plan.unassignable.append(Unassignable(b, problem.unassignable_reason(b)))
        plan.message = (
            "These placeholders cannot all be staffed without overbooking someone."
            if status == cp_model.INFEASIBLE
            else "The solver found no plan in time; try fewer placeholders at once."
        )
        return plan
    plan.status = "optimal" if status == cp_model.OPTIMAL else "feasible"
    planned: dict[tuple[int, date], int] = defaultdict(int)
    for b in sorted(staffable, key=lambda b: (b.start_date, b.id)):
        pid = next(p for p in problem.candidates[b.id] if solver.value(x[(b.id, p)]))
        added, over_days = problem.new_over(b, pid, planned)
        for d in problem.days[(b.id, pid)]:
            planned[(pid, d)] += b.minutes_per_day
        cost = problem.cost(b, pid)
        plan.suggestions.append(
            Suggestion(b, problem.people[pid], added, over_days, cost, problem.explain(b, pid, added, over_days, cost))
        )
    plan.message = _summary(plan)
    return plan


def greedy_plan(placeholders: list[Any], people: list[Any], calendar: Calendar) -> Plan:
    """Baseline: in date order, give each placeholder the eligible person adding the least overbooking, then the
    cheapest. Simple, and blind to what later placeholders need."""
    problem = _Problem(placeholders, people, calendar)
    plan = Plan(status="feasible")
    planned: dict[tuple[int, date], int] = defaultdict(int)
    for b in sorted(placeholders, key=lambda b: (b.start_date, b.id)):
        if not problem.candidates[b.id]:
            plan.unassignable.append(Unassignable(b, problem.unassignable_reason(b)))
            continue
        pid = min(
            problem.candidates[b.id],
            key=lambda p: (problem.new_over(b, p, planned)[0], problem.cost(b, p), problem.people[p].name),
        )
        over, over_days = problem.new_over(b, pid, planned)
        for d in problem.days[(b.id, pid)]:
            planned[(pid, d)] += b.minutes_per_day
        cost = problem.cost(b, pid)
        plan.suggestions.append(
            Suggestion(b, problem.people[pid], over, over_days, cost, problem.explain(b, pid, over, over_days, cost))
        )
    return plan


def _summary(plan: Plan) -> str:
    n = len(plan.suggestions)
    text = f"{n} placeholder{'s' if n != 1 else ''} staffed"
    over = plan.new_over_minutes
    text += f" with {formats.duration(over)} of overbooking" if over else " without overbooking"
    text += f", costing {formats.money(plan.cost)} in all."
    if plan.unassignable:
        text += f" {len(plan.unassignable)} cannot be staffed."
    return text
