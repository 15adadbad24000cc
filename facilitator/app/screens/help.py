"""The keys dialog (``?``): the keys of the screen underneath, in the current language."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from facilitator.app.screens.dialog import DialogScreen
from facilitator.i18n import t


def key_rows(screen: Screen) -> list[tuple[str, str]]:
    """The keys a user can press on ``screen`` now: ``(keys, description)``, one row per action.

    Only bindings with an id are listed: those are the app's own, described in the locale files.
    Textual's built-in editing keys (no id, English descriptions) are left to the widgets.
    """
    rows: dict[tuple[int, str], tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.id or not binding.description or not active.enabled:
            continue
        group = (id(active.node), binding.action)
        keys, _ = rows.setdefault(group, ([], binding.description))
        display = screen.app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    return [(" / ".join(keys), description) for keys, description in rows.values()]


class KeysDialog(DialogScreen[None]):
    """A list of keys and what they do; any of Esc, ? or Enter closes it."""

    DEFAULT_CSS = """
    KeysDialog {
        #keys-box { width: 60; max-height: 90%; padding: 0 2; }
        #keys-title { text-style: bold; width: 1fr; padding-bottom: 1; }
        #keys-list { height: auto; max-height: 16; width: 1fr; }
        #keys-close { color: $text-muted; padding-top: 1; }
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="app.keys_close"),
        Binding("question_mark", "dismiss", "Close", show=False, id="app.keys_close_question"),
        Binding("enter", "dismiss", "Close", show=False, id="app.keys_close_enter"),
    ]

    def __init__(self, title: str, rows: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.rows = rows

    KEEP = True

    def _title(self) -> Content:
        return Content(t("app.keys_dialog.title", screen=self.title_text))

    def _lines(self) -> Content:
        width = max((len(keys) for keys, _ in self.rows), default=1)
        return Content("\n").join(
            Content.assemble((keys.rjust(width), "bold $accent"), "  ", description)
            for keys, description in self.rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="keys-box", classes="dialog-box"):
            yield Label(self._title(), id="keys-title")
            with VerticalScroll(id="keys-list"):
                yield Static(self._lines(), id="keys-lines")
            yield Label(t("app.keys_dialog.close"), id="keys-close")

    def take_over(self, fresh: "KeysDialog") -> None:
        self.title_text, self.rows = fresh.title_text, fresh.rows
        self.query_one("#keys-title", Label).update(self._title())
        self.query_one("#keys-lines", Static).update(self._lines())
