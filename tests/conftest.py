"""Shared fixtures: every test starts in Bahasa Indonesia, with its own sessions folder."""

from __future__ import annotations

import pytest

from facilitator import i18n


@pytest.fixture(autouse=True)
def _default_language(monkeypatch):
    monkeypatch.delenv("FACILITATOR_LANG", raising=False)
    monkeypatch.delenv("FACILITATOR_SESSIONS", raising=False)
    i18n.set_language("id")
    yield
    i18n.set_language("id")
