"""The Textual app: wires the settings, the language, the themes and the session to the screens.

Each of the five stages is a Textual mode with its own screen (built on first visit, kept while
the session is open, so a stage keeps its scroll and cursor); the session picker is a mode too.
Every confirmed change of the session reaches the app as a :class:`SessionChanged` message, and
the stage screens on show re-read the session; hidden ones catch up when shown again.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import re
import sys
import time
import weakref
from functools import partial
from pathlib import Path
from typing import Any, Iterable

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.geometry import Region
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.screen import Screen

from facilitator import i18n
from facilitator.app.collector import IdleCollector
from facilitator.app.commands import AppCommands
from facilitator.app.duplicates import DuplicateFinder
from facilitator.app.screens.base import LocalizedScreen, StageScreen, localize_bindings
from facilitator.app.screens.dialog import DialogKeeper, draw_now as _draw_now, lay_out_now
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


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Characters a terminal acts on instead of showing: an escape sequence in a unit's name
(from a file edited by hand, an import, a merge) would recolour or move the screen."""


def _printable(strip: Any) -> Any:
    """``strip`` without control characters (they take no cells: the layout stays as it was)."""
    if not _CONTROL.search(strip.text):
        return strip
    from rich.segment import Segment
    from textual.strip import Strip

    return Strip([segment if segment.control else
                  Segment(_CONTROL.sub("", segment.text), segment.style)
                  for segment in strip], strip.cell_length)


def _keep_control_characters_off_the_terminal() -> None:
    """Filter every line drawn, whichever widget drew it, at the one place all of them pass
    on their way to the terminal. Typed text is cleaned as it is typed (core/text.py), but text
    from files reaches dozens of widgets; one filter here keeps every one of them safe, and
    costs a regular-expression search per line drawn."""
    from textual._compositor import Compositor

    renders = getattr(Compositor, "_get_renders", None)
    if renders is None or getattr(renders, "_printable", False):
        return  # another Textual: its own way (the hostile-text test says if it is safe)

    def _get_renders(self: Any, crop: Any = None) -> Iterable[Any]:
        for region, clip, strips in renders(self, crop):
            yield region, clip, [_printable(strip) for strip in strips]

    _get_renders._printable = True  # type: ignore[attr-defined]
    Compositor._get_renders = _get_renders  # type: ignore[method-assign]


_keep_control_characters_off_the_terminal()


def _reuse_component_style_nodes() -> None:
    """Style a widget's parts (a table's cursor, a footer's key) with the same hidden nodes
    each time. Textual makes a new hidden node per part at every restyle of the widget (a
    focus change restyles it) and drops the last: a node with its styles, caches and message
    queue, in reference cycles only the full garbage collection frees. Touring the screens of a
    session of 3,000 ideas left 5,000 of them, 600,000 objects: that collection then walked
    them for 100-290 ms, on whatever key set it off (see collector.py)."""
    from textual.css.stylesheet import Stylesheet
    from textual.dom import DOMNode

    process = getattr(Stylesheet, "_process_component_classes", None)
    if process is None or getattr(process, "_reusing", False):
        return  # another Textual: its own way

    def _process_component_classes(self: Any, node: Any) -> None:
        component_classes = node._get_component_classes()
        if not component_classes:
            return
        virtual_nodes = node.__dict__.setdefault("_facilitator_parts", {})
        refresh_node = False
        old_component_styles = node._component_styles.copy()
        node._component_styles.clear()
        for component in sorted(component_classes):
            virtual_node = virtual_nodes.get(component)
            if virtual_node is None:
                virtual_node = virtual_nodes[component] = DOMNode(classes=component)
                virtual_node._attach(node)
                before = None
            else:
                styles = virtual_node.styles
                before = (dict(styles._base_styles._rules), dict(styles._inline_styles._rules))
                # As a new node would: ``apply`` sets nothing when no rule matches any more
                # (a radio button no longer the selected one keeps its highlight otherwise).
                styles._base_styles.reset()
            self.apply(virtual_node, animate=False)
            styles = virtual_node.styles
            if not refresh_node:
                if before is None:
                    refresh_node = old_component_styles.get(component) != styles
                else:
                    refresh_node = before != (styles._base_styles._rules,
                                              styles._inline_styles._rules)
            node._component_styles[component] = styles
        if refresh_node:
            node.refresh()

    _process_component_classes._reusing = True  # type: ignore[attr-defined]
    Stylesheet._process_component_classes = _process_component_classes  # type: ignore


