"""What every tab of the Design stage shares: how it is refreshed and how it changes the session.

A panel re-reads the session into its widgets (:meth:`DesignPanel.refresh_from`) only when a
change touched the tables it shows (``DEPENDS``); a panel may take a change in faster
(:meth:`DesignPanel.apply_changes`), e.g. the scoring grid redraws the one idea whose score
changed. Panels marked ``LAZY`` are only filled when their tab is shown. Every change goes
through the core; a refused change is said in a notification in the user's language.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, TypeVar

from rich.text import Text
from textual.containers import Vertical
from textual.widget import Widget

from facilitator.core.errors import FacilitatorError
from facilitator.core.session import Session

T = TypeVar("T")

Change = list[Any]
"""One record's change, as an audit entry holds it: ``[table, id, before, after]``."""


class Line(Widget):
    """One line of text that changes often (a status, the cell under the cursor).

    A ``Static`` asks for a new layout of the whole screen at every update, in case its size
    changed; a line's size never does, so only the line is redrawn: this keeps typing scores
    quick.
    """

    DEFAULT_CSS = """
    Line {
        height: 1;
        width: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()

    @property
    def text(self) -> Text:
        return self._text

    def update(self, text: Text | str) -> None:
        """Show ``text`` (a plain string is shown literally), on one line cut to fit."""
        shown = text.copy() if isinstance(text, Text) else Text(text)
        shown.no_wrap, shown.end = True, ""
        shown.overflow = shown.overflow or "ellipsis"
        if shown.plain != self._text.plain or shown.spans != self._text.spans:
            self._text = shown
            self.refresh()

    def render(self) -> Text:
        return self._text


class DesignPanel(Vertical):
    """One tab of the Design stage."""

    TAB: ClassVar[str] = ""
    DEPENDS: ClassVar[frozenset[str]] = frozenset()
    LAZY: ClassVar[bool] = False
    MAIN: ClassVar[str] = ""
    """The selector of the widget that takes the focus when the tab is shown."""

    DEFAULT_CSS = """
    DesignPanel {
        height: 1fr;
    }
    """

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    @property
    def design(self) -> Any:
        """The Design screen the panel is on (it keeps what outlives a rebuild of the panel)."""
        return self.screen

    def refresh_from(self, session: Session) -> None:
        """Re-read everything the panel shows."""

    def apply_changes(self, changes: list[Change]) -> bool:
        """Take in some changes without a full refresh; False if a full refresh is needed."""
        return False

    def on_show(self) -> None:
        if getattr(self.screen, "pending_focus", None) == self.TAB:
            self.screen.focus_pending()  # type: ignore[attr-defined]

    def focus_main(self) -> None:
        if self.MAIN:
            for widget in self.query(self.MAIN):
                widget.focus()
                return

    def run_core(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call the core; if it refuses (a rule, a read-only or full disk), say why."""
        try:
            return func(*args, **kwargs)
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", timeout=8, markup=False)
            return None
