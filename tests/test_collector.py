"""The garbage collector kept off the coach's keys (facilitator/app/collector.py), and the two
changes to Textual that stop drawing and restyling from leaving garbage only it can free.

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


# -- the two changes to Textual -----------------------------------------------------------------

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


async def test_restyling_a_widget_keeps_one_hidden_node_per_part_and_follows_the_theme(tmp_path):
    from textual.app import App
    from textual.widgets import DataTable, Input

    class Two(App):
        def compose(self):
            yield Input()
            yield DataTable()

    app = Two()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        table.add_columns("a")
        table.add_row("x")
        await pilot.pause()
        parts = dict(table.__dict__["_facilitator_parts"])
        cursor = table._component_styles["datatable--cursor"]
        background = table.get_component_styles("datatable--cursor").background
        looks = set()
        for _ in range(3):  # the focus moved back and forth: the table restyled each time
            table.focus()
            await pilot.pause()
            focused = table.get_component_styles("datatable--cursor").background
            drawn_focused = str(table.render_line(1))
            app.query_one(Input).focus()
            await pilot.pause()
            looks.add((focused, table.get_component_styles("datatable--cursor").background))
            # The cursor's row is drawn in the colours of the moment, not those of the last.
            assert str(table.render_line(1)) != drawn_focused
        ((focused, unfocused),) = looks
        assert focused != unfocused
        assert table.__dict__["_facilitator_parts"] == parts  # the same nodes
        assert table._component_styles["datatable--cursor"] is cursor
        # Another theme: the parts take its colours, and the table is drawn with them.
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert table.get_component_styles("datatable--cursor").background != background


async def test_a_part_no_rule_matches_any_more_is_drawn_as_if_styled_anew():
    """A radio button that was the selected one, no longer: its label's hidden node had the
    highlight's background and no rule sets it any more. Kept as it was, the button still
    showed the highlight (a kept dialog did, one built new did not)."""
    from textual.app import App
    from textual.widgets import RadioButton, RadioSet

    class Choices(App):
        def compose(self):
            with RadioSet():
                yield RadioButton("first", value=True)
                yield RadioButton("second")
                yield RadioButton("third")
                yield RadioButton("fourth")

    app = Choices()
    async with app.run_test() as pilot:
        first, second, third, fourth = app.query(RadioButton)
        app.query_one(RadioSet).focus()
        await pilot.pause()
        label = lambda button: dict(button._component_styles["toggle--label"].base._rules)
        assert label(first) != label(third)  # highlighted: the one selected
        await pilot.press("down", "down")  # the highlight moved to the third
        await pilot.pause()
        assert "-selected" in third.classes and "-selected" not in first.classes
        # The first and the second are styled as the fourth, which was never highlighted.
        assert label(first) == label(second) == label(fourth) != label(third)
        plain = fourth.get_component_rich_style("toggle--label")
        assert first.get_component_rich_style("toggle--label") == plain
        assert second.get_component_rich_style("toggle--label") == plain
