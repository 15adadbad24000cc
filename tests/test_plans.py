"""Action plans at the coaching clinic: a plan per selected innovation, its profile for the
national form, its steps, and how complete it is, per plan and per unit."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, TabbedContent, TextArea

from facilitator.app import FacilitatorApp
from facilitator.app.screens.deliver import DeliverScreen
from facilitator.app.screens.plan_dialogs import PlanConfirmDialog, StepDialog
from facilitator.app.screens.plan_editor import PlanEditorScreen
from facilitator.app.widgets.tables import RecordTable
from facilitator.core import milestones as ms, plans
from facilitator.core.plans import PlanError
from facilitator.core.progress import MIN_DESIGN_WORDS, completeness
from facilitator.core.records import PROFILE_FIELDS, ActionPlan, Idea, Problem, Unit
from facilitator.core.session import Session
from facilitator.settings import Settings

SIZE = (80, 24)
STEP = {"activity": "Pelatihan petugas", "pic": "Seksi Distribusi", "start": "2021-09-20",
        "end": "2021-09-24", "output": "Enam petugas terlatih", "budget": "8.000.000"}


@pytest.fixture
def lab(tmp_path):
    """A small lab: one unit, one problem, one idea."""
    s = Session.create(tmp_path / "lab.json", region="Kota Sorong")
    unit = s.add(Unit(name="Dinas Ketahanan Pangan"))
    problem = s.add(Problem(unit_id=unit.id, statement="Harga pangan tidak terpantau"))
    s.add(Idea(title="SIHARPA", unit_id=unit.id, problem_id=problem.id, initiator="asn",
               jenis="digital", bentuk="pelayanan_publik", urusan="Pangan"))
    yield s
    s.close()


def unplanned(session: Session) -> Idea:
    """A selected innovation that has no plan yet."""
    planned = {p.idea_id for p in session.all(ActionPlan)}
    return next(session.get(Idea, i) for i in session.selected_ids() if i not in planned)


# -- the core ------------------------------------------------------------------------------------

def test_a_new_plan_starts_from_its_problem_and_what_the_idea_says(lab):
    idea = lab.ideas()[0]
    plan = plans.ensure_plan(lab, idea.id)
    assert plan.problem == "Harga pangan tidak terpantau"
    assert plan.profile == {"inisiator": "asn", "jenis": "digital", "bentuk": "pelayanan_publik",
                            "urusan": "Pangan"}
    assert plans.ensure_plan(lab, idea.id).id == plan.id and len(lab.all(ActionPlan)) == 1
    lab.undo()
    assert lab.all(ActionPlan) == []


def test_every_field_is_stored_as_one_undoable_change(lab):
    plan = plans.ensure_plan(lab, lab.ideas()[0].id)
    changed = plans.set_fields(lab, plan, {"objective": " Harga harian ", "tahapan": "uji_coba",
                                           "waktu_uji_coba": "2021-10-04", "urusan": ""})
    assert changed.objective == "Harga harian" and changed.profile["tahapan"] == "uji_coba"
    assert "urusan" not in changed.profile
    assert plans.set_fields(lab, changed, {"objective": "Harga harian"}) is changed  # no-op
    with pytest.raises(PlanError) as refused:
        plans.set_fields(lab, changed, {"waktu_penerapan": "2022-02-30"})
    assert refused.value.code == "date" and "2022-02-30" in refused.value.message()
    lab.undo()
    assert lab.get(ActionPlan, plan.id).objective == ""


@pytest.mark.parametrize("text, value", [
    ("7500000", 7500000), ("7.500.000", 7500000), ("Rp 7.500.000,-", 7500000),
    ("Rp7.500.000", 7500000), ("7,500,000", 7500000), ("", ""), (120000000, 120000000),
])
def test_budgets_are_read_as_rupiah(text, value):
    assert plans.parse_budget(text) == value


@pytest.mark.parametrize("text", ["7,5 juta", "-500", "tujuh juta", "1.2.3"])
def test_a_budget_that_cannot_be_added_up_is_refused(text):
    with pytest.raises(PlanError):
        plans.parse_budget(text)


def test_steps_are_added_changed_moved_marked_and_removed(lab, clinic_day):
    plan = plans.ensure_plan(lab, lab.ideas()[0].id)
    plan = plans.add_step(lab, plan, STEP)
    plan = plans.add_step(lab, plan, {**STEP, "activity": "Uji coba harian", "budget": ""})
    plan = plans.add_step(lab, plan, {**STEP, "activity": "Survei awal"}, at=0)
    assert [s["activity"] for s in plan.steps] == ["Survei awal", "Pelatihan petugas",
                                                   "Uji coba harian"]
    assert plan.steps[1]["budget"] == 8000000 and plan.steps[2]["budget"] == ""
    assert plans.budget_total(plan) == 16000000
    plan, at = plans.move_step(lab, plan, 0, 1)
    assert at == 1 and plan.steps[1]["activity"] == "Survei awal"
    plan, at = plans.move_step(lab, plan, 2, 1)
    assert at == 2  # already last: stays
    plan = plans.set_step_done(lab, plan, 0, True, "2021-09-25")
    assert ms.step_status(plan.steps[0], clinic_day) == ms.DONE
    plan = plans.update_step(lab, plan, 0, {"pic": "Kepala Seksi"})
    assert plan.steps[0]["done"] is True and plan.steps[0]["pic"] == "Kepala Seksi"
    plan = plans.set_step_done(lab, plan, 0, False)
    assert ms.step_status(plan.steps[0], clinic_day) == ms.LATE  # ended 24 Sep, not done
    plan = plans.remove_step(lab, plan, 2)
    assert len(plan.steps) == 2 and lab.get(ActionPlan, plan.id).steps == plan.steps


@pytest.mark.parametrize("step, code", [
    ({**STEP, "activity": "  "}, "activity"),
    ({**STEP, "start": "20/09/2021"}, "date"),
    ({**STEP, "start": "2021-09-24", "end": "2021-09-20"}, "end_before_start"),
    ({**STEP, "budget": "banyak"}, "budget"),
])
def test_a_step_that_makes_no_sense_is_refused(lab, step, code):
    plan = plans.ensure_plan(lab, lab.ideas()[0].id)
    with pytest.raises(PlanError) as refused:
        plans.add_step(lab, plan, step)
    assert refused.value.code == code
    assert lab.get(ActionPlan, plan.id).steps == []


def test_hints_say_what_a_plan_lacks_down_to_the_300_words(lab):
    plan = plans.ensure_plan(lab, lab.ideas()[0].id)
    codes = [h.code for h in plans.hints(plan)]
    assert codes == ["no_objective", "missing", "no_steps"]
    plan = plans.set_fields(lab, plan, {name: "isi" for name in PROFILE_FIELDS
                                        if name not in plans.DATE_FIELDS})
    plan = plans.set_fields(lab, plan, {"objective": "x", "waktu_uji_coba": "2021-10-04",
                                        "waktu_penerapan": "2022-01-03"})
    plan = plans.add_step(lab, plan, {"activity": "Rapat", "pic": ""})
    found = {h.code: h.values for h in plans.hints(plan)}
    assert found["design_words"] == {"words": 1, "need": MIN_DESIGN_WORDS}
    assert found["steps_undated"] == {"count": 1} and found["steps_no_pic"] == {"count": 1}
    assert completeness(plan).percent == 100  # every field filled, yet the design is short
    plan = plans.set_fields(lab, plan, {"rancang_bangun": "kata " * (MIN_DESIGN_WORDS - 1)})
    assert "design_words" in {h.code for h in plans.hints(plan)}
    plan = plans.set_fields(lab, plan, {"rancang_bangun": "kata " * MIN_DESIGN_WORDS})
    plan = plans.update_step(lab, plan, 0, {"pic": "Sekretaris", "start": "2021-10-01",
                                            "end": "2021-10-02"})
    assert plans.hints(plan) == []


def test_completeness_per_unit_counts_innovations_without_a_plan_as_empty(demo):
    per_unit = {u.unit_id: u for u in plans.unit_plans(demo)}
    for entry in per_unit.values():
        ideas = [demo.get(Idea, i) for i in demo.selected_ids()]
        mine = [i for i in ideas if i.unit_id == entry.unit_id]
        percents = [completeness(plans.plan_for(demo, i.id)).percent
                    if plans.plan_for(demo, i.id) else 0 for i in mine]
        assert entry.selected == len(mine)
        assert entry.planned == sum(1 for i in mine if plans.plan_for(demo, i.id))
        assert entry.percent == round(sum(percents) / len(percents))
    assert sum(u.selected for u in per_unit.values()) == len(demo.selected_ids()) == 41


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


async def settle(pilot, n: int = 3) -> None:
    for _ in range(n):
        await pilot.pause()


async def test_a_plan_is_created_and_filled_in_from_the_deliver_screen(tmp_path, demo):
    idea = unplanned(demo)
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tab(pilot, "tab-plans")
        table = screen.query_one("#plans-table", RecordTable)
        table.focus()
        table.move_cursor(row=table.row_keys.index(f"idea:{idea.id}"), animate=False)
        await pilot.press("enter")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, PlanEditorScreen) and editor.idea_id == idea.id
        plan = plans.plan_for(demo, idea.id)
        assert plan is not None  # created on opening
        assert app.focused is editor.query_one("#f-problem", TextArea)
        # Typing is stored once the coach moves on: tab to the next field.
        editor.query_one("#f-objective", TextArea).focus()
        await pilot.press(*"Antrean tanpa kertas")
        await pilot.press("tab")
        await settle(pilot)
        assert demo.get(ActionPlan, plan.id).objective == "Antrean tanpa kertas"
        # A choice from the template's list is stored at once, as its key.
        editor.query_one("#f-tahapan", Select).value = "uji_coba"
        await settle(pilot)
        assert demo.get(ActionPlan, plan.id).profile["tahapan"] == "uji_coba"
        # The rancang bangun counts its words as they are typed, before they are stored.
        design = editor.query_one("#f-rancang_bangun", TextArea)
        design.focus()
        await pilot.press(*"satu dua tiga")
        await pilot.pause()
        label = str(editor.query_one("#row-rancang_bangun .form-label").render())
        assert f"3/{MIN_DESIGN_WORDS} kata" in label
        assert "rancang bangun 3/300 kata" in str(editor.query_one("#plan-hints").render())
        # A date that is not one is refused with the reason, and the rest still stored.
        editor.query_one("#f-waktu_uji_coba", Input).value = "besok"
        editor.query_one("#f-urusan", Input).value = "Kesehatan"
        editor.save_pending()
        await pilot.pause()
        stored = demo.get(ActionPlan, plan.id)
        assert stored.profile["urusan"] == "Kesehatan" and "waktu_uji_coba" not in stored.profile
        assert stored.profile["rancang_bangun"] == "satu dua tiga"
        assert "besok" in str(editor.query_one("#plan-error").render())
        # Esc stores what is pending and goes back; the list shows the new completeness.
        editor.query_one("#f-waktu_uji_coba", Input).value = "2022-01-10"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        stored = demo.get(ActionPlan, plan.id)
        assert stored.profile["waktu_uji_coba"] == "2022-01-10"
        row = table.get_row(plan.id)
        assert row[3].plain == f"{completeness(stored).percent}%"


async def test_steps_are_added_reordered_marked_done_and_removed_in_the_editor(tmp_path,
                                                                               demo, clinic_day):
    plan = demo.all(ActionPlan)[0]
    before = [s["activity"] for s in plan.steps]
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, "tab-plans")
        app.push_screen(PlanEditorScreen(plan.idea_id))
        await settle(pilot)
        editor = app.screen
        editor.query_one("#plan-tabs", TabbedContent).active = "tab-steps"
        steps = editor.query_one("#steps-table", RecordTable)
        steps.focus()
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, StepDialog)
        await pilot.press(*"Sosialisasi ke kampung", "tab", *"Tim JEMPOL", "tab")
        await pilot.press(*"2021-12-01", "tab", *"2021-11-30", "tab")
        await pilot.press(*"20 kampung", "tab", *"2.500.000", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StepDialog)  # ends before it starts: refused
        dialog = app.screen
        assert "lebih awal" in str(dialog.query_one("#form-error").render())
        dialog.query_one("#step-end", Input).value = "2021-12-10"
        await pilot.pause()
        await pilot.click("#form-ok")
        await settle(pilot)
        stored = demo.get(ActionPlan, plan.id)
        assert [s["activity"] for s in stored.steps] == [before[0], "Sosialisasi ke kampung",
                                                         *before[1:]]
        assert stored.steps[1]["budget"] == 2500000 and steps.cursor_row == 1
        await pilot.press("shift+up")
        await pilot.pause()
        assert demo.get(ActionPlan, plan.id).steps[0]["activity"] == "Sosialisasi ke kampung"
        assert steps.cursor_row == 0
        await pilot.press("space")
        await pilot.pause()
        step = demo.get(ActionPlan, plan.id).steps[0]
        assert step["done"] is True and step["done_on"] == clinic_day.isoformat()
        assert steps.get_row_at(0)[5].plain == "selesai"
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, PlanConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert [s["activity"] for s in demo.get(ActionPlan, plan.id).steps] == before


async def test_undo_in_the_editor_takes_back_the_last_edit_and_shows_it(tmp_path, demo):
    plan = demo.all(ActionPlan)[1]
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, "tab-plans")
        app.push_screen(PlanEditorScreen(plan.idea_id))
        await settle(pilot)
        editor = app.screen
        editor.query_one("#f-urusan", Input).value = "Urusan baru"
        editor.save_pending()
        assert demo.get(ActionPlan, plan.id).profile["urusan"] == "Urusan baru"
        editor.query_one("#plan-tabs", TabbedContent).active = "tab-steps"
        editor.query_one("#steps-table").focus()
        await pilot.pause()
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert demo.get(ActionPlan, plan.id).profile["urusan"] == plan.profile["urusan"]
        assert editor.query_one("#f-urusan", Input).value == plan.profile["urusan"]


def test_the_plan_editor_at_80x24(snap_compare, tmp_path, demo, monkeypatch):
    plan = next(p for p in demo.all(ActionPlan) if completeness(p).design_short)

    async def open_editor(pilot):
        await pilot.press("4")
        await pilot.pause()
        pilot.app.push_screen(PlanEditorScreen(plan.idea_id))
        for _ in range(3):
            await pilot.pause()
        # A text cursor blinks (and TextArea's does not always repaint when the blinking is
        # stopped): the picture is taken with the tab bar focused, so that it does not depend
        # on the moment it is taken.
        await pilot.press("shift+tab")
        await pilot.pause()
        assert not isinstance(pilot.app.focused, (TextArea, Input))

    assert snap_compare(make_app(tmp_path, demo), terminal_size=SIZE, run_before=open_editor)


def test_the_plan_editors_steps_at_80x24_in_english(snap_compare, tmp_path, demo):
    plan = demo.all(ActionPlan)[0]

    async def open_steps(pilot):
        await pilot.press("4")
        await pilot.pause()
        pilot.app.push_screen(PlanEditorScreen(plan.idea_id))
        for _ in range(3):
            await pilot.pause()
        pilot.app.screen.query_one("#plan-tabs", TabbedContent).active = "tab-steps"
        pilot.app.screen.query_one("#steps-table").focus()
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, demo, lang="en"), terminal_size=SIZE,
                        run_before=open_steps)
