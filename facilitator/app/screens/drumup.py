"""The Drum-Up stage screen: the lab's details and targets, its units, people, run-sheet, notes
and the opening commitment.

The lab's details are edited in a dialog (``d``); each tab is a pane with its own keys (see
:mod:`facilitator.app.screens.drumup_panes`). The run-sheet's timer also answers F5 / F6 / F7
from any tab, and its countdown shows in the header of every screen.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Input, Static, TabbedContent

from facilitator.app.screens.base import StageScreen
from facilitator.app.screens.drumup_form import CHOICE, NUMBER, Field, FormDialog
from facilitator.app.screens.drumup_panes import (
    TAB_BINDINGS, AgendaPane, NotesPane, OpeningPane, ParticipantsPane, UnitsPane, attempt,
)
from facilitator.app.widgets.stage_text import date_range, fields
from facilitator.core import checkin
from facilitator.core.progress import target_progress
from facilitator.core.records import AgendaItem, Note, Participant, Unit
from facilitator.core.text import clean
from facilitator.i18n import integer, t

TABS = ("units", "participants", "agenda", "notes", "opening")
TARGETS = ("ideas", "innovations_per_unit")
"""The targets the lab dialog edits; a template's other targets are kept as they are."""
REGION_KINDS = ("kabupaten", "kota")


def parse_dates(text: str) -> list[str] | None:
    """The lab's days typed as ``2021-06-16, 2021-06-17`` (commas or spaces), sorted and without
    repeats; None if one of them is not a real date."""
    from facilitator.app.screens.new_session import valid_date

    days = [d for d in text.replace(",", " ").replace(";", " ").split() if d]
    if any(not valid_date(d) for d in days):
        return None
    return sorted(set(days))


def split_names(text: str) -> list[str]:
    """Coaches typed one after another, separated by ``;`` (names carry commas: "S.Sos., M.Si.")."""
    return [name for name in (clean(part) for part in text.replace("\n", ";").split(";")) if name]


