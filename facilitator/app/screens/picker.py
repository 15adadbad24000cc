"""The session picker: the start screen of ``facilitator`` with no session.

It lists the session files of the sessions folder, the most recently changed first, each with its
region, date, stage and counts. Reading the files happens in a worker thread (a folder of large
sessions must not freeze the screen); a file that cannot be read is listed with its message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.app.screens.base import LocalizedScreen
from facilitator.core.errors import FacilitatorError, StoreError
from facilitator.i18n import integer, t

JOURNAL_SUFFIX = ".journal"


@dataclass
class SessionEntry:
    """One file of the sessions folder: its counts, or why it could not be read."""

    path: Path
    mtime: float
    figures: dict[str, Any] | None = None
    error: FacilitatorError | None = None


def last_change(path: Path) -> float:
    """When the session last changed: the file or its journal, whichever is newer."""
    times = [path.stat().st_mtime]
    journal = path.with_name(path.name + JOURNAL_SUFFIX)
    try:
        times.append(journal.stat().st_mtime)
    except OSError:
        pass
    return max(times)


def read_entry(path: Path) -> SessionEntry:
    """Read one file's counts without locking it (another copy of the app may hold it)."""
    from facilitator.core.session import Session
    from facilitator.core.stats import stats

    try:
        mtime = last_change(path)
    except OSError as exc:
        return SessionEntry(path, 0.0, error=StoreError(
            "cannot_read", path=str(path), reason=exc.strerror or str(exc)))
    try:
        session = Session.open(path, readonly=True)
        try:
            figures = stats(session)
        finally:
            session.close()
    except FacilitatorError as exc:
        return SessionEntry(path, mtime, error=exc)
    except Exception as exc:  # noqa: BLE001 - one odd file must never take the picker down
        return SessionEntry(path, mtime, error=StoreError(
            "cannot_read", path=str(path), reason=str(exc) or type(exc).__name__))
    return SessionEntry(path, mtime, figures=figures)


def scan_sessions(folder: Path) -> list[SessionEntry] | None:
    """The session files of ``folder``, most recently changed first; None if there is no folder."""
    try:
        paths = [p for p in Path(folder).glob("*.json") if p.is_file()]
    except OSError:
        return None
    if not Path(folder).is_dir():
        return None
    entries = [read_entry(path) for path in paths]
    entries.sort(key=lambda e: (-e.mtime, e.path.name))
    return entries


def entry_prompt(entry: SessionEntry) -> Content:
    """Two lines for the list: region and date, then stage and counts (or the error)."""
    name = entry.path.name
    if entry.error is not None or entry.figures is None:
        message = entry.error.message() if entry.error else ""
        return Content.assemble(
            (name, "bold"), "  ", (t("app.picker.unreadable"), "bold $text-error"),
            "\n", (message, "$text-error"))
    figures = entry.figures
    region = figures["region"] or t("app.picker.no_region")
    date = figures["date"] or t("app.picker.no_date")
    counts = t("app.picker.counts", stage=t(f"stage.{figures['stage']}"),
               ideas=integer(figures["ideas"]), opds=integer(figures["opds"]),
               participants=integer(figures["participants"]))
    return Content.assemble(
        (region, "bold"), "  ", (date, "$text-accent"), "\n", counts, "  ", (name, "dim"))


