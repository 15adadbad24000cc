"""The frame around every stage: the session header, the stage bar and the keys (footer).

The header and the bar are pushed their data by the screen (``update_from(session)``); they
never read the store and never change the session. What the user typed (the region's name) is
shown as literal text.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Footer, Label, Static
from textual.widgets._footer import FooterKey

from facilitator.core.records import STAGES
from facilitator.core.session import Session
from facilitator.i18n import integer, t

FUNNEL_WIDTH = 14
"""The widest funnel figure the Display tab shows whole (``64→52→41``); wider ones are cut to
the first and the last number, so that the tab stays readable at 80 columns."""


def session_dates(session: Session) -> str:
    """The lab's dates as one short text: ``2021-06-16`` or ``2021-06-16 – 2021-06-18``."""
    dates = [d for d in session.lab.dates if d]
    if not dates:
        return ""
    return dates[0] if len(dates) == 1 else f"{dates[0]} – {dates[-1]}"


def stage_progress(stage: str, figures: dict[str, Any]) -> str:
    """What a stage has produced so far, in a few words (``64 ide``), from ``stats()``."""
    if stage == "drumup":
        return t("app.progress.drumup", count=integer(figures["opds"]))
    if stage == "diagnose":
        return t("app.progress.diagnose", count=integer(figures["ideas"]))
    if stage == "design":
        if not figures["funnel"]:
            return t("app.progress.design_none")
        return t("app.progress.design", count=integer(figures["selected"]))
    if stage == "deliver":
        return t("app.progress.deliver", count=integer(figures["commitments"]))
    funnel = figures["funnel"]
    if funnel:
        steps = [funnel[0]["in"], *(r["out"] for r in funnel)]
        text = "→".join(integer(n) for n in steps)
        if len(text) > FUNNEL_WIDTH:
            text = f"{integer(steps[0])}→{integer(steps[-1])}"
        return text
    return t("app.progress.display", count=integer(figures["notes"]))


