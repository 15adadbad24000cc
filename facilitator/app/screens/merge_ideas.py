"""The Design stage's ideas tab: merging duplicate ideas before they are scored.

Mark two or more ideas (space) and merge them (m): one title and description are kept, taken
from one of them and edited if wanted; the merged idea remembers its originals. The app suggests
likely duplicates (s: similar titles) for the coach to confirm one group at a time, and a merged
idea can be split again (u) into exactly the ideas it was made of.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from facilitator.app.screens.dialog import refill, retext, text_label
from facilitator.app.screens.funnel_dialogs import DIALOG_CSS, ConfirmDialog, Dialog
from facilitator.app.screens.funnel_panel import DesignPanel, Line
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.records import Idea
from facilitator.core.session import Session
from facilitator.i18n import integer, t

IDEA_COLUMNS = (
    Column("mark", "design.col.mark", width=1),
    Column("idea", "design.col.idea", flex=3, min_width=14),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("merged", "design.col.merged", width=4, align="right"),
)


class IdeasPanel(DesignPanel):
    """The ideas in the session now, to mark and merge, with suggested duplicates."""

    TAB = "ideas"
    DEPENDS = frozenset({"ideas", "units"})
    MAIN = "#merge-table"
    LAZY = True

    BINDINGS = [
        Binding("space", "mark", "Mark", id="design.mark"),
        Binding("m", "merge", "Merge", id="design.merge"),
        Binding("s", "suggest", "Duplicates", id="design.suggest"),
        Binding("u", "unmerge", "Unmerge", id="design.unmerge"),
        Binding("slash", "find", "Find", key_display="/", show=False, id="design.find"),
        Binding("escape", "clear", "Clear", show=False, id="design.clear_marks"),
    ]

    def compose(self) -> ComposeResult:
        yield Line(id="merge-status")
        yield Input(id="merge-filter", placeholder=t("design.ideas.filter"), compact=True)
        yield RecordTable(IDEA_COLUMNS, id="merge-table")

    @property
    def marks(self) -> list[str]:
        """The ideas marked for merging, in the order they were marked (kept by the screen,
        so that a redraw for the language keeps them)."""
        return self.design.merge_marks

    def refresh_from(self, session: Session) -> None:
        ideas = session.ideas()
        alive = {i.id for i in ideas}
        self.marks[:] = [m for m in self.marks if m in alive]
        marked = set(self.marks)
        query = self.query_one("#merge-filter", Input).value.strip().casefold()
        units = {u.id: u.name for u in session.units()}
        rows = []
        for idea in ideas:
            unit = units.get(idea.unit_id, "")
            if query and query not in f"{idea.title} {unit}".casefold():
                continue
            rows.append((idea.id, (
                Text("●", style="bold") if idea.id in marked else "",
                idea.title, unit,
                Text(f"⊕{len(idea.merged_from)}", style="bold") if idea.merged_from else "")))
        self.query_one("#merge-table", RecordTable).set_rows(rows)
        merged = sum(1 for i in ideas if i.merged_from)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(t("design.ideas.count", ideas=integer(len(ideas)), merged=merged))
        if query:
            line.append(" · " + t("design.ideas.shown", shown=integer(len(rows))))
        if self.marks:
            line.append(" · ")
            line.append(t("design.ideas.marked", count=len(self.marks)), style="bold")
        line.append(" · " + t("design.ideas.hint"), style="dim")
        self.query_one("#merge-status", Line).update(line)

    def _table(self) -> RecordTable:
        return self.query_one("#merge-table", RecordTable)

    @on(Input.Changed, "#merge-filter")
    def _filtered(self) -> None:
        self.refresh_from(self.session)

    @on(Input.Submitted, "#merge-filter")
    def _filter_done(self) -> None:
        self._table().focus()

    def action_find(self) -> None:
        self.query_one("#merge-filter", Input).focus()

    def action_clear(self) -> None:
        field = self.query_one("#merge-filter", Input)
        if field.has_focus or field.value:
            field.value = ""
            self._table().focus()
        elif self.marks:
            self.marks.clear()
            self.refresh_from(self.session)

    def action_mark(self) -> None:
        table = self._table()
        key = table.cursor_key
        if key is None:
            return
        if key in self.marks:
            self.marks.remove(key)
        else:
            self.marks.append(key)
        self.refresh_from(self.session)
        table.action_cursor_down()

    def action_merge(self) -> None:
        if len(self.marks) < 2:
            self.notify(t("design.ideas.mark_two"), severity="warning", markup=False)
            return
        self.open_merge(list(self.marks))

    def open_merge(self, ids: list[str]) -> None:
        """Ask for the merged idea's title and description, then merge ``ids``."""
        session = self.session
        ideas = [i for i in (session.get(Idea, rid) for rid in ids) if i is not None]
        marks = self.marks
        design = self.design

        def done(values: dict[str, str] | None) -> None:
            if not values:
                return
            merged = self.run_core(funnel.merge_ideas, session, [i.id for i in ideas],
                                   **values)
            if merged is not None:
                marks[:] = [m for m in marks if m not in ids]
                design.notify(t("design.ideas.merged", count=len(ideas), title=merged.title),
                              markup=False)

        self.app.push_screen(MergeIdeasDialog(ideas, {u.id: u.name for u in session.units()}), done)

    def action_suggest(self) -> None:
        # Found ahead, in the pauses (see app/duplicates.py): the list opens at once. If the
        # ideas changed since, the search is finished first, a slice at a time.
        groups = self.app.duplicates.ready()  # type: ignore[attr-defined]
        if groups is not None:
            self._show_suggestions(groups)
            return
        self.notify(t("design.ideas.finding"), timeout=2, markup=False)
        self._find_duplicates()

    @work(exclusive=True, group="duplicates")
    async def _find_duplicates(self) -> None:
        groups = await self.app.duplicates.now()  # type: ignore[attr-defined]
        self._show_suggestions(groups)

    def _show_suggestions(self, groups: list[list[str]]) -> None:
        dismissed = self.design.dismissed_duplicates
        groups = [g for g in groups if frozenset(g) not in dismissed]
        if not groups:
            self.notify(t("design.ideas.no_duplicates"), markup=False)
            return
        session = self.session

        def done(group: list[str] | None) -> None:
            if group:
                self.open_merge(group)

        self.app.push_screen(SuggestionsDialog(
            [[i for i in (session.get(Idea, rid) for rid in g) if i is not None]
             for g in groups], dismissed), done)

    def action_unmerge(self) -> None:
        key = self._table().cursor_key
        idea = self.session.get(Idea, key) if key else None
        if idea is None or not idea.merged_from:
            self.notify(t("design.ideas.not_merged"), severity="warning", markup=False)
            return
        session = self.session
        originals = [i for i in (session.get(Idea, rid) for rid in idea.merged_from) if i]

        def done(yes: bool | None) -> None:
            if yes and self.run_core(funnel.unmerge_idea, session, idea.id) is not None:
                self.notify(t("design.ideas.unmerged", count=len(originals)), markup=False)

        body = Text(t("design.ideas.unmerge_body") + "\n")
        for original in originals:
            body.append(f"• {original.title}\n")
        self.app.push_screen(ConfirmDialog(t("design.ideas.unmerge_title", title=idea.title),
                                           body, t("design.ideas.unmerge_ok")), done)


