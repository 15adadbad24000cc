"""Drum-Up as the coach runs it: the lab's details, the OPD roster, checking a hundred people in
by typing, the run-sheet's countdown on every screen (on a clock the test moves, no sleeping),
notes for the minutes with a speaker that stays, and the opening commitment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import Input, TabbedContent

from facilitator.app import FacilitatorApp
from facilitator.app.screens.drumup_form import FormDialog
from facilitator.app.screens.drumup_import import ImportDialog
from facilitator.app.widgets.countdown import Countdown
from facilitator.app.widgets.tables import RecordTable
from facilitator.core import checkin, runsheet
from facilitator.core.records import AgendaItem, Note, Participant, Unit
from facilitator.core.session import Session
from facilitator.demo import write_demo
from facilitator.settings import Settings

from pilot_keys import shown, type_fast

WIT = timezone(timedelta(hours=9))
DAY = "2021-06-17"


class Clock:
    """The room's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2021, 6, 17, 8, 0, tzinfo=WIT)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(Countdown, "clock", staticmethod(fixed))
    return fixed


@pytest.fixture
def lab(tmp_path):
    session = Session.create(tmp_path / "lab.json", region="Kabupaten Sorong", date=DAY,
                             actor="coach@test")
    yield session
    session.close()


@pytest.fixture
def demo(tmp_path):
    session = Session.open(write_demo(tmp_path / "sorong.json"), actor="coach@test")
    yield session
    session.close()


def make_app(tmp_path, session, lang="id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


async def open_tab(pilot, tab: str):
    """Drum-Up, on one of its tabs, with the keys in that tab."""
    await pilot.press("1")
    while not getattr(pilot.app.screen, "body_ready", False):
        await pilot.pause(0.05)  # the stage's body follows the frame by a refresh or two
    await pilot.pause()
    screen = pilot.app.screen
    tabs = screen.query_one("#drumup-tabs", TabbedContent)
    while tabs.active != f"tab-{tab}":
        if isinstance(pilot.app.focused, Input):
            pilot.app.screen.query_one(f"#{tabs.active}").query_one(RecordTable).focus()
        await pilot.press("right_square_bracket")
        await pilot.pause()
    return screen


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


async def fill(pilot, dialog: FormDialog, **values: str) -> None:
    for name, value in values.items():
        widget = dialog.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            widget.value = value
        else:
            widget.value = value
    await pilot.pause()


# -- the demo's Drum-Up ----------------------------------------------------------------------------

async def test_the_demo_shows_its_roster_people_run_sheet_and_notes(tmp_path, demo, clock):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_tab(pilot, "units")
        assert screen.query_one("#units-table", RecordTable).row_count == 24
        tabs = screen.query_one("#drumup-tabs", TabbedContent)
        labels = [tabs.get_tab(f"tab-{t}").label.plain for t in
                  ("units", "participants", "agenda", "notes", "opening")]
        assert labels == ["OPD (24)", "Peserta (40/40)", "Susunan acara (26)", "Notula (12)",
                          "Komitmen (0)"]
        agenda = screen.query_one("#agenda-table", RecordTable)
        done = [a for a in demo.all(AgendaItem) if a.actual_end]
        assert agenda.row_count == 26 and done
        row = agenda.get_row(done[0].id)
        assert row[0].plain == "✓"
        assert row[-1].plain == f"{done[0].actual_start}–{done[0].actual_end}"
        notes = screen.query_one("#notes-table", RecordTable)
        assert notes.row_count == 12
        assert "Johnny Kamuru" in notes.get_row_at(0)[2].plain


# -- the lab's details and the roster --------------------------------------------------------------

async def test_the_lab_details_are_edited_in_a_dialog_that_checks_them(tmp_path, lab, clock):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "units")
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await fill(pilot, dialog, province="Papua Barat", dates="2021-06-18, 2021-06-16 2021-06-17",
                   venue="Aula [Kantor] Bupati", target_ideas="64",
                   coaches="Antun Nastri Sidik, S.Sos., M.Si.; Dewi Ayu Lestari",
                   chair="Septinus Lobat", notulis="Yohana Kambu")
        dialog.query_one("#field-dates", Input).value = "2021-06-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and "TTTT-BB-HH" in shown(dialog.query_one("#form-error"))
        dialog.query_one("#field-dates", Input).value = "2021-06-18, 2021-06-16 2021-06-17"
        await pilot.press("ctrl+s")
        await pilot.pause()
        got = lab.lab
        assert got.dates == ["2021-06-16", "2021-06-17", "2021-06-18"]
        assert got.coaches == ["Antun Nastri Sidik, S.Sos., M.Si.", "Dewi Ayu Lestari"]
        assert (got.province, got.venue, got.chair, got.notulis) == (
            "Papua Barat", "Aula [Kantor] Bupati", "Septinus Lobat", "Yohana Kambu")
        assert got.targets["ideas"] == 64 and got.targets["innovations_per_unit"] == 1
        assert "16–18 Jun 2021" in shown(screen.query_one("#lab-place"))
        assert "Aula [Kantor] Bupati" in shown(screen.query_one("#lab-place"))
        assert "ide 0/64" in shown(screen.query_one("#lab-targets"))


