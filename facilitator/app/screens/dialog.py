"""The look every modal dialog shares, and the keeping of dialogs once built.

A dialog inherits :class:`DialogScreen` and puts ``classes="dialog-box"`` on its outer container;
its own DEFAULT_CSS then only says what differs (the box's width, its parts). Textual gathers the
DEFAULT_CSS of every base class, and the ``DialogScreen`` type selector matches each subclass, so
the rules below reach them all. An id rule of the dialog (``#pick-box { width: 64; }``) is more
specific than the class rule here, so a dialog can also override one of these values.

Building a dialog (its widgets made, styled, laid out) takes 50-300 ms, a form with a dozen rows
the most; showing one built already takes some 20. So a dialog class that can refill its
widgets (``KEEP = True`` and :meth:`DialogScreen.take_over`) is built once and kept by the app's
:class:`DialogKeeper`: the next time such a dialog is opened, a new one is made as before (its
``__init__`` only keeps its arguments), the kept one takes over what it would show, and the kept
one is shown instead.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Hashable, Iterable, Iterator, TypeVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events
from textual.color import Color
from textual.content import Content
from textual.containers import ScrollableContainer
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.visual import RichVisual
from textual.widgets import Button, Input, Label, Select, TextArea
from textual.widgets.text_area import Selection

from facilitator.app.screens.base import StyledOnce

ResultType = TypeVar("ResultType")


def choice_select(choices: Iterable[tuple[str, str]], value: str, *, prompt: str,
                  blank: bool = True, id: str | None = None) -> Select:
    """A compact select of ``(label, value)``; a stored value the choices lack is kept as its own
    option, shown as it is, so that opening a form never loses what an import brought in."""
    choices = tuple(choices)
    select = Select(_options(choices, value), value=value if value else Select.NULL, id=id,
                    compact=True, allow_blank=blank, prompt=prompt)
    select._kept_choices = (choices, value)  # type: ignore[attr-defined]
    return select


def _options(choices: tuple[tuple[str, str], ...], value: str) -> list[tuple[Text, str]]:
    options = [(Text(label), key) for label, key in choices]
    if value and value not in {key for _, key in choices}:
        options.append((Text(value), value))
    return options


def refill(widget: Any, value: Any, *, choices: Iterable[tuple[str, str]] | None = None,
           placeholder: str | None = None) -> None:
    """Put ``value`` in a field of a kept dialog as a new field made with it would show it: the
    cursor where a new one has it, no undo history, a select's choices as given."""
    text = "" if value is None else str(value)
    if isinstance(widget, TextArea):
        if widget.text != text:
            widget.load_text(text)
        widget.history.clear()
        widget.selection = Selection.cursor((0, 0))
    elif isinstance(widget, Select):
        widget.expanded = False
        if choices is not None:
            choices = tuple(choices)
            if getattr(widget, "_kept_choices", None) != (choices, text):
                widget.set_options(_options(choices, text))
                widget._kept_choices = (choices, text)
        if not text and not widget._allow_blank and widget._options:
            text = widget._options[0][1]  # as a new select without a blank shows: the first
        widget.value = text if text else Select.NULL
    elif isinstance(widget, Input):
        widget.value = text
        widget.cursor_position = len(text)
        if placeholder is not None:
            widget.placeholder = placeholder
    else:
        raise TypeError(f"not a field: {widget!r}")


def retext(widget: Any, text: str) -> None:
    """Show ``text`` (plain, never markup) in a label of a kept dialog, unless it shows it
    already: an update makes Textual lay the whole dialog out again before it is drawn."""
    if getattr(widget, "_kept_text", None) != text:
        widget.update(Content(text))
        widget._kept_text = text


def relabel(button: Button, text: str) -> None:
    """Put ``text`` on a button of a kept dialog. A label of another length makes the button
    another width, which Textual does not lay out by itself (a new label is only repainted)."""
    if button.label != Content.from_text(text):
        button.label = text
        button.refresh(layout=True)


def text_label(text: str, cls: type = Label, **kwargs: Any) -> Any:
    """A label showing ``text`` (plain, never markup), for :func:`retext` to change."""
    label = cls(Content(text), **kwargs)
    label._kept_text = text
    return label


def draw_now(screen: Screen) -> None:
    """Draw the whole screen now rather than on its update timer, which would first wait a
    whole period (1/60 s) with nothing to do."""
    screen.refresh()
    screen._on_timer_update()


def lay_out_now(screen: Screen, size: Any) -> None:
    """Lay ``screen`` out now, as its update timer would: that one also marks the layout done,
    or the next drawing (the dialog shown, just after) would lay it all out a second time."""
    screen._refresh_layout(size)
    screen._layout_required = False


