"""Fixtures for the resourcing tests: the personas' workspace with projects and bookable people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache as django_cache

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.delivery.models import Project
from baton.devdata.testing.personas import Personas
from baton.people.models import Person
from baton.people.services import person_create

MONDAY = date(2030, 3, 4)  # a Monday with no holiday around it (no holiday country is set by default)


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def project(personas: Personas) -> Project:
    return delivery.project_create(
        actor=personas["owner"].actor, client_id=personas.client_a.id, name="Client A website", status="active"
    )


@pytest.fixture
def project_b(personas: Personas) -> Project:
    return delivery.project_create(
        actor=personas["owner"].actor, client_id=personas.client_b.id, name="Client B campaign", status="active"
    )


@pytest.fixture
def other_project(personas: Personas) -> Project:
    return delivery.project_create(
        actor=Actor.system(personas.other_workspace), client_id=personas.other_client.id, name="Other project"
    )


@pytest.fixture
def make_person(personas: Personas) -> Callable[..., Person]:
    counter = {"n": 0}

    def make(
        name: str | None = None,
        *,
        weekly: int = 2400,
        days: list[int] | None = None,
        skills: list[str] | None = None,
        cost: str = "50.00",
        bill: str = "100.00",
        title: str = "Designer",
        role: str = "member",
    ) -> Person:
        counter["n"] += 1
        name = name or f"Person {counter['n']}"
        return person_create(
            actor=Actor.system(personas.workspace),
            name=name,
            email=f"{name.lower().replace(' ', '.')}@studio.test",
            role=role,
            title=title,
            weekly_capacity_minutes=weekly,
            working_days=days or [1, 2, 3, 4, 5],
            skills=skills or [],
            cost_rate=Decimal(cost),
            bill_rate=Decimal(bill),
        )

    return make


def post(client: Any, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def patch(client: Any, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.patch(url, body, content_type="application/json", headers=headers)