async def test_units_are_added_edited_removed_and_restored(tmp_path, lab, clock):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "units")
        table = screen.query_one("#units-table", RecordTable)
        for name, short, kind in (("Dinas Kesehatan", "Dinkes", "dinas"),
                                  ("Puskesmas Aimas", "", "puskesmas")):
            await pilot.press("a")
            await pilot.pause()
            await fill(pilot, app.screen, name=name, short=short, kind=kind)
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert [(u.name, u.kind) for u in lab.all(Unit)] == [("Dinas Kesehatan", "dinas"),
                                                            ("Puskesmas Aimas", "puskesmas")]
        # The same name twice is refused, whatever its case.
        await pilot.press("a")
        await pilot.pause()
        await fill(pilot, app.screen, name="dinas  kesehatan")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert table.cursor_key == lab.all(Unit)[1].id
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, app.screen, name="UPTD Puskesmas Aimas")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert table.get_row(lab.all(Unit)[1].id)[0].plain == "UPTD Puskesmas Aimas"
        await pilot.press("delete")
        await pilot.pause()
        assert len(lab.all(Unit)) == 1 and table.row_count == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(lab.all(Unit)) == 2 and table.row_count == 2


async def test_units_are_imported_from_yaml_after_a_preview(tmp_path, lab, clock, monkeypatch):
    (tmp_path / "opd.yaml").write_text(
        "opd:\n  - {nama: Dinas Kesehatan, singkatan: Dinkes}\n  - {nama: Distrik Aimas}\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_tab(pilot, "units")
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        await type_text(pilot, "opd.y")
        await pilot.press("right")  # accept the completion the path suggests
        assert dialog.query_one("#import-path", Input).value == "opd.yaml"
        await pilot.press("enter")
        await dialog.workers.wait_for_complete()
        await pilot.pause()
        assert "2 baris dibaca: 2 OPD" in shown(dialog.query_one("#import-summary"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert {(u.name, u.kind) for u in lab.all(Unit)} == {("Dinas Kesehatan", "dinas"),
                                                            ("Distrik Aimas", "kecamatan")}


# -- the check-in ----------------------------------------------------------------------------------

async def test_a_hundred_people_are_checked_in_by_typing_part_of_their_names(tmp_path, lab,
                                                                             clock):
    people = [Participant(name=f"Peserta {chr(65 + n // 26)}{chr(65 + n % 26)} Sorong",
                          jabatan="Staf") for n in range(100)]
    lab.commit("participants.add", people)
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "participants")
        field = screen.query_one("#checkin-search", Input)
        assert app.focused is field
        assert "H1 · 17 Jun" in shown(screen.query_one("#checkin-day"))
        for batch in range(0, 100, 25):
            keys: list[str] = []
            for person in people[batch:batch + 25]:
                keys += [*f"peserta {person.name.split()[1].lower()}", "enter"]
            await type_fast(pilot, *keys)
            # The field is empty again and keeps the keys for the next name.
            assert field.value == "" and app.focused is field
        assert all(lab.get(Participant, p.id).attendance == [DAY] for p in people)
        assert "100 dari 100 peserta" in shown(screen.query_one("#attendance"))
        # Enter on someone already in takes the check-in back (a slip of the finger).
        await pilot.press(*"peserta", "space", *"ab", "enter")
        await pilot.pause()
        assert lab.get(Participant, people[1].id).attendance == []
        assert "batal hadir" in shown(screen.query_one("#attendance"))


async def test_arrows_pick_among_several_matches_and_ctrl_n_changes_the_day(tmp_path, lab,
                                                                           clock):
    lab.edit(lab.lab, dates=["2021-06-16", DAY, "2021-06-18"])
    budi = lab.add(Participant(name="Budi Santoso"))
    budiman = lab.add(Participant(name="Budiman Siregar"))
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "participants")
        assert "H2" in shown(screen.query_one("#checkin-day"))
        await pilot.press(*"budi", "down", "enter")
        await pilot.pause()
        assert lab.get(Participant, budiman.id).attendance == [DAY]
        assert lab.get(Participant, budi.id).attendance == []
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "H3" in shown(screen.query_one("#checkin-day"))
        await pilot.press(*"budi", "enter")
        await pilot.pause()
        assert lab.get(Participant, budi.id).attendance == ["2021-06-18"]


# -- the run-sheet and its countdown ---------------------------------------------------------------

async def test_the_countdown_runs_in_the_header_of_every_screen_and_rings_once_at_zero(
        tmp_path, lab, clock):
    rings: list[int] = []
    app = make_app(tmp_path, lab)
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "agenda")
        header = screen.query_one(Countdown)
        assert not header.display or not header.has_class("-on")
        await pilot.press("n")  # nothing on: the day's first item starts
        await pilot.pause()
        first = runsheet.ordered(lab.all(AgendaItem))[0]
        assert runsheet.state(lab.get(AgendaItem, first.id)) == runsheet.RUNNING
        assert "▶ 30:00" in shown(header) and header.has_class("-on")
        clock.advance(minutes=10)
        header.tick()
        assert "20:00" in shown(header)
        await pilot.press("p")
        await pilot.pause()
        clock.advance(minutes=5)
        header.tick()
        assert "⏸ 20:00" in shown(header)
        await pilot.press("p", "plus")
        await pilot.pause()
        header.tick()
        assert "25:00" in shown(header)

        # The other screens show the same countdown in their header.
        await pilot.press("2")
        await pilot.pause()
        other = app.screen.query_one(Countdown)
        assert other is not header and "25:00" in shown(other)

        clock.advance(minutes=25, seconds=3)
        other.tick()
        header.tick()  # a hidden screen's countdown does not ring a second time
        assert rings == [1] and "-00:03" in shown(other) and other.has_class("-over")
        await pilot.pause(0.6)
        assert other.flashing or other._flashes < 12
        assert any("Waktu habis" in str(n.message) for n in app._notifications)
        clock.advance(seconds=30)
        other.tick()
        assert rings == [1]

        # F7 from any screen: the item ends, the next starts; its times are on the record.
        await pilot.press("f7")
        await pilot.pause()
        done = lab.get(AgendaItem, first.id)
        assert (done.actual_start, done.actual_end) == ("08:00", "08:40")
        assert done.paused_seconds == 300 and done.extra_minutes == 5
        assert runsheet.current(lab.all(AgendaItem)).order == 1
        assert "▶ 20:00" in shown(other)


