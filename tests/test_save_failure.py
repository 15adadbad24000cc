"""A disk that fills up or turns read-only during a save: nothing the coach typed is lost.

The core keeps a refused change in memory (marked unsaved) when asked to (the app does), writes
it with the next change the disk takes, and saves the whole session elsewhere on request; the
last good file is never touched. The app says what happened, marks the header, keeps working,
and offers "save as" (ctrl+s, and in the command palette).

The disk is made full (or read-only) for one folder only, by failing the store's writes and
fsyncs of files in that folder, as the kernel would.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from textual.widgets import Input

import facilitator.store as store_module
from facilitator.app import FacilitatorApp
from facilitator.app.screens.save_as import SaveAsDialog, resolve_target, suggest_path
from facilitator.app.widgets.frame import SessionHeader
from facilitator.core.errors import ReadOnlyError, StoreError
from facilitator.core.records import Idea, Unit
from facilitator.core.session import Session
from facilitator.settings import Settings
from facilitator.store import sidecar

from pilot_keys import picture

SIZE = (80, 24)


class Disk:
    """Makes the disk of one folder full (ENOSPC) or read-only (EROFS) until ``fix()``.

    Full: no write gets a byte on, and a file that needs new blocks (a new one, or one grown
    since the disk filled: buffered writes reach the disk only then) fails its fsync; a journal
    cut back to its old size needs none. Read-only: every write and fsync fails.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        self.folder = folder.resolve()
        self.error: int | None = None
        self.sizes: dict[Path, int] = {}
        real_write, real_fsync = os.write, store_module._fsync

        def write(fd, data):
            if self._here(fd):
                raise OSError(self.error, os.strerror(self.error))
            return real_write(fd, data)

        def fsync(fd):
            target = self._here(fd)
            if target and (self.error != errno.ENOSPC
                           or os.fstat(fd).st_size > self.sizes.get(target, -1)):
                raise OSError(self.error, os.strerror(self.error))
            real_fsync(fd)

        monkeypatch.setattr(store_module.os, "write", write)
        monkeypatch.setattr(store_module, "_fsync", fsync)

    def _here(self, fd: int) -> Path | None:
        if self.error is None:
            return None
        target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        return target if target.parent == self.folder else None

    def fill(self) -> None:
        self.sizes = {p: p.stat().st_size for p in self.folder.iterdir()}
        self.error = errno.ENOSPC

    def protect(self) -> None:
        self.error = errno.EROFS

    def fix(self) -> None:
        self.error = None


