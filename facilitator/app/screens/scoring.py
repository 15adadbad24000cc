"""The Design stage's scoring tab: one rater at a time scores the ideas of the current pool.

The rater is whoever the coach says (a jury member, a table): chosen from those who scored
before, or a new name. Each typed score is one durable change; the idea's weighted mean over all
raters and the disagreement flag follow at once, and only that idea's row is redrawn.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from facilitator.app.screens.funnel_dialogs import NameDialog
from facilitator.app.screens.funnel_panel import Change, DesignPanel, Line
from facilitator.app.widgets.score_grid import FLAG, MEAN, GridColumn, ScoreGrid
from facilitator.core import funnel
from facilitator.core.records import Criterion, Idea, Score
from facilitator.core.session import Session
from facilitator.i18n import number, t


def criterion_codes(rubric: list[Criterion]) -> dict[str, str]:
    """Short headers for the criteria: K1, K2... for the scored ones, G1, G2... for the gates
    (the rubric tab lists them with their names)."""
    codes: dict[str, str] = {}
    scored = gates = 0
    for crit in rubric:
        if crit.gate:
            gates += 1
            codes[crit.key] = t("design.code.gate", n=gates)
        else:
            scored += 1
            codes[crit.key] = t("design.code.scored", n=scored)
    return codes


def value_text(value: float) -> str:
    """A score as typed: ``4``, not ``4,0`` (a merged file may hold a fraction: ``3,5``)."""
    return str(int(value)) if float(value).is_integer() else number(float(value))


_CELLS: dict[tuple[Any, ...], Text] = {}


def score_cell(crit: Criterion, score: Score | None) -> Text:
    """One rater's score in a cell: the number, ✓/✗ for a gate, a dot when not scored yet.

    The few cells there are (a dot, ✓, ✗, 1 to 10) are made once and shared: the grid never
    changes a cell it is given.
    """
    value = None if score is None else score.value
    key = (value, crit.gate, value is not None and value > crit.scale_max)
    cell = _CELLS.get(key)
    if cell is None:
        if value is None:
            cell = Text("·", style="dim", justify="right")
        elif crit.gate:
            cell = (Text("✓", style="green", justify="right") if value >= 1
                    else Text("✗", style="bold red", justify="right"))
        else:
            # A score above a scale the coach narrowed since is shown in red, to be fixed.
            cell = Text(value_text(value), style="bold red" if key[2] else "",
                        justify="right")
        _CELLS[key] = cell
    return cell


class ScoringPanel(DesignPanel):
    """The pool's ideas by the rubric's criteria, scored by one rater."""

    TAB = "scores"
    DEPENDS = frozenset({"ideas", "criteria", "scores", "rounds", "units"})
    LAZY = True
    MAIN = "#score-grid"

    BINDINGS = [
        Binding("r", "rater", "Rater", id="design.rater"),
        Binding("g", "next_unscored", "Next unscored", id="design.next_unscored"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.book: funnel.ScoreBook | None = None
        self._rubric: dict[str, Criterion] = {}
        self._codes: dict[str, str] = {}
        self._pool: list[str] = []
        self._complete: set[str] = set()
        self._split: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Line(id="score-status")
        yield Line(id="score-criterion")
        yield Line(id="score-idea")
        yield ScoreGrid(id="score-grid")

    # -- who is scoring ------------------------------------------------------------------------

    @property
    def rater(self) -> str:
        """The rater whose scores the grid shows and takes: the one chosen, else the one who
        scored last, else a default name."""
        design = self.design
        if not design.score_rater:
            scores = self.session.all(Score)
            design.score_rater = (max(scores, key=lambda s: (s.updated, s.id)).rater if scores
                                  else t("design.scores.default_rater"))
        return design.score_rater

    def action_rater(self) -> None:
        names = self.book.raters() if self.book else []
        if self.rater not in names:
            names = [self.rater, *names]
        design = self.design

        def chosen(name: str | None) -> None:
            if name:
                design.choose_rater(name)

        self.app.push_screen(NameDialog(t("design.scores.choose_rater"), names, self.rater,
                                        label=t("design.scores.new_rater")), chosen)

    # -- filling -------------------------------------------------------------------------------

    def refresh_from(self, session: Session) -> None:
        self.book = funnel.ScoreBook(session)
        rubric = self.book.rubric
        self._rubric = {c.key: c for c in rubric}
        self._codes = criterion_codes(rubric)
        ideas = funnel.pool(session)
        self._pool = [i.id for i in ideas]
        rater = self.rater
        columns = [GridColumn(c.key, self._codes[c.key], c.scale_max, c.gate) for c in rubric]
        self._complete = {i.id for i in ideas if self._is_complete(i.id, rater)}
        self._split = {i.id for i in ideas if self.book.disagree(i.id) is not None}
        rows = []
        # An idea nobody has scored yet (most of them, at the start of a big lab) shows the
        # same cells as every other such idea: made once, shared (the grid never changes them).
        blank: list[Any] | None = None
        for idea in ideas:
            if self._blank(idea.id, rater):
                if blank is None:
                    cells = self._cells(idea.id, rater)
                    blank = [cells[c.key] for c in rubric] + [cells[MEAN], cells[FLAG]]
                rows.append((idea.id, [idea.title, *blank]))
                continue
            cells = self._cells(idea.id, rater)
            rows.append((idea.id, [idea.title, *(cells[c.key] for c in rubric), cells[MEAN],
                                   cells[FLAG]]))
        grid = self.query_one(ScoreGrid)
        grid.set_grid(columns, rows)
        if self.design.score_cursor and grid.cursor_row == 0:
            # A grid rebuilt (for the language, the rater) comes back to the coach's cell.
            grid.jump_to(*self.design.score_cursor)
        self._show_status()
        self._show_cursor()

    def apply_changes(self, changes: list[Change]) -> bool:
        if self.book is None or any(table != "scores" for table, *_ in changes):
            return False
        records = [Score.from_doc(after) for table, _rid, _before, after in changes if after]
        for idea_id in self.book.update(records):
            self._show_idea(idea_id)
        self._show_status()
        self._show_cursor()
        return True

    def _cells(self, idea_id: str, rater: str) -> dict[str, Any]:
        assert self.book is not None
        cells: dict[str, Any] = {
            key: score_cell(crit, self.book.get(idea_id, key, rater))
            for key, crit in self._rubric.items()}
        mean, failed, _spread = self.book.summary(idea_id)
        cells[MEAN] = Text("–" if mean is None else number(mean, 2), justify="right",
                           style="bold red" if failed else "bold")
        spread = self.book.disagree(idea_id)
        cells[FLAG] = Text("" if spread is None else f"⚠{funnel.figure(spread)}",
                           style="bold yellow", overflow="crop")
        return cells

    def _blank(self, idea_id: str, rater: str) -> bool:
        """Whether the idea's row shows nothing yet: no score of the rater's, no mean."""
        assert self.book is not None
        return (self.book.summary(idea_id) == (None, None, None)
                and all(self.book.get(idea_id, key, rater) is None for key in self._rubric))

    def _is_complete(self, idea_id: str, rater: str) -> bool:
        assert self.book is not None
        return all(self.book.get(idea_id, key, rater) is not None for key in self._rubric)

    def _show_idea(self, idea_id: str) -> None:
        if idea_id not in self._pool or self.book is None:
            return
        rater = self.rater
        cells = self._cells(idea_id, rater)
        self.query_one(ScoreGrid).update_row(idea_id, cells)
        if self._is_complete(idea_id, rater):
            self._complete.add(idea_id)
        else:
            self._complete.discard(idea_id)
        if self.book.disagree(idea_id) is not None:
            self._split.add(idea_id)
        else:
            self._split.discard(idea_id)

    def _show_status(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('design.scores.rater')}: ", style="bold")
        line.append(self.rater, style="bold")
        line.append(" · " + t("design.scores.status", complete=len(self._complete),
                              pool=len(self._pool)))
        if self._split:
            line.append(" · ")
            line.append(t("design.scores.split", count=len(self._split)), style="yellow")
        line.append(" · " + t("design.scores.hint"), style="dim")
        self.query_one("#score-status", Line).update(line)

    def _show_cursor(self) -> None:
        grid = self.query_one(ScoreGrid)
        crit = self._rubric.get(grid.cursor_criterion or "")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        if crit is not None:
            line.append(f"{self._codes[crit.key]} ", style="bold")
            line.append(funnel.criterion_name(crit))
            if crit.gate:
                line.append(" · " + t("design.scores.gate_keys"), style="dim")
            else:
                line.append(" · " + t("design.scores.scale", weight=number(crit.weight, 2),
                                      high=crit.scale_max), style="dim")
        self.query_one("#score-criterion", Line).update(line)
        idea_line = Text(no_wrap=True, overflow="ellipsis", end="")
        idea = self.session.get(Idea, grid.cursor_idea or "")
        if idea is not None and self.book is not None:
            others = [(r, s) for r in self.book.raters()
                      if crit is not None and (s := self.book.get(idea.id, crit.key, r))]
            spread = self.book.disagree(idea.id)
            if spread is not None:
                idea_line.append("⚠ " + t("design.scores.disagree", spread=funnel.figure(spread))
                                 + " · ", style="bold yellow")
            if others:
                idea_line.append("; ".join(f"{r}: {value_text(s.value)}"
                                           for r, s in others) + " · ", style="dim")
            idea_line.append(idea.title)
            unit = self.session.unit_name(idea.unit_id)
            if unit:
                idea_line.append(f" · {unit}", style="dim")
        self.query_one("#score-idea", Line).update(idea_line)

    # -- typing --------------------------------------------------------------------------------

    @on(ScoreGrid.Typed)
    def _typed(self, event: ScoreGrid.Typed) -> None:
        crit = self._rubric.get(event.criterion)
        if crit is None or self.book is None:
            return
        if self.run_core(funnel.set_score, self.session, self.book, event.idea_id, crit,
                         self.rater, event.value) is not None or event.value is None:
            self._show_idea(event.idea_id)
            self._show_status()

    @on(ScoreGrid.Refused)
    def _refused(self, event: ScoreGrid.Refused) -> None:
        if event.column.gate:
            text = t("funnel.error.gate_value")
        else:
            text = t("funnel.error.score_range", low=1, high=event.column.scale_max)
        self.notify(text, severity="warning", timeout=3, markup=False)

    @on(ScoreGrid.Moved, "#score-grid")
    def _moved(self) -> None:
        grid = self.query_one(ScoreGrid)
        if grid.cursor_idea:
            self.design.score_cursor = (grid.cursor_idea, grid.cursor_criterion)
        self._show_cursor()

    def action_next_unscored(self) -> None:
        """To the next cell this rater has not scored yet, after the cursor (wrapping round)."""
        grid = self.query_one(ScoreGrid)
        if self.book is None or not self._pool:
            return
        keys = [c.key for c in grid.criteria]
        rows = grid.row_keys
        rater = self.rater
        total = len(rows) * len(keys)
        position = grid.cursor_row * len(keys) + grid.cursor_col
        for step in range(1, total + 1):
            row, col = divmod((position + step) % total, len(keys))
            if self.book.get(rows[row], keys[col], rater) is None:
                grid.move_cursor(row=row, col=col)
                return
        self.notify(t("design.scores.all_scored", rater=rater), markup=False)
