"""The frame every stage screen shares: header, stage bar, the stage's body, footer.

Contract between the frame and the stage screens:
- a stage screen subclasses :class:`StageScreen`, sets ``STAGE`` (one of ``records.STAGES``) and
  implements :meth:`compose_body` (its widgets) and :meth:`refresh_data` (re-read the session and
  update its widgets; called on mount and after every confirmed change, undo included);
- it reads the session as ``self.session`` (``self.app.session``) and changes it only through the
  core (``facilitator.core``), never by touching the store;
- its bindings live on itself (``BINDINGS``, each ``Binding`` with an ``id``), its look in a
  ``.tcss`` file beside it or ``DEFAULT_CSS``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer

from facilitator.core.session import Session


class StageScreen(Screen):
    """A screen of one of the five stages, inside the app's frame."""

    STAGE: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        from facilitator.app.widgets.frame import SessionHeader, StageBar

        yield SessionHeader()
        yield StageBar(self.STAGE)
        with Container(id="stage-body"):
            yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """The stage's own widgets."""
        yield from ()

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Re-read the session into the widgets."""

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]
