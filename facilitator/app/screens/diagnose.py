"""The Diagnose stage screen: the ideas of the brainstorm, the problems ranked by USG, the counts.

This first version reads the session and filters the ideas as you type; the Diagnose issue adds
quick capture, editing and the duplicate warning on top of the same tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from facilitator.app.screens.base import StageScreen
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core.records import Problem, Unit
from facilitator.core.template import load_default_template
from facilitator.i18n import language, t

IDEA_COLUMNS = (
    Column("title", "screens.col.idea", flex=3, min_width=16),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("initiator", "screens.col.initiator", width=10),
    Column("problem", "screens.col.problem", flex=2, min_width=8),
)
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
FILTER_AT_ONCE = 500
"""Up to this many ideas the list filters on every key; beyond, once the typing pauses."""
FILTER_PAUSE = 0.2
"""Seconds of quiet in the filter before a long list is refilled."""
NO_UNIT = "~none"
"""The row key of the ideas and problems that name no (existing) unit."""


@dataclass(frozen=True)
class IdeaRow:
    """An idea as the table shows it, with the text the filter searches."""

    id: str
    unit_id: str
    cells: tuple[str, str, str, str]
    haystack: str


def matches(row: IdeaRow, query: str) -> bool:
    """Whether every word of ``query`` occurs in the idea's title or unit, ignoring case."""
    return all(word in row.haystack for word in query.casefold().split())


class FilterInput(Input):
    """The filter field: escape empties it and hands the keys back to the list."""

    BINDINGS = [
        Binding("escape", "clear", "Clear", show=False, id="screens.diagnose_filter_clear"),
    ]

    class Cleared(Message):
        """The coach left the filter with escape."""

        def __init__(self, field: "FilterInput") -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> "FilterInput":
            return self.field

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Cleared(self))


