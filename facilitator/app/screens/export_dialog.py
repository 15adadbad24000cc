"""The export dialog: choose a format and a folder, watch the progress, read where it went.

The export runs in a worker thread (a bundle renders a dozen documents, seconds on a slow
laptop) that never touches a widget: it posts :class:`ExportDialog.Progress`, then
:class:`ExportDialog.Finished` or :class:`ExportDialog.Failed`, and only their handlers change
what the dialog shows. A failure (full disk, a folder the coach may not write to) is shown as
its message; the dialog stays open with the same choices, so the coach can pick another folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from facilitator.app.screens.dialog import DialogScreen, refill
from facilitator.core.errors import FacilitatorError
from facilitator.core.session import Session
from facilitator.i18n import integer, t

DEFAULT_FORMAT = "bundle"
"""The format offered first: everything in one zip, what LAN and the region are sent."""


def default_export_folder(sessions_dir: Path, session: Session) -> Path:
    """Where a session's exports go unless the coach says otherwise:
    ``<sessions folder>/exports/<session file's name>/``."""
    return Path(sessions_dir) / "exports" / Path(session.path).stem


def format_prompt(name: str) -> Content:
    """A format in the list: its name, then what it holds."""
    return Content.assemble((name.ljust(16), "bold"), (t(f"display.export.format.{name}"), ""))


class ExportDialog(DialogScreen[None]):
    """Export the session in one of the formats into a folder."""

    # Compact widgets throughout: the whole dialog, twelve formats included, fits 80x24.
    DEFAULT_CSS = """
    ExportDialog {
        #export-box { width: 84; }
        #export-title { text-style: bold; }
        #export-formats { height: auto; max-height: 12; margin-top: 1; }
        #export-folder { width: 1fr; background: $boost; }
        #export-progress { display: none; }
        &.-running #export-progress { display: block; }
        #export-status { height: auto; }
        #export-result { height: auto; max-height: 3; display: none; }
        &.-done #export-result { display: block; }
        #export-result Static { height: auto; color: $text-muted; }
        .-error { color: $text-error; text-style: bold; }
        #export-buttons { height: auto; align-horizontal: right; }
        #export-buttons Button { margin-left: 1; }
    }
    """

    BINDINGS = [Binding("escape", "close", "Close", id="display.dialog_close")]

    class Progress(Message):
        """How far the export is: ``done`` of ``total`` steps, the format being written."""

        def __init__(self, done: int, total: int, step: str) -> None:
            super().__init__()
            self.done, self.total, self.step = done, total, step

    class Finished(Message):
        """The export wrote ``paths``."""

        def __init__(self, paths: list[Path]) -> None:
            super().__init__()
            self.paths = paths

    class Failed(Message):
        """The export failed; ``text`` is the message for the coach."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, session: Session, folder: Path, *, fmt: str = DEFAULT_FORMAT,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from facilitator.export import format_names

        self.session = session
        self.folder = Path(folder)
        self.formats = format_names()
        self.initial = fmt if fmt in self.formats else self.formats[0]
        self.running = False
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="dialog-box"):
            yield Label(t("display.export.title"), id="export-title")
            yield OptionList(*(Option(format_prompt(name), id=name) for name in self.formats),
                             id="export-formats", compact=True)
            yield Label(t("display.export.folder"))
            yield Input(str(self.folder), id="export-folder", compact=True)
            yield ProgressBar(total=1, show_eta=False, id="export-progress")
            yield Static(id="export-status")
            with VerticalScroll(id="export-result", can_focus=False):
                yield Static(id="export-paths")
            with Horizontal(id="export-buttons"):
                yield Button(t("display.export.run"), variant="primary", id="export-run",
                             compact=True)
                yield Button(t("display.export.close"), id="export-close", compact=True)

    def on_mount(self) -> None:
        formats = self.query_one("#export-formats", OptionList)
        formats.highlighted = self.formats.index(self.initial)
        formats.focus()

    KEEP = True

    def take_over(self, fresh: "ExportDialog") -> None:
        """The next export starts afresh: the format first offered, the folder, no result."""
        self.session, self.folder = fresh.session, fresh.folder
        self.formats, self.initial = fresh.formats, fresh.initial
        self.running, self.written = False, []
        self.remove_class("-running", "-done")
        self.query_one("#export-run", Button).disabled = False
        self.query_one("#export-progress", ProgressBar).update(total=1, progress=0)
        self._status("")
        self.query_one("#export-paths", Static).update("")
        refill(self.query_one("#export-folder", Input), str(self.folder))
        formats = self.query_one("#export-formats", OptionList)
        formats.highlighted = self.formats.index(self.initial)
        self.focus_on_show(formats)

    @property
    def chosen(self) -> str:
        """The format under the list's cursor."""
        formats = self.query_one("#export-formats", OptionList)
        index = formats.highlighted if formats.highlighted is not None else 0
        return self.formats[index]

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(Content(text))
        status.set_class(error, "-error")

    # -- running -------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#export-formats")
    @on(Input.Submitted, "#export-folder")
    @on(Button.Pressed, "#export-run")
    def start(self) -> None:
        """Export in the chosen format into the folder typed (the default if left empty)."""
        if self.running:
            return
        typed = self.query_one("#export-folder", Input).value.strip()
        folder = Path(typed).expanduser() if typed else self.folder
        fmt = self.chosen
        self.running = True
        self.remove_class("-done")
        self.add_class("-running")
        self.query_one("#export-run", Button).disabled = True
        self.query_one("#export-progress", ProgressBar).update(total=1, progress=0)
        self.query_one("#export-paths", Static).update("")
        self._status(t("display.export.running", format=fmt))
        self.run_export(fmt, folder)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, fmt: str, folder: Path) -> None:
        """Write the export (in a worker thread); report through messages only."""
        from facilitator.export import export

        def progress(done: int, total: int, step: str) -> None:
            self.post_message(self.Progress(done, total, step))

        try:
            paths = export(self.session, fmt, folder, progress=progress)
        except FacilitatorError as exc:
            self.post_message(self.Failed(exc.message()))
        except Exception as exc:  # noqa: BLE001 - the room sees a message, never a traceback
            self.post_message(self.Failed(t("display.export.failed",
                                            reason=str(exc) or type(exc).__name__)))
        else:
            self.post_message(self.Finished(paths))

    def on_export_dialog_progress(self, message: Progress) -> None:
        if not self.running:
            return
        self.query_one("#export-progress", ProgressBar).update(
            total=max(message.total, 1), progress=message.done)
        self._status(t("display.export.step", format=message.step,
                       done=integer(message.done), total=integer(message.total)))

    def on_export_dialog_finished(self, message: Finished) -> None:
        self._stop()
        self.written = list(message.paths)
        self.remove_class("-running")
        self.add_class("-done")
        folders = {path.parent for path in message.paths}
        where = str(next(iter(folders))) if len(folders) == 1 else ""
        self._status(t("display.export.done", count=integer(len(message.paths)), folder=where))
        self.query_one("#export-paths", Static).update(
            Content("\n").join(Content(str(path)) for path in message.paths))

    def on_export_dialog_failed(self, message: Failed) -> None:
        self._stop()
        self.remove_class("-running")
        self._status(message.text, error=True)

    def _stop(self) -> None:
        self.running = False
        self.query_one("#export-run", Button).disabled = False

    # -- closing -------------------------------------------------------------------------------

    @on(Button.Pressed, "#export-close")
    def action_close(self) -> None:
        """Close, unless an export is still being written (its result would go unseen)."""
        if self.running:
            self.notify(t("display.export.wait"), markup=False)
            return
        self.dismiss(None)