class _Dimmed(BackgroundScreen):
    """Textual's dimmed screen, each colour pair dimmed once per drawing rather than once per
    piece of text: a stage's screen holds thousands of pieces in a few dozen colours."""

    @classmethod
    def process_segments(cls, segments: Iterable[Segment], color: Color) -> Iterable[Segment]:
        if color.a == 0:
            yield from super().process_segments(segments, color)
            return
        from_rich_color = Color.from_rich_color
        no_style = RichStyle()
        tints: dict[tuple[Any, Any], RichStyle] = {}
        for segment in segments:
            text, style, control = segment
            if control:
                yield segment
                continue
            style = no_style if style is None else style.clear_meta_and_links()
            key = (style.color, style.bgcolor)
            tint = tints.get(key)
            if tint is None:
                tint = tints[key] = RichStyle.from_color(
                    (from_rich_color(style.color) + color).rich_color
                    if style.color is not None else None,
                    (from_rich_color(style.bgcolor) + color).rich_color
                    if style.bgcolor is not None else None)
            yield Segment(text, style + tint, control)


class TintedScreen(RichVisual):
    """The screen under a dialog, dimmed, as Textual draws it, but drawn once while that screen
    stays the same: drawing every widget of a stage again (7-10 ms) is much of the time a
    dialog kept built takes to show. The screen under counts the changes it is told of
    (:attr:`StyledOnce.changes`); one that does not count is drawn every time."""

    _last: tuple[weakref.ref[Screen], tuple[Any, ...], list[Strip]] | None = None

    def __init__(self, widget: Any, base: Screen, color: Color) -> None:
        super().__init__(widget, _Dimmed(base, color))
        self.base, self.color = base, color

    def render_strips(self, width: int, height: int | None, style: Any,
                      options: Any) -> list[Strip]:
        changes = getattr(self.base, "changes", None)
        if changes is None:
            return super().render_strips(width, height, style, options)
        key = (changes, self.color, width, height, style.rich_style)
        last = TintedScreen._last
        if last is not None and last[0]() is self.base and last[1] == key:
            return list(last[2])
        strips = super().render_strips(width, height, style, options)
        TintedScreen._last = (weakref.ref(self.base), key, strips)
        return list(strips)


class Kept(Screen):
    """A screen (a dialog, mostly) the app can keep once built and show again refilled; see
    :class:`DialogKeeper`. A subclass sets ``KEEP`` and refills itself in :meth:`take_over`."""

    KEEP = False
    """Whether the app keeps this screen once built, to refill and show it again
    (:meth:`take_over`) the next time one with the same :meth:`keep_key` is opened."""

    def keep_key(self) -> Hashable:
        """Dialogs with the same key have the same widgets: one can take over another's
        content. A form's key also names its fields."""
        return type(self)

    def take_over(self, fresh: Any) -> None:
        """Show what ``fresh`` (a dialog of the same key, made but never shown) would show when
        opened: its title, its values, its callbacks; nothing of what this one showed before
        (typed text, an error, a scroll position) may be left. Only for ``KEEP`` dialogs."""
        raise NotImplementedError

    def reopen(self, fresh: Any) -> None:
        """Make this kept dialog, closed, ready to be shown as ``fresh`` would be."""
        # Refilled fields say they changed; no handler of the dialog's is to take that for
        # the coach's typing (and regenerate, or clear, what was just put in).
        # Scrolled back first: what take_over shows (a highlighted choice) may scroll again.
        for scroll in self.query(ScrollableContainer):
            scroll.scroll_home(animate=False, immediate=True)
        for area in self.query(TextArea):
            area.scroll_home(animate=False, immediate=True)
        with self.prevent(Input.Changed, TextArea.Changed, Select.Changed):
            self.take_over(fresh)
        # The focus goes where a new dialog's would: to the first field (Textual's auto focus
        # on show), unless take_over chose one.
        if not self._focus_chosen:
            self.set_focus(None)
        self._focus_chosen = False
        # Laid out again, now, while not shown (so not drawn as well), only if what it took
        # over may change its layout (a longer title, another list): that takes 10-15 ms.
        if any(widget._layout_required for widget in self.walk_children()):
            lay_out_now(self, self.app.size)
            self.laid_out()

    _focus_chosen = False

    def focus_on_show(self, widget: Any) -> None:
        """In :meth:`take_over`: give ``widget`` the focus as the dialog is shown again."""
        self.set_focus(widget, scroll_visible=False)
        self._focus_chosen = True

    _shown_now = False

    def show_now(self) -> None:
        """Draw this kept screen, just pushed, at once (laid out first if need be)."""
        if not self.app._batch_count:
            draw_now(self)
            self._shown_now = True

    def laid_out(self) -> None:
        """Hook: the kept screen, refilled, has just been laid out for its next showing (a list
        scrolls to its highlighted line here: before, its size was the last showing's)."""

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._shown_now:
            self._shown_now = False
            return
        if self.is_mounted and all(child.is_mounted for child in self.children):
            # Built already (a kept dialog shown again): laid out for what it took over, if
            # need be, and drawn at once, once Screen's own handler (after this one) is done.
            self.call_next(draw_now, self)


