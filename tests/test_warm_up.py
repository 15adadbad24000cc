"""The stages built in the background while the coach reads the first screen (the app's warm-up).

A stage screen built for the first time takes a few hundred milliseconds; one built already opens
in a few. So once the keys rest, the app builds, lays out and draws the stages not shown yet,
off the terminal (``FacilitatorApp.warm_up``). What the coach must be able to count on: such a
stage opens exactly as one built when its key is pressed, with every change made since, in the
language chosen since; typing holds the building back; quitting in the middle of it is clean.
"""

from __future__ import annotations

import asyncio

import pytest

from facilitator import i18n
from facilitator.app import FacilitatorApp
from facilitator.app import app as app_module
from facilitator.app.screens.base import StageScreen
from facilitator.core.records import STAGES, Idea
from facilitator.core.session import Session
from facilitator.settings import Settings

pytestmark = pytest.mark.warm_up

SIZE = (100, 30)
WAIT = 60.0
"""Seconds a test waits for the warm-up at most (it takes about one on a quiet machine)."""


def make_app(tmp_path, session, lang="id", warm_up=True) -> FacilitatorApp:
    """The app on ``session``; ``warm_up=False``: each stage built as it is first shown."""
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)
    app.WARM_UP = warm_up
    return app


async def filled(pilot) -> StageScreen:
    """The stage on show, once its body is mounted and the session read into it."""
    app = pilot.app
    while not (isinstance(app.screen, StageScreen) and app.screen.body_filled):
        await pilot.pause(0.02)
    await pilot.pause()
    return app.screen


async def _until_quit(app: FacilitatorApp) -> None:
    """Wait until the app has been told to quit (it then shuts down as the test leaves)."""
    for _ in range(int(WAIT / 0.02)):
        if app._exit:
            return
        await asyncio.sleep(0.02)