class DiagnoseScreen(StageScreen):
    """The ideas (filtered as you type), the problems ranked by USG, and the counts per unit."""

    STAGE = "diagnose"
    CSS_PATH = "diagnose.tcss"
    AUTO_FOCUS = "#ideas-table"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="screens.diagnose_filter"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._idea_rows: list[IdeaRow] = []
        self._unit_counts: Counter[str] = Counter()
        self._filter_timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="diagnose-tabs"):
            with TabPane(Content(t("screens.diagnose.tab.ideas")), id="tab-ideas"):
                with Horizontal(id="ideas-bar"):
                    yield FilterInput(placeholder=t("screens.diagnose.filter_placeholder"),
                                      id="idea-filter", compact=True)
                    yield Static(id="idea-counts", markup=False)
                yield RecordTable(IDEA_COLUMNS, id="ideas-table")
                yield Static(id="unit-count", markup=False)
            with TabPane(Content(t("screens.diagnose.tab.problems")), id="tab-problems"):
                yield RecordTable(PROBLEM_COLUMNS, id="problems-table")
            with TabPane(Content(t("screens.diagnose.tab.units")), id="tab-units"):
                yield RecordTable(UNIT_COUNT_COLUMNS, id="unit-counts-table")

    # -- reading the session ---------------------------------------------------------------------

    def refresh_data(self) -> None:
        session = self.session
        units = session.all(Unit)
        ideas = session.ideas()
        problems = session.all(Problem)
        template = load_default_template()
        lang = language()
        unit_names = {u.id: u.name for u in units}

        rows: list[IdeaRow] = []
        for idea in ideas:
            unit = unit_names.get(idea.unit_id, "")
            problem = session.get(Problem, idea.problem_id) if idea.problem_id else None
            initiator = template.label("initiator", idea.initiator, lang) if idea.initiator else ""
            rows.append(IdeaRow(
                id=idea.id, unit_id=idea.unit_id if unit else NO_UNIT,
                cells=(idea.title, unit, initiator, problem.statement if problem else ""),
                haystack=f"{idea.title}\n{unit}".casefold()))
        self._idea_rows = rows
        self._unit_counts = Counter(row.unit_id for row in rows)
        self._show_ideas()

        per_unit: dict[str, list[Problem]] = {}
        for problem in problems:
            key = problem.unit_id if problem.unit_id in unit_names else NO_UNIT
            per_unit.setdefault(key, []).append(problem)
        problem_rows = []
        for key in [u.id for u in units] + [NO_UNIT]:
            ranked = sorted(per_unit.get(key, []), key=lambda p: -p.usg)
            for rank, problem in enumerate(ranked, start=1):
                name = unit_names.get(key, t("screens.no_unit")) if rank == 1 else ""
                problem_rows.append((problem.id, (
                    name, rank, problem.statement, *self._usg(problem))))
        self.query_one("#problems-table", RecordTable).set_rows(problem_rows)

        problem_counts = Counter(key for key, items in per_unit.items() for _ in items)
        top = {key: max((p.usg for p in items), default=0) for key, items in per_unit.items()}
        count_rows = [(u.id, (u.name, self._unit_counts[u.id], problem_counts[u.id],
                              top.get(u.id) or "–")) for u in units]
        if self._unit_counts[NO_UNIT] or problem_counts[NO_UNIT]:
            count_rows.append((NO_UNIT, (t("screens.no_unit"), self._unit_counts[NO_UNIT],
                                         problem_counts[NO_UNIT], top.get(NO_UNIT) or "–")))
        self.query_one("#unit-counts-table", RecordTable).set_rows(count_rows)

        tabs = self.query_one("#diagnose-tabs", TabbedContent)
        for name, count in (("ideas", len(ideas)), ("problems", len(problems)),
                            ("units", len(units))):
            tabs.get_tab(f"tab-{name}").label = Content(
                t("screens.tab_count", name=t(f"screens.diagnose.tab.{name}"), count=count))
        self.query_one("#idea-filter", Input).placeholder = t(
            "screens.diagnose.filter_placeholder")

    @staticmethod
    def _usg(problem: Problem) -> tuple[object, ...]:
        if not problem.usg:
            return ("–", "–", "–", "–")
        return (problem.urgency, problem.seriousness, problem.growth, problem.usg)

    def _show_ideas(self) -> None:
        query = self.query_one("#idea-filter", Input).value
        shown = [row for row in self._idea_rows if matches(row, query)]
        self.query_one("#ideas-table", RecordTable).set_rows(
            (row.id, row.cells) for row in shown)
        units = len([key for key in self._unit_counts if key != NO_UNIT])
        counts = t("screens.diagnose.counts", ideas=len(self._idea_rows), units=units)
        if query.strip():
            counts = t("screens.diagnose.counts_filtered", shown=len(shown), ideas=len(
                self._idea_rows))
        self.query_one("#idea-counts", Static).update(counts)
        self._show_unit_count()

    def _show_unit_count(self) -> None:
        """The count of the highlighted idea's unit, live as the cursor moves."""
        table = self.query_one("#ideas-table", RecordTable)
        key = table.cursor_key
        row = next((r for r in self._idea_rows if r.id == key), None)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        if row is not None:
            # The count first: a long unit name is what gets cut at 80 columns.
            line.append(t("screens.diagnose.unit_ideas", count=self._unit_counts[row.unit_id]),
                        style="bold")
            line.append(" · " + (row.cells[1] or t("screens.no_unit")))
        self.query_one("#unit-count", Static).update(line)

    # -- events ----------------------------------------------------------------------------------

    @on(Input.Changed, "#idea-filter")
    def _filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if len(self._idea_rows) <= FILTER_AT_ONCE:
            self._show_ideas()
        else:
            # Refilling thousands of rows per key would lag behind the typing: wait for a pause.
            self._filter_timer = self.set_timer(FILTER_PAUSE, self._show_ideas)

    @on(Input.Submitted, "#idea-filter")
    def _filter_submitted(self) -> None:
        self.query_one("#ideas-table", RecordTable).focus()

    @on(DataTable.RowHighlighted, "#ideas-table")
    def _idea_highlighted(self) -> None:
        self._show_unit_count()

    def action_focus_filter(self) -> None:
        """Jump to the filter, on the ideas tab."""
        self.query_one("#diagnose-tabs", TabbedContent).active = "tab-ideas"
        self.query_one("#idea-filter", Input).focus()

    @on(FilterInput.Cleared, "#idea-filter")
    def _filter_cleared(self) -> None:
        self.query_one("#ideas-table", RecordTable).focus()
