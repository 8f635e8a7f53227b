"""What every step of the scale generator shares: the sizes, the names it draws from, the world it fills."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Size:
    people: int
    clients: int
    projects: int
    entries: int
    bookings: int
    years: int
    handoffs: int
    touchpoints: int


SIZES = {
    "S": Size(
        people=20, clients=20, projects=60, entries=10_000, bookings=500, years=2, handoffs=200, touchpoints=1000
    ),
    "M": Size(
        people=60, clients=100, projects=600, entries=150_000, bookings=8_000, years=3, handoffs=3000, touchpoints=15000
    ),
    "L": Size(
        people=200,
        clients=400,
        projects=3_000,
        entries=1_000_000,
        bookings=50_000,
        years=5,
        handoffs=20_000,
        touchpoints=100_000,
    ),
    # Streamed (entries, timesheets, bookings and touchpoints in chunks of 20,000 or less): about 10 GB on
    # PostgreSQL; see RULES.md for its time and memory.
    "XL": Size(
        people=1_000,
        clients=2_000,
        projects=15_000,
        entries=10_000_000,
        bookings=250_000,
        years=5,
        handoffs=100_000,
        touchpoints=500_000,
    ),
}

TITLES = [
    ("Designer", ["design", "ui", "branding"], 130, 55),
    ("Senior Designer", ["design", "ux", "research"], 160, 68),
    ("Developer", ["frontend", "react", "python"], 140, 60),
    ("Senior Developer", ["backend", "python", "devops"], 175, 75),
    ("Copywriter", ["copy", "content", "seo"], 110, 45),
    ("Strategist", ["strategy", "research", "analytics"], 165, 70),
    ("Producer", ["video", "production"], 125, 52),
]
FIRST = "Maya Jonah Priya Lucas Amara Theo Sofia Kenji Leila Marcus Ines Felix Hana Oscar Zara Mateo Nora".split()
LAST = "Okafor Lindqvist Moreau Tanaka Haddad Novak Reyes Brennan Kowalski Osei Varga Ibarra Sato Quinn Adler".split()
INDUSTRIES = ["Retail", "Fintech", "Healthcare", "Education", "Hospitality", "Logistics", "Media", "Non-profit"]
WORDS = "Website Rebrand Campaign App Launch Audit Portal Retainer Content Research Platform Shop".split()


@dataclass
class World:
    size: Size
    rng: random.Random
    workspace: Any
    today: date
    start: date
    people: list[Any] = field(default_factory=list)
    staff: list[Any] = field(default_factory=list)  # who logs time
    clients: list[Any] = field(default_factory=list)
    projects: list[Any] = field(default_factory=list)
    tasks: dict[int, list[int]] = field(default_factory=dict)
    teams: dict[int, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    stopped: dict[int, date] = field(default_factory=dict)  # a cancelled project's last working day


Progress = Callable[[str, int], Any]


def _batched(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
