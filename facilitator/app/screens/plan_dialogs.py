"""The small forms of the plans and commitments: a labelled form in a dialog, and a plan step.

Every dialog here is a :class:`PlanFormDialog`: a title, rows of ``label | field`` (compact fields,
one line each, so a whole form fits a 80x24 terminal), a line for the error, and the buttons.
Enter in the last single-line field (or the OK button) submits; Esc cancels. A dialog never
writes to the session itself: it hands what was typed to its ``submit`` callback, which calls
the core and may raise a :class:`FacilitatorError`; the error's message is shown in the dialog
and the dialog stays open, with what was typed, until it is right.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from facilitator.app.screens.dialog import DialogScreen, choice_select, refill, retext, text_label
from facilitator.core.errors import FacilitatorError
from facilitator.i18n import integer, t

Submit = Callable[[dict[str, Any]], Any]


def field_input(value: str = "", *, placeholder: str = "", id: str | None = None,
                max_length: int = 0) -> Input:
    """A one-line compact text field."""
    return Input(str(value or ""), placeholder=placeholder, id=id, compact=True,
                 max_length=max_length)


def field_text(value: str = "", *, id: str | None = None, height: int = 3,
               classes: str = "") -> TextArea:
    """A multi-line compact text field that wraps; Tab leaves it (it never types a tab)."""
    area = TextArea(str(value or ""), id=id, soft_wrap=True, compact=True, tab_behavior="focus",
                    show_line_numbers=False, classes=f"lines-{height} {classes}".strip())
    return area


def field_select(options: Iterable[tuple[str, str]], value: str = "", *,
                 id: str | None = None, allow_blank: bool = True) -> Select:
    """A compact choice among ``(label, value)`` options. A stored value the options do not
    know (typed in an import, or from another template) is kept as an option of its own, shown
    as it is, so opening a form never loses it."""
    return choice_select(options, value, prompt=t("plans.form.choose"), blank=allow_blank,
                         id=id)


def select_value(select: Select) -> str:
    """A select's value as text ("" when nothing is chosen)."""
    value = select.value
    return "" if value is Select.NULL or value is None else str(value)


