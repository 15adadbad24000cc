"""A type-ahead chooser: type a few letters, arrows to move, Enter to take.

During the brainstorm the coach switches the unit (or problem, or initiator) the next ideas go
to without leaving the keyboard: ctrl+o opens this dialog over the capture field, ``kes`` narrows
24 units to "Dinas Kesehatan", Enter takes it and the capture field has the keys again. With
``allow_new`` a name that matches nothing can be taken as a new entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from facilitator.app.screens.dialog import DialogScreen, refill, retext, text_label
from facilitator.app.widgets.capture import InstantInput

from facilitator.core.text import clean, normal
from facilitator.i18n import t

NEW = "\x00new:"
"""What the dialog returns, before the typed name, when the coach takes a new entry."""


@dataclass(frozen=True)
class Choice:
    """One entry: the value returned, the label shown (literally), a dim detail after it."""

    value: str
    label: str
    detail: str = ""
    also: str = ""
    """More text that finds the entry (a short name, a NIP), not shown."""

    def haystack(self) -> str:
        return normal(f"{self.label} {self.also}")


def rank(choices: list[Choice], query: str) -> list[Choice]:
    """The choices every word of ``query`` is found in, best first: the label or short name
    typed whole, then a label starting with the query, then every query word starting a word,
    then the rest; within each, the order given."""
    words = normal(query).split()
    if not words:
        return list(choices)
    folded = " ".join(words)
    tiers: list[list[Choice]] = [[], [], [], []]
    for choice in choices:
        hay = choice.haystack()
        if not all(word in hay for word in words):
            continue
        label = normal(choice.label)
        hay_words = hay.split()
        if folded in (label, normal(choice.also)):
            tiers[0].append(choice)
        elif label.startswith(folded) or normal(choice.also).startswith(folded):
            tiers[1].append(choice)
        elif all(any(w.startswith(word) for w in hay_words) for word in words):
            tiers[2].append(choice)
        else:
            tiers[3].append(choice)
    return [choice for tier in tiers for choice in tier]


class PickDialog(DialogScreen["str | None"]):
    """Choose one of ``choices`` by typing; dismissed with its value, ``NEW + name``, or None."""

    DEFAULT_CSS = """
    PickDialog {
        #pick-box { width: 64; }
        #pick-title { text-style: bold; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
        #pick-query { margin: 1 0; }
        #pick-list { height: auto; max-height: 12; }
        #pick-hint { color: $text-muted; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="diagnose.pick_cancel"),
    ]

    def __init__(self, title: str, choices: list[Choice], *, current: str = "",
                 allow_new: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.choices = choices
        self.current = current
        self.allow_new = allow_new
        self.shown: list[Choice] = []
        self.new_name = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box", classes="dialog-box"):
            yield text_label(self.title_text, id="pick-title")
            yield InstantInput(placeholder=t("diagnose.pick.placeholder"), id="pick-query",
                               clear=False, moves=True)
            yield OptionList(id="pick-list")
            yield Label(t("diagnose.pick.hint"), id="pick-hint")

    def on_mount(self) -> None:
        self.query_one("#pick-query", InstantInput).focus()
        self._start()

    def _start(self) -> None:
        """Every choice listed, the current one highlighted."""
        self._fill("")
        values = [c.value for c in self.shown]
        field = self.query_one("#pick-query", InstantInput)
        field.choice = 0
        if self.current in values:
            # The arrows start from the current choice.
            field.choice = values.index(self.current)
            self._highlight(field.choice)

    KEEP = True

    def take_over(self, fresh: "PickDialog") -> None:
        self.title_text, self.choices = fresh.title_text, fresh.choices
        self.current, self.allow_new = fresh.current, fresh.allow_new
        retext(self.query_one("#pick-title", Label), self.title_text)
        field = self.query_one("#pick-query", InstantInput)
        refill(field, "")
        self._start()
        self.focus_on_show(field)

    def laid_out(self) -> None:
        # As a new list does once first laid out: from the top, just far enough.
        listing = self.query_one(OptionList)
        listing.scroll_home(animate=False, immediate=True)
        listing.scroll_to_highlight()

    def _fill(self, query: str) -> None:
        self.shown = rank(self.choices, query)
        name = clean(query)
        exact = any(normal(c.label) == normal(name) for c in self.shown)
        self.new_name = name if self.allow_new and name and not exact else ""
        options = []
        for choice in self.shown:
            prompt = Text(choice.label, no_wrap=True, overflow="ellipsis", end="")
            if choice.detail:
                prompt.append(f"  {choice.detail}", style="dim")
            options.append(Option(prompt))
        if self.new_name:
            options.append(Option(Text.assemble(
                (t("diagnose.pick.new"), "bold"), " ", Text(self.new_name)), id="new"))
        if not options:
            options.append(Option(Text(t("diagnose.pick.none"), style="dim"), disabled=True))
        listing = self.query_one(OptionList)
        listing.set_options(options)
        listing.highlighted = 0 if (self.shown or self.new_name) else None

    @on(Input.Changed, "#pick-query")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(InstantInput.Moved, "#pick-query")
    def _moved(self, event: InstantInput.Moved) -> None:
        self._highlight(event.offset)

    @on(InstantInput.Entered, "#pick-query")
    def _take_chosen(self, event: InstantInput.Entered) -> None:
        # The offset counts the arrows typed since the last letter, in the order typed.
        listing = self.query_one(OptionList)
        if listing.option_count:
            self._take(min(event.offset, listing.option_count - 1))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._take(event.option_index)

    def _take(self, index: int | None) -> None:
        if index is None:
            return
        if index < len(self.shown):
            self.dismiss(self.shown[index].value)
        elif self.new_name:
            self.dismiss(NEW + self.new_name)

    def _highlight(self, index: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            listing.highlighted = max(0, min(listing.option_count - 1, index))

    def action_cancel(self) -> None:
        self.dismiss(None)
