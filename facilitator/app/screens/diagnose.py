"""The Diagnose stage screen: the brainstorm's ideas (quick capture and the list), the problems
ranked by USG, and the counts per unit.

The tabs are panes with their own keys: :mod:`facilitator.app.screens.diagnose_capture` (ideas)
and :mod:`facilitator.app.screens.diagnose_problems` (problems, per unit). The screen owns what
crosses tabs: ``/`` filters the ideas and ``]`` / ``[`` go from tab to tab (F5 / F6 / F7, the
run-sheet's timer, are every stage's: see :class:`StageScreen`).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Input, TabbedContent

from facilitator.app.screens.base import StageScreen
from facilitator.app.screens.diagnose_capture import IdeasPane
from facilitator.app.screens.diagnose_problems import ProblemsPane, UnitCountsPane
from facilitator.app.screens.drumup_panes import TAB_BINDINGS
from facilitator.core.records import Problem, Unit
from facilitator.i18n import integer, t


class DiagnoseScreen(StageScreen):
    """The ideas (captured and filtered as you type), the problems by USG, the counts per unit."""

    STAGE = "diagnose"
    CSS_PATH = "diagnose.tcss"
    AUTO_FOCUS = "#ideas-table"
    BINDINGS = [
        # Also on the ideas tab, where it shows first; here it works from any tab.
        Binding("n", "capture", "New ideas", show=False, id="diagnose.capture_any"),
        Binding("slash", "focus_filter", "Filter", id="screens.diagnose_filter"),
        *TAB_BINDINGS,
    ]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="diagnose-tabs"):
            yield IdeasPane(Content(t("screens.diagnose.tab.ideas")), id="tab-ideas")
            yield ProblemsPane(Content(t("screens.diagnose.tab.problems")), id="tab-problems")
            yield UnitCountsPane(Content(t("screens.diagnose.tab.units")), id="tab-units")

    def open_dialogs_to_prebuild(self) -> None:
        idea = next(iter(self.session.ideas()), None)
        if idea is not None:
            self.ideas_pane.edit_idea(idea)
        self.open_import("ideas")
        # The choice of a unit for the ideas captured next (ctrl+o: a list of 50 units took
        # 66-116 ms the first time) and the form of a new problem (a new form: 57-123 ms).
        self.ideas_pane.action_pick_unit()
        self.query_one(ProblemsPane).action_add()

    @property
    def ideas_pane(self) -> IdeasPane:
        return self.query_one(IdeasPane)

    async def fill_body(self) -> None:
        await super().fill_body()
        # The body comes after the screen's first frame, so AUTO_FOCUS found nothing to focus:
        # the list gets the keys (not the tab bar), so the tab's own keys work at once.
        if self.body_live and not isinstance(self.focused, (Input, DataTable)):
            self.set_focus(self.query_one("#ideas-table"))

    def refresh_data(self) -> None:
        session = self.session
        ideas = self.ideas_pane
        ideas.refresh_data(session)
        self.query_one(ProblemsPane).refresh_data(session)
        self.query_one(UnitCountsPane).refresh_data(session, ideas._unit_counts)
        tabs = self.query_one("#diagnose-tabs", TabbedContent)
        for name, count in (("ideas", len(ideas._rows)), ("problems", len(session.all(Problem))),
                            ("units", len(session.all(Unit)))):
            label = t("screens.tab_count", name=t(f"screens.diagnose.tab.{name}"), count=count)
            tab = tabs.get_tab(f"tab-{name}")
            if tab.label.plain != label:  # each new label lays the tab strip out again
                tab.label = Content(label)

    def action_capture(self) -> None:
        """Quick capture: the title field, on the ideas tab."""
        if not self.body_ready:
            return
        self.query_one("#diagnose-tabs", TabbedContent).active = "tab-ideas"
        self.ideas_pane.start_capture()

    def capture_for(self, unit_id: str) -> None:
        """Capture the next ideas for ``unit_id``."""
        self.ideas_pane.set_unit(unit_id)
        self.action_capture()

    def action_focus_filter(self) -> None:
        """Jump to the filter, on the ideas tab."""
        if not self.body_ready:
            return
        self.query_one("#diagnose-tabs", TabbedContent).active = "tab-ideas"
        self.ideas_pane.focus_filter()

    def open_import(self, what: str) -> None:
        """Preview and import ideas or problems from a file."""
        from facilitator.app.screens.drumup_import import ImportDialog

        def done(added: int | None) -> None:
            if added:
                self.notify(t("drumup.import.done", count=integer(added),
                              what=t(f"drumup.import.what_{what}")), markup=False)

        self.app.push_screen(ImportDialog(what, base=Path.cwd()), done)
