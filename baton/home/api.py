"""`GET /api/v1/home`: the figures of the caller's home page, from the same selector as the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from baton.core.api_support import ERRORS, actor_of
from baton.home.selectors import home_context

router = Router(tags=["home"])


class HomeOut(Schema):
    role: str
    home: str
    as_of: datetime
    figures: dict[str, Any]


@router.get("/home", response={200: HomeOut, **ERRORS})
def get_home(request: HttpRequest) -> Any:
    """The caller's home: which one (`home`), when it was read (`as_of`), and its figures: what the page shows."""
    ctx = home_context(actor_of(request))
    return {"role": ctx["role"], "home": ctx["home"]["name"], "as_of": ctx["home"]["as_of"], "figures": ctx["figures"]}
