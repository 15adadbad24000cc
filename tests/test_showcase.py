"""The showcase at the launch: the lab's innovations on the wall one at a time, advancing by
themselves, with the coach stepping back and forth or pausing while a head of unit speaks."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from facilitator import i18n
from facilitator.app import FacilitatorApp
from facilitator.app.screens.showcase import (
    DEFAULT_INTERVAL, INTERVAL_STEP, MAX_INTERVAL, MIN_INTERVAL, ShowcaseScreen, build_slides,
    shorten,
)
from facilitator.core.records import Idea, Unit
from facilitator.core.seal import short_code
from facilitator.core.session import Session
from facilitator.export.common import selected_by_unit
from facilitator.settings import Settings

MARKUP_TITLE = "[bold]Pasar[/bold] [link=http://x]ikan[/link]"


def make_app(tmp_path, session, lang: str = "id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


def first_sealed(session: Session) -> int:
    """The position of the first slide whose commitment is sealed."""
    return next(n for n, s in enumerate(build_slides(session)) if s.seal and s.seal.sealed)


async def start_showcase(pilot) -> ShowcaseScreen:
    await pilot.press("5")
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ShowcaseScreen)
    return screen


def shown(screen: ShowcaseScreen, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}", Static).render())


# -- what the wall shows ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_showcase_snapshot(snap_compare, tmp_path, demo, size):
    """A sealed innovation with its plan's highlights, as the hall sees it."""
    steps = first_sealed(demo)

    async def settle(pilot):
        await start_showcase(pilot)
        for _ in range(steps):
            await pilot.press("right")
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, demo), terminal_size=size, run_before=settle)


def test_slides_follow_the_catalogue_and_carry_the_seal(demo):
    slides = build_slides(demo)
    catalogue = [(unit, item.idea.id) for unit, items in selected_by_unit(demo) for item in items]
    assert [s.idea_id for s in slides] == [idea for _, idea in catalogue] and len(slides) == 41
    assert [s.unit for s in slides] == [unit for unit, _ in catalogue]
    sealed = {c.idea_id: short_code(c.seal) for c in demo.sealed()}
    assert {s.idea_id: s.seal.code for s in slides if s.seal and s.seal.sealed} == sealed


def test_a_long_story_is_cut_at_a_word():
    text = "kata " * 100
    short = shorten(text, 40)
    assert short.endswith("…") and len(short) <= 41 and "kat…" not in short


