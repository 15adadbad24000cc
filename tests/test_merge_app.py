"""Merging from the app: two tables worked on two laptops; at the end the coach brings the
second laptop's file into the open session, reads the report and opens the merged session."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from textual.widgets import Input, SelectionList

from facilitator.app import FacilitatorApp
from facilitator.app.screens.merge_dialog import MergeDialog, default_merge_path
from facilitator.core.records import Commitment, Idea, Unit
from facilitator.core.seal import seal, verify
from facilitator.core.session import Session
from facilitator.settings import Settings
from facilitator.store import peek


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def two_laptops(folder: Path, *, second_name: str = "meja-b.json") -> tuple[Path, Path]:
    """The coach makes the session and copies it to a second laptop; both capture ideas, both
    edit the same idea (the second later), and each seals a commitment."""
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / "meja-a.json"
    s = Session.create(first, region="Kabupaten Sorong", actor="antun@a")
    unit = s.add(Unit(name="Dinas Perikanan"))
    s.add(Idea(title="Cold storage nelayan", unit_id=unit.id))
    s.close()
    second = folder / second_name
    shutil.copy(first, second)
    a = Session.open(first, actor="antun@a")
    shared = a.ideas()[0]
    a.add(Idea(title="Pasar ikan [digital]", unit_id=unit.id))
    a.edit(shared, description="versi meja A")
    c = a.add(Commitment(official={"name": "Yohanes"}, text="Kami berkomitmen"))
    seal(a, c, signed_how="paper", sheet_no="1")
    a.close()
    b = Session.open(second, actor="rina@b")
    b.add(Idea(title="Penyuluhan keliling", unit_id=unit.id))
    b.edit(b.get(Idea, shared.id), description="versi meja B (lebih baru)")
    c2 = b.add(Commitment(official={"name": "Maria"}, text="Kami berkomitmen"))
    seal(b, c2, signed_how="typed", typed_name="Maria")
    b.close()
    return first, second


def make_app(sessions: Path, session) -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=sessions), session=session)


async def open_dialog(pilot) -> MergeDialog:
    await pilot.press("5")
    await pilot.pause()
    await pilot.press("m")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, MergeDialog)
    await settle(pilot)  # the sessions folder is read in a worker
    return dialog


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def text_of(dialog: MergeDialog, widget_id: str) -> str:
    return str(dialog.query_one(f"#{widget_id}").render())


async def test_the_second_laptop_joins_and_the_merged_session_opens(tmp_path):
    sessions = tmp_path / "sessions"
    first, second = two_laptops(sessions)
    session = Session.open(first, actor="antun@a")
    before = digest(second)
    app = make_app(sessions, session)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        files = dialog.query_one("#merge-files", SelectionList)
        # The other session of the folder is offered, not the open one.
        offered = [files.get_option_at_index(n).value for n in range(files.option_count)]
        assert offered == [str(second)] and files.selected == []
        out = default_merge_path(sessions, session)
        assert out == sessions / "meja-a-gabungan.json"
        assert dialog.query_one("#merge-out", Input).value == str(out)
        await pilot.press("space")  # choose meja-b.json
        assert files.selected == [str(second)]
        await pilot.click("#merge-run")
        await settle(pilot)
        report = text_of(dialog, "merge-report")
        assert "2 berkas digabung" in report and str(out) in report
        assert "Ide «Cold storage nelayan»: dipakai dari meja-b.json" in report
        assert "versi meja-a.json ditinggalkan" in report
        assert out.exists() and dialog.report.written
        assert digest(second) == before  # the other laptop's file is never changed
        assert dialog.query_one("#merge-open").display
        await pilot.click("#merge-open")
        await pilot.pause()
        await pilot.pause()
        assert Path(app.session.path) == out
        titles = sorted(i.title for i in app.session.ideas())
        assert titles == ["Cold storage nelayan", "Pasar ikan [digital]", "Penyuluhan keliling"]
        shared = next(i for i in app.session.ideas() if i.title == "Cold storage nelayan")
        assert shared.description == "versi meja B (lebih baru)"
        assert len(app.session.sealed()) == 2 and verify(app.session) == []
    session.close()  # the merged session is the app's own: it closed it on leaving


async def test_a_broken_chain_is_refused_until_the_coach_confirms(tmp_path):
    sessions = tmp_path / "sessions"
    first, second = two_laptops(sessions)
    # Someone changed the sealed commitment in the second file by hand.
    second.write_text(second.read_text("utf-8").replace("Kami berkomitmen", "Kami coba"),
                      encoding="utf-8")
    session = Session.open(first, actor="antun@a")
    app = make_app(sessions, session)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        await pilot.press("space")
        out = Path(dialog.query_one("#merge-out", Input).value)
        await pilot.click("#merge-run")
        await settle(pilot)
        report = text_of(dialog, "merge-report")
        assert "ditolak" in report and not out.exists()
        assert "Rantai segel rusak di meja-b.json: komitmen Maria diubah setelah disegel" in report
        assert "Rantai segel rusak" in text_of(dialog, "merge-message")
        assert dialog.query_one("#merge-force").display
        assert not dialog.query_one("#merge-open").display
        await pilot.click("#merge-force")
        await settle(pilot)
        assert out.exists() and dialog.report.written
        assert "2 berkas digabung" in text_of(dialog, "merge-report")
        await pilot.press("escape")
        await pilot.pause()
        assert Path(app.session.path) == first  # closing keeps the session that was open
    session.close()


async def test_a_file_from_a_usb_stick_is_typed_in(tmp_path):
    sessions = tmp_path / "sessions"
    first, _ = two_laptops(sessions)
    stick = tmp_path / "usb"
    stick.mkdir()
    _, other = two_laptops(tmp_path / "elsewhere", second_name="meja-c.json")
    on_stick = stick / "meja-c.json"
    shutil.copy(other, on_stick)
    session = Session.open(first, actor="antun@a")
    app = make_app(sessions, session)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        field = dialog.query_one("#merge-path", Input)
        field.focus()
        field.value = str(stick / "tidak-ada.json")
        await pilot.press("enter")
        assert str(stick / "tidak-ada.json") in text_of(dialog, "merge-message")
        assert dialog.query_one("#merge-message").has_class("-error")
        field.value = str(first)
        await pilot.press("enter")
        assert "sedang terbuka" in text_of(dialog, "merge-message")
        field.value = str(on_stick)
        await pilot.press("enter")
        files = dialog.query_one("#merge-files", SelectionList)
        assert files.selected == [str(on_stick)] and field.value == ""
        await pilot.click("#merge-run")
        await settle(pilot)
        out = Path(dialog.query_one("#merge-out", Input).value)
        assert dialog.report.written and out.exists()
        assert {i["title"] for i in peek(out)["ideas"].values()} >= {"Pasar ikan [digital]",
                                                                     "Penyuluhan keliling"}
    session.close()


async def test_nothing_chosen_or_a_name_taken_is_said_plainly(tmp_path):
    sessions = tmp_path / "sessions"
    first, second = two_laptops(sessions)
    session = Session.open(first, actor="antun@a")
    app = make_app(sessions, session)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        await pilot.click("#merge-run")
        await pilot.pause()
        assert text_of(dialog, "merge-message") == "Pilih minimal satu berkas untuk digabungkan."
        dialog.query_one("#merge-files", SelectionList).focus()
        await pilot.press("space")
        dialog.query_one("#merge-out", Input).value = str(second)
        await pilot.pause(0.3)  # Textual's button ignores a click within 0.2 s of its last press
        await pilot.click("#merge-run")
        await pilot.pause()
        assert str(second) in text_of(dialog, "merge-message")
        assert dialog.report is None
    session.close()