class PickerScreen(LocalizedScreen):
    """Choose a session to open, or create a new one."""

    DEFAULT_CSS = """
    PickerScreen {
        #picker-title { padding: 1 1 0 1; text-style: bold; width: 1fr; }
        #picker-hint { padding: 0 1; color: $text-muted; width: 1fr; height: auto; }
        #picker-list { height: 1fr; margin: 1 1 0 1; }
        &.-empty #picker-list { display: none; }
    }
    """

    BINDINGS = [
        Binding("enter", "open_highlighted", "Open", id="app.picker_open"),
        Binding("n", "new_session", "New session", id="app.picker_new"),
        Binding("r", "rescan", "Reload", id="app.picker_refresh"),
        Binding("escape", "back", "Back", id="app.picker_back"),
    ]

    class Scanned(Message):
        """The worker has read the folder."""

        def __init__(self, entries: list[SessionEntry] | None) -> None:
            super().__init__()
            self.entries = entries

    def __init__(self, folder: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(folder)
        self.entries: list[SessionEntry] | None = None
        self.scanned = False

    def compose(self) -> ComposeResult:
        from facilitator.app.widgets.frame import KeysFooter, SessionHeader

        yield SessionHeader(self.app.session)  # type: ignore[attr-defined]
        yield Label(Content(t("app.picker.title", folder=str(self.folder))), id="picker-title")
        yield OptionList(id="picker-list")
        yield Static(id="picker-hint")
        yield KeysFooter()

    async def on_screen_resume(self) -> None:
        from facilitator.app.widgets.frame import SessionHeader

        for header in self.query(SessionHeader):
            header.update_from(self.app.session)  # type: ignore[attr-defined]
        self.refresh_bindings()
        self.action_rescan()

    def after_relocalize(self) -> None:
        self.show_entries()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.app.session is not None  # type: ignore[attr-defined]
        if action == "open_highlighted":
            return bool(self.entries)
        return True

    # -- reading the folder ----------------------------------------------------------------

    def action_rescan(self) -> None:
        if not self.scanned:
            self.query_one("#picker-hint", Static).update(t("app.picker.scanning"))
        self.scan()

    @work(thread=True, exclusive=True, group="picker-scan")
    def scan(self) -> None:
        self.post_message(self.Scanned(scan_sessions(self.folder)))

    def on_picker_screen_scanned(self, message: Scanned) -> None:
        self.scanned = True
        self.entries = message.entries
        self.show_entries()
        self.refresh_bindings()

    def show_entries(self) -> None:
        """Fill the list from the last scan, keeping the highlighted file where it was."""
        option_list = self.query_one("#picker-list", OptionList)
        hint = self.query_one("#picker-hint", Static)
        if not self.scanned:
            hint.update(t("app.picker.scanning"))
            return
        previous = option_list.highlighted_option.id if option_list.highlighted_option else None
        entries = self.entries or []
        options: list[Option | None] = []
        for index, entry in enumerate(entries):
            if index:
                options.append(None)
            options.append(Option(entry_prompt(entry), id=str(entry.path)))
        option_list.clear_options()
        option_list.add_options(options)
        if entries:
            ids = [str(e.path) for e in entries]
            option_list.highlighted = (
                option_list.get_option_index(previous) if previous in ids else 0)
            hint.update(t("app.picker.hint"))
        elif self.entries is None:
            hint.update(Content(t("app.picker.no_folder", folder=str(self.folder))))
        else:
            hint.update(t("app.picker.empty"))
        self.set_class(not entries, "-empty")
        if entries and self.focused is None:
            option_list.focus()

    # -- opening and creating ----------------------------------------------------------------

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            await self.app.open_session_file(Path(event.option.id))  # type: ignore[attr-defined]

    async def action_open_highlighted(self) -> None:
        option_list = self.query_one("#picker-list", OptionList)
        option = option_list.highlighted_option
        if option is not None and option.id:
            await self.app.open_session_file(Path(option.id))  # type: ignore[attr-defined]

    def action_new_session(self) -> None:
        from facilitator.app.screens.new_session import NewSessionDialog

        self.app.push_screen(NewSessionDialog(self.folder, Date.today().isoformat()),
                             self.create_session)

    async def create_session(self, request: Any) -> None:
        """Create the session the dialog asked for (the folder too, if need be) and open it."""
        if request is None:
            return
        await self.app.create_session(request.path, region=request.region,  # type: ignore[attr-defined]
                                      date=request.date)

    def action_back(self) -> None:
        self.app.back_to_session()  # type: ignore[attr-defined]