class SessionHeader(Horizontal):
    """One line: the session's region and dates, a read-only marker, the app's name."""

    DEFAULT_CSS = """
    SessionHeader {
        height: 1;
        width: 1fr;
        background: $primary;
        color: $text;
        Label { height: 1; padding: 0 1; text-wrap: nowrap; }
        #header-session { width: 1fr; text-style: bold; text-overflow: ellipsis; }
        #header-readonly {
            width: auto; display: none; background: $warning; color: $text; text-style: bold;
        }
        #header-app { width: auto; text-style: italic; }
        &.-readonly #header-readonly { display: block; }
        #header-unsaved {
            width: auto; display: none; background: $error; color: $text; text-style: bold;
        }
        &.-unsaved #header-unsaved { display: block; }
    }
    """

    def __init__(self, session: Session | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._session = session
        self._text = ""

    def compose(self) -> ComposeResult:
        from facilitator.app.widgets.countdown import Countdown  # the run-sheet's timer

        yield Label(id="header-session")
        yield Countdown(id="header-countdown")
        yield Label(t("app.header.readonly"), id="header-readonly")
        yield Label(t("hardening.header.unsaved"), id="header-unsaved")
        yield Label(t("app.name"), id="header-app")

    def on_mount(self) -> None:
        self.update_from(self._session)

    def update_from(self, session: Session | None) -> None:
        """Show ``session``'s region, dates and whether it is read-only (None: no session)."""
        self._session = session
        label = self.query_one("#header-session", Label)
        if session is None:
            label.update(Content.styled(t("app.header.no_session"), "not bold dim"))
            self.set_class(False, "-readonly")
            self.set_class(False, "-unsaved")
            return
        lab = session.lab
        parts = [lab.region or t("app.picker.no_region")]
        dates = session_dates(session)
        if dates:
            parts.append(dates)
        self._text = " · ".join(parts)
        label.update(Content(self._text))
        self.set_class(session.readonly, "-readonly")
        # Changes the disk refused, held in memory until saved elsewhere (ctrl+s).
        self.set_class(bool(getattr(session, "unsaved", False)), "-unsaved")
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        # The region matters more than the app's name: on a narrow terminal the name gives way.
        needed = len(self._text) + len(t("app.name")) + 4
        if self._session is not None and self._session.readonly:
            needed += len(t("app.header.readonly")) + 2
        if self.has_class("-unsaved"):
            needed += len(t("hardening.header.unsaved")) + 2
        for countdown in self.query(".-on#header-countdown"):
            needed += getattr(countdown, "text_width", 0) + 2
        self.query_one("#header-app").display = self.size.width == 0 or needed <= self.size.width


class StageTab(Static):
    """One stage in the stage bar: its number key, its name and its progress. Clickable."""

    DEFAULT_CSS = """
    StageTab {
        width: 1fr;
        height: 2;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
        &:hover { background: $boost; color: $text; }
        &.-current { background: $accent; color: $text; text-style: bold; }
    }
    """

    def __init__(self, stage: str, number: int, **kwargs: Any) -> None:
        super().__init__(id=f"stage-tab-{stage}", **kwargs)
        self.stage = stage
        self.number = number

    def show(self, progress: str) -> None:
        """Render the tab with ``progress`` under the stage's name."""
        self.update(Content.assemble(
            (f"{self.number} ", "dim"), (t(f"stage.{self.stage}"), "bold"), "\n", progress))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(StageBar.Selected(self.stage))


class StageBar(Horizontal):
    """The five stages with their progress; the current one highlighted, each one clickable."""

    DEFAULT_CSS = """
    StageBar {
        height: 2;
        width: 1fr;
        background: $panel;
    }
    """

    class Selected(Message):
        """The user clicked a stage."""

        def __init__(self, stage: str) -> None:
            super().__init__()
            self.stage = stage

    def __init__(self, current: str = "", session: Session | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current = current
        self._session = session

    def compose(self) -> ComposeResult:
        for number, stage in enumerate(STAGES, 1):
            yield StageTab(stage, number, classes="-current" if stage == self.current else "")

    def on_mount(self) -> None:
        self.update_from(self._session)

    def update_from(self, session: Session | None) -> None:
        """Re-count the session's progress into the tabs."""
        from facilitator.core.stats import stats

        self._session = session
        figures = stats(session) if session is not None else None
        for tab in self.query(StageTab):
            tab.show(stage_progress(tab.stage, figures) if figures else "")


class KeysFooter(Footer):
    """Textual's footer, changed only when the keys it shows have changed, and then in place.

    Textual rebuilds the footer (a widget per key, some forty on a busy stage) whenever the
    screen's bindings may have changed: focus moved, the screen was shown again, a check_action
    may say otherwise. Those come in bursts (three when a stage's body is filled) and mostly
    change nothing; each rebuild costs a frame's worth of restyling. When the keys did change
    (another tab, a key no longer possible), the key widgets there are are relabelled.
    """

    _shown: tuple[Any, ...] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Textual's footer composes empty and waits for the screen to report its bindings,
        # then composes again. The keys known as it mounts are the screen's own: shown at once,
        # they are in the first frame, and the report that follows finds nothing to change.
        self._bindings_ready = True

    def _keys(self) -> tuple[Any, ...]:
        """What the footer would show now: every active binding, enabled or not, as it reads."""
        return tuple((key, binding, enabled, tooltip)
                     for key, (_node, binding, enabled, tooltip)
                     in self.screen.active_bindings.items())

    def compose(self) -> ComposeResult:
        # (Should Textual ever compose empty while not ready, the first report rebuilds it.)
        self._shown = self._keys() if getattr(self, "_bindings_ready", False) else None
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "compact" in (
                    getattr(widget, "_reactive_connect", None) or ()):
                self._in_style(widget)
            yield widget

    def _in_style(self, key: FooterKey) -> None:
        """Make ``key`` (bound to the footer's style) born in it: Textual's keys start compact
        and those bound to the footer's style are told otherwise as they mount, restyling each
        twice."""
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)

    async def recompose(self) -> None:
        if self._shown is not None and self.is_attached:
            keys = self._keys()
            if keys == self._shown or await self._reuse(keys):
                return
        await super().recompose()

    def _wanted(self) -> list[tuple[Any, ...]] | None:
        """The keys Footer.compose would make now, each as ``(key, shown as, description,
        action, disabled, tooltip, the palette's)``; None if it would make more than keys (a
        group of bindings, which this app has none of)."""
        active = self.screen.active_bindings
        first: dict[str, tuple[Any, bool, str]] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show:
                if binding.group is not None:
                    return None
                first.setdefault(binding.action, (binding, enabled, tooltip))  # one per action
        app = self.app
        wanted = [(b.key, app.get_key_display(b), b.description, b.action, not enabled,
                   tooltip, False) for b, enabled, tooltip in first.values()]
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            entry = active.get(app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, b, enabled, _tooltip = entry
                wanted.append((b.key, app.get_key_display(b), b.description, b.action,
                               not enabled, b.tooltip or b.description, True))
        return wanted

    async def _reuse(self, keys: tuple[Any, ...]) -> bool:
        """Show the keys ``keys`` says with the keys' widgets there are: relabelled, dimmed or
        not, and only the difference in number made or removed. Made again, each key left
        behind, with its styles and its two hidden nodes for the parts, some sixty objects in
        reference cycles (the collector frees them only in a pass over everything): touring
        the stages left 1,500 of them, 280,000 objects, a third of the peak memory. False if
        the footer holds or would hold more than keys (Textual's own rebuild then)."""
        wanted = self._wanted()
        widgets = list(self.children)
        if wanted is None or any(type(w) is not FooterKey for w in widgets):
            return False
        palette = [w for w in widgets if w.has_class("-command-palette")]
        plain = [w for w in widgets if not w.has_class("-command-palette")]
        wanted_palette = [spec for spec in wanted if spec[6]]
        wanted_plain = [spec for spec in wanted if not spec[6]]
        if len(palette) != len(wanted_palette):
            return False
        for widget, spec in zip(plain + palette, wanted_plain[:len(plain)] + wanted_palette):
            key, shown, description, action, disabled, tooltip, _ = spec
            if (widget.key, widget.key_display, widget.description, widget.action,
                    widget._disabled) != (key, shown, description, action, disabled):
                widget.key, widget.key_display, widget.description = key, shown, description
                widget.action, widget._disabled = action, disabled
                widget.set_class(disabled, "-disabled")
                widget.clear_cached_dimensions()
                widget.refresh(layout=True)
            if (widget.tooltip or "") != (tooltip or ""):
                widget.tooltip = tooltip or None
        self.styles.grid_size_columns = len(wanted_plain)
        self._shown = keys
        if len(plain) > len(wanted_plain):
            await self.remove_children(plain[len(wanted_plain):])
        elif len(plain) < len(wanted_plain):
            made = []
            with self._context():  # bound to this footer's style, as in its compose
                for key, shown, description, action, disabled, tooltip, _ in \
                        wanted_plain[len(plain):]:
                    widget = FooterKey(key, shown, description, action, disabled=disabled,
                                       tooltip=tooltip).data_bind(compact=Footer.compact)
                    self._in_style(widget)
                    made.append(widget)
            await self.mount_all(made, before=palette[0] if palette else None)
        return True
