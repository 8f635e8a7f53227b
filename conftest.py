"""Fixtures shared by every test: personas (see baton/devdata/testing/personas.py)."""

from __future__ import annotations

import pytest

from baton.devdata.testing.personas import Personas, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()
