"""The list of likely duplicates (Design, ideas tab, s) as the coach meets it.

The app looks for them while the coach pauses, after its warm-up and again after the ideas
change, a slice of a few milliseconds at a time (app/duplicates.py): the list then opens at
once. It shows a line per group (a thousand groups at 3,000 ideas) and the titles of the group
under the cursor, literally.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from facilitator.app import FacilitatorApp
from facilitator.app.duplicates import DuplicateFinder
from facilitator.app.screens.design import DesignScreen
from facilitator.app.screens.merge_ideas import DETAIL_LINES, MergeIdeasDialog, SuggestionsDialog
from facilitator.core import funnel
from facilitator.core.records import Idea, Unit
from facilitator.core.session import Session
from facilitator.i18n import t
from facilitator.settings import Settings

from pilot_keys import picture, settle, shown

SIZE = (80, 24)
MARKUP = "[bold]Posyandu[/bold] [link=http://x]daring[/link] antrean"


def session_with_groups(path, *, big: int = 8) -> tuple[Session, list[Idea], list[Idea]]:
    """A session with two groups of alike titles (``big`` ideas with markup in their titles,
    and two), and ideas alike to none."""
    session = Session.create(path, region="Kabupaten Uji", actor="coach")
    unit = Unit(name="OPD Uji")
    session.commit("units.add", [unit])
    many = [Idea(title=f"{MARKUP} nomor {n}", unit_id=unit.id) for n in range(big)]
    pair = [Idea(title="KTP keliling ke kampung", unit_id=unit.id),
            Idea(title="Layanan KTP keliling ke kampung", unit_id=unit.id)]
    alone = [Idea(title=title, unit_id=unit.id)
             for title in ("Bank sampah sekolah", "Pajak daerah lewat QRIS")]
    session.commit("ideas.add", [many[0], *alone, *pair, *many[1:]])
    return session, many, pair


def make_app(tmp_path, session) -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=session)


async def open_ideas_tab(pilot) -> DesignScreen:
    await pilot.press("3")
    for _ in range(50):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, DesignScreen) and screen.body_filled:
            break
    screen.show_tab("ideas")
    await settle(pilot)
    return screen


async def open_list(pilot) -> None:
    """Press s on the ideas tab and wait for the search (if any) and the list."""
    await pilot.press("s")
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


def notices(app) -> list[str]:
    return [notice.message for notice in app._notifications]


@pytest.mark.warm_up
async def test_the_duplicates_are_found_ahead_and_again_after_a_change(tmp_path):
    session, many, pair = session_with_groups(tmp_path / "dup.json")
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(app.warmed_up.wait(), 60)
            # Found in the warm-up: exactly what the whole search gives.
            assert app.duplicates.ready() == funnel.suggest_duplicates(session)
            assert len(app.duplicates.ready()) == 2
            await open_ideas_tab(pilot)
            app.clear_notifications()
            await pilot.press("s")
            await pilot.pause()
            # Shown at once: no "looking for similar titles" while the coach waits.
            assert isinstance(app.screen, SuggestionsDialog)
            assert t("design.ideas.finding") not in notices(app)
            await pilot.press("escape")
            await settle(pilot)
            # A new idea alike to the pair: what was found no longer holds...
            late = session.add(Idea(title="Layanan KTP keliling ke kampung kampung",
                                    unit_id=pair[0].unit_id))
            # (asked at once: on a loaded machine the pause below may already be long enough
            # for the search ahead to run)
            assert app.duplicates.ready() is None
            await pilot.pause()
            # ...and is found again once the coach pauses.
            for _ in range(100):
                if app.duplicates.ready() is not None:
                    break
                await pilot.pause(0.05)
            groups = app.duplicates.ready()
            assert groups == funnel.suggest_duplicates(session)
            assert [pair[0].id, pair[1].id, late.id] in groups
    finally:
        session.close()


async def test_the_list_waits_for_a_search_not_done_and_says_so(tmp_path):
    session, many, pair = session_with_groups(tmp_path / "dup.json")
    app = make_app(tmp_path, session)  # no warm-up: nothing found ahead
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_ideas_tab(pilot)
            assert app.duplicates.ready() is None
            await pilot.press("s")
            assert t("design.ideas.finding") in notices(app)
            await app.workers.wait_for_complete()
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, SuggestionsDialog)
            assert [[i.id for i in group] for group in dialog.groups] == [
                [i.id for i in many], [i.id for i in pair]]
    finally:
        session.close()


async def test_the_list_shows_a_line_per_group_and_the_titles_of_the_one_under_the_cursor(
        tmp_path):
    session, many, pair = session_with_groups(tmp_path / "dup.json")
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            design = await open_ideas_tab(pilot)
            await open_list(pilot)
            dialog = app.screen
            assert isinstance(dialog, SuggestionsDialog)
            table = dialog.query_one("#suggestions")
            assert table.row_count == 2
            title = dialog.query_one("#suggestions-title")
            assert shown(title) == t("design.ideas.suggest_title", count="2")
            # The markup in the titles shows as typed; the group's first titles, then a count.
            detail = shown(dialog.query_one("#suggestion-detail")).splitlines()
            assert detail[0] == f"• {many[0].title}"
            assert detail[1:DETAIL_LINES] == [f"⇄ {i.title}" for i in many[1:DETAIL_LINES]]
            assert detail[DETAIL_LINES] == t("design.ideas.suggest_more",
                                             count=str(len(many) - DETAIL_LINES))
            screen_text = "\n".join("".join(text for text, _ in line) for line in picture(app))
            assert "[bold]Posyandu[/bold] [link=http://x]daring[/link]" in screen_text
            await pilot.press("down")
            await pilot.pause()
            assert shown(dialog.query_one("#suggestion-detail")).splitlines() == [
                f"• {pair[0].title}", f"⇄ {pair[1].title}"]
            # x: not duplicates; the group leaves the list and is not suggested again.
            await pilot.press("x")
            await pilot.pause()
            assert table.row_count == 1
            assert shown(title) == t("design.ideas.suggest_title", count="1")
            assert shown(dialog.query_one("#suggestion-detail")).splitlines()[0] == (
                f"• {many[0].title}")
            await pilot.press("escape")
            await settle(pilot)
            await open_list(pilot)
            again = app.screen
            assert again is dialog  # kept, and refilled
            assert again.query_one("#suggestions").row_count == 1
            assert shown(again.query_one("#suggestions-title")) == t(
                "design.ideas.suggest_title", count="1")
            # Enter: the merge of the group under the cursor.
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, MergeIdeasDialog)
            assert [i.id for i in app.screen.ideas] == [i.id for i in many]
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is design
    finally:
        session.close()


async def test_a_kept_list_shows_what_a_new_one_would(tmp_path):
    session, many, pair = session_with_groups(tmp_path / "dup.json")
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_ideas_tab(pilot)
            await open_list(pilot)
            first = app.screen
            await pilot.press("down")
            await pilot.press("escape")
            await settle(pilot)
            # Another group joins the list.
            unit = pair[0].unit_id
            session.commit("ideas.add", [Idea(title="Bank sampah di sekolah", unit_id=unit)])
            await settle(pilot)
            await open_list(pilot)
            assert app.screen is first and first.query_one("#suggestions").row_count == 3
            app.clear_notifications()
            await settle(pilot)
            kept = picture(app)
            await pilot.press("escape")
            await settle(pilot)
            app.dialogs.drop()
            await settle(pilot)
            await open_list(pilot)
            assert app.screen is not first
            app.clear_notifications()
            await settle(pilot)
            assert picture(app) == kept
    finally:
        session.close()


async def test_the_search_lets_the_app_answer_between_its_slices(monkeypatch):
    ideas = [Idea(id=f"i{n}", title=f"Ide {n} layanan antrean warga {n % 7}")
             for n in range(400)]
    app = SimpleNamespace(session=SimpleNamespace(ideas=lambda: ideas, records={"audit": []}))
    finder = DuplicateFinder(app)
    monkeypatch.setattr(funnel, "SEARCH_SLICE", 0.0)  # a pause at every chance
    turns = 0

    async def other_work() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.ensure_future(other_work())
    groups = await finder.now()
    other.cancel()
    assert groups == funnel.suggest_duplicates(None, ideas=ideas)
    assert turns > 10  # the loop ran other work while the search went on
    assert finder.ready() is groups


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_the_list_s_headings_show_whole_at_80x24(tmp_path, lang):
    session, many, pair = session_with_groups(tmp_path / "dup.json")
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_ideas_tab(pilot)
            await open_list(pilot)
            assert isinstance(app.screen, SuggestionsDialog)
            screen = "\n".join("".join(text for text, _ in row) for row in picture(app))
            assert (f"{t('design.col.group_size')}  {t('design.col.group_titles')}"
                    in screen)
    finally:
        session.close()
