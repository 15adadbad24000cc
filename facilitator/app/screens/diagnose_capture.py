"""The Ideas tab of Diagnose: quick capture above, the brainstorm's list below.

Quick capture (``n``): type a title, Enter, the next title. The unit, problem and initiator stay
from the idea before until the coach changes them, without leaving the title field:

- ``ctrl+o`` or ``F2`` picks the unit by typing a few letters (a name no unit has makes a new one);
  ``@dinkes`` typed before a title does the same for that idea and the ones after it;
- ``F3`` picks the problem (the unit's problems, by USG; a new statement makes a new problem);
- ``F4`` picks the initiator.

So an idea costs its title and one Enter. Every idea is on disk when Enter returns. A title like
one already captured is saved all the same and the line under the field names the look-alike.

The list filters as the coach types in its filter (``/``), sorts (``s``) and groups by unit
(``g``); ``e`` / Enter edits an idea in a dialog, Delete removes it, ctrl+z brings it back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Select, Static, TabPane

from facilitator.app.screens.diagnose_pick import NEW, Choice, PickDialog
from facilitator.app.screens.dialog import refill
from facilitator.app.screens.drumup_form import CHOICE, MULTILINE, Field, FormDialog
from facilitator.app.screens.drumup_panes import attempt, list_choices, template
from facilitator.app.widgets.capture import InstantInput
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import brainstorm
from facilitator.core.records import Idea, Problem, Unit
from facilitator.core.session import Session
from facilitator.core.text import MAX_TITLE, clean
from facilitator.i18n import integer, language, t

IDEA_COLUMNS = (
    Column("title", "screens.col.idea", flex=3, min_width=16),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("initiator", "screens.col.initiator", width=10),
    Column("problem", "screens.col.problem", flex=2, min_width=8),
)
FILTER_AT_ONCE = 500
"""Up to this many ideas the list filters on every key; beyond, once the typing pauses."""
FILTER_PAUSE = 0.2
"""Seconds of quiet in the filter before a long list is refilled."""
NO_UNIT = "~none"
"""The key the ideas and problems that name no (existing) unit are counted under."""
GROUP = "~group:"
"""The row key of a group's heading in the grouped list (never a record id)."""
CUT = 60
"""How much of a title the status line quotes."""


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


def quote(text: str, width: int = CUT) -> str:
    """A title shortened for a one-line message, in «guillemets»."""
    text = " ".join(text.split())
    return f"«{text if len(text) <= width else text[:width - 1] + '…'}»"


class FilterInput(Input):
    """The filter field: Esc empties it and hands the keys back to the list."""

    BINDINGS = [
        Binding("escape", "clear", "Clear", show=False, id="screens.diagnose_filter_clear"),
    ]

    class Cleared(Message):
        """The coach left the filter with Esc."""

        def __init__(self, field: "FilterInput") -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> "FilterInput":
            return self.field

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Cleared(self))


