"""The run-sheet's timer: which agenda item is on, how long it has left, and the coach's moves.

The timer is a small state machine over :class:`~facilitator.core.records.AgendaItem`:

    planned --start--> running --pause--> paused --resume--> running --finish/next--> done

Every state lives on the record itself (``started_at``, ``paused_at``, ``paused_seconds``,
``extra_minutes`` besides the ``actual_start``/``actual_end`` the minutes print), so a laptop that
is restarted mid-session finds the countdown where it was. The functions here are pure: they take
the items and the current time and return the records to write; :class:`RunSheet` commits them
through the session. Time is always passed in (an aware ``datetime``), so tests never sleep.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime, time
from typing import Callable, Iterable

from facilitator.core.records import AgendaItem
from facilitator.core.session import Session

PLANNED = "planned"
RUNNING = "running"
PAUSED = "paused"
DONE = "done"

EXTEND_MINUTES = 5
"""What one press of "extend" adds to the item on now."""

DEFAULT_MINUTES = 30
"""The length of an agenda item the coach adds without saying how long."""

DAY_START = "08:00"
"""Where a day's run-sheet starts when nothing earlier says otherwise."""


def local_now() -> datetime:
    """The laptop's wall-clock time, aware of its zone: what the room's clock shows."""
    return datetime.now().astimezone()


def hhmm(moment: datetime) -> str:
    """A moment as the minutes print it: ``08:40``."""
    return moment.strftime("%H:%M")


def parse_hhmm(value: str) -> int | None:
    """Minutes after midnight of ``HH:MM`` (or ``H:MM``, ``HH.MM``), or None if it is no time."""
    text = str(value or "").strip().replace(".", ":")
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes[:2].isdigit() or len(minutes) < 2:
        return None
    h, m = int(hours), int(minutes[:2])
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return h * 60 + m


def format_minutes(total: int) -> str:
    """Minutes after midnight as ``HH:MM`` (past midnight wraps, as a wall clock does)."""
    total %= 24 * 60
    return f"{total // 60:02d}:{total % 60:02d}"


