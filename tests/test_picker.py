"""The session picker: the coach starts ``facilitator`` and chooses (or creates) a lab."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from facilitator.app import FacilitatorApp
from facilitator.app.screens.new_session import NewSessionDialog, new_session_path, slugify
from facilitator.app.screens.picker import PickerScreen, scan_sessions
from facilitator.core.records import Idea, Participant, Unit
from facilitator.core.session import Session
from facilitator.settings import Settings

SIZE = (80, 24)
# Fixed times for the files, so that "most recent first" and the snapshots never depend on when
# the test ran.
JUNE = 1_623_800_000
NOVEMBER = 1_636_900_000
MARCH = 1_646_100_000


def write_session(folder: Path, name: str, *, region: str, date: str, units: int, ideas: int,
                  participants: int, mtime: float) -> Path:
    """A closed session file with the given counts, last changed at ``mtime``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    session = Session.create(path, region=region, date=date, actor="test@laptop")
    unit_ids = [session.add(Unit(name=f"Dinas {n}")).id for n in range(units)]
    for n in range(participants):
        session.add(Participant(name=f"Peserta {n}", unit_id=unit_ids[n % units]))
    for n in range(ideas):
        session.add(Idea(title=f"Ide {n}", unit_id=unit_ids[n % units]))
    session.close()
    for file in folder.glob(name + "*"):
        os.utime(file, (mtime, mtime))
    return path


def write_file(folder: Path, name: str, text: str, mtime: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    """A sessions folder, seen from its parent as ``sessions`` (paths in messages stay short)."""
    monkeypatch.chdir(tmp_path)
    folder = Path("sessions")
    write_session(folder, "kabupaten-sorong-2021-06-16.json", region="Kabupaten Sorong",
                  date="2021-06-16", units=24, ideas=64, participants=40, mtime=JUNE)
    write_session(folder, "kota-banjar-2021-11-15.json", region="Kota Banjar",
                  date="2021-11-15", units=6, ideas=12, participants=9, mtime=NOVEMBER)
    write_file(folder, "rusak.json", '{"_meta": {"1": {"app": "facil', MARCH)
    return folder


def make_app(folder: Path, session: Session | None = None) -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=folder), session=session)