class DialogScreen(ModalScreen[ResultType], Kept, StyledOnce):
    """A modal screen that centres its ``.dialog-box`` container, framed and sized to fit."""

    # No width here: each dialog's box has its own, and a default would mask a forgotten one.
    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
        .dialog-box {
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    def render(self) -> Any:
        rendered = super().render()
        if type(rendered) is BackgroundScreen:
            return TintedScreen(self, rendered.screen, rendered.color)
        return rendered


class DialogKeeper:
    """The dialogs the app keeps once built (at most ``LIMIT``, the least recently shown go)."""

    LIMIT = 32

    def __init__(self, app: Any) -> None:
        self.app = app
        self._kept: OrderedDict[Hashable, Kept] = OrderedDict()
        self._names = 0
        self.captured: list[Kept] | None = None
        """While :meth:`capturing`: the dialogs asked for, not shown."""

    @contextmanager
    def capturing(self) -> Iterator[list[Kept]]:
        """Within it, a dialog the app keeps is not shown when asked for but collected, to be
        built in the background (:meth:`prebuild`) by the code that would open it."""
        self.captured = []
        try:
            yield self.captured
        finally:
            self.captured = None

    def capture(self, screen: Screen) -> bool:
        """Whether ``screen`` was collected (see :meth:`capturing`) instead of being shown."""
        if self.captured is None or not isinstance(screen, Kept) or not screen.KEEP:
            return False
        self.captured.append(screen)
        return True

    async def prebuild(self, screen: Kept, limit: float = 2.0) -> bool:
        """Build ``screen`` (compose and mount it, not shown) and keep it, unless one like it
        is kept already; whether it was built."""
        key = screen.keep_key()
        if key in self._kept:
            return False
        app = self.app
        app._load_screen_css(screen)
        _screen, await_mount = app._get_screen(screen)
        await await_mount
        deadline = time.monotonic() + limit
        while not all(widget.is_mounted for widget in screen.walk_children(with_self=True)):
            if time.monotonic() > deadline or app._exit:
                screen.remove()
                return False
            await asyncio.sleep(0.01)
        if key in self._kept:  # the coach opened one meanwhile: that one is kept
            screen.remove()
            return False
        self.keep(screen)
        return True

    def __len__(self) -> int:
        return len(self._kept)

    def _busy(self, screen: Screen) -> bool:
        return any(screen in stack for stack in self.app._screen_stacks.values())

    def reuse(self, fresh: Screen) -> Screen:
        """The screen to show for ``fresh``: a kept one that took over its content, or
        ``fresh`` itself (kept from now on, if its class keeps)."""
        if not isinstance(fresh, Kept) or not fresh.KEEP:
            return fresh
        if fresh in self._kept.values():
            return fresh  # prebuilt: shown as it is
        key = fresh.keep_key()
        kept = self._kept.get(key)
        if kept is not None and self._busy(kept):
            return fresh  # the same dialog open twice (another mode's stack): a new one
        if kept is not None and kept.is_attached:
            kept.reopen(fresh)
            self._kept.move_to_end(key)
            return kept
        self.keep(fresh)
        return fresh

    def keep(self, screen: Kept) -> None:
        """Keep ``screen`` (installed in the app, so closing it does not take it down)."""
        key = screen.keep_key()
        old = self._kept.pop(key, None)
        if old is not None:
            self._let_go(old)
        self._names += 1
        self.app.install_screen(screen, f"-kept-dialog-{self._names}")
        self._kept[key] = screen
        while len(self._kept) > self.LIMIT:
            self._let_go(self._kept.popitem(last=False)[1])

    def drop(self) -> None:
        """Let every kept dialog go (a language change: their words are built in)."""
        while self._kept:
            self._let_go(self._kept.popitem()[1])

    async def drop_hidden(self) -> None:
        """Let every kept dialog not on show go, and wait until they are taken down."""
        for key, screen in list(self._kept.items()):
            if not self._busy(screen):
                del self._kept[key]
                removing = self._let_go(screen)
                if removing is not None:
                    await removing

    def _let_go(self, screen: Kept) -> Any:
        """Forget ``screen``; what its removal returns (to await), if it is taken down now."""
        # Not through uninstall_screen, which refuses a screen on show: one on show goes when
        # closed (Textual takes down a closed screen that is not installed).
        installed = self.app._installed_screens
        for name in [name for name, kept in installed.items() if kept is screen]:
            del installed[name]
        if not self._busy(screen) and screen.is_attached:
            return screen.remove()
        return None
