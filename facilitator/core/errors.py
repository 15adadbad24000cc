"""Errors the user can meet, as locale keys with parameters.

The core never builds a sentence: it raises a code, and the CLI or the app turns it into the
user's language with :func:`facilitator.i18n.t`. That keeps the core free of any interface and
lets one error read right in Bahasa Indonesia and in English.
"""

from __future__ import annotations


class FacilitatorError(Exception):
    """A problem the user can act on. ``code`` is a key under ``error.`` in the locale files."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self) -> str:
        """The one-line message in the current language."""
        from facilitator.i18n import t

        return t(f"error.{self.code}", **self.params)

    def __str__(self) -> str:  # pragma: no cover - used in logs and tracebacks only
        return f"{self.code} {self.params}"


class StoreError(FacilitatorError):
    """The session file could not be read, written or locked."""


class ReadOnlyError(StoreError):
    """A change was asked of a session opened read-only: another copy of the app holds it
    (``reason`` "held"), its folder or medium cannot be written ("medium"), or it was opened
    read-only on purpose ("asked")."""

    def __init__(self, path: str, reason: str = "held") -> None:
        code = {"medium": "readonly_medium", "asked": "readonly_asked"}.get(reason, "readonly")
        super().__init__(code, path=path)
        self.reason = reason


class TemplateError(FacilitatorError):
    """A lab template file is not valid; the params name the file, the line and what is wrong."""


class RuleError(FacilitatorError):
    """A change the domain rules forbid (e.g. editing a sealed commitment)."""
