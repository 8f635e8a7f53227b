from __future__ import annotations

import pytest

from baton.devdata.testing.personas import Personas


@pytest.fixture
def ws(personas: Personas):
    return personas.workspace
