"""The session file: what a coach meets when a file is damaged, newer, locked or the disk fills.

Most tests look at the disk as a crash would leave it: ``crash_copy`` copies the session file and
its journal, exactly as they are while the app still runs, into another folder and opens that.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import tinydb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import facilitator.store as store_module
from facilitator import i18n
from facilitator.core.errors import ReadOnlyError, StoreError
from facilitator.core.records import Idea
from facilitator.core.session import Session
from facilitator.store import SCHEMA_VERSION, Store, in_use, peek, sidecar

REPO = Path(__file__).resolve().parent.parent


def crash_copy(path: Path, folder: Path) -> Path:
    """The session file and its journal as they are on disk now, copied into ``folder``: what
    the next start would find if the laptop died this instant."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.copyfile(path, target)
    if sidecar(path, ".journal").exists():
        shutil.copyfile(sidecar(path, ".journal"), sidecar(target, ".journal"))
    return target


def titles(session: Session) -> list[str]:
    return [idea.title for idea in session.ideas()]


@pytest.fixture
def lab(tmp_path) -> Path:
    """A closed session file of Kabupaten Sorong holding two ideas."""
    path = tmp_path / "sorong.json"
    session = Session.create(path, region="Kabupaten Sorong", date="2021-03-15")
    session.add(Idea(title="Sistem antrean daring Puskesmas"))
    session.add(Idea(title="Layanan KTP keliling"))
    session.close()
    return path


def assert_refused(path: Path, code: str) -> StoreError:
    """Opening ``path`` fails with ``code`` and leaves every byte of it, and the folder, as they
    were (a lock file aside: it holds no data)."""
    before = path.read_bytes()
    folder = set(path.parent.iterdir())
    with pytest.raises(StoreError) as caught:
        Session.open(path)
    assert caught.value.code == code
    assert path.read_bytes() == before
    after = {p for p in set(path.parent.iterdir()) - folder if not p.name.endswith(".lock")}
    assert after == set()
    assert not in_use(path)  # the refused open let go of the lock
    return caught.value


