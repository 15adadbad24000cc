"""Small dialogs the Design stage asks with: a value, a yes/no, a choice among names.

Each is a modal screen dismissed with the answer (or None when cancelled with Esc). What the room
typed (a rater's name, an idea's title) is shown as literal text. Each is kept once built (see
:mod:`facilitator.app.screens.dialog`): opened again, it is refilled for what it asks now.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.app.screens.base import localize_bindings
from facilitator.app.screens.dialog import DialogScreen, refill, relabel, retext, text_label
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
    """A dialog of the Design stage: Esc cancels; its keys are described in the locale.

    Not kept as such: each kind that is says so (``KEEP``) and how it is refilled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="app.dialog_cancel")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        localize_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, text: str) -> None:
        """Say what is wrong (plain text); ``""`` empties the error line, as a new dialog's."""
        for label in self.query(".dialog-error"):
            retext(label, text)


class AskDialog(Dialog):
    """Ask for one value; ``check(text)`` returns the value, or raises ValueError with the
    message to show, and the dialog stays open until the value is right."""

    DEFAULT_CSS = "AskDialog {" + DIALOG_CSS + "}"
    KEEP = True

    def __init__(self, title: str, label: str, value: str = "", *,
                 check: Callable[[str], Any] = lambda text: text, ok: str = "",
                 note: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text, self.label_text, self.value = title, label, value
        self.check, self.ok_text, self.note = check, ok or t("design.dialog.ok"), note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield text_label(self.title_text, classes="dialog-title")
            if self.note:
                yield text_label(self.note, Static, classes="dialog-body", id="ask-note")
            yield text_label(self.label_text, id="ask-label")
            yield Input(self.value, id="ask-value", select_on_focus=True)
            yield text_label("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok_text, variant="primary", id="ask-ok")
                yield Button(t("design.dialog.cancel"), id="ask-cancel")

    def keep_key(self) -> Hashable:
        return type(self), bool(self.note)  # a note is a widget of its own

    def take_over(self, fresh: "AskDialog") -> None:
        self.title_text, self.label_text, self.value = (
            fresh.title_text, fresh.label_text, fresh.value)
        self.check, self.ok_text, self.note = fresh.check, fresh.ok_text, fresh.note
        retext(self.query_one(".dialog-title"), self.title_text)
        if self.note:
            retext(self.query_one("#ask-note"), self.note)
        retext(self.query_one("#ask-label"), self.label_text)
        refill(self.query_one("#ask-value", Input), self.value)
        relabel(self.query_one("#ask-ok", Button), self.ok_text)
        self.show_error("")

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
    KEEP = True

    def __init__(self, title: str, body: str | Text, ok: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text, self.body, self.ok_text = title, body, ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield text_label(self.title_text, classes="dialog-title")
            yield Static(self._body(), classes="dialog-body", id="confirm-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok_text, variant="warning", id="confirm-ok")
                yield Button(t("design.dialog.back"), id="confirm-cancel")

    def _body(self) -> Text:
        return self.body if isinstance(self.body, Text) else Text(self.body)

    def take_over(self, fresh: "ConfirmDialog") -> None:
        # Every caller's question has the same widgets: only the words differ.
        self.title_text, self.body, self.ok_text = fresh.title_text, fresh.body, fresh.ok_text
        retext(self.query_one(".dialog-title"), self.title_text)
        self.query_one("#confirm-body", Static).update(self._body())
        relabel(self.query_one("#confirm-ok", Button), self.ok_text)

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
    KEEP = True

    def __init__(self, title: str, names: list[str], current: str = "", *, label: str = "",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text, self.names, self.current = title, names, current
        self.label_text = label or t("design.dialog.new_name")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield text_label(self.title_text, classes="dialog-title")
            yield OptionList(id="name-list")
            yield text_label(self.label_text, id="name-label")
            yield Input(id="name-new", placeholder=t("design.dialog.name_placeholder"))
            yield text_label("", classes="dialog-error")

    def on_mount(self) -> None:
        self._fill("")

    def take_over(self, fresh: "NameDialog") -> None:
        self.title_text, self.names, self.current = fresh.title_text, fresh.names, fresh.current
        self.label_text = fresh.label_text
        retext(self.query_one(".dialog-title"), self.title_text)
        retext(self.query_one("#name-label"), self.label_text)
        refill(self.query_one("#name-new", Input), "")
        self._fill("")  # the Changed that would list them is held back while refilled
        self.show_error("")

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
