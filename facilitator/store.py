"""The session file: the only module that touches it.

A session is one TinyDB JSON file (``{"table": {"1": {...}, ...}}``) that any TinyDB, or any JSON
reader, can open. Durability comes from two things beside it:

* ``NAME.journal``: every confirmed change is appended to it as one line and fsynced before
  :meth:`Store.commit` returns. Appending a line is a few kilobytes whatever the session's size, so
  a change costs the same at 64 ideas as at 3,000 (a whole-file rewrite with fsync grows with the
  file; the benchmark in ``tests/perf/bench.py`` prints both). A power cut can only tear the last
  line, which was never confirmed, so it is dropped on the next open.
* ``NAME.bak``: the previous good generation of the file. The journal is folded into the file
  (compaction) when it grows, when the session is opened and when it is closed, by writing a new
  file beside it, fsyncing it and renaming it over the old one, after the old one was copied to
  the backup. At every instant there is a complete file on disk.

A lock file (``NAME.lock``, held with an OS lock that dies with its process) keeps a second copy of
the app to a read-only view; a lock left by a crashed process is free again at once.
"""

from __future__ import annotations

import errno
import json
import os
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable

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


def _fsync(fd: int) -> None:
    """Flush a file to the disk itself. On macOS plain fsync stops at the drive's cache."""
    try:
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            fcntl.fcntl(fd, full)
            return
    except (ImportError, OSError):
        pass
    os.fsync(fd)


