"""The Display stage screen: what the lab shows and hands over.

Three tabs: the launch dashboard for the projector (big numbers and the funnel), the catalogue
(Direktori Inovasi: the innovations by unit with their profiles) and the minutes (notula) the
coach finishes before exporting. From here the coach starts the showcase (one innovation at a
time, full screen), exports the session and merges other laptops' files into it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Digits, Static, TabbedContent, TabPane

from facilitator.app.screens.base import CYCLE_TAB_BINDINGS, StageScreen
from facilitator.app.screens.catalogue import CatalogueView
from facilitator.app.screens.minutes_editor import MinutesEditor
from facilitator.app.widgets.funnel_chart import FunnelChart
from facilitator.core.errors import FacilitatorError
from facilitator.core.stats import stats
from facilitator.i18n import t

BIG_NUMBERS = ("ideas", "selected", "opds", "commitments")
"""The figures of the launch, keys of ``stats.stats``, in the order the room reads them."""

TABS = ("dashboard", "catalogue", "minutes")
FALLBACK_THEME = "textual-dark"
"""The theme the projector key goes back to when the app started in the projector theme."""


def funnel_stages(figures: dict) -> list[tuple[str, int]]:
    """The funnel's bars: every idea that entered the first round (or every idea, before any),
    then what each round kept, labelled with the round's name."""
    rounds = figures["funnel"]
    first = rounds[0]["in"] if rounds else figures["ideas"]
    return [(t("screens.display.all_ideas"), first),
            *((r["name"] or t("screens.display.round", n=n), r["out"])
              for n, r in enumerate(rounds, start=1))]


def toggle_projector(app: Any) -> None:
    """Switch the high-contrast projector theme on, or back to the theme used before it."""
    from facilitator.app.themes import PROJECTOR

    if app.theme == PROJECTOR:
        previous = getattr(app, "_theme_before_projector", "") or FALLBACK_THEME
        app.change_theme(previous)
    else:
        app._theme_before_projector = app.theme
        app.change_theme(PROJECTOR)


