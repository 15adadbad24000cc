"""A text field for typing at the speed of the room: Enter takes what was typed *before* it.

Textual runs a key binding (Input's Enter is one) only after the key has travelled up through the
widget's parents, while the characters that follow it go straight into the field. When the app is
busy for a moment (saving the idea before) and the coach types on, "Ide satu⏎Ide dua⏎" could
then arrive as one title "Ide satuIde dua". :class:`InstantInput` handles Enter (and the arrows,
for a list under a search field) as the field reads its keys, in the order they were typed: the
text is taken, the field emptied, and an :class:`InstantInput.Entered` message carries the text.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.message import Message
from textual.widgets import Input

MOVES = {"down": 1, "up": -1, "pagedown": 10, "pageup": -10}


class InstantInput(Input):
    """A one-line field whose Enter and arrows keep their place among the typed keys.

    ``clear``: empty the field on Enter (the next entry starts at once). ``moves``: the arrows
    move a choice in a list under the field (``choice``, reset when the text changes) instead of
    being ignored.
    """

    class Entered(Message):
        """Enter was pressed: ``value`` is the text typed before it, ``offset`` the choice."""

        def __init__(self, field: "InstantInput", value: str, offset: int) -> None:
            super().__init__()
            self.field = field
            self.value = value
            self.offset = offset

        @property
        def control(self) -> "InstantInput":
            return self.field

    class Moved(Message):
        """An arrow moved the choice to ``offset``."""

        def __init__(self, field: "InstantInput", offset: int) -> None:
            super().__init__()
            self.field = field
            self.offset = offset

        @property
        def control(self) -> "InstantInput":
            return self.field

    def __init__(self, *args: Any, clear: bool = True, moves: bool = False,
                 **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
        self.clear_on_enter = clear
        self.moves = moves
        self.choice = 0

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value, offset = self.value, self.choice
            if self.clear_on_enter:
                self.value = ""
            self.choice = 0
            self.post_message(self.Entered(self, value, offset))
            return
        if self.moves and event.key in MOVES:
            event.stop()
            event.prevent_default()
            self.choice = max(0, self.choice + MOVES[event.key])
            self.post_message(self.Moved(self, self.choice))
            return
        if event.is_printable:
            self.choice = 0
        await super()._on_key(event)

    def restore(self, value: str) -> None:
        """Put back a text that could not be taken (if nothing new was typed meanwhile)."""
        if not self.value:
            self.value = value
            self.cursor_position = len(value)