def _moment(value: str, day: str, now: datetime) -> datetime | None:
    """When something happened: an ISO timestamp as it is, an ``HH:MM`` on the item's day."""
    text = str(value or "").strip()
    if not text:
        return None
    if "T" in text or len(text) > 8:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
    minutes = parse_hhmm(text)
    if minutes is None:
        return None
    try:
        on = date.fromisoformat(day[:10]) if day else now.date()
    except ValueError:
        on = now.date()
    return datetime.combine(on, time(minutes // 60, minutes % 60), tzinfo=now.tzinfo)


def state(item: AgendaItem) -> str:
    """Where an item is in the timer's state machine."""
    if item.actual_end:
        return DONE
    if not (item.started_at or item.actual_start):
        return PLANNED
    return PAUSED if item.paused_at else RUNNING


def allowed_seconds(item: AgendaItem) -> int:
    """The time the item may take: as planned, plus the extensions granted."""
    return max(0, (int(item.minutes or 0) + int(item.extra_minutes or 0)) * 60)


def elapsed_seconds(item: AgendaItem, now: datetime) -> float:
    """How long the item has been running, pauses left out (0 if it never started)."""
    start = _moment(item.started_at or item.actual_start, item.day, now)
    if start is None:
        return 0.0
    stop = now
    if item.paused_at:
        stop = _moment(item.paused_at, item.day, now) or now
    elif item.actual_end and not item.started_at:
        stop = _moment(item.actual_end, item.day, now) or now
    return max(0.0, (stop - start).total_seconds() - int(item.paused_seconds or 0))


def remaining_seconds(item: AgendaItem, now: datetime) -> float:
    """The time left on the item; negative once it runs over."""
    return allowed_seconds(item) - elapsed_seconds(item, now)


def ordered(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    """The run-sheet in the order of the day: by day, then position, then planned start."""
    return sorted(items, key=lambda a: (a.day, a.order, parse_hhmm(a.planned_start) or 0,
                                        a.created, a.id))


def current(items: Iterable[AgendaItem]) -> AgendaItem | None:
    """The item on now (running or paused); if several are, the one started last."""
    live = [a for a in items if state(a) in (RUNNING, PAUSED)]
    if not live:
        return None
    return max(live, key=lambda a: (a.started_at or "", a.day, a.actual_start, a.order))


def following(items: Iterable[AgendaItem], after: AgendaItem | None,
              day: str = "") -> AgendaItem | None:
    """The next item still planned: after ``after`` in the run-sheet's order, else the first
    planned item of ``day`` (or of the whole run-sheet when ``day`` has none)."""
    sheet = ordered(items)
    if after is not None:
        keys = [a.id for a in sheet]
        if after.id in keys:
            for item in sheet[keys.index(after.id) + 1:]:
                if state(item) == PLANNED:
                    return item
            return None
    planned = [a for a in sheet if state(a) == PLANNED]
    for item in planned:
        if item.day == day:
            return item
    return planned[0] if planned else None


# -- the coach's moves: each returns the records to write ------------------------------------------


def _stamp(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _fold_pause(item: AgendaItem, now: datetime) -> AgendaItem:
    """The item with a pause in progress added to its paused time, and no longer paused."""
    if not item.paused_at:
        return item
    since = _moment(item.paused_at, item.day, now) or now
    paused = int(item.paused_seconds or 0) + max(0, round((now - since).total_seconds()))
    return dataclasses.replace(item, paused_at="", paused_seconds=paused)


def finish(item: AgendaItem, now: datetime) -> AgendaItem:
    """The item ended now."""
    return dataclasses.replace(_fold_pause(item, now), actual_end=hhmm(now))


def start(items: Iterable[AgendaItem], item: AgendaItem, now: datetime) -> list[AgendaItem]:
    """Start ``item`` now, ending whatever else is on. A paused item resumes instead; a finished
    one starts over (its earlier times are replaced: undo brings them back)."""
    if state(item) == PAUSED:
        return [resume(item, now)]
    if state(item) == RUNNING:
        return []
    changed = [finish(other, now) for other in items
               if other.id != item.id and state(other) in (RUNNING, PAUSED)]
    changed.append(dataclasses.replace(
        item, actual_start=hhmm(now), actual_end="", started_at=_stamp(now), paused_at="",
        paused_seconds=0, extra_minutes=0))
    return changed


def pause(item: AgendaItem, now: datetime) -> AgendaItem:
    """Stop the clock of a running item (its time left is kept)."""
    if state(item) != RUNNING:
        return item
    started = item.started_at or _stamp(_moment(item.actual_start, item.day, now) or now)
    return dataclasses.replace(item, started_at=started, paused_at=_stamp(now))


def resume(item: AgendaItem, now: datetime) -> AgendaItem:
    """Run the clock of a paused item again from where it stopped."""
    return _fold_pause(item, now)


def extend(item: AgendaItem, minutes: int = EXTEND_MINUTES) -> AgendaItem:
    """Give the item more time (the plan is kept: the extension is recorded on its own)."""
    return dataclasses.replace(item, extra_minutes=max(0, int(item.extra_minutes or 0) + minutes))


def advance(items: Iterable[AgendaItem], now: datetime, day: str = "") -> list[AgendaItem]:
    """End the item on now and start the next planned one (the first of ``day`` if none is on)."""
    items = list(items)
    on = current(items)
    nxt = following(items, on, day)
    changed = [finish(on, now)] if on is not None else []
    if nxt is not None:
        changed.append(dataclasses.replace(
            nxt, actual_start=hhmm(now), actual_end="", started_at=_stamp(now), paused_at="",
            paused_seconds=0, extra_minutes=0))
    return changed


# -- planning --------------------------------------------------------------------------------------


def next_start(items: Iterable[AgendaItem], day: str) -> str:
    """Where a new item of ``day`` starts: when the day's last item ends, or the day's start."""
    ends = [parse_hhmm(a.planned_start) + int(a.minutes or 0) for a in items
            if a.day == day and parse_hhmm(a.planned_start) is not None]
    return format_minutes(max(ends)) if ends else DAY_START


def next_order(items: Iterable[AgendaItem], day: str) -> int:
    """The position after the last item of ``day``."""
    return max((a.order for a in items if a.day == day), default=-1) + 1


def template_day(template, day: str, lang: str, make_id: Callable[[str], str],
                 items: Iterable[AgendaItem] = ()) -> list[AgendaItem]:
    """The template's activities as new items of ``day`` (titles in ``lang``), back to back.

    On an empty day they start at the template's times; on a day that has items already they
    follow its last item.
    """
    existing = [a for a in items if a.day == day]
    fresh = not existing
    first = template.stages[0].start if template.stages and template.stages[0].start else DAY_START
    clock = parse_hhmm(first if fresh else next_start(existing, day)) or 0
    order = next_order(existing, day)
    made: list[AgendaItem] = []
    for stage in template.stages:
        if fresh and stage.start:
            clock = max(clock, parse_hhmm(stage.start) or 0)
        for activity in stage.activities:
            made.append(AgendaItem(
                id=make_id(AgendaItem.PREFIX), day=day, order=order + len(made),
                title=activity.title.get(lang) or activity.title.get("id", ""), stage=stage.key,
                planned_start=format_minutes(clock), minutes=activity.minutes))
            clock += activity.minutes
    return made


def end_of(item: AgendaItem) -> str:
    """The planned end of an item, ``HH:MM`` (empty without a planned start)."""
    begin = parse_hhmm(item.planned_start)
    return "" if begin is None else format_minutes(begin + int(item.minutes or 0))


class RunSheet:
    """The coach's moves on the run-sheet of a session, each one committed before it returns.

    ``clock`` gives the current wall-clock time (aware); tests pass a fixed one.
    """

    def __init__(self, session: Session, clock: Callable[[], datetime] = local_now) -> None:
        self.session = session
        self.clock = clock

    @property
    def items(self) -> list[AgendaItem]:
        return ordered(self.session.all(AgendaItem))

    def current(self) -> AgendaItem | None:
        """The item on now, if any."""
        return current(self.items)

    def _write(self, records: list[AgendaItem]) -> list[AgendaItem]:
        if records:
            self.session.commit("agenda.edit", records)
        return records

    def start(self, item: AgendaItem) -> list[AgendaItem]:
        """Start (or resume) ``item``, ending the item that was on."""
        return self._write(start(self.items, item, self.clock()))

    def toggle_pause(self) -> AgendaItem | None:
        """Pause the item on now, or resume it if paused. Returns it (None if none is on)."""
        item = self.current()
        if item is None:
            return None
        now = self.clock()
        changed = resume(item, now) if state(item) == PAUSED else pause(item, now)
        self._write([changed])
        return changed

    def extend(self, minutes: int = EXTEND_MINUTES) -> AgendaItem | None:
        """Give the item on now more time. Returns it (None if none is on)."""
        item = self.current()
        if item is None:
            return None
        changed = extend(item, minutes)
        self._write([changed])
        return changed

    def next(self, day: str = "") -> list[AgendaItem]:
        """End the item on now and start the next one."""
        return self._write(advance(self.items, self.clock(), day))

    def finish(self) -> AgendaItem | None:
        """End the item on now without starting another."""
        item = self.current()
        if item is None:
            return None
        changed = finish(item, self.clock())
        self._write([changed])
        return changed


def crossed_zero(before: float | None, after: float) -> bool:
    """Whether the time left went from above zero to zero or below between two readings."""
    return before is not None and before > 0 >= after


def countdown_text(seconds: float) -> str:
    """Time left as the header shows it: ``12:34``, ``1:02:03``, or ``-00:45`` once over.

    Whole seconds are rounded up while counting down (``00:01`` until the very end) and up
    again once over, so the display never shows ``00:00`` for more than the instant of zero.
    """
    over = seconds < 0
    total = math.ceil(-seconds if over else seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return f"-{text}" if over else text