# -- files the app cannot read -----------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "empty", "blank", "truncated", "list", "bad_table",
                                    "doc_without_id", "not_utf8"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_damaged_file_is_refused_by_name_with_its_backup_and_left_untouched(lab, damage, lang):
    i18n.set_language(lang)
    good = lab.read_bytes()
    lab.write_bytes({
        "garbage": b"\x00\x13PK\x03\x04 definitely not json",
        "empty": b"",
        "blank": b" \n\n ",
        "truncated": good[: len(good) // 2],
        "list": b"[1, 2, 3]",
        "bad_table": b'{"_meta": {"1": {"app": "facilitator", "schema": 1}}, "ideas": [1]}',
        "doc_without_id": b'{"_meta": {"1": {"app": "facilitator", "schema": 1, "seq": 0}},'
                          b' "ideas": {"1": {"title": "x"}}}',
        "not_utf8": good.replace(b"Sorong", b"Sor\xffong"),
    }[damage])
    error = assert_refused(lab, "corrupt")
    message = error.message()
    assert str(lab) in message
    assert str(sidecar(lab, ".bak")) in message
    assert "{" not in message  # every parameter was filled in


def test_a_file_from_a_newer_version_is_refused_untouched(lab):
    data = json.loads(lab.read_bytes())
    data["_meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    lab.write_text(json.dumps(data), "utf-8")
    error = assert_refused(lab, "newer")
    assert str(lab) in error.message()
    assert str(SCHEMA_VERSION + 1) in error.message()


@pytest.mark.parametrize("content", [b"{}", b'{"_default": {"1": {"name": "x"}}}',
                                     b'{"_meta": {"1": {"app": "other"}}}'])
def test_a_json_file_that_is_not_a_session_is_refused(tmp_path, content):
    path = tmp_path / "notes.json"
    path.write_bytes(content)
    error = assert_refused(path, "not_session")
    assert str(path) in error.message()


def test_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(StoreError) as caught:
        Session.open(tmp_path / "nowhere.json")
    assert caught.value.code == "not_found"
    assert list(tmp_path.iterdir()) == []


def test_create_refuses_an_existing_file(lab):
    before = lab.read_bytes()
    with pytest.raises(StoreError) as caught:
        Session.create(lab, region="Kota Sorong")
    assert caught.value.code == "exists"
    assert lab.read_bytes() == before


def test_a_new_session_ignores_the_journal_of_a_deleted_one(tmp_path):
    old = Session.create(tmp_path / "a" / "lab.json", region="Kabupaten Sorong")
    old.add(Idea(title="ide lama"))
    leftover = crash_copy(old.path, tmp_path / "b")
    old.close()
    leftover.unlink()  # the coach deleted the file; its journal stayed behind

    session = Session.create(leftover, region="Kota Sorong")
    session.close()
    reopened = Session.open(leftover)
    assert titles(reopened) == []
    assert reopened.lab.region == "Kota Sorong"
    reopened.close()


# -- schema versions -----------------------------------------------------------------------------


def test_an_older_file_is_migrated_on_open_and_the_original_kept(tmp_path, monkeypatch):
    path = tmp_path / "lab.json"
    session = Session.create(path, region="Kabupaten Sorong")
    session.add(Idea(title="Sistem antrean daring"))
    session.close()
    # Left by the old version: the file, and a journal it had not folded in yet.
    session = Session.open(path)
    session.add(Idea(title="Layanan KTP keliling"))
    old = crash_copy(path, tmp_path / "crashed")
    session.close()
    original = old.read_bytes()

    def add_tags(tables):
        for doc in tables.get("ideas", {}).values():
            doc["tags"] = ["v2:" + doc["title"]]
        return tables

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION, add_tags)

    store = Store.open(old)
    tags = sorted(doc["tags"][0] for doc in store.tables["ideas"].values())
    # The journal's change was replayed in the old schema, then migrated with the rest.
    assert tags == ["v2:Layanan KTP keliling", "v2:Sistem antrean daring"]
    store.close()
    assert sidecar(old, f".v{SCHEMA_VERSION}.bak").read_bytes() == original
    on_disk = json.loads(old.read_bytes())
    assert on_disk["_meta"]["1"]["schema"] == SCHEMA_VERSION + 1
    assert sorted(d["tags"][0] for d in on_disk["ideas"].values()) == tags
    assert not sidecar(old, ".journal").exists()


def test_reading_an_older_file_migrates_in_memory_only(lab, monkeypatch):
    before = lab.read_bytes()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION,
                        lambda tables: {**tables, "ideas": {}})
    assert peek(lab)["ideas"] == {}
    store = Store.open(lab, readonly=True)
    assert store.tables["ideas"] == {}
    store.close()
    assert lab.read_bytes() == before


# -- a second copy of the app, and a crashed one ---------------------------------------------------


def test_a_read_only_session_says_why_it_cannot_be_changed(lab, monkeypatch):
    """Another copy holding the file, a medium that cannot be written and --read-only are three
    different situations for the coach, each with its own remedy: the message names the right one."""
    i18n.set_language("en")
    try:
        first = Session.open(lab)
        second = Session.open(lab)
        with pytest.raises(ReadOnlyError) as held:
            second.add(Idea(title="x"))
        assert "another copy" in held.value.message()
        second.close()
        first.close()

        asked = Session.open(lab, readonly=True)
        with pytest.raises(ReadOnlyError) as on_purpose:
            asked.add(Idea(title="x"))
        assert "--read-only" in on_purpose.value.message()
        asked.close()

        def refused(self, *args, **kwargs):
            raise PermissionError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(store_module.FileLock, "acquire", refused)
        medium = Session.open(lab)
        assert medium.readonly
        with pytest.raises(ReadOnlyError) as on_medium:
            medium.add(Idea(title="x"))
        assert "cannot be written" in on_medium.value.message()
        assert "another copy" not in on_medium.value.message()
        medium.close()
    finally:
        i18n.set_language("id")


