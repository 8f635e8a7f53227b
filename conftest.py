"""Fixtures shared by every test: personas (see baton/devdata/testing/personas.py), and the suite's clock.

`--clock=2027-03-27T23:30:00+00:00` (or `BATON_TEST_CLOCK`) runs the whole suite as if it were that moment, the clock
ticking from there: `.ci/run` runs its PostgreSQL pass on a Saturday night before a DST change and its Redis pass on
the Sunday a DST change ends, and `make test-week` runs the suite on each day of one week, so a test that assumes
today's weekday, month end or offset fails in CI instead of on the day it happens. Tests that freeze their own clock
(`time_machine.travel`) still see their own moment.
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
import time_machine
from hypothesis import HealthCheck, settings

from baton.core import health, outage, throttle
from baton.devdata.testing.personas import Personas, make_personas

# Property tests judge their outcomes, never the machine's speed: CI runs on two busy cores, where generating inputs
# or running an example may take longer than Hypothesis's defaults allow.
settings.register_profile("baton", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("baton")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default=os.environ.get("BATON_TEST_CLOCK") or None,
        help="Run the suite as if it were this ISO 8601 moment (with an offset); the clock ticks from there.",
    )


def pytest_configure(config: pytest.Config) -> None:
    clock = config.getoption("--clock")
    if clock:
        moment = datetime.fromisoformat(clock)
        if moment.tzinfo is None:
            raise pytest.UsageError(f"--clock needs an offset, e.g. {clock}+00:00")
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    clock = config.getoption("--clock")
    return f"clock: the suite runs as if it were {clock} (ticking)" if clock else None


_TRAVELLER = pytest.StashKey["time_machine.travel"]()


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture(autouse=True)
def _forget_outages() -> None:
    """Each test starts with every dependency answering: no remembered outage, an empty per-process throttle
    stand-in, no cached banner or readiness (core/outage.py, core/throttle.py, core/health.py)."""
    outage.reset()
    throttle.clear_fallback()
    health.forget()
