"""The Display stage: the launch dashboard on the projector, the catalogue (Direktori Inovasi)
the coach checks before printing, and the minutes the coach finishes before exporting."""

from __future__ import annotations

from textual.widgets import Input, TabbedContent, TextArea, Tree

from facilitator import i18n
from facilitator.app import FacilitatorApp
from facilitator.app.screens.catalogue import CatalogueView
from facilitator.app.screens.minutes_editor import MinutesEditor
from facilitator.core.records import PROFILE_FIELDS, ActionPlan, Idea
from facilitator.core.session import Session
from facilitator.demo import write_demo
from facilitator.export import export
from facilitator.export.common import selected_by_unit
from facilitator.export.minutes import default_texts
from facilitator.settings import Settings
from facilitator.store import peek

MARKUP = "Foto kegiatan [bold]terlampir[/bold] <b>x</b>"


def make_app(tmp_path, session, lang: str = "id", theme: str = "textual-dark") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang, theme=theme),
                          session=session)


async def open_tab(pilot, key: str):
    """Go to Display (5), then to a tab by its key (d, i or n)."""
    await pilot.press("5")
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    return pilot.app.screen


def saved_minutes(session: Session) -> dict:
    """The minutes as they are on disk now (not as the app holds them)."""
    return peek(session.path)["lab"]["lab"]["minutes"]


# -- the dashboard ---------------------------------------------------------------------------------

def test_dashboard_snapshot_on_the_projector(snap_compare, tmp_path, demo):
    async def settle(pilot):
        await pilot.press("5")
        await pilot.pause()

    app = make_app(tmp_path, demo, theme="proyektor")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_catalogue_snapshot(snap_compare, tmp_path, demo):
    async def settle(pilot):
        await open_tab(pilot, "i")

    assert snap_compare(make_app(tmp_path, demo), terminal_size=(80, 24), run_before=settle)


async def test_the_keys_switch_the_tabs(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "i")
        tabs = screen.query_one("#display-tabs", TabbedContent)
        assert tabs.active == "tab-catalogue" and isinstance(app.focused, Tree)
        await pilot.press("n")
        assert tabs.active == "tab-minutes" and app.focused.id == "minutes-acara"
        await pilot.press("escape", "d")
        assert tabs.active == "tab-dashboard"


# -- the catalogue ---------------------------------------------------------------------------------

async def test_the_catalogue_lists_the_innovations_by_unit(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "i")
        tree = screen.query_one("#catalogue-tree", Tree)
        groups = selected_by_unit(demo)
        shown = [(str(unit.label).rsplit(" (", 1)[0], [str(leaf.label) for leaf in unit.children])
                 for unit in tree.root.children]
        assert shown == [(unit, [i.idea.title for i in items]) for unit, items in groups]
        assert sum(len(titles) for _, titles in shown) == 41 and len(shown) == 24
        summary = str(screen.query_one("#catalogue-summary").render())
        assert summary == "41 inovasi dari 24 perangkat daerah"


async def test_the_highlighted_innovation_shows_its_whole_profile(tmp_path, demo):
    plan = demo.all(ActionPlan)[0]
    idea = demo.get(Idea, plan.idea_id)
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "i")
        catalogue = screen.query_one(CatalogueView)
        tree = catalogue.tree
        while catalogue.highlighted_idea != idea.id:
            await pilot.press("down")
        page = str(screen.query_one("#catalogue-page").render())
        assert idea.title in page and demo.unit_name(idea.unit_id) in page
        for name in PROFILE_FIELDS:
            assert i18n.t(f"export.profile.{name}") in page
        assert plan.problem.strip() in page
        assert f"Rencana aksi: {len(plan.steps)} langkah" in page
        # A unit's line lists its innovations.
        tree.move_cursor(tree.cursor_node.parent)
        await pilot.pause()
        page = str(screen.query_one("#catalogue-page").render())
        unit = demo.unit_name(idea.unit_id)
        [items] = [items for name, items in selected_by_unit(demo) if name == unit]
        assert page.startswith(f"{unit}\n{len(items)} inovasi")
        assert all(f"{n}. {item.idea.title}" in page for n, item in enumerate(items, start=1))


async def test_a_renamed_innovation_shows_at_once_and_the_cursor_stays(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "i")
        catalogue = screen.query_one(CatalogueView)
        await pilot.press("down", "down")
        chosen = catalogue.highlighted_idea
        demo.edit(demo.get(Idea, chosen), title="Kampung [Tangguh] 🌊")
        await pilot.pause()
        assert catalogue.highlighted_idea == chosen
        assert str(catalogue.tree.cursor_node.label) == "Kampung [Tangguh] 🌊"
        assert "Kampung [Tangguh] 🌊" in str(screen.query_one("#catalogue-page").render())