class FormRow(Horizontal):
    """``label | field`` on one row (as tall as the field)."""

    DEFAULT_CSS = """
    FormRow {
        height: auto;
        margin-bottom: 1;
    }
    FormRow.tight {
        margin-bottom: 0;
    }
    FormRow > .form-label {
        width: 18;
        padding-right: 1;
        color: $text-muted;
    }
    FormRow > .form-field {
        width: 1fr;
    }
    FormRow > .form-dash {
        width: 3;
    }
    FormRow > TextArea.lines-2 { height: 2; }
    FormRow > TextArea.lines-3 { height: 3; }
    FormRow > TextArea.lines-4 { height: 4; }
    FormRow > TextArea.lines-6 { height: 6; }
    FormRow > TextArea.lines-8 { height: 8; }
    FormRow > TextArea.lines-10 { height: 10; }
    """

    def __init__(self, label: str, *fields: Widget, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._label = label
        self._fields = fields

    def compose(self) -> ComposeResult:
        yield Label(Content(self._label), classes="form-label")
        for field in self._fields:
            if not field.has_class("form-dash"):
                field.add_class("form-field")
            yield field


class PlanFormDialog(DialogScreen[Any]):
    """A form in a dialog; dismissed with what ``submit`` returned, or None if cancelled."""

    DEFAULT_CSS = """
    PlanFormDialog #form-box {
        width: 78;
    }
    PlanFormDialog #form-title {
        text-style: bold;
        width: 1fr;
        margin-bottom: 1;
    }
    PlanFormDialog #form-scroll {
        height: auto;
        max-height: 70vh;
    }
    PlanFormDialog #form-scroll.with-fixed {
        max-height: 45vh;
        margin-bottom: 1;
    }
    PlanFormDialog #form-error {
        display: none;
        color: $text-error;
        height: auto;
        width: 1fr;
    }
    PlanFormDialog .form-note {
        color: $text-muted;
        height: auto;
        width: 1fr;
        margin-bottom: 1;
    }
    PlanFormDialog #form-buttons {
        height: auto;
        align-horizontal: right;
    }
    PlanFormDialog #form-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="app.dialog_cancel")]

    OK_KEY = "plans.form.save"
    SHOW_CANCEL = True
    SCROLL_FOCUS = False
    """Whether the form's scrolling part takes the focus (text to read, scrolled by keys)."""

    def __init__(self, title: str, submit: Submit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.submit_form = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box", classes="dialog-box"):
            yield text_label(self.title_text, Static, id="form-title")
            scroll = VerticalScroll(id="form-scroll")
            fixed = list(self.compose_fixed())
            # Tab goes from field to field, not to the form; but text to read above a fixed
            # field (a commitment before signing) must scroll from the keyboard too.
            scroll.can_focus = bool(fixed) or self.SCROLL_FOCUS
            with scroll:
                yield from self.compose_form()
            if fixed:
                scroll.add_class("with-fixed")
                yield from fixed
            yield Static(id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(t(self.OK_KEY), variant="primary", id="form-ok", compact=True)
                if self.SHOW_CANCEL:
                    yield Button(t("plans.form.cancel"), id="form-cancel", compact=True)

    def take_over(self, fresh: "PlanFormDialog") -> None:
        """The title, the callback, no error; a kept subclass refills its own fields."""
        self.title_text, self.submit_form = fresh.title_text, fresh.submit_form
        retext(self.query_one("#form-title", Static), self.title_text)
        self.show_error("")

    def compose_form(self) -> ComposeResult:
        """The form's rows."""
        yield from ()

    def compose_fixed(self) -> ComposeResult:
        """Rows kept in view under the form (the field the dialog is for, when what is above it
        is long enough to scroll)."""
        yield from ()

    def values(self) -> dict[str, Any]:
        """What the form holds now."""
        return {}

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        if getattr(error, "_kept_text", "") != message:  # each key typed clears it
            error.update(Text(message))
            error._kept_text = message  # type: ignore[attr-defined]
        error.display = bool(message)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _clear_error(self) -> None:
        self.show_error("")

    @on(Input.Submitted)
    def _next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        fields = [w for w in self.query("#form-box Input, #form-box TextArea, #form-box Select")
                  if w.display and w.parent is not None and w.parent.display]
        if event.input in fields and fields.index(event.input) < len(fields) - 1:
            self.focus_next()
        else:
            self.action_submit()

    @on(Button.Pressed, "#form-ok")
    def action_submit(self) -> None:
        """Hand the values to the core; close with its result, or show why it refused."""
        try:
            result = self.submit_form(self.values())
        except FacilitatorError as exc:
            self.show_error(exc.message())
            return
        self.dismiss(result)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def budget_text(value: Any) -> str:
    """A step's budget as the user writes it (``7.500.000``), or as stored if it is text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return integer(value)
    return str(value or "")


class StepDialog(PlanFormDialog):
    """Add or change one step of an action plan: activity, person in charge, start and end,
    output or indicator, budget."""

    KEEP = True

    def __init__(self, title: str, step: dict[str, Any], submit: Submit, **kwargs: Any) -> None:
        super().__init__(title, submit, **kwargs)
        self.step = step

    def take_over(self, fresh: "StepDialog") -> None:
        super().take_over(fresh)
        self.step = step = fresh.step
        for name in ("activity", "pic", "start", "end", "output"):
            refill(self.query_one(f"#step-{name}"), step.get(name, ""))
        refill(self.query_one("#step-budget"), budget_text(step.get("budget", "")))

    def compose_form(self) -> ComposeResult:
        step = self.step
        yield FormRow(t("plans.step.activity"), field_text(step.get("activity", ""),
                                                           id="step-activity", height=2))
        yield FormRow(t("plans.step.pic"), field_input(step.get("pic", ""), id="step-pic"))
        yield FormRow(t("plans.step.dates"),
                      field_input(step.get("start", ""), placeholder=t("plans.form.date_hint"),
                                  id="step-start", max_length=10),
                      Label(" – ", classes="form-dash"),
                      field_input(step.get("end", ""), placeholder=t("plans.form.date_hint"),
                                  id="step-end", max_length=10))
        yield FormRow(t("plans.step.output"), field_text(step.get("output", ""),
                                                         id="step-output", height=2))
        yield FormRow(t("plans.step.budget"),
                      field_input(budget_text(step.get("budget", "")),
                                  placeholder=t("plans.step.budget_hint"), id="step-budget"))

    def values(self) -> dict[str, Any]:
        return {
            "activity": self.query_one("#step-activity", TextArea).text,
            "pic": self.query_one("#step-pic", Input).value,
            "start": self.query_one("#step-start", Input).value,
            "end": self.query_one("#step-end", Input).value,
            "output": self.query_one("#step-output", TextArea).text,
            "budget": self.query_one("#step-budget", Input).value,
        }


class PlanConfirmDialog(PlanFormDialog):
    """A question with a yes button (e.g. before deleting); dismissed with True or None."""

    OK_KEY = "plans.form.yes"
    KEEP = True

    def __init__(self, title: str, question: str, **kwargs: Any) -> None:
        super().__init__(title, lambda values: True, **kwargs)
        self.question = question

    def compose_form(self) -> ComposeResult:
        yield text_label(self.question, Static, classes="form-note", id="confirm-question")

    def on_mount(self) -> None:
        self.query_one("#form-ok", Button).focus()

    def take_over(self, fresh: "PlanConfirmDialog") -> None:
        super().take_over(fresh)
        self.question = fresh.question
        retext(self.query_one("#confirm-question", Static), self.question)
        self.focus_on_show(self.query_one("#form-ok", Button))
