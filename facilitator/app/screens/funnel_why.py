"""The why-report in the app: every idea, where it ended, and its path through the rounds with
the reason at each step; the same content ``facilitator export --format funnel`` writes, which
the coach can also write from here (e) into the sessions folder's ``exports``."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Static

from facilitator.app.screens.base import LocalizedScreen
from facilitator.app.screens.dialog import Kept
from facilitator.app.screens.funnel_rounds import funnel_line
from facilitator.app.widgets.frame import KeysFooter
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.records import Idea
from facilitator.core.session import Session
from facilitator.i18n import t

WHY_COLUMNS = (
    Column("idea", "screens.col.idea", flex=3, min_width=14),
    Column("unit", "screens.col.unit", flex=1, min_width=8),
    Column("outcome", "design.col.outcome", flex=2, min_width=10),
)

OUTCOME_STYLE = {"selected": "bold green", "cut": "bold red", "merged": "cyan",
                 "unmerged": "dim", "not_screened": "dim"}


class WhyScreen(LocalizedScreen, Kept):
    """The why-report: the ideas (filter with /) and the path of the one under the cursor."""

    KEEP = True
    """Built, the report takes ~300 ms at 3,000 ideas (their paths read, a table of 3,000
    rows); kept, it is shown again at once, the paths read again only if the session changed
    (see :class:`Kept`)."""

    DEFAULT_CSS = """
    WhyScreen {
        .why-line { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
        #why-title { text-style: bold; background: $primary; color: $text; }
        #why-table { height: 1fr; }
        #why-filter { margin: 0 1; }
        #why-detail-box { height: 7; border-top: solid $primary; padding: 0 1; }
    }
    """
    AUTO_FOCUS = "#why-table"

    BINDINGS = [
        Binding("e", "export", "Export", id="design.export_why"),
        Binding("slash", "find", "Find", key_display="/", id="design.find"),
        Binding("escape", "back", "Back", id="design.back"),
    ]

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.paths: dict[str, tuple[Idea, list[tuple[str, bool, str]], str]] = {}
        self._read_at: tuple[Session, int] | None = None
        self._outcomes: dict[str, Text] = {}

    def _stamp(self) -> tuple[Session, int]:
        """What the paths read depend on: the session and how many changes it has had (every
        change, an undo too, adds an audit entry)."""
        return self.session, len(self.session.records["audit"])

    def take_over(self, fresh: "WhyScreen") -> None:
        """Show what a new report would: every idea (no filter), the first under the cursor,
        its paths read again if the session changed since they were read."""
        self.session = fresh.session
        self.query_one("#why-filter", Input).value = ""
        if self._read_at != self._stamp():
            self.read()
        else:
            self.show()
        table = self.query_one("#why-table", RecordTable)
        table.move_cursor(row=0, animate=False)
        table.scroll_home(animate=False, immediate=True)
        self._show_detail()
        self.query_one("#why-detail-box", VerticalScroll).scroll_home(animate=False,
                                                                      immediate=True)

    def compose(self) -> ComposeResult:
        yield Static(id="why-title", classes="why-line", markup=False)
        yield Static(id="why-funnel", classes="why-line", markup=False)
        yield Input(id="why-filter", placeholder=t("design.why.filter"), compact=True)
        yield RecordTable(WHY_COLUMNS, id="why-table")
        with VerticalScroll(id="why-detail-box"):
            yield Static(id="why-detail", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.read()

    def after_relocalize(self) -> None:
        self.read()

    def read(self) -> None:
        """Read every idea's path from the session (again, e.g. in another language)."""
        session = self.session
        self._read_at = self._stamp()
        selected = set(session.selected_ids())
        self.paths = {idea.id: (idea, steps, funnel.outcome(idea, steps, selected))
                      for idea, steps in funnel.idea_paths(session)}
        self._outcomes = {}
        self.query_one("#why-title", Static).update(t("why.title", region=session.lab.region))
        rounds = session.rounds()
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(t("why.funnel", figures=funnel_line(rounds, len(session.ideas()))),
                    style="bold")
        line.append("  ·  " + t("design.why.hint"), style="dim")
        self.query_one("#why-funnel", Static).update(line)
        self.show()

    def show(self) -> None:
        session = self.session
        selected = set(session.selected_ids())
        query = self.query_one("#why-filter", Input).value.strip().casefold()
        units = {u.id: u.name for u in session.units()}
        rows = []
        outcomes = self._outcomes
        for idea_id, (idea, steps, code) in self.paths.items():
            unit = units.get(idea.unit_id, "")
            if query and query not in f"{idea.title} {unit}".casefold():
                continue
            # One cell per outcome, shared by its rows (a merged idea's names the idea it went
            # into): 3,000 words looked up and styled would take a third of the opening.
            key = f"merged:{idea.merged_into}" if code == "merged" else code
            cell = outcomes.get(key)
            if cell is None:
                cell = outcomes[key] = Text(funnel.outcome_text(session, idea, steps, selected),
                                            style=OUTCOME_STYLE.get(code, ""))
            rows.append((idea_id, (idea.title, unit, cell)))
        self.query_one("#why-table", RecordTable).set_rows(rows)
        self._show_detail()

    def _show_detail(self) -> None:
        key = self.query_one("#why-table", RecordTable).cursor_key
        detail = Text()
        if key in self.paths:
            idea, steps, code = self.paths[key]
            session = self.session
            detail.append(idea.title, style="bold")
            unit = session.unit_name(idea.unit_id)
            if unit:
                detail.append(f" · {unit}", style="dim")
            detail.append(f"\n{t('why.outcome')}: ")
            detail.append(funnel.outcome_text(session, idea, steps, set(session.selected_ids())),
                          style=OUTCOME_STYLE.get(code, "bold"))
            if idea.merged_from:
                names = [i.title for i in (session.get(Idea, rid) for rid in idea.merged_from)
                         if i is not None]
                detail.append("\n" + t("why.merged_from", titles="; ".join(names)))
            for name, kept, reason in steps:
                detail.append("\n• ")
                detail.append(name, style="bold")
                detail.append(": ")
                detail.append(t("why.kept") if kept else t("why.left"),
                              style="green" if kept else "red")
                detail.append(f" ({reason})")
            if not steps and code == "not_screened":
                detail.append("\n" + t("design.why.no_steps"), style="dim")
        self.query_one("#why-detail", Static).update(detail)

    @on(DataTable.RowHighlighted, "#why-table")
    def _moved(self) -> None:
        self._show_detail()

    @on(Input.Changed, "#why-filter")
    def _filtered(self) -> None:
        self.show()

    @on(Input.Submitted, "#why-filter")
    def _filter_done(self) -> None:
        self.query_one("#why-table", RecordTable).focus()

    def action_find(self) -> None:
        self.query_one("#why-filter", Input).focus()

    def action_back(self) -> None:
        field = self.query_one("#why-filter", Input)
        if field.has_focus or field.value:
            field.value = ""
            self.query_one("#why-table", RecordTable).focus()
            return
        self.dismiss(None)

    def action_export(self) -> None:
        export_why(self, self.session)


def export_why(node: Any, session: Session) -> None:
    """Write the why-report into the sessions folder's ``exports`` and say where."""
    from facilitator.core.errors import FacilitatorError
    from facilitator.export import export

    folder = node.app.settings.sessions_dir / "exports"
    try:
        written = export(session, "funnel", folder)
    except FacilitatorError as exc:
        node.notify(exc.message(), severity="error", timeout=10, markup=False)
        return
    for path in written:
        node.notify(t("design.why.exported", path=str(path)), timeout=10, markup=False)
