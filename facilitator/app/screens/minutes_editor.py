"""The minutes (notula) as the coach writes them before exporting: the event's name, the time,
the place of signing, and the Pendahuluan, Tujuan, Kesimpulan and Dokumentasi.

A field left empty prints the generated text, which the field shows as its placeholder (and
ctrl+g copies in as a start). The editor never writes to the session itself: it asks its screen
to save (:class:`MinutesEditor.SaveRequested`) when the coach presses ctrl+s, leaves a field, or
stops typing for a moment, and the screen saves through the core.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import DescendantBlur
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static, TextArea

from facilitator.export.minutes import MINUTES_FIELDS
from facilitator.i18n import t

LINE_FIELDS = ("acara", "waktu", "tempat_ttd")
"""Fields of one line (inputs); the others are paragraphs (text areas)."""
AUTOSAVE_SECONDS = 2.0
"""After this long without typing, what was typed is saved (a flat battery loses no more)."""


def field_id(name: str) -> str:
    return f"minutes-{name.replace('_', '-')}"


class MinutesEditor(VerticalScroll):
    """The coach's own parts of the minutes; empty fields mean "the generated text"."""

    DEFAULT_CSS = """
    MinutesEditor {
        height: 1fr;
        padding: 0 1;
        .minutes-label { text-style: bold; margin-top: 1; height: 1; }
        #minutes-status { height: auto; color: $text-muted; }
        TextArea { height: 7; }
        Input { width: 1fr; background: $boost; }
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="display.minutes_save"),
        Binding("ctrl+g", "fill", "Generated text", id="display.minutes_fill"),
    ]

    class SaveRequested(Message):
        """The coach's text should be saved: ``values`` maps each field to its text."""

        def __init__(self, values: dict[str, str]) -> None:
            super().__init__()
            self.values = values

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._saved: dict[str, str] = {name: "" for name in MINUTES_FIELDS}
        self._placeholders: dict[str, str] = {name: "" for name in MINUTES_FIELDS}
        self._autosave: Timer | None = None
        self._said = ""

    def compose(self) -> ComposeResult:
        yield Static(Content(t("display.minutes.help")), id="minutes-status")
        for name in MINUTES_FIELDS:
            yield Label(t(f"display.minutes.field.{name}"), classes="minutes-label")
            if name in LINE_FIELDS:
                yield Input(id=field_id(name), compact=True)
            else:
                yield TextArea(id=field_id(name), soft_wrap=True, show_line_numbers=False)

    # -- reading and writing the fields --------------------------------------------------------

    def _field(self, name: str) -> Input | TextArea:
        return self.query_one(f"#{field_id(name)}")  # type: ignore[return-value]

    @staticmethod
    def _text(widget: Input | TextArea) -> str:
        return widget.value if isinstance(widget, Input) else widget.text

    def values(self) -> dict[str, str]:
        """What the fields hold now."""
        return {name: self._text(self._field(name)) for name in MINUTES_FIELDS}

    @property
    def dirty(self) -> bool:
        """Whether something typed is not saved yet."""
        return self.values() != self._saved

    def load(self, saved: dict[str, Any], generated: dict[str, str], *,
             readonly: bool = False) -> None:
        """Show the session's minutes. A field with unsaved typing keeps it (a change saved
        from elsewhere must not wipe what the coach is writing)."""
        for name in MINUTES_FIELDS:
            widget = self._field(name)
            new = str(saved.get(name, "") or "")
            if self._text(widget) == self._saved[name] and self._text(widget) != new:
                if isinstance(widget, Input):
                    widget.value = new
                else:
                    widget.load_text(new)
            self._saved[name] = new
            placeholder = " ".join(generated.get(name, "").split())
            if placeholder != self._placeholders[name]:
                self._placeholders[name] = placeholder
                # An input shows its placeholder literally; a text area would read a str as
                # markup, so it gets Content.
                widget.placeholder = (placeholder if isinstance(widget, Input)
                                      else Content(placeholder))
            if isinstance(widget, Input):
                widget.disabled = readonly
            else:
                widget.read_only = readonly

    def mark_saved(self, values: dict[str, str]) -> None:
        """The screen saved ``values``: they are the fields' saved state now."""
        self._saved.update(values)
        self._say(t("display.minutes.saved"))

    def _say(self, text: str) -> None:
        # Called on every key: the line is redrawn (and the form laid out again) only when
        # what it says changes.
        if text == self._said:
            return
        self._said = text
        self.query_one("#minutes-status", Static).update(
            Content.assemble((text, "bold"), "  ", t("display.minutes.help")))

    # -- when to save --------------------------------------------------------------------------

    def request_save(self) -> None:
        """Ask the screen to save, if anything changed."""
        if self._autosave is not None:
            self._autosave.stop()
            self._autosave = None
        if self.dirty:
            self.post_message(self.SaveRequested(self.values()))

    def action_save(self) -> None:
        if self.dirty:
            self.request_save()
        else:
            self._say(t("display.minutes.saved"))

    def action_fill(self) -> None:
        """Copy the generated text into the focused field, when it is empty, to edit from."""
        widget = self.app.focused
        for name in MINUTES_FIELDS:
            if widget is self._field(name) and not self._text(widget).strip():
                text = self._placeholders[name]
                if isinstance(widget, Input):
                    widget.value = text
                    widget.cursor_position = len(text)
                else:
                    widget.load_text(text)
                    widget.move_cursor(widget.document.end)
                self._changed()
                return

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        # Also reached after load() filled a field (the message comes later): nothing to save.
        if not self.dirty:
            if self._autosave is not None:
                self._autosave.stop()
                self._autosave = None
            return
        self._say(t("display.minutes.unsaved"))
        if self._autosave is not None:
            self._autosave.stop()
        self._autosave = self.set_timer(AUTOSAVE_SECONDS, self.request_save)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        self.request_save()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.request_save()
