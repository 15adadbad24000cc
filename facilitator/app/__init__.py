"""The terminal app. ``FacilitatorApp`` is imported on first use, so that importing a screen or a
widget (as the tests and the stage screens do) does not build the whole app."""

from __future__ import annotations

from typing import Any

__all__ = ["FacilitatorApp"]


def __getattr__(name: str) -> Any:
    if name == "FacilitatorApp":
        from facilitator.app.app import FacilitatorApp

        return FacilitatorApp
    raise AttributeError(name)