class CaptureInput(InstantInput):
    """The title field of quick capture. Enter takes the title typed before it (see
    :class:`InstantInput`); Esc leaves the field (the text stays); ctrl+z in an empty field takes
    back the last change (with text in it, it empties the field). A paste of several lines is
    several ideas, one per line."""

    BINDINGS = [
        Binding("escape", "leave", "Done", id="diagnose.capture_leave"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="diagnose.capture_undo"),
    ]

    class Left(Message):
        def __init__(self, field: "CaptureInput") -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> "CaptureInput":
            return self.field

    class Pasted(Message):
        """Several lines were pasted: each is an idea."""

        def __init__(self, field: "CaptureInput", lines: list[str]) -> None:
            super().__init__()
            self.field = field
            self.lines = lines

        @property
        def control(self) -> "CaptureInput":
            return self.field

    def action_leave(self) -> None:
        self.post_message(self.Left(self))

    def action_undo(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.app.action_undo()  # type: ignore[attr-defined]

    def _on_paste(self, event: events.Paste) -> None:
        lines = [line for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            event.stop()
            self.post_message(self.Pasted(self, lines))
            return
        super()._on_paste(event)


class IdeaDialog(FormDialog):
    """The idea's details; the problems offered follow the unit chosen."""

    def __init__(self, session: Session, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def take_over(self, fresh: "IdeaDialog") -> None:
        self.session = fresh.session
        super().take_over(fresh)

    @on(Select.Changed, "#field-unit")
    def _unit_changed(self, event: Select.Changed) -> None:
        unit_id = "" if event.value is Select.NULL else str(event.value)
        problem = self.query_one("#field-problem", Select)
        current = "" if problem.value is Select.NULL else str(problem.value)
        choices = problem_choices(self.session, unit_id)
        refill(problem, current if current in {key for _, key in choices} else "",
               choices=choices)


def problem_choices(session: Session, unit_id: str) -> list[tuple[str, str]]:
    """A unit's problems, highest USG first, as ``(label, id)`` choices."""
    ranked = brainstorm.rank_problems(p for p in session.all(Problem) if p.unit_id == unit_id)
    return [(f"{p.statement} (USG {p.usg})" if p.usg else p.statement, p.id) for p in ranked]


class IdeasPane(TabPane):
    """Quick capture, and the ideas filtered, sorted and grouped, with live counts."""

    BINDINGS = [
        Binding("n", "screen.capture", "New ideas", id="diagnose.capture"),
        Binding("ctrl+o,f2", "pick_unit", "OPD", id="diagnose.pick_unit"),
        Binding("f3", "pick_problem", "Problem", id="diagnose.pick_problem"),
        Binding("f4", "pick_initiator", "Initiator", id="diagnose.pick_initiator"),
        Binding("e", "edit", "Edit", id="diagnose.idea_edit"),
        Binding("delete,backspace", "remove", "Delete", id="diagnose.idea_remove"),
        Binding("s", "sort", "Sort", id="diagnose.idea_sort"),
        Binding("g", "group", "Group", id="diagnose.idea_group"),
        Binding("i", "import", "Import", id="diagnose.idea_import"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = brainstorm.CaptureContext()
        self._context_set = False
        self.sort = brainstorm.SORTS[0]
        self.grouped = False
        self._index = brainstorm.TitleIndex()
        self._index_stale = False
        self._rows: dict[str, IdeaRow] = {}
        self._row_cache: dict[str, tuple[tuple[str, ...], IdeaRow]] = {}
        self._previewing = False
        self._ideas: list[Idea] = []
        self._unit_names: dict[str, str] = {}
        self._unit_counts: Counter[str] = Counter()
        self._filter_timer: Timer | None = None
        self._follow: str = ""
        self.status = Text()

    def on_mount(self) -> None:
        # A change of language rebuilds the pane: the capture goes on where it was.
        state = getattr(self.screen, "capture_state", None)
        if state is not None:
            self.context, self.sort, self.grouped, self.status = state
            self._context_set = True

    def on_unmount(self) -> None:
        self.screen.capture_state = (self.context, self.sort, self.grouped,  # type: ignore
                                     self.status)

    def compose(self) -> ComposeResult:
        with Horizontal(id="capture-bar"):
            yield Static(t("diagnose.capture.prompt"), id="capture-prompt", markup=False)
            yield CaptureInput(placeholder=t("diagnose.capture.placeholder"), id="capture",
                               compact=True)
        yield Static(id="capture-context", markup=False)
        yield Static(id="capture-status", markup=False)
        with Horizontal(id="ideas-bar"):
            yield FilterInput(placeholder=t("screens.diagnose.filter_placeholder"),
                              id="idea-filter", compact=True)
            yield Static(id="idea-counts", markup=False)
        yield RecordTable(IDEA_COLUMNS, id="ideas-table")
        yield Static(id="unit-count", markup=False)

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    @property
    def index(self) -> brainstorm.TitleIndex:
        """The captured titles for the duplicate warning, up to date with the session."""
        if self._index_stale:
            self._index_stale = False
            self._index.sync((i.id, i.title) for i in self._ideas)
        return self._index

    @property
    def table(self) -> RecordTable:
        return self.query_one("#ideas-table", RecordTable)

    def focus_default(self) -> None:
        self.table.focus()

    @property
    def capture_field(self) -> CaptureInput:
        return self.query_one("#capture", CaptureInput)

    # -- reading the session -------------------------------------------------------------------

    def refresh_data(self, session: Session) -> None:
        units = session.all(Unit)
        self._unit_names = {u.id: u.name for u in units}
        ideas = session.ideas()
        self._ideas = ideas
        if not self._context_set and ideas:
            # Carry on where the capture was (after a restart too): the last idea's context.
            last = max(ideas, key=lambda i: (i.created, i.id))
            self.context = brainstorm.CaptureContext(last.unit_id, last.problem_id,
                                                     last.initiator)
        self._context_set = True
        lang = language()
        rows: dict[str, IdeaRow] = {}
        cache: dict[str, tuple[tuple[str, ...], IdeaRow]] = {}
        for idea in ideas:
            # A row is rebuilt only when what it shows changed: the idea, its unit's name or
            # its problem. At 3,000 ideas a capture then costs a lookup per idea, not a build.
            problem = session.get(Problem, idea.problem_id) if idea.problem_id else None
            stamp = (idea.updated, self._unit_names.get(idea.unit_id, ""),
                     problem.updated if problem else "")
            known = self._row_cache.get(idea.id)
            row = known[1] if known is not None and known[0] == stamp else \
                self._make_row(idea, problem, lang)
            cache[idea.id] = (stamp, row)
            rows[idea.id] = row
        self._row_cache = cache
        self._rows = rows
        self._unit_counts = Counter(row.unit_id for row in rows.values())
        # Folding 3,000 titles for the duplicate warning would delay the list: the index
        # catches up when a title is next checked, or once the list is on the screen.
        self._index_stale = True
        self.call_after_refresh(lambda: self.index)
        if self.context.unit_id and self.context.unit_id not in self._unit_names:
            self.context = brainstorm.CaptureContext(initiator=self.context.initiator)
        if self.context.problem_id and session.get(Problem, self.context.problem_id) is None:
            self.context = brainstorm.CaptureContext(self.context.unit_id, "",
                                                     self.context.initiator)
        self.show_ideas()
        self.show_context()

    def _make_row(self, idea: Idea, problem: Problem | None, lang: str) -> IdeaRow:
        unit = self._unit_names.get(idea.unit_id, "")
        initiator = template().label("initiator", idea.initiator, lang) if idea.initiator else ""
        return IdeaRow(id=idea.id, unit_id=idea.unit_id if unit else NO_UNIT,
                       cells=(idea.title, unit, initiator,
                              problem.statement if problem and not problem.deleted else ""),
                       haystack=f"{idea.title}\n{unit}".casefold())

    def show_ideas(self) -> None:
        """Fill the list from the ideas read, through the filter, the order and the grouping."""
        query = self.query_one("#idea-filter", Input).value
        ordered = brainstorm.sort_ideas(self._ideas, self.sort, self._unit_names)
        shown = [self._rows[i.id] for i in ordered if matches(self._rows[i.id], query)]
        if self.grouped:
            by_id = {i.id: i for i in ordered}
            groups = brainstorm.group_by_unit((by_id[r.id] for r in shown), self._unit_names)
            table_rows: list[tuple[str, tuple[Any, ...]]] = []
            for unit_id, members in groups:
                name = self._unit_names.get(unit_id) or t("screens.no_unit")
                # The count goes in the unit column: a long name is cut in the title column.
                heading = Text(f"▾ {name}", style="bold")
                count = Text(t("screens.diagnose.unit_ideas", count=len(members)), style="bold")
                table_rows.append((f"{GROUP}{unit_id or NO_UNIT}", (heading, count, "", "")))
                table_rows += [(i.id, self._rows[i.id].cells) for i in members]
        else:
            table_rows = [(row.id, row.cells) for row in shown]
        self.table.set_rows(table_rows)
        if self._follow and self._follow in self.table.row_keys:
            self.table.move_cursor(row=self.table.row_keys.index(self._follow))
        self._follow = ""
        units = len([key for key in self._unit_counts if key != NO_UNIT])
        total = len(self._rows)
        counts = t("screens.diagnose.counts", ideas=integer(total), units=integer(units))
        if query.strip():
            counts = t("screens.diagnose.counts_filtered", shown=integer(len(shown)),
                       ideas=integer(total))
        line = Text(counts, no_wrap=True, overflow="ellipsis", end="")
        arrangement = []
        if self.sort != brainstorm.SORTS[0]:
            arrangement.append(t(f"diagnose.sort.{self.sort}"))
        if self.grouped:
            arrangement.append(t("diagnose.grouped"))
        if arrangement:
            line.append(" · " + " · ".join(arrangement), style="dim")
        self.query_one("#idea-counts", Static).update(line)
        self.show_unit_count()

    def show_unit_count(self) -> None:
        """The count of the highlighted idea's unit, live as the cursor moves."""
        key = self.table.cursor_key or ""
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        unit_id = ""
        if key.startswith(GROUP):
            unit_id = key[len(GROUP):]
        elif key in self._rows:
            unit_id = self._rows[key].unit_id
        if unit_id:
            name = self._unit_names.get(unit_id) or t("screens.no_unit")
            # The count first: a long unit name is what gets cut at 80 columns.
            line.append(t("screens.diagnose.unit_ideas", count=self._unit_counts[unit_id]),
                        style="bold")
            line.append(" · " + name)
        self.query_one("#unit-count", Static).update(line)

    def show_context(self, preview: brainstorm.Prefixed | None = None) -> None:
        """The line under the title field: where the next idea goes, and the keys to change it."""
        session = self.session
        context = self.context
        if preview is not None and preview.unit is not None:
            context = context.with_unit(session, preview.unit.id)  # what Enter would use
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('diagnose.capture.unit')} ", style="bold")
        if preview is not None and preview.token:
            if preview.unit is not None:
                line.append(f"→ {preview.unit.name}", style="bold green")
            elif preview.units:
                line.append(t("diagnose.capture.prefix_many", token=preview.token,
                              count=len(preview.units)), style="bold yellow")
            else:
                line.append(t("diagnose.capture.prefix_none", token=preview.token),
                            style="bold red")
        elif self.context.unit_id:
            line.append(self._unit_names.get(self.context.unit_id, ""))
            line.append(f" ({self._unit_counts[self.context.unit_id]})", style="dim")
        else:
            line.append(t("diagnose.capture.none"), style="dim")
        line.append("  ·  ", style="dim")
        line.append(f"{t('diagnose.capture.problem')} ", style="bold")
        problem = session.get(Problem, context.problem_id) if context.problem_id \
            else None
        if problem is not None:
            statement = " ".join(problem.statement.split())
            line.append(statement if len(statement) <= 30 else statement[:29] + "…")
        else:
            line.append(t("diagnose.capture.none"), style="dim")
        line.append("  ·  ", style="dim")
        line.append(f"{t('diagnose.capture.initiator')} ", style="bold")
        if context.initiator:
            line.append(template().label("initiator", context.initiator, language()))
        else:
            line.append(t("diagnose.capture.none"), style="dim")
        self.query_one("#capture-context", Static).update(line)
        self.query_one("#capture-status", Static).update(self.status)

    def say(self, text: Text) -> None:
        """Show a line of news under the context (what was saved, what looks alike)."""
        self.status = text
        self.query_one("#capture-status", Static).update(text)

    # -- quick capture -------------------------------------------------------------------------

    def start_capture(self) -> None:
        self.capture_field.focus()

    @on(Input.Changed, "#capture")
    def _capture_typed(self, event: Input.Changed) -> None:
        # Only a leading "@" costs anything per key: the list is not touched while typing.
        if event.value.lstrip().startswith(brainstorm.UNIT_PREFIX):
            self._previewing = True
            self.show_context(brainstorm.split_prefix(event.value, self.session.all(Unit)))
        elif self._previewing:
            self._previewing = False
            self.show_context()

    @on(InstantInput.Entered, "#capture")
    def _capture(self, event: InstantInput.Entered) -> None:
        event.stop()
        if not self.capture_line(event.value):
            self.capture_field.restore(event.value)

    @on(CaptureInput.Pasted, "#capture")
    def _pasted(self, event: CaptureInput.Pasted) -> None:
        event.stop()
        for line in event.lines:
            self.capture_line(line)

    def capture_line(self, raw: str) -> bool:
        """Capture one typed line: an optional ``@unit``, then the idea's title. Returns False
        if the line was not taken (an unclear unit, a refusal) and should stay in the field."""
        session = self.session
        prefixed = brainstorm.split_prefix(raw, session.all(Unit))
        if prefixed.token or raw.lstrip().startswith(brainstorm.UNIT_PREFIX):
            unit = prefixed.unit
            if unit is None:
                names = ", ".join(u.short or u.name for u in prefixed.units[:4])
                key = "diagnose.capture.prefix_many_named" if prefixed.units else \
                    "diagnose.capture.prefix_none"
                self.say(Text(t(key, token=prefixed.token, names=names, count=len(
                    prefixed.units)), style="bold red"))
                return False
            self.context = self.context.with_unit(session, unit.id)
            if not clean(prefixed.title):
                self.say(Text(t("diagnose.capture.unit_now", name=unit.name)))
                self.show_context()
                return True
            raw = prefixed.title
        if not clean(raw):
            return True
        captured = attempt(self, brainstorm.capture, session, raw, self.context, self.index)
        if captured is None:
            return False
        self._previewing = False
        self._follow = captured.idea.id
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        count = integer(len(session.ideas()))
        other = session.get(Idea, captured.similar[0][0]) if captured.similar else None
        if session.unsaved:
            # The disk refused it: kept in the app only, and the line must not say "saved".
            line.append("⚠ ", style="bold red")
            line.append(t("diagnose.capture.kept", count=count, key="ctrl+s"), style="bold red")
            line.append(" " + quote(captured.idea.title, 48))
        elif other is not None:
            # At 80 columns the look-alike's title is what the coach needs to see first.
            line.append("⚠ ", style="bold yellow")
            more = len(captured.similar) - 1
            key = "diagnose.capture.similar_more" if more else "diagnose.capture.similar"
            line.append(t(key, count=count, other=quote(other.title, 36), more=more),
                        style="bold yellow")
        else:
            line.append("✓ ", style="bold green")
            line.append(t("diagnose.capture.saved", count=count))
            line.append(" " + quote(captured.idea.title, 48))
        if captured.cut:
            line.append("  " + t("diagnose.capture.cut", max=MAX_TITLE), style="bold yellow")
        self.say(line)
        self.show_context()
        if captured.cut:
            self.notify(t("diagnose.capture.cut_notice", max=MAX_TITLE), severity="warning",
                        markup=False)
        return True

    @on(CaptureInput.Left, "#capture")
    def _capture_left(self) -> None:
        self.table.focus()

    # -- the context pickers -------------------------------------------------------------------

    def action_pick_unit(self) -> None:
        session = self.session
        counts = self._unit_counts
        choices = [Choice("", t("screens.no_unit"))] + [
            Choice(u.id, u.name, t("screens.diagnose.unit_ideas", count=counts[u.id]), u.short)
            for u in session.all(Unit)]

        def picked(value: str | None) -> None:
            self._after_pick()
            if value is None:
                return
            if value.startswith(NEW):
                from facilitator.core.importer import _guess_kind

                name = value[len(NEW):]
                unit = attempt(self, session.add, Unit(name=name, kind=_guess_kind(name)))
                if unit is None:
                    return
                value = unit.id
                self.say(Text(t("diagnose.capture.unit_added", name=name)))
            self.context = self.context.with_unit(session, value)
            self.show_context()

        self.app.push_screen(PickDialog(t("diagnose.pick.unit_title"), choices,
                                        current=self.context.unit_id, allow_new=True), picked)

    def action_pick_problem(self) -> None:
        session = self.session
        unit_id = self.context.unit_id
        choices = [Choice("", t("diagnose.capture.no_problem"))] + [
            Choice(pid, label) for label, pid in problem_choices(session, unit_id)]

        def picked(value: str | None) -> None:
            self._after_pick()
            if value is None:
                return
            if value.startswith(NEW):
                problem = attempt(self, session.add,
                                  Problem(unit_id=unit_id, statement=value[len(NEW):]))
                if problem is None:
                    return
                value = problem.id
            self.context = brainstorm.CaptureContext(unit_id, value, self.context.initiator)
            self.show_context()

        name = self._unit_names.get(unit_id) or t("screens.no_unit")
        self.app.push_screen(PickDialog(t("diagnose.pick.problem_title", unit=name), choices,
                                        current=self.context.problem_id, allow_new=True),
                             picked)

    def action_pick_initiator(self) -> None:
        choices = [Choice("", t("diagnose.capture.no_initiator"))] + [
            Choice(key, label) for label, key in list_choices("initiator")]

        def picked(value: str | None) -> None:
            self._after_pick()
            if value is not None:
                self.context = brainstorm.CaptureContext(
                    self.context.unit_id, self.context.problem_id, value)
                self.show_context()

        self.app.push_screen(PickDialog(t("diagnose.pick.initiator_title"), choices,
                                        current=self.context.initiator), picked)

    def _after_pick(self) -> None:
        # Back to the title field: a pick happens in the middle of the capture.
        self.capture_field.focus()

    def set_unit(self, unit_id: str) -> None:
        """Capture the next ideas for ``unit_id`` (from the per-unit tab)."""
        self.context = self.context.with_unit(self.session, unit_id)
        self.show_context()

    # -- the list ------------------------------------------------------------------------------

    @on(Input.Changed, "#idea-filter")
    def _filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if len(self._rows) <= FILTER_AT_ONCE:
            self.show_ideas()
        else:
            # Refilling thousands of rows per key would lag behind the typing: wait for a pause.
            self._filter_timer = self.set_timer(FILTER_PAUSE, self.show_ideas)

    @on(Input.Submitted, "#idea-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(FilterInput.Cleared, "#idea-filter")
    def _filter_cleared(self) -> None:
        self.table.focus()

    @on(DataTable.RowHighlighted, "#ideas-table")
    def _highlighted(self) -> None:
        self.show_unit_count()

    @on(DataTable.RowSelected, "#ideas-table")
    def _selected_row(self) -> None:
        self.action_edit()

    def focus_filter(self) -> None:
        self.query_one("#idea-filter", Input).focus()

    def action_sort(self) -> None:
        self.sort = brainstorm.SORTS[(brainstorm.SORTS.index(self.sort) + 1)
                                     % len(brainstorm.SORTS)]
        self.show_ideas()

    def action_group(self) -> None:
        self.grouped = not self.grouped
        self.show_ideas()

    def _selected(self) -> Idea | None:
        key = self.table.cursor_key
        if not key or key.startswith(GROUP):
            return None
        return self.session.get(Idea, key)

    def action_remove(self) -> None:
        idea = self._selected()
        if idea is not None and attempt(self, self.session.delete, idea) is not None:
            self.notify(t("diagnose.idea.removed", title=quote(idea.title, 40)), markup=False)

    def action_edit(self) -> None:
        key = self.table.cursor_key or ""
        if key.startswith(GROUP):
            unit_id = key[len(GROUP):]
            self.set_unit("" if unit_id == NO_UNIT else unit_id)
            self.start_capture()
            return
        idea = self._selected()
        if idea is not None:
            self.edit_idea(idea)

    def edit_idea(self, idea: Idea) -> None:
        """Open the idea's details to be changed."""
        session = self.session

        def check(values: dict[str, str]):
            if not clean(values["title"]):
                return t("diagnose.idea.title_required"), "title"
            return None

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            title, cut = brainstorm.prepare_title(values["title"])
            problem = session.get(Problem, values["problem"]) if values["problem"] else None
            changes = {
                "title": title, "description": clean(values["description"], multiline=True),
                "unit_id": values["unit"],
                "problem_id": problem.id if problem and problem.unit_id == values["unit"] else "",
                "initiator": values["initiator"], "bentuk": values["bentuk"],
                "jenis": values["jenis"], "urusan": clean(values["urusan"])}
            if attempt(self, session.edit, idea, **changes) is None:
                return
            if cut:
                self.notify(t("diagnose.capture.cut_notice", max=MAX_TITLE), severity="warning",
                            markup=False)
            alike = self.index.similar(title, exclude=[idea.id]) if title != idea.title else []
            if alike:
                other = session.get(Idea, alike[0][0])
                self.notify(t("diagnose.idea.similar", title=quote(other.title if other else "",
                                                                   40)),
                            severity="warning", markup=False)

        units = [(u.name, u.id) for u in session.all(Unit)]
        self.app.push_screen(IdeaDialog(session, t("diagnose.idea.edit_title"), [
            Field("title", t("diagnose.idea.title"), idea.title),
            Field("description", t("diagnose.idea.description"), idea.description,
                  kind=MULTILINE),
            Field("unit", t("diagnose.idea.unit"), idea.unit_id, kind=CHOICE, choices=units),
            Field("problem", t("diagnose.idea.problem"), idea.problem_id, kind=CHOICE,
                  choices=problem_choices(session, idea.unit_id)),
            Field("initiator", t("diagnose.idea.initiator"), idea.initiator, kind=CHOICE,
                  choices=list_choices("initiator")),
            Field("bentuk", t("diagnose.idea.bentuk"), idea.bentuk, kind=CHOICE,
                  choices=list_choices("bentuk")),
            Field("jenis", t("diagnose.idea.jenis"), idea.jenis, kind=CHOICE,
                  choices=list_choices("jenis")),
            Field("urusan", t("diagnose.idea.urusan"), idea.urusan,
                  placeholder=t("diagnose.idea.urusan_placeholder")),
        ], check=check), save)

    def action_import(self) -> None:
        self.screen.open_import("ideas")  # type: ignore[attr-defined]
