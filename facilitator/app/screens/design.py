"""The Design stage screen: the funnel that narrows the ideas, and the action plans.

Its tabs follow the coach's work, left to right:
- Ide: merge duplicate ideas (:mod:`.merge_ideas`);
- Rubrik: the criteria, editable for this session (:mod:`.funnel_rubric`);
- Skor: the scoring grid, one rater at a time (:mod:`.scoring`);
- Suara: dot-vote tallies per table (:mod:`.scoring_votes`);
- Putaran: the rounds, every decision's reason, a new round through its preview
  (:mod:`.funnel_rounds`, :mod:`.funnel_preview`), and the why-report (:mod:`.funnel_why`);
- Corong: the funnel in big numbers, as bars and per unit (:mod:`.funnel_view`);
- Rencana aksi: the plans of the selected innovations.

After every change the screen works out which tabs show what the change touched and refreshes
only those (the one on show at once, the others when shown); the scoring grid takes a new score
in by redrawing one row.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, TabbedContent, TabPane, Tabs

from facilitator.app.screens.base import StageScreen
from facilitator.app.screens.funnel_panel import DesignPanel, Line
from facilitator.app.screens.funnel_rounds import RoundsPanel, funnel_line, rule_text
from facilitator.app.screens.funnel_rubric import RubricPanel
from facilitator.app.screens.funnel_view import FunnelView
from facilitator.app.screens.merge_ideas import IdeasPanel
from facilitator.app.screens.scoring import ScoringPanel
from facilitator.app.screens.scoring_votes import VotesPanel
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.errors import FacilitatorError
from facilitator.core.progress import MIN_DESIGN_WORDS, completeness
from facilitator.core.records import ActionPlan, Idea
from facilitator.core.session import Session
from facilitator.i18n import t

__all__ = ["DesignScreen", "funnel_line", "rule_text"]

PLAN_COLUMNS = (
    Column("idea", "screens.col.innovation", flex=3, min_width=14),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("steps", "screens.col.steps", width=7, align="right"),
    Column("complete", "screens.col.complete", width=7, align="right"),
    Column("hint", "screens.col.hint", flex=3, min_width=12),
)


class PlansPanel(DesignPanel):
    """The action plans of the selected innovations and how complete each is; Enter, e or a
    click on a plan opens it in the plan editor."""

    TAB = "plans"
    DEPENDS = frozenset({"plans", "ideas", "units", "rounds"})
    MAIN = "#plans-table"

    BINDINGS = [
        # Enter and a click reach the panel as the table's RowSelected; e, as on the Deliver
        # screen, is the key the footer can show (the table's own Enter hides the panel's).
        Binding("e", "open_plan", "Open plan", id="design.open_plan"),
    ]

    def compose(self) -> ComposeResult:
        yield Line(id="plans-note")
        yield RecordTable(PLAN_COLUMNS, id="plans-table")

    def refresh_from(self, session: Session) -> None:
        plans = session.all(ActionPlan)
        rows = []
        for plan in plans:
            idea = session.get(Idea, plan.idea_id)
            done = completeness(plan)
            rows.append((plan.id, (
                idea.title if idea else "", session.unit_name(idea.unit_id) if idea else "",
                len(plan.steps), f"{done.percent}%", self._hint(done))))
        self.query_one("#plans-table", RecordTable).set_rows(rows)
        mean = round(sum(completeness(p).percent for p in plans) / len(plans)) if plans else 0
        self.query_one("#plans-note", Line).update(Text.assemble(
            (f"{t('screens.design.plans')}: ", "bold"),
            t("screens.design.plans_summary", plans=len(plans),
              selected=len(session.selected_ids()), mean=mean),
            no_wrap=True, overflow="ellipsis", end=""))

    @on(DataTable.RowSelected, "#plans-table")
    def _plan_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_plan()

    def action_open_plan(self) -> None:
        """Open the plan under the cursor in the plan editor."""
        from facilitator.app.screens.plan_editor import PlanEditorScreen

        key = self.query_one("#plans-table", RecordTable).cursor_key
        plan = self.session.get(ActionPlan, key) if key else None
        if plan is not None and not plan.deleted:
            self.app.push_screen(PlanEditorScreen(plan.idea_id))

    @staticmethod
    def _hint(done) -> Text:
        parts: list[str] = []
        if done.design_short:
            parts.append(t("screens.design.hint_design_words", words=done.design_words,
                           need=MIN_DESIGN_WORDS))
        if done.missing:
            parts.append(t("screens.design.hint_missing", fields=", ".join(
                t(f"screens.profile.{name}") for name in done.missing)))
        if not parts:
            return Text(t("screens.design.hint_complete"), style="green")
        return Text("; ".join(parts), style="yellow")


PANELS: tuple[type[DesignPanel], ...] = (
    IdeasPanel, RubricPanel, ScoringPanel, VotesPanel, RoundsPanel, FunnelView, PlansPanel)
TABS = tuple(panel.TAB for panel in PANELS)


class DesignScreen(StageScreen):
    """Merge, rubric, scores, votes, rounds, the funnel and the plans, one tab each."""

    STAGE = "design"
    CSS_PATH = "design.tcss"

    BINDINGS = [
        Binding("right_square_bracket", "next_tab", "Next tab", key_display="]", show=False,
                id="design.next_tab"),
        Binding("left_square_bracket", "previous_tab", "Previous tab", key_display="[",
                show=False, id="design.previous_tab"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What outlives a rebuild of the tabs (a change of language): the coach's place.
        self.tab: str | None = None
        self.round_id: str | None = None
        self.score_rater = ""
        self.score_cursor: tuple[str, str | None] | None = None
        self.vote_rater = ""
        self.merge_marks: list[str] = []
        self.dismissed_duplicates: set[frozenset[str]] = set()
        self._dirty: set[str] = set(TABS)
        self._seen: tuple[Any, int] | None = None
        self._focus_panel = False
        self.pending_focus: str | None = None

    def compose_body(self) -> ComposeResult:
        if self.tab is None:
            # A lab that has run rounds comes back to them; one that has not starts at merging.
            self.tab = "rounds" if self.session.rounds() else "ideas"
        self._dirty = set(TABS)
        self._seen = None
        with TabbedContent(id="design-tabs", initial=f"tab-{self.tab}"):
            for panel in PANELS:
                with TabPane(Content(t(f"design.tab.{panel.TAB}")), id=f"tab-{panel.TAB}"):
                    yield panel(id=f"panel-{panel.TAB}")

    async def fill_body(self) -> None:
        await super().fill_body()
        if self.body_live:
            self._panel(self.tab or TABS[0]).focus_main()

    def open_dialogs_to_prebuild(self) -> None:
        from facilitator.app.screens.followup_note import NoteDialog
        from facilitator.app.screens.funnel_dialogs import ConfirmDialog
        from facilitator.app.screens.funnel_rounds import RoundDialog
        from facilitator.app.screens.funnel_rubric import CriterionDialog
        from facilitator.app.screens.funnel_why import WhyScreen
        from facilitator.app.screens.merge_ideas import MergeIdeasDialog, SuggestionsDialog
        from facilitator.app.screens.plan_dialogs import PlanConfirmDialog, StepDialog
        from facilitator.app.screens.plan_editor import PlanEditorScreen

        # A criterion, a round, a question (made as the tabs would; each takes over what it
        # is opened with when it is).
        self.app.push_screen(CriterionDialog(None))
        self.app.push_screen(RoundDialog(len(self.session.rounds()) + 1, 0, 5))
        self.app.push_screen(ConfirmDialog("", "", ""))
        # The plan editor over a plan there is (opened over an innovation without one, it
        # would make one), and the dialogs it opens: a step, a note, a confirmation.
        plan = next(iter(self.session.plans()), None)
        if plan is not None:
            self.app.push_screen(PlanEditorScreen(plan.idea_id))
            self.app.push_screen(NoteDialog(self.session, plan, None, ""))
        self.app.push_screen(StepDialog("", {}, lambda values: None))
        self.app.push_screen(PlanConfirmDialog("", ""))
        # The why-report, its paths read (again on opening only if the session changed).
        self.app.push_screen(WhyScreen(self.session))
        # The list of likely duplicates (a thousand groups at 3,000 ideas), empty until shown.
        self.app.push_screen(SuggestionsDialog([], set()))
        # A round's preview (made for the coach's own pick, which works nothing out; each
        # preview takes over the round it is opened for).
        from facilitator.app.screens.funnel_preview import PreviewScreen, RoundPreview

        self.app.push_screen(PreviewScreen(RoundPreview(self.session, "", {"kind": "pick"})))
        # Merging the ideas marked (made with two of them; each merge takes over its own).
        ideas = funnel.pool(self.session)[:2]
        if ideas:
            self.app.push_screen(MergeIdeasDialog(ideas, {}))

    def _panel(self, tab: str) -> DesignPanel:
        return self.query_one(f"#panel-{tab}", DesignPanel)

    # -- keeping up with the session -----------------------------------------------------------

    def refresh_data(self) -> None:
        session = self.session
        audit = session.records["audit"]
        changes = None
        if self._seen is not None and self._seen[0] is session and len(audit) >= self._seen[1]:
            changes = [change for entry in islice(audit.values(), self._seen[1], None)
                       for change in entry.changes]
        self._seen = (session, len(audit))
        if changes is None:
            self._dirty = set(TABS)
        elif changes:
            touched = {change[0] for change in changes}
            for panel in self.query(DesignPanel):
                if not touched & panel.DEPENDS:
                    continue
                if panel.TAB not in self._dirty and panel.apply_changes(
                        [c for c in changes if c[0] in panel.DEPENDS]):
                    continue
                self._dirty.add(panel.TAB)
        for panel in self.query(DesignPanel):
            if panel.TAB in self._dirty and (not panel.LAZY or panel.TAB == self.tab):
                self._dirty.discard(panel.TAB)
                panel.refresh_from(session)
        self._label_tabs()

    def _label_tabs(self) -> None:
        session = self.session
        counts = {"ideas": len(session.ideas()), "rubric": len(funnel.criteria(session)),
                  "rounds": len(session.rounds()), "plans": len(session.all(ActionPlan))}
        tabs = self.query_one("#design-tabs", TabbedContent)
        for tab in TABS:
            name = t(f"design.tab.{tab}")
            text = (t("screens.tab_count", name=name, count=counts[tab]) if tab in counts
                    else name)
            label = tabs.get_tab(f"tab-{tab}")
            if label.label.plain != text:
                label.label = Content(text)

    @on(TabbedContent.TabActivated, "#design-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        tab = (event.pane.id or "").removeprefix("tab-")
        if tab not in TABS:
            return
        self.tab = tab
        panel = self._panel(tab)
        if tab in self._dirty:
            self._dirty.discard(tab)
            panel.refresh_from(self.session)
        if isinstance(self.focused, Tabs) and not self._focus_panel:
            return  # the coach is going along the tabs with the arrow keys: let them
        self._focus_panel = False
        # A hidden widget cannot take the focus: the panel takes it once it is on show (and,
        # when keys come quicker than the screen is drawn, only the last tab asked for does).
        self.pending_focus = tab
        self.call_after_refresh(self.focus_pending)

    def focus_pending(self) -> None:
        """Put the focus in the tab that asked for it, if it is on show by now."""
        tab = self.pending_focus
        if tab is None or not self.body_ready:
            return
        tabbed = self.query_one("#design-tabs", TabbedContent)
        panel = self._panel(tab)
        if tabbed.active == f"tab-{tab}" and panel.is_on_screen:
            self.pending_focus = None
            panel.focus_main()

    def show_tab(self, tab: str) -> None:
        """Bring a tab to the front and put the focus in it."""
        tabbed = self.query_one("#design-tabs", TabbedContent)
        if tabbed.active == f"tab-{tab}":
            self._panel(tab).focus_main()
            return
        # The focus waits on the tab strip: left in the pane being hidden, it would be handed
        # back to a widget of another pane, and that pane would come to the front again.
        self._focus_panel = True
        tabbed.query_one(Tabs).focus()
        tabbed.active = f"tab-{tab}"

    def _active_tab(self) -> str:
        active = self.query_one("#design-tabs", TabbedContent).active.removeprefix("tab-")
        return active if active in TABS else TABS[0]

    def action_next_tab(self) -> None:
        self.show_tab(TABS[(TABS.index(self._active_tab()) + 1) % len(TABS)])

    def action_previous_tab(self) -> None:
        self.show_tab(TABS[(TABS.index(self._active_tab()) - 1) % len(TABS)])

    # -- what the tabs ask the screen to do ----------------------------------------------------

    def choose_rater(self, name: str) -> None:
        """Score as ``name`` from now on (a jury member, a table)."""
        self.score_rater = name
        self._redo("scores")

    def choose_table(self, name: str) -> None:
        """Enter the dot tallies of ``name`` (a table, a person) from now on."""
        self.vote_rater = name
        self._redo("votes")

    def _redo(self, tab: str) -> None:
        if self.body_ready:
            self._dirty.discard(tab)
            self._panel(tab).refresh_from(self.session)

    def open_preview(self, name: str, rule: dict[str, Any]) -> None:
        """Show what a round would do; record it if the coach confirms."""
        from facilitator.app.screens.funnel_preview import PreviewScreen, RoundPreview

        try:
            state = RoundPreview(self.session, name, rule)
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", markup=False)
            return

        def done(record: Any) -> None:
            if record is None:
                return
            self.round_id = record.id
            self.notify(t("design.rounds.applied", name=record.name, pool=len(record.pool),
                          kept=len(record.kept)), timeout=8, markup=False)
            if self.body_ready:
                self.show_tab("rounds")

        self.app.push_screen(PreviewScreen(state), done)

    def open_why(self) -> None:
        """Show the why-report: every idea's path through the rounds."""
        from facilitator.app.screens.funnel_why import WhyScreen

        self.app.push_screen(WhyScreen(self.session))

    def export_why(self) -> None:
        """Write the why-report to the sessions folder's exports and say where."""
        from facilitator.app.screens.funnel_why import export_why

        export_why(self, self.session)
