"""Template helpers for the schedule: a person's heat cells, a lane of booking bars and the project filter's options,
each written as one string.

A large team's schedule has thousands of cells and bars; through template tags each costs a dozen variable lookups,
`{% url %}`, `|date` and `{% widthratio %}`, which made the page take a second to render. These produce the same
markup (every value escaped) in one pass per row or lane.
"""

from __future__ import annotations

from datetime import date
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper
from typing import Any
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from baton.core import formats
from baton.resourcing.selectors import Bar, Cell, Lane

register = template.Library()

_SENTINEL = 987654321  # stands for the booking id in the one reversed link


def _hours(minutes: int) -> str:
    """Whole hours as `{% widthratio minutes 60 1 %}` writes them (Python's round: 90 -> 2, 150 -> 2)."""
    return str(round(minutes / 60))


def _links(context: Any, here: str) -> tuple[str, str]:
    """(before the id, after the id) of a booking's link back to `here`: reversed once per page render."""
    key = ("resourcing_booking_link", here)
    found = context.render_context.get(key)
    if found is None:
        link = reverse("resourcing:booking_detail", args=[_SENTINEL])
        before, _, after = link.partition(str(_SENTINEL))
        found = context.render_context[key] = (escape(before), escape(f"{after}?next={quote(here)}"))
    return found  # type: ignore[no-any-return]


def _day(context: Any, d: date) -> str:
    """`{{ d|day_short }}`, remembered per page render (a schedule shows the same few dates many times)."""
    days = context.render_context.setdefault("resourcing_days", {})
    if d not in days:
        days[d] = escape(formats.day_short(d))
    return days[d]  # type: ignore[no-any-return]


def _per_day(context: Any, minutes: int) -> str:
    """`{{ minutes|duration }} a day` ("7 h 30 min a day"), remembered per page render (a few distinct values)."""
    known = context.render_context.setdefault("resourcing_per_day", {})
    if minutes not in known:
        known[minutes] = escape(f"{formats.duration(minutes)} a day")
    return known[minutes]  # type: ignore[no-any-return]


@register.simple_tag
def heat_cells(cells: list[Cell]) -> SafeString:
    """A person's load cells: class, a label for the tooltip and screen readers, booked hours when any."""
    out = []
    for cell in cells:
        label = escape(cell.label)
        hours = f'<span aria-hidden="true">{_hours(cell.booked)}</span>' if cell.booked else ""
        out.append(
            f'<td class="cell {escape(cell.css)}" title="{label}" data-booked="{cell.booked}" '
            f'data-capacity="{cell.capacity}"><span class="visually-hidden">{label}</span>{hours}</td>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


@register.simple_tag(takes_context=True)
def lane_rows(context: Any, lanes: list[Lane], here: str, placeholder: bool = False) -> SafeString:
    """A person's (or the unstaffed) lanes of booking bars, one table row each."""
    return mark_safe(  # noqa: S308 - lane_cells escapes every value
        "\n    ".join(
            f'<tr class="lane">\n      {_lane_cells(context, lane, here, placeholder)}\n    </tr>' for lane in lanes
        )
    )


def _lane_cells(context: Any, lane: Lane, here: str, placeholder: bool) -> str:
    """One lane: a cell spanning each bar's columns (a link to the booking's panel) and empty cells between."""
    before, after = _links(context, here)
    out = []
    for item in lane.items:
        if not isinstance(item, Bar):
            out.append(f'<td colspan="{item}" class="gap"></td>')
            continue
        b = item.booking
        href = f"{before}{b.id}{after}"
        project = escape(b.project_name)
        if placeholder:
            need = escape(b.role or b.skill)
            css = "bar placeholder" + (" tentative" if b.tentative else "")
            title = f"{project}: {need}, {_per_day(context, b.minutes_per_day)}"
            text = f"{need} · {project}"
        else:
            css = "bar" + "".join(
                name
                for name, on in (
                    (" tentative", b.tentative),
                    (" focus", item.focus),
                    (" clip-left", item.clipped_left),
                    (" clip-right", item.clipped_right),
                )
                if on
            )
            title = (
                f"{escape(b.client_name or '')} · {project}: {_per_day(context, b.minutes_per_day)}, "
                f"{_day(context, b.start_date)}\u2013{_day(context, b.end_date)}{' (tentative)' if b.tentative else ''}"
            )
            text = f"{project} · {_hours(b.minutes_per_day)}h/d"
        out.append(
            f'<td colspan="{item.colspan}" class="bar-cell"><a class="{css}" href="{href}" hx-get="{href}" '
            f'hx-target="#panel" title="{title}">{text}</a></td>'
        )
    return "".join(out)


@register.simple_tag
def project_options(projects: list[tuple[int, str]], selected: int | None) -> SafeString:
    """The project filter's options (every current project: thousands at a large agency)."""
    return mark_safe(  # noqa: S308 - names are escaped
        "".join(
            f'<option value="{pk}" {"selected" if pk == selected else ""}>{escape(name)}</option>'
            for pk, name in projects
        )
    )
