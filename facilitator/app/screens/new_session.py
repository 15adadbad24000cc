"""The "new session" dialog: region and date in, a safe, fresh file name out."""

from __future__ import annotations

import glob
import re
import unicodedata
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label

from facilitator.app.screens.dialog import DialogScreen
from facilitator.i18n import t

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
# Names Windows refuses as file names, whatever the extension: a session copied there must open.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
            *(f"lpt{i}" for i in range(10))}
SLUG_LENGTH = 60


def slugify(text: str) -> str:
    """A file-name-safe form of a region's name: ``Kabupaten Sorong`` -> ``kabupaten-sorong``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_LENGTH].strip("-")


def valid_date(text: str) -> bool:
    """Whether ``text`` is a real calendar date written YYYY-MM-DD."""
    if not DATE_FORMAT.fullmatch(text):
        return False
    try:
        Date.fromisoformat(text)
    except ValueError:
        return False
    return True


def new_session_path(folder: Path, region: str, date: str = "") -> Path:
    """A path in ``folder`` for a new session that no file (or its sidecars) already uses."""
    stem = "-".join(part for part in (slugify(region) or "sesi", date) if part)
    if stem in RESERVED:
        stem += "-sesi"

    def taken(path: Path) -> bool:
        # A leftover journal or backup of a deleted session must not be mistaken for this one's.
        return path.exists() or any(folder.glob(glob.escape(path.name) + ".*"))

    candidate, number = folder / f"{stem}.json", 2
    while taken(candidate):
        candidate = folder / f"{stem}-{number}.json"
        number += 1
    return candidate


@dataclass
class NewSession:
    """What the dialog asks for: the region, the start date (may be empty) and the file."""

    region: str
    date: str
    path: Path


class NewSessionDialog(DialogScreen["NewSession | None"]):
    """Ask for the region and the date; dismissed with a :class:`NewSession` or None."""

    DEFAULT_CSS = """
    NewSessionDialog {
        #new-box { width: 70; }
        #new-title { text-style: bold; padding-bottom: 1; }
        #new-file { color: $text-muted; height: auto; width: 1fr; }
        #new-error { color: $text-error; height: auto; width: 1fr; }
        #new-buttons { height: auto; align-horizontal: right; }
        #new-buttons Button { margin-left: 1; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="app.dialog_cancel")]

    def __init__(self, folder: Path, today: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(folder)
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="new-box", classes="dialog-box"):
            yield Label(t("app.new.title"), id="new-title")
            yield Label(t("app.new.region"))
            yield Input(placeholder=t("app.new.region_placeholder"), id="new-region")
            yield Label(t("app.new.date"))
            yield Input(self.today, placeholder=t("app.new.date_placeholder"), max_length=10,
                        id="new-date")
            yield Label(id="new-file")
            yield Label(id="new-error")
            with Horizontal(id="new-buttons"):
                yield Button(t("app.new.create"), variant="primary", id="new-create")
                yield Button(t("app.new.cancel"), id="new-cancel")

    def on_mount(self) -> None:
        self.show_file()

    def values(self) -> tuple[str, str]:
        return (self.query_one("#new-region", Input).value.strip(),
                self.query_one("#new-date", Input).value.strip())

    def show_file(self) -> None:
        region, date = self.values()
        label = self.query_one("#new-file", Label)
        if not region:
            label.update("")
            return
        path = new_session_path(self.folder, region, date if valid_date(date) else "")
        label.update(Content(t("app.new.file", path=str(path))))

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one("#new-error", Label).update("")
        self.show_file()

    @on(Input.Submitted, "#new-region")
    def _region_entered(self) -> None:
        if self.values()[0]:
            self.query_one("#new-date", Input).focus()
        else:
            self.submit()

    @on(Input.Submitted, "#new-date")
    @on(Button.Pressed, "#new-create")
    def submit(self) -> None:
        """Check the fields; close with the new session's details if they are right."""
        region, date = self.values()
        error = self.query_one("#new-error", Label)
        if not region:
            error.update(t("app.new.region_required"))
            self.query_one("#new-region", Input).focus()
            return
        if date and not valid_date(date):
            error.update(t("app.new.date_invalid"))
            self.query_one("#new-date", Input).focus()
            return
        self.dismiss(NewSession(region, date, new_session_path(self.folder, region, date)))

    @on(Button.Pressed, "#new-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
