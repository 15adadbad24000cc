"""The brainstorm as the coach runs it, through the keyboard: 64 ideas over 24 units, the unit
switched without leaving the title field, look-alikes flagged, the list filtered, sorted,
grouped, edited and undone, problems scored with USG, and lists imported with a preview."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import Input

from facilitator.app import FacilitatorApp
from facilitator.app.screens.diagnose_capture import CaptureInput, IdeasPane
from facilitator.app.screens.drumup_form import FormDialog
from facilitator.app.screens.drumup_import import ImportDialog
from facilitator.app.widgets.countdown import Countdown
from facilitator.app.widgets.tables import RecordTable
from facilitator.core import brainstorm
from facilitator.core.records import AuditEntry, Idea, Problem, Unit
from facilitator.core.session import Session
from facilitator.core.text import MAX_TITLE
from facilitator.demo import write_demo
from facilitator.settings import Settings

from pilot_keys import shown, type_fast

SIZE = (80, 24)
WIT = timezone(timedelta(hours=9))
UNITS = [
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda"), ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Pendidikan", "Disdik"), ("Dinas Sosial", "Dinsos"), ("Dinas Perhubungan", "Dishub"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"), ("Dinas Pertanian", "Distan"),
    ("Dinas Perikanan", "Diskan"), ("Dinas Peternakan", "Disnak"),
    ("Dinas Lingkungan Hidup", "DLH"), ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("Dinas Tenaga Kerja", "Disnaker"), ("Dinas Pariwisata", "Dispar"),
    ("Dinas Koperasi dan UKM", "Diskop"), ("Dinas Pekerjaan Umum", "DPU"),
    ("Badan Pendapatan Daerah", "Bapenda"), ("Badan Kepegawaian Daerah", "BKD"),
    ("RSUD Sele be Solu", "RSUD"), ("Puskesmas Aimas", "PKM Aimas"),
    ("Puskesmas Klamono", "PKM Klamono"), ("Distrik Aimas", "Aimas"),
    ("Distrik Salawati", "Salawati"), ("Kelurahan Malawele", "Malawele"),
    ("Perumda Air Minum", "PDAM"),
]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    now = datetime(2021, 6, 17, 10, 0, tzinfo=WIT)
    monkeypatch.setattr(Countdown, "clock", staticmethod(lambda: now))


@pytest.fixture
def lab(tmp_path):
    session = Session.create(tmp_path / "lab.json", region="Kabupaten Sorong",
                             date="2021-06-17", actor="coach@test")
    for name, short in UNITS:
        session.add(Unit(name=name, short=short))
    yield session
    session.close()


@pytest.fixture
def demo(tmp_path):
    session = Session.open(write_demo(tmp_path / "sorong.json"), actor="coach@test")
    yield session
    session.close()


def make_app(tmp_path, session, lang="id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


async def open_diagnose(pilot) -> IdeasPane:
    await pilot.press("2")
    while not getattr(pilot.app.screen, "body_ready", False):
        await pilot.pause(0.05)  # the stage's body follows the frame by a refresh or two
    await pilot.pause()
    return pilot.app.screen.query_one(IdeasPane)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


# -- quick capture ---------------------------------------------------------------------------------

async def test_sixty_four_ideas_over_twenty_four_units_through_the_keyboard(tmp_path, lab):
    """Sorong 2021: 64 proposals from 24 OPD. Each idea costs its title and one Enter; the unit
    is switched from the title field with ctrl+o (a few letters) or an @ prefix."""
    plan = [(short, 3 if n < 16 else 2) for n, (_, short) in enumerate(UNITS)]
    assert sum(count for _, count in plan) == 64
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_diagnose(pilot)
        await pilot.press("n")
        assert isinstance(app.focused, CaptureInput)
        extra_keys = 0
        expected: list[tuple[str, str]] = []
        for n, (short, count) in enumerate(plan):
            prefix = ""
            if n % 2 == 0:
                await pilot.press("ctrl+o")
                await type_text(pilot, short)
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(app.focused, CaptureInput)  # back in the title field
            else:
                prefix = f"@{short.replace(' ', '')} "
            keys: list[str] = []
            for k in range(count):
                title = f"Ide {n}-{k} untuk {short}"
                expected.append((title, short))
                keys += [*((prefix if k == 0 else "") + title), "enter"]
                extra_keys += 1
            # Typed straight on, as fast as the keys come: each Enter takes its own title.
            await type_fast(pilot, *keys)
        assert extra_keys == 64  # one Enter per idea, nothing else while the unit stays
        await pilot.pause()

        ideas = lab.ideas()
        names = {u.id: u.short for u in lab.all(Unit)}
        assert [(i.title, names[i.unit_id]) for i in ideas] == expected
        per_unit = Counter(names[i.unit_id] for i in ideas)
        assert per_unit == dict(plan)
        assert shown(pane.query_one("#idea-counts")) == "64 ide · 24 OPD"
        assert pane.table.row_count == 64
        tabs = app.screen.query_one("#diagnose-tabs")
        assert tabs.get_tab("tab-ideas").label.plain == "Ide (64)"
        per_unit_table = app.screen.query_one("#unit-counts-table", RecordTable)
        health = next(u for u in lab.all(Unit) if u.short == "Dinkes")
        assert per_unit_table.get_row(health.id)[1].plain == "3"
        # Every idea is on disk, each its own change.
        assert sum(1 for e in lab.all(AuditEntry) if e.action == "ideas.add") == 64


async def test_the_context_line_says_where_the_next_idea_goes_and_pickers_change_it(tmp_path,
                                                                                     lab):
    health = next(u for u in lab.all(Unit) if u.short == "Dinkes")
    stunting = lab.add(Problem(unit_id=health.id, statement="Angka stunting tinggi",
                               urgency=5, seriousness=5, growth=4))
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_diagnose(pilot)
        await pilot.press("n", "f2")
        await type_text(pilot, "kes")
        await pilot.press("enter", "f3")
        await pilot.pause()
        await type_text(pilot, "stunt")
        await pilot.press("enter", "f4")
        await pilot.pause()
        await type_text(pilot, "asn")
        await pilot.press("enter")
        await pilot.pause()
        context = shown(pane.query_one("#capture-context"))
        assert "Dinas Kesehatan" in context and "Angka stunting tinggi" in context
        assert "ASN" in context
        await type_text(pilot, "Posyandu keliling")
        await pilot.press("enter")
        await pilot.pause()
        idea = lab.ideas()[-1]
        assert (idea.unit_id, idea.problem_id, idea.initiator) == (health.id, stunting.id, "asn")
        # Typing an @ prefix shows which unit it names before Enter.
        await type_text(pilot, "@dinas")
        assert "5 OPD" in shown(pane.query_one("#capture-context")) or "OPD cocok" in shown(
            pane.query_one("#capture-context"))
        await type_text(pilot, "kes")
        assert "→ Dinas Kesehatan" in shown(pane.query_one("#capture-context"))
        # An unclear prefix saves nothing and keeps the text to fix.
        await pilot.press("ctrl+u")
        await type_text(pilot, "@zzz Ide hilang")
        await pilot.press("enter")
        await pilot.pause()
        assert len(lab.ideas()) == 1 and pane.capture_field.value == "@zzz Ide hilang"
        assert "tidak ada OPD" in shown(pane.query_one("#capture-status"))
        # A name no unit has becomes a new unit, from the picker.
        await pilot.press("ctrl+u", "ctrl+o")
        await type_text(pilot, "Bagian Organisasi")
        await pilot.press("enter")
        await pilot.pause()
        assert any(u.name == "Bagian Organisasi" for u in lab.all(Unit))
        assert "Bagian Organisasi" in shown(pane.query_one("#capture-context"))


async def test_look_alikes_are_kept_and_flagged_and_long_titles_cut_with_a_notice(tmp_path,
                                                                                 demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(120, 30)) as pilot:
        pane = await open_diagnose(pilot)
        existing = demo.ideas()[0].title
        await pilot.press("n")
        await type_text(pilot, existing.lower())
        await pilot.press("enter")
        await pilot.pause()
        status = shown(pane.query_one("#capture-status"))
        assert "⚠" in status and "mirip" in status
        assert len(demo.ideas()) == 65
        pane.capture_field.value = "panjang " * 100
        await pilot.press("enter")
        await pilot.pause()
        assert len(demo.ideas()[-1].title) == MAX_TITLE
        assert "dipotong" in shown(pane.query_one("#capture-status"))
        assert any("dipotong" in str(n.message) or "disimpan" in str(n.message)
                   for n in app._notifications)


async def test_what_the_room_types_shows_literally_and_keeps_the_layout(tmp_path, lab):
    hostile = ["[bold]Posyandu[/bold] [link=http://x]klik[/link]", "Bank sampah 🚮 [x]",
               "\\[red]esc", "ide " + "sangat panjang " * 20]
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_diagnose(pilot)
        await pilot.press("n")
        for title in hostile:
            pane.capture_field.value = title
            await pilot.press("enter")
            await pilot.pause()
        titles = [pane.table.get_row_at(r)[0].plain for r in range(pane.table.row_count)]
        assert titles == [brainstorm.prepare_title(h)[0] for h in hostile]
        for row in range(pane.table.row_count):
            cell = pane.table.get_row_at(row)[0]
            assert cell.spans == [] and not cell.style
        # The status line quotes the title literally and stays one line.
        status = pane.query_one("#capture-status")
        assert status.size.height == 1
        lines = [pane.table.render_line(y).text for y in range(pane.table.size.height)]
        assert all(len(line) <= pane.table.size.width for line in lines)
        assert any("[bold]Posyandu[/bold]" in line for line in lines)


async def test_the_list_filters_sorts_groups_edits_and_deletes_with_undo(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_diagnose(pilot)
        table = pane.table
        first_titles = [table.get_row_at(r)[0].plain for r in range(3)]
        await pilot.press("s", "s")  # as captured -> newest first -> title A-Z
        titles = [table.get_row_at(r)[0].plain for r in range(table.row_count)]
        assert titles == sorted(titles, key=lambda x: brainstorm.normal(x))
        assert "judul A–Z" in shown(pane.query_one("#idea-counts"))
        await pilot.press("s", "s")
        assert [table.get_row_at(r)[0].plain for r in range(3)] == first_titles

        await pilot.press("g")
        keys = table.row_keys
        headings = [k for k in keys if k.startswith("~group:")]
        assert len(headings) == 24 and len(keys) == 64 + 24
        assert "▾" in table.get_row_at(0)[0].plain
        await pilot.press("g")
        assert table.row_count == 64

        # Filter, then edit the one idea left in a dialog.
        await pilot.press("slash")
        await type_text(pilot, "SIHARPA")
        assert table.row_count == 1
        await pilot.press("enter")  # back to the list
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-description").text = "Harga pangan [b]harian[/b]"
        dialog.query_one("#field-urusan", Input).value = "pangan"
        await pilot.press("ctrl+s")
        await pilot.pause()
        idea = next(i for i in demo.ideas() if i.title.startswith("SIHARPA"))
        assert idea.description == "Harga pangan [b]harian[/b]" and idea.urusan == "pangan"

        # Delete: gone from the list and the counts; ctrl+z brings it back.
        await pilot.press("delete")
        await pilot.pause()
        assert len(demo.ideas()) == 63 and table.row_count == 0
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(demo.ideas()) == 64 and table.row_count == 1


async def test_a_pasted_list_is_one_idea_per_line_and_a_unit_row_sends_ideas_there(tmp_path,
                                                                                   lab):
    from textual import events

    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_diagnose(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        counts = app.screen.query_one("#unit-counts-table", RecordTable)
        counts.move_cursor(row=3)
        await pilot.press("enter")  # the next ideas go to this unit, in the title field
        await pilot.pause()
        assert isinstance(app.focused, CaptureInput)
        unit = lab.get(Unit, counts.row_keys[3])
        pasted = "Bank sampah\n\n  Kampung [iklim]\r\nLapak UMKM\n"
        pane.capture_field.post_message(events.Paste(pasted))
        await pilot.pause()
        await pilot.pause()
        assert [(i.title, i.unit_id) for i in lab.ideas()] == [
            ("Bank sampah", unit.id), ("Kampung [iklim]", unit.id), ("Lapak UMKM", unit.id)]
        assert counts.get_row(unit.id)[1].plain == "3"


async def test_a_change_of_language_keeps_the_capture_where_it_was(tmp_path, lab):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        await open_diagnose(pilot)
        await pilot.press("n", "ctrl+o", *"dinsos", "enter")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        pane = app.screen.query_one(IdeasPane)
        assert "Unit: Dinas Sosial" in shown(pane.query_one("#capture-context"))
        await pilot.press("n", *"Bank", "space", *"sampah", "enter")
        await pilot.pause()
        social = next(u for u in lab.all(Unit) if u.short == "Dinsos")
        assert [(i.title, i.unit_id) for i in lab.ideas()] == [("Bank sampah", social.id)]


async def test_ctrl_z_in_the_empty_title_field_takes_the_last_idea_back(tmp_path, lab):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_diagnose(pilot)
        await pilot.press("n")
        await type_text(pilot, "Ide keliru")
        await pilot.press("enter")
        await type_text(pilot, "setengah")
        await pilot.press("ctrl+z")  # with text: only the text goes
        assert pane.capture_field.value == "" and len(lab.ideas()) == 1
        await pilot.press("ctrl+z")  # empty: the last idea goes
        await pilot.pause()
        assert lab.ideas() == [] and isinstance(app.focused, CaptureInput)


async def capture_times(pilot, pane, count: int = 7) -> list[float]:
    """Seconds from Enter until the idea is in the list, for ``count`` captures."""
    timings = []
    for n in range(count):
        pane.capture_field.value = f"Ide baru {n} dari ruang"
        started = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        timings.append(time.perf_counter() - started)
    return sorted(timings)


async def test_capture_stays_fast_at_three_thousand_ideas(tmp_path, lab):
    """A capture must not slow down as the list grows: the table is patched, not refilled, and
    the duplicate check skips what cannot match. Measured against the same app nearly empty, so
    that a busy test machine does not make the test fail."""
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_diagnose(pilot)
        await pilot.press("n")
        few = await capture_times(pilot, pane)
        units = lab.all(Unit)
        lab.commit("ideas.add", [Idea(title=f"Ide nomor {n} tentang layanan {n % 97}",
                                      unit_id=units[n % len(units)].id) for n in range(3000)])
        await pilot.pause()
        many = await capture_times(pilot, pane)
        assert len(lab.ideas()) == 3014 and pane.table.row_count == 3014
        assert pane.table.cursor_key == lab.ideas()[-1].id  # the new idea is in view
        # Medians; a refill of the 3,000 rows alone would take well over a second here.
        assert many[3] < 3 * few[3] + 0.25, (few, many)


# -- problems and USG ------------------------------------------------------------------------------

async def test_the_demo_problems_show_ranked_by_usg_per_unit(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_diagnose(pilot)
        table = app.screen.query_one("#problems-table", RecordTable)
        assert table.row_count == len(demo.all(Problem)) == 33
        scores = {p.id: p.usg for p in demo.all(Problem)}
        assert all(scores.values())
        units = {p.id: p.unit_id for p in demo.all(Problem)}
        keys = table.row_keys
        for before, after in zip(keys, keys[1:]):
            if units[before] == units[after]:
                assert scores[before] >= scores[after]


async def test_a_problem_is_added_and_scored_in_its_dialog(tmp_path, lab):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        await open_diagnose(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-unit").value = lab.all(Unit)[1].id
        dialog.query_one("#field-statement", Input).value = "Antrean [panjang] di Puskesmas"
        dialog.query_one("#field-urgency", Input).value = "6"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and "1 sampai 5" in shown(dialog.query_one("#form-error"))
        dialog.query_one("#field-urgency", Input).value = "5"
        dialog.query_one("#field-seriousness", Input).value = "4"
        dialog.query_one("#field-growth", Input).value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        problem = lab.all(Problem)[0]
        assert (problem.statement, problem.usg) == ("Antrean [panjang] di Puskesmas", 12)
        table = app.screen.query_one("#problems-table", RecordTable)
        assert table.get_row(problem.id)[-1].plain == "12"


# -- import with a preview -------------------------------------------------------------------------

async def import_file(pilot, path) -> ImportDialog:
    """Open the import dialog of the tab shown, read ``path`` and wait for the preview."""
    await pilot.press("i")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportDialog)
    dialog.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    await dialog.workers.wait_for_complete()
    await pilot.pause()
    return dialog


async def test_import_ideas_with_semicolons_a_bom_and_bad_rows_after_a_preview(tmp_path, lab):
    lab.add(Idea(title="Posyandu Digital"))
    path = tmp_path / "ide.csv"
    path.write_bytes("Judul;OPD;Inisiator\n"
                     "KTP keliling;Disdukcapil;ASN\n"
                     ";Dinkes;\n"
                     "posyandu  digital;Dinkes;\n"
                     "Ide [bold]baru[/bold];Bagian Hukum;masyarakat\n".encode("utf-8-sig"))
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_diagnose(pilot)
        app.screen.query_one("#ideas-table").focus()
        dialog = await import_file(pilot, path)
        summary = shown(dialog.query_one("#import-summary"))
        assert "4 baris dibaca: 3 ide" in summary and "Bagian Hukum" in summary
        issues = shown(dialog.query_one("#import-issues"))
        assert "Baris 3 dilewati" in issues and "Baris 4 mirip" in issues
        preview = dialog.query_one("#import-preview", RecordTable)
        assert [preview.get_row_at(r)[0].plain for r in range(preview.row_count)] == [
            "KTP keliling", "posyandu digital", "Ide [bold]baru[/bold]"]
        assert len(lab.ideas()) == 1  # nothing written before "Import"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ImportDialog)
        assert len(lab.ideas()) == 4
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(lab.ideas()) == 1  # one import, one undo


async def test_import_three_thousand_rows_previews_the_first_and_adds_all(tmp_path, lab):
    path = tmp_path / "besar.csv"
    path.write_text("judul,opd\n" + "".join(f"Ide nomor {n},Dinkes\n" for n in range(3000)),
                    encoding="utf-8")
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_diagnose(pilot)
        pane.table.focus()
        dialog = await import_file(pilot, path)
        assert "3.000 baris dibaca: 3.000 ide" in shown(dialog.query_one("#import-summary"))
        assert dialog.query_one("#import-preview", RecordTable).row_count == 100
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(lab.ideas()) == 3000 and pane.table.row_count == 3000


async def test_import_problems_from_xlsx_and_a_file_that_cannot_be_read(tmp_path, lab):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Masalah", "OPD", "U", "S", "G"])
    sheet.append(["Antrean panjang", "Dinkes", 5, 4, 4])
    sheet.append(["Data tersebar", "Bappeda", 9, 1, 1])
    sheet.append([None, "Bappeda", 1, 1, 1])
    xlsx = tmp_path / "masalah.xlsx"
    book.save(xlsx)
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_diagnose(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        dialog = await import_file(pilot, tmp_path / "tidak-ada.csv")
        assert "tidak" in shown(dialog.query_one("#import-summary")).lower()
        assert dialog.query_one("#import-apply").disabled
        dialog.query_one("#import-path", Input).value = str(xlsx)
        await pilot.press("enter")
        await dialog.workers.wait_for_complete()
        await pilot.pause()
        assert "3 baris dibaca: 1 masalah" in shown(dialog.query_one("#import-summary"))
        issues = shown(dialog.query_one("#import-issues"))
        assert "Baris 3 dilewati" in issues and "Baris 4 dilewati" in issues
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [(p.statement, p.usg) for p in lab.all(Problem)] == [("Antrean panjang", 13)]


# -- what the capture screen looks like ------------------------------------------------------------

def test_capture_screen_snapshot(snap_compare, tmp_path, demo):
    async def capture(pilot):
        await pilot.press("2")
        while not getattr(pilot.app.screen, "body_ready", False):
            await pilot.pause(0.05)
        await pilot.pause()
        await pilot.press("n", "ctrl+o")
        await type_text(pilot, "dinkes")
        await pilot.press("enter")
        await pilot.pause()
        for title in ("Kelas ibu hamil [daring] 🤰", "Posyandu Mama Sehat keliling"):
            await type_text(pilot, title)
            await pilot.press("enter")
            await pilot.pause()
        await type_text(pilot, "@disdukcapil KTP-el")
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        # Every change has reached the list (on a busy machine the refresh trails the keys).
        pane = pilot.app.screen.query_one(IdeasPane)
        newest = pilot.app.session.ideas()[-1].id
        while pane.table.row_count < 66 or pane.table.cursor_key != newest:
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, demo), terminal_size=SIZE, run_before=capture)
