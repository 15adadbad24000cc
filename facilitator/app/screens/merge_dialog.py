"""The merge dialog: the work of other laptops joins the open session, in a new file.

The coach picks the other session files (those in the sessions folder, or a path typed in, e.g.
on a USB stick) and the new file's name. The merge runs in a worker thread and reports through
messages: how many records, which records two laptops both edited (the later edit won), and any
broken seal chain, which refuses the merge until the coach confirms it. Neither the open session
nor the other files are changed; at the end the dialog offers to open the merged session (it is
dismissed with the new file's path).
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
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from facilitator.app.screens.dialog import DialogScreen, refill
from facilitator.core.errors import FacilitatorError, StoreError
from facilitator.core.session import Session
from facilitator.export import safe_name
from facilitator.i18n import integer, t

LABEL_FIELDS = ("title", "name", "statement", "text", "region", "action", "key")
"""The field that names a record in the report, the first one it has."""
SHOWN_CONFLICTS = 8
"""Conflicts listed one by one; the rest are counted."""


def default_merge_path(sessions_dir: Path, session: Session) -> Path:
    """A new file beside the sessions: ``<sessions>/<this session>-gabungan.json`` (numbered
    if taken)."""
    folder = Path(sessions_dir)
    base = f"{Path(session.path).stem}-{safe_name(t('display.merge.file_suffix'))}"
    candidate, number = folder / f"{base}.json", 2
    while candidate.exists():
        candidate = folder / f"{base}-{number}.json"
        number += 1
    return candidate


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def record_label(doc: dict[str, Any] | None) -> str:
    """What names a record in the report (its title, name...), cut short."""
    if not doc:
        return ""
    for name in LABEL_FIELDS:
        value = doc.get(name)
        if isinstance(value, dict):  # a criterion's name in several languages
            value = value.get("id") or next(iter(value.values()), "")
        if value:
            text = " ".join(str(value).split())
            return text if len(text) <= 40 else text[:39] + "…"
    return ""


def report_content(report: Any, out: Path) -> Content:
    """The merge report as the coach reads it: what was written (or refused), the conflicts,
    the broken chains. File names only, not their folders: they are the laptops' names."""
    lines: list[Content] = []
    files = integer(len(report.files))
    records = integer(report.records)
    if report.written:
        lines.append(Content.assemble(
            ("✓ ", "bold $success"),
            (t("display.merge.written", files=files, records=records, path=str(out)), "bold")))
    else:
        lines.append(Content.assemble(
            ("✗ ", "bold $text-error"),
            (t("display.merge.refused", files=files, records=records), "bold $text-error")))
    conflicts = report.conflicts
    if conflicts:
        lines.append(Content(t("display.merge.conflicts", count=integer(len(conflicts)))))
    for conflict in conflicts[:SHOWN_CONFLICTS]:
        table = t(f"export.table.{conflict['table']}")
        label = record_label(report.tables.get(conflict["table"], {}).get(conflict["id"]))
        kept = ", ".join(Path(f).name for f in conflict["kept"]) or "-"
        dropped = ", ".join(Path(f).name for f in conflict["dropped"]) or "-"
        if conflict.get("same_key_as"):
            text = t("display.merge.same_key", table=table, label=label or conflict["id"])
        else:
            text = t("display.merge.conflict", table=table, label=label or conflict["id"],
                     kept=kept, dropped=dropped)
        lines.append(Content.assemble(("  • ", "dim"), text))
    if len(conflicts) > SHOWN_CONFLICTS:
        lines.append(Content(t("display.merge.more",
                               count=integer(len(conflicts) - SHOWN_CONFLICTS))))
    for broken in report.broken:
        lines.append(Content.assemble(("  ✗ ", "bold $text-error"), (t(
            "display.merge.broken", file=Path(broken.get("file", "")).name or "-",
            name=broken.get("name") or broken["id"],
            problem=t(f"display.merge.problem.{broken['problem']}")), "$text-error")))
    return Content("\n").join(lines)