async def test_agenda_items_are_added_after_the_last_and_filled_from_the_template(tmp_path, lab,
                                                                                  clock):
    lab.edit(lab.lab, dates=[DAY, "2021-06-18"])
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "agenda")
        before = len(lab.all(AgendaItem))
        last = runsheet.ordered(lab.all(AgendaItem))[-1]
        screen.query_one("#agenda-table", RecordTable).move_cursor(row=before - 1)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#field-start", Input).value == runsheet.end_of(last)
        await fill(pilot, dialog, title="Foto bersama", minutes="15")
        await pilot.press("ctrl+s")
        await pilot.pause()
        added = runsheet.ordered(lab.all(AgendaItem))[-1]
        assert (added.title, added.minutes, added.order) == ("Foto bersama", 15, last.order + 1)
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, app.screen, day="2021-06-18", start="8:00")
        await pilot.press("ctrl+s")
        await pilot.pause()
        moved = lab.get(AgendaItem, added.id)
        assert (moved.day, moved.planned_start) == ("2021-06-18", "08:00")
        await pilot.press("t")  # the template's activities after it, on that day
        await pilot.pause()
        day_two = [a for a in lab.all(AgendaItem) if a.day == "2021-06-18"]
        assert len(day_two) == before + 1 and min(a.planned_start for a in day_two) == "08:00"


