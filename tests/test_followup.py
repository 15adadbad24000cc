"""Follow-up at the coaching clinics after the Sorong launch: milestones and their status by
date, steps marked done, dated progress notes, and what is late, unit by unit."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Select, TabbedContent, TextArea

from facilitator.app import FacilitatorApp
from facilitator.app.screens.deliver import DeliverScreen
from facilitator.app.screens.followup_note import NoteDialog
from facilitator.app.screens.plan_editor import PlanEditorScreen
from facilitator.app.widgets.tables import RecordTable
from facilitator.core import followup, milestones as ms, plans
from facilitator.core.plans import PlanError
from facilitator.core.records import ActionPlan, Idea, ProgressNote
from facilitator.core.session import Session
from facilitator.settings import Settings

SIZE = (80, 24)


def late_steps(session: Session, today: date) -> list[tuple[str, int]]:
    """Every (plan id, step index) that is late on ``today``: recorded late at a clinic, or
    past its end with nothing recorded (not marked done, not recorded as under way)."""
    out = []
    for plan in session.all(ActionPlan):
        for n, step in enumerate(plan.steps):
            end = ms.parse_day(step.get("end"))
            recorded = step.get("status")
            if recorded == ms.LATE or (not recorded and end is not None and today > end
                                       and not step.get("done")):
                out.append((plan.id, n))
    return out


def note_ids(session: Session, plan_id: str | None = None) -> list[str]:
    return [n.id for n in followup.notes(session, plan_id)]


# -- milestones ----------------------------------------------------------------------------------

@pytest.mark.parametrize("today, status", [
    (date(2021, 11, 30), ms.NOT_STARTED),
    (date(2021, 12, 1), ms.IN_PROGRESS),
    (date(2021, 12, 15), ms.IN_PROGRESS),
    (date(2021, 12, 16), ms.LATE),
])
def test_a_step_is_not_started_running_or_late_by_its_dates(today, status):
    step = {"activity": "Uji coba", "start": "2021-12-01", "end": "2021-12-15"}
    assert ms.step_status(step, today) == status
    assert ms.step_status({**step, "done": True}, today) == ms.DONE


def test_the_late_steps_are_the_ones_past_their_end_and_not_done(demo, clinic_day):
    late = followup.late(demo, clinic_day)
    assert sorted((m.plan_id, m.index) for m in late) == sorted(late_steps(demo, clinic_day))
    assert late and all(m.status == ms.LATE for m in late)
    ends = [m.end for m in late]
    assert ends == sorted(ends)  # the longest overdue first
    # A year on, every step not marked done is late.
    later = date(2023, 1, 1)
    assert len(followup.late(demo, later)) == len(late_steps(demo, later))


def test_marking_a_late_step_done_takes_it_off_the_late_list(demo, clinic_day):
    first = followup.late(demo, clinic_day)[0]
    plan = demo.get(ActionPlan, first.plan_id)
    plans.set_step_done(demo, plan, first.index, True, clinic_day.isoformat())
    assert first.key not in {m.key for m in followup.late(demo, clinic_day)}
    demo.undo()
    assert first.key in {m.key for m in followup.late(demo, clinic_day)}


# -- progress notes ------------------------------------------------------------------------------

def test_the_demo_clinic_left_dated_notes_and_steps_under_way_and_late(demo, clinic_day):
    notes = followup.notes(demo)
    assert len(notes) >= 3 and {n.day for n in notes} == {clinic_day.isoformat()}
    assert any(n.step >= 0 for n in notes) and any(n.step == -1 for n in notes)
    statuses = [m.status for m in ms.milestones(demo, clinic_day)]
    assert statuses.count(ms.IN_PROGRESS) >= 2 and statuses.count(ms.LATE) == 1
    # What the coach recorded stands on any later day: a step under way is not late yet.
    recorded = [m.status for m in ms.milestones(demo, date(2026, 1, 1))
                if demo.get(ActionPlan, m.plan_id).steps[m.index].get("status")]
    assert ms.IN_PROGRESS in recorded and ms.LATE in recorded


def test_a_clinic_note_is_dated_and_about_a_plan_or_one_of_its_steps(demo):
    plan = demo.all(ActionPlan)[0]
    before = set(note_ids(demo))
    first = followup.add_note(demo, plan, day="2021-11-15", text="Uji coba di Mayamuk jalan.",
                              step=3)
    second = followup.add_note(demo, plan, day="2022-01-10", text="Keputusan Bupati terbit.")
    assert (first.plan_id, first.idea_id, first.step) == (plan.id, plan.idea_id, 3)
    assert second.step == -1
    # Latest day first; on the same day, the one written last first.
    assert [i for i in note_ids(demo, plan.id) if i not in before] == [second.id, first.id]
    changed = followup.edit_note(demo, first, day="2021-11-16", text="Uji coba jalan.", step=3)
    assert changed.day == "2021-11-16" and demo.get(ProgressNote, first.id).text == "Uji coba jalan."
    followup.delete_note(demo, changed)
    assert set(note_ids(demo)) - before == {second.id}


@pytest.mark.parametrize("day, text, step, code", [
    ("2021-11-15", "  ", -1, "note_text"),
    ("", "Ada kemajuan", -1, "note_day"),
    ("15/11/2021", "Ada kemajuan", -1, "date"),
    ("2021-11-15", "Ada kemajuan", 99, "no_step"),
])
def test_a_note_without_a_date_or_text_is_refused(demo, day, text, step, code):
    plan = demo.all(ActionPlan)[0]
    before = note_ids(demo)
    with pytest.raises(PlanError) as refused:
        followup.add_note(demo, plan, day=day, text=text, step=step)
    assert refused.value.code == code
    assert note_ids(demo) == before


def test_the_overview_puts_the_units_with_late_steps_first(demo, clinic_day):
    plan = demo.all(ActionPlan)[0]
    followup.add_note(demo, plan, day="2021-11-15", text="Klinik kedua.")
    entries = followup.by_unit(demo, clinic_day)
    lates = [len(e.late) for e in entries]
    assert lates == sorted(lates, reverse=True) and lates[0] > 0
    late_total = sum(lates)
    assert late_total == len(late_steps(demo, clinic_day))
    unit_of_plan = demo.get(Idea, plan.idea_id).unit_id
    entry = next(e for e in entries if e.unit_id == unit_of_plan)
    assert entry.last_note == "2021-11-15"
    assert sum(e.steps for e in entries) == sum(len(p.steps) for p in demo.all(ActionPlan))
    assert sum(e.selected for e in entries) == 41


# -- in the app ----------------------------------------------------------------------------------

def make_app(tmp_path, session, lang="id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path / "sessions", lang=lang),
                          session=session)


async def open_tab(pilot, tab: str) -> DeliverScreen:
    await pilot.press("4")
    await pilot.pause()
    screen = pilot.app.screen
    screen.query_one("#deliver-tabs", TabbedContent).active = tab
    await pilot.pause()
    return screen


async def test_the_coach_marks_a_late_step_done_and_notes_the_clinic(tmp_path, demo,
                                                                    monkeypatch):
    # The next clinic, in December: the job fair's first two steps are behind by then.
    clinic_day = date(2021, 12, 20)
    monkeypatch.setattr(DeliverScreen, "today", staticmethod(lambda: clinic_day))
    app = make_app(tmp_path, demo)
    late = followup.late(demo, clinic_day)
    before = set(note_ids(demo))
    assert len(late) >= 2
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tab(pilot, "tab-milestones")
        table = screen.query_one("#milestones-table", RecordTable)
        table.focus()
        await pilot.press("l")
        await pilot.pause()
        assert sorted(table.row_keys) == sorted(m.key for m in late)
        assert "hanya yang terlambat" in str(screen.query_one("#milestones-note").render())
        target = table.cursor_key
        await pilot.press("space")
        await pilot.pause()
        plan_id, _, index = target.rpartition("#")
        assert demo.get(ActionPlan, plan_id).steps[int(index)]["done"] is True
        assert target not in table.row_keys and table.row_count == len(late) - 1
        # A note on the step under the cursor.
        target = table.cursor_key
        plan_id, _, index = target.rpartition("#")
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.query_one("#note-step", Select).value == index
        await pilot.press(*"Menunggu anggaran perubahan [APBD-P]")
        await pilot.click("#form-ok")
        await pilot.pause()
        [note] = [n for n in followup.notes(demo) if n.id not in before]
        assert (note.plan_id, note.step, note.day) == (plan_id, int(index), clinic_day.isoformat())
        assert note.text == "Menunggu anggaran perubahan [APBD-P]"
        clinic = screen.query_one("#clinic-table", RecordTable)
        assert clinic.get_row(note.id)[3].plain == "Menunggu anggaran perubahan [APBD-P]"
        tabs = screen.query_one("#deliver-tabs", TabbedContent)
        assert tabs.get_tab("tab-clinic").label.plain == f"Klinik ({len(before) + 1})"
        # Enter on a step opens its plan.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanEditorScreen)
        assert app.screen.plan_id == plan_id


async def test_the_units_tab_lists_what_is_late_under_the_cursor(tmp_path, demo, clinic_day):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tab(pilot, "tab-units")
        table = screen.query_one("#units-table", RecordTable)
        entries = followup.by_unit(demo, clinic_day)
        assert table.row_keys == [e.unit_id for e in entries]
        worst = entries[0]
        table.focus()
        table.move_cursor(row=0, animate=False)
        await pilot.pause()
        assert table.get_row_at(0)[4].plain == str(len(worst.late))
        detail = str(screen.query_one("#unit-late").render())
        assert detail.startswith("Terlambat:")
        for m in worst.late:
            assert m.activity in detail
        if worst.planned < worst.selected:
            assert f"{worst.selected - worst.planned} inovasi belum punya rencana" in detail
        if worst.complete < worst.planned:
            assert f"{worst.planned - worst.complete} rencana belum lengkap" in detail
        calm = next(i for i, e in enumerate(entries) if not e.late)
        table.move_cursor(row=calm, animate=False)
        await pilot.pause()
        assert "tidak ada langkah yang terlambat" in str(screen.query_one("#unit-late").render())


async def test_a_clinic_note_from_the_clinic_tab_chooses_its_plan(tmp_path, demo):
    for note in followup.notes(demo):  # a lab whose first clinic is still to come
        followup.delete_note(demo, note)
    app = make_app(tmp_path, demo, lang="en")
    plan = demo.all(ActionPlan)[2]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tab(pilot, "tab-clinic")
        screen.query_one("#clinic-table").focus()
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        await pilot.click("#form-ok")
        await pilot.pause()
        assert "Choose the action plan" in str(dialog.query_one("#form-error").render())
        dialog.query_one("#note-plan", Select).value = plan.id
        await pilot.pause()
        steps = dialog.query_one("#note-step", Select)
        assert len(steps._options) == len(plan.steps) + 1
        dialog.query_one("#note-text", TextArea).text = "Team met the district heads."
        await pilot.pause(0.3)  # Textual's button ignores a click within 0.2 s of its last press
        await pilot.click("#form-ok")
        await pilot.pause()
        [note] = followup.notes(demo)
        assert note.plan_id == plan.id and note.step == -1
        assert "Clinic notes: 1 notes on 1 plans" in str(screen.query_one("#clinic-note").render())
