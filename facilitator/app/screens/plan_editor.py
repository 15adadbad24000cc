"""The action plan editor: one innovation's rencana aksi, its profile, its steps, its notes.

Opened over the Deliver screen (and the Design screen) with ``PlanEditorScreen(idea_id)``; the
plan is created the first time an innovation's editor opens. Three tabs:

- *Profil*: the problem the plan answers, its objective, and the profile fields of the national
  innovation index form (the four list fields as choices from the template's lists). What is
  typed is stored a moment after the typing stops, when the field is left, and when the editor
  closes: every edit is a durable change of the plan (and ctrl+z outside a text box takes the
  last one back). The rancang bangun counts its words against the 300 the form asks for as
  they are typed.
- *Langkah*: the steps (activity, person in charge, start, end, output, budget): add, change,
  remove, move up and down, and mark done.
- *Catatan klinik*: the coaching clinics' dated notes on the plan.

Above the tabs a meter shows how complete the plan is, with what is still missing.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import DescendantBlur
from textual.timer import Timer
from textual.widgets import (
    DataTable, Input, Select, Static, TabbedContent, TabPane, TextArea,
)

from facilitator.app.screens.base import LocalizedScreen
from facilitator.app.screens.dialog import Kept, refill
from facilitator.app.screens.plan_dialogs import (
    PlanConfirmDialog, FormRow, StepDialog, budget_text, field_input, field_select, field_text,
)
from facilitator.app.screens.plan_text import hints_line, meter
from facilitator.app.widgets.frame import KeysFooter
from facilitator.app.widgets.stage_text import short_date
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import followup, milestones as ms, plans
from facilitator.core.errors import FacilitatorError
from facilitator.core.progress import MIN_DESIGN_WORDS, completeness
from facilitator.core.records import PROFILE_FIELDS, ActionPlan, Idea
from facilitator.core.template import load_default_template
from facilitator.i18n import integer, language, t

SAVE_AFTER = 0.8
"""Seconds of quiet after typing before the field is stored."""

TEXT_HEIGHTS = {"problem": 3, "objective": 3, "rancang_bangun": 10, "tujuan": 3, "manfaat": 3,
                "hasil": 3}
"""The fields typed as paragraphs, and the lines each shows."""

FORM_ORDER = ("problem", "objective", *PROFILE_FIELDS)

STEP_COLUMNS = (
    Column("n", "plans.col.n", width=2, align="right"),
    Column("activity", "plans.col.activity", flex=3, min_width=12),
    Column("pic", "plans.col.pic", flex=1, min_width=6),
    Column("start", "plans.col.start", width=11),
    Column("end", "plans.col.end", width=11),
    Column("status", "plans.col.status", width=11),
)
NOTE_COLUMNS = (
    Column("day", "plans.col.day", width=11),
    Column("step", "plans.col.step", flex=1, min_width=8),
    Column("text", "plans.col.note", flex=3, min_width=16),
)
STATUS_STYLE = {ms.NOT_STARTED: "dim", ms.IN_PROGRESS: "cyan", ms.DONE: "green",
                ms.LATE: "bold red"}


def step_label(plan: ActionPlan | None, index: int) -> str:
    """A step as a note names it: ``2. Pelatihan petugas`` (the whole plan: a dash)."""
    if index < 0 or plan is None or index >= len(plan.steps):
        return t("plans.note.whole_plan")
    return f"{index + 1}. {plan.steps[index].get('activity', '')}"


class StepsTable(RecordTable):
    """The plan's steps; its keys add, change, remove, move and finish them."""

    BINDINGS = [
        Binding("a", "screen.add_step", "Add", id="plans.add_step"),
        Binding("e", "screen.edit_step", "Edit", id="plans.edit_step"),
        Binding("space", "screen.toggle_done", "Done", id="plans.toggle_done"),
        Binding("shift+up", "screen.move_step(-1)", "Up", id="plans.step_up", show=False),
        Binding("shift+down", "screen.move_step(1)", "Down", id="plans.step_down", show=False),
        Binding("delete", "screen.remove_step", "Remove", id="plans.remove_step"),
        Binding("c", "screen.add_note", "Note", id="plans.add_note", show=False),
    ]


