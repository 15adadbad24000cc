"""The garbage collector kept off the coach's keys (facilitator/app/collector.py), and the
change to Textual that stops drawing from leaving garbage only it can free.

A full collection over the objects of a session of 3,000 ideas took 100-290 ms and fell on
whatever key set it off. What the coach must be able to count on: after the warm-up, Python
does not start one by itself; the app collects what came since last time when the keys rest,
or, under keys without a rest, once enough has come, and never walks everything again unless
the coach has rested a long while.
"""

from __future__ import annotations

import gc
import sys

from facilitator.app.collector import NO_AUTOMATIC_FULL, IdleCollector


class FakeGC:
    """The parts of :mod:`gc` the collector uses, recording what it was asked to do."""

    def __init__(self) -> None:
        self.threshold = (700, 10, 10)
        self.count = [0, 0, 0]
        self.frozen = 300_000
        self.calls: list[str] = []

    def get_threshold(self):
        return self.threshold

    def set_threshold(self, *values):
        self.threshold = tuple(values)

    def get_count(self):
        return tuple(self.count)

    def get_freeze_count(self):
        return self.frozen

    def collect(self):
        self.calls.append("collect")
        self.count = [0, 0, 0]

    def freeze(self):
        self.calls.append("freeze")
        self.frozen += 1_000

    def unfreeze(self):
        self.calls.append("unfreeze")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def make() -> tuple[IdleCollector, FakeGC, Clock]:
    fake, clock = FakeGC(), Clock()
    return IdleCollector(gc=fake, clock=clock), fake, clock


def test_after_the_warm_up_python_starts_no_full_collection_until_released():
    collector, fake, clock = make()
    assert collector.tick(last_input=0.0) is None  # not holding yet: Python's own way
    collector.hold()
    assert fake.threshold == (700, 10, NO_AUTOMATIC_FULL) and collector.holding
    collector.hold()  # a second warm-up (another session) keeps the first thresholds
    collector.release()
    assert fake.threshold == (700, 10, 10) and not collector.holding
    assert fake.calls == []


def test_while_keys_come_nothing_is_collected_until_enough_has_come():
    collector, fake, clock = make()
    collector.hold()
    fake.count[2] = collector.BUSY_YOUNG_COLLECTIONS - 1
    assert collector.tick(last_input=clock.now - 0.1) is None
    assert fake.calls == []
    fake.count[2] = collector.BUSY_YOUNG_COLLECTIONS
    assert collector.tick(last_input=clock.now - 0.1) == "new"
    # Only what came since last time: nothing unfrozen, then everything frozen again.
    assert fake.calls == ["collect", "freeze"]


def test_once_the_keys_rest_what_came_since_is_collected_once():
    collector, fake, clock = make()
    collector.hold()
    fake.count[2] = 1
    assert collector.tick(last_input=clock.now - collector.IDLE + 0.5) is None
    assert collector.tick(last_input=clock.now - collector.IDLE) == "new"
    assert fake.calls == ["collect", "freeze"]
    # Nothing came since: the rest goes on without collecting again.
    assert collector.tick(last_input=clock.now - collector.IDLE - 5) is None
    assert fake.calls == ["collect", "freeze"] and collector.collections == 1


def test_everything_is_walked_again_only_after_a_long_rest_and_enough_frozen_since():
    collector, fake, clock = make()
    collector.hold()
    fake.frozen += collector.RECLAIM_GROWTH - 1
    long_rest = clock.now - collector.RECLAIM_IDLE
    assert collector.tick(last_input=long_rest) is None  # not enough frozen since
    fake.frozen += 1
    assert collector.tick(last_input=clock.now - collector.IDLE) is None  # rest too short
    assert "unfreeze" not in fake.calls
    assert collector.tick(last_input=long_rest) == "all"
    assert fake.calls == ["unfreeze", "collect", "freeze"] and collector.reclaims == 1
    # Measured again from what is frozen now: the next long rest does not walk it all again.
    fake.count[2] = 1
    assert collector.tick(last_input=long_rest) == "new"


def test_the_real_collector_leaves_pythons_thresholds_as_they_were():
    before = gc.get_threshold()
    collector = IdleCollector()
    collector.hold()
    try:
        assert gc.get_threshold()[2] == NO_AUTOMATIC_FULL
    finally:
        collector.release()
    assert gc.get_threshold() == before


# -- the change to Textual ---------------------------------------------------------------------

def test_a_line_not_cut_is_returned_whole_and_not_kept_in_a_cycle():
    import facilitator.app.app  # noqa: F401  (makes the change)
    from rich.segment import Segment
    from textual.strip import Strip

    line = Strip([Segment("abc"), Segment("def")], 6)
    assert [s.text for s in line.divide([6])] == ["abcdef"]
    assert line.divide([6])[0] is line
    assert [s.text for s in line.divide([2, 6])] == ["ab", "cdef"]
    assert [s.text for s in line.divide(iter([3, 6]))] == ["abc", "def"]
    # Nothing holds the line but its owner: it goes as soon as it is dropped, not with the
    # full collection.
    whole = Strip([Segment("x" * 10)], 10)
    held = sys.getrefcount(whole)
    whole.divide([10])
    assert sys.getrefcount(whole) == held
