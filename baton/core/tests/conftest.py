"""Fixtures for the core tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    """Login and API-auth failure counters live in the cache; every test starts with none."""
    django_cache.clear()
    yield
    django_cache.clear()
