"""Shared fixtures: every test starts in Bahasa Indonesia, with its own sessions folder; the
Sorong demo lab as the coach finds it at a coaching clinic; ``async def`` tests run as they are."""

from __future__ import annotations

import asyncio
import gc
import inspect
from datetime import date

import pytest

from facilitator import i18n

CLINIC_DAY = date(2021, 11, 15)
"""A coaching-clinic day after the Sorong launch: some steps done, some running, some late."""


@pytest.fixture(autouse=True)
def _default_language(monkeypatch):
    monkeypatch.delenv("FACILITATOR_LANG", raising=False)
    monkeypatch.delenv("FACILITATOR_SESSIONS", raising=False)
    i18n.set_language("id")
    yield
    i18n.set_language("id")


@pytest.fixture(autouse=True)
def _no_warm_up(request, monkeypatch):
    """The app builds the stages not shown yet in the background once the keys rest
    (FacilitatorApp.warm_up); a test's pauses would start it at random points, so only the tests
    marked ``warm_up`` (tests/test_warm_up.py) let it run.

    Those tests time what the warm-up does between keys. The garbage the tests before them
    left (apps, screens, frozen objects their apps let go at unmount) is collected before and
    after each, so that no full collection of someone else's objects falls inside their timing.
    """
    if request.node.get_closest_marker("warm_up") is None:
        from facilitator.app.app import FacilitatorApp

        monkeypatch.setattr(FacilitatorApp, "WARM_UP", False)
        yield
        return
    gc.collect()
    yield
    gc.collect()


def pytest_configure(config):
    config.addinivalue_line("markers", "warm_up: the app builds its stages in the background")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run an ``async def`` test on its own event loop (the suite has no asyncio plugin)."""
    test = pyfuncitem.obj
    if not inspect.iscoroutinefunction(test):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(test(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def clinic_day() -> date:
    """The day the Deliver screen takes for today in tests of the demo (see ``demo``)."""
    return CLINIC_DAY


@pytest.fixture
def demo(tmp_path, monkeypatch, clinic_day):
    """The Sorong demo (64 ideas, 41 selected, plans, sealed and unsigned commitments), opened
    by the coach on :data:`CLINIC_DAY`, from its own copy in the test's folder."""
    from facilitator.app.screens.deliver import DeliverScreen
    from facilitator.core.session import Session
    from facilitator.demo import write_demo

    monkeypatch.setattr(DeliverScreen, "today", staticmethod(lambda: clinic_day))
    session = Session.open(write_demo(tmp_path / "sorong.json"), actor="coach@test")
    yield session
    session.close()
