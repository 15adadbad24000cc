"""The look every modal dialog shares: a bordered box in the middle of the screen.

A dialog inherits :class:`DialogScreen` and puts ``classes="dialog-box"`` on its outer container;
its own DEFAULT_CSS then only says what differs (the box's width, its parts). Textual gathers the
DEFAULT_CSS of every base class, and the ``DialogScreen`` type selector matches each subclass, so
the rules below reach them all. An id rule of the dialog (``#pick-box { width: 64; }``) is more
specific than the class rule here, so a dialog can also override one of these values.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class DialogScreen(ModalScreen[ResultType]):
    """A modal screen that centres its ``.dialog-box`` container, framed and sized to fit."""

    # No width here: each dialog's box has its own, and a default would mask a forgotten one.
    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
        .dialog-box {
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
    }
    """