class PlanNotesTable(RecordTable):
    """The plan's clinic notes."""

    BINDINGS = [
        Binding("c", "screen.add_note", "Note", id="plans.add_note"),
        Binding("e", "screen.edit_note", "Edit", id="plans.edit_note"),
        Binding("delete", "screen.remove_note", "Remove", id="plans.remove_note"),
    ]


class PlanEditorScreen(LocalizedScreen, Kept):
    """Edit the action plan of one innovation (created if it has none)."""

    DEFAULT_CSS = """
    PlanEditorScreen #plan-title, PlanEditorScreen #plan-meter {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    PlanEditorScreen #plan-title { text-style: bold; }
    PlanEditorScreen #plan-hints {
        height: auto;
        max-height: 2;
        padding: 0 1;
    }
    PlanEditorScreen #plan-error {
        display: none;
        height: auto;
        padding: 0 1;
        color: $text-error;
    }
    PlanEditorScreen #plan-tabs,
    PlanEditorScreen #plan-tabs > ContentSwitcher,
    PlanEditorScreen #plan-tabs TabPane {
        height: 1fr;
    }
    PlanEditorScreen #plan-tabs TabPane { padding: 0; }
    PlanEditorScreen #plan-form { padding: 0 1; }
    PlanEditorScreen #steps-note, PlanEditorScreen #notes-note {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    PlanEditorScreen #step-detail {
        height: 2;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", id="plans.close"),
        Binding("ctrl+z", "undo", "Undo", id="plans.undo"),
    ]

    AUTO_FOCUS = "#f-problem"

    KEEP = True
    """Built, the editor takes ~1 s (a form of 15 fields and two tables); kept, it is shown
    again for another plan in some 40 ms (see :class:`Kept`)."""

    def __init__(self, idea_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.idea_id = idea_id
        self.plan_id = ""
        self._pending: set[str] = set()
        self._timer: Timer | None = None
        self._loading = False

    def take_over(self, fresh: "PlanEditorScreen") -> None:
        """Show ``fresh``'s plan as a new editor would: its fields (no undo of the last plan's
        typing in them), the profile tab, no error, the steps and notes from the top."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._pending.clear()
        self._loading = False
        self.idea_id, self.plan_id = fresh.idea_id, ""
        self._open_plan()
        fields = self._field_widgets()
        for name, value, options in self._fields(self.plan):
            refill(fields[name], value, choices=options)
        error = self.query_one("#plan-error", Static)
        error.update(Text(""))
        error.display = False
        self.query_one("#plan-tabs", TabbedContent).active = "tab-profile"
        self.refresh_view()
        for table in self.query(RecordTable):
            table.move_cursor(row=0, animate=False)

    # -- the plan ------------------------------------------------------------------------------

    @property
    def session(self) -> Any:
        return self.app.session  # type: ignore[attr-defined]

    @property
    def plan(self) -> ActionPlan:
        stored = self.session.get(ActionPlan, self.plan_id) if self.plan_id else None
        if stored is None or stored.deleted:
            try:
                return plans.draft_plan(self.session, self.idea_id)
            except FacilitatorError:
                return ActionPlan(idea_id=self.idea_id)  # the idea is gone: an empty form
        return stored

    def _open_plan(self) -> None:
        if self.plan_id:
            return
        try:
            self.plan_id = plans.ensure_plan(self.session, self.idea_id).id
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", markup=False)

    @staticmethod
    def today() -> date:
        from facilitator.app.screens.deliver import DeliverScreen

        return DeliverScreen.today()

    # -- building ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._open_plan()
        plan = self.plan
        yield Static(id="plan-title", markup=False)
        yield Static(id="plan-meter", markup=False)
        yield Static(id="plan-hints", markup=False)
        yield Static(id="plan-error", markup=False)
        with TabbedContent(id="plan-tabs"):
            with TabPane(Content(t("plans.tab.profile")), id="tab-profile"):
                form = VerticalScroll(id="plan-form")
                # Tab goes from field to field; the form itself need not take the focus.
                form.can_focus = False
                with form:
                    yield from self._form(plan)
            with TabPane(Content(t("plans.tab.steps")), id="tab-steps"):
                yield Static(id="steps-note", markup=False)
                yield StepsTable(STEP_COLUMNS, id="steps-table")
                yield Static(id="step-detail", markup=False)
            with TabPane(Content(t("plans.tab.notes")), id="tab-notes"):
                yield Static(id="notes-note", markup=False)
                yield PlanNotesTable(NOTE_COLUMNS, id="notes-table")
        yield KeysFooter()

    @staticmethod
    def _fields(plan: ActionPlan) -> list[tuple[str, str, list[tuple[str, str]] | None]]:
        """Each field of the form: its name, the plan's value, its choices if it is a list."""
        template = load_default_template()
        lang = language()
        fields = []
        for name in FORM_ORDER:
            value = str(getattr(plan, name) if name in ("problem", "objective")
                        else plan.profile.get(name, "") or "")
            options = None
            if name in plans.LIST_FIELDS:
                options = [(label.get(lang) or label.get("id") or key, key) for key, label
                           in template.lists.get(plans.LIST_FIELDS[name], {}).items()]
            fields.append((name, value, options))
        return fields

    def _form(self, plan: ActionPlan) -> ComposeResult:
        for name, value, options in self._fields(plan):
            if options is not None:
                field = field_select(options, value, id=f"f-{name}")
            elif name in TEXT_HEIGHTS:
                field = field_text(value, id=f"f-{name}", height=TEXT_HEIGHTS[name])
            elif name in plans.DATE_FIELDS:
                field = field_input(value, id=f"f-{name}", placeholder=t("plans.form.date_hint"),
                                    max_length=10)
            else:
                field = field_input(value, id=f"f-{name}")
            yield FormRow(t(f"plans.label.{name}"), field, id=f"row-{name}")

    def on_mount(self) -> None:
        self.refresh_view()

    async def relocalize(self) -> None:
        self.save_pending()
        self._tab = self.query_one("#plan-tabs", TabbedContent).active
        await super().relocalize()

    def after_relocalize(self) -> None:
        # The coach stays on the tab they were on, in the other language.
        tab = getattr(self, "_tab", "")
        if tab:
            self.query_one("#plan-tabs", TabbedContent).active = tab
            # The focus follows, or keys would go to a field on a tab no longer shown.
            targets = self.query(f"#{tab} RecordTable, #{tab} TextArea")
            if targets:
                targets.first().focus()
        self.refresh_view()

    # -- showing -------------------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Re-read the plan into the title, the meter, the steps and the notes."""
        plan = self.plan
        idea = self.session.get(Idea, self.idea_id)
        title = Text(no_wrap=True, overflow="ellipsis", end="")
        title.append(f"{t('plans.title')}: ", style="bold")
        title.append(idea.title if idea else self.idea_id)
        unit = self.session.unit_name(idea.unit_id) if idea else ""
        if unit:
            title.append(f"  ·  {unit}", style="dim")
        self.query_one("#plan-title", Static).update(title)
        self._show_meter()
        self._show_steps(plan)
        self._show_notes(plan)

    def _draft(self) -> ActionPlan:
        """The plan as the form shows it now (typed, maybe not stored yet)."""
        plan = self.plan
        values = self._form_values()
        profile = dict(plan.profile)
        for name in PROFILE_FIELDS:
            if name in values:
                if values[name].strip():
                    profile[name] = values[name]
                else:
                    profile.pop(name, None)
        return dataclasses.replace(plan, problem=values.get("problem", plan.problem),
                                   objective=values.get("objective", plan.objective),
                                   profile=profile)

    def _show_meter(self) -> None:
        draft = self._draft()
        done = completeness(draft)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('plans.complete')}: ", style="bold")
        line.append_text(meter(done.percent))
        line.append(f" {done.percent}%")
        line.append("  ·  ", style="dim")
        line.append(t("plans.filled", filled=done.filled, total=done.total))
        line.append("  ·  ", style="dim")
        line.append(t("plans.steps_count", count=len(draft.steps)))
        self.query_one("#plan-meter", Static).update(line)
        self.query_one("#plan-hints", Static).update(hints_line(draft))
        words = len(draft.profile.get("rancang_bangun", "").split())
        label = Text(t("plans.label.rancang_bangun"))
        label.append("\n")
        label.append(t("plans.words", words=integer(words), need=MIN_DESIGN_WORDS),
                     style="green" if words >= MIN_DESIGN_WORDS else "yellow" if words
                     else "dim")
        for row in self.query("#row-rancang_bangun > .form-label"):
            row.update(label)  # type: ignore[attr-defined]

    def _show_steps(self, plan: ActionPlan) -> None:
        today = self.today()
        rows = []
        counts = dict.fromkeys(ms.STATUSES, 0)
        for index, step in enumerate(plan.steps):
            status = ms.step_status(step, today)
            counts[status] += 1
            rows.append((str(index), (
                index + 1, step.get("activity", ""), step.get("pic", ""),
                short_date(step["start"]) if step.get("start") else "",
                short_date(step["end"]) if step.get("end") else "",
                Text(t(f"screens.milestone.{status}"), style=STATUS_STYLE[status]))))
        table = self.query_one("#steps-table", StepsTable)
        table.set_rows(rows)
        note = Text(no_wrap=True, overflow="ellipsis", end="")
        note.append(t("plans.steps_count", count=len(plan.steps)), style="bold")
        note.append("  ·  ", style="dim")
        note.append(t("plans.budget_total", total=integer(plans.budget_total(plan))))
        for status in ms.STATUSES:
            if counts[status]:
                note.append("  ·  ", style="dim")
                note.append(f"{t(f'screens.milestone.{status}')} {counts[status]}",
                            style=STATUS_STYLE[status])
        self.query_one("#steps-note", Static).update(note)
        self.query_one("#plan-tabs", TabbedContent).get_tab("tab-steps").label = Content(
            t("screens.tab_count", name=t("plans.tab.steps"), count=len(plan.steps)))
        self._show_step_detail()

    def _show_step_detail(self) -> None:
        plan = self.plan
        index = self._step_index()
        detail = Text(end="")
        if index is not None and index < len(plan.steps):
            step = plan.steps[index]
            detail.append(f"{t('plans.step.output')}: ", style="bold")
            detail.append(str(step.get("output", "") or "–"))
            detail.append("  ·  ", style="dim")
            detail.append(f"{t('plans.step.budget')}: ", style="bold")
            detail.append(budget_text(step.get("budget", "")) or "–")
            if step.get("done_on"):
                detail.append("  ·  ", style="dim")
                detail.append(t("plans.done_on", day=short_date(step["done_on"])))
        self.query_one("#step-detail", Static).update(detail)

    def _show_notes(self, plan: ActionPlan) -> None:
        items = followup.notes(self.session, plan.id) if plan.id else []
        self.query_one("#notes-table", PlanNotesTable).set_rows(
            (n.id, (short_date(n.day), step_label(plan, n.step), n.text)) for n in items)
        note = Text(no_wrap=True, overflow="ellipsis", end="")
        note.append(t("plans.notes_count", count=len(items)), style="bold")
        if items:
            note.append("  ·  ", style="dim")
            note.append(t("plans.last_note", day=short_date(items[0].day)))
        self.query_one("#notes-note", Static).update(note)
        self.query_one("#plan-tabs", TabbedContent).get_tab("tab-notes").label = Content(
            t("screens.tab_count", name=t("plans.tab.notes"), count=len(items)))

    # -- typing and storing --------------------------------------------------------------------

    def _field_widgets(self) -> dict[str, Any]:
        """The form's fields by name, found in one walk of the screen (a query per field walks
        all of its ~90 widgets each time: 15 of them took a third of showing the kept editor)."""
        return {wid[2:]: widget for widget in self.walk_children()
                if (wid := widget.id) and wid.startswith("f-") and wid[2:] in FORM_ORDER}

    def _form_values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        fields = self._field_widgets()
        for name in FORM_ORDER:
            widget = fields.get(name)
            if widget is None:
                continue
            if isinstance(widget, TextArea):
                values[name] = widget.text
            elif isinstance(widget, Input):
                values[name] = widget.value
            elif isinstance(widget, Select):
                value = widget.value
                values[name] = "" if value is Select.NULL or value is None else str(value)
        return values

    def _unsaved(self) -> dict[str, str]:
        plan = self.plan
        out: dict[str, str] = {}
        for name, value in self._form_values().items():
            stored = getattr(plan, name) if name in plans.PLAN_TEXT_FIELDS else (
                plan.profile.get(name, ""))
            if value.strip() != str(stored or "").strip():
                out[name] = value
        return out

    def _field_name(self, widget: Any) -> str | None:
        wid = getattr(widget, "id", None) or ""
        return wid[2:] if wid.startswith("f-") and wid[2:] in FORM_ORDER else None

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typed(self, event: Input.Changed | TextArea.Changed) -> None:
        name = self._field_name(event.control)
        if name is None or self._loading:
            return
        self._pending.add(name)
        self._show_meter()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_AFTER, self.save_pending)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        name = self._field_name(event.control)
        if name is None or self._loading:
            return
        self._pending.add(name)
        self.save_pending()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self._field_name(event.control) is not None:
            self.save_pending()
            self.focus_next()

    @on(DescendantBlur)
    def _left(self, event: DescendantBlur) -> None:
        if self._field_name(event.widget) is not None:
            self.save_pending()

    def save_pending(self) -> bool:
        """Store what was typed and not yet stored; whether everything could be stored.

        A field the core refuses (a date that is not one) stays in the form, with the reason
        shown, and is tried again after the next edit; the other fields are stored.
        """
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._pending.clear()
        if not self.plan_id or not self.is_attached:
            return True
        # What differs from the stored plan, rather than what was seen typed: a key pressed
        # right before Esc may not have been reported yet.
        values = self._unsaved()
        if not values:
            return True
        errors: list[str] = []
        plain = {k: v for k, v in values.items() if k not in plans.DATE_FIELDS}
        batches = [plain] + [{k: v} for k, v in values.items() if k in plans.DATE_FIELDS]
        for batch in batches:
            if not batch:
                continue
            try:
                plans.set_fields(self.session, self.plan, batch)
            except FacilitatorError as exc:
                errors.append(exc.message())
                if not isinstance(exc, plans.PlanError):
                    break  # the session refuses all changes (read-only): no use trying more
        error = self.query_one("#plan-error", Static)
        error.update(Text("  ".join(errors)))
        error.display = bool(errors)
        self._show_meter()
        return not errors

    # -- the keys ------------------------------------------------------------------------------

    def action_close(self) -> None:
        """Store what is pending and go back."""
        self.save_pending()
        self.dismiss()

    def action_undo(self) -> None:
        """Take back the last change (what was just typed, stored first) and show the plan as
        it is after that."""
        self.save_pending()
        self.app.action_undo()  # type: ignore[attr-defined]
        stored = self.session.get(ActionPlan, self.plan_id)
        if stored is None or stored.deleted:
            self.dismiss()
            return
        self.reload_form()

    def reload_form(self) -> None:
        """Put the stored plan back into the form (after an undo)."""
        plan = self.plan
        self._loading = True
        try:
            fields = self._field_widgets()
            for name in FORM_ORDER:
                value = str(getattr(plan, name) if name in ("problem", "objective")
                            else plan.profile.get(name, "") or "")
                widget = fields.get(name)
                if widget is None:
                    continue
                if isinstance(widget, TextArea) and widget.text != value:
                    widget.load_text(value)
                elif isinstance(widget, Input) and widget.value != value:
                    widget.value = value
                elif isinstance(widget, Select):
                    try:
                        widget.value = value if value else Select.NULL
                    except Exception:  # a value the list does not know: leave the choice
                        pass
        finally:
            self.call_after_refresh(self._done_loading)
        self.refresh_view()

    def _done_loading(self) -> None:
        self._loading = False
        self._pending.clear()

    def _step_index(self) -> int | None:
        table = self.query_one("#steps-table", StepsTable)
        key = table.cursor_key
        return int(key) if key is not None else None

    @on(DataTable.RowHighlighted, "#steps-table")
    def _step_highlighted(self) -> None:
        self._show_step_detail()

    @on(DataTable.RowSelected, "#steps-table")
    def _step_selected(self) -> None:
        self.action_edit_step()

    @on(DataTable.RowSelected, "#notes-table")
    def _note_selected(self) -> None:
        self.action_edit_note()

    def _after(self, plan: ActionPlan | None, cursor: int | None = None) -> None:
        self.refresh_view()
        if cursor is not None:
            table = self.query_one("#steps-table", StepsTable)
            if 0 <= cursor < table.row_count:
                table.move_cursor(row=cursor, animate=False)

    def action_add_step(self) -> None:
        """Add a step after the one under the cursor (at the end of an empty plan)."""
        index = self._step_index()
        at = None if index is None else index + 1

        def submit(values: dict[str, Any]) -> int:
            plans.add_step(self.session, self.plan, values, at=at)
            return len(self.plan.steps) - 1 if at is None else at

        self.app.push_screen(StepDialog(t("plans.step.add_title"), {}, submit),
                             lambda row: self._after(None, row))

    def action_edit_step(self) -> None:
        index = self._step_index()
        plan = self.plan
        if index is None or index >= len(plan.steps):
            return

        def submit(values: dict[str, Any]) -> int:
            plans.update_step(self.session, self.plan, index, values)
            return index

        self.app.push_screen(
            StepDialog(t("plans.step.edit_title", n=index + 1), plan.steps[index], submit),
            lambda row: self._after(None, row))

    def action_remove_step(self) -> None:
        index = self._step_index()
        plan = self.plan
        if index is None or index >= len(plan.steps):
            return
        activity = str(plan.steps[index].get("activity", ""))

        def done(yes: bool | None) -> None:
            if yes:
                self._run(lambda: plans.remove_step(self.session, self.plan, index))
                self._after(None, min(index, len(self.plan.steps) - 1))

        self.app.push_screen(PlanConfirmDialog(t("plans.step.remove_title"),
                                           t("plans.step.remove_question", activity=activity)),
                             done)

    def action_move_step(self, delta: int) -> None:
        index = self._step_index()
        if index is None:
            return
        result = self._run(lambda: plans.move_step(self.session, self.plan, index, delta))
        if result is not None:
            self._after(None, result[1])

    def action_toggle_done(self) -> None:
        index = self._step_index()
        plan = self.plan
        if index is None or index >= len(plan.steps):
            return
        done = ms.step_status(plan.steps[index], self.today()) != ms.DONE
        self._run(lambda: plans.set_step_done(self.session, self.plan, index, done,
                                              self.today().isoformat()))
        self._after(None, index)

    def _run(self, change: Any) -> Any:
        """Make a change through the core; a refusal is shown, never raised."""
        try:
            return change()
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", markup=False)
            return None

    def action_add_note(self) -> None:
        """Write a clinic note on the plan (about the step under the cursor, if the steps tab
        is open)."""
        from facilitator.app.screens.followup_note import NoteDialog

        self.save_pending()
        plan = self.plan
        if not plan.id:
            return
        tabs = self.query_one("#plan-tabs", TabbedContent)
        step = self._step_index() if tabs.active == "tab-steps" else None
        self.app.push_screen(NoteDialog(self.session, plan, None, self.today().isoformat(),
                                        step=-1 if step is None else step),
                             lambda _: self.refresh_view())

    def _note_key(self) -> str | None:
        return self.query_one("#notes-table", PlanNotesTable).cursor_key

    def action_edit_note(self) -> None:
        from facilitator.app.screens.followup_note import NoteDialog
        from facilitator.core.records import ProgressNote

        key = self._note_key()
        note = self.session.get(ProgressNote, key) if key else None
        if note is None:
            return
        self.app.push_screen(NoteDialog(self.session, self.plan, note, note.day),
                             lambda _: self.refresh_view())

    def action_remove_note(self) -> None:
        from facilitator.core.records import ProgressNote

        key = self._note_key()
        note = self.session.get(ProgressNote, key) if key else None
        if note is None:
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._run(lambda: followup.delete_note(self.session, note))
                self.refresh_view()

        self.app.push_screen(PlanConfirmDialog(t("plans.note.remove_title"),
                                           t("plans.note.remove_question", day=note.day)), done)
