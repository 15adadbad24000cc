"""The tabs of the Drum-Up screen: units, participants (check-in), run-sheet, notes, commitments.

Each tab is a :class:`TabPane` with its own keys (they show in the footer while the tab has the
focus) and a ``refresh_data(session)`` the screen calls after every change. The panes change the
session only through the core (``Session.add/edit/delete``, :mod:`facilitator.core.checkin`,
:mod:`facilitator.core.runsheet`), each change on disk before the call returns.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Static, TabPane

from facilitator.app.screens.drumup_form import CHOICE, MULTILINE, NUMBER, Field, FormDialog
from facilitator.app.widgets.capture import InstantInput
from facilitator.app.widgets.countdown import wall_clock
from facilitator.app.widgets.stage_text import clock, day_month, fields, short_date
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import checkin, runsheet
from facilitator.core.errors import FacilitatorError
from facilitator.core.records import (
    STAGES, AgendaItem, Commitment, Note, Participant, Problem, Unit,
)
from facilitator.core.session import Session
from facilitator.core.text import clean, normal
from facilitator.i18n import language, t

UNIT_COLUMNS = (
    Column("name", "screens.col.unit_name", min_width=16),
    Column("short", "drumup.col.short", width=12),
    Column("kind", "screens.col.unit_kind", width=16),
    Column("ideas", "screens.col.ideas", width=5, align="right"),
    Column("problems", "screens.col.problems", width=8, align="right"),
)
AGENDA_COLUMNS = (
    Column("state", "drumup.col.state", width=2, align="center"),
    Column("day", "screens.col.day", width=11),
    Column("start", "screens.col.start", width=5),
    Column("minutes", "screens.col.minutes", width=5, align="right"),
    Column("title", "screens.col.activity", min_width=16),
    Column("actual", "screens.col.actual", width=11),
)
NOTE_COLUMNS = (
    Column("day", "screens.col.day", width=6),
    Column("at", "screens.col.time", width=5),
    Column("speaker", "screens.col.speaker", flex=1, min_width=10),
    Column("text", "screens.col.note", flex=3, min_width=20),
)
OPENING_COLUMNS = (
    Column("mark", "drumup.col.committed", width=3, align="center"),
    Column("name", "screens.col.name", flex=3, min_width=12),
    Column("jabatan", "screens.col.jabatan", flex=2, min_width=8),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
)
STATE_MARKS = {runsheet.RUNNING: ("▶", "bold green"), runsheet.PAUSED: ("⏸", "bold yellow"),
               runsheet.DONE: ("✓", "green"), runsheet.PLANNED: ("", "")}
DELETE_KEYS = "delete,backspace"


TAB_BINDINGS = [
    Binding("right_square_bracket", "cycle_tab(1)", "Next tab", key_display="]",
            id="drumup.tab_next"),
    Binding("left_square_bracket", "cycle_tab(-1)", "Previous tab", key_display="[", show=False,
            id="drumup.tab_previous"),
]
"""``]`` and ``[`` go from tab to tab, shown in the footer (:meth:`StageScreen.action_cycle_tab`)."""


def attempt(node: Any, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a core call; a refusal (read-only file, sealed record...) is told, not raised."""
    try:
        return action(*args, **kwargs)
    except FacilitatorError as exc:
        node.notify(exc.message(), severity="error", markup=False)
        return None


def template():
    from facilitator.core.template import load_default_template

    return load_default_template()


def list_choices(list_name: str) -> list[tuple[str, str]]:
    """A template list as ``(label, key)`` choices in the user's language."""
    lang = language()
    return [(template().label(list_name, key, lang), key) for key in template().lists[list_name]]


def role_label(role: str) -> str:
    """A participant's role in the user's language (an unknown role as it is)."""
    key = checkin.role_key(role)
    return t(f"drumup.role.{key}") if key in checkin.ROLES else role


def unit_choices(session: Session) -> list[tuple[str, str]]:
    return [(u.name, u.id) for u in session.all(Unit)]


def participant_columns(days: list[str]) -> list[Column]:
    """The participants' columns: who they are, then one check-in mark per day of the lab."""
    return [
        Column("name", "screens.col.name", flex=3, min_width=12),
        Column("jabatan", "screens.col.jabatan", flex=2, min_width=8),
        Column("unit", "screens.col.unit", flex=2, min_width=8),
        *(Column(f"day{n}", t("screens.drumup.day_short", n=n), width=3, align="center",
                 literal=True) for n in range(1, len(days) + 1)),
        Column("role", "drumup.col.role", width=13),
    ]


def lab_days(session: Session) -> list[str]:
    """The lab's days, or the days people checked in on if the lab has no dates yet."""
    lab = session.lab
    return list(lab.dates) or sorted({d for p in session.all(Participant) for d in p.attendance})


def day_label(session: Session, day: str) -> str:
    """``H2 · 17 Jun`` for the second day of the lab."""
    days = lab_days(session)
    if day in days:
        return f"{t('screens.drumup.day_short', n=days.index(day) + 1)} · {day_month(day)}"
    return short_date(day)


class Follows:
    """A pane whose table's cursor goes to the record just added or edited, once the change
    has reached the table (the app refreshes the screen after the change is on disk)."""

    _follow = ""

    def follow(self, key: str) -> None:
        self._follow = key

    def show_followed(self) -> None:
        """Call after the table's rows are set."""
        table = self.table  # type: ignore[attr-defined]
        if self._follow and self._follow in table.row_keys:
            table.move_cursor(row=table.row_keys.index(self._follow))
            self._follow = ""


class SearchInput(InstantInput):
    """A search field over a table: the arrows choose among the matches, Enter takes the one
    chosen (in the order the keys were typed), Esc empties the field and, when empty, hands
    the keys to the table."""

    BINDINGS = [
        Binding("escape", "leave", "Clear", show=False, id="drumup.search_clear"),
    ]

    class Left(Message):
        """The coach pressed Esc in an empty search field."""

        def __init__(self, field: "SearchInput") -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> "SearchInput":
            return self.field

    def __init__(self, table_id: str, **kwargs: Any) -> None:
        super().__init__(moves=True, **kwargs)
        self.table_id = table_id

    def action_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.post_message(self.Left(self))


def pick_match(entries: list[checkin.Entry], value: str, offset: int) -> str | None:
    """The person an Enter in a search field meant: the match at ``offset`` (the arrows) among
    those ``value`` finds, the last one if the arrows went past it."""
    found = checkin.search(entries, value) if value.strip() else []
    return found[min(offset, len(found) - 1)] if found else None


class PeoplePane(TabPane):
    """A pane of people with a search field over their table (the check-in, the opening
    commitment): typing narrows the table, the arrows choose among the matches, Enter toggles
    the person chosen, Esc hands the keys to the table, where Space or Enter toggles the one
    highlighted. A pane names its field and table (``SEARCH_ID``, ``TABLE_ID``) and says what
    it shows (:meth:`show`) and what a toggle does (:meth:`toggle`)."""

    SEARCH_ID: ClassVar[str] = ""
    TABLE_ID: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries: list[checkin.Entry] = []

    def focus_default(self) -> None:
        self.search.focus()  # ready to type a name

    @property
    def table(self) -> RecordTable:
        return self.query_one(f"#{self.TABLE_ID}", RecordTable)

    @property
    def search(self) -> SearchInput:
        return self.query_one(f"#{self.SEARCH_ID}", SearchInput)

    def show(self, session: Session) -> None:
        """Fill the table with the people the search finds (all of them when it is empty)."""
        raise NotImplementedError

    def toggle(self, pid: str) -> None:
        """What Enter in the search, or Space on the table, does to a person."""
        raise NotImplementedError

    def follow_search(self) -> None:
        """After :meth:`show`: the cursor on the match the arrows chose."""
        if self.search.value.strip() and self.table.row_count:
            self.table.move_cursor(row=min(self.search.choice, self.table.row_count - 1))

    @on(Input.Changed, "SearchInput")
    def _typed(self) -> None:
        self.show(self.app.session)  # type: ignore[attr-defined]

    @on(InstantInput.Moved, "SearchInput")
    def _moved(self, event: InstantInput.Moved) -> None:
        if self.table.row_count:
            self.table.move_cursor(row=min(event.offset, self.table.row_count - 1))

    @on(InstantInput.Entered, "SearchInput")
    def _enter(self, event: InstantInput.Entered) -> None:
        event.stop()
        pid = pick_match(self._entries, event.value, event.offset)
        if pid is None:
            self.search.restore(event.value)
            return
        self.toggle(pid)

    @on(SearchInput.Left)
    def _left(self) -> None:
        self.table.focus()

    @on(DataTable.RowSelected, "RecordTable")
    def _selected_row(self) -> None:
        self.action_toggle()

    def action_search(self) -> None:
        self.search.focus()

    def action_toggle(self) -> None:
        """Toggle the person highlighted in the table."""
        if self.table.cursor_key:
            self.toggle(self.table.cursor_key)


# -- units -----------------------------------------------------------------------------------------


class UnitsPane(Follows, TabPane):
    """The OPD roster: add, edit, remove, import; each unit's kind from the template's list."""

    BINDINGS = [
        Binding("a", "add", "Add", id="drumup.unit_add"),
        Binding("e", "edit", "Edit", id="drumup.unit_edit"),
        Binding(DELETE_KEYS, "remove", "Remove", id="drumup.unit_remove"),
        Binding("i", "import", "Import", id="drumup.unit_import"),
    ]

    def compose(self) -> ComposeResult:
        yield RecordTable(UNIT_COLUMNS, id="units-table")

    def focus_default(self) -> None:
        self.table.focus()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#units-table", RecordTable)

    def refresh_data(self, session: Session) -> None:
        ideas = {}
        for idea in session.ideas():
            ideas[idea.unit_id] = ideas.get(idea.unit_id, 0) + 1
        problems = {}
        for problem in session.all(Problem):
            problems[problem.unit_id] = problems.get(problem.unit_id, 0) + 1
        lang = language()
        self.table.set_rows(
            (u.id, (u.name, u.short, template().label("unit_kind", u.kind, lang),
                    ideas.get(u.id, 0), problems.get(u.id, 0))) for u in session.all(Unit))
        self.show_followed()

    def _selected(self) -> Unit | None:
        key = self.table.cursor_key
        return self.app.session.get(Unit, key) if key else None  # type: ignore[attr-defined]

    def _form(self, unit: Unit | None) -> None:
        session: Session = self.app.session  # type: ignore[attr-defined]
        unit = unit or Unit()
        others = {normal(u.name) for u in session.all(Unit) if u.id != unit.id}

        def check(values: dict[str, str]):
            name = clean(values["name"])
            if not name:
                return t("drumup.unit.name_required"), "name"
            if normal(name) in others:
                return t("drumup.unit.name_taken", name=name), "name"
            return None

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            changes = {"name": clean(values["name"]), "short": clean(values["short"]),
                       "kind": values["kind"] or "lainnya"}
            if unit.id:
                record = attempt(self, session.edit, unit, **changes)
            else:
                record = attempt(self, session.add, Unit(**changes))
            if record is not None:
                self.follow(record.id)

        title = t("drumup.unit.edit_title" if unit.id else "drumup.unit.add_title")
        self.app.push_screen(FormDialog(title, [
            Field("name", t("drumup.unit.name"), unit.name),
            Field("short", t("drumup.unit.short"), unit.short,
                  placeholder=t("drumup.unit.short_placeholder")),
            Field("kind", t("drumup.unit.kind"), unit.kind if unit.id else "dinas", kind=CHOICE,
                  choices=list_choices("unit_kind"), blank=False),
        ], check=check), save)

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        unit = self._selected()
        if unit is not None:
            self._form(unit)

    @on(DataTable.RowSelected, "#units-table")
    def _selected_row(self) -> None:
        self.action_edit()

    def action_remove(self) -> None:
        unit = self._selected()
        if unit is None:
            return
        session: Session = self.app.session  # type: ignore[attr-defined]
        ideas = sum(1 for i in session.ideas() if i.unit_id == unit.id)
        people = sum(1 for p in session.all(Participant) if p.unit_id == unit.id)
        if attempt(self, session.delete, unit) is not None:
            key = "drumup.unit.removed_linked" if ideas or people else "drumup.unit.removed"
            self.notify(t(key, name=unit.name, ideas=ideas, people=people), markup=False)

    def action_import(self) -> None:
        self.screen.open_import("units")  # type: ignore[attr-defined]


# -- participants and check-in ---------------------------------------------------------------------


class ParticipantsPane(Follows, PeoplePane):
    """The participants, and the check-in: type part of a name, Enter marks them present."""

    SEARCH_ID = "checkin-search"
    TABLE_ID = "participants-table"

    BINDINGS = [
        Binding("slash", "search", "Search", id="drumup.checkin_search"),
        Binding("space", "toggle", "Present", id="drumup.checkin_toggle"),
        Binding("ctrl+n", "next_day", "Next day", id="drumup.checkin_day"),
        Binding("a", "add", "Add", id="drumup.person_add"),
        Binding("e", "edit", "Edit", id="drumup.person_edit"),
        Binding(DELETE_KEYS, "remove", "Remove", id="drumup.person_remove"),
        Binding("i", "import", "Import", id="drumup.person_import"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day = ""
        self._status = Text()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="search-bar"):
            yield SearchInput("participants-table", id="checkin-search",
                              placeholder=t("drumup.checkin.placeholder"))
            yield Static(id="checkin-day", markup=False)
        yield Static(id="attendance", markup=False)
        yield RecordTable(participant_columns([]), id="participants-table")

    def refresh_data(self, session: Session) -> None:
        days = lab_days(session)
        if self.day not in days:
            self.day = checkin.check_in_day(days, wall_clock().date())
        self._entries = checkin.entries(session)
        people = session.all(Participant)
        attended = sum(1 for p in people if p.attendance)
        line = fields(
            (t("screens.drumup.checked_in"),
             t("screens.drumup.checked_in_of", n=attended, total=len(people))),
            *((t("screens.drumup.day_short", n=n),
               str(sum(1 for p in people if day in p.attendance)))
              for n, day in enumerate(days, start=1)))
        if self._status.plain:
            # What the last Enter did comes first: at 80 columns the end of the line is cut.
            line = Text.assemble(self._status, ("  ·  ", "dim"), line, no_wrap=True,
                                 overflow="ellipsis", end="")
        self.query_one("#attendance", Static).update(line)
        self.query_one("#checkin-day", Static).update(
            Text(t("drumup.checkin.day", day=day_label(session, self.day)), style="bold"))
        self.table.set_columns(participant_columns(days))
        self.show(session)

    def show(self, session: Session) -> None:
        days = lab_days(session)
        query = self.search.value
        order = checkin.search(self._entries, query) if query.strip() else [
            e.id for e in self._entries]
        check, absent = t("screens.drumup.present_mark"), t("screens.drumup.absent_mark")
        rows = []
        units = {u.id: u.name for u in session.all(Unit, include_deleted=True)}
        for pid in order:
            p = session.get(Participant, pid)
            if p is None:
                continue
            marks = []
            for day in days:
                style = "bold green" if day in p.attendance else "dim"
                if day == self.day:
                    style += " underline"
                marks.append(Text(check if day in p.attendance else absent, style=style,
                                  justify="center"))
            rows.append((p.id, (p.name, p.jabatan, units.get(p.unit_id, ""), *marks,
                                role_label(p.role))))
        self.table.set_rows(rows)
        self.follow_search()
        self.show_followed()

    def toggle(self, pid: str) -> None:
        """Check a person in for the day shown, or out again."""
        session: Session = self.app.session  # type: ignore[attr-defined]
        person = session.get(Participant, pid)
        if person is None:
            return
        changed = attempt(self, checkin.toggle, session, person, self.day)
        if changed is None:
            return
        day = day_label(session, self.day)
        status = Text(no_wrap=True, end="")
        if checkin.present(changed, self.day):
            status.append("✓ ", style="bold green")
            status.append(t("drumup.checkin.in", name=changed.name, day=day))
        else:
            status.append("✗ ", style="bold yellow")
            status.append(t("drumup.checkin.out", name=changed.name, day=day))
        self._status = status
        self.refresh_data(session)

    def action_next_day(self) -> None:
        session: Session = self.app.session  # type: ignore[attr-defined]
        days = lab_days(session)
        if not days:
            return
        self.day = days[(days.index(self.day) + 1) % len(days)] if self.day in days else days[0]
        self._status = Text()
        self.refresh_data(session)

    def _form(self, person: Participant | None) -> None:
        session: Session = self.app.session  # type: ignore[attr-defined]
        person = person or Participant()

        def check(values: dict[str, str]):
            if not clean(values["name"]):
                return t("drumup.person.name_required"), "name"
            nip = "".join(values["nip"].split())
            if nip and not nip.isdigit():
                return t("drumup.person.nip_digits"), "nip"
            return None

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            changes = {"name": clean(values["name"]), "jabatan": clean(values["jabatan"]),
                       "nip": "".join(values["nip"].split()), "unit_id": values["unit"],
                       "role": values["role"] or "peserta"}
            if person.id:
                record = attempt(self, session.edit, person, **changes)
            else:
                record = attempt(self, session.add, Participant(**changes))
            if record is not None:
                self.follow(record.id)
                self.search.focus()  # back to the check-in

        roles = [(role_label(r), r) for r in checkin.ROLES]
        title = t("drumup.person.edit_title" if person.id else "drumup.person.add_title")
        self.app.push_screen(FormDialog(title, [
            Field("name", t("drumup.person.name"), person.name),
            Field("jabatan", t("drumup.person.jabatan"), person.jabatan),
            Field("nip", t("drumup.person.nip"), person.nip,
                  placeholder=t("drumup.person.nip_placeholder")),
            Field("unit", t("drumup.person.unit"), person.unit_id, kind=CHOICE,
                  choices=unit_choices(session)),
            Field("role", t("drumup.person.role"), checkin.role_key(person.role or "peserta"),
                  kind=CHOICE,
                  choices=roles, blank=False),
        ], check=check), save)

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        key = self.table.cursor_key
        person = self.app.session.get(Participant, key) if key else None  # type: ignore
        if person is not None:
            self._form(person)

    def action_remove(self) -> None:
        key = self.table.cursor_key
        session: Session = self.app.session  # type: ignore[attr-defined]
        person = session.get(Participant, key) if key else None
        if person is not None and attempt(self, session.delete, person) is not None:
            self.notify(t("drumup.person.removed", name=person.name), markup=False)

    def action_import(self) -> None:
        self.screen.open_import("participants")  # type: ignore[attr-defined]


# -- the run-sheet ---------------------------------------------------------------------------------


class AgendaPane(Follows, TabPane):
    """The run-sheet: plan the days, run the timer, see planned and actual times side by side."""

    BINDINGS = [
        Binding("s", "start", "Start", id="drumup.agenda_start"),
        Binding("p", "screen.timer_toggle", "Pause", id="drumup.agenda_pause"),
        Binding("plus,equals_sign", "screen.timer_extend", "+5", id="drumup.agenda_extend"),
        Binding("n", "screen.timer_next", "Next", id="drumup.agenda_next"),
        Binding("f", "finish", "Finish", id="drumup.agenda_finish"),
        Binding("a", "add", "Add", id="drumup.agenda_add"),
        Binding("e", "edit", "Edit", id="drumup.agenda_edit"),
        Binding(DELETE_KEYS, "remove", "Remove", id="drumup.agenda_remove"),
        Binding("t", "template", "From template", id="drumup.agenda_template"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="agenda-now", markup=False)
        yield RecordTable(AGENDA_COLUMNS, id="agenda-table")

    def focus_default(self) -> None:
        self.table.focus()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#agenda-table", RecordTable)

    def refresh_data(self, session: Session) -> None:
        items = runsheet.ordered(session.all(AgendaItem))
        rows = []
        for a in items:
            mark, style = STATE_MARKS[runsheet.state(a)]
            actual = "–".join(x for x in (clock(a.actual_start), clock(a.actual_end)) if x)
            minutes = f"{a.minutes}+{a.extra_minutes}" if a.extra_minutes else a.minutes
            title = Text(a.title, style="bold" if runsheet.state(a) in (
                runsheet.RUNNING, runsheet.PAUSED) else "")
            rows.append((a.id, (Text(mark, style=style, justify="center"), short_date(a.day),
                                clock(a.planned_start), minutes, title, actual)))
        self.table.set_rows(rows)
        self.show_followed()
        self._now_line(session, items)

    def _now_line(self, session: Session, items: list[AgendaItem]) -> None:
        on = runsheet.current(items)
        day = checkin.check_in_day(session.lab.dates, wall_clock().date())
        nxt = runsheet.following(items, on, day)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        if on is not None:
            # The header counts the seconds; this line says until when, which holds still.
            now = wall_clock()
            left = runsheet.remaining_seconds(on, now)
            line.append(f"{t('drumup.agenda.now')}: ", style="bold")
            line.append(on.title)
            if runsheet.state(on) == runsheet.PAUSED:
                line.append(f" ({t('drumup.agenda.paused')})", style="bold yellow")
            else:
                until = runsheet.hhmm(now + timedelta(seconds=left))
                line.append(f" ({t('drumup.agenda.until', time=until)})",
                            style="bold red" if left < 0 else "")
        else:
            line.append(t("drumup.agenda.nothing_on"), style="dim")
        if nxt is not None:
            line.append("  ·  ", style="dim")
            line.append(f"{t('drumup.agenda.next')}: ", style="bold")
            line.append(f"{clock(nxt.planned_start)} ".lstrip() + nxt.title)
        self.query_one("#agenda-now", Static).update(line)

    def _selected(self) -> AgendaItem | None:
        key = self.table.cursor_key
        return self.app.session.get(AgendaItem, key) if key else None  # type: ignore

    def action_start(self) -> None:
        item = self._selected()
        if item is None:
            return
        sheet = runsheet.RunSheet(self.app.session, clock=wall_clock)  # type: ignore
        if attempt(self, sheet.start, item) is not None:
            self.screen._after_timer(t("drumup.timer.started", title=item.title))  # type: ignore

    def action_finish(self) -> None:
        sheet = runsheet.RunSheet(self.app.session, clock=wall_clock)  # type: ignore
        item = attempt(self, sheet.finish)
        self.screen._after_timer(  # type: ignore[attr-defined]
            t("drumup.timer.finished", title=item.title) if item is not None
            else t("drumup.timer.nothing_on"))

    def _form(self, item: AgendaItem | None) -> None:
        session: Session = self.app.session  # type: ignore[attr-defined]
        days = lab_days(session)
        items = session.all(AgendaItem)
        if item is None:
            selected = self._selected()
            day = selected.day if selected else checkin.check_in_day(days, wall_clock().date())
            previous = [a for a in items if a.day == day]
            stage = max(previous, key=lambda a: a.order).stage if previous else "drumup"
            item = AgendaItem(day=day, planned_start=runsheet.next_start(items, day),
                              minutes=runsheet.DEFAULT_MINUTES, stage=stage)
        day_choices = [(day_label(session, d), d) for d in days]

        def check(values: dict[str, str]):
            if not clean(values["title"]):
                return t("drumup.agenda.title_required"), "title"
            if values["start"].strip() and runsheet.parse_hhmm(values["start"]) is None:
                return t("drumup.agenda.bad_time"), "start"
            if not values["minutes"].strip().isdigit() or not 1 <= int(values["minutes"]) <= 1440:
                return t("drumup.agenda.bad_minutes"), "minutes"
            for name in ("actual_start", "actual_end"):
                if values[name].strip() and runsheet.parse_hhmm(values[name]) is None:
                    return t("drumup.agenda.bad_time"), name
            return None

        def hhmm(value: str) -> str:
            minutes = runsheet.parse_hhmm(value)
            return "" if minutes is None else runsheet.format_minutes(minutes)

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            changes: dict[str, Any] = {
                "title": clean(values["title"]), "day": values["day"] or item.day,
                "planned_start": hhmm(values["start"]), "minutes": int(values["minutes"]),
                "stage": values["stage"] or item.stage}
            for name in ("actual_start", "actual_end"):
                typed = hhmm(values[name])
                if typed != clock(getattr(item, name)):
                    changes[name] = typed
                    if name == "actual_start":
                        changes["started_at"] = ""  # the typed time is now the start
            if item.id:
                record = attempt(self, session.edit, item, **changes)
            else:
                changes["order"] = runsheet.next_order(items, changes["day"])
                record = attempt(self, session.add, AgendaItem(**changes))
            if record is not None:
                self.follow(record.id)

        title = t("drumup.agenda.edit_title" if item.id else "drumup.agenda.add_title")
        self.app.push_screen(FormDialog(title, [
            Field("title", t("drumup.agenda.title"), item.title),
            Field("day", t("drumup.agenda.day"), item.day, kind=CHOICE, choices=day_choices,
                  blank=not day_choices),
            Field("start", t("drumup.agenda.start"), clock(item.planned_start),
                  placeholder="HH:MM"),
            Field("minutes", t("drumup.agenda.minutes"), item.minutes, kind=NUMBER),
            Field("stage", t("drumup.agenda.stage"), item.stage, kind=CHOICE,
                  choices=[(t(f"stage.{s}"), s) for s in STAGES], blank=False),
            Field("actual_start", t("drumup.agenda.actual_start"), clock(item.actual_start),
                  placeholder="HH:MM"),
            Field("actual_end", t("drumup.agenda.actual_end"), clock(item.actual_end),
                  placeholder="HH:MM"),
        ], check=check), save)

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        item = self._selected()
        if item is not None:
            self._form(item)

    @on(DataTable.RowSelected, "#agenda-table")
    def _selected_row(self) -> None:
        self.action_edit()

    def action_remove(self) -> None:
        item = self._selected()
        session: Session = self.app.session  # type: ignore[attr-defined]
        if item is not None and attempt(self, session.delete, item) is not None:
            self.notify(t("drumup.agenda.removed", title=item.title), markup=False)

    def action_template(self) -> None:
        """Fill the highlighted item's day (or today) with the template's activities."""
        session: Session = self.app.session  # type: ignore[attr-defined]
        selected = self._selected()
        days = lab_days(session)
        day = selected.day if selected else checkin.check_in_day(days, wall_clock().date())
        items = session.all(AgendaItem)
        made = runsheet.template_day(template(), day, language(), session.new_id, items)
        if attempt(self, session.commit, "agenda.add", made) is not None:
            self.notify(t("drumup.agenda.from_template", count=len(made),
                          day=day_label(session, day)), markup=False)


# -- notes for the minutes -------------------------------------------------------------------------


class NotesPane(TabPane):
    """Points for the minutes, time-stamped as they are typed; the speaker stays until changed."""

    BINDINGS = [
        Binding("escape", "leave", "To the list", show=False, id="drumup.note_leave"),
        Binding("n", "write", "New note", id="drumup.note_new"),
        Binding("e", "edit", "Edit", id="drumup.note_edit"),
        Binding(DELETE_KEYS, "remove", "Remove", id="drumup.note_remove"),
    ]

    def compose(self) -> ComposeResult:
        yield RecordTable(NOTE_COLUMNS, id="notes-table")
        with Horizontal(id="note-bar"):
            yield Input(placeholder=t("drumup.note.speaker_placeholder"), id="note-speaker",
                        compact=True)
            yield InstantInput(placeholder=t("drumup.note.text_placeholder"), id="note-text")

    def focus_default(self) -> None:
        self.query_one("#note-text", Input).focus()  # the tab is for taking notes

    @property
    def table(self) -> RecordTable:
        return self.query_one("#notes-table", RecordTable)

    def refresh_data(self, session: Session) -> None:
        notes = sorted(session.all(Note), key=lambda n: (n.at or n.created, n.created))
        self.table.set_rows(
            (n.id, (day_month(n.at), clock(n.at), n.speaker, n.text)) for n in notes)
        speakers = [n.speaker for n in reversed(notes) if n.speaker]
        people = [f"{p.name}, {p.jabatan}" if p.jabatan else p.name
                  for p in session.all(Participant)]
        self.query_one("#note-speaker", Input).suggester = SuggestFromList(
            list(dict.fromkeys([*speakers, *people])), case_sensitive=False)

    def action_write(self) -> None:
        self.query_one("#note-text", Input).focus()

    def action_leave(self) -> None:
        self.table.focus()

    @on(Input.Submitted, "#note-speaker")
    def _speaker_done(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.cursor_position = 0  # the name shows from its start while notes are typed
        self.query_one("#note-text", Input).focus()

    @on(InstantInput.Entered, "#note-text")
    def _note_done(self, event: InstantInput.Entered) -> None:
        event.stop()
        text = clean(event.value, multiline=True)
        if not text:
            return
        session: Session = self.app.session  # type: ignore[attr-defined]
        speaker = clean(self.query_one("#note-speaker", Input).value)
        stage = getattr(self.screen, "STAGE", "drumup")
        on = runsheet.current(session.all(AgendaItem))
        if on is not None:
            stage = on.stage  # a note taken during the brainstorm belongs to Diagnose
        note = Note(at=wall_clock().isoformat(timespec="seconds"), speaker=speaker, text=text,
                    stage=stage)
        if attempt(self, session.add, note) is None:
            event.field.restore(event.value)
            return
        self.call_after_refresh(self._show_last)

    def _show_last(self) -> None:
        if self.table.row_count:
            self.table.move_cursor(row=self.table.row_count - 1)

    def _selected(self) -> Note | None:
        key = self.table.cursor_key
        return self.app.session.get(Note, key) if key else None  # type: ignore

    def action_edit(self) -> None:
        note = self._selected()
        if note is None:
            return
        session: Session = self.app.session  # type: ignore[attr-defined]

        def check(values: dict[str, str]):
            if runsheet.parse_hhmm(values["time"]) is None:
                return t("drumup.agenda.bad_time"), "time"
            if not clean(values["text"], multiline=True):
                return t("drumup.note.text_required"), "text"
            return None

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            minutes = runsheet.parse_hhmm(values["time"]) or 0
            try:
                moment = datetime.fromisoformat(note.at)
            except ValueError:
                moment = wall_clock()
            moment = moment.replace(hour=minutes // 60, minute=minutes % 60)
            attempt(self, session.edit, note, at=moment.isoformat(timespec="seconds"),
                    speaker=clean(values["speaker"]),
                    text=clean(values["text"], multiline=True),
                    stage=values["stage"] or note.stage)

        self.app.push_screen(FormDialog(t("drumup.note.edit_title"), [
            Field("time", t("drumup.note.time"), clock(note.at), placeholder="HH:MM"),
            Field("speaker", t("drumup.note.speaker"), note.speaker),
            Field("text", t("drumup.note.text"), note.text, kind=MULTILINE),
            Field("stage", t("drumup.agenda.stage"), note.stage, kind=CHOICE,
                  choices=[(t(f"stage.{s}"), s) for s in STAGES], blank=False),
        ], check=check), save)

    @on(DataTable.RowSelected, "#notes-table")
    def _selected_row(self) -> None:
        self.action_edit()

    def action_remove(self) -> None:
        note = self._selected()
        session: Session = self.app.session  # type: ignore[attr-defined]
        if note is not None and attempt(self, session.delete, note) is not None:
            self.notify(t("drumup.note.removed"), markup=False)


# -- the opening commitment ------------------------------------------------------------------------


class OpeningPane(PeoplePane):
    """Who committed at the opening (*Komitmen Berinovasi*): the Kepala Daerah and the heads of
    units, picked from the participants as at the check-in. It is a list of who committed, not
    a signed commitment: those are drafted, signed and sealed in Deliver."""

    SEARCH_ID = "opening-search"
    TABLE_ID = "opening-table"

    BINDINGS = [
        Binding("slash", "search", "Search", id="drumup.opening_search"),
        Binding("space", "toggle", "Committed", id="drumup.opening_toggle"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="search-bar"):
            yield SearchInput("opening-table", id="opening-search",
                              placeholder=t("drumup.opening.placeholder"))
        yield Static(id="opening-summary", markup=False)
        yield RecordTable(OPENING_COLUMNS, id="opening-table")

    def committed(self, session: Session) -> dict[str, Commitment]:
        return {c.official.get("participant", ""): c for c in checkin.opening_commitments(session)}

    def refresh_data(self, session: Session) -> None:
        self._entries = checkin.entries(session)
        head, units, total = checkin.heads_committed(session)
        people = len(checkin.opening_commitments(session))
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('drumup.opening.title')}: ", style="bold")
        line.append(t("drumup.opening.head"))
        line.append(" ✓" if head else " –", style="bold green" if head else "dim")
        line.append("  ·  ", style="dim")
        line.append(t("drumup.opening.units", n=units, total=total))
        line.append("  ·  ", style="dim")
        line.append(t("drumup.opening.people", count=people))
        self.query_one("#opening-summary", Static).update(line)
        self.show(session)

    def show(self, session: Session) -> None:
        committed = self.committed(session)
        query = self.search.value
        if query.strip():
            order = checkin.search(self._entries, query)
        else:
            # The heads first: they are the ones who commit at the opening.
            people = {p.id: p for p in session.all(Participant)}
            roles = {pid: checkin.role_key(people[pid].role) for pid in people}
            order = sorted((e.id for e in self._entries),
                           key=lambda pid: (roles[pid] not in checkin.HEADS,
                                            roles[pid] != "kepala_daerah"))
        units = {u.id: u.name for u in session.all(Unit, include_deleted=True)}
        rows = []
        for pid in order:
            p = session.get(Participant, pid)
            if p is None:
                continue
            mark = Text("✓", style="bold green", justify="center") if pid in committed else \
                Text("·", style="dim", justify="center")
            rows.append((p.id, (mark, p.name, p.jabatan, units.get(p.unit_id, ""))))
        self.table.set_rows(rows)
        self.follow_search()

    def toggle(self, pid: str) -> None:
        """Record a person's commitment, or take it back."""
        session: Session = self.app.session  # type: ignore[attr-defined]
        person = session.get(Participant, pid)
        if person is None:
            return
        existing = self.committed(session).get(person.id)
        if existing is not None:
            if attempt(self, session.delete, existing) is not None:
                self.notify(t("drumup.opening.withdrawn", name=person.name), markup=False)
            return
        day = checkin.check_in_day(session.lab.dates, wall_clock().date())
        place = session.lab.venue or session.lab.region
        if attempt(self, checkin.commit_opening, session, person, day, place) is not None:
            self.notify(t("drumup.opening.recorded", name=person.name), markup=False)

