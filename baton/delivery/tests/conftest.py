"""Fixtures for the delivery tests: the personas' workspace with a project of client A managed by `pm`."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache as django_cache

from baton.delivery import services
from baton.delivery.models import Project
from baton.devdata.testing.personas import Personas


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def project(personas: Personas) -> Project:
    """Client A's website, managed by the `pm` persona, starting 2 March 2026."""
    return services.project_create(
        actor=personas["owner"].actor,
        client_id=personas.client_a.id,
        name="Client A website",
        billing="fixed_fee",
        budget_amount="12000.00",
        budget_minutes=6000,
        start_date=date(2026, 3, 2),
        end_date=date(2026, 4, 30),
        project_manager_id=personas["pm"].person.id,
    )
