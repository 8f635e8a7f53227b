"""Fixtures for the finance tests."""

from __future__ import annotations

import pytest

from baton.devdata.testing.personas import Personas, make_personas


@pytest.fixture(scope="module")
def personas_for_hypothesis(django_db_setup, django_db_blocker):
    """Personas built once for a module, for property tests whose examples share the database (rolled back at the
    end; each example only adds records)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            personas: Personas = make_personas()
            yield personas
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