# -- the minutes -----------------------------------------------------------------------------------

async def test_the_coach_writes_the_minutes_and_they_are_saved_and_exported(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "n")
        area = screen.query_one("#minutes-dokumentasi", TextArea)
        area.focus()
        await pilot.press(*MARKUP)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert saved_minutes(demo)["dokumentasi"] == MARKUP
        assert "Tersimpan" in str(screen.query_one("#minutes-status").render())
        # What was saved before is kept.
        assert saved_minutes(demo)["pendahuluan"].startswith("Kabupaten Sorong merupakan")
    [md] = export(demo, "md", tmp_path / "out")
    text = md.read_text("utf-8")
    assert "Foto kegiatan \\[bold\\]terlampir\\[/bold\\]" in text or MARKUP in text


async def test_leaving_a_field_saves_it(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "n")
        assert app.focused.id == "minutes-acara"
        await pilot.press(*"Peluncuran Inovasi")
        assert "acara" not in saved_minutes(demo)
        await pilot.press("tab")
        await pilot.pause()
        assert saved_minutes(demo)["acara"] == "Peluncuran Inovasi"
        await pilot.press(*"09.00")
        await pilot.press("escape")  # Esc leaves the field, and saves it
        await pilot.pause()
        assert saved_minutes(demo)["waktu"] == "09.00"
        assert not screen.query_one(MinutesEditor).dirty


async def test_typing_then_pausing_saves_by_itself(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "n")
        editor = screen.query_one(MinutesEditor)
        await pilot.press(*"Rapat")
        assert editor.dirty and editor._autosave is not None
        editor._autosave._callback()  # the pause in typing, without waiting for it
        await pilot.pause()
        assert saved_minutes(demo)["acara"] == "Rapat" and not editor.dirty


async def test_an_empty_field_shows_and_fills_in_the_generated_text(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "n")
        generated = default_texts(demo)
        acara = screen.query_one("#minutes-acara", Input)
        assert acara.value == "" and acara.placeholder == generated["acara"]
        await pilot.press("ctrl+g")
        assert acara.value == generated["acara"] == "Laboratorium Inovasi Kabupaten Sorong"
        await pilot.press(*" 2021", "ctrl+s")
        await pilot.pause()
        assert saved_minutes(demo)["acara"] == "Laboratorium Inovasi Kabupaten Sorong 2021"


async def test_clearing_a_field_brings_the_generated_text_back(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "n")
        area = screen.query_one("#minutes-kesimpulan", TextArea)
        area.focus()
        area.load_text("")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "kesimpulan" not in saved_minutes(demo)
        assert "pendahuluan" in saved_minutes(demo)
    [md] = export(demo, "md", tmp_path / "out")
    assert default_texts(demo)["kesimpulan"].split(",")[0] in md.read_text("utf-8")


async def test_undo_takes_the_minutes_back(tmp_path, demo):
    before = dict(demo.lab.minutes)
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "n")
        await pilot.press(*"Acara baru", "escape")
        await pilot.pause()
        assert demo.lab.minutes["acara"] == "Acara baru"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert demo.lab.minutes == before
        assert screen.query_one("#minutes-acara", Input).value == ""


async def test_a_read_only_session_shows_the_minutes_but_does_not_edit_them(tmp_path):
    path = write_demo(tmp_path / "sorong.json")
    session = Session.open(path, readonly=True)
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_tab(pilot, "n")
            area = screen.query_one("#minutes-pendahuluan", TextArea)
            assert area.read_only and area.text.startswith("Kabupaten Sorong merupakan")
            assert screen.query_one("#minutes-acara", Input).disabled
    finally:
        session.close()


async def test_changing_the_language_keeps_the_tab_the_typing_and_the_cursor(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "n")
        await pilot.press(*"Rapat kerja")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.active_tab == "minutes"
        assert screen.query_one("#minutes-acara", Input).value == "Rapat kerja"
        assert saved_minutes(demo)["acara"] == "Rapat kerja"
        assert str(screen.query_one(".minutes-label").render()) == "Event"
        await pilot.press("escape", "i", "down", "down")
        chosen = screen.query_one(CatalogueView).highlighted_idea
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.active_tab == "catalogue"
        assert screen.query_one(CatalogueView).highlighted_idea == chosen
        assert "inovasi dari" in str(screen.query_one("#catalogue-summary").render())
    i18n.set_language("id")