def screen_text(app: FacilitatorApp) -> str:
    """The screen on show as the terminal gets it, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def visit_every_stage(pilot) -> dict[str, str]:
    app = pilot.app
    texts = {}
    for number, stage in enumerate(STAGES, 1):
        await pilot.press(str(number))
        screen = await filled(pilot)
        assert screen.STAGE == stage
        app.clear_notifications()
        await pilot.pause()
        texts[stage] = screen_text(app)
    return texts


async def test_the_other_stages_are_built_while_the_coach_reads_and_open_as_if_built_then(
        tmp_path, demo):
    cold = make_app(tmp_path, demo, warm_up=False)
    async with cold.run_test(size=SIZE) as pilot:
        await filled(pilot)
        built_when_shown = await visit_every_stage(pilot)

    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        first = await filled(pilot)
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        # Built off the terminal: the coach still sees the first stage, untouched.
        assert app.screen is first
        for stage in STAGES:
            screen = app._screen_stacks[stage][0]
            assert isinstance(screen, StageScreen) and screen.body_filled, stage
        texts = await visit_every_stage(pilot)
    for stage in STAGES:
        assert texts[stage] == built_when_shown[stage], stage


async def test_a_change_made_after_the_warm_up_shows_on_the_stages_built_before_it(
        tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot)
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        idea = demo.add(Idea(title="Pemanasan: ide yang datang kemudian"))
        await pilot.pause()
        await pilot.press("2")
        screen = await filled(pilot)
        assert screen.STAGE == "diagnose"
        assert idea.id in screen.query_one("#ideas-table").row_keys


async def test_the_dialogs_built_in_the_background_open_with_what_the_session_holds_now(
        tmp_path, demo):
    from textual.widgets import Input

    from pilot_keys import assert_as_if_built_new, open_dialog

    app = make_app(tmp_path, demo)
    changes = []
    demo.subscribe(changes.append)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot)
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        prebuilt = set(app.dialogs._kept.values())
        names = {type(dialog).__name__ for dialog in prebuilt}
        assert {"KeysDialog", "FormDialog", "IdeaDialog", "CommitmentDialog", "ExportDialog",
                "MergeDialog", "ShowcaseScreen", "PlanEditorScreen", "StepDialog", "NoteDialog",
                "PlanConfirmDialog", "CriterionDialog", "RoundDialog", "ConfirmDialog",
                "MergeIdeasDialog", "PickDialog", "SignTypedDialog", "SheetDialog",
                "WithdrawDialog", "PreviewScreen"} <= names, names
        # Diagnose's form of a new problem is one of the forms kept (a form is kept by its
        # fields), and the palette's styles are read: its first opening parses none.
        fields = [getattr(d, "fields", []) for d in prebuilt if type(d).__name__ == "FormDialog"]
        assert any("statement" in [f.name for f in each] for each in fields), fields
        from inspect import getfile

        from textual.command import CommandPalette

        assert app.stylesheet.has_source(getfile(CommandPalette), "CommandPalette.DEFAULT_CSS")
        # Drawn as well, off screen: every widget it shows holds its lines already (shown
        # the first time, a dialog laid out only drew them all, 65-130 ms at 3,000 ideas).
        # A footer and a tab bar's underline redraw themselves once their screen settles.
        from textual.widgets import Footer
        from textual.widgets._tabs import Underline

        for dialog in prebuilt:
            shown = [widget for widget, (region, clip) in
                     dialog._compositor.visible_widgets.items()
                     if region.intersection(clip) and not isinstance(widget, (Footer, Underline))]
            assert shown, dialog
            assert [w for w in shown if not w._styles_cache._cache] == [], dialog
        # Built, not opened: nothing was written (a plan editor opened makes its plan).
        assert changes == []
        # Changed after they were built: opened, they show it.
        demo.edit(demo.lab, region="Kabupaten Sesudah Pemanasan")
        await pilot.pause()
        await pilot.press("1")
        await filled(pilot)
        dialog = await open_dialog(pilot, "d")
        assert dialog in prebuilt
        assert dialog.query_one("#field-region", Input).value == "Kabupaten Sesudah Pemanasan"
        await assert_as_if_built_new(pilot, "d")


async def test_a_stage_built_in_the_background_follows_a_change_of_language(tmp_path, demo):
    english = make_app(tmp_path, demo, lang="en", warm_up=False)
    async with english.run_test(size=SIZE) as pilot:
        await filled(pilot)
        built_in_english = await visit_every_stage(pilot)
    i18n.set_language("id")

    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot)
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        await pilot.press("ctrl+l")  # English, after every stage was built in Indonesian
        await pilot.pause()
        texts = await visit_every_stage(pilot)
    for stage in STAGES:
        assert texts[stage] == built_in_english[stage], stage


async def test_typing_holds_the_warm_up_back_until_the_keys_rest(tmp_path, demo, monkeypatch):
    # A whole second of rest needed (0.4 s in use), so that a slow machine's pauses between
    # the test's keys do not count as rest.
    monkeypatch.setattr(app_module, "WARM_UP_QUIET", 1.0)
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        first = await filled(pilot)
        # A key every tenth of a second, for a second and a half: nothing is built meanwhile.
        for _ in range(15):
            await pilot.press("down")
            await asyncio.sleep(0.1)
            assert list(app._screen_stacks) == [first.STAGE]
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        assert set(app._screen_stacks) == set(STAGES)


async def test_quitting_while_a_stage_is_built_in_the_background_is_clean(
        tmp_path, demo, monkeypatch):
    monkeypatch.setattr(app_module, "WARM_UP_QUIET", 0.0)
    init_mode = FacilitatorApp._init_mode
    # The coach quits just as the warm-up starts building its first, second, third and fourth
    # stage: the quit lands while that stage's widgets mount.
    for nth in range(1, 5):
        calls: list[str] = []
        caught: list[bool] = []

        def init_then_quit(self, mode, nth=nth, calls=calls, caught=caught):
            result = init_mode(self, mode)
            calls.append(mode)
            if len(calls) == nth + 1:  # the first call is the stage the app opens on
                caught.append(not self._screen_stacks[mode][0].body_filled)
                self.exit()
            return result

        monkeypatch.setattr(FacilitatorApp, "_init_mode", init_then_quit)
        app = make_app(tmp_path, demo)
        async with app.run_test(size=SIZE):  # an error in the app is raised here
            await _until_quit(app)
        assert caught == [True], nth
        assert app.return_code in (0, None), nth
    monkeypatch.setattr(FacilitatorApp, "_init_mode", init_mode)
    # And at moments that fall where they may (the mount of a tab bar, say).
    for delay in (0.05, 0.2, 0.45):
        app = make_app(tmp_path, demo)
        async with app.run_test(size=SIZE) as pilot:
            await filled(pilot)
            await asyncio.sleep(delay)
        assert app.return_code in (0, None), delay
    # The session is whole: it opens again with everything in it.
    reopened = Session.open(demo.path, actor="check")
    try:
        assert len(reopened.ideas()) == len(demo.ideas())
    finally:
        reopened.close()


async def test_an_error_of_a_background_screen_as_the_app_is_taken_down_is_not_reported(
        tmp_path, demo, monkeypatch):
    # What Textual does when a test's run (or anything but the app's own exit) ends the app:
    # it stops it running, then takes its screens down. A tab bar the warm-up was mounting
    # then misses its tabs (seen once in the whole suite, as the delays above fell). The app
    # was not asked to exit: that is still quitting, and quietly.
    from textual.app import App

    reported: list[str] = []
    monkeypatch.setattr(App, "_handle_exception", lambda self, error: reported.append(str(error)))
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot)
        app._warming_up = True
        app._running = False
        app._handle_exception(ValueError("No Tab with id '--content-tab-tab-rounds'"))
        assert reported == []
        # Running, the same error is the app's: reported as ever.
        app._running = True
        app._handle_exception(ValueError("while running"))
        assert reported == ["while running"]
        app._warming_up = False


async def test_quitting_while_or_after_dialogs_are_built_in_the_background_is_clean(
        tmp_path, demo, monkeypatch):
    from facilitator.app.screens.dialog import DialogKeeper

    monkeypatch.setattr(app_module, "WARM_UP_QUIET", 0.0)
    prebuild = DialogKeeper.prebuild
    # The coach quits as the warm-up starts building its first, third or sixth dialog.
    for nth in (1, 3, 6):
        calls: list[object] = []

        async def prebuild_then_quit(self, screen, *args, nth=nth, calls=calls):
            calls.append(screen)
            if len(calls) == nth:
                self.app.exit()
            return await prebuild(self, screen, *args)

        monkeypatch.setattr(DialogKeeper, "prebuild", prebuild_then_quit)
        app = make_app(tmp_path, demo)
        async with app.run_test(size=SIZE):  # an error in the app is raised here
            await _until_quit(app)
        assert len(calls) == nth
        assert app.return_code in (0, None), nth
    monkeypatch.setattr(DialogKeeper, "prebuild", prebuild)
    # Or once they are all built and kept, never shown.
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE):
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        assert len(app.dialogs) >= 10
    assert app.return_code in (0, None)


def looks(screen: StageScreen) -> list[tuple[str, str, str, str]]:
    """Every widget's colours on a screen."""
    return [(type(widget).__name__, widget.id or "", str(widget.styles.background),
             str(widget.styles.color)) for widget in screen.walk_children(with_self=True)]


