"""The Textual app: wires the settings, the language, the themes and the session to the screens.

Each of the five stages is a Textual mode with its own screen (built on first visit, kept while
the session is open, so a stage keeps its scroll and cursor); the session picker is a mode too.
Every confirmed change of the session reaches the app as a :class:`SessionChanged` message, and
the stage screens on show re-read the session; hidden ones catch up when shown again.
"""

from __future__ import annotations

import gc
import importlib
import sys
import weakref
from functools import partial
from pathlib import Path
from typing import Any, Iterable

from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from facilitator import i18n
from facilitator.app.commands import AppCommands
from facilitator.app.screens.base import LocalizedScreen, StageScreen, localize_bindings
from facilitator.app.themes import register_themes, theme_label
from facilitator.core.errors import FacilitatorError, ReadOnlyError
from facilitator.core.records import STAGES, AuditEntry
from facilitator.i18n import t
from facilitator.settings import Settings

PICKER = "picker"

STAGE_SCREENS = {
    "drumup": "DrumUpScreen",
    "diagnose": "DiagnoseScreen",
    "design": "DesignScreen",
    "deliver": "DeliverScreen",
    "display": "DisplayScreen",
}
"""The class of each stage's screen, in ``facilitator.app.screens.<stage>``; imported on first
visit so that start-up only pays for the stage it opens on."""

LABEL_FIELDS = ("title", "name", "statement", "text", "region")
LABEL_WIDTH = 40


def make_stage_screen(stage: str) -> StageScreen:
    module = importlib.import_module(f"facilitator.app.screens.{stage}")
    return getattr(module, STAGE_SCREENS[stage])()


def stage_css_paths() -> list[Path]:
    """The stage screens' own stylesheets (``screens/<stage>.tcss``, those that exist)."""
    folder = Path(__file__).resolve().parent / "screens"
    return [path for path in (folder / f"{stage}.tcss" for stage in STAGE_SCREENS)
            if path.is_file()]


def describe_change(entry: AuditEntry) -> str:
    """A change as the user would name it: ``tambah ide «Posyandu Digital»``."""
    known = i18n.catalog(i18n.DEFAULT_LANGUAGE)
    table, _, verb = entry.action.partition(".")
    named = f"app.undo.named.{entry.action.replace('.', '_')}"
    if named in known:
        text = t(named)
    elif f"app.undo.named.{table}" in known:
        text = t(f"app.undo.named.{table}")  # a family of actions: import.units, import.ideas...
    elif verb in ("add", "edit", "delete") and f"app.records.{table}" in known:
        text = t(f"app.undo.{verb}", thing=t(f"app.records.{table}"))
    else:
        text = t("app.undo.other", action=entry.action)
    for _table, _rid, before, after in entry.changes[:1]:
        doc = after or before or {}
        label = next((str(doc[f]) for f in LABEL_FIELDS if doc.get(f)), "")
        if label:
            if len(label) > LABEL_WIDTH:
                label = label[: LABEL_WIDTH - 1] + "…"
            text += f" «{label}»"
    return text


def _typing(widget: Any) -> bool:
    """Whether ``widget`` is a text field, where keys are letters, not commands."""
    from textual.widgets import Input

    if isinstance(widget, Input):
        return True
    # TextArea is imported only if some screen uses it; if it is not loaded, none can have focus.
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(widget, text_area.TextArea)


class SessionChanged(Message):
    """A change of ``session`` is on disk (posted from whichever thread made it)."""

    def __init__(self, session: Any, entry: AuditEntry) -> None:
        super().__init__()
        self.session = session
        self.entry = entry