def disk_state(path: Path) -> dict[str, bytes]:
    """Every byte of the session file and of what lies beside it (the lock file aside)."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())
            if p.name.startswith(path.name) and not p.name.endswith(".lock")}


def titles(session: Session) -> list[str]:
    return [idea.title for idea in session.ideas()]


def reopened_titles(path: Path) -> list[str]:
    session = Session.open(path, readonly=True)
    try:
        return titles(session)
    finally:
        session.close()


@pytest.fixture
def lab(tmp_path) -> Session:
    """A session in ``laptop/`` holding one unit and one idea, already saved."""
    session = Session.create(tmp_path / "laptop" / "sorong.json", region="Kabupaten Sorong",
                             date="2021-06-17", actor="coach@test")
    session.add(Unit(name="Dinas Kesehatan", short="Dinkes"))
    session.add(Idea(title="Antrean daring Puskesmas"))
    session.keep_unsaved = True
    yield session
    session.close()


@pytest.fixture
def disk(monkeypatch, lab) -> Disk:
    return Disk(monkeypatch, lab.path.parent)


# -- the core ----------------------------------------------------------------------------------


@pytest.mark.parametrize("failure,code", [("fill", "disk_full"), ("protect", "no_write")])
def test_a_refused_change_stays_in_memory_and_the_last_good_file_is_intact(lab, disk, failure,
                                                                           code):
    before = disk_state(lab.path)
    getattr(disk, failure)()
    idea = lab.add(Idea(title="Posyandu digital"))
    assert titles(lab) == ["Antrean daring Puskesmas", "Posyandu digital"]
    assert lab.unsaved and lab.save_error.code == code
    assert str(lab.path) in lab.save_error.message()
    # Work goes on in memory: an edit of the held idea, another idea, an undo.
    lab.edit(idea, title="Posyandu digital terpadu")
    lab.add(Idea(title="Bank sampah"))
    lab.undo()
    assert titles(lab) == ["Antrean daring Puskesmas", "Posyandu digital terpadu"]
    assert disk_state(lab.path) == before
    assert reopened_titles(lab.path) == ["Antrean daring Puskesmas"]


def test_the_next_change_the_disk_takes_saves_every_held_one(lab, disk):
    disk.fill()
    idea = lab.add(Idea(title="Posyandu digital"))
    lab.edit(idea, title="Posyandu digital terpadu")
    disk.fix()
    lab.add(Idea(title="Setelah ruang kembali"))
    assert not lab.unsaved and lab.save_error is None
    expected = ["Antrean daring Puskesmas", "Posyandu digital terpadu", "Setelah ruang kembali"]
    # As a crash would find it (the journal holds everything) and after a clean close.
    assert reopened_titles(lab.path) == expected
    lab.close()
    assert reopened_titles(lab.path) == expected
    session = Session.open(lab.path)
    assert len(session.undoable().changes) == 1  # the audit log kept each change apart
    session.close()


def test_closing_when_the_disk_has_room_again_writes_the_held_changes(lab, disk):
    disk.fill()
    lab.add(Idea(title="Posyandu digital"))
    disk.fix()
    lab.close()
    assert reopened_titles(lab.path) == ["Antrean daring Puskesmas", "Posyandu digital"]


def test_save_as_writes_memory_elsewhere_and_continues_there(lab, disk, tmp_path):
    before = disk_state(lab.path)
    disk.fill()
    lab.add(Idea(title="Posyandu digital"))
    target = tmp_path / "usb" / "sorong-2.json"
    assert lab.save_as(target) == target
    assert lab.path == target and not lab.unsaved and lab.save_error is None
    lab.add(Idea(title="Di flashdisk"))  # journaled beside the new file, under its lock
    assert sidecar(target, ".journal").exists()
    with pytest.raises(StoreError) as caught:
        Session.open(target).add(Idea(title="salinan kedua"))
    assert isinstance(caught.value, ReadOnlyError)
    disk.fix()
    assert disk_state(before_path := tmp_path / "laptop" / "sorong.json") == before
    assert reopened_titles(before_path) == ["Antrean daring Puskesmas"]
    assert reopened_titles(target) == ["Antrean daring Puskesmas", "Posyandu digital",
                                       "Di flashdisk"]
    # The old file is free again: another copy of the app may open it for writing.
    old = Session.open(before_path)
    assert not old.readonly
    old.close()


def test_a_journal_that_cannot_be_cut_back_holds_changes_until_saved_as(lab, disk, tmp_path,
                                                                        monkeypatch):
    disk.fill()

    def ftruncate(fd, length):
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(store_module.os, "ftruncate", ftruncate)
        lab.add(Idea(title="Setengah tertulis"))
    disk.fix()
    lab.add(Idea(title="Berikutnya"))  # the journal may end in half a line: not appended to
    assert lab.unsaved and lab.save_error.code == "disk_full"
    target = lab.save_as(tmp_path / "usb" / "salinan.json")
    assert reopened_titles(target) == ["Antrean daring Puskesmas", "Setengah tertulis",
                                       "Berikutnya"]


def test_save_as_refuses_an_existing_file_or_a_full_target_and_keeps_everything(lab, disk,
                                                                               tmp_path):
    disk.fill()
    lab.add(Idea(title="Posyandu digital"))
    taken = tmp_path / "taken.json"
    taken.write_text("milik orang lain")
    with pytest.raises(StoreError) as caught:
        lab.save_as(taken)
    assert caught.value.code == "exists" and taken.read_text() == "milik orang lain"
    with pytest.raises(StoreError) as caught:
        lab.save_as(lab.path.parent / "sebelah.json")  # the same full disk
    assert caught.value.code == "disk_full"
    assert not (lab.path.parent / "sebelah.json").exists()
    assert lab.unsaved and lab.path == tmp_path / "laptop" / "sorong.json"
    assert titles(lab)[-1] == "Posyandu digital"
    lab.save_as(tmp_path / "usb.json")
    assert reopened_titles(tmp_path / "usb.json")[-1] == "Posyandu digital"


def test_a_read_only_session_refuses_changes_but_saves_a_writable_copy(lab, tmp_path):
    viewer = Session.open(lab.path)  # the fixture holds the lock
    viewer.keep_unsaved = True
    assert viewer.readonly
    with pytest.raises(ReadOnlyError):
        viewer.add(Idea(title="ditolak"))
    copy = viewer.save_as(tmp_path / "copy.json")
    assert not viewer.readonly
    viewer.add(Idea(title="di salinan"))
    viewer.close()
    assert reopened_titles(copy)[-1] == "di salinan"
    assert "di salinan" not in titles(lab)


def test_without_keep_unsaved_the_change_is_refused_as_before(lab, disk):
    lab.keep_unsaved = False
    disk.fill()
    with pytest.raises(StoreError):
        lab.add(Idea(title="ditolak"))
    assert titles(lab) == ["Antrean daring Puskesmas"] and not lab.unsaved


def test_a_typed_path_means_what_the_coach_expects(tmp_path):
    current = tmp_path / "laptop" / "sorong.json"
    current.parent.mkdir()
    current.write_text("{}")
    assert suggest_path(current) == current.parent / "sorong-2.json"
    (current.parent / "sorong-2.json.journal").write_text("")
    assert suggest_path(current) == current.parent / "sorong-3.json"
    usb = tmp_path / "usb"
    usb.mkdir()
    assert resolve_target(str(usb), current) == usb / "sorong.json"
    assert resolve_target("salinan", current) == current.parent / "salinan.json"
    assert resolve_target("~/x.json", current) == Path.home() / "x.json"
    assert resolve_target("  ", current) is None


# -- the app -----------------------------------------------------------------------------------


def make_app(tmp_path: Path, session: Session, lang: str = "id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


def messages(app: FacilitatorApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def header(app: FacilitatorApp) -> SessionHeader:
    return app.screen.query_one(SessionHeader)


async def capture(pilot, title: str) -> None:
    pane = pilot.app.screen.ideas_pane
    pane.capture_field.value = title
    await pilot.press("enter")
    await pilot.pause()


def table_titles(app: FacilitatorApp) -> list[str]:
    table = app.screen.ideas_pane.table
    return [table.get_row_at(r)[0].plain for r in range(table.row_count)]


async def save_as(pilot, target: Path) -> SaveAsDialog:
    await pilot.press("ctrl+s")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SaveAsDialog)
    dialog.query_one("#save-as-path", Input).value = str(target)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_typing_on_a_full_disk_keeps_the_idea_and_save_as_carries_it_over(
        tmp_path, lab, disk, lang):
    first = lab.path
    app = make_app(tmp_path, lab, lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("n")
        before = disk_state(first)
        disk.fill()
        await capture(pilot, "Posyandu digital")
        # The idea is on screen, the header says it is not saved, a notice says what to do.
        assert "Posyandu digital" in table_titles(app)
        assert header(app).has_class("-unsaved")
        assert header(app).query_one("#header-unsaved").display
        unsaved = "BELUM TERSIMPAN" if lang == "id" else "NOT SAVED"
        assert unsaved in str(header(app).query_one("#header-unsaved").render())
        full = "Disk penuh" if lang == "id" else "The disk is full"
        notice = next(m for m in messages(app) if full in m)
        assert "ctrl+s" in notice and str(first) in notice
        # The capture line under the field must not claim the idea was saved.
        status = str(app.screen.query_one("#capture-status").render())
        assert ("BELUM TERSIMPAN" if lang == "id" else "NOT SAVED") in status
        assert "Posyandu digital" in status
        # Working on is fine: a second idea, and the notice is not repeated for it.
        await capture(pilot, "Bank sampah")
        assert table_titles(app)[-2:] == ["Posyandu digital", "Bank sampah"]
        assert sum(full in m for m in messages(app)) == 1

        target = tmp_path / "usb" / "sorong-2.json"
        target.parent.mkdir()
        await save_as(pilot, target)
        assert not isinstance(app.screen, SaveAsDialog)
        assert app.session.path == target and not app.session.unsaved
        assert not header(app).has_class("-unsaved")
        assert not any(full in m for m in messages(app))  # the notice is taken down
        assert any(str(target) in m for m in messages(app))
        await capture(pilot, "Di flashdisk")
        assert disk_state(first) == before  # the last good file, byte for byte
    lab.close()
    assert reopened_titles(target) == ["Antrean daring Puskesmas", "Posyandu digital",
                                       "Bank sampah", "Di flashdisk"]
    disk.fix()
    assert reopened_titles(first) == ["Antrean daring Puskesmas"]


async def test_the_save_as_dialog_is_not_hidden_behind_the_notices(tmp_path, lab, disk):
    """At 80x24 the stacked notices cover the dialog's path field: opening it clears them, the
    header still says NOT SAVED, and the next refused change says so again."""
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("n")
        disk.fill()
        await capture(pilot, "Posyandu digital")
        assert messages(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
        assert messages(app) == []
        await pilot.press("escape")
        await pilot.pause()
        assert header(app).has_class("-unsaved")
        await capture(pilot, "Bank sampah")
        assert any("Disk penuh" in m for m in messages(app))
    lab.close()


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_the_save_as_dialog_says_all_it_says_at_80x24(tmp_path, lab, lang):
    """Every line of the dialog shows whole at the smallest size, wrapped where it is long."""
    from facilitator.i18n import t

    app = make_app(tmp_path, lab, lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveAsDialog)
        screen = ["".join(text for text, _ in row) for row in picture(app)]
        for label_id, key in (("#save-as-path-label", "hardening.save_as.path"),
                              ("#save-as-title", "hardening.save_as.title")):
            region = dialog.query_one(label_id).region
            shown = " ".join(screen[y][region.x:region.right]
                             for y in range(region.y, region.bottom))
            assert " ".join(shown.split()) == t(key)
    lab.close()


async def test_the_disk_coming_back_saves_everything_and_says_so(tmp_path, lab, disk):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("n")
        disk.fill()
        await capture(pilot, "Posyandu digital")
        assert header(app).has_class("-unsaved")
        disk.fix()
        await capture(pilot, "Setelah ruang kembali")
        assert not header(app).has_class("-unsaved")
        assert not any("Disk penuh" in m for m in messages(app))
        assert any("Tersimpan lagi" in m for m in messages(app))
    lab.close()
    assert reopened_titles(lab.path) == ["Antrean daring Puskesmas", "Posyandu digital",
                                         "Setelah ruang kembali"]


async def test_the_dialog_says_why_a_save_as_failed_and_stays_open(tmp_path, lab, disk):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        disk.fill()
        lab.add(Idea(title="Posyandu digital"))
        await pilot.pause()
        dialog = await save_as(pilot, lab.path.parent / "sebelah.json")  # the same full disk
        assert app.screen is dialog
        error = str(dialog.query_one("#save-as-error").render())
        assert "Disk penuh" in error
        assert app.session.unsaved
        await pilot.press("escape")
        assert not isinstance(app.screen, SaveAsDialog)


async def test_quitting_with_unsaved_changes_asks_twice(tmp_path, lab, disk):
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        disk.fill()
        lab.add(Idea(title="Posyandu digital"))
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert any("akan hilang" in m for m in messages(app))
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_opening_another_session_with_unsaved_changes_is_refused(tmp_path, lab, disk):
    other = Session.create(tmp_path / "other.json", region="Kota Sorong")
    other.close()
    app = make_app(tmp_path, lab)
    async with app.run_test(size=SIZE) as pilot:
        disk.fill()
        lab.add(Idea(title="Posyandu digital"))
        await pilot.pause()
        assert not await app.open_session_file(other.path)
        await pilot.pause()
        assert app.session is lab
        assert any("belum tersimpan" in m for m in messages(app))


async def test_a_read_only_session_offers_save_as_in_the_palette(tmp_path, lab):
    viewer = Session.open(lab.path)  # the fixture holds the lock
    app = make_app(tmp_path, viewer)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert any("ctrl+s" in m for m in messages(app))
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"simpan sebagai")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SaveAsDialog)
            await pilot.press("escape")
            await pilot.pause()
            target = tmp_path / "copy.json"
            await save_as(pilot, target)
            assert not app.session.readonly
            assert not header(app).has_class("-readonly")
            app.session.add(Idea(title="di salinan"))
            await pilot.pause()
    finally:
        viewer.close()
    assert reopened_titles(target)[-1] == "di salinan"
    assert "di salinan" not in titles(lab)


def test_store_save_as_copies_the_held_changes_and_stays_on_its_file(lab, disk, tmp_path):
    disk.fill()
    lab.add(Idea(title="Posyandu digital"))
    lab.store.save_as(tmp_path / "copy.json")
    assert reopened_titles(tmp_path / "copy.json")[-1] == "Posyandu digital"
    assert lab.path == tmp_path / "laptop" / "sorong.json" and lab.unsaved