class DisplayScreen(StageScreen):
    """The dashboard, the catalogue and the minutes; the showcase, export and merge."""

    STAGE = "display"
    CSS_PATH = "display.tcss"

    BINDINGS = [
        Binding("s", "showcase", "Showcase", id="display.showcase"),
        Binding("e", "export", "Export", id="display.export"),
        Binding("m", "merge", "Merge", show=False, id="display.merge"),
        Binding("d", "tab('dashboard')", "Dashboard", show=False, id="display.dashboard"),
        Binding("i", "tab('catalogue')", "Catalogue", show=False, id="display.catalogue"),
        Binding("n", "tab('minutes')", "Minutes", show=False, id="display.minutes"),
        Binding("t", "projector", "Projector", show=False, id="display.projector"),
        Binding("escape", "leave_field", "Leave field", show=False, id="display.leave_field"),
        *CYCLE_TAB_BINDINGS,
    ]

    showcase_interval: ClassVar[float] = 0.0
    """The seconds per slide the coach last chose (0: the showcase's default)."""

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="display-tabs", initial="tab-dashboard"):
            with TabPane(Content(t("display.tab.dashboard")), id="tab-dashboard"):
                with Horizontal(id="big-numbers"):
                    for key in BIG_NUMBERS:
                        with Vertical(classes="big-number", id=f"big-{key}"):
                            yield Digits("0", id=f"num-{key}")
                            yield Static(id=f"label-{key}", classes="big-label", markup=False)
                yield Static(id="funnel-title", markup=False)
                yield FunnelChart(id="funnel-chart")
            with TabPane(Content(t("display.tab.catalogue")), id="tab-catalogue"):
                yield CatalogueView(id="catalogue")
            with TabPane(Content(t("display.tab.minutes")), id="tab-minutes"):
                yield MinutesEditor(id="minutes")

    def refresh_data(self) -> None:
        from facilitator.export.minutes import default_texts

        session = self.session
        figures = stats(session)
        for key in BIG_NUMBERS:
            self.query_one(f"#num-{key}", Digits).update(str(figures[key]))
            self.query_one(f"#label-{key}", Static).update(t(f"screens.display.big.{key}"))
        self.query_one("#funnel-title", Static).update(t("screens.display.funnel_title"))
        self.query_one("#funnel-chart", FunnelChart).set_stages(funnel_stages(figures))
        self.query_one("#catalogue", CatalogueView).show(session)
        self.query_one("#minutes", MinutesEditor).load(
            session.lab.minutes or {}, default_texts(session), readonly=session.readonly)

    async def relocalize(self) -> None:
        # The language is changed by rebuilding the widgets: keep what was typed in the
        # minutes, the tab on show and the innovation under the catalogue's cursor.
        tab = self.active_tab
        idea = self.query_one("#catalogue", CatalogueView).highlighted_idea \
            if self.body_ready else ""
        self.save_minutes()
        await super().relocalize()
        if tab != TABS[0]:
            self.action_tab(tab)
        if idea:
            self.query_one("#catalogue", CatalogueView).select_idea(idea)

    # -- the tabs ------------------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        """``dashboard``, ``catalogue`` or ``minutes`` (the dashboard before the body is up)."""
        if not self.body_ready:
            return TABS[0]
        active = self.query_one("#display-tabs", TabbedContent).active
        return active.removeprefix("tab-") or TABS[0]

    def action_tab(self, name: str) -> None:
        """Show one of the tabs and put the keys in it."""
        if not self.body_ready or name not in TABS:
            return
        self.query_one("#display-tabs", TabbedContent).active = f"tab-{name}"
        if name == "catalogue":
            self.query_one("#catalogue-tree").focus()
        elif name == "minutes":
            self.query_one("#minutes-acara").focus()
        else:
            self.query_one("#display-tabs", TabbedContent).query_one("Tabs").focus()

    def action_leave_field(self) -> None:
        """Esc in a field of the minutes: save it and give the keys back to the tabs."""
        if self.body_ready and self.focused is not None and self.query_one(
                "#minutes", MinutesEditor) in self.focused.ancestors:
            self.save_minutes()
            self.query_one("#display-tabs", TabbedContent).query_one("Tabs").focus()

    # -- the minutes ---------------------------------------------------------------------------

    @on(MinutesEditor.SaveRequested)
    def _save_requested(self, message: MinutesEditor.SaveRequested) -> None:
        message.stop()
        self.save_minutes(message.values)

    def save_minutes(self, values: dict[str, str] | None = None) -> bool:
        """Keep what the coach wrote in the minutes (in ``lab.minutes``, durably). A field left
        empty is dropped, so the generated text prints. Returns False if it could not be
        saved (a read-only session, a full disk): the text stays in the fields."""
        if not self.body_ready:
            return True
        editor = self.query_one("#minutes", MinutesEditor)
        values = editor.values() if values is None else values
        lab = self.session.lab
        current = dict(lab.minutes or {})
        wanted = {k: v for k, v in current.items() if k not in values}
        wanted.update({k: v for k, v in values.items() if v.strip()})
        if wanted == current:
            editor.mark_saved(values)
            return True
        try:
            self.session.edit(lab, minutes=wanted)
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", timeout=12, markup=False)
            return False
        editor.mark_saved(values)
        return True

    def on_screen_suspend(self) -> None:
        # Leaving for another stage, the picker or a dialog: nothing typed is left unsaved.
        if self.body_ready and self.query_one("#minutes", MinutesEditor).dirty:
            self.save_minutes()

    # -- showcase, export, merge, projector ----------------------------------------------------

    def action_showcase(self) -> None:
        """The innovations one by one, full screen (from the one highlighted in the catalogue)."""
        self.save_minutes()
        start = ""
        if self.body_ready and self.active_tab == "catalogue":
            start = self.query_one("#catalogue", CatalogueView).highlighted_idea
        self._open_showcase(start)

    def _open_showcase(self, start: str) -> None:
        from facilitator.app.screens.showcase import DEFAULT_INTERVAL, ShowcaseScreen

        def remember(interval: float | None) -> None:
            if interval:
                DisplayScreen.showcase_interval = interval

        self.app.push_screen(ShowcaseScreen(
            self.session, interval=self.showcase_interval or DEFAULT_INTERVAL, start=start),
            remember)

    def action_export(self) -> None:
        """Choose a format and a folder, and export."""
        self.save_minutes()
        self._open_export()

    def action_merge(self) -> None:
        """Merge other laptops' session files with this one into a new file."""
        self.save_minutes()
        self._open_merge()

    def open_dialogs_to_prebuild(self) -> None:
        self._open_showcase("")
        self._open_export()
        self._open_merge()

    def _open_export(self) -> None:
        from facilitator.app.screens.export_dialog import ExportDialog, default_export_folder

        folder = default_export_folder(self.app.settings.sessions_dir,  # type: ignore[attr-defined]
                                       self.session)
        self.app.push_screen(ExportDialog(self.session, folder))

    def _open_merge(self) -> None:
        from facilitator.app.screens.merge_dialog import MergeDialog

        def opened(path: Path | None) -> None:
            if path is not None:
                self.app.call_later(self.app.open_session_file, path)  # type: ignore[attr-defined]

        self.app.push_screen(MergeDialog(
            self.session, self.app.settings.sessions_dir), opened)  # type: ignore[attr-defined]

    def action_projector(self) -> None:
        toggle_projector(self.app)