def test_a_second_copy_opens_read_only_and_cannot_change_anything(lab):
    first = Session.open(lab)
    assert not first.readonly
    assert in_use(lab)
    second = Session.open(lab)
    assert second.readonly
    with pytest.raises(ReadOnlyError) as caught:
        second.add(Idea(title="dari salinan kedua"))
    assert str(lab) in caught.value.message()
    assert "dari salinan kedua" not in titles(second)
    first.add(Idea(title="dari salinan pertama"))  # the first copy is not disturbed
    second.close()
    first.close()
    third = Session.open(lab)
    assert not third.readonly
    assert "dari salinan pertama" in titles(third)
    assert "dari salinan kedua" not in titles(third)
    third.close()


def test_the_lock_of_a_killed_process_does_not_block_the_next_start(lab):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from facilitator.store import Store\n"
         "store = Store.open(sys.argv[1])\n"
         "print('writable' if not store.readonly else 'readonly', flush=True)\n"
         "time.sleep(120)\n", str(lab)],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))},
    )
    try:
        assert holder.stdout.readline().strip() == "writable"
        blocked = Session.open(lab)
        assert blocked.readonly  # the child really holds the lock while it lives
        blocked.close()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert sidecar(lab, ".lock").exists()  # the killed child left its lock file behind
    session = Session.open(lab)
    assert not session.readonly
    session.add(Idea(title="setelah crash"))
    session.close()


def test_a_write_protected_medium_opens_read_only(lab, monkeypatch):
    class WriteProtected:
        def __init__(self, *args, **kwargs):
            pass

        def acquire(self):
            raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store_module, "FileLock", WriteProtected)
    session = Session.open(lab)
    assert session.readonly
    assert titles(session) == ["Sistem antrean daring Puskesmas", "Layanan KTP keliling"]
    with pytest.raises(ReadOnlyError):
        session.add(Idea(title="tidak tersimpan"))
    session.close()


# -- generations and the journal --------------------------------------------------------------


def test_the_backup_holds_the_previous_generation(tmp_path):
    store = Store.create(tmp_path / "lab.json")
    store.commit([("ideas", "ide-1", {"id": "ide-1", "title": "pertama"})])
    store.compact()
    first_generation = store.path.read_bytes()
    store.commit([("ideas", "ide-2", {"id": "ide-2", "title": "kedua"})])
    store.compact()
    assert sidecar(store.path, ".bak").read_bytes() == first_generation
    backup = json.loads(sidecar(store.path, ".bak").read_bytes())
    assert [d["title"] for d in backup["ideas"].values()] == ["pertama"]
    store.close()


def test_changes_live_in_the_journal_until_folded_in(lab):
    session = Session.open(lab)
    file_before = lab.read_bytes()
    session.add(Idea(title="Posyandu digital"))
    assert lab.read_bytes() == file_before  # one appended line, not a rewrite
    assert sidecar(lab, ".journal").stat().st_size > 0
    reopened = Session.open(crash_copy(lab, lab.parent / "crashed"))
    assert "Posyandu digital" in titles(reopened)
    reopened.close()
    session.close()
    assert not sidecar(lab, ".journal").exists()
    on_disk = json.loads(lab.read_bytes())["ideas"].values()
    assert "Posyandu digital" in [doc["title"] for doc in on_disk]


@pytest.mark.parametrize("tail", [b'9f3a01c2 {"seq": 7, "ops": [["ideas", "ide-x", {"id"',
                                  b"\x00\x00\x00\x00\x00\x00", b"0000 half a line\n"])
def test_a_torn_last_line_is_dropped_and_the_next_change_is_kept(lab, tail):
    session = Session.open(lab)
    session.add(Idea(title="Aplikasi pengaduan warga"))
    session.add(Idea(title="Bank sampah kelurahan"))
    crashed = crash_copy(lab, lab.parent / "crashed")
    session.close()
    with open(sidecar(crashed, ".journal"), "ab") as journal:
        journal.write(tail)  # the line being written when the power went

    after = Session.open(crashed)
    assert titles(after)[-2:] == ["Aplikasi pengaduan warga", "Bank sampah kelurahan"]
    after.add(Idea(title="Mal pelayanan publik"))  # confirmed after the crash
    again = Session.open(crash_copy(crashed, lab.parent / "crashed-again"))
    assert titles(again)[-3:] == ["Aplikasi pengaduan warga", "Bank sampah kelurahan",
                                  "Mal pelayanan publik"]
    again.close()
    after.close()


