"""Import from the app: choose a file, see what it would add, skip and flag, then import.

The dialog is a client of :mod:`facilitator.core.importer`, the same core the ``facilitator
import`` command uses: :func:`plan_import` reads the file (in a worker thread, so a large XLSX
never freezes the screen) and the preview shows the plan; only "Import" writes it, as one change
that one ctrl+z takes back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Static

from facilitator.app.screens.dialog import DialogScreen, refill
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core.errors import FacilitatorError
from facilitator.core.records import Idea, Participant, Problem, Record, Unit
from facilitator.i18n import integer, language, t

SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt", ".tsv", ".yaml", ".yml")
PREVIEW_ROWS = 100
"""The rows the preview lists; the counts above it cover the whole file."""
ISSUE_LINES = 6
"""Skipped and duplicate rows named one by one; the rest are counted."""

COLUMNS: dict[str, tuple[Column, ...]] = {
    "ideas": (Column("title", "screens.col.idea", flex=3, min_width=12),
              Column("unit", "screens.col.unit", flex=2, min_width=8),
              Column("initiator", "screens.col.initiator", width=12)),
    "problems": (Column("statement", "screens.col.problem", flex=3, min_width=12),
                 Column("unit", "screens.col.unit", flex=2, min_width=8),
                 Column("usg", "screens.col.usg", width=8)),
    "units": (Column("name", "screens.col.unit_name", flex=3, min_width=12),
              Column("short", "drumup.col.short", width=14),
              Column("kind", "screens.col.unit_kind", width=16)),
    "participants": (Column("name", "screens.col.name", flex=2, min_width=10),
                     Column("jabatan", "screens.col.jabatan", flex=2, min_width=8),
                     Column("unit", "screens.col.unit", flex=2, min_width=8),
                     Column("nip", "drumup.col.nip", width=18)),
}


class PathSuggester(Suggester):
    """Completes a typed path as a shell does: folders, and the files the importer reads."""

    def __init__(self, base: Path) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = os.path.expanduser(value)
        folder, _, stem = typed.rpartition(os.sep)
        where = Path(folder or ".") if os.path.isabs(typed) else self.base / (folder or ".")
        try:
            names = sorted(os.listdir(where))
        except OSError:
            return None
        for name in names:
            if not name.startswith(stem) or name == stem or name.startswith("."):
                continue
            full = where / name
            if full.is_dir():
                return value + name[len(stem):] + os.sep
            if full.suffix.lower() in SUFFIXES:
                return value + name[len(stem):]
        return None


def resolve(value: str, base: Path) -> Path:
    """The file a typed path names: ``~`` expanded, relative to ``base``."""
    path = Path(os.path.expanduser(value.strip().strip('"').strip("'")))
    return path if path.is_absolute() else base / path


class ImportDialog(DialogScreen["int | None"]):
    """Preview and import a list (``what``: ideas, problems, units or participants)."""

    DEFAULT_CSS = """
    ImportDialog {
        #import-box { width: 100; }
        #import-title { text-style: bold; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
        #import-help { color: $text-muted; width: 1fr; height: auto; }
        #import-path { margin: 1 0 0 0; background: $boost; }
        #import-summary { height: auto; width: 1fr; margin-top: 1; }
        #import-issues { height: auto; max-height: 4; width: 1fr; color: $text-warning; }
        #import-preview { height: auto; max-height: 8; }
        #import-buttons { height: auto; align-horizontal: right; margin-top: 1; }
        #import-buttons Button { margin-left: 2; min-width: 10; }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="drumup.import_cancel"),
        Binding("ctrl+s", "apply", "Import", id="drumup.import_apply"),
    ]

    class Planned(Message):
        """The worker read the file: the plan, or the error that stopped it."""

        def __init__(self, path: Path, plan: Any = None, error: str = "") -> None:
            super().__init__()
            self.path = path
            self.plan = plan
            self.error = error

    def __init__(self, what: str, base: Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.what = what
        self.base = Path(base or Path.cwd())
        self.plan: Any = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box", classes="dialog-box"):
            yield Label(Content(t(f"drumup.import.title_{self.what}")), id="import-title")
            yield Label(Content(t(f"drumup.import.help_{self.what}")), id="import-help")
            yield Input(placeholder=t("drumup.import.path_placeholder"), id="import-path",
                        compact=True, suggester=PathSuggester(self.base))
            yield Static(id="import-summary", markup=False)
            yield Static(id="import-issues", markup=False)
            yield RecordTable(COLUMNS[self.what], id="import-preview")
            with Horizontal(id="import-buttons"):
                yield Button(t("drumup.import.apply"), variant="primary", id="import-apply",
                             disabled=True, compact=True)
                yield Button(t("drumup.form.cancel"), id="import-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-preview").display = False
        self.query_one("#import-path", Input).focus()

    KEEP = True
    _reading: Path | None = None
    """The file the last read was for: a read of another, finished late, is not shown."""

    def keep_key(self) -> Any:
        return (type(self), self.what)  # each list has its own preview columns

    def take_over(self, fresh: "ImportDialog") -> None:
        """The next import starts afresh: no file typed, nothing read, nothing to apply."""
        self.base, self.plan, self._reading = fresh.base, None, None
        path = self.query_one("#import-path", Input)
        path.suggester = PathSuggester(self.base)
        refill(path, "")
        self.query_one("#import-summary", Static).update("")
        self.query_one("#import-issues", Static).update("")
        preview = self.query_one("#import-preview", RecordTable)
        preview.set_rows([])
        preview.display = False
        self.query_one("#import-apply", Button).disabled = True

    # -- planning ------------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def _read(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            return
        path = resolve(event.value, self.base)
        self.plan, self._reading = None, path
        self.query_one("#import-apply", Button).disabled = True
        self.query_one("#import-summary", Static).update(
            Text(t("drumup.import.reading", file=str(path)), style="dim"))
        self.query_one("#import-issues", Static).update("")
        self.read_file(path)

    @work(thread=True, exclusive=True)
    def read_file(self, path: Path) -> None:
        from facilitator.core.importer import plan_import

        try:
            plan = plan_import(self.app.session, path, self.what)  # type: ignore[attr-defined]
        except FacilitatorError as exc:
            self.post_message(self.Planned(path, error=exc.message()))
            return
        self.post_message(self.Planned(path, plan=plan))

    def on_import_dialog_planned(self, message: Planned) -> None:
        if message.path != self._reading:
            return  # read for a file typed before the dialog was opened again
        summary = self.query_one("#import-summary", Static)
        preview = self.query_one("#import-preview", RecordTable)
        if message.error:
            summary.update(Text(message.error, style="bold red"))
            preview.display = False
            return
        plan = self.plan = message.plan
        summary.update(self._summary(plan))
        self.query_one("#import-issues", Static).update(self._issues(plan))
        preview.set_rows(self._rows(plan))
        preview.display = plan.added > 0
        button = self.query_one("#import-apply", Button)
        button.disabled = plan.added == 0 or self.app.session.readonly  # type: ignore[attr-defined]
        if not button.disabled:
            button.focus()

    def _summary(self, plan: Any) -> Text:
        line = Text(end="")
        line.append(t("drumup.import.summary", rows=integer(plan.rows), added=integer(plan.added),
                      what=t(f"drumup.import.what_{plan.what}")), style="bold")
        if plan.new_units:
            line.append("\n" + t("drumup.import.new_units", count=integer(len(plan.new_units)),
                                 names=", ".join(plan.new_units[:5])
                                 + (" …" if len(plan.new_units) > 5 else "")))
        if plan.columns:
            line.append("\n" + t("drumup.import.columns", columns=", ".join(
                plan.columns.values())), style="dim")
        if plan.added > PREVIEW_ROWS:
            line.append("\n" + t("drumup.import.first_rows", shown=integer(PREVIEW_ROWS)),
                        style="dim")
        return line

    def _issues(self, plan: Any) -> Text:
        lines = Text(end="")
        issues = [("skipped", i) for i in plan.skipped] + [("duplicate", i)
                                                           for i in plan.duplicates]
        for kind, issue in issues[:ISSUE_LINES]:
            if lines.plain:
                lines.append("\n")
            if kind == "skipped":
                why = t(f"import.{issue.code}", text=issue.text)
                lines.append(t("drumup.import.skipped_row", row=issue.row, why=why))
            else:
                lines.append(t("drumup.import.duplicate_row", row=issue.row, text=issue.text))
        if len(issues) > ISSUE_LINES:
            lines.append("\n" + t("drumup.import.more_issues",
                                  count=integer(len(issues) - ISSUE_LINES)))
        summary = []
        if plan.skipped:
            summary.append(t("drumup.import.skipped_count", count=integer(len(plan.skipped))))
        if plan.duplicates:
            summary.append(t("drumup.import.duplicate_count",
                             count=integer(len(plan.duplicates))))
        if summary:
            lines = Text(" · ".join(summary) + ("\n" if lines.plain else ""), style="bold",
                         end="") + lines
        return lines

    def _rows(self, plan: Any) -> list[tuple[str, tuple[Any, ...]]]:
        from facilitator.core.template import load_default_template

        session = self.app.session  # type: ignore[attr-defined]
        names = {u.id: u.name for u in session.all(Unit)}
        names.update({r.id: r.name for r in plan.records if isinstance(r, Unit)})
        template = load_default_template()
        lang = language()
        rows: list[tuple[str, tuple[Any, ...]]] = []
        mine = [r for r in plan.records if r.TABLE == plan.what][:PREVIEW_ROWS]
        for n, record in enumerate(mine):
            rows.append((f"row-{n}", self._cells(record, names, template, lang)))
        return rows

    @staticmethod
    def _cells(record: Record, names: dict[str, str], template: Any, lang: str) -> tuple:
        if isinstance(record, Idea):
            initiator = template.label("initiator", record.initiator, lang) \
                if record.initiator else ""
            return (record.title, names.get(record.unit_id, ""), initiator)
        if isinstance(record, Problem):
            usg = "–" if not record.usg else \
                f"{record.urgency}+{record.seriousness}+{record.growth}"
            return (record.statement, names.get(record.unit_id, ""), usg)
        if isinstance(record, Unit):
            return (record.name, record.short, template.label("unit_kind", record.kind, lang))
        if isinstance(record, Participant):
            return (record.name, record.jabatan, names.get(record.unit_id, ""), record.nip)
        return ()

    # -- applying ------------------------------------------------------------------------------

    @on(Button.Pressed, "#import-apply")
    def action_apply(self) -> None:
        from facilitator.core.importer import apply_import

        if self.plan is None or self.plan.added == 0:
            return
        try:
            apply_import(self.app.session, self.plan)  # type: ignore[attr-defined]
        except FacilitatorError as exc:
            self.query_one("#import-summary", Static).update(
                Text(exc.message(), style="bold red"))
            return
        self.dismiss(self.plan.added)

    @on(Button.Pressed, "#import-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
