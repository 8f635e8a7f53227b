"""The project timeline as plain geometry for a server-drawn SVG Gantt chart (no JavaScript).

Milestones are diamonds on their due date, tasks bars from start to due date (a task with only a due date gets a
bar as long as its estimate in working days, at least one day), dependencies arrows from the end of the task
depended on to the start of the dependent task.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from baton.core import formats
from baton.delivery.models import Milestone, Project, Task, TaskStatus

LABEL_WIDTH = 240
ROW = 30
BAR = 18
HEADER = 40
PAD_DAYS = 2
TARGET_WIDTH = 880


@dataclass
class Bar:
    kind: str  # "task" | "milestone"
    id: int
    label: str
    css: str
    y: int
    x: float
    width: float
    start: date
    end: date
    title: str
    url_name: str = ""
    text_y: int = 0
    mid_y: int = 0
    points: str = ""  # a milestone's diamond


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Gantt:
    width: int
    height: int
    chart_x: int
    bars: list[Bar] = field(default_factory=list)
    arrows: list[str] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    today_x: float | None = None
    unscheduled: list[Task] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    row_lines: list[int] = field(default_factory=list)


def _task_span(task: Task) -> tuple[date, date] | None:
    if task.start_date and task.due_date:
        return task.start_date, max(task.start_date, task.due_date)
    if task.due_date:
        days = max(1, math.ceil((task.estimate_minutes or 0) / 480))
        return task.due_date - timedelta(days=days - 1), task.due_date
    if task.start_date:
        days = max(1, math.ceil((task.estimate_minutes or 0) / 480))
        return task.start_date, task.start_date + timedelta(days=days - 1)
    return None


# Complexity: one layout pass: scale, milestone and task bars (overdue against today), dependency arrows.
def gantt(project: Project, milestones: list[Milestone], tasks: list[Task], today: date) -> Gantt:
    spans = {t.pk: s for t in tasks if (s := _task_span(t)) is not None}
    dates = [d for s in spans.values() for d in s] + [m.due_date for m in milestones if m.due_date]
    dates += [d for d in (project.start_date, project.end_date) if d]
    unscheduled = [t for t in tasks if t.pk not in spans]
    if not dates:
        return Gantt(width=LABEL_WIDTH + TARGET_WIDTH, height=HEADER, chart_x=LABEL_WIDTH, unscheduled=unscheduled)
    first, last = min(dates) - timedelta(days=PAD_DAYS), max(dates) + timedelta(days=PAD_DAYS)
    days = (last - first).days + 1
    day_w = max(6.0, min(40.0, TARGET_WIDTH / days))
    chart_w = day_w * days

    def x_of(day: date) -> float:
        return round(LABEL_WIDTH + (day - first).days * day_w, 1)

    chart = Gantt(
        width=int(LABEL_WIDTH + chart_w + 10),
        height=0,
        chart_x=LABEL_WIDTH,
        unscheduled=unscheduled,
        start=first,
        end=last,
    )
    y = HEADER
    for m in milestones:
        if not m.due_date:
            continue
        cx, cy, r = x_of(m.due_date) + day_w / 2, y + ROW // 2, BAR / 2 + 1
        chart.bars.append(
            Bar(
                kind="milestone",
                id=m.pk,
                label=m.name,
                css=f"gantt-milestone {m.status}",
                y=y,
                x=cx,
                width=0,
                start=m.due_date,
                end=m.due_date,
                title=f"Milestone: {m.name}, due {formats.day(m.due_date)} ({m.get_status_display().lower()})",
                text_y=y + ROW // 2 + 5,
                mid_y=cy,
                points=f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}",
            )
        )
        chart.row_lines.append(y + ROW)
        y += ROW
    rows: dict[int, Bar] = {}
    for t in tasks:
        span = spans.get(t.pk)
        if span is None:
            continue
        start, end = span
        overdue = t.status != TaskStatus.DONE and t.due_date is not None and t.due_date < today
        bar = Bar(
            kind="task",
            id=t.pk,
            label=t.title,
            css=f"gantt-bar {t.status}{' overdue' if overdue else ''}",
            y=y + (ROW - BAR) // 2,
            x=x_of(start),
            width=round(max(day_w, (end - start).days * day_w + day_w), 1),
            start=start,
            end=end,
            title=(
                f"{t.title}: {formats.day_short(start)} to {formats.day(end)}, {t.get_status_display().lower()}"
                f"{', ' + t.assignee.name if t.assignee_id and t.assignee else ''}{', overdue' if overdue else ''}"
            ),
            text_y=y + ROW // 2 + 5,
            mid_y=y + ROW // 2,
        )
        rows[t.pk] = bar
        chart.bars.append(bar)
        chart.row_lines.append(y + ROW)
        y += ROW
    for t in tasks:
        target = rows.get(t.pk)
        if target is None:
            continue
        for dep in t.depends_on.all():
            source = rows.get(dep.pk)
            if source is None:
                continue
            x1, y1 = source.x + source.width, source.mid_y
            x2, y2 = target.x, target.mid_y
            bend = x1 + 8
            if x2 - 4 >= bend:
                chart.arrows.append(f"M{x1},{y1} H{bend} V{y2} H{x2 - 2}")
            else:  # the dependent starts before its dependency ends: route around
                mid = y2 - ROW // 2 if y2 > y1 else y2 + ROW // 2
                chart.arrows.append(f"M{x1},{y1} H{bend} V{mid} H{x2 - 10} V{y2} H{x2 - 2}")
    chart.height = y + 10
    if first <= today <= last:
        chart.today_x = x_of(today) + day_w / 2
    # Ticks: weekly (Mondays) for short spans, monthly otherwise.
    day = first
    while day <= last:
        if (days <= 120 and day.weekday() == 0) or (days > 120 and day.day == 1):
            chart.ticks.append(Tick(x=x_of(day), label=f"{day:%d %b}" if days <= 120 else f"{day:%b %Y}"))
        day += timedelta(days=1)
    return chart