# -- notes and the opening commitment --------------------------------------------------------------

async def test_notes_are_time_stamped_and_the_speaker_stays_until_changed(tmp_path, lab, clock):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "notes")
        text = screen.query_one("#note-text", Input)
        assert app.focused is text
        await pilot.press("shift+tab")
        await type_text(pilot, "Bapak Antun, LAN")
        await pilot.press("enter")
        assert app.focused is text
        await type_text(pilot, "Inovasi adalah [wajib]")
        await pilot.press("enter")
        clock.advance(minutes=3)
        await type_text(pilot, "Setiap OPD satu inovasi")
        await pilot.press("enter")
        await pilot.pause()
        notes = sorted(lab.all(Note), key=lambda n: n.at)
        assert [(n.speaker, n.text) for n in notes] == [
            ("Bapak Antun, LAN", "Inovasi adalah [wajib]"),
            ("Bapak Antun, LAN", "Setiap OPD satu inovasi")]
        assert [n.at[11:16] for n in notes] == ["08:00", "08:03"]
        table = screen.query_one("#notes-table", RecordTable)
        assert table.get_row_at(0)[3].plain == "Inovasi adalah [wajib]"
        assert text.value == ""


async def test_the_opening_commitment_records_the_head_and_the_heads_of_units(tmp_path, lab,
                                                                             clock):
    health = lab.add(Unit(name="Dinas Kesehatan"))
    lab.add(Unit(name="Distrik Aimas"))
    lab.add(Participant(name="Johnny Kamuru", jabatan="Bupati Sorong", role="kepala_daerah"))
    lab.add(Participant(name="Maria Magdalena", jabatan="Kepala Dinas", unit_id=health.id,
                        role="kepala_opd"))
    app = make_app(tmp_path, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "opening")
        await pilot.press(*"johnny", "enter", *"maria", "enter")
        await pilot.pause()
        opening = checkin.opening_commitments(lab)
        assert [c.official["name"] for c in opening] == ["Johnny Kamuru", "Maria Magdalena"]
        summary = shown(screen.query_one("#opening-summary"))
        assert "Kepala Daerah ✓" in summary and "1 dari 2 OPD" in summary
        tabs = screen.query_one("#drumup-tabs", TabbedContent)
        assert tabs.get_tab("tab-opening").label.plain == "Komitmen (2)"


async def test_drumup_reads_in_english(tmp_path, demo, clock):
    app = make_app(tmp_path, demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(pilot, "participants")
        assert "Present on D2 · 17 Jun" in shown(screen.query_one("#checkin-day"))
        tabs = screen.query_one("#drumup-tabs", TabbedContent)
        assert tabs.get_tab("tab-opening").label.plain == "Commitment (0)"
