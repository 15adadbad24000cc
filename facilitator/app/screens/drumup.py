"""The DrumUp stage screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from facilitator.app.screens.base import StageScreen
from facilitator.i18n import t


class DrumUpScreen(StageScreen):
    STAGE = "drumup"

    def compose_body(self) -> ComposeResult:
        yield Static(t("stage.drumup"))