async def test_a_slide_shows_the_unit_the_title_the_profile_and_the_seal(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_showcase(pilot)
        for _ in range(first_sealed(demo)):
            await pilot.press("right")
        slide = screen.slide
        idea = demo.get(Idea, slide.idea_id)
        commitment = next(c for c in demo.sealed() if c.idea_id == idea.id)
        assert shown(screen, "showcase-title") == idea.title
        assert shown(screen, "showcase-unit") == demo.unit_name(idea.unit_id)
        assert "Tahapan" in shown(screen, "showcase-facts")
        assert "Tujuan:" in shown(screen, "showcase-story")
        seal_text = shown(screen, "showcase-seal")
        assert short_code(commitment.seal) in seal_text
        assert commitment.official["name"] in seal_text
        assert shown(screen, "showcase-count") == f"{screen.index + 1} / 41"


async def test_typed_markup_in_a_title_shows_as_typed(tmp_path):
    from facilitator.core import funnel

    session = Session.create(tmp_path / "lab.json", region="Kota [Banjar]", actor="coach")
    unit = session.add(Unit(name="Dinas [Kesehatan]"))
    idea = session.add(Idea(title=MARKUP_TITLE, unit_id=unit.id))
    funnel.apply_round(session, "Pilihan", funnel.preview(
        session, {"kind": "pick", "keep": [idea.id]}))
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_showcase(pilot)
            assert shown(screen, "showcase-title") == MARKUP_TITLE
            assert shown(screen, "showcase-unit") == "Dinas [Kesehatan]"
            assert "Kota [Banjar]" in str(screen.query_one("#showcase-heading").render())
    finally:
        session.close()


# -- moving through the innovations ----------------------------------------------------------------

async def test_next_and_previous_step_through_and_wrap_round(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_showcase(pilot)
        titles = [s.title for s in screen.slides]
        assert screen.index == 0 and shown(screen, "showcase-title") == titles[0]
        await pilot.press("right", "n", "pagedown")
        assert screen.index == 3 and shown(screen, "showcase-title") == titles[3]
        await pilot.press("left")
        assert screen.index == 2 and shown(screen, "showcase-title") == titles[2]
        await pilot.press("home", "left")
        assert screen.index == 40 and shown(screen, "showcase-title") == titles[40]
        await pilot.press("right")
        assert screen.index == 0 and shown(screen, "showcase-count") == "1 / 41"


async def test_the_timer_advances_the_slides_until_paused(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_showcase(pilot)
        assert screen.interval == DEFAULT_INTERVAL and not screen.paused
        assert "15 detik" in shown(screen, "showcase-status")
        # Time passes: the timer calls tick() once per interval.
        screen.tick()
        screen.tick()
        await pilot.pause()
        assert screen.index == 2 and shown(screen, "showcase-count") == "3 / 41"
        await pilot.press("space")
        assert screen.paused and "dijeda" in shown(screen, "showcase-status")
        screen.tick()
        screen.tick()
        assert screen.index == 2  # paused: the head of unit is still speaking
        await pilot.press("right")
        assert screen.index == 3  # the coach can still step by hand
        await pilot.press("space")
        screen.tick()
        assert not screen.paused and screen.index == 4


async def test_the_real_timer_drives_the_slides_at_the_chosen_interval(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = ShowcaseScreen(demo, interval=0.05)
        await app.push_screen(screen)
        assert screen.interval == MIN_INTERVAL  # never faster than a hall can read
        screen.set_interval_seconds(0)
        assert screen.interval == MIN_INTERVAL
        # The timer itself, not tick() by hand: made fast here by giving it a short interval.
        screen._timer.stop()
        screen._timer = screen.set_interval(0.01, screen.tick)
        for _ in range(50):
            await pilot.pause(0.01)
            if screen.index >= 2:
                break
        assert screen.index >= 2


async def test_plus_and_minus_change_the_seconds_per_slide(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_showcase(pilot)
        await pilot.press("plus")
        assert screen.interval == DEFAULT_INTERVAL + INTERVAL_STEP
        assert screen._timer._interval == screen.interval
        assert "20 detik" in shown(screen, "showcase-status")
        await pilot.press("minus", "minus", "minus", "minus")
        assert screen.interval == MIN_INTERVAL
        for _ in range(40):
            await pilot.press("plus")
        assert screen.interval == MAX_INTERVAL
        await pilot.press("space")
        await pilot.press("minus")
        assert screen.paused and screen._timer._active.is_set() is False
        # Esc goes back, and the next showcase keeps the seconds the coach chose.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.STAGE == "display"
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.interval == MAX_INTERVAL - INTERVAL_STEP


async def test_the_showcase_starts_at_the_innovation_chosen_in_the_catalogue(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("down", "down")  # past the next unit's name, to its innovation
        chosen = app.screen.query_one("#catalogue").highlighted_idea
        assert chosen and chosen != build_slides(demo)[0].idea_id
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.slide.idea_id == chosen


async def test_before_any_round_the_showcase_says_so(tmp_path):
    session = Session.create(tmp_path / "new.json", region="Kota Banjar", actor="coach")
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_showcase(pilot)
            assert screen.slides == []
            assert "Belum ada inovasi terpilih" in shown(screen, "showcase-empty")
            await pilot.press("right", "space")
            screen.tick()
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.STAGE == "display"
    finally:
        session.close()


async def test_the_showcase_reads_in_english_and_keeps_its_place(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_showcase(pilot)
        for _ in range(first_sealed(demo)):
            await pilot.press("right")
        place = screen.index
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.index == place
        assert "Stage" in shown(screen, "showcase-facts")
        assert "Trial" in shown(screen, "showcase-facts")
        assert "Commitment sealed" in shown(screen, "showcase-seal")
        assert "15 seconds" in shown(screen, "showcase-status")
    i18n.set_language("id")


async def test_the_projector_key_switches_the_theme_and_back(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_showcase(pilot)
        before = app.theme
        await pilot.press("t")
        assert app.theme == "proyektor"
        await pilot.press("t")
        assert app.theme == before
