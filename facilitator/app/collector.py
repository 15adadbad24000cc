"""Python's garbage collector, kept off the coach's keys.

Once the warm-up is over, the app holds some 350,000 objects, frozen (``gc.freeze``): the
collector no longer walks them. But every screen, tab and dialog shown for the first time after
that adds its own, tens of thousands at a time (a table of 3,000 ideas), and Python runs a full
collection each time those grew by a quarter: at 3,000 ideas it took 100 to 290 ms, and it fell
on whatever key set it off (measured in tests/perf/scale.py: most of its slow dialogs were one).

So, after the warm-up, :class:`IdleCollector` takes the full collections over:

- Python no longer starts them itself (the young generations are still collected as they fill,
  in a millisecond or two);
- once no key or click came for :attr:`IdleCollector.IDLE` seconds, the objects kept since the
  last time are collected (only those: a few ms) and frozen with the rest;
- under keys that never rest (or a script driving the app), the same happens once the young
  collections have passed on :attr:`IdleCollector.BUSY_YOUNG_COLLECTIONS` times (5-45 ms in
  the benchmark, instead of 100-290);
- what was frozen and has since been dropped (a dialog built in the other language, a
  notification gone) can only be freed by a collection over everything, some 300-500 ms: that
  one waits for a longer rest (:attr:`IdleCollector.RECLAIM_IDLE`), and only once the frozen
  objects have grown by :attr:`IdleCollector.RECLAIM_GROWTH`.
"""

from __future__ import annotations

import gc as _gc
import time
from typing import Any, Callable

NO_AUTOMATIC_FULL = 1_000_000_000
"""A threshold for the oldest generation that the count of young collections never reaches."""


class IdleCollector:
    """Full collections only while the coach is not pressing keys (see the module)."""

    IDLE = 2.0
    """Seconds without a key or click before the objects kept since last time are collected."""

    BUSY_YOUNG_COLLECTIONS = 10
    """Without a rest, the objects kept since last time are collected once this many young
    collections have passed them on (Python's own rule is 10, and a quarter more objects)."""

    RECLAIM_IDLE = 30.0
    """Seconds without a key or click before the frozen objects are looked at again."""

    RECLAIM_GROWTH = 100_000
    """How many objects must have been frozen since the last look at them all."""

    def __init__(self, gc: Any = _gc, clock: Callable[[], float] = time.monotonic) -> None:
        self.gc = gc
        self.clock = clock
        self._thresholds: tuple[int, int, int] | None = None
        self._frozen_after_reclaim = 0
        self.collections = 0
        """Collections made so far (of the new objects, or of everything)."""
        self.reclaims = 0
        """Of those, the collections over everything, the frozen objects too."""

    @property
    def holding(self) -> bool:
        """Whether Python's own full collections are held back (between hold and release)."""
        return self._thresholds is not None

    def hold(self) -> None:
        """Take full collections over (the objects of the moment are frozen already)."""
        if self._thresholds is None:
            self._thresholds = self.gc.get_threshold()
            young, middle, _ = self._thresholds
            self.gc.set_threshold(young, middle, NO_AUTOMATIC_FULL)
        self._frozen_after_reclaim = self.gc.get_freeze_count()

    def release(self) -> None:
        """Give full collections back to Python, as they were (another app in the same
        process, the tests', expects Python's own)."""
        if self._thresholds is not None:
            self.gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def tick(self, last_input: float) -> str | None:
        """Collect if the coach has rested long enough (called every second or so with the time
        of the last key or click); what was done: ``"new"``, ``"all"`` or None."""
        if self._thresholds is None:
            return None
        rest = self.clock() - last_input
        gc = self.gc
        if (rest >= self.RECLAIM_IDLE
                and gc.get_freeze_count() - self._frozen_after_reclaim >= self.RECLAIM_GROWTH):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._frozen_after_reclaim = gc.get_freeze_count()
            self.collections += 1
            self.reclaims += 1
            return "all"
        # Objects that outlived a young collection since the last full one: collected with the
        # rest of the unfrozen (a few thousand, a few ms), then frozen. At a rest, as soon as
        # there are any; under keys that never rest (or a script driving the app), once they
        # have added up, as Python would, but only over what came since last time.
        waiting = gc.get_count()[2]
        if waiting < (1 if rest >= self.IDLE else self.BUSY_YOUNG_COLLECTIONS):
            return None
        gc.collect()
        gc.freeze()
        self.collections += 1
        return "new"
