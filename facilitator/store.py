"""The session file: the only module that touches it.

A session is one TinyDB JSON file (``{"table": {"1": {...}, ...}}``) that any TinyDB, or any JSON
reader, can open. Durability comes from two things beside it:

* ``NAME.journal``: every confirmed change is appended to it as one checksummed line and fsynced
  before :meth:`Store.commit` returns. Appending a line is a few kilobytes whatever the session's
  size, so a change costs the same at 64 ideas as at 3,000 (a whole-file rewrite with fsync grows
  with the file; the benchmark in ``tests/perf/bench.py`` prints both). A crash or power cut can
  only tear the last line, which was never confirmed: it is dropped (and cut off the journal) on
  the next open, so no later change is ever appended behind it.
* ``NAME.bak``: the previous good generation of the file. The journal is folded into the file
  (compaction) when it grows, when the session is opened and when it is closed, by writing a new
  file beside it, fsyncing it and renaming it over the old one, after the old one was kept as
  the backup (a second name for it; a copy where the filesystem has no hard links). At every
  instant there is a complete file on disk. Each document's JSON is kept from the change that
  wrote it, so a fold-in joins ready pieces instead of encoding the whole session again. The file records the sequence
  number of the last change it holds, so journal entries it already holds are skipped: a journal
  that outlives a compaction (a crash between the rename and the journal's removal) is harmless.

A lock file (``NAME.lock``, held with an OS lock that dies with its process) keeps a second copy of
the app to a read-only view; a lock left by a crashed process is free again at once.

Portability: everything here runs on Linux, macOS and Windows. macOS gets ``F_FULLFSYNC`` (plain
fsync stops at the drive's cache there); Windows has no directory fsync (NTFS journals renames) and
refuses to rename over a file another process is reading, so renames there are retried briefly.
"""

from __future__ import annotations

import errno
import json
import os
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from filelock import FileLock, Timeout
from tinydb.storages import Storage

from facilitator.core.errors import ReadOnlyError, StoreError

SCHEMA_VERSION = 1
"""The version of the file format this code writes. Older files are migrated on open."""

META = "_meta"

MIGRATIONS: dict[int, Callable[[dict[str, dict[str, Any]]], dict[str, dict[str, Any]]]] = {}
"""Migrations by the version they start from: ``MIGRATIONS[n]`` turns a version-n file's tables
(``{table: {id: doc}}``) into version n+1. Each one is kept forever once released."""

COMPACT_AFTER_ENTRIES = 400
COMPACT_AFTER_BYTES = 8 * 1024 * 1024

Tables = dict[str, dict[str, dict[str, Any]]]
Op = tuple[str, str, dict[str, Any]]

_WINDOWS = os.name == "nt"
# Without O_BINARY, Windows' C runtime would turn every "\n" written through os.write into "\r\n".
_JOURNAL_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
# Antivirus scanners, indexers and a read-only copy of the app reading the file briefly hold it
# open on Windows, where that makes a rename over it fail. They let go within moments.
_RENAME_TRIES = 10 if _WINDOWS else 1
_READ_TRIES = 5


def _fsync(fd: int) -> None:
    """Flush a file to the disk itself. On macOS plain fsync stops at the drive's cache."""
    try:
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            fcntl.fcntl(fd, full)
            return
    except (ImportError, OSError):
        pass  # Windows has no fcntl; some macOS filesystems (SMB, FAT) refuse F_FULLFSYNC
    os.fsync(fd)


def _fsync_dir(path: Path) -> None:
    """Make a rename or a new file's name durable. Windows has no directory handles to fsync;
    NTFS journals its directory changes itself."""
    if _WINDOWS:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        # A few filesystems (some FUSE and network mounts) cannot fsync a directory at all; the
        # rename is then as durable as they make it, and failing the save would not help.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EISDIR):
            raise
    finally:
        os.close(fd)


def _replace(src: Path, dst: Path) -> None:
    for attempt in range(_RENAME_TRIES):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == _RENAME_TRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


