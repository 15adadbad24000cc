"""The Deliver stage screen: commitments and their seals, the plans, and the follow-up.

Five tabs, each with its keys on its table (shown in the footer while the table has focus):

- *Komitmen*: every commitment, how it was signed and its seal. Draft one (n), change an
  unsigned one (e / Enter; Enter on a sealed one shows its details), sign it typed (t) or record
  its signed paper sheet (s), print the sheets (p), withdraw a sealed one (w, a new record),
  check the chain (v), delete an unsigned one (Del).
- *Rencana*: every selected innovation and its plan's completeness; Enter opens the plan
  editor (creating the plan).
- *Tonggak*: the plans' steps with their status today; space marks one done, c writes a clinic
  note on it, Enter opens its plan, l shows only the late ones.
- *Klinik*: the coaching clinics' progress notes.
- *Per OPD*: each unit's plans, steps done and late, commitments and last clinic; the late
  steps of the unit under the cursor are listed below.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from facilitator.app.screens.base import CYCLE_TAB_BINDINGS, StageScreen
from facilitator.app.widgets.stage_text import short_date
from facilitator.core.errors import FacilitatorError, RuleError
from facilitator.core.records import ActionPlan, Commitment, Idea, ProgressNote
from facilitator.i18n import t

# The tables, their columns and the core modules they show (commitments, plans, milestones,
# follow-up, seals) are imported where the body is built or used (deliver_body and the
# methods below): the app opens on this stage, and its first frame need not wait for them.

NO_PLAN = "idea:"
"""Row keys of the plans table for an innovation that has no plan yet: ``idea:<id>``."""


class DeliverScreen(StageScreen):
    """Commitments (draft, sign, seal, withdraw, verify), plans, milestones and clinics."""

    STAGE = "deliver"
    CSS_PATH = "deliver.tcss"
    AUTO_FOCUS = "#commitments-table"
    BINDINGS = [*CYCLE_TAB_BINDINGS]

    today: ClassVar[Callable[[], date]] = date.today
    """Where the milestones' "today" comes from; tests pin it to a date."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.late_only = False
        self.last_print: Path | None = None

    def compose_body(self) -> ComposeResult:
        from textual.widgets import TabbedContent, TabPane

        from facilitator.app.screens.deliver_body import (
            COMMITMENT_COLUMNS, MILESTONE_COLUMNS, NOTE_COLUMNS, PLAN_COLUMNS, UNIT_COLUMNS,
            CommitmentsTable, MilestonesTable, NotesTable, PlansTable, UnitsTable)

        with TabbedContent(id="deliver-tabs"):
            with TabPane(Content(t("screens.deliver.tab.commitments")), id="tab-commitments"):
                yield Static(id="commitments-note", markup=False)
                yield Static(id="print-note", markup=False)
                yield CommitmentsTable(COMMITMENT_COLUMNS, id="commitments-table")
            with TabPane(Content(t("deliver.tab.plans")), id="tab-plans"):
                yield Static(id="plans-note", markup=False)
                yield PlansTable(PLAN_COLUMNS, id="plans-table")
            with TabPane(Content(t("screens.deliver.tab.milestones")), id="tab-milestones"):
                yield Static(id="milestones-note", markup=False)
                yield MilestonesTable(MILESTONE_COLUMNS, id="milestones-table")
            with TabPane(Content(t("deliver.tab.clinic")), id="tab-clinic"):
                yield Static(id="clinic-note", markup=False)
                yield NotesTable(NOTE_COLUMNS, id="clinic-table")
            with TabPane(Content(t("deliver.tab.units")), id="tab-units"):
                yield Static(id="units-note", markup=False)
                yield UnitsTable(UNIT_COLUMNS, id="units-table")
                yield Static(id="unit-late", markup=False)

    async def relocalize(self) -> None:
        from textual.widgets import TabbedContent

        # The coach stays on the tab they were on, in the other language.
        tabs = self.query("#deliver-tabs")
        active = tabs.first(TabbedContent).active if tabs else ""
        self._restore_tab = active
        await super().relocalize()

    async def fill_body(self) -> None:
        from textual.widgets import TabbedContent, Tabs

        await super().fill_body()
        restore, self._restore_tab = getattr(self, "_restore_tab", ""), ""
        if restore and self.body_live:
            self.query_one("#deliver-tabs", TabbedContent).active = restore
        # The frame gives focus to the first thing that takes it, the tab bar; the coach's keys
        # are the list's.
        if self.body_live and isinstance(self.focused, Tabs):
            active = self.query_one("#deliver-tabs", TabbedContent).active or "tab-commitments"
            tables = self.query(f"#{active} RecordTable")
            if tables:
                tables.first().focus()

    # -- showing -------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self._show_commitments()
        self._show_plans()
        self._show_milestones()
        self._show_clinic()
        self._show_units()

    def _label(self, tab: str, name: str, count: Any) -> None:
        from textual.widgets import TabbedContent

        tabs = self.query_one("#deliver-tabs", TabbedContent)
        tabs.get_tab(tab).label = Content(t("screens.tab_count", name=name, count=count))

    def _show_commitments(self) -> None:
        from facilitator.app.screens.deliver_body import STATE_STYLE
        from facilitator.app.widgets.tables import RecordTable
        from facilitator.core import commitments as cm
        from facilitator.core.seal import short_code, verify

        session = self.session
        commitments = cm.signing(session)
        sealed = [c for c in commitments if c.sealed_at]
        broken = verify(session)
        withdrawn = cm.withdrawn_ids(session)

        note = Text(no_wrap=True, overflow="ellipsis", end="")
        note.append(f"{t('screens.deliver.sealed')}: ", style="bold")
        note.append(t("screens.deliver.sealed_of", sealed=len(sealed), total=len(commitments)))
        if sealed or broken:
            note.append("  ·  ", style="dim")
            if broken:
                note.append(t("screens.deliver.chain_broken", count=len(broken)),
                            style="bold red")
            else:
                note.append(t("screens.deliver.chain_intact"), style="green")
        if withdrawn:
            note.append("  ·  ", style="dim")
            note.append(t("deliver.withdrawn_count", count=len(withdrawn)), style="magenta")
        self.query_one("#commitments-note", Static).update(note)
        printed = self.query_one("#print-note", Static)
        printed.display = self.last_print is not None
        if self.last_print is not None:
            printed.update(Text.assemble((f"{t('deliver.printed')}: ", "bold"),
                                         str(self.last_print), ("  ·  ", "dim"),
                                         (t("deliver.printed_next"), "dim")))

        rows = []
        for c in sorted(commitments,
                        key=lambda c: (not c.sealed_at, c.sealed_at, c.seq, c.created)):
            idea = session.get(Idea, c.idea_id) if c.idea_id else None
            unit_id = c.unit_id or (idea.unit_id if idea else "")
            how = t(f"screens.deliver.how.{c.signed_how}") if c.signed_how in (
                "typed", "paper") else "–"
            status = cm.state(c, withdrawn)
            code = short_code(c.seal) if c.seal else ""
            cell = Text(t(f"plans.state.{status}", code=code), style=STATE_STYLE[status])
            title = idea.title if idea else t("screens.deliver.whole_unit")
            if c.withdraws:
                title = t("screens.deliver.withdrawal", title=title)
            rows.append((c.id, (c.official.get("name", ""), session.unit_name(unit_id), title,
                                how, cell)))
        self.query_one("#commitments-table", RecordTable).set_rows(rows)
        self._label("tab-commitments", t("screens.deliver.tab.commitments"),
                    f"{len(sealed)}/{len(commitments)}")

    def _show_plans(self) -> None:
        from facilitator.app.widgets.tables import RecordTable
        from facilitator.core import plans

        session = self.session
        rows = []
        listed: set[str] = set()
        percents: list[int] = []
        for idea_id in session.selected_ids():
            idea = session.get(Idea, idea_id)
            if idea is None:
                continue
            listed.add(idea_id)
            rows.append(self._plan_row(idea, plans.plan_for(session, idea_id), percents))
        for plan in session.all(ActionPlan):
            if plan.idea_id not in listed:
                idea = session.get(Idea, plan.idea_id)
                if idea is not None:
                    listed.add(plan.idea_id)
                    rows.append(self._plan_row(idea, plans.plan_for(session, plan.idea_id),
                                               percents))
        rows.sort(key=lambda r: (r[1][1].casefold(), r[1][0].casefold()))
        self.query_one("#plans-table", RecordTable).set_rows(rows)
        planned = sum(1 for key, _ in rows if not key.startswith(NO_PLAN))
        mean = round(sum(percents) / len(percents)) if percents else 0
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('deliver.plans')}: ", style="bold")
        line.append(t("deliver.plans_summary", planned=planned, total=len(rows), mean=mean))
        self.query_one("#plans-note", Static).update(line)
        self._label("tab-plans", t("deliver.tab.plans"), f"{planned}/{len(rows)}")

    def _plan_row(self, idea: Idea, plan: ActionPlan | None,
                  percents: list[int]) -> tuple[str, tuple[Any, ...]]:
        from facilitator.app.screens.plan_text import hints_line
        from facilitator.core.progress import completeness

        unit = self.session.unit_name(idea.unit_id)
        if plan is None:
            percents.append(0)
            return (f"{NO_PLAN}{idea.id}", (idea.title, unit, "–", "–",
                                            Text(t("deliver.no_plan"), style="dim")))
        percent = completeness(plan).percent
        percents.append(percent)
        return (plan.id, (idea.title, unit, len(plan.steps), f"{percent}%", hints_line(plan)))

    def _show_milestones(self) -> None:
        from facilitator.app.screens.deliver_body import STATUS_STYLE
        from facilitator.app.widgets.tables import RecordTable
        from facilitator.core import milestones as ms

        session = self.session
        items = ms.milestones(session, type(self).today())
        counts = ms.status_counts(items)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('screens.deliver.milestones')}: ", style="bold")
        line.append(str(len(items)))
        for status in ms.STATUSES:
            line.append("  ·  ", style="dim")
            line.append(f"{t(f'screens.milestone.{status}')} {counts[status]}",
                        style=STATUS_STYLE[status] if counts[status] else "dim")
        if self.late_only:
            line.append("  ·  ", style="dim")
            line.append(t("deliver.late_only_on"), style="bold red")
        self.query_one("#milestones-note", Static).update(line)
        shown = [m for m in items if m.status == ms.LATE] if self.late_only else items
        self.query_one("#milestones-table", RecordTable).set_rows(
            (m.key, (m.activity, m.idea_title, m.pic, short_date(m.start) if m.start else "",
                     short_date(m.end) if m.end else "",
                     Text(t(f"screens.milestone.{m.status}"), style=STATUS_STYLE[m.status])))
            for m in shown)
        self._label("tab-milestones", t("screens.deliver.tab.milestones"), len(items))

    def _show_clinic(self) -> None:
        from facilitator.app.widgets.tables import RecordTable
        from facilitator.core import followup

        session = self.session
        items = followup.notes(session)
        rows = []
        for n in items:
            idea = session.get(Idea, n.idea_id)
            rows.append((n.id, (short_date(n.day), idea.title if idea else "",
                                n.step + 1 if n.step >= 0 else "–", n.text)))
        self.query_one("#clinic-table", RecordTable).set_rows(rows)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('deliver.clinic')}: ", style="bold")
        line.append(t("deliver.clinic_summary", count=len(items),
                      plans=len({n.plan_id for n in items})))
        if items:
            line.append("  ·  ", style="dim")
            line.append(t("deliver.clinic_last", day=short_date(items[0].day)))
        self.query_one("#clinic-note", Static).update(line)
        self._label("tab-clinic", t("deliver.tab.clinic"), len(items))

    def _show_units(self) -> None:
        from facilitator.app.widgets.tables import RecordTable
        from facilitator.core import followup, milestones as ms

        entries = followup.by_unit(self.session, type(self).today())
        self._units = {e.unit_id or "-": e for e in entries}
        rows = []
        for e in entries:
            late = Text(str(len(e.late)), style="bold red" if e.late else "dim", justify="right")
            rows.append((e.unit_id or "-", (
                e.name or t("screens.no_unit"), f"{e.planned}/{e.selected}", f"{e.percent}%",
                f"{e.counts[ms.DONE]}/{e.steps}", late, f"{e.sealed}/{e.commitments}",
                short_date(e.last_note) if e.last_note else "–")))
        self.query_one("#units-table", RecordTable).set_rows(rows)
        late_units = sum(1 for e in entries if e.late)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('deliver.units')}: ", style="bold")
        line.append(t("deliver.units_summary", units=len(entries), late=late_units,
                      steps=sum(len(e.late) for e in entries)),
                    style="bold red" if late_units else "")
        self.query_one("#units-note", Static).update(line)
        self._label("tab-units", t("deliver.tab.units"), len(entries))
        self._show_unit_late()

    def _show_unit_late(self) -> None:
        from facilitator.app.widgets.tables import RecordTable

        table = self.query_one("#units-table", RecordTable)
        entry = getattr(self, "_units", {}).get(table.cursor_key or "")
        text = Text(end="")
        if entry is not None:
            if entry.late:
                text.append(f"{t('deliver.late_here')}: ", style="bold red")
                for n, m in enumerate(entry.late):
                    if n:
                        text.append("  ·  ", style="dim")
                    text.append(m.activity)
                    text.append(f" ({t('deliver.until', day=short_date(m.end))})", style="dim")
            else:
                text.append(t("deliver.nothing_late"), style="green")
            if entry.planned < entry.selected:
                text.append("  ·  ", style="dim")
                text.append(t("deliver.unplanned", count=entry.selected - entry.planned),
                            style="yellow")
            if entry.complete < entry.planned:
                text.append("  ·  ", style="dim")
                text.append(t("deliver.incomplete", count=entry.planned - entry.complete),
                            style="yellow")
        self.query_one("#unit-late", Static).update(text)

    def on_data_table_row_highlighted(self, event: Any) -> None:
        # Told apart by the table's id: ``@on(DataTable.RowHighlighted, "#units-table")`` would
        # load the tables' module with the screen's, before the first frame.
        if event.data_table.id == "units-table":
            self._show_unit_late()

    def on_data_table_row_selected(self, event: Any) -> None:
        """Enter on a row: what it does depends on the table (see the handlers below)."""
        table = event.data_table.id
        if table == "commitments-table":
            self._commitment_selected()
        elif table in ("plans-table", "milestones-table"):
            self._plan_selected()
        elif table == "clinic-table":
            self._note_selected()

    # -- helpers -------------------------------------------------------------------------------

    def _cursor(self, table_id: str) -> str | None:
        from facilitator.app.widgets.tables import RecordTable

        return self.query_one(f"#{table_id}", RecordTable).cursor_key

    def _commitment(self) -> Commitment | None:
        key = self._cursor("commitments-table")
        return self.session.get(Commitment, key) if key else None

    def _refuse(self, exc: FacilitatorError) -> None:
        self.notify(exc.message(), severity="warning", markup=False)

    def _today(self) -> str:
        return type(self).today().isoformat()

    # -- commitments ---------------------------------------------------------------------------

    def _commitment_selected(self) -> None:
        c = self._commitment()
        if c is not None and c.sealed_at:
            self.action_show_commitment()
        else:
            self.action_edit_commitment()

    def action_new_commitment(self) -> None:
        """Draft a commitment, for the first selected innovation that has none yet (the coach
        may choose another), with everything the session already knows filled in."""
        try:
            self._open_new_commitment()
        except FacilitatorError as exc:
            self._refuse(exc)

    def open_dialogs_to_prebuild(self) -> None:
        from facilitator.app.screens.commitment_dialogs import (
            SheetDialog, SignTypedDialog, WithdrawDialog,
        )

        try:
            self._open_new_commitment()
        except FacilitatorError:
            pass  # nothing to commit to yet: the coach is told when asking for one
        # At the launch the officials sign one after the other: the signing dialogs (each
        # 45-125 ms the first time at 3,000 ideas) are made with a commitment there is, and
        # each signing takes over its own.
        first = next(iter(self.session.all(Commitment)), None)
        if first is not None:
            self.app.push_screen(SignTypedDialog(self.session, first))
            self.app.push_screen(SheetDialog(self.session, first))
            self.app.push_screen(WithdrawDialog(self.session, first, self._today()))

    def _open_new_commitment(self) -> None:
        from facilitator.core import commitments as cm, plans

        from facilitator.app.screens.commitment_dialogs import CommitmentDialog

        session = self.session
        taken = {c.idea_id for c in cm.signing(session)}
        idea_id = next((i for i in session.selected_ids() if i not in taken),
                       next(iter(session.selected_ids()), ""))
        if idea_id:
            draft = cm.draft(session, idea_id=idea_id, lang=_lang(), day=self._today())
        else:
            unit = next(iter(session.units()), None)
            if unit is None:
                raise plans.PlanError("no_unit")
            draft = cm.draft(session, kind=cm.UNIT, unit_id=unit.id, lang=_lang(),
                             day=self._today())
        self.app.push_screen(CommitmentDialog(session, draft), self._stored)

    def _stored(self, record: Any) -> None:
        from facilitator.app.widgets.tables import RecordTable

        if isinstance(record, Commitment):
            self.refresh_data()
            table = self.query_one("#commitments-table", RecordTable)
            if record.id in table.row_keys:
                table.move_cursor(row=table.row_keys.index(record.id), animate=False)

    def action_edit_commitment(self) -> None:
        """Change an unsigned commitment; a sealed one is refused (withdraw it instead)."""
        from facilitator.app.screens.commitment_dialogs import CommitmentDialog

        c = self._commitment()
        if c is None:
            return
        if c.sealed_at:
            self._refuse(RuleError("sealed", name=c.official.get("name", c.id)))
            return
        self.app.push_screen(CommitmentDialog(self.session, c), self._stored)

    def action_show_commitment(self) -> None:
        from facilitator.app.screens.commitment_dialogs import InfoDialog, details
        from facilitator.core import commitments as cm

        c = self._commitment()
        if c is not None:
            self.app.push_screen(InfoDialog(t("plans.commitment.details_title"),
                                            details(self.session, c,
                                                    cm.withdrawn_ids(self.session))))

    def _unsigned(self) -> Commitment | None:
        c = self._commitment()
        if c is None:
            return None
        if c.sealed_at:
            self._refuse(RuleError("sealed", name=c.official.get("name", c.id)))
            return None
        return c

    def action_sign_typed(self) -> None:
        """The official types their full name to sign the commitment under the cursor."""
        from facilitator.app.screens.commitment_dialogs import SignTypedDialog

        c = self._unsigned()
        if c is not None:
            self.app.push_screen(SignTypedDialog(self.session, c), self._signed)

    def action_sign_paper(self) -> None:
        """Record the number of the signed paper sheet of the commitment under the cursor."""
        from facilitator.app.screens.commitment_dialogs import SheetDialog

        c = self._unsigned()
        if c is not None:
            self.app.push_screen(SheetDialog(self.session, c), self._signed)

    def _signed(self, record: Any) -> None:
        from facilitator.core.seal import short_code

        if isinstance(record, Commitment) and record.sealed_at:
            self.notify(t("deliver.sealed_now", name=record.official.get("name", ""),
                          code=short_code(record.seal)), markup=False)
            self._stored(record)

    def action_withdraw(self) -> None:
        """Withdraw the sealed commitment under the cursor: a new, sealed record."""
        from facilitator.app.screens.commitment_dialogs import WithdrawDialog
        from facilitator.core import commitments as cm, plans

        c = self._commitment()
        if c is None:
            return
        problem = None
        if c.withdraws or c.kind == cm.WITHDRAWAL:
            problem = "withdraw_withdrawal"
        elif not c.sealed_at:
            problem = "withdraw_unsigned"
        elif c.id in cm.withdrawn_ids(self.session):
            problem = "already_withdrawn"
        elif cm.pending_withdrawal(self.session, c) is not None:
            problem = "withdrawal_pending"
        if problem:
            self._refuse(plans.PlanError(problem))
            return
        self.app.push_screen(WithdrawDialog(self.session, c, self._today()), self._withdrawn)

    def _withdrawn(self, record: Any) -> None:
        if isinstance(record, Commitment):
            key = "deliver.withdrawn_now" if record.sealed_at else "deliver.withdrawal_to_print"
            self.notify(t(key, name=record.official.get("name", "")), markup=False)
            self._stored(record)

    def action_delete_commitment(self) -> None:
        """Delete an unsigned commitment, after asking (the core refuses a sealed one)."""
        from facilitator.app.screens.plan_dialogs import PlanConfirmDialog
        from facilitator.core import commitments as cm

        c = self._commitment()
        if c is None:
            return
        if c.sealed_at:
            try:
                cm.remove(self.session, c)  # the core says why not, in its own words
            except FacilitatorError as exc:
                self._refuse(exc)
            return

        def done(yes: bool | None) -> None:
            if yes:
                try:
                    cm.remove(self.session, c)
                except FacilitatorError as exc:
                    self._refuse(exc)

        self.app.push_screen(PlanConfirmDialog(
            t("deliver.delete_title"),
            t("deliver.delete_question", name=c.official.get("name", ""))), done)

    def action_print_sheets(self) -> None:
        """Write the printable sheets (one page per commitment) to the exports folder."""
        from facilitator.core import commitments as cm

        folder = cm.exports_dir(self.app.settings.sessions_dir)  # type: ignore[attr-defined]
        self.notify(t("deliver.printing"), markup=False)
        self._print(folder)

    @work(thread=True, exclusive=True, group="print")
    def _print(self, folder: Path) -> None:
        from facilitator.core import commitments as cm

        # Rendering the PDF takes a moment (fonts, one page per commitment): off the UI thread.
        try:
            [path] = cm.print_sheets(self.session, folder)
        except FacilitatorError as exc:
            self.app.call_from_thread(self._refuse, exc)
            return
        self.app.call_from_thread(self._printed, path)

    def _printed(self, path: Path) -> None:
        self.last_print = path.resolve()
        self.notify(t("deliver.printed_now", path=str(self.last_print)), timeout=12,
                    markup=False)
        if self.is_attached and self.body_ready:
            self._show_commitments()

    def action_verify(self) -> None:
        """Check the seal chain and every sealed commitment; show the result."""
        from facilitator.app.screens.commitment_dialogs import InfoDialog
        from facilitator.core import commitments as cm
        from facilitator.core.seal import short_code, verify

        session = self.session
        problems = verify(session)
        sealed = session.sealed()
        body = Text(end="")
        if not problems:
            body.append(t("deliver.verify.ok", count=len(sealed)), style="bold green")
        else:
            body.append(t("deliver.verify.broken", count=len(problems)), style="bold red")
            for problem in problems:
                body.append("\n• ")
                body.append(t(f"deliver.verify.{problem['problem']}", id=problem["id"],
                              name=problem["name"] or "-"))
        chains: dict[str, list[Commitment]] = {}
        for c in sealed:
            chains.setdefault(c.chain, []).append(c)
        withdrawn = cm.withdrawn_ids(session)
        for chain, items in chains.items():
            body.append("\n\n")
            body.append(t("deliver.verify.chain", chain=chain, count=len(items)), style="bold")
            for c in items:
                body.append(f"\n{c.seq:>3}. {short_code(c.seal)}  ")
                body.append(c.official.get("name", ""))
                status = cm.state(c, withdrawn)
                if status != cm.SEALED:
                    body.append(f"  ({t(f'deliver.verify.mark_{status}')})", style="magenta")
        self.app.push_screen(InfoDialog(t("deliver.verify.title"), body))

    # -- plans and milestones ------------------------------------------------------------------

    def _idea_for_plan_key(self, key: str | None) -> str | None:
        if not key:
            return None
        if key.startswith(NO_PLAN):
            return key[len(NO_PLAN):]
        plan = self.session.get(ActionPlan, key.split("#")[0])
        return plan.idea_id if plan else None

    def _plan_selected(self) -> None:
        self.action_open_plan()

    def action_open_plan(self) -> None:
        """Open the plan editor for the innovation (or the step's plan) under the cursor."""
        from textual.widgets import TabbedContent

        from facilitator.app.screens.plan_editor import PlanEditorScreen

        tabs = self.query_one("#deliver-tabs", TabbedContent)
        table = "plans-table" if tabs.active == "tab-plans" else "milestones-table"
        idea_id = self._idea_for_plan_key(self._cursor(table))
        if idea_id:
            self.app.push_screen(PlanEditorScreen(idea_id))

    def _milestone(self) -> tuple[ActionPlan, int] | None:
        key = self._cursor("milestones-table")
        if not key or "#" not in key:
            return None
        plan_id, _, index = key.rpartition("#")
        plan = self.session.get(ActionPlan, plan_id)
        if plan is None or not index.isdigit() or int(index) >= len(plan.steps):
            return None
        return plan, int(index)

    def action_toggle_done(self) -> None:
        """Mark the step under the cursor done today, or take the mark back."""
        from facilitator.core import milestones as ms, plans

        found = self._milestone()
        if found is None:
            return
        plan, index = found
        done = ms.step_status(plan.steps[index], type(self).today()) != ms.DONE
        try:
            plans.set_step_done(self.session, plan, index, done, self._today())
        except FacilitatorError as exc:
            self._refuse(exc)

    def action_toggle_late(self) -> None:
        """Show only the late steps, or all of them again."""
        self.late_only = not self.late_only
        self._show_milestones()

    def action_add_note(self) -> None:
        """Write a clinic note: on the step under the cursor (milestones), or on a plan."""
        from textual.widgets import TabbedContent

        from facilitator.app.screens.followup_note import NoteDialog
        from facilitator.core import plans

        tabs = self.query_one("#deliver-tabs", TabbedContent)
        plan, step = None, -1
        if tabs.active == "tab-milestones":
            found = self._milestone()
            if found is not None:
                plan, step = found
        elif tabs.active == "tab-clinic":
            key = self._cursor("clinic-table")
            note = self.session.get(ProgressNote, key) if key else None
            plan = self.session.get(ActionPlan, note.plan_id) if note else None
        if plan is None and not self.session.all(ActionPlan):
            self._refuse(plans.PlanError("note_plan"))
            return
        self.app.push_screen(NoteDialog(self.session, plan, None, self._today(), step=step))

    def action_edit_note(self) -> None:
        from facilitator.app.screens.followup_note import NoteDialog

        key = self._cursor("clinic-table")
        note = self.session.get(ProgressNote, key) if key else None
        if note is None:
            return
        plan = self.session.get(ActionPlan, note.plan_id)
        self.app.push_screen(NoteDialog(self.session, plan, note, note.day))

    def _note_selected(self) -> None:
        self.action_edit_note()

    def action_delete_note(self) -> None:
        from facilitator.app.screens.plan_dialogs import PlanConfirmDialog
        from facilitator.core import followup

        key = self._cursor("clinic-table")
        note = self.session.get(ProgressNote, key) if key else None
        if note is None:
            return

        def done(yes: bool | None) -> None:
            if yes:
                try:
                    followup.delete_note(self.session, note)
                except FacilitatorError as exc:
                    self._refuse(exc)

        self.app.push_screen(PlanConfirmDialog(t("plans.note.remove_title"),
                                           t("plans.note.remove_question", day=note.day)), done)


def _lang() -> str:
    from facilitator.i18n import language

    return language()
