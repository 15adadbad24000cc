"""The run-sheet's countdown in the header, and the keys that drive the timer from any screen.

:class:`Countdown` sits in the session header of every stage screen. Once a second it reads the
item on now from the session (the timer's whole state is on the agenda record, see
:mod:`facilitator.core.runsheet`) and shows the time left. When the time left reaches zero the
app rings the terminal bell once and the countdown flashes; past zero it counts the overrun.

Only the countdown of the screen on show ticks, and the last reading is kept per app, so the
bell rings once however many screens are open.
"""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import Any, Callable, ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from facilitator.core import runsheet
from facilitator.core.records import AgendaItem
from facilitator.i18n import t

TICK = 1.0
FLASHES = 12
"""Half-second flashes at zero: six seconds of blinking, enough to be seen from the stage."""
TITLE_WIDTH = 24

_last: "weakref.WeakKeyDictionary[Any, dict[str, float]]" = weakref.WeakKeyDictionary()
"""Per app: the last time-left reading of each running item (keyed by id, allowance, start)."""


def wall_clock() -> datetime:
    """The time the run-sheet, the check-in and the notes go by (tests fix ``Countdown.clock``)."""
    return Countdown.clock()


class Countdown(Static):
    """Time left on the agenda item on now: ``▶ 12:34 Sambutan Bupati``; hidden when none is."""

    DEFAULT_CSS = """
    Countdown {
        width: auto;
        max-width: 40;
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        display: none;
        background: $success-darken-2;
        color: $text;
        &.-on { display: block; }
        &.-paused { background: $panel; color: $text-muted; }
        &.-over { background: $error; color: $text; text-style: bold; }
        &.-flash { background: $warning; color: $background; text-style: bold reverse; }
    }
    """

    clock: ClassVar[Callable[[], datetime]] = staticmethod(runsheet.local_now)
    """The wall clock; tests replace it to move time without sleeping."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.item_id = ""
        self.remaining: float | None = None
        self.text_width = 0
        """The cells the countdown takes, for the header to make room (its app name gives way)."""
        self._flashes = 0

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(TICK, self.tick)

    def tick(self) -> None:
        """Read the item on now and show its time left; ring and flash when it reaches zero."""
        app = self.app
        session = getattr(app, "session", None)
        if session is None or self.screen not in app.screen_stack:
            return  # a hidden screen's countdown rests; the one on show rings the bell
        item = runsheet.current(session.all(AgendaItem))
        if item is None:
            self.item_id, self.remaining = "", None
            self._show(None)
            return
        now = type(self).clock()
        left = runsheet.remaining_seconds(item, now)
        paused = runsheet.state(item) == runsheet.PAUSED
        key = f"{item.id}|{runsheet.allowed_seconds(item)}|{item.started_at or item.actual_start}"
        readings = _last.setdefault(app, {})
        if not paused and runsheet.crossed_zero(readings.get(key), left):
            self.alarm(item)
        readings[key] = left
        self.item_id, self.remaining = item.id, left
        self.set_class(paused, "-paused")
        self.set_class(left <= 0 and not paused, "-over")
        title = " ".join(item.title.split())
        if len(title) > TITLE_WIDTH:
            title = title[:TITLE_WIDTH - 1] + "…"
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append("⏸ " if paused else "▶ ")
        line.append(runsheet.countdown_text(left), style="bold")
        if title:
            line.append(" " + title)
        self._show(line)

    def _show(self, line: Text | None) -> None:
        was = (self.has_class("-on"), self.text_width)
        self.set_class(line is not None, "-on")
        if line is not None:
            self.update(line)
        self.text_width = line.cell_len if line is not None else 0
        if (self.has_class("-on"), self.text_width) != was:
            fit = getattr(self.parent, "_fit", None)  # the header: its app name may give way
            if callable(fit):
                fit()

    def alarm(self, item: AgendaItem) -> None:
        """Time is up: the bell, a flash, and a notice naming the item (on any screen)."""
        self.app.bell()
        self._flashes = FLASHES
        self.set_interval(0.5, self._flash, repeat=FLASHES)
        self.app.notify(t("drumup.timer.time_up", title=" ".join(item.title.split())),
                        severity="warning", timeout=10, markup=False)

    def _flash(self) -> None:
        self._flashes -= 1
        self.set_class(self._flashes % 2 == 1, "-flash")

    @property
    def flashing(self) -> bool:
        """Whether the countdown is flashing now (for tests and the tmux eye alike)."""
        return self.has_class("-flash")


class TimerActions:
    """What the keys that drive the run-sheet's timer do, on any stage screen, even while the
    coach types elsewhere.

    F-keys, because letters belong to the text fields during a brainstorm. ``StageScreen`` mixes
    this in and lists ``TIMER_BINDINGS``, so every stage has the keys.
    """

    def _run_sheet(self) -> runsheet.RunSheet:
        return runsheet.RunSheet(self.app.session, clock=wall_clock)  # type: ignore[attr-defined]

    def _after_timer(self, message: str) -> None:
        for countdown in self.query(Countdown):  # type: ignore[attr-defined]
            countdown.tick()
        if message:
            self.notify(message, markup=False)  # type: ignore[attr-defined]

    def _timer_blocked(self) -> bool:
        session = self.app.session  # type: ignore[attr-defined]
        return session is None or session.readonly

    def action_timer_toggle(self) -> None:
        """Start the next item if none is on; pause the item on now, or resume it."""
        if self._timer_blocked():
            return
        sheet = self._run_sheet()
        if sheet.current() is None:
            self.action_timer_next()
            return
        item = sheet.toggle_pause()
        if item is not None:
            key = "drumup.timer.paused" if item.paused_at else "drumup.timer.resumed"
            self._after_timer(t(key, title=item.title))

    def action_timer_extend(self) -> None:
        """Five more minutes for the item on now."""
        if self._timer_blocked():
            return
        item = self._run_sheet().extend()
        if item is None:
            self._after_timer(t("drumup.timer.nothing_on"))
        else:
            self._after_timer(t("drumup.timer.extended", title=item.title,
                                minutes=runsheet.EXTEND_MINUTES))

    def action_timer_next(self) -> None:
        """End the item on now and start the next one of the run-sheet."""
        if self._timer_blocked():
            return
        from facilitator.core.checkin import check_in_day

        session = self.app.session  # type: ignore[attr-defined]
        day = check_in_day(session.lab.dates, wall_clock().date())
        changed = self._run_sheet().next(day)
        started = [a for a in changed if runsheet.state(a) == runsheet.RUNNING]
        if started:
            self._after_timer(t("drumup.timer.started", title=started[-1].title))
        elif changed:
            self._after_timer(t("drumup.timer.finished_all"))
        else:
            self._after_timer(t("drumup.timer.nothing_planned"))


TIMER_BINDINGS = [
    Binding("f5", "timer_toggle", "Timer", show=False, id="drumup.timer_toggle"),
    Binding("f6", "timer_extend", "+5", show=False, id="drumup.timer_extend"),
    Binding("f7", "timer_next", "Next", show=False, id="drumup.timer_next"),
]
"""The timer's keys: F5 start / pause / resume, F6 five more minutes, F7 next item."""
