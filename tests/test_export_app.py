"""Exporting from the app: the coach picks a format and a folder, watches the progress, and
reads where the files went; a failure says why and loses nothing."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, ProgressBar, TextArea

from facilitator.app import FacilitatorApp
from facilitator.app.screens.export_dialog import ExportDialog, default_export_folder
from facilitator.core.session import Session
from facilitator.core.stats import stats
from facilitator.demo import write_demo
from facilitator.export import format_names, load_export
from facilitator.export.bundle import MANIFEST
from facilitator.settings import Settings
from facilitator.store import Store


@pytest.fixture
def sessions(tmp_path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def demo(sessions):
    session = Session.open(write_demo(sessions / "sorong.json"), actor="coach@test")
    yield session
    session.close()


def make_app(sessions: Path, session, lang: str = "id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=sessions, lang=lang), session=session)


async def open_dialog(pilot) -> ExportDialog:
    await pilot.press("5")
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


async def choose(pilot, dialog: ExportDialog, fmt: str) -> None:
    """Move the list's cursor to ``fmt`` with the arrow keys, as the coach does."""
    formats = dialog.query_one("#export-formats", OptionList)
    formats.focus()
    await pilot.press("home")
    while dialog.chosen != fmt:
        await pilot.press("down")


async def finish(pilot) -> None:
    """Wait for the export's worker, then for the messages it posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def text_of(dialog: ExportDialog, widget_id: str) -> str:
    return str(dialog.query_one(f"#{widget_id}").render())


async def test_the_coach_exports_the_bundle_and_sees_where_it_went(sessions, demo):
    progress: list[tuple[int, int, str]] = []

    def hook(message) -> None:
        if isinstance(message, ExportDialog.Progress):
            progress.append((message.done, message.total, message.step))

    app = make_app(sessions, demo)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        dialog = await open_dialog(pilot)
        folder = sessions / "exports" / "sorong"
        assert default_export_folder(sessions, demo) == folder
        assert dialog.query_one("#export-folder", Input).value == str(folder)
        assert dialog.chosen == "bundle"  # offered first: what LAN and the region are sent
        assert not folder.exists()
        await pilot.press("enter")
        await finish(pilot)
        [bundle] = list(folder.iterdir())
        assert bundle.name == "kabupaten-sorong-bundle.zip"
        assert str(bundle) in text_of(dialog, "export-paths")
        assert "1 berkas" in text_of(dialog, "export-status")
        assert dialog.written == [bundle] and not dialog.running
        assert isinstance(app.screen, ExportDialog)  # still open: the path stays readable
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
        assert {name.split("/")[0] for name in archive.namelist()} - {MANIFEST} == set(
            format_names()) - {"bundle"}
    # The bar moved through every format the bundle packs, and reached its end.
    assert {step for _, _, step in progress} >= set(format_names())
    assert progress[-1][0] == progress[-1][1]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
async def test_an_export_from_the_app_becomes_the_same_session_again(sessions, demo, fmt):
    app = make_app(sessions, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_dialog(pilot)
        await choose(pilot, dialog, fmt)
        await pilot.press("enter")
        await finish(pilot)
        [path] = dialog.written
        assert path.suffix == f".{fmt}" and str(path) in text_of(dialog, "export-paths")
    again = Session(Store.create(sessions / "again.json", load_export(path)))
    try:
        assert stats(again) == stats(demo)
        assert again.selected_ids() == demo.selected_ids()
        assert again.lab.minutes == demo.lab.minutes
    finally:
        again.close()


async def test_a_folder_typed_in_is_used(sessions, demo, tmp_path):
    app = make_app(sessions, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_dialog(pilot)
        await choose(pilot, dialog, "iid")
        folder = dialog.query_one("#export-folder", Input)
        folder.value = str(tmp_path / "flashdisk" / "lab sorong")
        folder.focus()
        await pilot.press("enter")
        await finish(pilot)
        [path] = dialog.written
        assert path.parent == (tmp_path / "flashdisk" / "lab sorong").resolve()
        assert path.name == "kabupaten-sorong-indeks-inovasi-daerah.xlsx" and path.exists()


async def test_a_folder_that_cannot_be_written_says_why_and_the_coach_tries_again(
        sessions, demo, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = make_app(sessions, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        await choose(pilot, dialog, "md")
        folder = dialog.query_one("#export-folder", Input)
        folder.value = str(blocker / "out")
        await pilot.click("#export-run")
        await finish(pilot)
        status = text_of(dialog, "export-status")
        assert status.startswith("Folder ekspor") and str(blocker) in status
        assert dialog.written == []
        assert dialog.query_one("#export-status").has_class("-error")
        # Nothing was lost: the dialog is open with the same choice; another folder works.
        assert isinstance(app.screen, ExportDialog) and dialog.chosen == "md"
        folder.value = str(tmp_path / "good")
        await pilot.pause(0.3)  # Textual's button ignores a click within 0.2 s of its last press
        await pilot.click("#export-run")
        await finish(pilot)
        [path] = dialog.written
        assert path.suffix == ".md" and not dialog.query_one("#export-status").has_class("-error")


async def test_a_full_disk_is_reported_in_the_coachs_language(sessions, demo, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    app = make_app(sessions, demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        await choose(pilot, dialog, "docx")
        monkeypatch.setattr(os, "fsync", full)
        await pilot.press("enter")
        await finish(pilot)
        status = text_of(dialog, "export-status")
        assert os.strerror(errno.ENOSPC) in status and "export" in status.lower()
        folder = default_export_folder(sessions, demo)
        assert list(folder.iterdir()) == []  # no half-written file, no temporary left
        assert not dialog.query_one(ProgressBar).display  # the bar went away with the work


async def test_what_the_coach_typed_in_the_minutes_is_in_the_export(sessions, demo):
    app = make_app(sessions, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        area = app.screen.query_one("#minutes-dokumentasi", TextArea)
        area.focus()
        await pilot.press(*"Foto peluncuran di lampiran")
        # Straight to the export (the footer's Export, clicked while still in the field).
        app.screen.action_export()
        await pilot.pause()
        dialog = app.screen
        await choose(pilot, dialog, "md")
        await pilot.press("enter")
        await finish(pilot)
        [path] = dialog.written
        assert "Foto peluncuran di lampiran" in path.read_text("utf-8")


async def test_escape_closes_the_dialog_but_not_while_it_writes(sessions, demo):
    app = make_app(sessions, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.running = True  # as if a worker were writing
        await pilot.press("escape")
        assert app.screen is dialog
        dialog.running = False
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.STAGE == "display"