class MergeDialog(DialogScreen["Path | None"]):
    """Merge other session files with the open session into a new file."""

    # Compact widgets throughout, so that the dialog and its report fit 80x24.
    DEFAULT_CSS = """
    MergeDialog {
        #merge-box { width: 84; }
        #merge-title { text-style: bold; }
        #merge-hint { color: $text-muted; height: auto; }
        #merge-files { height: auto; max-height: 6; min-height: 1; margin-top: 1; }
        #merge-path, #merge-out { width: 1fr; background: $boost; }
        #merge-path { margin-bottom: 1; }
        #merge-report-box { height: auto; max-height: 7; }
        #merge-report { height: auto; }
        #merge-message { height: auto; }
        .-error { color: $text-error; text-style: bold; }
        #merge-buttons { height: auto; align-horizontal: right; }
        #merge-buttons Button { margin-left: 1; }
        #merge-force, #merge-open { display: none; }
        &.-refused #merge-force { display: block; }
        &.-written #merge-open { display: block; }
        &.-written #merge-run { display: none; }
    }
    """

    BINDINGS = [Binding("escape", "close", "Close", id="display.dialog_close")]

    class Scanned(Message):
        """The sessions folder was read: ``entries`` are ``(path, prompt, readable)``."""

        def __init__(self, entries: list[tuple[Path, Content, bool]]) -> None:
            super().__init__()
            self.entries = entries

    class Merged(Message):
        """The merge ran: its report, and the file it wrote (or would have)."""

        def __init__(self, report: Any, out: Path) -> None:
            super().__init__()
            self.report, self.out = report, out

    class Failed(Message):
        """The merge could not run; ``text`` is the message for the coach."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, session: Session, sessions_dir: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.sessions_dir = Path(sessions_dir)
        self.running = False
        self.report: Any = None
        self.out: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="merge-box", classes="dialog-box"):
            yield Label(t("display.merge.title"), id="merge-title")
            yield Static(Content(t("display.merge.hint", path=str(self.session.path.name))),
                         id="merge-hint")
            yield SelectionList[str](id="merge-files", compact=True)
            yield Input(placeholder=t("display.merge.path_placeholder"), id="merge-path",
                        compact=True)
            yield Label(t("display.merge.out"))
            yield Input(str(default_merge_path(self.sessions_dir, self.session)), id="merge-out",
                        compact=True)
            yield Static(id="merge-message")
            # Not focusable: Tab goes from the fields to the buttons (the mouse scrolls it).
            with VerticalScroll(id="merge-report-box", can_focus=False):
                yield Static(id="merge-report")
            with Horizontal(id="merge-buttons"):
                yield Button(t("display.merge.run"), variant="primary", id="merge-run",
                             compact=True)
                yield Button(t("display.merge.force"), variant="error", id="merge-force",
                             compact=True)
                yield Button(t("display.merge.open"), variant="success", id="merge-open",
                             compact=True)
                yield Button(t("display.merge.close"), id="merge-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#merge-files", SelectionList).focus()
        self._say(t("display.merge.scanning"))
        if self.app.screen is self:  # not when built in the background: read when opened
            self.scan()

    KEEP = True

    def take_over(self, fresh: "MergeDialog") -> None:
        """The next merge starts afresh: no file chosen, the folder read again, no report."""
        self.session, self.sessions_dir = fresh.session, fresh.sessions_dir
        self.running, self.report, self.out = False, None, None
        self.remove_class("-refused", "-written")
        self.query_one("#merge-hint", Static).update(
            Content(t("display.merge.hint", path=str(self.session.path.name))))
        files = self.query_one("#merge-files", SelectionList)
        files.clear_options()
        refill(self.query_one("#merge-path", Input), "")
        refill(self.query_one("#merge-out", Input),
               str(default_merge_path(self.sessions_dir, self.session)))
        self.query_one("#merge-report", Static).update("")
        self.query_one("#merge-run", Button).disabled = False
        self.query_one("#merge-report-box", VerticalScroll).scroll_home(animate=False)
        self._say(t("display.merge.scanning"))
        self.focus_on_show(files)
        self.scan()

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#merge-message", Static)
        message.update(Content(text))
        message.set_class(error, "-error")

    # -- the files to merge --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="merge-scan")
    def scan(self) -> None:
        """Read the sessions folder (in a worker: every file is opened to name its region)."""
        from facilitator.app.screens.picker import scan_sessions

        entries: list[tuple[Path, Content, bool]] = []
        for entry in scan_sessions(self.sessions_dir) or []:
            if _same(entry.path, self.session.path):
                continue
            if entry.figures is None:
                prompt = Content.assemble((entry.path.name, "bold"), "  ",
                                          (t("display.merge.unreadable"), "$text-error"))
                entries.append((entry.path, prompt, False))
                continue
            figures = entry.figures
            prompt = Content.assemble(
                (entry.path.name, "bold"), "  ", figures["region"] or "", "  ",
                (t("display.merge.counts", ideas=integer(figures["ideas"]),
                   participants=integer(figures["participants"])), "dim"))
            entries.append((entry.path, prompt, True))
        self.post_message(self.Scanned(entries))

    def on_merge_dialog_scanned(self, message: Scanned) -> None:
        files = self.query_one("#merge-files", SelectionList)
        chosen = set(files.selected)
        for path, prompt, readable in message.entries:
            if str(path) in self._values():
                continue
            files.add_option(Selection(prompt, str(path), str(path) in chosen,
                                       disabled=not readable))
        if files.highlighted is None and files.option_count:
            files.highlighted = 0
        self._say(t("display.merge.found", count=integer(len(message.entries)))
                  if message.entries else t("display.merge.none_found",
                                            folder=str(self.sessions_dir)))

    def _values(self) -> set[str]:
        files = self.query_one("#merge-files", SelectionList)
        return {str(files.get_option_at_index(n).value) for n in range(files.option_count)}

    @on(Input.Submitted, "#merge-path")
    def add_typed_path(self) -> None:
        """A path typed in (a file on a USB stick): add it to the list, chosen."""
        field = self.query_one("#merge-path", Input)
        typed = field.value.strip()
        if not typed:
            return
        path = Path(typed).expanduser()
        if not path.is_file():
            self._say(StoreError("not_found", path=str(path)).message(), error=True)
            return
        if _same(path, self.session.path):
            self._say(t("display.merge.is_current"), error=True)
            return
        files = self.query_one("#merge-files", SelectionList)
        if str(path) in self._values():
            files.select(str(path))
        else:
            files.add_option(Selection(Content.assemble((path.name, "bold"), "  ",
                                                        (str(path.parent), "dim")),
                                       str(path), True))
        field.value = ""
        self._say(t("display.merge.added", name=path.name))

    # -- merging -------------------------------------------------------------------------------

    @on(Button.Pressed, "#merge-run")
    @on(Input.Submitted, "#merge-out")
    def start(self) -> None:
        self.run_merge_now(allow_broken=False)

    @on(Button.Pressed, "#merge-force")
    def force(self) -> None:
        self.run_merge_now(allow_broken=True)

    def run_merge_now(self, *, allow_broken: bool) -> None:
        """Merge the chosen files with the open session into the new file."""
        if self.running:
            return
        others = [Path(v) for v in self.query_one("#merge-files", SelectionList).selected]
        if not others:
            self._say(t("display.merge.choose"), error=True)
            return
        typed = self.query_one("#merge-out", Input).value.strip()
        if not typed:
            self._say(t("display.merge.out_required"), error=True)
            return
        out = Path(typed).expanduser()
        if out.suffix.lower() != ".json":
            out = out.with_name(out.name + ".json")
        if out.exists():
            self._say(StoreError("exists", path=str(out)).message(), error=True)
            return
        # The open session is read from memory, as it is now (its file may have a journal
        # beside it); a copy of each table, so that later changes cannot reach the worker.
        own = {name: dict(docs) for name, docs in self.session.store.tables.items()}
        self.running = True
        self.remove_class("-refused", "-written")
        self.query_one("#merge-run", Button).disabled = True
        self._say(t("display.merge.running"))
        self.run_merge(own, others, out, allow_broken)

    @work(thread=True, exclusive=True, group="merge")
    def run_merge(self, own: dict, others: list[Path], out: Path, allow_broken: bool) -> None:
        """Merge (in a worker thread); report through messages only."""
        # _readable: each other file read and checked record by record, as the CLI's merge
        # does, so a damaged record is named instead of carried into the merged file.
        from facilitator.core.merge import _readable, merge_into

        try:
            inputs = [(str(self.session.path), own)] + [(str(p), _readable(p)) for p in others]
            report = merge_into(inputs, out, allow_broken=allow_broken)
        except FacilitatorError as exc:
            self.post_message(self.Failed(exc.message()))
        except Exception as exc:  # noqa: BLE001 - the room sees a message, never a traceback
            self.post_message(self.Failed(t("display.merge.failed",
                                            reason=str(exc) or type(exc).__name__)))
        else:
            self.post_message(self.Merged(report, out))

    def on_merge_dialog_merged(self, message: Merged) -> None:
        self.running = False
        self.query_one("#merge-run", Button).disabled = False
        self.report, self.out = message.report, message.out
        self.query_one("#merge-report", Static).update(report_content(message.report,
                                                                      message.out))
        if message.report.written:
            self.add_class("-written")
            self._say("")
            self.query_one("#merge-open", Button).focus()
        else:
            self.add_class("-refused")
            self._say(t("display.merge.confirm_broken"), error=True)

    def on_merge_dialog_failed(self, message: Failed) -> None:
        self.running = False
        self.query_one("#merge-run", Button).disabled = False
        self._say(message.text, error=True)

    # -- leaving -------------------------------------------------------------------------------

    @on(Button.Pressed, "#merge-open")
    def open_merged(self) -> None:
        """Close and have the merged session opened."""
        if self.report is not None and self.report.written and self.out is not None:
            self.dismiss(self.out)

    @on(Button.Pressed, "#merge-close")
    def action_close(self) -> None:
        if self.running:
            self.notify(t("display.merge.wait"), markup=False)
            return
        self.dismiss(None)
