"""The frame every stage screen shares: header, stage bar, the stage's body, footer.

Contract between the frame and the stage screens:
- a stage screen subclasses :class:`StageScreen`, sets ``STAGE`` (one of ``records.STAGES``) and
  implements :meth:`compose_body` (its widgets) and :meth:`refresh_data` (re-read the session and
  update its widgets; called on mount and after every confirmed change, undo included);
- it reads the session as ``self.session`` (``self.app.session``) and changes it only through the
  core (``facilitator.core``), never by touching the store;
- its bindings live on itself (``BINDINGS``, each ``Binding`` with an ``id``), its look in a
  ``.tcss`` file beside it or ``DEFAULT_CSS``.
- a binding's description comes from the locale: ``Binding(..., id="<area>.<name>")`` is shown
  as ``t("<area>.keys.<name>")`` (e.g. id ``diagnose.add_idea`` reads ``diagnose.keys.add_idea``),
  and is relabelled when the language changes;
- when the language changes, the screen is recomposed (``compose_body`` runs again, so every
  ``t()`` in it reads the new language) and :meth:`refresh_data` follows;
- the body (``compose_body``'s widgets, inside ``#stage-body``) is mounted by
  :meth:`StageScreen.fill_body`: for the screen the app opens on, right after the first frame
  (header, stage bar, keys) is on the terminal; for a screen shown later, as it mounts.
  ``body_ready`` says whether the body's widgets exist; tests ``await pilot.pause()`` after
  the app starts or a stage is shown;
- its actions with keys (a ``Binding`` with an ``id`` and a description, on the screen or on a
  widget in it) are offered by the command palette (ctrl+p) too, in the current language; keep
  the module's top-level imports to what the screen class needs, and import what only the body
  uses inside ``compose_body``/``refresh_data``: the screen the app opens on is imported before
  the first frame, its body after it.

The frame itself owns the keys every stage shares: 1-5 to jump to a stage, ctrl+z to undo, and
the run-sheet's timer (F5 start / pause, F6 five more minutes, F7 next item), because the
countdown it drives is in the header of every stage.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from textual import events, messages, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer

from facilitator import i18n
# The header's countdown loads this module for the first frame anyway.
from facilitator.app.widgets.countdown import TIMER_BINDINGS, Countdown, TimerActions
from facilitator.core.records import STAGES
from facilitator.core.session import Session


def binding_locale_key(binding_id: str | None) -> str | None:
    """The locale key of a binding's description: id ``area.name`` -> ``area.keys.name``."""
    if not binding_id:
        return None
    area, _, name = binding_id.partition(".")
    return f"{area}.keys.{name}" if name else None


def _localized(binding: Binding) -> Binding:
    key = binding_locale_key(binding.id)
    if key is None:
        return binding
    if key not in i18n.catalog(i18n.language()) and key not in i18n.catalog(i18n.DEFAULT_LANGUAGE):
        return binding
    description = i18n.t(key)
    if description == binding.description:
        return binding
    return dataclasses.replace(binding, description=description)


def localize_bindings(node: DOMNode) -> bool:
    """Give every binding of ``node`` that has an id its description in the current language.

    Textual copies a class's ``BINDINGS`` into each node when it is built, so the descriptions
    are replaced on the node itself; the keys (and a user's keymap, which goes by id) are kept.
    Returns whether any description changed.
    """
    changed = False
    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        relabelled = [_localized(binding) for binding in bindings]
        if any(new is not old for new, old in zip(relabelled, bindings)):
            table[key] = relabelled
            changed = True
    return changed


def localize_tree(screen: Screen) -> bool:
    """Relabel the bindings of a screen and of every widget in it; whether any changed."""
    changed = False
    for node in screen.walk_children(with_self=True):
        if node._bindings.key_to_bindings:
            changed = localize_bindings(node) or changed
    return changed


