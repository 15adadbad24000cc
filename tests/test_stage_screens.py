"""The five stage screens on the demo lab (Kabupaten Sorong, 2021): what each shows, and that it
keeps up with the session as the coach changes it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import Digits, Input, TabbedContent

from facilitator import i18n
from facilitator.app import FacilitatorApp
from facilitator.app.widgets.countdown import Countdown
from facilitator.app.widgets.funnel_chart import FunnelChart, bar
from facilitator.app.widgets.tables import RecordTable
from facilitator.core import runsheet, seal
from facilitator.core.milestones import step_status
from facilitator.core.progress import completeness, target_progress
from facilitator.core.records import (
    PROFILE_FIELDS, ActionPlan, AgendaItem, Commitment, Idea, Participant, Unit,
)
from facilitator.core.session import Session
from facilitator.core.stats import stats
from facilitator.settings import Settings

from pilot_keys import shown

MARKUP_TITLE = "[bold]x[/bold] [link=http://a]y[/link]"
SIZE = (80, 24)
STAGE_KEYS = {"drumup": "1", "diagnose": "2", "design": "3", "deliver": "4", "display": "5"}


def make_app(tmp_path, session, lang: str = "id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


async def open_stage(pilot, stage: str):
    """Go to a stage as the coach does, with its number key, and let it settle."""
    await pilot.press(STAGE_KEYS[stage])
    await pilot.pause()
    screen = pilot.app.screen
    assert screen.STAGE == stage
    return screen


def table_texts(table: RecordTable, column: int) -> list[str]:
    """The text each row shows in one column."""
    return [table.get_row_at(row)[column].plain for row in range(table.row_count)]


# -- what each screen looks like -------------------------------------------------------------------

@pytest.mark.parametrize("stage", list(STAGE_KEYS))
def test_stage_screen_snapshot(snap_compare, tmp_path, demo, stage):
    async def settle(pilot):
        await pilot.press(STAGE_KEYS[stage])
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, demo), terminal_size=SIZE, run_before=settle)


# -- Diagnose: the brainstorm's list ---------------------------------------------------------------

def expected_matches(session: Session, query: str) -> list[str]:
    """The titles the filter should leave: the query in the title or the unit, any case."""
    units = {u.id: u.name for u in session.all(Unit)}
    return [i.title for i in session.ideas()
            if query.casefold() in f"{i.title} {units.get(i.unit_id, '')}".casefold()]


async def test_the_filter_narrows_the_ideas_as_you_type(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, "diagnose")
        table = screen.query_one("#ideas-table", RecordTable)
        assert table.row_count == len(demo.ideas()) == 64
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        sizes = []
        for key in "ternak":
            await pilot.press(key)
            sizes.append(table.row_count)
        assert sizes == sorted(sizes, reverse=True) and sizes[-1] < sizes[0] < 64
        assert table_texts(table, 0) == expected_matches(demo, "ternak")
        assert "dari 64 ide" in shown(screen.query_one("#idea-counts"))
        # Escape empties the filter and gives the keys back to the list.
        await pilot.press("escape")
        assert table.row_count == 64 and app.focused is table
        # A unit's name finds its ideas whatever their titles say.
        await pilot.press("slash", *"mayamuk")
        assert table_texts(table, 0) == expected_matches(demo, "mayamuk")
        assert set(table_texts(table, 1)) == {"Distrik Mayamuk"}


async def test_markup_typed_in_an_idea_shows_literally(tmp_path, demo):
    unit = demo.all(Unit)[0]
    demo.add(Idea(title=MARKUP_TITLE, unit_id=unit.id))
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_stage(pilot, "diagnose")
        table = screen.query_one("#ideas-table", RecordTable)
        row = table_texts(table, 0).index(MARKUP_TITLE)
        cell = table.get_row_at(row)[0]
        assert cell.plain == MARKUP_TITLE and cell.spans == [] and not cell.style
        table.move_cursor(row=row)
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(table.size.height)]
        assert any(MARKUP_TITLE in line for line in lines)


async def test_a_new_idea_shows_in_the_counts_after_refresh(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, "diagnose")
        ideas = screen.query_one("#ideas-table", RecordTable)
        per_unit = screen.query_one("#unit-counts-table", RecordTable)
        unit = next(u for u in demo.all(Unit) if u.name == "Distrik Mayamuk")
        before = int(per_unit.get_row(unit.id)[1].plain)
        assert shown(screen.query_one("#idea-counts")) == "64 ide · 24 OPD"

        demo.add(Idea(title="Kampung digital Mayamuk", unit_id=unit.id))
        screen.refresh_data()
        await pilot.pause()

        assert ideas.row_count == 65 and "Kampung digital Mayamuk" in table_texts(ideas, 0)
        assert shown(screen.query_one("#idea-counts")) == "65 ide · 24 OPD"
        assert int(per_unit.get_row(unit.id)[1].plain) == before + 1
        assert screen.query_one("#diagnose-tabs").get_tab("tab-ideas").label.plain == "Ide (65)"


async def test_refresh_keeps_the_cursor_on_its_idea(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, "diagnose")
        table = screen.query_one("#ideas-table", RecordTable)
        await pilot.press("down", "down", "down")
        chosen = table.cursor_key
        demo.delete(demo.get(Idea, table.row_keys[0]))
        screen.refresh_data()
        await pilot.pause()
        assert table.cursor_key == chosen and table.cursor_row == 2
        # Undo brings the idea back above it; the cursor still follows its idea.
        demo.undo()
        screen.refresh_data()
        await pilot.pause()
        assert table.cursor_key == chosen and table.cursor_row == 3
        # An edit changes the row in place.
        demo.edit(demo.get(Idea, chosen), title="Posyandu [keliling] 🚐")
        screen.refresh_data()
        await pilot.pause()
        assert table.cursor_key == chosen and table_texts(table, 0)[3] == "Posyandu [keliling] 🚐"


async def test_the_app_refreshes_the_screen_after_a_change_and_after_undo(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, "diagnose")
        table = screen.query_one("#ideas-table", RecordTable)
        demo.add(Idea(title="Ide dari ruang", unit_id=demo.all(Unit)[0].id))
        await pilot.pause()
        assert table.row_count == 65
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert table.row_count == 64 and "Ide dari ruang" not in table_texts(table, 0)


# -- the other stages ------------------------------------------------------------------------------

async def test_drumup_shows_the_lab_its_targets_and_who_checked_in(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stage(pilot, "drumup")
        assert "Kabupaten Sorong, Papua Barat" in shown(screen.query_one("#lab-place"))
        assert "16–18 Jun 2021" in shown(screen.query_one("#lab-place"))
        assert "ide 64/60 ✓" in shown(screen.query_one("#lab-targets"))
        people = demo.all(Participant)
        present = sum(1 for p in people if p.attendance)
        attendance = shown(screen.query_one("#attendance"))
        assert f"{present} dari {len(people)} peserta" in attendance
        day2 = sum(1 for p in people if "2021-06-17" in p.attendance)
        assert f"H2: {day2}" in attendance
        table = screen.query_one("#participants-table", RecordTable)
        assert table_texts(table, 4) == [
            "✓" if "2021-06-17" in p.attendance else "·" for p in people]
        assert screen.query_one("#units-table", RecordTable).row_count == 24


async def test_design_gives_the_reason_for_every_decision_of_the_chosen_round(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stage(pilot, "design")
        assert "64 → 52 → 41" in shown(screen.query_one("#funnel-summary"))
        decisions = screen.query_one("#decisions-table", RecordTable)
        # The newest round first: its pool of 52, of which 11 were cut.
        assert decisions.row_count == 52
        assert table_texts(decisions, 2).count("gugur") == 11
        assert all(reason.strip() for reason in table_texts(decisions, 3))
        screen.query_one("#rounds-table", RecordTable).focus()
        await pilot.press("up")
        await pilot.pause()
        assert decisions.row_count == 64 and table_texts(decisions, 2).count("gugur") == 12
        plans = screen.query_one("#plans-table", RecordTable)
        expected = [f"{completeness(p).percent}%" for p in demo.all(ActionPlan)]
        assert table_texts(plans, 3) == expected and len(expected) == 8


async def test_the_chosen_round_stays_chosen_when_the_language_changes(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, "design")
        assert screen.query_one("#decisions-table", RecordTable).row_count == 52
        await pilot.press("ctrl+l")
        await pilot.pause()
        decisions = app.screen.query_one("#decisions-table", RecordTable)
        assert decisions.row_count == 52 and "kept" in table_texts(decisions, 2)
        assert app.screen.query_one("#rounds-table", RecordTable).cursor_row == 1
    i18n.set_language("id")


async def test_deliver_shows_each_seal_and_each_milestone_status(tmp_path, demo, clinic_day):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stage(pilot, "deliver")
        table = screen.query_one("#commitments-table", RecordTable)
        statuses = table_texts(table, 4)
        assert statuses[:6] == [f"disegel {seal.short_code(c.seal)}" for c in demo.sealed()]
        unsigned = sum(1 for c in demo.all(Commitment) if not c.sealed_at)
        assert statuses[6:] == ["belum ditandatangani"] * unsigned and unsigned > 0
        assert "rantai segel utuh" in shown(screen.query_one("#commitments-note"))
        steps = [step for plan in demo.all(ActionPlan) for step in plan.steps]
        words = {"not_started": "belum mulai", "in_progress": "berjalan", "done": "selesai",
                 "late": "terlambat"}
        milestones = screen.query_one("#milestones-table", RecordTable)
        assert sorted(table_texts(milestones, 5)) == sorted(
            words[step_status(step, clinic_day)] for step in steps)


async def test_display_shows_big_numbers_and_one_bar_per_funnel_stage(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, "display")
        figures = stats(demo)
        for key in ("ideas", "selected", "opds", "commitments"):
            assert screen.query_one(f"#num-{key}", Digits).value == str(figures[key])
        chart = screen.query_one(FunnelChart)
        assert [value for _, value in chart.stages] == [64, 52, 41]
        lines = [chart.render_line(y).text for y in range(chart.size.height)]
        bars = [line.count("█") for line in lines if line.strip()]
        assert bars[0] > bars[1] > bars[2] > 0
        assert all(len(line.rstrip()) <= chart.size.width for line in lines)


async def test_the_screens_read_in_english(tmp_path, demo):
    app = make_app(tmp_path, demo, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, "drumup")
        tabs = screen.query_one("#drumup-tabs")
        assert tabs.get_tab("tab-participants").label.plain.startswith("Participants (")
        units = screen.query_one("#units-table", RecordTable)
        assert [c.label.plain for c in units.ordered_columns][0] == "Unit"
        screen = await open_stage(pilot, "design")
        assert "kept" in table_texts(screen.query_one("#decisions-table", RecordTable), 2)
    i18n.set_language("id")


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_every_table_fits_the_terminal_width(tmp_path, demo, size):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=size) as pilot:
        for stage in STAGE_KEYS:
            screen = await open_stage(pilot, stage)
            for table in screen.query(RecordTable):
                if table.display and table.size.width:
                    assert table.virtual_size.width <= table.size.width, (stage, table.id)


# -- the run-sheet's timer from any stage ---------------------------------------------------------

@pytest.mark.parametrize("stage", ["design", "display"])
async def test_the_timer_keys_drive_the_run_sheet_from_any_stage(tmp_path, demo, monkeypatch,
                                                                  stage):
    # The second morning in Sorong, 08:00 WIT; the clock moves only when the test says so.
    now = [datetime(2021, 6, 17, 8, 0, tzinfo=timezone(timedelta(hours=9)))]
    monkeypatch.setattr(Countdown, "clock", staticmethod(lambda: now[0]))
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stage(pilot, stage)
        countdown = screen.query_one(Countdown)
        assert runsheet.current(demo.all(AgendaItem)) is None

        await pilot.press("f5")  # nothing on: the day's first item starts
        await pilot.pause()
        first = runsheet.current(demo.all(AgendaItem))
        assert (first.day, first.title) == ("2021-06-17", "Registrasi peserta")
        assert "▶ 30:00" in shown(countdown)

        now[0] += timedelta(minutes=10)
        await pilot.press("f5")  # pause
        await pilot.pause()
        now[0] += timedelta(minutes=5)
        countdown.tick()
        assert runsheet.state(demo.get(AgendaItem, first.id)) == runsheet.PAUSED
        assert "⏸ 20:00" in shown(countdown)
        await pilot.press("f5", "f6")  # resume, five more minutes
        await pilot.pause()
        countdown.tick()
        assert "▶ 25:00" in shown(countdown)

        await pilot.press("f7")  # the item ends, the next one starts
        await pilot.pause()
        done = demo.get(AgendaItem, first.id)
        assert (done.actual_start, done.actual_end) == ("08:00", "08:15")
        assert done.paused_seconds == 300 and done.extra_minutes == 5
        following = runsheet.current(demo.all(AgendaItem))
        assert following.title == "Curah gagasan ide inovasi per OPD"
        assert "▶ 2:00:00" in shown(countdown)
        assert app.screen is screen


# -- the figures behind the screens ----------------------------------------------------------------

@pytest.mark.parametrize("step, status", [
    ({"start": "2021-11-20", "end": "2021-12-01"}, "not_started"),
    ({"start": "2021-11-15", "end": "2021-12-01"}, "in_progress"),
    ({"start": "2021-11-01", "end": "2021-11-15"}, "in_progress"),
    ({"start": "2021-11-01", "end": "2021-11-14"}, "late"),
    ({"start": "2021-11-01", "end": "2021-11-14", "done": True}, "done"),
    ({"start": "2021-12-01", "status": "done"}, "done"),
    ({"start": "", "end": ""}, "not_started"),
    ({"start": "besok", "end": "nanti"}, "not_started"),
])
def test_a_milestone_status_follows_its_dates(step, status, clinic_day):
    assert step_status(step, clinic_day) == status


def test_plan_completeness_counts_filled_profile_fields_and_short_designs():
    empty = completeness(ActionPlan())
    assert empty.percent == 0 and empty.missing == PROFILE_FIELDS
    half = completeness(ActionPlan(profile={name: "isi" for name in PROFILE_FIELDS[:6]}))
    assert half.percent == 50 and half.design_short
    full = completeness(ActionPlan(profile={
        **{name: "isi" for name in PROFILE_FIELDS}, "rancang_bangun": "kata " * 300}))
    assert full.percent == 100 and not full.missing and not full.design_short


def test_targets_count_ideas_and_the_units_that_have_an_innovation(demo):
    progress = {p.key: p for p in target_progress(demo)}
    assert (progress["ideas"].actual, progress["ideas"].out_of) == (64, 60)
    with_one = {demo.get(Idea, i).unit_id for i in demo.selected_ids()}
    assert progress["innovations_per_unit"].actual == len(with_one)
    assert progress["innovations_per_unit"].out_of == 24


def test_funnel_bars_scale_to_the_room():
    assert bar(64, 64, 20) == "█" * 20
    assert bar(32, 64, 20) == "█" * 10
    assert len(bar(41, 64, 20)) == 13 and bar(0, 64, 20) == ""


@pytest.mark.parametrize("stage, tabs_id, first, second", [
    ("deliver", "deliver-tabs", "tab-commitments", "tab-plans"),
    ("display", "display-tabs", "tab-dashboard", "tab-catalogue"),
])
async def test_square_brackets_go_from_tab_to_tab_on_every_stage(tmp_path, demo, stage, tabs_id,
                                                                  first, second):
    """``]`` and ``[`` work on the stages that have no tab keys of their own too."""
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stage(pilot, stage)
        tabs = screen.query_one(f"#{tabs_id}", TabbedContent)
        tabs.active = first
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert tabs.active == second
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert tabs.active == first