async def settle(pilot) -> None:
    """Wait for the folder to be read and the list to be filled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def option_texts(app: FacilitatorApp) -> list[str]:
    option_list = app.screen.query_one("#picker-list", OptionList)
    return [str(option.prompt) for option in option_list.options]


def test_the_folder_is_listed_most_recent_first_with_counts(sessions):
    entries = scan_sessions(sessions)
    assert [e.path.name for e in entries] == [
        "rusak.json", "kota-banjar-2021-11-15.json", "kabupaten-sorong-2021-06-16.json"]
    sorong = entries[2].figures
    assert (sorong["region"], sorong["date"], sorong["stage"]) == (
        "Kabupaten Sorong", "2021-06-16", "diagnose")
    assert (sorong["ideas"], sorong["opds"], sorong["participants"]) == (64, 24, 40)
    assert entries[0].error is not None and entries[0].error.code == "corrupt"


def test_files_that_are_not_sessions_are_listed_with_their_message(tmp_path):
    newer = {"_meta": {"1": {"app": "facilitator", "schema": 999, "seq": 0}}}
    write_file(tmp_path, "baru.json", json.dumps(newer), MARCH)
    write_file(tmp_path, "lain.json", json.dumps({"data": {"1": {"x": 1}}}), NOVEMBER)
    write_file(tmp_path, "kosong.json", "", JUNE)
    write_file(tmp_path, "catatan.txt", "bukan sesi", JUNE)
    (tmp_path / "folder.json").mkdir()
    entries = scan_sessions(tmp_path)
    assert [(e.path.name, e.error.code) for e in entries] == [
        ("baru.json", "newer"), ("lain.json", "not_session"), ("kosong.json", "corrupt")]
    assert "999" in entries[0].error.message()


def test_no_folder_yet_is_not_an_error(tmp_path):
    assert scan_sessions(tmp_path / "nowhere") is None
    assert scan_sessions(tmp_path) == []


def test_a_new_file_name_is_safe_and_never_taken(tmp_path):
    assert slugify("Kabupaten Sorong") == "kabupaten-sorong"
    assert slugify("Kota Bau-Bau / Sulawesi Tenggara") == "kota-bau-bau-sulawesi-tenggara"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Kabupaten Pidie Jaya — Aceh") == "kabupaten-pidie-jaya-aceh"
    assert new_session_path(tmp_path, "Kabupaten Sorong", "2021-06-16") == (
        tmp_path / "kabupaten-sorong-2021-06-16.json")
    (tmp_path / "kabupaten-sorong-2021-06-16.json").write_text("{}")
    (tmp_path / "kabupaten-sorong-2021-06-16-2.json.journal").write_text("")
    assert new_session_path(tmp_path, "Kabupaten Sorong", "2021-06-16") == (
        tmp_path / "kabupaten-sorong-2021-06-16-3.json")
    assert new_session_path(tmp_path, "???", "") == tmp_path / "sesi.json"
    assert new_session_path(tmp_path, "Con", "") == tmp_path / "con-sesi.json"


async def test_the_picker_shows_sessions_recent_first_and_a_broken_file(sessions):
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        texts = option_texts(app)
        assert texts[0].startswith("rusak.json  Tidak dapat dibuka")
        assert "Berkas sesi sessions/rusak.json rusak atau terpotong" in texts[0]
        assert texts[1].startswith("Kota Banjar  2021-11-15")
        assert texts[2].startswith("Kabupaten Sorong  2021-06-16")
        assert "Diagnose · 64 ide · 24 OPD · 40 peserta" in texts[2]


async def test_enter_opens_the_highlighted_session(sessions):
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.session is not None
        assert app.session.path.name == "kabupaten-sorong-2021-06-16.json"
        assert not app.session.readonly
        assert app.current_mode == "diagnose"
    assert app.session.store._lock is None or not app.session.store._lock.is_locked


async def test_a_click_opens_a_session(sessions):
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The list's border, the broken file (four lines), a separator: Kota Banjar is next.
        await pilot.click("#picker-list", offset=(10, 6))
        await pilot.pause()
        assert app.session is not None
        assert app.session.path.name == "kota-banjar-2021-11-15.json"


async def test_opening_a_broken_file_explains_and_stays(sessions):
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is None and isinstance(app.screen, PickerScreen)
        assert any("rusak.json rusak atau terpotong" in n.message for n in app._notifications)


async def test_a_session_held_by_another_copy_opens_read_only(sessions):
    holder = Session.open(sessions / "kota-banjar-2021-11-15.json")
    app = make_app(sessions)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("down", "enter")
            await pilot.pause()
            assert app.session.readonly
            assert any("hanya-baca" in n.message for n in app._notifications)
    finally:
        holder.close()


async def test_n_creates_a_session_from_the_dialog(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("belum-ada") / "sessions"
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hint = str(app.screen.query_one("#picker-hint").render())
        assert "belum ada" in hint and "facilitator demo" in hint
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionDialog)
        date_field = app.screen.query_one("#new-date", Input)
        date_field.value = ""
        await pilot.press("enter")  # no region yet
        await pilot.pause()
        assert "wajib" in str(app.screen.query_one("#new-error").render())
        await pilot.press(*"Kabupaten Sorong", "enter")
        await pilot.press(*"2021-02-30", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionDialog)
        assert "kalender" in str(app.screen.query_one("#new-error").render())
        date_field.value = "2021-06-16"
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "drumup"
        assert app.session.lab.region == "Kabupaten Sorong"
        assert app.session.lab.dates == ["2021-06-16"]
        assert app.session.path == folder / "kabupaten-sorong-2021-06-16.json"
        await pilot.press("q")
    reopened = Session.open(folder / "kabupaten-sorong-2021-06-16.json")
    assert reopened.lab.region == "Kabupaten Sorong" and not reopened.readonly
    reopened.close()


async def test_a_new_session_never_overwrites_one_of_the_same_name(sessions):
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#new-date", Input).value = "2021-06-16"
        await pilot.press(*"Kabupaten Sorong", "enter", "enter")
        await pilot.pause()
        assert app.session.path.name == "kabupaten-sorong-2021-06-16-2.json"
    old = Session.open(sessions / "kabupaten-sorong-2021-06-16.json", readonly=True)
    assert len(old.ideas()) == 64
    old.close()


async def test_the_picker_returns_to_the_open_session_and_switches_to_another(sessions):
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        first = app.session
        app.action_open_picker()
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.session is first and app.current_mode == "diagnose"
        app.action_open_picker()
        await settle(pilot)
        option_list = app.screen.query_one("#picker-list", OptionList)
        option_list.highlighted = option_list.get_option_index(
            str(sessions / "kota-banjar-2021-11-15.json"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.path.name == "kota-banjar-2021-11-15.json"
        assert first.store._lock is None or not first.store._lock.is_locked  # closed
        assert "12 ide" in str(app.screen.query_one("#stage-tab-diagnose").render())


# -- snapshots -----------------------------------------------------------------------------------

def test_picker_snapshot(snap_compare, sessions):
    assert snap_compare(make_app(sessions), terminal_size=SIZE, run_before=settle)


def test_picker_snapshot_in_english(snap_compare, sessions):
    app = FacilitatorApp(Settings(sessions_dir=sessions, lang="en"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_empty_picker_snapshot(snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("sessions").mkdir()
    assert snap_compare(make_app(Path("sessions")), terminal_size=SIZE, run_before=settle)


async def test_the_picker_follows_a_language_switch(sessions):
    app = make_app(sessions)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "Lab sessions in folder sessions" in str(
            app.screen.query_one("#picker-title").render())
        texts = option_texts(app)
        assert texts[0].startswith("rusak.json  Cannot be opened")
        assert "The session file sessions/rusak.json is damaged" in texts[0]
        assert "64 ideas · 24 OPD · 40 participants" in texts[2]


def test_new_session_dialog_snapshot(snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def fill_in(pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        pilot.app.screen.query_one("#new-date", Input).value = "2021-06-16"
        await pilot.press(*"Kabupaten Sorong")
        await pilot.pause()

    assert snap_compare(make_app(Path("sessions")), terminal_size=SIZE, run_before=fill_in)
