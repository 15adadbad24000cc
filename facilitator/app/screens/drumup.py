"""The Drum-Up stage screen: the lab's details and targets, its units, people, run-sheet and notes.

This first version reads the session; the Drum-Up issue adds the forms (units, check-in, the
run-sheet's countdown, quick notes) on top of the same tables.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane

from facilitator.app.screens.base import StageScreen
from facilitator.app.widgets.stage_text import clock, date_range, day_month, fields, short_date
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core.progress import target_progress
from facilitator.core.records import AgendaItem, Note, Participant, Problem, Unit
from facilitator.core.template import load_default_template
from facilitator.i18n import language, t

UNIT_COLUMNS = (
    Column("name", "screens.col.unit_name", min_width=16),
    Column("kind", "screens.col.unit_kind", width=18),
    Column("ideas", "screens.col.ideas", width=5, align="right"),
    Column("problems", "screens.col.problems", width=8, align="right"),
)
AGENDA_COLUMNS = (
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
TABS = ("units", "participants", "agenda", "notes")


def participant_columns(days: list[str]) -> list[Column]:
    """The participants' columns: who they are, then one check-in mark per day of the lab."""
    return [
        Column("name", "screens.col.name", flex=3, min_width=12),
        Column("jabatan", "screens.col.jabatan", flex=2, min_width=8),
        Column("unit", "screens.col.unit", flex=2, min_width=8),
        *(Column(f"day{n}", t("screens.drumup.day_short", n=n), width=3, align="center",
                 literal=True) for n in range(1, len(days) + 1)),
    ]


class DrumUpScreen(StageScreen):
    """The lab's details, targets, units, participants, run-sheet and notes."""

    STAGE = "drumup"
    CSS_PATH = "drumup.tcss"
    AUTO_FOCUS = "#units-table"

    def compose_body(self) -> ComposeResult:
        with Vertical(id="lab-details"):
            yield Static(id="lab-place", markup=False)
            yield Static(id="lab-people", markup=False)
            yield Static(id="lab-targets", markup=False)
        with TabbedContent(id="drumup-tabs"):
            with TabPane(Content(t("screens.drumup.tab.units")), id="tab-units"):
                yield RecordTable(UNIT_COLUMNS, id="units-table")
            with TabPane(Content(t("screens.drumup.tab.participants")), id="tab-participants"):
                yield Static(id="attendance", markup=False)
                yield RecordTable(participant_columns([]), id="participants-table")
            with TabPane(Content(t("screens.drumup.tab.agenda")), id="tab-agenda"):
                yield RecordTable(AGENDA_COLUMNS, id="agenda-table")
            with TabPane(Content(t("screens.drumup.tab.notes")), id="tab-notes"):
                yield RecordTable(NOTE_COLUMNS, id="notes-table")

    def refresh_data(self) -> None:
        session = self.session
        lab = session.lab
        units = session.all(Unit)
        participants = session.all(Participant)
        agenda = sorted(session.all(AgendaItem), key=lambda a: (a.day, a.order, a.planned_start))
        notes = sorted(session.all(Note), key=lambda n: n.at)
        days = list(lab.dates) or sorted({d for p in participants for d in p.attendance})

        self.query_one("#lab-place", Static).update(fields(
            ("", ", ".join(x for x in (lab.region, lab.province) if x)),
            ("", date_range(lab.dates)), ("", lab.venue)))
        self.query_one("#lab-people", Static).update(fields(
            (t("screens.drumup.coaches"), ", ".join(lab.coaches)),
            (t("screens.drumup.chair"), lab.chair), (t("screens.drumup.notulis"), lab.notulis)))
        self.query_one("#lab-targets", Static).update(self._targets_line())

        ideas_per_unit = Counter(i.unit_id for i in session.ideas())
        problems_per_unit = Counter(p.unit_id for p in session.all(Problem))
        template = load_default_template()
        lang = language()
        self.query_one("#units-table", RecordTable).set_rows(
            (u.id, (u.name, template.label("unit_kind", u.kind, lang), ideas_per_unit[u.id],
                    problems_per_unit[u.id])) for u in units)

        attended = sum(1 for p in participants if p.attendance)
        self.query_one("#attendance", Static).update(fields(
            (t("screens.drumup.checked_in"),
             t("screens.drumup.checked_in_of", n=attended, total=len(participants))),
            *((t("screens.drumup.day_short", n=n),
               str(sum(1 for p in participants if day in p.attendance)))
              for n, day in enumerate(days, start=1))))
        table = self.query_one("#participants-table", RecordTable)
        table.set_columns(participant_columns(days))
        check, absent = t("screens.drumup.present_mark"), t("screens.drumup.absent_mark")
        table.set_rows(
            (p.id, (p.name, p.jabatan, session.unit_name(p.unit_id),
                    *(Text(check, style="bold green", justify="center") if day in p.attendance
                      else Text(absent, style="dim", justify="center") for day in days)))
            for p in participants)

        self.query_one("#agenda-table", RecordTable).set_rows(
            (a.id, (short_date(a.day), clock(a.planned_start), a.minutes, a.title,
                    "–".join(x for x in (clock(a.actual_start), clock(a.actual_end)) if x)))
            for a in agenda)
        self.query_one("#notes-table", RecordTable).set_rows(
            (n.id, (day_month(n.at), clock(n.at), n.speaker, n.text)) for n in notes)

        counts = {"units": len(units), "participants": f"{attended}/{len(participants)}",
                  "agenda": len(agenda), "notes": len(notes)}
        tabs = self.query_one("#drumup-tabs", TabbedContent)
        for name in TABS:
            tabs.get_tab(f"tab-{name}").label = Content(
                t("screens.tab_count", name=t(f"screens.drumup.tab.{name}"), count=counts[name]))

    def _targets_line(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('screens.drumup.targets')}: ", style="bold")
        progress = target_progress(self.session)
        if not progress:
            line.append(t("screens.drumup.no_targets"), style="dim")
        for n, target in enumerate(progress):
            if n:
                line.append("  ·  ", style="dim")
            name = t(f"screens.drumup.target.{target.key}") if target.key in (
                "ideas", "innovations_per_unit") else target.key
            if target.actual is None:
                line.append(f"{name} {target.goal}")
                continue
            line.append(f"{name} {target.actual}/{target.out_of}")
            if target.met:
                line.append(f" {t('screens.drumup.met_mark')}", style="bold green")
        return line