def _write_all(fd: int, data: bytes) -> None:
    """os.write may write less than asked (a signal, a nearly full disk); finish the job."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # pragma: no cover - a 0-byte write of a non-empty buffer means no space
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _dumps(data: Any) -> bytes:
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (e.g. from a broken paste) cannot be UTF-8; as a \\u escape it is
        # still valid JSON that TinyDB reads back unchanged.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


LONG_LIST = 64
"""A list at a document's top level longer than this is encoded an item at a time by
:func:`_dump_pieces`."""


def _dump_pieces(doc: Any) -> Iterator[bytes]:
    """:func:`_dumps` of a document in pieces, the same bytes joined: a long list at its top
    level (an audit entry's changes: 7,000 scores added at once make 2 MB) an item at a time,
    so that writing it does not hold its whole text, twice (as text, then as bytes)."""
    if not (isinstance(doc, dict) and all(type(key) is str for key in doc)
            and any(type(value) is list and len(value) > LONG_LIST for value in doc.values())):
        yield _dumps(doc)
        return
    opening = b"{"
    for key, value in doc.items():
        yield opening + _dumps(key) + b":"
        opening = b","
        if type(value) is list and len(value) > LONG_LIST:
            yield b"["
            comma = b""
            for item in value:
                yield comma + _dumps(item)
                comma = b","
            yield b"]"
        else:
            yield _dumps(value)
    yield b"}"


def _disk_error(exc: OSError, path: Path) -> StoreError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return StoreError("disk_full", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError("no_write", path=str(path))
    return StoreError("write_failed", path=str(path), reason=exc.strerror or str(exc))


def _corrupt(path: Path) -> StoreError:
    return StoreError("corrupt", path=str(path), backup=str(sidecar(path, ".bak")))


def sidecar(path: Path, suffix: str) -> Path:
    """The path of a file kept beside the session file (``demo.json`` -> ``demo.json.bak``)."""
    return path.with_name(path.name + suffix)


def _write_file(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Write ``path`` whole or not at all: a temporary file, fsynced, renamed into place.
    ``payload`` is the bytes, or their pieces in order (never joined: a whole session's file
    would otherwise be in memory twice over while it is written)."""
    tmp = sidecar(path, ".tmp")
    try:
        with open(tmp, "wb") as handle:
            if isinstance(payload, (bytes, bytearray, memoryview)):
                handle.write(payload)
            else:
                handle.writelines(payload)
            handle.flush()
            _fsync(handle.fileno())
        _replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    finally:
        # Pieces that come from a generator holding the store's lock (Store.snapshot_pieces):
        # a write that failed half-way lets go of it now, not when the error is forgotten.
        close = getattr(payload, "close", None)
        if close is not None:
            close()


class AtomicJSONStorage(Storage):
    """A TinyDB storage that never leaves a half-written file.

    TinyDB's own JSONStorage truncates the file and writes it again in place: a power cut in
    between leaves an empty or partial file. This one writes a new file, fsyncs it, keeps the old
    one as the backup and renames the new one into place.
    """

    def __init__(self, path: str | os.PathLike[str], backup: bool = True) -> None:
        self.path = Path(path)
        self.backup = backup

    def read(self) -> Tables | None:
        """The file's tables, or None if there is no file. A file that is not TinyDB JSON
        raises ``StoreError("corrupt")`` naming the file and its backup."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError("cannot_read", path=str(self.path), reason=exc.strerror or str(exc))
        if not raw.strip():
            raise _corrupt(self.path)
        try:
            # utf-8-sig: a file opened and saved again in an older Windows Notepad starts with
            # a byte-order mark, which is not damage.
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _corrupt(self.path) from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise _corrupt(self.path)
        return data

    def write(self, data: Tables) -> None:
        """Replace the file with ``data`` (TinyDB's Storage interface)."""
        self.write_bytes(_dumps(data))

    def write_bytes(self, payload: bytes | Iterable[bytes]) -> None:
        """Replace the file with ``payload`` (bytes, or their pieces in order); on any failure
        the old file stays as it was."""
        bak_tmp = sidecar(self.path, ".bak.tmp")
        try:
            if self.backup and self.path.exists():
                # The old file must stay in place until the new one replaces it, so the backup
                # is a second name for it (no bytes to write) or, where the filesystem has no
                # hard links (FAT and exFAT USB sticks), a copy.
                bak_tmp.unlink(missing_ok=True)
                try:
                    os.link(self.path, bak_tmp)
                except (OSError, NotImplementedError, AttributeError):
                    with open(self.path, "rb") as src, open(bak_tmp, "wb") as dst:
                        dst.write(src.read())
                        dst.flush()
                        _fsync(dst.fileno())
                _replace(bak_tmp, sidecar(self.path, ".bak"))
            _write_file(self.path, payload)
        except OSError as exc:
            try:
                bak_tmp.unlink()
            except OSError:
                pass
            raise _disk_error(exc, self.path) from None


class _Loaded(NamedTuple):
    tables: Tables
    seq: int
    version: int
    applied: int  # journal entries newer than the file
    journal_size: int  # bytes in the journal, torn tail included
    journal_good: int  # bytes up to the end of the last intact line


class Store:
    """The tables of one session in memory, kept durable on disk.

    ``tables`` maps a table name to ``{record id: document}``; callers read it and change it only
    through :meth:`commit`.
    """

    def __init__(self, path: Path, tables: Tables, *, seq: int, readonly: bool,
                 lock: FileLock | None) -> None:
        self.path = path
        self.tables = tables
        self.seq = seq
        self.readonly = readonly
        # Why a read-only store is one: "held" by another copy of the app, "medium" (the folder
        # or medium cannot be written) or "asked" (opened read-only on purpose).
        self.readonly_reason = "held" if readonly else ""
        self._lock = lock
        self._storage = AtomicJSONStorage(path)
        self._journal: int | None = None  # an OS file descriptor, opened for appending
        self._journal_entries = 0
        self._journal_bytes = 0
        self._journal_unnamed = False  # created, but its folder entry not yet fsynced
        self._broken: StoreError | None = None
        # Changes kept in memory after a disk error (commit with ``hold``), by (table, id): the
        # documents themselves are in ``tables``. They go to disk with the next change that can
        # be written, with a fold-in, or into another file by save_as.
        self._unsaved: dict[tuple[str, str], None] = {}
        self.unsaved_error: StoreError | None = None
        """Why the changes held in memory are not on disk (None: everything is saved)."""
        # Each document's JSON, kept with the document it was made from: a compaction then
        # joins ready-made pieces instead of encoding the whole session again (at 3,000 ideas
        # that encoding alone would hold the app for several frames).
        self._encoded: dict[str, dict[str, tuple[dict[str, Any], bytes]]] = {}
        # The documents read from the file have no pieces yet; each change encodes a few of
        # them, so that the pieces are ready long before the journal is next folded in.
        self._unencoded = [(name, rid) for name, docs in tables.items() for rid in docs]
        self._warm_step = max(16, -(-len(self._unencoded) * 2 // max(1, COMPACT_AFTER_ENTRIES)))
        # The app saves from workers as well as from the UI thread; one change at a time.
        self._mutex = threading.RLock()

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], tables: Tables | None = None) -> "Store":
        """Write a new session file holding ``tables`` and open it. Refuses an existing file."""
        path = Path(path)
        if path.exists():
            raise StoreError("exists", path=str(path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _disk_error(exc, path) from None
        lock, reason = cls._acquire(path)
        if lock is None:
            if reason == "medium":
                raise StoreError("no_write", path=str(path.parent))
            raise StoreError("locked", path=str(path))
        if path.exists():  # made by another copy of the app between the check and the lock
            lock.release()
            raise StoreError("exists", path=str(path))
        store = cls(path, {k: dict(v) for k, v in (tables or {}).items()}, seq=0,
                    readonly=False, lock=lock)
        try:
            # A journal left beside an earlier file of the same name would be replayed into
            # this one; the new file starts with none.
            sidecar(path, ".journal").unlink(missing_ok=True)
            store.compact()
        except (StoreError, OSError) as exc:
            store.close()
            if isinstance(exc, OSError):
                raise _disk_error(exc, path) from None
            raise
        return store

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False) -> "Store":
        """Open a session file, replaying its journal.

        If another process holds the file, it opens read-only (``store.readonly``) instead of
        failing: the coach can still look. A file that cannot be read is never written to.
        """
        path = Path(path)
        if not path.exists():
            raise StoreError("not_found", path=str(path))
        reason = "asked" if readonly else ""
        lock = None
        if not readonly:
            lock, reason = cls._acquire(path)
        readonly = readonly or lock is None
        try:
            loaded = cls._load(path, tries=_READ_TRIES if readonly else 1)
            tables = _migrate(loaded.tables, loaded.version)
            store = cls(path, tables, seq=loaded.seq, readonly=readonly, lock=lock)
            store.readonly_reason = reason
            if not readonly:
                store._recover(loaded)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return store

    def _recover(self, loaded: _Loaded) -> None:
        """After a writable open: cut an unconfirmed torn line off the journal, then fold the
        journal in (and write a migrated file in the current schema)."""
        journal = sidecar(self.path, ".journal")
        if loaded.journal_good < loaded.journal_size:
            # The torn tail was never confirmed. Left there, the next change would be appended
            # right behind it and read back as part of the same damaged line: lost.
            try:
                fd = os.open(journal, os.O_WRONLY | getattr(os, "O_BINARY", 0))
                try:
                    os.ftruncate(fd, loaded.journal_good)
                    _fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                # Everything confirmed is readable; refuse changes rather than bury them.
                self._broken = _disk_error(exc, self.path)
        if loaded.version != SCHEMA_VERSION:
            # The journal's entries are in the old schema too (they were replayed before the
            # migration), so the migrated file must be on disk before any new entry is.
            self._keep_original(loaded.version)
            self.compact()
        elif loaded.applied:
            try:
                self.compact()
            except StoreError:
                # The journal still holds the changes: nothing is lost, only not yet folded in.
                self._journal_entries = loaded.applied

    @staticmethod
    def _acquire(path: Path) -> tuple[FileLock | None, str]:
        """The file's lock, or None and why not: ``"held"`` by another copy of the app, or
        ``"medium"`` when the folder or medium cannot be written."""
        lock = FileLock(str(sidecar(path, ".lock")), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return None, "held"
        except OSError as exc:
            # A read-only folder or medium: no lock can be taken there, so no change either.
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                return None, "medium"
            raise _disk_error(exc, path) from None
        return lock, ""

    @classmethod
    def _load(cls, path: Path, *, tries: int = 1) -> _Loaded:
        """Read the file and replay its journal, without writing anything.

        A reader that holds no lock can catch a writer between the rename of a compaction and
        the removal of the journal, and read an old file with a new journal: the journal then
        starts past the file's last change. Reading again a moment later sees a consistent pair.
        """
        for attempt in range(tries):
            last = attempt == tries - 1
            try:
                raw = AtomicJSONStorage(path).read()
            except StoreError as exc:
                if exc.code != "cannot_read" or last:
                    raise
                time.sleep(0.02)
                continue
            if raw is None:
                raise StoreError("not_found", path=str(path))
            tables, seq, version = cls._unpack(raw, path)
            loaded, gap = cls._replay(path, tables, seq, version)
            if not gap or last:
                return loaded
            time.sleep(0.02)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _unpack(raw: Tables, path: Path) -> tuple[Tables, int, int]:
        """The file's tables by record id, its last change's sequence number and its schema."""
        meta_table = raw.pop(META, None)
        if not isinstance(meta_table, dict) or not meta_table:
            raise StoreError("not_session", path=str(path))
        meta = next(iter(meta_table.values()))
        if not isinstance(meta, dict) or meta.get("app") != "facilitator":
            raise StoreError("not_session", path=str(path))
        version = meta.get("schema")
        seq = meta.get("seq", 0)
        if (not isinstance(version, int) or isinstance(version, bool) or version < 1
                or not isinstance(seq, int) or isinstance(seq, bool)):
            raise _corrupt(path)
        if version > SCHEMA_VERSION:
            raise StoreError("newer", path=str(path), version=version, ours=SCHEMA_VERSION)
        tables: Tables = {}
        for name, table in raw.items():
            docs: dict[str, dict[str, Any]] = {}
            for doc in table.values():
                if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
                    raise _corrupt(path)
                if doc["id"] in docs:
                    # Two records under one id (a file edited by hand): keeping either would
                    # silently drop the other at the next save.
                    raise _corrupt(path)
                docs[doc["id"]] = doc
            tables[name] = docs
        return tables, seq, version

    @staticmethod
    def _replay(path: Path, tables: Tables, seq: int, version: int) -> tuple[_Loaded, bool]:
        """Apply the journal's entries newer than the file to ``tables``.

        Returns what was loaded, and whether the journal skipped changes the file lacks.
        """
        journal = sidecar(path, ".journal")
        try:
            raw = journal.read_bytes()
        except FileNotFoundError:
            return _Loaded(tables, seq, version, 0, 0, 0), False
        except OSError as exc:
            raise StoreError("cannot_read", path=str(journal), reason=exc.strerror or str(exc))
        applied = 0
        gap = False
        good = 0
        lines = raw.split(b"\n")
        # The last piece has no newline: a line torn by a crash, never confirmed, or empty.
        complete, torn = lines[:-1], lines[-1]
        for number, line in enumerate(complete):
            entry = _decode_line(line)
            if entry is None:
                if number == len(complete) - 1 and not torn:
                    break  # torn last line whose newline made it to disk: also unconfirmed
                raise StoreError("journal_corrupt", path=str(journal), line=number + 1)
            good += len(line) + 1
            if entry["seq"] <= seq:
                continue
            if entry["seq"] != seq + 1:
                gap = True
            for table, rid, doc in entry["ops"]:
                tables.setdefault(table, {})[rid] = doc
            applied += 1
            seq = entry["seq"]
        return _Loaded(tables, seq, version, applied, len(raw), good), gap

    def _keep_original(self, version: int) -> None:
        """Before the first write of a migrated file, keep the old version's file untouched."""
        keep = sidecar(self.path, f".v{version}.bak")
        if not keep.exists():
            try:
                _write_file(keep, self.path.read_bytes())
            except OSError as exc:
                raise _disk_error(exc, keep) from None

    # -- changing ------------------------------------------------------------------------------

    @property
    def unsaved(self) -> bool:
        """Whether memory holds changes that are not on disk (see ``commit(hold=True)``)."""
        return bool(self._unsaved)

    def commit(self, ops: Iterable[Op], *, hold: bool = False) -> int:
        """Make one change durable: every ``(table, id, document)`` of ``ops`` is on disk when
        this returns, and applied to :attr:`tables`. Returns the change's sequence number.

        On failure (disk full, medium removed) the journal is cut back so the next change does
        not follow a broken line, and :class:`StoreError` says why. Without ``hold`` nothing is
        applied. With ``hold`` (the app: a coach mid-workshop must not lose what was typed) the
        change is applied in memory all the same and marked unsaved, the error is kept in
        :attr:`unsaved_error` instead of raised, and 0 is returned; the next change that can be
        written takes every held one with it, and :meth:`save_as` writes them elsewhere. A
        read-only store refuses changes either way.
        """
        with self._mutex:
            if self.readonly:
                raise ReadOnlyError(str(self.path), self.readonly_reason)
            ops = [(table, rid, doc) for table, rid, doc in ops]
            if self._broken is not None:
                if not hold:
                    raise self._broken
                # The first error says what went wrong (a full disk), the broken journal follows.
                self._hold(ops, self.unsaved_error or self._broken)
                return 0
            # Held changes first: the new one may build on them (an edit of an idea held).
            ops = [(table, rid, self.tables[table][rid]) for table, rid in self._unsaved] + ops
            seq = self.seq + 1
            pieces = [self._encode(table, rid, doc) for table, rid, doc in ops]
            line = _frame(b'{"seq":%d,"ops":[%s]}' % (seq, b",".join(
                b"[%s,%s,%s]" % (_dumps(table), _dumps(rid), piece)
                for (table, rid, _doc), piece in zip(ops, pieces))))
            try:
                fd = self._open_journal()
                _write_all(fd, line)
                _fsync(fd)
                if self._journal_unnamed:
                    # fsync makes a new journal's bytes durable, not its name in the folder.
                    _fsync_dir(self.path.parent)
                    self._journal_unnamed = False
            except OSError as exc:
                self._cut_journal()
                error = _disk_error(exc, self.path)
                if not hold:
                    raise error from None
                self._hold(ops, error)
                return 0
            self._unsaved.clear()
            self.unsaved_error = None
            self._journal_bytes += len(line)
            self._journal_entries += 1
            self.seq = seq
            for table, rid, doc in ops:
                self.tables.setdefault(table, {})[rid] = doc
            self._warm()
            if (self._journal_entries >= COMPACT_AFTER_ENTRIES
                    or self._journal_bytes >= COMPACT_AFTER_BYTES):
                try:
                    self.compact()
                except StoreError:
                    pass  # the journal holds the change; folding it in can wait for the next try
            return seq

    def _hold(self, ops: list[Op], error: StoreError) -> None:
        for table, rid, doc in ops:
            self.tables.setdefault(table, {})[rid] = doc
            self._unsaved[(table, rid)] = None
        self.unsaved_error = error

    def _encode(self, table: str, rid: str, doc: dict[str, Any]) -> bytes:
        """The JSON of one document, made once per version of it."""
        cached = self._encoded.get(table, {}).get(rid)
        if cached is not None and cached[0] is doc:
            return cached[1]
        piece = _dumps(doc)
        self._encoded.setdefault(table, {})[rid] = (doc, piece)
        return piece

    def _warm(self) -> None:
        for _ in range(min(self._warm_step, len(self._unencoded))):
            table, rid = self._unencoded.pop()
            self._encode(table, rid, self.tables[table][rid])

    def _open_journal(self) -> int:
        if self._journal is None:
            journal = sidecar(self.path, ".journal")
            if not journal.exists():
                self._journal_unnamed = True
            fd = os.open(journal, _JOURNAL_FLAGS, 0o666)
            self._journal = fd
            self._journal_bytes = os.fstat(fd).st_size
        return self._journal

    def _cut_journal(self) -> None:
        fd = self._journal
        if fd is None:
            return  # the journal could not even be opened: nothing was written
        try:
            os.ftruncate(fd, self._journal_bytes)
            _fsync(fd)
        except OSError as exc:
            # The journal may now end in a partial line; a further append would bury it. Refuse
            # changes until the coach saves elsewhere: everything confirmed is still on disk, and
            # the next open cuts the partial line off.
            self._broken = _disk_error(exc, self.path)
            self._close_journal()

    def _close_journal(self) -> None:
        fd, self._journal = self._journal, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def snapshot(self) -> Tables:
        """The session as TinyDB tables with the version header, ready to write as JSON."""
        data: Tables = {META: {"1": {"app": "facilitator", "schema": SCHEMA_VERSION,
                                     "seq": self.seq, "id": "meta"}}}
        for name, docs in self.tables.items():
            data[name] = {str(n): doc for n, doc in enumerate(docs.values(), start=1)}
        return data

    def snapshot_bytes(self) -> bytes:
        """:meth:`snapshot` as the bytes of the file: the same JSON, from the pieces kept."""
        return b"".join(self.snapshot_pieces())

    def snapshot_pieces(self, *, keep: bool = True) -> Iterator[bytes]:
        """:meth:`snapshot_bytes` in pieces, to be written one after the other, under the
        store's lock. Each document's JSON is the piece kept for it: nothing is copied, so
        writing a session of 7 MB takes little more memory than the session already holds
        (joined, it took twice 7 MB more). A document not encoded yet is encoded now, and its
        piece kept for the next time unless ``keep`` is false: the last write, as the session
        closes, would otherwise make the whole file's worth of pieces only to drop them."""
        with self._mutex:
            meta = _dumps({"app": "facilitator", "schema": SCHEMA_VERSION, "seq": self.seq,
                           "id": "meta"})
            yield b'{"%s":{"1":%s}' % (META.encode(), meta)
            for name, docs in self.tables.items():
                yield b",%s:{" % _dumps(name)
                kept = self._encoded.get(name, {})
                for n, (rid, doc) in enumerate(docs.items(), start=1):
                    yield b'"%d":' % n if n == 1 else b',"%d":' % n
                    if keep:
                        yield self._encode(name, rid, doc)
                    else:
                        cached = kept.get(rid)
                        if cached is not None and cached[0] is doc:
                            yield cached[1]
                        else:
                            yield from _dump_pieces(doc)
                yield b"}"
            yield b"}"
            if keep:
                self._unencoded = []

    def compact(self, *, keep: bool = True) -> None:
        """Fold the journal into the file (atomically, keeping the backup) and empty it;
        ``keep``: see :meth:`snapshot_pieces`."""
        with self._mutex:
            if self.readonly:
                raise ReadOnlyError(str(self.path), self.readonly_reason)
            self._storage.write_bytes(self.snapshot_pieces(keep=keep))
            # The file now holds every document in memory, the held ones included.
            self._unsaved.clear()
            self.unsaved_error = None
            self._close_journal()
            try:
                # The file now holds every entry (its seq says so), so an old journal is harmless
                # if this fails: on the next open its entries are skipped.
                sidecar(self.path, ".journal").unlink(missing_ok=True)
            except OSError:
                pass
            self._journal_entries = 0
            self._journal_bytes = 0

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Write the whole session, as it is in memory (changes held unsaved included), to
        another file (e.g. when the disk of the first one is full). The file must not exist
        yet. This store stays on its own file; :meth:`move_to` continues on the new one."""
        target = Path(path)
        if target.exists():
            raise StoreError("exists", path=str(target))
        with self._mutex:
            AtomicJSONStorage(target, backup=False).write_bytes(self.snapshot_pieces())

    def move_to(self, path: str | os.PathLike[str]) -> "Store":
        """Write the whole session as it is in memory (held changes included) to a new file
        and return a store open on it (locked, with its own journal); this store lets go of its
        file without writing to it, so the last good file stays exactly as it was."""
        with self._mutex:
            moved = Store.create(path, self.tables)
            self.release()
            return moved

    def close(self) -> None:
        """Fold the journal in, so the file alone holds everything, and let go of the lock."""
        with self._mutex:
            try:
                # Even after a failed change: memory holds exactly what was confirmed, and a
                # complete new file makes a journal with a damaged tail unnecessary.
                if not self.readonly and (self._journal_entries or self._unsaved
                                          or sidecar(self.path, ".journal").exists()):
                    try:
                        self.compact(keep=False)
                    except StoreError:
                        pass  # the journal stays beside the file and is replayed on the next open
            finally:
                self.release()

    def release(self) -> None:
        """Let go of the journal and the lock without writing anything (:meth:`close` without
        the fold-in): for a file whose content the session refused, which must stay as it is."""
        with self._mutex:
            self._close_journal()
            if self._lock is not None:
                self._lock.release()
                self._lock = None


def _migrate(tables: Tables, version: int) -> Tables:
    for start in range(version, SCHEMA_VERSION):
        tables = MIGRATIONS[start](tables)
    return tables


def _frame(body: bytes) -> bytes:
    """One journal line: the entry's checksum, the entry, a newline."""
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def _decode_line(line: bytes) -> dict[str, Any] | None:
    """One journal entry, or None if the line is damaged (its checksum or shape is wrong)."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        entry = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
        return None
    ops = entry.get("ops")
    if not isinstance(ops, list) or not all(
            isinstance(op, list) and len(op) == 3 and isinstance(op[0], str)
            and isinstance(op[1], str) and isinstance(op[2], dict) for op in ops):
        return None
    return entry


def peek(path: str | os.PathLike[str]) -> Tables:
    """Read a session file (and its journal) without locking or writing: for the session
    picker's summaries and for commands that only read. Raises :class:`StoreError`."""
    path = Path(path)
    if not path.exists():
        raise StoreError("not_found", path=str(path))
    loaded = Store._load(path, tries=_READ_TRIES)
    return _migrate(loaded.tables, loaded.version)


def in_use(path: str | os.PathLike[str]) -> bool:
    """Whether another copy of the app holds the session file now (its lock is taken)."""
    path = Path(path)
    lock = FileLock(str(sidecar(path, ".lock")), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:
        return False
    lock.release()
    return False