class StyledOnce(Screen):
    """A screen whose widgets Textual does not style again each time it is shown, unless
    what their styles depend on changed while it was hidden; and that counts the changes of
    its picture (:attr:`changes`), for a dialog drawn over it."""

    changes = 0
    """Goes up with every change of the screen's widgets (redrawn, laid out, scrolled) that
    Textual is told of: while it stays, the screen looks the same."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._hidden_since_styled = False
        self._hidden_as: tuple | None = None
        """What the screen's styles depended on when it was last hidden."""

    @on(events.ScreenResume)
    def _styled_as_mounted(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a screen each time it is shown (the app may have
        # lost focus, say, while it was hidden), and a mode's new screen is "shown" twice as
        # it starts. Until it has been hidden once, it is as it was styled when it mounted;
        # after that, as it was when hidden, unless the stylesheet, the theme or the app's
        # focus changed meanwhile (a restyle of a stage of thousands of rows costs ~70 ms, of
        # a form of a dozen rows ~30).
        if not self._hidden_since_styled or self._hidden_as == self._style_state():
            event.refresh_styles = False

    @on(events.ScreenSuspend)
    def _hidden(self) -> None:
        self._hidden_since_styled = True
        self._hidden_as = self._style_state()

    def _style_state(self) -> tuple:
        """What the styles of the screen's widgets depend on besides the screen itself."""
        app = self.app
        return (app._css_update_count, app.app_focus, app.theme)

    @on(messages.Update)
    @on(messages.Layout)
    @on(messages.UpdateScroll)
    def _changed(self, message: messages.Message) -> None:
        # Not the screen's own repaint (Textual asks for one each time it shows the screen):
        # what it paints is what its widgets hold.
        if getattr(message, "widget", None) is not self:
            self.changes += 1

    def _refresh_layout(self, *args, **kwargs) -> None:
        self.changes += 1
        super()._refresh_layout(*args, **kwargs)


class LocalizedScreen(StyledOnce):
    """A screen that follows the app's language: recomposed when it changed since last shown."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._language = i18n.language()
        localize_bindings(self)

    async def on_screen_resume(self) -> None:
        await self.sync_with_app()
        self.shown()

    def shown(self) -> None:
        """Hook run once the screen has caught up with the app after being shown."""

    def relabel(self) -> None:
        """Describe the keys of the screen's widgets in the current language (each footer
        rebuild costs a frame, so the footer is told only if a description changed)."""
        if localize_tree(self):
            self.refresh_bindings()

    async def sync_with_app(self) -> None:
        """Catch up with what changed while the screen was not shown (here: the language)."""
        if self._language != i18n.language():
            await self.relocalize()
        else:
            self.relabel()

    async def relocalize(self) -> None:
        """Rebuild every widget so that each string is read again in the current language."""
        self._language = i18n.language()
        await self.recompose()
        localize_tree(self)
        self.refresh_bindings()  # the screen's own keys may not have changed, the footer has
        if self.focused is None:
            self.focus_next()
        self.after_relocalize()

    def after_relocalize(self) -> None:
        """Hook run after a recompose for the language."""


CYCLE_TAB_BINDINGS = [
    Binding("right_square_bracket", "cycle_tab(1)", "Next tab", key_display="]", show=False,
            id="app.tab_next"),
    Binding("left_square_bracket", "cycle_tab(-1)", "Previous tab", key_display="[", show=False,
            id="app.tab_previous"),
]
"""``]`` / ``[`` through the tabs of a stage screen (:meth:`StageScreen.action_cycle_tab`), hidden
from the footer. Deliver and Display list them in their own BINDINGS, after their own keys, so
that each footer keeps its own keys first."""


class StageBody(Container):
    """The stage's own widgets, composed by its screen's :meth:`StageScreen.compose_body`."""

    def compose(self) -> ComposeResult:
        yield from self.screen.compose_body()  # type: ignore[attr-defined]


class StageScreen(TimerActions, LocalizedScreen):
    """A screen of one of the five stages, inside the app's frame."""

    STAGE: ClassVar[str] = ""

    BINDINGS = [
        *(Binding(str(number), f"app.stage('{stage}')", stage, show=False,
                  id=f"app.stage_{stage}")
          for number, stage in enumerate(STAGES, 1)),
        Binding("ctrl+z", "app.undo", "Undo", id="app.undo"),
        *TIMER_BINDINGS,
    ]

    def action_cycle_tab(self, step: int) -> None:
        """Show the next (or previous) tab of the stage's tabs, and give that tab the keys."""
        from textual.widgets import TabbedContent, TabPane

        found = self.query(TabbedContent)
        if not found:
            return
        tabs = found.first()
        panes = [pane.id for pane in tabs.query(TabPane)]
        if not panes:
            return
        at = panes.index(tabs.active) if tabs.active in panes else 0
        tabs.active = panes[(at + step) % len(panes)]
        pane = tabs.query_one(f"#{tabs.active}", TabPane)
        getattr(pane, "focus_default", pane.focus)()

    _data_version: int = -1
    _filling: bool = False
    """True while :meth:`fill_body` waits for the body to mount."""

    def compose(self) -> ComposeResult:
        from facilitator.app.widgets.frame import KeysFooter, SessionHeader, StageBar

        yield SessionHeader(self.session)
        yield StageBar(self.STAGE, self.session)
        yield KeysFooter()

    def compose_body(self) -> ComposeResult:
        """The stage's own widgets."""
        yield from ()

    async def on_mount(self) -> None:
        # At start, the app's first frame is drawn without the body, which the app fills right
        # after that frame (FacilitatorApp.on_ready): the coach sees the app at once, and
        # tables of thousands of rows are built while the frame is already on the screen. A
        # screen shown later (a stage key) is built whole while Textual holds the display for
        # the switch, so it never shows half built.
        if getattr(self.app, "starting", False):
            return
        await self.fill_body()

    @property
    def body_ready(self) -> bool:
        return bool(self.query("#stage-body"))

    @property
    def body_live(self) -> bool:
        """Whether the body is there to be read into: mounted, and not being taken down as the
        app quits (which may happen while a stage is built in the background)."""
        return (self.body_ready and self.is_attached and not self._closing
                and not getattr(self.app, "_closing_down", False))

    def open_dialogs_to_prebuild(self) -> None:
        """Open the dialogs this stage opens most, as its keys would: the app calls this with
        the dialogs collected, not shown, to build them in the background. Only code that
        changes nothing and says nothing before it opens its dialog belongs here."""

    @property
    def body_filled(self) -> bool:
        """Whether the body is mounted whole and the session read into it."""
        return not self._filling and self.body_ready

    async def fill_body(self) -> None:
        """Mount the stage's widgets (once per compose) and read the session into them."""
        footer = self.query(Footer)
        if self.body_ready or not self.is_attached or not footer:
            return  # filled already, gone, or not composed yet (on_mount will fill it)
        self._filling = True
        try:
            await self.mount(StageBody(id="stage-body"), before=footer.first())
        finally:
            self._filling = False
        if not self.body_live:
            return  # the app quit while the body mounted (a stage built in the background)
        localize_tree(self)
        self.refresh_bindings()
        self._data_version = self.app_data_version
        self.refresh_data()
        if self.focused is None:
            self.focus_next()
        self.shown()

    def shown(self) -> None:
        if not self.body_live:
            return  # not filled yet (fill_body calls this again), or the app quits
        # A hidden screen's countdown rests: on show it reads the time at once, not at its
        # next tick (a second later).
        for countdown in self.query(Countdown):
            countdown.tick()
        # The app holds the display while it switches to a stage (FacilitatorApp.delay_update)
        # until the screen is whole: its body mounted and the session read into it.
        if not self._filling and not getattr(self.app, "starting", False):
            stage_ready = getattr(self.app, "stage_ready", None)
            if stage_ready is not None:
                stage_ready(self)

    def refresh_data(self) -> None:
        """Re-read the session into the widgets."""

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    @property
    def app_data_version(self) -> int:
        return getattr(self.app, "data_version", 0)

    async def sync_with_app(self) -> None:
        """Catch up with the language and with every change confirmed since last shown."""
        if self._filling:
            # A change confirmed while the body mounts: its widgets are not all there yet, and
            # fill_body reads the session (this change included) once they are.
            self.refresh_frame()
            return
        if not self.body_ready:
            if not getattr(self.app, "starting", False):
                await self.fill_body()  # a first screen left before it was filled
            return  # fill_body reads the session when it mounts the body
        if not self.body_live:
            return  # being taken down: the app quits
        if self._language != i18n.language():
            await self.relocalize()
        else:
            self.relabel()
            if self._data_version != self.app_data_version:
                self.refresh_frame()
                self._data_version = self.app_data_version
                self.refresh_data()

    async def relocalize(self) -> None:
        self._language = i18n.language()
        await self.recompose()
        if self.focused is not None and not self.focused.is_attached:
            # Recomposed while another screen was on top, the screen may still point at a
            # widget it no longer has: the keys it offers would be that widget's.
            self.set_focus(None)
        await self.fill_body()

    def refresh_frame(self) -> None:
        """Re-read the header and the stage bar from the session."""
        from facilitator.app.widgets.frame import SessionHeader, StageBar

        for header in self.query(SessionHeader):
            header.update_from(self.session)
        for bar in self.query(StageBar):
            bar.update_from(self.session)

    def _compositor_refresh(self) -> None:
        # While the app holds the display for a switch to this stage (FacilitatorApp.
        # delay_update), a frame drawn would be thrown away, then drawn again whole once the
        # hold ends (some 10 ms at 3,000 ideas): it is not drawn at all.
        if getattr(self.app, "_held", False) and self.app._batch_count:
            return
        super()._compositor_refresh()

    def on_stage_bar_selected(self, message) -> None:
        """A click on a stage in the stage bar (``StageBar.Selected``)."""
        message.stop()
        self.app.switch_stage(message.stage)  # type: ignore[attr-defined]
