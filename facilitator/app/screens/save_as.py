"""The "save as" dialog (ctrl+s): write the whole session to another file and go on there.

The way out when the disk of the session file is full or read-only (the changes made since are
held in memory, see ``Session.keep_unsaved``), or when the session was opened read-only because
another copy of the app holds it. The old file is left exactly as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label

from facilitator.app.screens.dialog import DialogScreen, refill, retext, text_label
from facilitator.i18n import t

SUFFIX = ".json"


def suggest_path(current: Path) -> Path:
    """A free name beside ``current`` for its copy: ``sorong.json`` -> ``sorong-2.json``."""
    folder, stem = current.parent, current.stem
    number = 2
    while True:
        candidate = folder / f"{stem}-{number}{SUFFIX}"
        if not candidate.exists() and not any(folder.glob(f"{candidate.name}.*")):
            return candidate
        number += 1


def resolve_target(text: str, current: Path) -> Path | None:
    """The file the coach means by ``text``: ``~`` expanded, a relative name taken beside the
    current file, ``.json`` added when there is no extension, and a folder (a USB stick's) given
    the current file's name. None for an empty text."""
    text = text.strip()
    if not text:
        return None
    path = Path(os.path.expanduser(text))
    if not path.is_absolute():
        path = current.parent / path
    if path.is_dir():
        return path / current.name
    if not path.suffix:
        path = path.with_name(path.name + SUFFIX)
    return path


class SaveAsDialog(DialogScreen[None]):
    """Ask for the new file; save there and close, or show why not and stay open."""

    DEFAULT_CSS = """
    SaveAsDialog {
        #save-as-box { width: 76; border: thick $error; }
        #save-as-box.-saved { border: thick $primary; }
        #save-as-title { text-style: bold; padding-bottom: 1; }
        #save-as-why, #save-as-target { color: $text-muted; height: auto; width: 1fr; }
        #save-as-path-label { height: auto; width: 1fr; }
        #save-as-error { color: $text-error; height: auto; width: 1fr; }
        #save-as-buttons { height: auto; align-horizontal: right; }
        #save-as-buttons Button { margin-left: 1; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="app.dialog_cancel")]

    def __init__(self, current: Path, unsaved: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current = Path(current)
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        box_classes = "dialog-box" if self.unsaved else "dialog-box -saved"
        with Vertical(id="save-as-box", classes=box_classes):
            yield Label(t("hardening.save_as.title"), id="save-as-title")
            yield text_label(self._why(), id="save-as-why")
            yield Label(t("hardening.save_as.path"), id="save-as-path-label")
            yield Input(str(suggest_path(self.current)), id="save-as-path")
            yield Label(id="save-as-target")
            yield text_label("", id="save-as-error")
            with Horizontal(id="save-as-buttons"):
                yield Button(t("hardening.save_as.save"), variant="primary", id="save-as-save")
                yield Button(t("hardening.save_as.cancel"), id="save-as-cancel")

    def on_mount(self) -> None:
        self.show_target()

    KEEP = True
    """Built once (in the warm-up) and refilled: built anew it took 50-180 ms to show."""

    def take_over(self, fresh: "SaveAsDialog") -> None:
        """As a new one would be: the current file and whether changes are unsaved, a free
        name beside it, no error, the save button usable, the focus in the path."""
        self.current, self.unsaved = fresh.current, fresh.unsaved
        self.query_one("#save-as-box").set_class(not self.unsaved, "-saved")
        retext(self.query_one("#save-as-why", Label), self._why())
        field = self.query_one("#save-as-path", Input)
        refill(field, str(suggest_path(self.current)))
        retext(self.query_one("#save-as-error", Label), "")
        self.query_one("#save-as-save", Button).disabled = False
        self.show_target()
        field.select_all()  # as a new one's, focused: typing replaces the name offered
        self.focus_on_show(field)

    def _why(self) -> str:
        why = "hardening.save_as.why_unsaved" if self.unsaved else "hardening.save_as.why"
        return t(why, path=str(self.current))

    def target(self) -> Path | None:
        return resolve_target(self.query_one("#save-as-path", Input).value, self.current)

    def show_target(self) -> None:
        target = self.target()
        label = self.query_one("#save-as-target", Label)
        label.update(Content(t("hardening.save_as.target", path=str(target))) if target else "")

    @on(Input.Changed)
    def _changed(self) -> None:
        retext(self.query_one("#save-as-error", Label), "")
        self.show_target()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save-as-save")
    def submit(self) -> None:
        """Save to the file typed; the dialog closes once the session is there."""
        target = self.target()
        if target is None:
            self._say(t("hardening.save_as.path_required"))
            return
        self.save(target)

    @work(exclusive=True, group="save-as")
    async def save(self, target: Path) -> None:
        self.query_one("#save-as-save", Button).disabled = True
        try:
            error = await self.app.save_session_as(target)  # type: ignore[attr-defined]
        finally:
            self.query_one("#save-as-save", Button).disabled = False
        if error is None:
            self.dismiss(None)
        else:
            self._say(error)

    def _say(self, message: str) -> None:
        retext(self.query_one("#save-as-error", Label), message)
        self.query_one("#save-as-path", Input).focus()

    @on(Button.Pressed, "#save-as-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
