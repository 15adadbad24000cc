"""The Problems and Per-unit tabs of Diagnose.

Problems are mapped per unit (statement, cause, who is affected) and scored with USG: urgency,
seriousness and growth, 1 to 5 each; the list ranks each unit's problems by their sum. The
per-unit tab counts ideas and problems live; Enter on a unit sends the next captured ideas there.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, TabPane

from facilitator.app.screens.drumup_form import CHOICE, Field, FormDialog
from facilitator.app.screens.drumup_panes import Follows, attempt
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import brainstorm
from facilitator.core.records import Problem, Unit
from facilitator.core.session import Session
from facilitator.core.text import MAX_TITLE, clean
from facilitator.i18n import t

PROBLEM_COLUMNS = (
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("rank", "screens.col.rank", width=2, align="right"),
    Column("statement", "screens.col.problem", flex=4, min_width=16),
    Column("u", "screens.col.urgency", width=1, align="right"),
    Column("s", "screens.col.seriousness", width=1, align="right"),
    Column("g", "screens.col.growth", width=1, align="right"),
    Column("usg", "screens.col.usg", width=3, align="right"),
)
UNIT_COUNT_COLUMNS = (
    Column("unit", "screens.col.unit_name", min_width=16),
    Column("ideas", "screens.col.ideas", width=5, align="right"),
    Column("problems", "screens.col.problems", width=8, align="right"),
    Column("top", "screens.col.top_usg", width=7, align="right"),
)
NO_UNIT = "~none"
USG = ("urgency", "seriousness", "growth")


def usg_cells(problem: Problem) -> tuple[object, ...]:
    if not problem.usg:
        return ("–", "–", "–", "–")
    return (problem.urgency or "–", problem.seriousness or "–", problem.growth or "–",
            problem.usg)


class ProblemsPane(Follows, TabPane):
    """Each unit's problems, ranked by USG; add, edit (and score), remove, import."""

    BINDINGS = [
        Binding("a", "add", "Add", id="diagnose.problem_add"),
        Binding("e", "edit", "Edit / USG", id="diagnose.problem_edit"),
        Binding("delete,backspace", "remove", "Delete", id="diagnose.problem_remove"),
        Binding("i", "import", "Import", id="diagnose.problem_import"),
    ]

    def compose(self) -> ComposeResult:
        yield RecordTable(PROBLEM_COLUMNS, id="problems-table")

    def focus_default(self) -> None:
        self.table.focus()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#problems-table", RecordTable)

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    def refresh_data(self, session: Session) -> None:
        units = session.all(Unit)
        names = {u.id: u.name for u in units}
        rows = []
        for unit_id, ranked in brainstorm.problems_by_unit(session.all(Problem), units):
            for rank, problem in enumerate(ranked, start=1):
                name = (names.get(unit_id) or t("screens.no_unit")) if rank == 1 else ""
                rows.append((problem.id, (name, rank if problem.usg else "",
                                          problem.statement, *usg_cells(problem))))
        self.table.set_rows(rows)
        self.show_followed()

    def _selected(self) -> Problem | None:
        key = self.table.cursor_key
        return self.session.get(Problem, key) if key else None

    def _form(self, problem: Problem | None) -> None:
        session = self.session
        if problem is None:
            selected = self._selected()
            problem = Problem(unit_id=selected.unit_id if selected else "")

        def check(values: dict[str, str]):
            if not clean(values["statement"]):
                return t("diagnose.problem.statement_required"), "statement"
            for name in USG:
                if brainstorm.valid_usg(values[name]) is None:
                    return t("diagnose.problem.bad_usg"), name
            return None

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            statement, _ = brainstorm.prepare_title(values["statement"])
            changes: dict[str, Any] = {
                "unit_id": values["unit"], "statement": statement[:MAX_TITLE],
                "cause": clean(values["cause"], multiline=True),
                "affected": clean(values["affected"])}
            changes.update({name: brainstorm.valid_usg(values[name]) or 0 for name in USG})
            if problem.id:
                record = attempt(self, session.edit, problem, **changes)
            else:
                record = attempt(self, session.add, Problem(**changes))
            if record is not None:
                self.follow(record.id)

        units = [(u.name, u.id) for u in session.all(Unit)]
        title = t("diagnose.problem.edit_title" if problem.id else "diagnose.problem.add_title")
        self.app.push_screen(FormDialog(title, [
            Field("unit", t("diagnose.problem.unit"), problem.unit_id, kind=CHOICE,
                  choices=units),
            Field("statement", t("diagnose.problem.statement"), problem.statement),
            Field("cause", t("diagnose.problem.cause"), problem.cause),
            Field("affected", t("diagnose.problem.affected"), problem.affected),
            Field("urgency", t("diagnose.problem.urgency"), problem.urgency or "",
                  placeholder="1–5"),
            Field("seriousness", t("diagnose.problem.seriousness"), problem.seriousness or "",
                  placeholder="1–5"),
            Field("growth", t("diagnose.problem.growth"), problem.growth or "",
                  placeholder="1–5"),
        ], check=check, hint=t("diagnose.problem.hint")), save)

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        problem = self._selected()
        if problem is not None:
            self._form(problem)

    @on(DataTable.RowSelected, "#problems-table")
    def _selected_row(self) -> None:
        self.action_edit()

    def action_remove(self) -> None:
        problem = self._selected()
        if problem is not None and attempt(self, self.session.delete, problem) is not None:
            self.notify(t("diagnose.problem.removed", statement=problem.statement[:60]),
                        markup=False)

    def action_import(self) -> None:
        self.screen.open_import("problems")  # type: ignore[attr-defined]


class UnitCountsPane(TabPane):
    """Ideas and problems per unit, live; Enter sends the next captured ideas to the unit."""

    BINDINGS = [
        Binding("c", "capture", "Capture here", id="diagnose.unit_capture"),
    ]

    def compose(self) -> ComposeResult:
        yield RecordTable(UNIT_COUNT_COLUMNS, id="unit-counts-table")

    def focus_default(self) -> None:
        self.table.focus()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#unit-counts-table", RecordTable)

    def refresh_data(self, session: Session, idea_counts: Counter) -> None:
        units = session.all(Unit)
        grouped = dict(brainstorm.problems_by_unit(session.all(Problem), units))
        rows = []
        for unit in units:
            problems = grouped.get(unit.id, [])
            top = max((p.usg for p in problems), default=0)
            rows.append((unit.id, (unit.name, idea_counts[unit.id], len(problems), top or "–")))
        stray = grouped.get("", [])
        if idea_counts[NO_UNIT] or stray:
            top = max((p.usg for p in stray), default=0)
            rows.append((NO_UNIT, (Text(t("screens.no_unit"), style="italic"),
                                   idea_counts[NO_UNIT], len(stray), top or "–")))
        self.table.set_rows(rows)

    @on(DataTable.RowSelected, "#unit-counts-table")
    def action_capture(self) -> None:
        key = self.table.cursor_key
        if key is None:
            return
        self.screen.capture_for("" if key == NO_UNIT else key)  # type: ignore[attr-defined]