def _fsync_dir(path: Path) -> None:
    """Make a rename durable. Windows has no directory handles to fsync; NTFS journals renames."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _disk_error(exc: OSError, path: Path) -> StoreError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return StoreError("disk_full", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError("no_write", path=str(path))
    return StoreError("write_failed", path=str(path), reason=exc.strerror or str(exc))


def sidecar(path: Path, suffix: str) -> Path:
    """The path of a file kept beside the session file (``demo.json`` -> ``demo.json.bak``)."""
    return path.with_name(path.name + suffix)


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
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError("cannot_read", path=str(self.path), reason=exc.strerror or str(exc))
        if not raw.strip():
            raise StoreError("corrupt", path=str(self.path), backup=str(sidecar(self.path, ".bak")))
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise StoreError("corrupt", path=str(self.path), backup=str(sidecar(self.path, ".bak")))
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise StoreError("corrupt", path=str(self.path), backup=str(sidecar(self.path, ".bak")))
        return data

    def write(self, data: Tables) -> None:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.write_bytes(payload)

    def write_bytes(self, payload: bytes) -> None:
        """Replace the file with ``payload``; on any failure the old file stays as it was."""
        tmp = sidecar(self.path, ".tmp")
        try:
            with open(tmp, "wb") as handle:
                handle.write(payload)
                handle.flush()
                _fsync(handle.fileno())
            if self.backup and self.path.exists():
                bak_tmp = sidecar(self.path, ".bak.tmp")
                with open(self.path, "rb") as src, open(bak_tmp, "wb") as dst:
                    dst.write(src.read())
                    dst.flush()
                    _fsync(dst.fileno())
                os.replace(bak_tmp, sidecar(self.path, ".bak"))
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        except OSError as exc:
            for leftover in (tmp, sidecar(self.path, ".bak.tmp")):
                try:
                    leftover.unlink()
                except OSError:
                    pass
            raise _disk_error(exc, self.path) from None


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
        self._lock = lock
        self._storage = AtomicJSONStorage(path)
        self._journal = None
        self._journal_entries = 0
        self._journal_bytes = 0
        self._broken: StoreError | None = None

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
        lock = cls._acquire(path)
        if lock is None:
            raise StoreError("locked", path=str(path))
        store = cls(path, {k: dict(v) for k, v in (tables or {}).items()}, seq=0,
                    readonly=False, lock=lock)
        try:
            store.compact()
        except StoreError:
            store.close()
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
        lock = None if readonly else cls._acquire(path)
        readonly = readonly or lock is None
        try:
            raw = AtomicJSONStorage(path).read() or {}
            tables, seq, version = cls._unpack(raw, path)
            entries = cls._replay(path, tables, seq)
            seq = max([seq] + [e for e in entries])
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        store = cls(path, tables, seq=seq, readonly=readonly, lock=lock)
        if not readonly and (entries or version != SCHEMA_VERSION):
            if version != SCHEMA_VERSION:
                store._keep_original(version)
            try:
                store.compact()
            except StoreError:
                # The journal still holds the changes: nothing is lost, only not yet folded in.
                pass
        if not readonly:
            store._journal_entries = len(entries)
        return store

    @staticmethod
    def _acquire(path: Path) -> FileLock | None:
        lock = FileLock(str(sidecar(path, ".lock")), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return None
        except OSError as exc:
            # A read-only folder or medium: no lock can be taken there, so no change either.
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                return None
            raise _disk_error(exc, path) from None
        return lock

    @staticmethod
    def _unpack(raw: Tables, path: Path) -> tuple[Tables, int, int]:
        meta_table = raw.pop(META, None)
        if not isinstance(meta_table, dict) or not meta_table:
            raise StoreError("not_session", path=str(path))
        meta = next(iter(meta_table.values()))
        if not isinstance(meta, dict) or meta.get("app") != "facilitator":
            raise StoreError("not_session", path=str(path))
        version = meta.get("schema")
        seq = meta.get("seq", 0)
        if not isinstance(version, int) or not isinstance(seq, int):
            raise StoreError("corrupt", path=str(path), backup=str(sidecar(path, ".bak")))
        if version > SCHEMA_VERSION:
            raise StoreError("newer", path=str(path), version=version, ours=SCHEMA_VERSION)
        tables: Tables = {}
        for name, table in raw.items():
            docs: dict[str, dict[str, Any]] = {}
            for doc in table.values():
                if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
                    raise StoreError("corrupt", path=str(path), backup=str(sidecar(path, ".bak")))
                docs[doc["id"]] = doc
            tables[name] = docs
        for start in range(version, SCHEMA_VERSION):
            tables = MIGRATIONS[start](tables)
        return tables, seq, version

    @staticmethod
    def _replay(path: Path, tables: Tables, seq: int) -> list[int]:
        """Apply the journal's entries newer than the file. Returns their sequence numbers."""
        journal = sidecar(path, ".journal")
        try:
            raw = journal.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError("cannot_read", path=str(journal), reason=exc.strerror or str(exc))
        applied: list[int] = []
        lines = raw.split(b"\n")
        # The last piece has no newline: a line torn by a crash, never confirmed, or empty.
        complete, torn = lines[:-1], lines[-1]
        for number, line in enumerate(complete):
            entry = _decode_line(line)
            if entry is None:
                if number == len(complete) - 1 and not torn:
                    break  # torn last line whose newline made it to disk: also unconfirmed
                raise StoreError("journal_corrupt", path=str(journal), line=number + 1)
            if entry["seq"] <= seq:
                continue
            for table, rid, doc in entry["ops"]:
                tables.setdefault(table, {})[rid] = doc
            applied.append(entry["seq"])
            seq = entry["seq"]
        return applied

    def _keep_original(self, version: int) -> None:
        """Before the first write of a migrated file, keep the old version's file untouched."""
        keep = sidecar(self.path, f".v{version}.bak")
        if not keep.exists():
            try:
                keep.write_bytes(self.path.read_bytes())
            except OSError as exc:
                raise _disk_error(exc, keep) from None

    # -- changing ------------------------------------------------------------------------------

    def commit(self, ops: Iterable[Op]) -> int:
        """Make one change durable: every ``(table, id, document)`` of ``ops`` is on disk when
        this returns, and applied to :attr:`tables`. Returns the change's sequence number.

        On failure (disk full, medium removed) nothing is applied and :class:`StoreError` says
        why; the journal is cut back so the next change does not follow a broken line.
        """
        if self.readonly:
            raise ReadOnlyError(str(self.path))
        if self._broken is not None:
            raise self._broken
        ops = [(table, rid, doc) for table, rid, doc in ops]
        seq = self.seq + 1
        line = _encode_line({"seq": seq, "ops": ops})
        journal = sidecar(self.path, ".journal")
        try:
            if self._journal is None:
                self._journal = open(journal, "ab")
                self._journal_bytes = self._journal.tell()
            self._journal.write(line)
            self._journal.flush()
            _fsync(self._journal.fileno())
        except OSError as exc:
            self._cut_journal(journal)
            raise _disk_error(exc, self.path) from None
        self._journal_bytes += len(line)
        self._journal_entries += 1
        self.seq = seq
        for table, rid, doc in ops:
            self.tables.setdefault(table, {})[rid] = doc
        if (self._journal_entries >= COMPACT_AFTER_ENTRIES
                or self._journal_bytes >= COMPACT_AFTER_BYTES):
            try:
                self.compact()
            except StoreError:
                pass  # the journal holds the change; folding it in can wait for the next try
        return seq

    def _cut_journal(self, journal: Path) -> None:
        handle, self._journal = self._journal, None
        try:
            if handle is not None:
                handle.close()
            with open(journal, "r+b") as fix:
                fix.truncate(self._journal_bytes)
                _fsync(fix.fileno())
        except OSError as exc:
            # The journal may now end in a partial line; a further append would bury it. Refuse
            # changes until the coach saves elsewhere: everything confirmed is still on disk.
            self._broken = _disk_error(exc, self.path)

    def snapshot(self) -> Tables:
        """The session as TinyDB tables with the version header, ready to write as JSON."""
        data: Tables = {META: {"1": {"app": "facilitator", "schema": SCHEMA_VERSION,
                                     "seq": self.seq, "id": "meta"}}}
        for name, docs in self.tables.items():
            data[name] = {str(n): doc for n, doc in enumerate(docs.values(), start=1)}
        return data

    def compact(self) -> None:
        """Fold the journal into the file (atomically, keeping the backup) and empty it."""
        if self.readonly:
            raise ReadOnlyError(str(self.path))
        self._storage.write(self.snapshot())
        journal = sidecar(self.path, ".journal")
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        try:
            # The file now holds every entry (its seq says so), so an old journal is harmless
            # if this fails: on the next open its entries are skipped.
            journal.unlink(missing_ok=True)
        except OSError:
            pass
        self._journal_entries = 0
        self._journal_bytes = 0

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Write the whole session, as it is in memory, to another file (e.g. when the disk of
        the first one is full). The file must not exist yet."""
        target = Path(path)
        if target.exists():
            raise StoreError("exists", path=str(target))
        AtomicJSONStorage(target, backup=False).write(self.snapshot())

    def close(self) -> None:
        """Fold the journal in, so the file alone holds everything, and let go of the lock."""
        try:
            if not self.readonly and self._broken is None and (
                    self._journal_entries or sidecar(self.path, ".journal").exists()):
                try:
                    self.compact()
                except StoreError:
                    pass  # the journal stays beside the file and is replayed on the next open
        finally:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None


def _encode_line(entry: dict[str, Any]) -> bytes:
    body = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def _decode_line(line: bytes) -> dict[str, Any] | None:
    """One journal entry, or None if the line is damaged (its checksum does not match)."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        entry = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
        return None
    return entry


def peek(path: str | os.PathLike[str]) -> Tables:
    """Read a session file (and its journal) without locking or writing: for the session
    picker's summaries and for commands that only read. Raises :class:`StoreError`."""
    path = Path(path)
    if not path.exists():
        raise StoreError("not_found", path=str(path))
    raw = AtomicJSONStorage(path).read() or {}
    tables, seq, _version = Store._unpack(raw, path)
    Store._replay(path, tables, seq)
    return tables
