"""The dialog for a coaching clinic's progress note: which plan (and step), which day, what."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static, TextArea

from facilitator.app.screens.dialog import refill, retext, text_label
from facilitator.app.screens.plan_dialogs import (
    PlanFormDialog, FormRow, field_input, field_select, field_text, select_value,
)
from facilitator.core import followup
from facilitator.core.plans import PlanError
from facilitator.core.records import ActionPlan, Idea, ProgressNote
from facilitator.i18n import t

WHOLE_PLAN = "-1"


def plan_label(session: Any, plan: ActionPlan) -> str:
    """A plan as a list names it: its innovation's title."""
    idea = session.get(Idea, plan.idea_id)
    return idea.title if idea else plan.id


class NoteDialog(PlanFormDialog):
    """Write (or change) a progress note; dismissed with the note, or None."""

    KEEP = True

    def __init__(self, session: Any, plan: ActionPlan | None, note: ProgressNote | None,
                 day: str, step: int = -1, **kwargs: Any) -> None:
        title = t("plans.note.edit_title") if note else t("plans.note.add_title")
        super().__init__(title, self._store, **kwargs)
        self.session = session
        self.plan = plan
        self.note = note
        self.day = note.day if note else day
        self.step = note.step if note else step

    def keep_key(self) -> Any:
        # A note for a plan chosen in the dialog has a list of plans; one for a given plan, its
        # name.
        return (type(self), self.plan is None)

    def _plan_options(self) -> list[tuple[str, str]]:
        return sorted(((plan_label(self.session, p), p.id) for p in self.session.all(ActionPlan)),
                      key=lambda o: o[0].casefold())

    def compose_form(self) -> ComposeResult:
        if self.plan is None:
            yield FormRow(t("plans.note.plan"),
                          field_select(self._plan_options(), id="note-plan"))
        else:
            yield FormRow(t("plans.note.plan"), text_label(plan_label(self.session, self.plan),
                                                           Static, id="note-plan-name"))
        yield FormRow(t("plans.note.step"),
                      field_select(self._step_options(self.plan), str(self.step),
                                   id="note-step", allow_blank=False))
        yield FormRow(t("plans.note.day"),
                      field_input(self.day, placeholder=t("plans.form.date_hint"),
                                  id="note-day", max_length=10))
        yield FormRow(t("plans.note.text"),
                      field_text(self.note.text if self.note else "", id="note-text",
                                 height=6))

    @staticmethod
    def _step_options(plan: ActionPlan | None) -> list[tuple[str, str]]:
        options = [(t("plans.note.whole_plan"), WHOLE_PLAN)]
        for index, step in enumerate(plan.steps if plan else []):
            options.append((f"{index + 1}. {step.get('activity', '')}", str(index)))
        return options

    def on_mount(self) -> None:
        self.query_one(self._first_field()).focus()

    def _first_field(self) -> str:
        return "#note-plan" if self.plan is None else "#note-text"

    def take_over(self, fresh: "NoteDialog") -> None:
        super().take_over(fresh)
        self.session, self.plan, self.note = fresh.session, fresh.plan, fresh.note
        self.day, self.step = fresh.day, fresh.step
        self.submit_form = self._store
        if self.plan is None:
            refill(self.query_one("#note-plan", Select), "", choices=self._plan_options())
        else:
            retext(self.query_one("#note-plan-name", Static), plan_label(self.session, self.plan))
        refill(self.query_one("#note-step", Select), str(self.step),
               choices=self._step_options(self.plan))
        refill(self.query_one("#note-day", Input), self.day)
        refill(self.query_one("#note-text", TextArea), self.note.text if self.note else "")
        self.focus_on_show(self.query_one(self._first_field()))

    @on(Select.Changed, "#note-plan")
    def _plan_chosen(self, event: Select.Changed) -> None:
        plan = self.session.get(ActionPlan, select_value(event.select))
        # Through refill, which notes the choices it gave: a kept dialog compares them with the
        # next showing's.
        refill(self.query_one("#note-step", Select), WHOLE_PLAN,
               choices=self._step_options(plan))

    def _chosen_plan(self) -> ActionPlan | None:
        if self.plan is not None:
            return self.session.get(ActionPlan, self.plan.id) or self.plan
        return self.session.get(ActionPlan, select_value(self.query_one("#note-plan", Select)))

    def values(self) -> dict[str, Any]:
        step = select_value(self.query_one("#note-step", Select)) or WHOLE_PLAN
        return {"plan": self._chosen_plan(), "step": int(step),
                "day": self.query_one("#note-day", Input).value,
                "text": self.query_one("#note-text", TextArea).text}

    def _store(self, values: dict[str, Any]) -> ProgressNote:
        plan = values["plan"]
        if plan is None:
            raise PlanError("note_plan")
        if self.note is None:
            return followup.add_note(self.session, plan, day=values["day"], text=values["text"],
                                     step=values["step"])
        return followup.edit_note(self.session, self.note, day=values["day"],
                                  text=values["text"], step=values["step"])