_reuse_component_style_nodes()


def _divide_without_self_reference() -> None:
    """A line not cut (its one cut at its end) is itself: Textual keeps ``[line]`` in the
    line's own cache of cuts, a reference cycle that only the full garbage collection frees.
    Drawing makes such lines all the time; of the cyclic garbage a tour of the screens left,
    19,000 lines with 7 caches each were these. Returned without keeping, they go as soon as
    they are not used."""
    from textual.strip import Strip

    divide = Strip.divide
    if getattr(divide, "_uncached_whole", False):
        return

    def _divide(self: Any, cuts: Iterable[int]) -> Any:
        if not isinstance(cuts, list):
            cuts = list(cuts)
        cell_length = self.cell_length
        if [cut for cut in cuts if cut <= cell_length] == [cell_length]:
            return [self]
        return divide(self, cuts)

    _divide._uncached_whole = True  # type: ignore[attr-defined]
    Strip.divide = _divide  # type: ignore[method-assign]


_divide_without_self_reference()


def make_stage_screen(stage: str) -> StageScreen:
    module = importlib.import_module(f"facilitator.app.screens.{stage}")
    return getattr(module, STAGE_SCREENS[stage])()


WARM_UP_GROUP = "warm-up"
DUPLICATES_GROUP = "duplicates-ahead"


def _stage_modules() -> list[str]:
    """The modules the stage screens use: their own, their dialogs' and their widgets'."""
    import pkgutil

    from facilitator.app import screens, widgets

    return [f"{package.__name__}.{module.name}" for package in (widgets, screens)
            for module in pkgutil.iter_modules(package.__path__)]


async def _in_context_of(widget: Any, work: Any, limit: float = 2.0) -> None:
    """Run ``work`` (a coroutine function) as ``widget``'s own message handling, where Textual
    expects it (composing binds data to the widget running it), and wait for it to end."""
    done = asyncio.Event()

    async def run() -> None:
        try:
            await work()
        finally:
            done.set()

    widget.call_later(run)
    try:
        await asyncio.wait_for(done.wait(), limit)
    except asyncio.TimeoutError:
        pass  # the widget went away meanwhile (the app quitting): nothing to wait for


def stage_css_paths() -> list[Path]:
    """The screens' own stylesheets (``screens/<stage>.tcss``, the showcase's...)."""
    folder = Path(__file__).resolve().parent / "screens"
    return sorted(folder.glob("*.tcss"))


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
    # (A module being imported is in sys.modules before it is whole.)
    text_area = getattr(sys.modules.get("textual.widgets._text_area"), "TextArea", None)
    return text_area is not None and isinstance(widget, text_area)


class SessionChanged(Message):
    """A change of ``session`` is on disk (posted from whichever thread made it)."""

    def __init__(self, session: Any, entry: AuditEntry) -> None:
        super().__init__()
        self.session = session
        self.entry = entry


class SaveAsCommand(Provider):
    """"Save as…" in the command palette, whenever a session is open."""

    def _command(self) -> tuple[str, str] | None:
        if getattr(self.app, "session", None) is None:
            return None
        return t("hardening.palette.save_as"), t("hardening.palette.save_as_help", key="ctrl+s")

    async def discover(self) -> Hits:
        command = self._command()
        if command is not None:
            yield DiscoveryHit(command[0], self.app.action_save_as, help=command[1])

    async def search(self, query: str) -> Hits:
        command = self._command()
        if command is None:
            return
        matcher = self.matcher(query)
        score = matcher.match(command[0])
        if score > 0:
            yield Hit(score, matcher.highlight(command[0]), self.app.action_save_as,
                      text=command[0], help=command[1])


UNSAVED_NOTICE_SECONDS = 24 * 60 * 60
"""How long the "not saved" notice stays: until the changes are saved (then it is taken down)."""
QUIT_CONFIRM_SECONDS = 6

WARM_UP_QUIET = 0.4
"""Seconds without a key press or a click before the app builds the next stage screen in the
background (see FacilitatorApp.warm_up)."""

HOLD_LIMIT = 3.0
"""Seconds the display is held at most for a switch of stage (see FacilitatorApp.delay_update)."""


