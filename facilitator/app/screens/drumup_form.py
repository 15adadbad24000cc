"""The forms of Drum-Up and Diagnose: one dialog that edits a record's fields, one row each.

A :class:`FormDialog` shows ``label | field`` rows (compact fields, one line each, so the lab's
ten details fit a 80x24 terminal), a line for the error, and Save / Cancel. Enter in a one-line
field goes to the next field and, in the last one, saves; ctrl+s saves from anywhere; Esc
cancels. The dialog never writes to the session: its ``check`` callback validates what was typed
(returning the error to show, or None) and the dialog is dismissed with the values, which the
screen hands to the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, TextArea

from facilitator.app.screens import dialog
from facilitator.app.screens.dialog import DialogScreen, refill, retext, text_label
from facilitator.i18n import t

TEXT, MULTILINE, NUMBER, CHOICE = "text", "multiline", "number", "choice"


@dataclass
class Field:
    """One field of a form: ``label`` is already in the user's language; ``choices`` are
    ``(label, value)`` pairs for a :data:`CHOICE`."""

    name: str
    label: str
    value: Any = ""
    kind: str = TEXT
    choices: list[tuple[str, str]] = field(default_factory=list)
    placeholder: str = ""
    blank: bool = True


Check = Callable[[dict[str, str]], "str | tuple[str, str] | None"]
"""Validates the typed values: None if right, else the error (and the field to go back to)."""


def choice_select(choices: Iterable[tuple[str, str]], value: str, *, blank: bool = True,
                  id: str | None = None) -> Select:
    """A compact select of ``(label, value)`` (see :func:`dialog.choice_select`)."""
    return dialog.choice_select(choices, value, prompt=t("drumup.form.choose"), blank=blank,
                                id=id)


def select_value(select: Select) -> str:
    """A select's value as text ("" when none is chosen)."""
    value = select.value
    return "" if value is Select.NULL or value is None else str(value)


class FormDialog(DialogScreen["dict[str, str] | None"]):
    """Edit ``fields``; dismissed with ``{name: text}`` once ``check`` passes, or None.

    Kept once built (see :mod:`dialog`): a form with the same fields refills it.
    """

    KEEP = True

    DEFAULT_CSS = """
    FormDialog {
        #form-box { width: 76; }
        #form-title { text-style: bold; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
        #form-fields { height: auto; max-height: 16; margin-top: 1; }
        .form-row { height: auto; }
        .form-label { width: 24; padding-right: 1; color: $text-muted; text-wrap: nowrap;
                      text-overflow: ellipsis; }
        .form-field { width: 1fr; }
        Input.form-field { background: $boost; }
        Input.form-field:focus { background: $accent 30%; }
        TextArea.form-field { height: 4; background: $boost; }
        #form-hint { color: $text-muted; height: auto; width: 1fr; margin-top: 1; }
        #form-error { color: $text-error; height: auto; width: 1fr; }
        #form-buttons { height: auto; align-horizontal: right; }
        #form-buttons Button { margin-left: 2; min-width: 10; }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="drumup.form_cancel"),
        Binding("ctrl+s", "save", "Save", id="drumup.form_save"),
    ]

    def __init__(self, title: str, fields: list[Field], *, check: Check | None = None,
                 hint: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.fields = fields
        self.check = check
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box", classes="dialog-box"):
            yield text_label(self.title_text, id="form-title")
            with VerticalScroll(id="form-fields", can_focus=False):
                for spec in self.fields:
                    with Horizontal(classes="form-row"):
                        yield text_label(spec.label, classes="form-label")
                        yield self._widget(spec)
            if self.hint:
                yield text_label(self.hint, id="form-hint")
            yield text_label("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(t("drumup.form.save"), variant="primary", id="form-save",
                             compact=True)
                yield Button(t("drumup.form.cancel"), id="form-cancel", compact=True)

    def keep_key(self) -> Any:
        return (type(self), tuple((spec.name, spec.kind, spec.blank) for spec in self.fields),
                bool(self.hint))

    def take_over(self, fresh: "FormDialog") -> None:
        self.title_text, self.fields = fresh.title_text, fresh.fields
        self.check, self.hint = fresh.check, fresh.hint
        retext(self.query_one("#form-title", Label), self.title_text)
        if self.hint:
            retext(self.query_one("#form-hint", Label), self.hint)
        retext(self.query_one("#form-error", Label), "")
        for spec, label in zip(self.fields, self.query(".form-label").results(Label)):
            retext(label, spec.label)
            value = "" if spec.value is None else str(spec.value)
            refill(self.query_one(f"#field-{spec.name}"), value,
                   choices=spec.choices if spec.kind == CHOICE else None,
                   placeholder=spec.placeholder if spec.kind in (TEXT, NUMBER) else None)

    def _widget(self, spec: Field):
        wid = f"field-{spec.name}"
        if spec.kind == MULTILINE:
            return TextArea(str(spec.value or ""), id=wid, soft_wrap=True, compact=True,
                            tab_behavior="focus", show_line_numbers=False, classes="form-field")
        if spec.kind == CHOICE:
            select = choice_select(spec.choices, str(spec.value or ""), blank=spec.blank, id=wid)
            select.add_class("form-field")
            return select
        value = "" if spec.value is None else str(spec.value)
        return Input(value, placeholder=spec.placeholder, id=wid, compact=True,
                     type="integer" if spec.kind == NUMBER else "text", classes="form-field")

    def values(self) -> dict[str, str]:
        """What the fields hold now, as text."""
        out: dict[str, str] = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, TextArea):
                out[spec.name] = widget.text
            elif isinstance(widget, Select):
                out[spec.name] = select_value(widget)
            else:
                out[spec.name] = widget.value  # type: ignore[attr-defined]
        return out

    def show_error(self, message: str, field_name: str = "") -> None:
        retext(self.query_one("#form-error", Label), message)
        if field_name:
            self.query_one(f"#field-{field_name}").focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query(".form-field") if isinstance(w, Input)]
        if inputs and event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        values = self.values()
        problem = self.check(values) if self.check else None
        if problem:
            message, field_name = problem if isinstance(problem, tuple) else (problem, "")
            self.show_error(message, field_name)
            return
        self.dismiss(values)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
