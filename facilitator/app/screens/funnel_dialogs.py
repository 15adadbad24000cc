"""Small dialogs the Design stage asks with: a value, a yes/no, a choice among names.

Each is a modal screen dismissed with the answer (or None when cancelled with Esc). What the room
typed (a rater's name, an idea's title) is shown as literal text.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.app.screens.base import localize_bindings
from facilitator.app.screens.dialog import DialogScreen
from facilitator.i18n import t

# The parts of a Design dialog; the box itself is framed by DialogScreen.
DIALOG_CSS = """
    .dialog-box { width: 72; }
    .dialog-title { text-style: bold; width: 1fr; padding-bottom: 1; }
    .dialog-body { width: 1fr; height: auto; max-height: 8; }
    .dialog-error { color: $text-error; height: auto; width: 1fr; }
    .dialog-buttons { height: auto; align-horizontal: right; padding-top: 1; }
    .dialog-buttons Button { margin-left: 1; }
    Label { width: 1fr; }
"""


class Dialog(DialogScreen[Any]):
    """A dialog of the Design stage: Esc cancels; its keys are described in the locale."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="app.dialog_cancel")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        localize_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, text: str) -> None:
        for label in self.query(".dialog-error"):
            label.update(Content(text))


class AskDialog(Dialog):
    """Ask for one value; ``check(text)`` returns the value, or raises ValueError with the
    message to show, and the dialog stays open until the value is right."""

    DEFAULT_CSS = "AskDialog {" + DIALOG_CSS + "}"

    def __init__(self, title: str, label: str, value: str = "", *,
                 check: Callable[[str], Any] = lambda text: text, ok: str = "",
                 note: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text, self.label_text, self.value = title, label, value
        self.check, self.ok_text, self.note = check, ok or t("design.dialog.ok"), note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content(self.title_text), classes="dialog-title")
            if self.note:
                yield Static(Content(self.note), classes="dialog-body")
            yield Label(Content(self.label_text))
            yield Input(self.value, id="ask-value", select_on_focus=True)
            yield Label(classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok_text, variant="primary", id="ask-ok")
                yield Button(t("design.dialog.cancel"), id="ask-cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ask-ok")
    def submit(self) -> None:
        try:
            value = self.check(self.query_one("#ask-value", Input).value)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(value)

    @on(Button.Pressed, "#ask-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog):
    """Say what will happen and ask to go ahead; dismissed with True or None."""

    DEFAULT_CSS = "ConfirmDialog {" + DIALOG_CSS + "}"
    AUTO_FOCUS = "#confirm-ok"

    def __init__(self, title: str, body: str | Text, ok: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text, self.body, self.ok_text = title, body, ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content(self.title_text), classes="dialog-title")
            body = self.body if isinstance(self.body, Text) else Text(self.body)
            yield Static(body, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok_text, variant="warning", id="confirm-ok")
                yield Button(t("design.dialog.back"), id="confirm-cancel")

    @on(Button.Pressed, "#confirm-ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class NameDialog(Dialog):
    """Choose a name from a list (a rater, a table) or type a new one; dismissed with the name.

    The list is filtered as the new name is typed, so a rater already there is found instead of
    entered twice with another spelling.
    """

    DEFAULT_CSS = "NameDialog {" + DIALOG_CSS + """
        #name-list { height: auto; max-height: 8; }
    }"""
    AUTO_FOCUS = "#name-new"

    def __init__(self, title: str, names: list[str], current: str = "", *, label: str = "",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text, self.names, self.current = title, names, current
        self.label_text = label or t("design.dialog.new_name")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield OptionList(id="name-list")
            yield Label(Content(self.label_text))
            yield Input(id="name-new", placeholder=t("design.dialog.name_placeholder"))
            yield Label(classes="dialog-error")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, typed: str) -> None:
        options = self.query_one("#name-list", OptionList)
        options.clear_options()
        folded = typed.strip().casefold()
        shown = [n for n in self.names if folded in n.casefold()]
        options.add_options([Option(Text(("● " if n == self.current else "  ") + n), id=str(i))
                             for i, n in enumerate(self.names) if n in shown])
        options.display = bool(shown)

    @on(Input.Changed, "#name-new")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(OptionList.OptionSelected, "#name-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.names[int(event.option.id or 0)])

    @on(Input.Submitted, "#name-new")
    def _entered(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if not name:
            self.show_error(t("design.dialog.name_empty"))
            return
        same = [n for n in self.names if n.casefold() == name.casefold()]
        self.dismiss(same[0] if same else name)