class FacilitatorApp(App[None], inherit_bindings=False):
    """The Innovation Lab facilitator: five stage screens around one lab session."""

    CSS_PATH = "app.tcss"
    COMMANDS = {AppCommands, SaveAsCommand}
    WARM_UP = True
    """Whether the stage screens not shown yet are built in the background (:meth:`warm_up`)."""

    BINDINGS = [
        Binding("question_mark", "show_keys", "Keys", key_display="?", id="app.keys"),
        Binding("ctrl+l", "toggle_language", "English", id="app.language"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True,
                id="app.palette"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
        # Not a priority key: in a dialog ctrl+s saves the dialog (the form, the import, the
        # minutes); on a stage, text field or not, it saves the session elsewhere.
        Binding("ctrl+s", "save_as", "Save as", show=False, id="hardening.save_as"),
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
        self._switching_stage = False
        self._hold = 0
        self._held = False
        self.warmed_up = asyncio.Event()
        """Set once the warm-up has built every stage screen of the session not shown yet."""
        self._last_input = 0.0
        self._froze = False
        self.collector = IdleCollector()
        """Once the warm-up is over, full garbage collections wait for the keys to rest."""
        self._collecting: Any = None
        self._warming_up = False
        """Whether a warm-up was started and has not finished (its screens may be mounting,
        even if it stopped as the app quits)."""
        self._listening: weakref.WeakSet[Any] = weakref.WeakSet()
        self._unsaved_notice: Notification | None = None
        self._quit_armed = False
        self.dialogs = DialogKeeper(self)
        """The dialogs built once and kept, to be refilled and shown again."""
        self.duplicates = DuplicateFinder(self)
        """The likely duplicates among the ideas, found ahead (see app/duplicates.py)."""
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
        _draw_now(first)
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
            self.start_warm_up()

    def on_mount(self) -> None:
        if self.session is not None and self.session.readonly:
            self._say_readonly()

    async def _shutdown(self) -> None:
        # The kept dialogs not on show are screens outside every stack: Textual would close
        # them last, once no screen is left, and one built in the background may then still
        # handle a message that asks for the screen on show. They go first.
        await self.dialogs.drop_hidden()
        await super()._shutdown()

    def _collect_when_idle(self) -> None:
        if self._froze:
            self.collector.tick(self._last_input)

    def on_unmount(self) -> None:
        self._close_owned()
        self.collector.release()
        if self._froze:
            gc.unfreeze()  # another app in this process (the tests') collects it as usual

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
        self.workers.cancel_group(self, WARM_UP_GROUP)
        self.workers.cancel_group(self, DUPLICATES_GROUP)
        if self._froze:
            # The screens about to be dropped were frozen with the session they showed: back
            # under the collector, or they would stay in memory for good.
            gc.unfreeze()
            self._froze = False
            self.collector.release()  # Python's own collections until the next warm-up ends
        if self.current_mode in STAGES:
            await self.switch_mode(PICKER)
        if self.session is not None and self.session is not session:
            self._close_owned()
        self.dialogs.drop()
        self.duplicates.forget()
        self._adopt(session, owned)
        # The stage screens shown so far belong to the previous session: drop them.
        for stage in STAGES:
            await self.remove_mode(stage)
            self.add_mode(stage, partial(self._make_stage_screen, stage))
        await self.switch_mode(self._last_stage)
        self.start_warm_up()
        if session.readonly:
            self._say_readonly()

    def _adopt(self, session: Any, owned: bool) -> None:
        from facilitator.core.stats import current_stage

        self.session, self._owns_session = session, owned
        # In the app a change the disk refuses stays in memory, marked unsaved, to be saved
        # elsewhere (ctrl+s): a coach mid-workshop keeps working and loses nothing.
        session.keep_unsaved = True
        self.data_version += 1
        if session not in self._listening:
            self._listening.add(session)
            session.subscribe(partial(self._session_committed, session))
        self._last_stage = current_stage(session)

    def _say_readonly(self) -> None:
        reason = getattr(self.session.store, "readonly_reason", "held")
        self.notify(ReadOnlyError(str(self.session.path), reason).message(), severity="warning",
                    timeout=12, markup=False)
        self.notify(t("hardening.readonly_hint", key="ctrl+s"), timeout=12, markup=False)

    def _refuse_leaving_unsaved(self) -> bool:
        """Whether the open session holds unsaved changes (then say so): opening another one
        would close this one, and its unsaved changes with it."""
        if self.session is not None and self.session.unsaved:
            self.notify(t("hardening.unsaved.switch_refused", key="ctrl+s"), severity="error",
                        timeout=12, markup=False)
            return True
        return False

    async def open_session_file(self, path: Path) -> bool:
        """Open the session file at ``path`` (read-only if another copy holds it) and show it."""
        from facilitator.core.session import Session

        if self.session is not None and _same_file(self.session.path, path):
            self.back_to_session()
            return True
        if self._refuse_leaving_unsaved():
            return False
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

        if self._refuse_leaving_unsaved():
            return False
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
        self._show_save_state()
        await self._session_redrawn()
        if self.WARM_UP and not self._warming_up:  # (the warm-up searches last)
            # The ideas may have changed: their likely duplicates are found again in the next
            # pause (nothing to do if their titles did not change).
            self.run_worker(self.duplicates.ahead(), name="duplicates", group=DUPLICATES_GROUP,
                            exclusive=True, exit_on_error=False)

    async def _session_redrawn(self) -> None:
        self.data_version += 1
        for screen in self.screen_stack:
            if isinstance(screen, StageScreen):
                await screen.sync_with_app()
        self.refresh_bindings()

    # -- a save the disk refused ---------------------------------------------------------------

    def _show_save_state(self) -> None:
        """Put up the "not saved" notice when a change stayed in memory, take it down (and say
        so) once the changes are on disk; the header's marker follows the session itself."""
        error = self.session.save_error if self.session is not None else None
        if error is not None and self._unsaved_notice is None:
            notice = Notification(
                f"{error.message()}\n{t('hardening.unsaved.notice', key='ctrl+s')}",
                t("hardening.unsaved.title"), "error", UNSAVED_NOTICE_SECONDS, markup=False)
            self._unsaved_notice = notice
            self.post_message(Notify(notice))
        elif error is None and self._unsaved_notice is not None:
            self._take_down_unsaved_notice()
            self.notify(t("hardening.unsaved.saved_again", path=str(self.session.path)),
                        markup=False)

    def _take_down_unsaved_notice(self) -> None:
        notice, self._unsaved_notice = self._unsaved_notice, None
        if notice is not None and notice in self._notifications:
            self._unnotify(notice)

    def action_save_as(self) -> None:
        """Ask where to write the whole session (unsaved changes included) and go on there."""
        from facilitator.app.screens.save_as import SaveAsDialog

        if self.session is None or isinstance(self.screen, SaveAsDialog):
            return
        # The dialog says it all; the notices stacked on the right would cover it at 80x24.
        # The header keeps its NOT SAVED marker, and the next refused change notifies again.
        self.clear_notifications()
        self._unsaved_notice = None
        self.push_screen(SaveAsDialog(self.session.path, self.session.unsaved))

    async def save_session_as(self, path: Path) -> str | None:
        """Write the session to ``path`` and continue there; the error's message, or None."""
        if self.session is None:
            return None
        try:
            new_path = self.session.save_as(path)
        except FacilitatorError as exc:
            return exc.message()
        self._take_down_unsaved_notice()
        self._quit_armed = False
        await self._session_redrawn()
        self.notify(t("hardening.save_as.done", path=str(new_path)), timeout=10, markup=False)
        return None

    async def action_quit(self) -> None:
        """Quit; with unsaved changes, only when asked twice (they would be lost)."""
        if self.session is not None and self.session.unsaved and not self._quit_armed:
            self._quit_armed = True
            self.set_timer(QUIT_CONFIRM_SECONDS, self._disarm_quit)
            self.notify(t("hardening.unsaved.quit_confirm", key="ctrl+s"), severity="error",
                        timeout=QUIT_CONFIRM_SECONDS, markup=False)
            return
        await super().action_quit()

    def _disarm_quit(self) -> None:
        self._quit_armed = False

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
        self._switching_stage = True
        try:
            self.switch_mode(stage)
        finally:
            self._switching_stage = False
        if self._held and not isinstance(self.screen, StageScreen):
            # A dialog left open on that stage is on top: built already, shown at once.
            self._release_hold(self._hold)

    def delay_update(self, delay: float = 0.05) -> None:
        """Hold the display back for a moment (Textual masks a mode switch so).

        For a switch of stage the display is held until the stage's screen says it is ready
        (:meth:`stage_ready`) rather than for a fixed 50 ms: a screen shown again is ready in
        a few milliseconds, and one built for the first time takes longer than 50 ms and would
        otherwise show half built. ``HOLD_LIMIT`` keeps a screen that never says so from
        holding the display for ever.
        """
        if not self._switching_stage:
            super().delay_update(delay)
            return
        self._begin_batch()
        self._hold += 1
        hold = self._hold
        self._held = True
        self.set_timer(HOLD_LIMIT, lambda: self._release_hold(hold), name="stage_hold")

    # -- the stages built in the background -----------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def start_warm_up(self) -> None:
        """Build the session's other stage screens in the background (:meth:`warm_up`)."""
        if not self.WARM_UP or self.session is None:
            return
        self.warmed_up.clear()
        self._warming_up = True  # until it is done: if the app quits first, see below
        self._last_input = time.monotonic()  # the screen just shown: the coach may start typing
        self.run_worker(self.warm_up(), name="warm-up", group=WARM_UP_GROUP, exclusive=True,
                        exit_on_error=False)

    async def warm_up(self) -> None:
        """Build, lay out and draw (off the terminal) each stage screen not shown yet.

        A stage screen built for the first time takes a few hundred milliseconds (its modules,
        its widgets, thousands of rows, the first layout and drawing); one built already is
        shown in a few. So while the coach reads the screen, the others are built, one step at
        a time, each step only after ``WARM_UP_QUIET`` seconds without a key press or a
        click: typing is never held up by more than one step.
        """
        from facilitator.app.widgets.frame import KeysFooter
        from facilitator.core.template import load_default_template

        # One module at a time, on the app's own thread: imported in a thread, a module the
        # app imports at the same moment could be found half loaded.
        for name in _stage_modules():
            if not await self._quiet():
                return
            importlib.import_module(name)
        if not await self._quiet():
            return
        load_default_template()
        at = STAGES.index(self.current_mode) if self.current_mode in STAGES else 0
        for stage in STAGES[at + 1:] + STAGES[:at]:
            if not await self._quiet():
                return
            if stage in self._screen_stacks:
                continue  # shown already
            self._init_mode(stage)
            screen = self._screen_stacks[stage][0]
            while not (screen.is_attached and getattr(screen, "body_filled", True)):
                if self._closing_down:
                    return
                await asyncio.sleep(0.02)
            # The footer shows the keys of the widget with focus; Textual tells only the footer
            # of the screen on show, so this one is told here, or it would rebuild as shown.
            if not await self._quiet():
                return
            if screen is not self.screen:
                for footer in screen.query(KeysFooter):
                    await _in_context_of(footer, footer.recompose)
            if not await self._draw_off_screen(screen):
                return
        # Then the dialogs the stages open most (a form, the keys...): built, they are kept,
        # and shown again refilled in some 20 ms instead of 100-300 (see DialogKeeper). Each is
        # drawn into its widgets' buffers too: laid out only, its first showing drew every
        # widget (65-130 ms at 3,000 ideas). The benchmark's memory peak did not grow with it.
        for dialog in self._dialogs_to_prebuild():
            if not await self._quiet():
                return
            if (await self.dialogs.prebuild(dialog)
                    and not await self._draw_off_screen(dialog)):
                return
        # The command palette's styles: Textual reads a widget class's CSS when one is first
        # mounted, and parses the whole stylesheet again for it (its first opening: 130-220
        # ms at 3,000 ideas, 17-27 after). The palette cannot be built off screen (it looks
        # for the screen under it as it mounts), so its parts' CSS is read here instead.
        if not await self._quiet():
            return
        self.read_palette_css()
        # The likely duplicates among the ideas, so that their list (Design, s) opens at once.
        if not await self.duplicates.ahead():
            return
        if not await self._quiet():
            return
        # What the screens hold lives as long as the session: frozen, the garbage collector
        # stops walking it (a full collection over it took 100-200 ms, at whatever key it fell
        # on). Only the young generations are collected first: a full collection here found
        # some thousand objects to free, and would itself hold the keys up for 120 ms.
        gc.collect(1)
        gc.freeze()
        self._froze = True
        # From now on the full collections (over what later screens add) wait for a rest of
        # the keys: one over 300,000 objects held a key up for 100-290 ms (see collector.py).
        self.collector.hold()
        if self._collecting is None:
            self._collecting = self.set_interval(1.0, self._collect_when_idle, name="collector")
        self._warming_up = False
        self.warmed_up.set()

    def read_palette_css(self) -> None:
        """Add the CSS of the command palette and of the parts it composes to the stylesheet
        and parse it, as Textual does when the palette is first mounted (the same sources,
        in the order they would mount)."""
        from textual.command import CommandPalette
        from textual.compose import compose

        palette = CommandPalette(id="--command-palette")
        self._load_screen_css(palette)
        parts: list[Any] = []
        pending: list[Any] = [palette]
        while pending:  # depth first, as they mount
            part = pending.pop(0)
            parts.append(part)
            pending[:0] = compose(part) if part is palette else part._pending_children
        for part in parts:
            for read_from, css, tie_breaker, scope in part._get_default_css():
                self.stylesheet.add_source(css, read_from=read_from, is_default_css=True,
                                           tie_breaker=tie_breaker, scope=scope)
        self.stylesheet.rules_map  # parsed now, not at the next widget mounted

    async def _draw_off_screen(self, screen: Screen, *, draw: bool = True) -> bool:
        """Lay out ``screen`` (not shown) and draw it into its widgets' buffers (unless not
        ``draw``), a step at a time, each after a quiet moment; False if the app is closing."""
        # Laid out twice (the first layout tells each table its width, and the tables fit
        # their columns to it), then each widget drawn into its own buffers, one by one;
        # a screen shown meanwhile was laid out and drawn as it was shown.
        for _layout in range(2):
            if not await self._quiet():
                return False
            if screen is self.screen or not screen.is_attached:
                return True
            lay_out_now(screen, self.size)
        if not draw:
            return True
        for widget, (region, clip) in list(screen._compositor.visible_widgets.items()):
            if not await self._quiet():
                return False
            if screen is self.screen or not widget.is_attached:
                return True
            x, y, width, height = region.intersection(clip)
            if width and height:
                widget.render_lines(Region(x - region.x, y - region.y, width, height))
        return True

    def _dialogs_to_prebuild(self) -> list[Screen]:
        """The dialogs the stages would open now, made (not shown) to be built in the warm-up:
        the keys, and each stage's own (:meth:`StageScreen.open_dialogs_to_prebuild`)."""
        with self.dialogs.capturing() as dialogs:
            if isinstance(self.screen, StageScreen):
                self.action_show_keys()
            if self.session is not None:
                # Save as (ctrl+s): the way out of a full disk should open at once too.
                from facilitator.app.screens.save_as import SaveAsDialog

                self.push_screen(SaveAsDialog(self.session.path, self.session.unsaved))
            for stage in STAGES:
                stack = self._screen_stacks.get(stage)
                if stack and isinstance(stack[0], StageScreen) and stack[0].body_filled:
                    stack[0].open_dialogs_to_prebuild()
        return dialogs

    async def _quiet(self) -> bool:
        """Wait for ``WARM_UP_QUIET`` seconds without input; False if the app is closing."""
        await asyncio.sleep(0)  # what is waiting goes first, even if all is quiet
        while not self._closing_down:
            left = self._last_input + WARM_UP_QUIET - time.monotonic()
            if left <= 0:
                return True
            await asyncio.sleep(left)
        return False

    def _handle_exception(self, error: Exception) -> None:
        if self._closing_down and self._warming_up:
            # The app quit (by its own exit, or taken down as a test's run ends: Textual's
            # shutdown stops it running without asking it to exit) while a screen built in
            # the background (a stage, a dialog) was mounting: Textual takes it down
            # mid-mount, and a widget of it may then miss a child already gone (a tab bar
            # its tabs, a select its label), even once the warm-up has moved on from it.
            # Nothing the coach sees or made is involved (every change is on disk, the screen
            # was never shown): the app goes on quitting, quietly.
            return
        super()._handle_exception(error)

    @property
    def _closing_down(self) -> bool:
        """Whether the app is quitting (or has not started): nothing more is to be built."""
        return self._exit or not self.is_running

    def stage_ready(self, screen: Screen) -> None:
        """A stage screen is shown whole: the display held for the switch to it may go on."""
        if self._held and not self._closing_down and screen is self.screen:
            self._release_hold(self._hold)

    def _release_hold(self, hold: int) -> None:
        if not self._held or hold != self._hold:
            return  # released already, or a later switch holds it now
        self._held = False
        self._end_batch()
        if not self._batch_count and not self._closing_down:
            _draw_now(self.screen)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """Show ``screen``; a dialog kept once built (:class:`DialogKeeper`) takes its place if
        one like it is kept, so that every caller gains it without knowing."""
        if self.dialogs.capture(screen):
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done
        shown = self.dialogs.reuse(screen)
        pushed = super().push_screen(shown, *args, **kwargs)
        if shown is not screen and shown is self.screen:
            # A kept dialog, whole already: drawn now, not after the screens have passed on
            # their messages about the switch (some 5 ms more).
            shown.show_now()
        return pushed

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
        self.dialogs.drop()  # built with the other language's words
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
