"""The Display stage screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from facilitator.app.screens.base import StageScreen
from facilitator.i18n import t


class DisplayScreen(StageScreen):
    STAGE = "display"

    def compose_body(self) -> ComposeResult:
        yield Static(t("stage.display"))