class DrumUpScreen(StageScreen):
    """The lab's details, targets, units, participants, run-sheet, notes and opening commitment."""

    STAGE = "drumup"
    CSS_PATH = "drumup.tcss"
    AUTO_FOCUS = "#units-table"
    BINDINGS = [
        Binding("d", "lab_details", "Lab details", id="drumup.lab_details"),
        *TAB_BINDINGS,
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="lab-details"):
            yield Static(id="lab-place", markup=False)
            yield Static(id="lab-people", markup=False)
            yield Static(id="lab-targets", markup=False)
        with TabbedContent(id="drumup-tabs"):
            yield UnitsPane(Content(t("screens.drumup.tab.units")), id="tab-units")
            yield ParticipantsPane(Content(t("screens.drumup.tab.participants")),
                                   id="tab-participants")
            yield AgendaPane(Content(t("screens.drumup.tab.agenda")), id="tab-agenda")
            yield NotesPane(Content(t("screens.drumup.tab.notes")), id="tab-notes")
            yield OpeningPane(Content(t("drumup.opening.tab")), id="tab-opening")

    async def fill_body(self) -> None:
        await super().fill_body()
        # The body comes after the screen's first frame, so AUTO_FOCUS found nothing to focus:
        # the list gets the keys (not the tab bar), so the tab's own keys work at once.
        if self.body_live and not isinstance(self.focused, (Input, DataTable)):
            self.set_focus(self.query_one("#units-table"))

    def refresh_data(self) -> None:
        session = self.session
        lab = session.lab
        self.query_one("#lab-place", Static).update(fields(
            ("", ", ".join(x for x in (lab.region, lab.province) if x)),
            ("", date_range(lab.dates)), ("", lab.venue)))
        self.query_one("#lab-people", Static).update(fields(
            (t("screens.drumup.coaches"), ", ".join(lab.coaches)),
            (t("screens.drumup.chair"), lab.chair), (t("screens.drumup.notulis"), lab.notulis)))
        self.query_one("#lab-targets", Static).update(self._targets_line())

        panes = (UnitsPane, ParticipantsPane, AgendaPane, NotesPane, OpeningPane)
        for pane_type in panes:
            self.query_one(pane_type).refresh_data(session)

        participants = session.all(Participant)
        attended = sum(1 for p in participants if p.attendance)
        counts = {"units": len(session.all(Unit)),
                  "participants": f"{attended}/{len(participants)}",
                  "agenda": len(session.all(AgendaItem)), "notes": len(session.all(Note)),
                  "opening": len(checkin.opening_commitments(session))}
        names = {name: t(f"screens.drumup.tab.{name}") for name in TABS if name != "opening"}
        names["opening"] = t("drumup.opening.tab")
        tabs = self.query_one("#drumup-tabs", TabbedContent)
        for name in TABS:
            tabs.get_tab(f"tab-{name}").label = Content(
                t("screens.tab_count", name=names[name], count=counts[name]))

    def _targets_line(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('screens.drumup.targets')}: ", style="bold")
        progress = target_progress(self.session)
        if not progress:
            line.append(t("screens.drumup.no_targets"), style="dim")
        for n, target in enumerate(progress):
            if n:
                line.append("  ·  ", style="dim")
            name = t(f"screens.drumup.target.{target.key}") if target.key in TARGETS \
                else target.key
            if target.actual is None:
                line.append(f"{name} {target.goal}")
                continue
            line.append(f"{name} {integer(target.actual)}/{integer(target.out_of)}")
            if target.met and target.out_of:
                line.append(f" {t('screens.drumup.met_mark')}", style="bold green")
            elif target.out_of:
                line.append(f" ({round(100 * target.actual / target.out_of)}%)", style="dim")
        return line

    def focus_tab(self) -> None:
        """Give the keys to the tab shown, where it wants them (the check-in: its search)."""
        tabs = self.query_one("#drumup-tabs", TabbedContent)
        pane = tabs.query_one(f"#{tabs.active}")
        getattr(pane, "focus_default", pane.focus)()

    def open_dialogs_to_prebuild(self) -> None:
        from facilitator.app.screens.drumup_panes import UnitsPane

        self.action_lab_details()
        self.query_one(UnitsPane).action_add()
        self.open_import("units")

    # -- the lab's details ---------------------------------------------------------------------

    def action_lab_details(self) -> None:
        """Edit the region, dates, venue, people and targets of the lab."""
        session = self.session
        lab = session.lab

        def check(values: dict[str, str]):
            if not clean(values["region"]):
                return t("drumup.lab.region_required"), "region"
            if parse_dates(values["dates"]) is None:
                return t("drumup.lab.bad_dates"), "dates"
            for key in TARGETS:
                text = values[f"target_{key}"].strip()
                if text and (not text.isdigit() or int(text) > 100000):
                    return t("drumup.lab.bad_target"), f"target_{key}"
            return None

        def save(values: dict[str, str] | None) -> None:
            if values is None:
                return
            targets = dict(session.lab.targets)
            for key in TARGETS:
                text = values[f"target_{key}"].strip()
                if text:
                    targets[key] = int(text)
                else:
                    targets.pop(key, None)
            attempt(self, session.edit, session.lab, region=clean(values["region"]),
                    region_kind=values["region_kind"] or lab.region_kind,
                    province=clean(values["province"]), dates=parse_dates(values["dates"]) or [],
                    venue=clean(values["venue"]), coaches=split_names(values["coaches"]),
                    chair=clean(values["chair"]), notulis=clean(values["notulis"]),
                    targets=targets)

        kinds = [(t(f"drumup.lab.kind_{k}"), k) for k in REGION_KINDS]
        self.app.push_screen(FormDialog(t("drumup.lab.title"), [
            Field("region", t("drumup.lab.region"), lab.region),
            Field("region_kind", t("drumup.lab.region_kind"), lab.region_kind, kind=CHOICE,
                  choices=kinds, blank=False),
            Field("province", t("drumup.lab.province"), lab.province),
            Field("dates", t("drumup.lab.dates"), ", ".join(lab.dates),
                  placeholder=t("drumup.lab.dates_placeholder")),
            Field("venue", t("drumup.lab.venue"), lab.venue),
            Field("coaches", t("drumup.lab.coaches"), "; ".join(lab.coaches),
                  placeholder=t("drumup.lab.coaches_placeholder")),
            Field("chair", t("drumup.lab.chair"), lab.chair),
            Field("notulis", t("drumup.lab.notulis"), lab.notulis),
            Field("target_ideas", t("drumup.lab.target_ideas"),
                  lab.targets.get("ideas", ""), kind=NUMBER),
            Field("target_innovations_per_unit", t("drumup.lab.target_per_unit"),
                  lab.targets.get("innovations_per_unit", ""), kind=NUMBER),
        ], check=check, hint=t("drumup.lab.hint")), save)

    # -- import --------------------------------------------------------------------------------

    def open_import(self, what: str) -> None:
        """Preview and import a list from a file (``what``: units, participants...)."""
        from facilitator.app.screens.drumup_import import ImportDialog

        def done(added: int | None) -> None:
            if added:
                self.notify(t("drumup.import.done", count=integer(added),
                              what=t(f"drumup.import.what_{what}")), markup=False)
            self.focus_tab()

        # Paths are read from the folder the app was started in, as on the command line.
        self.app.push_screen(ImportDialog(what, base=Path.cwd()), done)
