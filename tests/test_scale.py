"""The biggest labs: a session of 3,000 ideas, 300 participants and 50 units (built as the scale
benchmark, tests/perf/scale.py, builds it) opens on every stage screen, and work on it touches
only what changed. The timings are the benchmark's; here, what a slow path would do is counted."""

from __future__ import annotations

import asyncio
import functools
import importlib.util
from pathlib import Path

import pytest
from textual.widgets import DataTable

from facilitator.app import FacilitatorApp
from facilitator.app.screens.base import StageScreen
from facilitator.app.screens.diagnose_capture import IdeasPane
from facilitator.app.widgets.score_grid import ScoreGrid
from facilitator.app.widgets.tables import RecordTable
from facilitator.core.records import STAGES
from facilitator.core.session import Session
from facilitator.settings import Settings

SCALE = Path(__file__).resolve().parent / "perf" / "scale.py"


def run_async(test):
    """Run an async test on its own event loop (the suite has no asyncio plugin)."""
    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))
    return wrapper


@pytest.fixture(scope="module")
def scale_file(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("scale_bench", SCALE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("scale") / "scale.json"
    counts = module.build_session(path)
    assert (counts["ideas"], counts["participants"], counts["units"]) == (3000, 300, 50)
    return path


@pytest.fixture
def scale(scale_file, tmp_path):
    copy = tmp_path / "scale.json"
    copy.write_bytes(scale_file.read_bytes())
    session = Session.open(copy, actor="coach@test")
    yield session
    session.close()


async def show_stage(pilot, number: int) -> StageScreen:
    await pilot.press(str(number))
    while not getattr(pilot.app.screen, "body_ready", False):
        await pilot.pause(0.05)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StageScreen) and screen.STAGE == STAGES[number - 1]
    return screen


@run_async
async def test_every_stage_opens_on_the_scale_session(tmp_path, scale):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=scale)
    async with app.run_test(size=(100, 30)) as pilot:
        for number in (1, 2, 3, 4, 5, 2):
            screen = await show_stage(pilot, number)
            tables = list(screen.query(DataTable))
            assert tables or screen.STAGE == "display", screen.STAGE
            if screen.STAGE == "diagnose":
                assert screen.query_one("#ideas-table", RecordTable).row_count == 3000
            if screen.STAGE == "drumup":
                assert any(t.row_count == 300 for t in tables)  # the participants
        screen = await show_stage(pilot, 3)
        screen.show_tab("scores")
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one(ScoreGrid).row_count == 3000


@run_async
async def test_a_capture_at_three_thousand_ideas_patches_the_list(tmp_path, scale):
    """Enter adds one row: the 3,000 others are not built again, nor measured one by one."""
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=scale)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_stage(pilot, 2)
        pane = app.screen.query_one(IdeasPane)
        table = pane.table
        assert table.row_count == 3000
        builds = table.full_rebuilds
        measured = []
        measure = DataTable._update_dimensions  # measures each cell of every new row

        def counting(self, new_rows):
            measured.append(len(list(new_rows)))
            return measure(self, new_rows)

        DataTable._update_dimensions = counting
        try:
            await pilot.press("n")
            for title in ("Antrean Puskesmas lewat SMS", "Izin usaha satu pintu"):
                pane.capture_field.value = title
                await pilot.press("enter")
                await pilot.pause()
        finally:
            DataTable._update_dimensions = measure
        assert [i.title for i in scale.ideas()[-2:]] == ["Antrean Puskesmas lewat SMS",
                                                          "Izin usaha satu pintu"]
        assert table.row_count == 3002 and table.cursor_key == scale.ideas()[-1].id
        assert table.full_rebuilds == builds
        assert measured == []  # the table's widths are its own: no cell is measured
        # The new width of a resized terminal refits the columns; the rows stay.
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert table.full_rebuilds == builds and table.row_count == 3002


def small_session(path: Path) -> Session:
    from facilitator.core.records import Idea, Unit

    session = Session.create(path, region="Kabupaten Sorong", date="2021-06-16")
    unit = session.add(Unit(name="Dinas Kesehatan"))
    for n in range(3):
        session.add(Idea(title=f"Ide {n}", unit_id=unit.id))
    return session


@run_async
async def test_a_stage_shown_again_after_a_theme_change_wears_the_new_theme(tmp_path):
    """A return visit skips restyling a screen whose styles cannot have changed (thousands of
    rows cost tens of milliseconds); a theme changed while it was hidden must still reach it."""
    session = small_session(tmp_path / "sorong.json")
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=session)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            # Diagnose shown, hidden, shown and hidden again: from now on it is a return visit.
            for number in (2, 1, 2, 1):
                await show_stage(pilot, number)
            diagnose = app.get_screen_stack("diagnose")[0]
            table = diagnose.query_one("#ideas-table", RecordTable)
            before = (diagnose.styles.background, table.styles.color)
            assert app.theme != "proyektor"
            app.change_theme("proyektor")
            await pilot.pause()
            drumup = await show_stage(pilot, 1)  # any change the theme makes is there at once
            shown = await show_stage(pilot, 2)
            assert shown is diagnose
            after = (diagnose.styles.background, table.styles.color)
            assert after != before
            assert diagnose.styles.background == drumup.styles.background
            assert str(diagnose.styles.background.hex).upper() == "#000000"
    finally:
        session.close()

