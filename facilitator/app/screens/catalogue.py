"""The catalogue (Direktori Inovasi) in the app: the selected innovations grouped by unit, and
the profile of the one under the cursor.

The same grouping and profiles as the exported catalogue (``export.common.selected_by_unit``),
so what the coach checks on screen is what the PDF will print.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static, Tree

from facilitator.core.records import PROFILE_FIELDS
from facilitator.core.seal import short_code
from facilitator.core.session import Session
from facilitator.export.common import Innovation, commitment_for, selected_by_unit
from facilitator.i18n import integer, t

Groups = list[tuple[str, list[Innovation]]]


def innovation_content(session: Session, item: Innovation) -> Content:
    """An innovation's page: title, unit, description, the problem it answers, every profile
    field of the national form (an empty one as a dash), its plan and its commitment."""
    parts: list[Any] = [(item.idea.title, "bold $accent"), "\n",
                        (item.unit or t("display.no_unit"), "italic"), "\n"]
    if item.idea.description.strip():
        parts += ["\n", item.idea.description.strip(), "\n"]
    rows: list[tuple[str, str]] = []
    if item.plan is not None and item.plan.problem.strip():
        rows.append((t("export.catalogue.problem"), item.plan.problem.strip()))
    rows += [(t(f"export.profile.{name}"), item.profile.get(name, "")) for name in PROFILE_FIELDS]
    for label, value in rows:
        parts += ["\n", (label, "bold"), "\n  ", value if value else ("–", "dim"), "\n"]
    parts.append("\n")
    if item.plan is None:
        parts += [(t("display.catalogue.no_plan"), "italic"), "\n"]
    else:
        parts += [(t("display.catalogue.plan_steps", count=integer(len(item.plan.steps))), ""),
                  "\n"]
    commitment = commitment_for(session, item.idea)
    if commitment is None:
        parts.append((t("display.catalogue.no_commitment"), "italic"))
    elif commitment.sealed_at:
        who = commitment.official.get("name", "")
        parts += [(t("display.catalogue.sealed", code=short_code(commitment.seal)),
                   "bold $success")]
        if who:
            parts += [("  ·  ", "dim"), who]
    else:
        parts.append((t("display.catalogue.unsigned"), "italic"))
    return Content.assemble(*parts)


def unit_content(unit: str, items: list[Innovation]) -> Content:
    """A unit's page: its name and its innovations."""
    parts: list[Any] = [(unit or t("display.no_unit"), "bold $accent"), "\n",
                        (t("display.catalogue.unit_count", count=integer(len(items))), "italic"),
                        "\n\n"]
    for n, item in enumerate(items, start=1):
        parts += [f"{n}. ", item.idea.title, "\n"]
    return Content.assemble(*parts)


class CatalogueView(Vertical):
    """The innovations by unit on the left, the highlighted one's profile on the right."""

    DEFAULT_CSS = """
    CatalogueView {
        height: 1fr;
        #catalogue-summary { height: 1; padding: 0 1; text-style: bold; text-wrap: nowrap;
                             text-overflow: ellipsis; }
        #catalogue-panes { height: 1fr; }
        #catalogue-tree { width: 40%; min-width: 24; height: 1fr; overflow-x: hidden; }
        #catalogue-detail { width: 1fr; height: 1fr; padding: 0 1 0 2; }
        #catalogue-page { height: auto; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Session | None = None
        self.groups: Groups = []
        self._shape: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="catalogue-summary")
        with Horizontal(id="catalogue-panes"):
            tree: Tree[tuple[str, str]] = Tree(Text(""), id="catalogue-tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with VerticalScroll(id="catalogue-detail"):
                yield Static(id="catalogue-page")

    @property
    def tree(self) -> Tree:
        return self.query_one("#catalogue-tree", Tree)

    def show(self, session: Session) -> None:
        """Read the selected innovations from ``session``; the cursor stays on its innovation."""
        self.session = session
        groups = selected_by_unit(session)
        self.groups = groups
        count = sum(len(items) for _, items in groups)
        units = sum(1 for unit, _ in groups if unit)
        summary = (t("display.catalogue.summary", count=integer(count), units=integer(units))
                   if groups else t("display.catalogue.none"))
        self.query_one("#catalogue-summary", Static).update(Content(summary))
        shape = tuple((unit, tuple((i.idea.id, i.idea.title) for i in items))
                      for unit, items in groups)
        if shape != self._shape:
            self._fill(groups)
            self._shape = shape
        self._show_page()

    def _fill(self, groups: Groups) -> None:
        tree = self.tree
        chosen = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        target = None
        for unit, items in groups:
            label = Text(unit or t("display.no_unit"), style="bold")
            label.append(f" ({integer(len(items))})", style="dim")
            node = tree.root.add(label, data=("unit", unit), expand=True)
            if chosen == ("unit", unit):
                target = node
            for item in items:
                leaf = node.add_leaf(Text(item.idea.title), data=("idea", item.idea.id))
                if chosen == ("idea", item.idea.id):
                    target = leaf
        kept = target is not None
        if not kept:
            # The first innovation, so that a profile shows at once.
            first = tree.root.children[0].children if tree.root.children else []
            target = first[0] if first else None
        if target is not None:
            # A node knows its line only once the tree has laid its lines out, which Textual
            # does lazily (on idle); lay them out now so the cursor lands on the node.
            tree._tree_lines  # noqa: B018
            if kept:
                tree.move_cursor(target)
            else:
                tree.cursor_line = target._line  # from the top: no scrolling to it

    @property
    def highlighted_idea(self) -> str:
        """The id of the innovation under the cursor ('' on a unit or an empty catalogue)."""
        node = self.tree.cursor_node
        if node is None or not node.data or node.data[0] != "idea":
            return ""
        return node.data[1]

    def select_idea(self, idea_id: str) -> None:
        """Put the cursor on an innovation (nothing happens if it is not in the catalogue)."""
        tree = self.tree
        for unit in tree.root.children:
            for leaf in unit.children:
                if leaf.data == ("idea", idea_id):
                    tree._tree_lines  # noqa: B018 - see _fill
                    tree.move_cursor(leaf)
                    return

    @on(Tree.NodeHighlighted, "#catalogue-tree")
    def _highlighted(self) -> None:
        self._show_page()

    def _show_page(self) -> None:
        page = self.query_one("#catalogue-page", Static)
        node = self.tree.cursor_node
        if self.session is None or node is None or not node.data:
            page.update("")
            return
        kind, key = node.data
        for unit, items in self.groups:
            if kind == "unit" and unit == key:
                page.update(unit_content(unit, items))
                break
            match = next((i for i in items if i.idea.id == key), None) if kind == "idea" else None
            if match is not None:
                page.update(innovation_content(self.session, match))
                break
        self.query_one("#catalogue-detail", VerticalScroll).scroll_home(animate=False)