class MergeIdeasDialog(Dialog):
    """Merge some ideas: choose whose title and description to keep (Enter on one), edit them,
    confirm. Dismissed with ``{"title", "description", "keep_from"}`` or None."""

    DEFAULT_CSS = "MergeIdeasDialog {" + DIALOG_CSS + """
        .dialog-box { width: 90; }
        #merge-sources { height: auto; max-height: 6; }
        #merge-description { height: 5; }
    }"""
    AUTO_FOCUS = "#merge-sources"
    KEEP = True

    def __init__(self, ideas: list[Idea], units: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ideas = ideas
        self.units = units
        self.keep_from = ideas[0].id if ideas else ""

    def _title(self) -> str:
        return t("design.ideas.merge_title", count=len(self.ideas))

    def compose(self) -> ComposeResult:
        first = self.ideas[0] if self.ideas else Idea()
        with Vertical(classes="dialog-box"):
            yield text_label(self._title(), classes="dialog-title")
            yield Label(Content(t("design.ideas.merge_pick")))
            yield OptionList(*(self._option(i) for i in self.ideas), id="merge-sources")
            yield Label(Content(t("design.ideas.merge_name")))
            yield Input(first.title, id="merge-title", compact=True)
            yield Label(Content(t("design.ideas.merge_description")))
            yield TextArea(first.description, id="merge-description", soft_wrap=True,
                           compact=True)
            yield Label(classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("design.ideas.merge_ok"), variant="primary", id="merge-ok",
                             compact=True)
                yield Button(t("design.dialog.cancel"), id="merge-cancel", compact=True)

    def take_over(self, fresh: "MergeIdeasDialog") -> None:
        self.ideas, self.units, self.keep_from = fresh.ideas, fresh.units, fresh.keep_from
        first = self.ideas[0] if self.ideas else Idea()
        retext(self.query_one(".dialog-title"), self._title())
        sources = self.query_one("#merge-sources", OptionList)
        sources.clear_options()
        sources.add_options([self._option(i) for i in self.ideas])
        sources.highlighted = 0 if self.ideas else None
        refill(self.query_one("#merge-title", Input), first.title)
        refill(self.query_one("#merge-description", TextArea), first.description)
        self.show_error("")

    def _option(self, idea: Idea) -> Option:
        text = Text(idea.title, no_wrap=True, overflow="ellipsis")
        unit = self.units.get(idea.unit_id, "")
        if unit:
            text.append(f" · {unit}", style="dim")
        return Option(text, id=idea.id)

    @on(OptionList.OptionSelected, "#merge-sources")
    def _take(self, event: OptionList.OptionSelected) -> None:
        idea = next((i for i in self.ideas if i.id == event.option.id), None)
        if idea is None:
            return
        self.keep_from = idea.id
        self.query_one("#merge-title", Input).value = idea.title
        self.query_one("#merge-description", TextArea).text = idea.description
        self.query_one("#merge-title", Input).focus()

    @on(Input.Submitted, "#merge-title")
    def _title_done(self) -> None:
        self.query_one("#merge-ok", Button).focus()

    @on(Button.Pressed, "#merge-ok")
    def submit(self) -> None:
        title = " ".join(self.query_one("#merge-title", Input).value.split())
        if not title:
            self.show_error(t("error.title_empty"))
            self.query_one("#merge-title", Input).focus()
            return
        self.dismiss({"title": title,
                      "description": self.query_one("#merge-description", TextArea).text,
                      "keep_from": self.keep_from})

    @on(Button.Pressed, "#merge-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


SUGGESTION_COLUMNS = (
    Column("ideas", "design.col.group_size", width=5, align="right"),
    Column("titles", "design.col.group_titles", flex=1, min_width=20),
)

DETAIL_LINES = 6
"""Titles of the highlighted group shown under the list; more are counted."""


class SuggestionsDialog(Dialog):
    """Groups of ideas with similar titles, one line each, and the titles of the highlighted
    one below; Enter opens the merge of a group, x sets it aside.

    A line per group in a table (drawn only where shown) keeps a list of a thousand groups,
    as 3,000 ideas can give, quick to open; it is kept once built and refilled."""

    DEFAULT_CSS = "SuggestionsDialog {" + DIALOG_CSS + """
        .dialog-box { width: 90; }
        #suggestions { height: auto; max-height: 12; }
        #suggestion-detail { height: auto; padding: 0 1; border-top: solid $primary; }
        .dialog-note { color: $text-muted; }
    }"""
    AUTO_FOCUS = "#suggestions"
    KEEP = True

    BINDINGS = [Binding("x", "skip", "Not duplicates", id="design.not_duplicates")]

    def __init__(self, groups: list[list[Idea]], dismissed: set[frozenset[str]],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.groups = [g for g in groups if len(g) > 1]
        self.dismissed = dismissed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield text_label(self._title(len(self.groups)), id="suggestions-title",
                             classes="dialog-title")
            yield RecordTable(SUGGESTION_COLUMNS, id="suggestions")
            yield Static(id="suggestion-detail")
            yield Label(Content(t("design.ideas.suggest_hint")), classes="dialog-note")

    def on_mount(self) -> None:
        self._fill()

    def take_over(self, fresh: "SuggestionsDialog") -> None:
        self.groups, self.dismissed = fresh.groups, fresh.dismissed
        self._fill()
        self.focus_on_show(self.query_one("#suggestions", RecordTable))

    @staticmethod
    def _title(count: int) -> str:
        return t("design.ideas.suggest_title", count=integer(count))

    def _fill(self) -> None:
        self._list([str(n) for n in range(len(self.groups))], 0)

    def _list(self, keys: list[str], row: int) -> None:
        """Show the groups ``keys`` (their places in ``self.groups``), the cursor on ``row``."""
        table = self.query_one("#suggestions", RecordTable)
        table.set_rows((key, (integer(len(self.groups[int(key)])),
                              " ⇄ ".join(i.title for i in self.groups[int(key)])))
                       for key in keys)
        if keys:
            table.move_cursor(row=min(row, len(keys) - 1), animate=False)
        retext(self.query_one("#suggestions-title", Label), self._title(len(keys)))
        self._show_detail()

    def _group(self) -> list[Idea] | None:
        key = self.query_one("#suggestions", RecordTable).cursor_key
        return self.groups[int(key)] if key is not None else None

    def _show_detail(self) -> None:
        group = self._group() or []
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for k, idea in enumerate(group[:DETAIL_LINES]):
            text.append("\n" if k else "")
            text.append("⇄ " if k else "• ", style="bold")
            text.append(idea.title)
        if len(group) > DETAIL_LINES:
            text.append("\n" + t("design.ideas.suggest_more",
                                 count=integer(len(group) - DETAIL_LINES)), style="dim")
        self.query_one("#suggestion-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#suggestions")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#suggestions")
    def _chosen(self) -> None:
        group = self._group()
        if group is not None:
            self.dismiss([i.id for i in group])

    def action_skip(self) -> None:
        table = self.query_one("#suggestions", RecordTable)
        group = self._group()
        if group is None:
            return
        self.dismissed.add(frozenset(i.id for i in group))
        key, row = table.cursor_key, table.cursor_row
        keys = [k for k in table.row_keys if k != key]
        if not keys:
            self.dismiss(None)
            return
        self._list(keys, row)
