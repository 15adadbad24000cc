"""The Design stage's dot-voting tab: the tallies of each table (or person) per idea.

Each participant has N dots; after the vote, the coach goes from table to table and types each
idea's tally: digits, then Enter or an arrow key to move on (+ and - change a tally by one).
The tab shows each idea's tally from the chosen table and over all tables, and the dots entered
against the dots handed out.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from facilitator.app.screens.funnel_dialogs import AskDialog, NameDialog
from facilitator.app.screens.funnel_panel import Change, DesignPanel, Line
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.records import Vote
from facilitator.core.session import Session
from facilitator.i18n import integer, t

VOTE_COLUMNS = (
    Column("idea", "design.col.idea", flex=3, min_width=14),
    Column("unit", "screens.col.unit", flex=1, min_width=8),
    Column("mine", "design.col.dots_rater", width=7, align="right"),
    Column("total", "design.col.dots_total", width=7, align="right"),
)

MAX_DIGITS = 4


class VotesPanel(DesignPanel):
    """The pool's ideas with their dot tallies, entered one table at a time."""

    TAB = "votes"
    DEPENDS = frozenset({"ideas", "votes", "rounds", "units", "lab", "participants"})
    LAZY = True
    MAIN = "#votes-table"

    BINDINGS = [
        Binding("0,1,2,3,4,5,6,7,8,9", "noop", "Dots", key_display="0-9", show=False,
                id="design.dots_digit"),
        Binding("plus,equals_sign", "step(1)", "+1", key_display="+", show=False,
                id="design.dots_more"),
        Binding("minus", "step(-1)", "-1", key_display="-", show=False, id="design.dots_less"),
        Binding("delete", "clear", "Clear", key_display="del", show=False,
                id="design.dots_clear"),
        Binding("r", "rater", "Table", id="design.table"),
        Binding("d", "budget", "Dots each", id="design.budget"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pending: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Line(id="votes-status")
        yield Line(id="votes-entry")
        yield RecordTable(VOTE_COLUMNS, id="votes-table")

    @property
    def rater(self) -> str:
        design = self.design
        if not design.vote_rater:
            votes = self.session.all(Vote)
            design.vote_rater = (max(votes, key=lambda v: (v.updated, v.id)).rater if votes
                                 else t("design.votes.default_table"))
        return design.vote_rater

    def refresh_from(self, session: Session) -> None:
        tallies = funnel.votes_by(session)
        rater = self.rater
        totals: dict[str, int] = {}
        for (idea, _rater), vote in tallies.items():
            totals[idea] = totals.get(idea, 0) + int(vote.dots)
        rows = []
        for idea in funnel.pool(session):
            mine = tallies.get((idea.id, rater))
            rows.append((idea.id, (idea.title, session.unit_name(idea.unit_id),
                                   Text(integer(mine.dots), justify="right", style="bold")
                                   if mine else Text("·", justify="right", style="dim"),
                                   Text(integer(totals.get(idea.id, 0)), justify="right"))))
        self.query_one("#votes-table", RecordTable).set_rows(rows)
        per_person, people = funnel.dot_budget(session)
        used = sum(totals.values())
        by_rater = sum(int(v.dots) for (_i, r), v in tallies.items() if r == rater)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('design.votes.table')}: ", style="bold")
        line.append(rater, style="bold")
        line.append(" · " + t("design.votes.rater_dots", dots=integer(by_rater)))
        line.append(" · ")
        line.append(t("design.votes.all_dots", used=integer(used),
                      budget=integer(per_person * people), people=integer(people),
                      each=per_person),
                    style="bold red" if used > per_person * people else "")
        self.query_one("#votes-status", Line).update(line)
        self._show_entry()

    def apply_changes(self, changes: list[Change]) -> bool:
        return False

    # -- typing a tally ------------------------------------------------------------------------

    def _table(self) -> RecordTable:
        return self.query_one("#votes-table", RecordTable)

    def _show_entry(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        if self._pending:
            line.append(f"{t('design.votes.typing')}: ", style="bold")
            line.append(self._pending[1] + "▏", style="bold reverse")
            line.append("  " + t("design.votes.typing_hint"), style="dim")
        else:
            line.append(t("design.votes.hint"), style="dim")
        self.query_one("#votes-entry", Line).update(line)

    def on_key(self, event: events.Key) -> None:
        key = event.character or ""
        if not (len(key) == 1 and key.isdigit()) or not self._table().has_focus:
            if event.key == "escape" and self._pending:
                event.stop()
                self._pending = None
                self._show_entry()
            elif event.key == "backspace" and self._pending:
                event.stop()
                idea, text = self._pending
                self._pending = (idea, text[:-1]) if len(text) > 1 else None
                self._show_entry()
            return
        event.stop()
        event.prevent_default()
        idea = self._table().cursor_key
        if idea is None:
            return
        text = self._pending[1] if self._pending and self._pending[0] == idea else ""
        if len(text) < MAX_DIGITS:
            text = (text + key).lstrip("0") or "0"
        self._pending = (idea, text)
        self._show_entry()

    def commit_pending(self) -> None:
        """Record the tally being typed, if any."""
        if self._pending is None:
            return
        idea, text = self._pending
        self._pending = None
        self.run_core(funnel.set_dots, self.session, idea, self.rater, int(text))
        self._show_entry()

    @on(DataTable.RowSelected, "#votes-table")
    def _entered(self) -> None:
        had = self._pending is not None
        self.commit_pending()
        if had:
            self._table().action_cursor_down()

    @on(DataTable.RowHighlighted, "#votes-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        if self._pending and self._pending[0] != event.row_key.value:
            self.commit_pending()

    def action_noop(self) -> None:
        """The digits are caught in :meth:`on_key`."""

    def action_step(self, delta: int) -> None:
        self.commit_pending()
        idea = self._table().cursor_key
        if idea is None:
            return
        current = funnel.votes_by(self.session).get((idea, self.rater))
        dots = max(0, (current.dots if current else 0) + delta)
        self.run_core(funnel.set_dots, self.session, idea, self.rater, dots)

    def action_clear(self) -> None:
        self._pending = None
        idea = self._table().cursor_key
        if idea is not None:
            self.run_core(funnel.set_dots, self.session, idea, self.rater, 0)
        self._show_entry()

    def action_rater(self) -> None:
        self.commit_pending()
        names = sorted({v.rater for v in self.session.all(Vote)}, key=str.casefold)
        if self.rater not in names:
            names = [self.rater, *names]
        design = self.design

        def chosen(name: str | None) -> None:
            if name:
                design.choose_table(name)

        self.app.push_screen(NameDialog(t("design.votes.choose_table"), names, self.rater,
                                        label=t("design.votes.new_table")), chosen)

    def action_budget(self) -> None:
        per_person, people = funnel.dot_budget(self.session)

        def check(text: str) -> int:
            try:
                value = int(text.strip())
            except ValueError:
                raise ValueError(t("funnel.error.dots_per_person", high=99)) from None
            if not 1 <= value <= 99:
                raise ValueError(t("funnel.error.dots_per_person", high=99))
            return value

        def chosen(value: int | None) -> None:
            if value is not None:
                self.run_core(funnel.set_dot_budget, self.session, value)

        self.app.push_screen(AskDialog(
            t("design.votes.budget_title"), t("design.votes.budget_label"), str(per_person),
            check=check, note=t("design.votes.budget_note", people=integer(people))), chosen)