def test_a_torn_first_change_after_a_fold_does_not_swallow_the_next_one(lab):
    # The journal was just folded in; the crash tore the very first line of the new one.
    sidecar(lab, ".journal").write_bytes(b'1c0ffee0 {"seq": 9, "ops": [["ideas", "ide-')
    session = Session.open(lab)
    session.add(Idea(title="Mal pelayanan publik"))
    crashed = Session.open(crash_copy(lab, lab.parent / "crashed"))
    assert titles(crashed)[-1] == "Mal pelayanan publik"
    crashed.close()
    session.close()


def test_a_damaged_line_in_the_middle_of_the_journal_is_refused(lab):
    session = Session.open(lab)
    for title in ("satu", "dua", "tiga"):
        session.add(Idea(title=title))
    crashed = crash_copy(lab, lab.parent / "crashed")
    session.close()
    journal = sidecar(crashed, ".journal")
    lines = journal.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"dua", b"DUA")  # the checksum no longer matches
    journal.write_bytes(b"\n".join(lines))
    journal_before = journal.read_bytes()

    error = assert_refused(crashed, "journal_corrupt")
    assert error.params["line"] == 2
    assert str(journal) in error.message()
    assert journal.read_bytes() == journal_before


def test_a_journal_that_outlived_its_compaction_is_skipped(lab):
    # A crash between the rename of the new file and the removal of the journal.
    session = Session.open(lab)
    session.add(Idea(title="sekali saja"))
    journal = sidecar(lab, ".journal").read_bytes()
    session.close()
    sidecar(lab, ".journal").write_bytes(journal)
    reopened = Session.open(lab)
    assert titles(reopened).count("sekali saja") == 1
    reopened.add(Idea(title="berikutnya"))
    reopened.close()
    final = Session.open(lab)
    assert titles(final)[-2:] == ["sekali saja", "berikutnya"]
    final.close()


# -- a full disk -------------------------------------------------------------------------------


def _fail_write_halfway(monkeypatch):
    """The next journal write gets half its bytes onto the disk, then the disk is full."""
    real_write = os.write
    calls = {"n": 0}

    def write(fd, data):
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module.os, "write", write)


def _fail_fsync(monkeypatch):
    """The next fsync finds no room for the blocks the kernel had delayed allocating."""
    real_fsync = store_module._fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(store_module, "_fsync", fsync)


@pytest.mark.parametrize("fail", [_fail_write_halfway, _fail_fsync], ids=["write", "fsync"])
def test_a_full_disk_loses_nothing_confirmed_and_saving_resumes(lab, fail):
    session = Session.open(lab)
    session.add(Idea(title="sebelum disk penuh"))
    journal = sidecar(lab, ".journal")
    size = journal.stat().st_size

    with pytest.MonkeyPatch.context() as patch:
        fail(patch)
        with pytest.raises(StoreError) as caught:
            session.add(Idea(title="saat disk penuh"))
    assert caught.value.code == "disk_full"
    assert str(lab) in caught.value.message()
    assert "saat disk penuh" not in titles(session)
    assert journal.stat().st_size == size  # the half line was cut off again

    crashed = Session.open(crash_copy(lab, lab.parent / "crashed"))
    assert titles(crashed)[-2:] == ["Layanan KTP keliling", "sebelum disk penuh"]
    crashed.close()

    session.add(Idea(title="setelah ruang kembali"))
    crashed = Session.open(crash_copy(lab, lab.parent / "crashed-later"))
    assert titles(crashed)[-2:] == ["sebelum disk penuh", "setelah ruang kembali"]
    crashed.close()
    session.close()
    final = Session.open(lab)
    assert titles(final)[-2:] == ["sebelum disk penuh", "setelah ruang kembali"]
    final.close()