async def test_a_stage_built_in_the_background_wears_a_theme_chosen_after_it_was_built(
        tmp_path, demo):
    cold = make_app(tmp_path, demo, warm_up=False)
    async with cold.run_test(size=SIZE) as pilot:
        await filled(pilot)
        cold.change_theme("proyektor")
        await pilot.pause()
        await visit_every_stage(pilot)
        built_when_shown = {stage: looks(cold.get_screen_stack(stage)[0]) for stage in STAGES}

    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot)
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        before = {stage: looks(app.get_screen_stack(stage)[0]) for stage in STAGES}
        assert app.theme != "proyektor"
        app.change_theme("proyektor")
        await pilot.pause()
        await visit_every_stage(pilot)
        for stage in STAGES:
            after = looks(app.get_screen_stack(stage)[0])
            assert after != before[stage], stage
            assert after == built_when_shown[stage], stage


async def test_another_session_opened_after_the_warm_up_gets_stages_of_its_own(tmp_path, demo):
    other = Session.create(tmp_path / "lain.json", region="Kabupaten Pemanasan",
                           date="2026-03-02", actor="coach@test")
    other.add(Idea(title="Ide dari sesi lain"))
    other.close()
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot)
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        before = {stage: app._screen_stacks[stage][0] for stage in STAGES}
        assert await app.open_session_file(tmp_path / "lain.json")
        await filled(pilot)
        await asyncio.wait_for(app.warmed_up.wait(), WAIT)
        for number, stage in enumerate(STAGES, 1):
            screen = app._screen_stacks[stage][0]
            assert screen is not before[stage] and screen.body_filled, stage
            await pilot.press(str(number))
            await filled(pilot)
            assert "Kabupaten Pemanasan" in screen_text(app), stage
            assert "Sorong" not in screen_text(app), stage


async def test_a_stage_left_with_a_dialog_open_is_shown_at_once_when_gone_back_to(
        tmp_path, demo):
    """A switch of stage holds the display until the stage is whole; a stage whose screen has a
    dialog on top (left through the palette, say) is whole already."""
    app = make_app(tmp_path, demo, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot)
        await pilot.press("2")
        await filled(pilot)
        await pilot.press("question_mark")  # the keys dialog, on top of Diagnose
        await pilot.pause()
        dialog = app.screen
        assert not isinstance(dialog, StageScreen)
        app.switch_stage("drumup")
        await filled(pilot)
        app.switch_stage("diagnose")
        await pilot.pause()
        assert app.screen is dialog
        assert not app._held and not app._batch_count  # drawn now, not after HOLD_LIMIT
