from __future__ import annotations

import pytest

from baton.core.testing import Personas


@pytest.fixture
def ws(personas: Personas):
    return personas.workspace