def test_a_journal_that_cannot_be_cut_back_takes_no_more_changes(lab, monkeypatch):
    session = Session.open(lab)
    session.add(Idea(title="sebelum kerusakan"))
    _fail_write_halfway(monkeypatch)

    def ftruncate(fd, length):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(store_module.os, "ftruncate", ftruncate)
    with pytest.raises(StoreError) as caught:
        session.add(Idea(title="setengah tertulis"))
    assert caught.value.code == "disk_full"
    monkeypatch.undo()
    # The journal ends in half a line now: nothing may be appended behind it.
    with pytest.raises(StoreError):
        session.add(Idea(title="ditolak"))
    assert titles(session)[-1] == "sebelum kerusakan"
    crashed = Session.open(crash_copy(lab, lab.parent / "crashed"))
    assert titles(crashed)[-1] == "sebelum kerusakan"
    crashed.add(Idea(title="setelah dibuka lagi"))  # the half line was cut off on open
    crashed.close()
    assert titles(Session.open(crashed.path, readonly=True))[-2:] == [
        "sebelum kerusakan", "setelah dibuka lagi"]
    session.close()  # folds in what memory holds: exactly what was confirmed
    assert not sidecar(lab, ".journal").exists()
    assert titles(Session.open(lab, readonly=True))[-1] == "sebelum kerusakan"


