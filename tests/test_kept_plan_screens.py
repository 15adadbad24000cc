"""The plan editor and the dialogs of plans and commitments, built once and kept.

The plan editor takes about a second to build at the size of a real lab, a step or note dialog
a few hundred milliseconds; kept, each is shown again in some 40. What the coach must be able to
count on, as for every kept dialog (see test_kept_dialogs.py): opened again, it shows exactly
what one built new would show, for the plan or commitment it is opened for now, nothing typed,
chosen or shown before; and what is saved from it goes to that plan or commitment.
"""

from __future__ import annotations

from textual.widgets import Input, Select, TabbedContent, TextArea

from facilitator.app import FacilitatorApp
from facilitator.app.screens.commitment_dialogs import InfoDialog, WithdrawDialog
from facilitator.app.screens.followup_note import NoteDialog
from facilitator.app.screens.plan_dialogs import PlanConfirmDialog, StepDialog
from facilitator.app.screens.plan_editor import PlanEditorScreen
from facilitator.core import commitments as cm
from facilitator.core.records import ActionPlan, Commitment, ProgressNote
from facilitator.settings import Settings

from pilot_keys import picture, settle

SIZE = (100, 30)


def make_app(tmp_path, session, lang="id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


async def started(pilot) -> FacilitatorApp:
    """The app on its first stage (no warm-up in the tests: a dialog is built as first shown,
    and kept from then on)."""
    await settle(pilot)
    return pilot.app


async def show(pilot, screen) -> object:
    pilot.app.push_screen(screen)
    await settle(pilot)
    return pilot.app.screen


async def leave(pilot) -> None:
    pilot.app.screen.dismiss(None)
    await settle(pilot)


async def steady(pilot) -> None:
    """The cursors shown, not blinking (a blink would be caught at any phase)."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
        if isinstance(widget, TextArea):
            # Not blinking, a text area keys its drawn lines without its focus: a line drawn
            # before it had the focus would be shown without the cursor.
            widget._line_cache.clear()
    await settle(pilot)


def box(app) -> list:
    """What the dialog on show shows in its box (the screen under it, a stage that saving
    from the dialog changed, is left out: test_kept_dialogs.py checks it)."""
    region = app.screen.query_one(".dialog-box").region
    lines = []
    for line in picture(app)[region.y:region.bottom]:
        cells = [(char, style) for text, style in line for char in text]
        lines.append(cells[region.x:region.right])
    return lines


async def as_if_built_new(pilot, make, shown=picture) -> list:
    """What the screen ``make()`` makes shows when built new (nothing kept)."""
    app = pilot.app
    kept = set(app.dialogs._kept.values())
    app.dialogs.drop()
    await settle(pilot)
    screen = await show(pilot, make())
    assert screen not in kept
    await steady(pilot)
    looks = shown(app)
    await leave(pilot)
    return looks


async def test_the_kept_plan_editor_shows_the_next_plan_as_a_new_one_would(tmp_path, demo):
    first, second = demo.all(ActionPlan)[:2]
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        editor = await show(pilot, PlanEditorScreen(first.idea_id))
        assert isinstance(editor, PlanEditorScreen)
        # Typed into (stored as the editor closes), and left on the steps tab.
        area = editor.query_one("#f-objective", TextArea)
        area.focus()
        await pilot.press(*"[bold]Lebih cepat")
        editor.query_one("#plan-tabs", TabbedContent).active = "tab-steps"
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert demo.get(ActionPlan, first.id).objective.startswith("[bold]Lebih cepat")

        again = await show(pilot, PlanEditorScreen(second.idea_id))
        assert again is editor  # kept, refilled
        assert again.plan_id == second.id
        assert again.query_one("#f-objective", TextArea).text == second.objective
        assert again.query_one("#plan-tabs", TabbedContent).active == "tab-profile"
        assert app.focused is again.query_one("#f-problem", TextArea)
        # The first plan's typing cannot be undone into the second plan's field.
        assert not again.query_one("#f-objective", TextArea).history.undo_stack
        await steady(pilot)
        kept = picture(app)
        # What is typed now goes to the second plan.
        again.query_one("#f-urusan", Input).value = "Urusan kedua"
        await pilot.press("escape")
        await settle(pilot)
        assert demo.get(ActionPlan, second.id).profile["urusan"] == "Urusan kedua"
        assert demo.get(ActionPlan, first.id).profile.get("urusan") == first.profile.get("urusan")
        demo.edit(demo.get(ActionPlan, second.id), profile=second.profile)
        await settle(pilot)
        assert kept == await as_if_built_new(pilot, lambda: PlanEditorScreen(second.idea_id))


async def test_a_kept_step_dialog_shows_the_step_asked_for_and_saves_to_it(tmp_path, demo):
    plan = next(p for p in demo.all(ActionPlan) if len(p.steps) >= 2)
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        added: list[dict] = []
        dialog = await show(pilot, StepDialog("Langkah baru", {}, added.append))
        dialog.query_one("#step-pic", Input).value = "[red]Tim lama"
        dialog.query_one("#step-start", Input).value = "besok"
        await pilot.press("enter")
        await settle(pilot)
        await leave(pilot)

        step = plan.steps[1]
        saved: list[dict] = []
        again = await show(pilot, StepDialog("Ubah langkah", step, saved.append))
        assert again is dialog
        assert again.query_one("#step-activity", TextArea).text == step["activity"]
        assert again.query_one("#step-pic", Input).value == step.get("pic", "")
        assert again.query_one("#step-start", Input).value == step.get("start", "")
        assert not again.query_one("#form-error").display
        await steady(pilot)
        kept = box(app)
        await pilot.click("#form-ok")
        await settle(pilot)
        assert added == [] and saved and saved[0]["activity"] == step["activity"]
        assert kept == await as_if_built_new(
            pilot, lambda: StepDialog("Ubah langkah", step, saved.append), box)


async def test_a_kept_note_dialog_is_for_the_plan_it_is_opened_for(tmp_path, demo, clinic_day):
    first, second = demo.all(ActionPlan)[:2]
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        dialog = await show(pilot, NoteDialog(demo, first, None, "2026-01-05"))
        dialog.query_one("#note-text", TextArea).text = "Catatan lama"
        dialog.query_one("#note-step", Select).value = "0"
        await leave(pilot)

        day = clinic_day.isoformat()
        again = await show(pilot, NoteDialog(demo, second, None, day))
        assert again is dialog
        assert again.query_one("#note-text", TextArea).text == ""
        assert again.query_one("#note-day", Input).value == day
        assert again.query_one("#note-step", Select).value == "-1"
        assert app.focused is again.query_one("#note-text", TextArea)
        again.query_one("#note-text", TextArea).text = "Uji coba berjalan"
        await pilot.click("#form-ok")
        await settle(pilot)
        notes = [n for n in demo.all(ProgressNote) if n.text == "Uji coba berjalan"]
        assert [n.plan_id for n in notes] == [second.id]
        # Opened once more (the screen under it now counts the new note), as a new one.
        assert await show(pilot, NoteDialog(demo, second, None, day)) is dialog
        await steady(pilot)
        kept = box(app)
        await leave(pilot)
        assert kept == await as_if_built_new(
            pilot, lambda: NoteDialog(demo, second, None, day), box)


async def test_a_kept_confirmation_asks_the_new_question_with_yes_at_hand(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        dialog = await show(pilot, PlanConfirmDialog("Hapus langkah?", "Langkah 1 dihapus."))
        dialog.query_one("#form-cancel").focus()  # the focus moved off the yes button
        await settle(pilot)
        await leave(pilot)
        again = await show(pilot, PlanConfirmDialog("Hapus catatan?", "[b]Catatan[/b] dihapus."))
        assert again is dialog
        assert app.focused is again.query_one("#form-ok")
        await steady(pilot)
        kept = box(app)
        await leave(pilot)
        assert kept == await as_if_built_new(
            pilot, lambda: PlanConfirmDialog("Hapus catatan?", "[b]Catatan[/b] dihapus."), box)
        assert "[b]Catatan[/b] dihapus." in "".join(char for line in kept for char, _ in line)


async def test_a_kept_withdrawal_is_for_the_commitment_it_is_opened_for(tmp_path, demo):
    sealed = [c for c in demo.sealed() if not c.withdraws][:2]
    if len(sealed) < 2:  # the demo signs its first commitments as they open
        for c in [c for c in demo.all(Commitment) if not c.sealed_at][:2 - len(sealed)]:
            sealed.append(cm.sign_typed(demo, c, c.official["name"]))
    first, second = sealed
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        dialog = await show(pilot, WithdrawDialog(demo, first, "2026-02-01"))
        dialog.query_one("#w-reason", TextArea).text = "Alasan lama"
        dialog.query_one("#w-how", Select).value = "paper"
        await settle(pilot)
        assert not dialog.query_one("#row-w-name").display
        await leave(pilot)

        again = await show(pilot, WithdrawDialog(demo, second, "2026-02-02"))
        assert again is dialog
        assert again.query_one("#row-w-name").display
        assert again.query_one("#w-reason", TextArea).text == ""
        again.query_one("#w-reason", TextArea).text = "Unit digabung"
        again.query_one("#w-name", Input).value = second.official["name"]
        await pilot.click("#form-ok")
        await settle(pilot)
        assert second.id in cm.withdrawn_ids(demo) and first.id not in cm.withdrawn_ids(demo)
        # Opened once more, for the first one, as a new one would be.
        assert await show(pilot, WithdrawDialog(demo, first, "2026-02-03")) is dialog
        await steady(pilot)
        kept = box(app)
        await leave(pilot)
        assert kept == await as_if_built_new(
            pilot, lambda: WithdrawDialog(demo, first, "2026-02-03"), box)

        info = await show(pilot, InfoDialog("Satu", cm_text("pertama")))
        await leave(pilot)
        shown = await show(pilot, InfoDialog("Dua", cm_text("[i]kedua")))
        assert shown is info
        await steady(pilot)
        kept = box(app)
        await leave(pilot)
        assert kept == await as_if_built_new(
            pilot, lambda: InfoDialog("Dua", cm_text("[i]kedua")), box)


def cm_text(words: str):
    from rich.text import Text

    return Text(f"Isi {words}")


async def test_the_kept_plan_editor_shown_for_another_plan_is_laid_out_once(
        tmp_path, demo, monkeypatch):
    # Refilled for another plan, the editor needs another layout (its fields hold other
    # texts). It is laid out then, before it is shown, and shown with that layout: laying it
    # all out a second time to draw it took 10-20 ms of its opening at 3,000 ideas.
    from textual._compositor import Compositor

    events: list[object] = []
    reflow, render_update = Compositor.reflow, Compositor.render_update
    monkeypatch.setattr(Compositor, "reflow",
                        lambda self, *args: (events.append(self), reflow(self, *args))[1])
    monkeypatch.setattr(Compositor, "render_update", lambda self, *args, **kwargs: (
        events.append(("drawn", self)), render_update(self, *args, **kwargs))[1])
    first, second = demo.all(ActionPlan)[:2]
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        editor = await show(pilot, PlanEditorScreen(first.idea_id))
        await leave(pilot)
        events.clear()
        again = await show(pilot, PlanEditorScreen(second.idea_id))
        assert again is editor and again.plan_id == second.id
        # Up to its first frame, it was laid out once.
        first_frame = events.index(("drawn", again._compositor))
        assert events[:first_frame].count(again._compositor) == 1
        await steady(pilot)
        kept = picture(app)
        await leave(pilot)
        assert kept == await as_if_built_new(pilot, lambda: PlanEditorScreen(second.idea_id))