class FacilitatorApp(App[None], inherit_bindings=False):
    """The Innovation Lab facilitator: five stage screens around one lab session."""

    CSS_PATH = "app.tcss"
    COMMANDS = {AppCommands}

    BINDINGS = [
        Binding("question_mark", "show_keys", "Keys", key_display="?", id="app.keys"),
        Binding("ctrl+l", "toggle_language", "English", id="app.language"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True,
                id="app.palette"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
    ]

    def __init__(self, settings: Settings, session: Any = None, **kwargs: Any) -> None:
        from facilitator.core.stats import current_stage

        i18n.set_language(settings.lang)
        # The first screen is the mode Textual starts in, rather than a blank default screen
        # replaced on mount: the first frame is the real one.
        self.DEFAULT_MODE = current_stage(session) if session is not None else PICKER
        super().__init__(**kwargs)
        self.settings = settings
        register_themes(self)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self.title = t("app.name")
        localize_bindings(self)
        self.session: Any = None
        self.starting = True
        """True until Textual's start-up is over and the first frame can be drawn."""
        self._collect_after_start = False
        self.data_version = 0
        self._owns_session = False
        self._last_stage = ""
        self._listening: weakref.WeakSet[Any] = weakref.WeakSet()
        for stage in STAGES:
            self.add_mode(stage, partial(self._make_stage_screen, stage))
        self.add_mode(PICKER, self._make_picker)
        if session is not None:
            self._adopt(session, owned=False)

    def _make_stage_screen(self, stage: str) -> StageScreen:
        screen = make_stage_screen(stage)
        if self.starting:
            # Nothing is styled yet: the screen's stylesheet joins the app's before the first
            # parse (see add_stylesheets).
            self.add_stylesheets(screen.css_path)
        return self._styled_now(screen)

    def _make_picker(self) -> LocalizedScreen:
        from facilitator.app.screens.picker import PickerScreen

        return self._styled_now(PickerScreen(self.settings.sessions_dir))

    def add_stylesheets(self, paths: Iterable[Path]) -> bool:
        """Add stylesheet files to the app's; whether any was new.

        The new files are parsed on the stylesheet's next use, alone. Textual, which reads a
        screen's CSS_PATH as the screen is first shown, parses every source again each time
        (some 10 ms), then restyles every widget of every screen: stylesheets added here, at
        start, never cost that. Widgets styled before are not restyled by this call.
        """
        added = False
        for path in paths:
            if not self.stylesheet.has_source(str(path), ""):
                self.stylesheet.read(path)
                added = True
        return added

    def _styled_now(self, screen: Screen) -> Screen:
        # Textual counts the app's CSS generations (a theme change starts a new one) and
        # restyles every node of the app when it shows a screen of an older generation. A new
        # mode's screen starts at "never styled", so showing it the first time costs a full
        # parse of every stylesheet and a restyle of every screen built so far, twice (once
        # as the mode starts, once as it is shown), although the screen is styled with the
        # current sheet as it mounts, and a theme change in flight restyles it with the others.
        if self.starting:
            # The first screen is built before Textual styles the app itself, and the screen
            # inherits from it: style the app first (Textual does it again right after).
            self.stylesheet.apply(self)
        screen._css_update_count = self._css_update_count
        return screen

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run the app in this process (the command line's way; tests use ``run_test``)."""
        # Everything loaded so far (Textual, the session's records) lives as long as the
        # process: frozen, the garbage collector stops walking it (a full collection over it
        # took tens of milliseconds, in the middle of the first frame). Until that frame is
        # out the collector rests altogether: start-up builds what the app keeps (widgets,
        # styles), and the hundred young-generation passes it would make find nothing.
        gc.freeze()
        if gc.isenabled():
            gc.disable()
            self._collect_after_start = True
        return super().run(*args, **kwargs)

    def on_ready(self) -> None:
        # Textual's whole start-up (compose, mount, first layout) runs in one batch that holds
        # the display back; Ready is handled once it is over. The next frame reaches the
        # terminal: the frame of the first screen, whose stage waited for it to fill its body.
        self.starting = False
        first = self.screen
        first.refresh()
        first.call_after_refresh(self._after_first_frame, first)

    async def _after_first_frame(self, first: Screen) -> None:
        if self._collect_after_start:
            self._collect_after_start = False
            gc.enable()
        # The other stages' stylesheets, while the screen on show has a dozen widgets to
        # restyle: a stage shown later then finds its stylesheet read (see add_stylesheets).
        if self.add_stylesheets(stage_css_paths()):
            self.stylesheet.update(self)
        if isinstance(first, StageScreen):
            await first.fill_body()

    def on_mount(self) -> None:
        if self.session is not None and self.session.readonly:
            self._say_readonly()

    def on_unmount(self) -> None:
        self._close_owned()

    def _close_owned(self) -> None:
        if self.session is not None and self._owns_session:
            self._owns_session = False
            try:
                self.session.close()
            except FacilitatorError as exc:
                self.notify(exc.message(), severity="error", markup=False)

    # -- the session ---------------------------------------------------------------------------

    async def attach_session(self, session: Any, *, owned: bool) -> None:
        """Show ``session``; ``owned``: the app opened it, so the app closes it when done."""
        if self.current_mode in STAGES:
            await self.switch_mode(PICKER)
        if self.session is not None and self.session is not session:
            self._close_owned()
        self._adopt(session, owned)
        # The stage screens shown so far belong to the previous session: drop them.
        for stage in STAGES:
            await self.remove_mode(stage)
            self.add_mode(stage, partial(self._make_stage_screen, stage))
        await self.switch_mode(self._last_stage)
        if session.readonly:
            self._say_readonly()

    def _adopt(self, session: Any, owned: bool) -> None:
        from facilitator.core.stats import current_stage

        self.session, self._owns_session = session, owned
        self.data_version += 1
        if session not in self._listening:
            self._listening.add(session)
            session.subscribe(partial(self._session_committed, session))
        self._last_stage = current_stage(session)

    def _say_readonly(self) -> None:
        self.notify(ReadOnlyError(str(self.session.path)).message(), severity="warning",
                    timeout=12, markup=False)

    async def open_session_file(self, path: Path) -> bool:
        """Open the session file at ``path`` (read-only if another copy holds it) and show it."""
        from facilitator.core.session import Session

        if self.session is not None and _same_file(self.session.path, path):
            self.back_to_session()
            return True
        try:
            session = Session.open(path, actor=self.settings.actor or None)
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", timeout=12, markup=False)
            return False
        await self.attach_session(session, owned=True)
        return True

    async def create_session(self, path: Path, *, region: str, date: str = "") -> bool:
        """Create a new session file (and its folder) and show it."""
        from facilitator.core.errors import StoreError
        from facilitator.core.session import Session

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            self.notify(StoreError("no_write", path=str(path.parent)).message(),
                        severity="error", timeout=12, markup=False)
            return False
        try:
            session = Session.create(path, region=region, date=date,
                                     actor=self.settings.actor or None)
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", timeout=12, markup=False)
            return False
        self.notify(t("app.picker.created", path=str(path)), markup=False)
        await self.attach_session(session, owned=True)
        return True

    def _session_committed(self, session: Any, entry: AuditEntry) -> None:
        # Called inside Session.commit, possibly from a worker thread: post_message is safe there.
        self.post_message(SessionChanged(session, entry))

    async def on_session_changed(self, message: SessionChanged) -> None:
        if message.session is not self.session:
            return
        self.data_version += 1
        for screen in self.screen_stack:
            if isinstance(screen, StageScreen):
                await screen.sync_with_app()
        self.refresh_bindings()

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("stage", "undo"):
            return self.session is not None and not _typing(self.focused)
        return True

    def switch_stage(self, stage: str) -> None:
        """Show a stage's screen (nothing without a session)."""
        if self.session is None or stage not in STAGES:
            return
        self._last_stage = stage
        self.switch_mode(stage)

    def action_stage(self, stage: str) -> None:
        self.switch_stage(stage)

    def back_to_session(self) -> None:
        """Leave the picker for the stage last shown, if a session is open."""
        if self.session is not None:
            self.switch_stage(self._last_stage or STAGES[0])

    def action_open_picker(self) -> None:
        self.switch_mode(PICKER)

    def action_undo(self) -> None:
        """Take back the last change of the session and say what it was."""
        if self.session is None:
            return
        try:
            entry = self.session.undo()
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="warning", markup=False)
            return
        if entry is None:
            self.notify(t("app.undo.nothing"), markup=False)
        else:
            self.notify(t("app.undo.done", what=describe_change(entry)), markup=False)

    def action_show_keys(self) -> None:
        """Show (or close) the keys of the screen underneath."""
        from facilitator.app.screens.help import KeysDialog, key_rows

        if isinstance(self.screen, KeysDialog):
            self.screen.dismiss()
            return
        if isinstance(self.screen, StageScreen):
            title = t(f"stage.{self.screen.STAGE}")
        else:
            title = t("app.keys_dialog.picker") if self.current_mode == PICKER else t("app.name")
        self.push_screen(KeysDialog(title, key_rows(self.screen)))

    async def action_toggle_language(self) -> None:
        await self.change_language("en" if i18n.language() == "id" else "id")

    async def change_language(self, lang: str) -> None:
        """Switch the language and redraw the screens on show in it; the others follow when shown."""
        from facilitator.settings import save_preferences

        self.settings.lang = i18n.set_language(lang)
        self.title = t("app.name")
        localize_bindings(self)
        for screen in self.screen_stack:
            if isinstance(screen, LocalizedScreen):
                await screen.relocalize()
        self.refresh_bindings()
        save_preferences(self.settings.sessions_dir, lang=self.settings.lang)
        self.notify(t("app.language.switched"))

    def change_theme(self, name: str) -> None:
        """Switch the theme and remember it for the next start."""
        from facilitator.settings import save_preferences

        if name not in self.available_themes:
            return
        self.theme = self.settings.theme = name
        save_preferences(self.settings.sessions_dir, theme=name)
        self.notify(t("app.theme.switched", name=theme_label(name)), markup=False)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=t("app.palette.placeholder"),
                                            id="--command-palette"))

    def action_help_quit(self) -> None:
        self.notify(t("app.help_quit", key="q / ctrl+q"))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
