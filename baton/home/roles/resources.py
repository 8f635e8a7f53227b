"""Resource manager: who is overbooked or free in the next two weeks?

The team's next two weeks (overbooked and free people, booked against capacity), what is coming in the next four
(time off, bookings that start) and the placeholder bookings still waiting for a person. Reached by the
resource-manager capability (`Membership.resource_manager`), not a role. From resourcing's selectors."""

from __future__ import annotations

from typing import Any

from baton.core.access import Actor
from baton.resourcing.selectors.outlook import coming, fortnight

TEMPLATE = "home/resources.html"
SHOWN = 10


def build(actor: Actor) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers."""
    team = fortnight(actor)
    ahead = coming(actor)
    if not team:
        return {"figures": {}, "team": {}, "ahead": {}}
    capacity, booked = team["capacity_minutes"], team["booked_minutes"]
    figures = {
        "from": team["start"].isoformat(),
        "to": team["end"].isoformat(),
        "capacity_minutes": capacity,
        "booked_minutes": booked,
        "booked_pct": round(100 * booked / capacity) if capacity else None,
        "overbooked_people": len(team["overbooked"]),
        "free_people": len(team["free"]),
        "overbooked": [
            {
                "person_id": r["person"].pk,
                "name": r["person"].name,
                "days": r["overbooked_days"],
                "over_minutes": r["over_minutes"],
            }
            for r in team["overbooked"][:SHOWN]
        ],
        "free": [
            {
                "person_id": r["person"].pk,
                "name": r["person"].name,
                "free_minutes": r["free_minutes"],
                "booked_pct": r["booked_pct"],
            }
            for r in team["free"][:SHOWN]
        ],
        "time_off_coming": len(ahead["time_off"]),
        "bookings_starting": len(ahead["starting"]),
        "placeholders": len(ahead["placeholders"]),
    }
    return {"figures": figures, "team": team, "ahead": ahead}
