"""Dialogs built once and kept: opened again, a kept dialog is refilled, not built anew.

Building a form takes 100-300 ms, showing one built already some 20 (``DialogKeeper``). What the
coach must be able to count on: a dialog opened again shows exactly what a new one would, for
the record it is opened for now, nothing of what was typed, chosen or shown in it before; what
is saved from it goes to that record; it follows a change of theme or language and the screen
under it. Each test checks that the kept dialog was indeed shown again (the same object), and
compares what it shows with a dialog built new for the same record, cell by cell and colour by
colour.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, Select, TextArea

from facilitator.app import FacilitatorApp
from facilitator.app.screens.base import StageScreen
from facilitator.app.screens.commitment_dialogs import CommitmentDialog
from facilitator.app.screens.diagnose_capture import IdeaDialog, problem_choices
from facilitator.app.screens.dialog import DialogScreen
from facilitator.app.screens.drumup_form import Field, FormDialog
from facilitator.app.screens.export_dialog import ExportDialog
from facilitator.app.screens.help import KeysDialog
from facilitator.app.screens.merge_dialog import MergeDialog
from facilitator.app.screens.save_as import SaveAsDialog
from facilitator.core.records import Idea, Unit
from facilitator.core.session import Session
from facilitator.i18n import t
from facilitator.settings import Settings

from pilot_keys import (as_if_built_new, assert_as_if_built_new, close, open_dialog, picture,
                        settle, shown)

SIZE = (100, 30)


def make_app(tmp_path, session, lang="id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


async def stage(pilot, number: str) -> StageScreen:
    """Go to a stage; the stage once its body is filled."""
    app = pilot.app
    await pilot.press(number)
    while not (isinstance(app.screen, StageScreen) and app.screen.body_filled):
        await pilot.pause(0.02)
    await pilot.pause()
    return app.screen


async def test_a_kept_form_shows_the_next_record_and_nothing_typed_before(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await stage(pilot, "1")
        screen.query_one("#drumup-tabs").active = "tab-units"
        await settle(pilot)
        table = screen.query_one("#units-table")
        table.focus()
        units = {u.id: u for u in demo.all(Unit)}
        first_id = table.cursor_key
        first = await open_dialog(pilot, "e")
        assert isinstance(first, FormDialog)
        # Typed over, a name refused (it is another unit's), then left with Esc.
        other = next(u for key, u in units.items() if key != first_id)
        first.query_one("#field-name", Input).value = other.name
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(first.query_one("#form-error", Label).render()).strip()
        await close(pilot)

        await pilot.press("down")
        second_id = table.cursor_key
        assert second_id != first_id
        again = await open_dialog(pilot, "e")
        assert again is first  # the kept dialog, refilled
        second = units[second_id]
        assert again.query_one("#field-name", Input).value == second.name
        assert again.query_one("#field-short", Input).value == second.short
        assert not str(again.query_one("#form-error", Label).render()).strip()
        assert app.focused is again.query_one("#field-name")
        await assert_as_if_built_new(pilot, "e")

        # What is saved from the kept dialog goes to the record it was opened for.
        again = await open_dialog(pilot, "e")
        again.query_one("#field-name", Input).value = "UPTD Baru Sekali"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo.get(Unit, second_id).name == "UPTD Baru Sekali"
        assert demo.get(Unit, first_id).name == units[first_id].name

        # Another form (the lab's details) is kept beside it, not mixed with it.
        lab = await open_dialog(pilot, "d")
        assert lab is not again and isinstance(lab, FormDialog)
        assert lab.query_one("#field-region", Input).value == demo.lab.region
        await close(pilot)
        assert await open_dialog(pilot, "e") is again
        assert again.query_one("#field-name", Input).value == "UPTD Baru Sekali"


async def test_an_ideas_details_offer_the_problems_of_its_own_unit_when_opened_again(
        tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await stage(pilot, "2")
        table = screen.query_one("#ideas-table")
        table.focus()
        while not demo.get(Idea, table.cursor_key or "x"):
            await pilot.press("down")
        idea = demo.get(Idea, table.cursor_key)
        dialog = await open_dialog(pilot, "e")
        assert isinstance(dialog, IdeaDialog)
        # The coach picks another unit: the problems offered become that unit's; then Esc.
        other = next(u for u in demo.units() if u.id != idea.unit_id
                     and problem_choices(demo, u.id) != problem_choices(demo, idea.unit_id))
        dialog.query_one("#field-unit", Select).value = other.id
        dialog.query_one("#field-description", TextArea).load_text("diketik lalu dibatalkan")
        await settle(pilot)
        problems = dialog.query_one("#field-problem", Select)
        assert [str(label) for label, _ in problems._options[1:]] == [
            label for label, _ in problem_choices(demo, other.id)]
        await close(pilot)

        again = await open_dialog(pilot, "e")
        assert again is dialog
        assert again.query_one("#field-unit", Select).value == idea.unit_id
        assert again.query_one("#field-description", TextArea).text == idea.description
        problems = again.query_one("#field-problem", Select)
        assert [str(label) for label, _ in problems._options[1:]] == [
            label for label, _ in problem_choices(demo, idea.unit_id)]
        await assert_as_if_built_new(pilot, "e")


async def test_a_new_commitment_starts_from_its_draft_again(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await stage(pilot, "4")
        dialog = await open_dialog(pilot, "n")
        assert isinstance(dialog, CommitmentDialog)
        drafted = dialog.query_one("#c-official-name", Input).value
        text = dialog.query_one("#c-text", TextArea).text
        assert text.strip()
        dialog.query_one("#c-official-name", Input).value = "Nama Yang Diketik"
        dialog.query_one("#c-text", TextArea).load_text("teks yang ditulis ulang")
        dialog.query_one("#c-kind", Select).value = "unit"
        await settle(pilot)
        await close(pilot)

        again = await open_dialog(pilot, "n")
        assert again is dialog
        assert again.query_one("#c-official-name", Input).value == drafted
        assert again.query_one("#c-text", TextArea).text == text
        assert again.query_one("#row-idea").display and not again.query_one("#row-unit").display
        await assert_as_if_built_new(pilot, "n")


async def test_the_keys_follow_the_stage_the_language_and_the_theme(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await stage(pilot, "1")
        keys = await open_dialog(pilot, "question_mark")
        assert isinstance(keys, KeysDialog)
        drumup = picture(app)
        await close(pilot)
        await stage(pilot, "3")
        again = await open_dialog(pilot, "question_mark")
        assert again is keys
        design = picture(app)
        assert design != drumup
        assert "Design" in str(again.query_one("#keys-title", Label).render())
        await close(pilot)
        assert design == await as_if_built_new(pilot, "question_mark")

        # Another theme: the kept dialog is drawn in it, as a new one would be.
        await open_dialog(pilot, "question_mark")
        await close(pilot)
        app.change_theme("proyektor")
        await settle(pilot)
        themed = await open_dialog(pilot, "question_mark")
        assert themed in app.dialogs._kept.values()
        shown = picture(app)
        await close(pilot)
        assert shown != design
        assert shown == await as_if_built_new(pilot, "question_mark")

        # Another language: the dialogs built in the other one are let go.
        await open_dialog(pilot, "question_mark")
        await close(pilot)
        await app.change_language("en")
        await settle(pilot)
        english = await open_dialog(pilot, "question_mark")
        assert english is not themed
        assert "Keys" in str(english.query_one("#keys-title", Label).render())


async def test_the_screen_under_a_kept_dialog_is_shown_as_it_is_now(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await stage(pilot, "1")
        screen.query_one("#drumup-tabs").active = "tab-units"
        await settle(pilot)
        await open_dialog(pilot, "question_mark")
        before = picture(app)
        await close(pilot)
        demo.edit(demo.lab, region="Kabupaten Yang Baru Diganti")
        await settle(pilot)
        assert "Kabupaten Yang Baru Diganti" in "".join(
            strip.text for strip in screen._compositor.render_strips())
        await open_dialog(pilot, "question_mark")
        after = picture(app)
        assert after != before
        assert "Kabupaten Yang Baru Diganti" in "".join(
            text for line in after for text, _ in line)
        await close(pilot)
        assert after == await as_if_built_new(pilot, "question_mark")


async def test_export_and_merge_start_afresh_when_opened_again(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await stage(pilot, "5")
        export = await open_dialog(pilot, "e")
        assert isinstance(export, ExportDialog)
        export.query_one("#export-folder", Input).value = str(tmp_path / "elsewhere")
        export.post_message(ExportDialog.Finished([tmp_path / "a.zip"]))
        await settle(pilot)
        assert export.has_class("-done")
        await close(pilot)
        again = await open_dialog(pilot, "e")
        assert again is export and not again.has_class("-done")
        assert again.query_one("#export-folder", Input).value == str(export.folder)
        assert app.focused is again.query_one("#export-formats")
        await assert_as_if_built_new(pilot, "e")

        merge = await open_dialog(pilot, "m")
        assert isinstance(merge, MergeDialog)
        await settle(pilot)
        merge.query_one("#merge-path", Input).value = "diketik.json"
        await close(pilot)
        # A laptop's file copied into the folder meanwhile is offered when opened again.
        other = Session.create(Path(tmp_path) / "laptop-dua.json", region="Sorong",
                               actor="dua@test")
        other.close()
        again = await open_dialog(pilot, "m")
        assert again is merge
        assert again.query_one("#merge-path", Input).value == ""
        for _ in range(50):
            files = again.query_one("#merge-files")
            if files.option_count:
                break
            await pilot.pause(0.05)
        assert any("laptop-dua.json" in str(files.get_option_at_index(n).prompt)
                   for n in range(files.option_count))


async def test_a_form_open_on_another_stage_is_not_taken_for_a_second_one(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await stage(pilot, "1")

        def form(value: str) -> FormDialog:
            return FormDialog("Judul", [Field("name", "Nama", value)])

        results: list = []
        first = form("satu")
        app.push_screen(first, results.append)
        await settle(pilot)
        # The first stays open under the second: the second cannot be the same dialog.
        second = form("dua")
        app.push_screen(second, results.append)
        await settle(pilot)
        assert app.screen is second and second is not first
        assert second.query_one("#field-name", Input).value == "dua"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is first
        assert first.query_one("#field-name", Input).value == "satu"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [{"name": "dua"}, {"name": "satu"}]
        # The one kept is the first; the second was let go when closed.
        assert first in app.dialogs._kept.values() and second not in app.dialogs._kept.values()
        third = form("tiga")
        app.push_screen(third, results.append)
        await settle(pilot)
        assert app.screen is first
        assert first.query_one("#field-name", Input).value == "tiga"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results[-1] == {"name": "tiga"}


def test_every_dialog_is_styled_as_a_modal_screen_over_the_stage():
    # Textual styles a screen by the chain of first base classes only: a mixin put first
    # would make it skip ModalScreen, and the stage would vanish from under every dialog.
    import importlib
    import pkgutil

    import facilitator.app.screens as screens
    from textual.screen import ModalScreen

    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"facilitator.app.screens.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    dialogs = list(subclasses(DialogScreen))
    assert len(dialogs) > 20
    for dialog in dialogs:
        chain = [base.__name__ for base in dialog._css_bases(dialog)]
        assert "ModalScreen" in chain, (dialog, chain)


async def test_an_import_opened_again_has_no_file_and_ignores_a_late_read(tmp_path, demo):
    from facilitator.app.screens.drumup_import import ImportDialog

    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await stage(pilot, "1")
        dialog = await open_dialog(pilot, "i")
        assert isinstance(dialog, ImportDialog)
        typed = tmp_path / "tidak-ada.csv"
        dialog.query_one("#import-path", Input).value = str(typed)
        await pilot.press("enter")
        await dialog.workers.wait_for_complete()
        await settle(pilot)
        assert "tidak-ada" in str(dialog.query_one("#import-summary").render())
        await close(pilot)

        again = await open_dialog(pilot, "i")
        assert again is dialog
        assert again.query_one("#import-path", Input).value == ""
        assert not str(again.query_one("#import-summary").render()).strip()
        # A read of the file typed before, finishing only now, is not shown.
        again.post_message(ImportDialog.Planned(typed, error="terlambat"))
        await settle(pilot)
        assert "terlambat" not in str(again.query_one("#import-summary").render())
        await assert_as_if_built_new(pilot, "i")


async def test_a_choice_of_unit_opened_again_lists_every_unit_from_the_current_one(
        tmp_path, demo):
    from textual.widgets import OptionList

    from facilitator.app.screens.diagnose_pick import PickDialog

    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await stage(pilot, "2")
        dialog = await open_dialog(pilot, "ctrl+o")
        assert isinstance(dialog, PickDialog)
        listing = dialog.query_one(OptionList)
        everything = listing.option_count
        await pilot.press("d", "i", "n", "k")
        await settle(pilot)
        assert 0 < listing.option_count < everything
        await pilot.press("escape")
        await settle(pilot)

        again = await open_dialog(pilot, "ctrl+o")
        assert again is dialog
        assert again.query_one("#pick-query", Input).value == ""
        assert listing.option_count == everything
        await assert_as_if_built_new(pilot, "ctrl+o")


async def test_the_stage_under_a_dialog_is_dimmed_as_textual_dims_it(tmp_path, demo):
    # The dimming is worked out once per pair of colours, not once per piece of text: the same
    # pieces, in the same styles, as Textual's own.
    from textual.color import Color
    from textual.renderables.background_screen import BackgroundScreen

    from facilitator.app.screens.dialog import _Dimmed

    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await stage(pilot, "2")
        pieces = list(app.console.render(screen._compositor, app.console.options))
        assert len({(p.style.color, p.style.bgcolor) for p in pieces if p.style}) > 3
        for color in (Color(0, 0, 0, 0.6), Color(255, 255, 255, 0.3), Color(10, 20, 30, 0)):
            ours = list(_Dimmed.process_segments(pieces, color))
            assert ours == list(BackgroundScreen.process_segments(pieces, color))
            assert len(ours) == len(pieces)


async def test_save_as_opened_again_offers_a_free_name_and_no_old_error(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await stage(pilot, "1")
        first = await open_dialog(pilot, "ctrl+s")
        assert isinstance(first, SaveAsDialog)
        offered = first.query_one("#save-as-path", Input).value
        assert offered.endswith("sorong-2.json")
        await pilot.press("ctrl+u")  # the path emptied, then asked to save: an error
        await pilot.press("enter")
        await settle(pilot)
        error = first.query_one("#save-as-error", Label)
        assert shown(error) == t("hardening.save_as.path_required")
        await close(pilot)
        # Meanwhile a copy took the name it offered.
        Path(offered).write_text("{}", encoding="utf-8")
        again = await open_dialog(pilot, "ctrl+s")
        assert again is first
        assert again.query_one("#save-as-path", Input).value.endswith("sorong-3.json")
        assert shown(again.query_one("#save-as-error", Label)) == ""
        assert app.focused is again.query_one("#save-as-path", Input)
        await assert_as_if_built_new(pilot, "ctrl+s")
        # Saved there from the kept dialog, the session goes on in the new file.
        again = await open_dialog(pilot, "ctrl+s")
        await pilot.press("enter")
        for _ in range(50):
            if app.screen is not again:
                break
            await pilot.pause(0.05)
        assert demo.path.name == "sorong-3.json" and demo.path.exists()