def test_a_failed_compaction_keeps_the_file_and_the_journal(lab, monkeypatch):
    session = Session.open(lab)
    session.add(Idea(title="tersimpan di jurnal"))
    file_before = lab.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "_write_file", full)
    session.close()  # cannot fold the journal in: it stays beside the file
    assert lab.read_bytes() == file_before
    assert not [p for p in lab.parent.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    reopened = Session.open(lab)
    assert titles(reopened)[-1] == "tersimpan di jurnal"
    reopened.close()


# -- the file itself ---------------------------------------------------------------------------


def test_save_as_writes_a_complete_file_elsewhere(lab, tmp_path):
    session = Session.open(lab)
    session.add(Idea(title="hanya di jurnal"))
    target = tmp_path / "usb" / "salinan.json"
    target.parent.mkdir()
    session.store.save_as(target)
    assert not sidecar(target, ".journal").exists()
    with pytest.raises(StoreError) as caught:
        session.store.save_as(target)
    assert caught.value.code == "exists"
    session.close()
    copy = Session.open(target)
    assert titles(copy) == ["Sistem antrean daring Puskesmas", "Layanan KTP keliling",
                            "hanya di jurnal"]
    assert copy.lab.region == "Kabupaten Sorong"
    copy.close()


def test_the_file_is_plain_tinydb_json(lab):
    db = tinydb.TinyDB(lab, access_mode="r")
    try:
        assert {"_meta", "lab", "ideas", "audit"} <= db.tables()
        assert sorted(doc["title"] for doc in db.table("ideas").all()) == [
            "Layanan KTP keliling", "Sistem antrean daring Puskesmas"]
        assert db.table("lab").all()[0]["region"] == "Kabupaten Sorong"
    finally:
        db.close()


def test_text_that_is_not_valid_unicode_is_still_saved(lab):
    session = Session.open(lab)
    session.add(Idea(title="tempelan rusak \ud800 [bold]x[/bold]"))
    session.close()
    reopened = Session.open(lab)
    assert titles(reopened)[-1] == "tempelan rusak \ud800 [bold]x[/bold]"
    reopened.close()


# -- a property: whatever happens, the store holds what was confirmed ---------------------------


_steps = st.lists(
    st.one_of(
        st.tuples(st.just("commit"), st.sampled_from(["ideas", "problems"]),
                  st.integers(0, 5), st.text(max_size=12)),
        st.tuples(st.just("compact")),
        st.tuples(st.just("crash"), st.binary(max_size=30)),
        st.tuples(st.just("reopen")),
    ),
    max_size=25,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_steps)
def test_the_store_always_holds_every_confirmed_change(steps):
    with tempfile.TemporaryDirectory() as folder:
        expected: dict[str, dict[str, dict]] = {}
        store = Store.create(Path(folder) / "0" / "lab.json")
        try:
            for number, step in enumerate(steps, start=1):
                if step[0] == "commit":
                    _, table, key, text = step
                    doc = {"id": f"r{key}", "text": text, "step": number}
                    store.commit([(table, doc["id"], doc)])
                    expected.setdefault(table, {})[doc["id"]] = doc
                elif step[0] == "compact":
                    store.compact()
                elif step[0] == "crash":
                    copy = crash_copy(store.path, Path(folder) / str(number))
                    with open(sidecar(copy, ".journal"), "ab") as journal:
                        journal.write(step[1].replace(b"\n", b""))  # a torn, unconfirmed line
                    store.close()
                    store = Store.open(copy)
                else:
                    store.close()
                    store = Store.open(store.path)
                assert {k: v for k, v in store.tables.items() if v} == expected
                assert json.loads(store.snapshot_bytes()) == store.snapshot()
        finally:
            store.close()
        assert {k: v for k, v in peek(store.path).items() if v} == expected


def _fill_with_big_ideas(store: Store, title: str) -> None:
    """4,000 ideas of some 400 characters each: a session file of about 2 MB."""
    for n in range(40):
        store.commit([("ideas", f"i{n}-{k}",
                       {"id": f"i{n}-{k}", "title": f"{title} {k} " + "x" * 400})
                      for k in range(100)])


def _peak_memory_of(action) -> int:
    """The most memory Python held while ``action()`` ran, above what it held before (bytes)."""
    import tracemalloc

    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_folding_the_journal_in_writes_tinydbs_json_without_holding_the_file_twice(tmp_path):
    # A big session (here ~2 MB) is written from the pieces kept per document, one after the
    # other: the file is the same JSON TinyDB writes, and writing it takes far less memory than
    # the file's size (joined first, it took twice that size).
    store = Store.create(tmp_path / "big.json")
    try:
        _fill_with_big_ideas(store, "ide ke- 🌱")
        store.commit([("plans", "p1", {"id": "p1", "note": "é"})])
        store.compact()  # every document's piece is made and kept
        store.commit([("ideas", "i0-0", {"id": "i0-0", "title": "diubah"})])
        size = len(store.snapshot_bytes())
        peak = _peak_memory_of(store.compact)
        written = store.path.read_bytes()
        assert written == json.dumps(store.snapshot(), ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")
        assert tinydb.TinyDB(store.path, access_mode="r").table("ideas").get(
            doc_id=1)["title"] == "diubah"
        assert size > 1_500_000
        assert peak < size / 4
    finally:
        store.close()


def test_closing_a_session_writes_it_without_making_its_whole_file_in_memory(tmp_path):
    # Opened, a session's documents are not encoded yet (a few are, change after change). As it
    # closes, the file is written one document after another, each piece dropped once written:
    # the coach's laptop does not pay for a second copy of the file at the moment of quitting.
    path = tmp_path / "big.json"
    store = Store.create(path)
    _fill_with_big_ideas(store, "ide")
    store.close()
    size = path.stat().st_size
    store = Store.open(path)
    store.commit([("ideas", "i0-0", {"id": "i0-0", "title": "diubah 🌱"})])
    expected = json.dumps(store.snapshot(), ensure_ascii=False, separators=(",", ":"))
    peak = _peak_memory_of(store.close)
    assert path.read_bytes() == expected.encode("utf-8")
    assert size > 1_500_000
    assert peak < size / 4
    # Open again, it is whole.
    store = Store.open(path)
    try:
        assert store.tables["ideas"]["i0-0"]["title"] == "diubah 🌱"
        assert len(store.tables["ideas"]) == 4000
    finally:
        store.close()


def test_closing_writes_one_huge_document_without_holding_its_text(tmp_path):
    # One change that added thousands of records at once (an import, a sheet of scores) is one
    # audit entry holding them all: 2 MB at 7,000 scores. As the session closes, that entry is
    # written a record at a time, not as one 2 MB text turned into 2 MB of bytes.
    path = tmp_path / "huge.json"
    store = Store.create(path)
    changes = [["scores", f"s{n}", None, {"id": f"s{n}", "value": n % 5, "rater": "Juri 🌱",
                                          "note": "[bold]x[/bold] " + "y" * 200}]
               for n in range(7000)]
    store.commit([("audit", "a1", {"id": "a1", "action": "scores.add", "changes": changes,
                                   "undoes": ""})])
    store.commit([("ideas", f"i{n}", {"id": f"i{n}", "title": "ide"}) for n in range(200)])
    store.close()
    store = Store.open(path)
    store.commit([("plans", "p1", {"id": "p1", "note": "é"})])
    # Made ready a few at a time, change after change: the entry's JSON is not made yet.
    assert "a1" not in store._encoded.get("audit", {})
    entry = store.tables["audit"]["a1"]
    entry_size = len(json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode())
    expected = json.dumps(store.snapshot(), ensure_ascii=False, separators=(",", ":"))
    peak = _peak_memory_of(store.close)
    assert path.read_bytes() == expected.encode("utf-8")
    assert entry_size > 1_500_000
    assert peak < entry_size / 4


def test_a_document_in_pieces_is_the_same_json_joined():
    from facilitator.store import LONG_LIST, _dump_pieces, _dumps

    docs = [
        {},
        {"id": "x", "changes": []},
        {"id": "x", "changes": list(range(LONG_LIST + 1)), "after": {"a": [1, "é"]}},
        {"changes": [{"t": "🌱 [link=x]y[/link]", "n": None, "f": 1.5, "b": True}] * 100,
         "other": list(range(200)), "last": "\u0007"},
        {1: list(range(100))},  # a key JSON turns into text: encoded whole
        [list(range(100))],
        {"lone": "\ud800", "changes": ["\udc80 a"] * 100},
    ]
    for doc in docs:
        pieces = list(_dump_pieces(doc))
        assert json.loads(b"".join(pieces)) == json.loads(_dumps(doc))
        if "lone" not in str(doc):
            assert b"".join(pieces) == _dumps(doc)
    assert len(list(_dump_pieces(docs[3]))) > 100  # in pieces indeed


def test_a_write_that_fails_half_way_lets_go_of_the_store(tmp_path, monkeypatch):
    # The file is written from pieces made under the store's lock. The disk fills half-way:
    # the error reaches the app (which keeps it to show), and the lock must not stay taken
    # with it, or the next change from another thread would wait for ever.
    import builtins
    import errno
    import threading

    import facilitator.store as store_module

    store = Store.create(tmp_path / "lab.json")
    store.commit([("ideas", f"i{n}", {"id": f"i{n}", "title": f"ide {n}"}) for n in range(50)])

    class FillsUp:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def writelines(self, pieces):
            for n, piece in enumerate(pieces):
                if n == 5:
                    raise OSError(errno.ENOSPC, "No space left on device")
                self.handle.write(piece)

    real_open = builtins.open
    monkeypatch.setattr(store_module, "open",
                        lambda path, mode="r", *a, **k: FillsUp(real_open(path, mode, *a, **k))
                        if str(path).endswith(".tmp") else real_open(path, mode, *a, **k),
                        raising=False)
    with pytest.raises(StoreError) as caught:
        store.compact()
    assert caught.value.code == "disk_full"
    taken: list[bool] = []

    def take_and_give_back() -> None:
        taken.append(store._mutex.acquire(timeout=2))
        if taken[-1]:
            store._mutex.release()

    other = threading.Thread(target=take_and_give_back)
    other.start()
    other.join()
    assert taken == [True]
    monkeypatch.undo()
    store.close()
    assert peek(store.path)["ideas"]["i49"]["title"] == "ide 49"  # whole once the disk has room
