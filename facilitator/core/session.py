"""The lab session: its records, the changes the coach makes, and undo.

Every change goes through :meth:`Session.commit`: it writes the new state of each record and an
audit entry (each record's state before and after) to the store in one durable step, and only
then updates what the app shows. Undo reads the audit log and writes the earlier states back as
a new change, so the log keeps the whole story.
"""

from __future__ import annotations

import dataclasses
import gc
import getpass
import platform
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from facilitator.core.errors import RuleError, StoreError
from facilitator.core.records import (
    IDEA_ACTIVE, RECORD_TYPES, ActionPlan, AuditEntry, Commitment, Idea, Lab, Participant,
    Problem, Record, RecordError, Round, Unit, new_id, now_iso,
)
from facilitator.store import Store

R = TypeVar("R", bound=Record)
T = TypeVar("T")

LAB_ID = "lab"

DEFERRED = ("audit", "scores", "votes")
"""The tables whose records are built when first asked for rather than when a file is opened:
the largest ones (the audit log alone is two thirds of the demo's file), which the app's first
frame and most screens never read. Their documents are still checked when the file is opened,
so that a damaged record is reported then, as in any other table."""


def default_actor() -> str:
    """Who is making changes: the coach's login on this laptop, e.g. ``antun@laptop-lan``."""
    user = "coach"
    with suppress(Exception):
        user = getpass.getuser()
    return f"{user}@{platform.node() or 'laptop'}"


class Session:
    """One lab session, open on a store.

    Reading is plain attribute access on the records; every change goes through a method that
    commits it durably before returning.
    """

    def __init__(self, store: Store, actor: str | None = None,
                 clock: Callable[[], str] = now_iso,
                 make_id: Callable[[str], str] = new_id) -> None:
        self.store = store
        self.actor = actor or default_actor()
        self._clock = clock
        self._make_id = make_id
        self._records: dict[str, dict[str, Record]] = {name: {} for name in RECORD_TYPES}
        # The documents of the DEFERRED tables as the file held them, until their records are
        # built. Every change to a table builds its records first, so these never go stale.
        self._deferred: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self._building = threading.Lock()
        for name, docs in store.tables.items():
            cls = RECORD_TYPES.get(name)
            if cls is None:
                continue  # a table a newer minor version added: kept on disk, not shown
            if name in DEFERRED:
                for doc in docs.values():
                    cls.check_doc(doc)
                self._deferred[name] = list(docs.items())
            else:
                self._records[name] = {rid: cls.from_doc(doc) for rid, doc in docs.items()}
        self._listeners: list[Callable[[AuditEntry], None]] = []
        self._changes: dict[str, int] = {}
        """How many changes each table has had since the file was opened (see :meth:`cached`)."""
        self._cache: dict[str, tuple[tuple[int, ...], Any]] = {}
        self.keep_unsaved = False
        """On a disk error, keep the change in memory (marked unsaved) instead of refusing it:
        the app sets this, so that what a coach typed mid-workshop is never lost; the CLI, which
        ends when the command does, leaves it off and reports the error."""

    def now(self) -> str:
        """The current time by the session's clock (which tests and the demo fix)."""
        return self._clock()

    def new_id(self, prefix: str) -> str:
        """A fresh record id (from the session's id factory, which tests and the demo fix)."""
        return self._make_id(prefix)

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, **kwargs: Any) -> "Session":
        """Open a session file (read-only if another copy of the app has it).

        A record the session cannot read raises :class:`RecordError` naming the file; the file
        is left exactly as it was, and free for the next attempt.
        """
        # Reading a file makes tens of thousands of objects (the parsed JSON, the records), all
        # of them kept: the collector's passes over them in the middle would find nothing to
        # free (they cost the demo some milliseconds before its first frame).
        collecting = gc.isenabled()
        gc.disable()
        try:
            store = Store.open(path, readonly=readonly)
            try:
                return cls(store, **kwargs)
            except BaseException as exc:
                store.release()
                if isinstance(exc, RecordError):
                    exc.params["path"] = str(path)
                raise
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def create(cls, path: str | Path, *, region: str, date: str = "",
               template: "Any | None" = None, **kwargs: Any) -> "Session":
        """Create a new session file for ``region`` with the template's rubric and run-sheet."""
        store = Store.create(path)
        session = cls(store, **kwargs)
        try:
            session.setup(region=region, date=date, template=template)
        except BaseException:
            store.close()
            raise
        return session

    def setup(self, *, region: str, date: str = "", template: Any = None) -> None:
        """Fill a new session: the lab's details, the rubric and the run-sheet from the template."""
        from facilitator.core.template import load_default_template

        template = template or load_default_template()
        lab = Lab(id=LAB_ID, region=region, dates=[date] if date else [],
                  template=template.name, targets=dict(template.targets))
        new: list[Record] = [lab]
        new += template.make_criteria(self._make_id)
        if date:
            new += template.make_agenda(date, self._make_id)
        self.commit("session.create", new)

    def close(self) -> None:
        """Fold everything into the session file and release it (changes held unsaved are
        written too if the disk takes them now; otherwise they are gone: save them elsewhere
        first, see :attr:`unsaved`)."""
        self.store.close()

    @property
    def unsaved(self) -> bool:
        """Whether some changes are only in memory (a disk error, with :attr:`keep_unsaved`)."""
        return self.store.unsaved

    @property
    def save_error(self) -> StoreError | None:
        """Why the changes in memory are not on disk, or None if everything is saved."""
        return self.store.unsaved_error

    def save_as(self, path: str | Path) -> Path:
        """Write the whole session as it is in memory (unsaved changes included) to a new file
        and go on working there; the old file is left exactly as it was. Refuses an existing
        file. Returns the new path. Also the way out of a read-only session: the copy is yours.
        """
        old = self.store
        self.store = old.move_to(path)
        return self.store.path

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    @property
    def path(self) -> Path:
        return self.store.path

    # -- reading -------------------------------------------------------------------------------

    @property
    def records(self) -> dict[str, dict[str, Record]]:
        """Every table's records by id, oldest first (deleted ones included)."""
        for name in list(self._deferred):
            self._table(name)
        return self._records

    def _table(self, name: str) -> dict[str, Record]:
        """One table's records by id, built now if the table was left for later."""
        if name in self._deferred:
            # The app reads and saves from workers as well: one builds, the others wait for
            # it (a change added to a table being built would be lost with the half-built one).
            with self._building:
                pending = self._deferred.get(name)
                if pending is not None:
                    cls = RECORD_TYPES[name]
                    self._records[name] = {rid: cls.from_doc(doc) for rid, doc in pending}
                    del self._deferred[name]
        return self._records[name]

    def cached(self, name: str, tables: tuple[str, ...], compute: Callable[[], T]) -> T:
        """``compute()``, worked out again only once one of ``tables`` has changed since the
        last time ``name`` was asked for: for figures read from thousands of records (the
        ideas' mean scores) that several screens and every round's preview read again while
        nothing changed. The value is shared: the caller must not change it."""
        stamp = tuple(self._changes.get(table, 0) for table in tables)
        hit = self._cache.get(name)
        if hit is not None and hit[0] == stamp:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self._cache[name] = (stamp, value)
        return value

    @property
    def lab(self) -> Lab:
        lab = self._table("lab").get(LAB_ID)
        return lab if isinstance(lab, Lab) else Lab(id=LAB_ID)

    def all(self, cls: type[R], *, include_deleted: bool = False) -> list[R]:
        """The records of one type, oldest first."""
        items = self._table(cls.TABLE).values()
        if include_deleted:
            return list(items)  # type: ignore[arg-type]
        return [r for r in items if not r.deleted]  # type: ignore[misc]

    def get(self, cls: type[R], rid: str) -> R | None:
        """One record by id, or None if there is none (deleted ones included)."""
        return self._table(cls.TABLE).get(rid)  # type: ignore[return-value]

    def ideas(self) -> list[Idea]:
        """The ideas in the session now: not deleted, not merged away."""
        return [i for i in self.all(Idea) if i.status == IDEA_ACTIVE]

    def units(self) -> list[Unit]:
        return self.all(Unit)

    def unit_name(self, unit_id: str) -> str:
        unit = self.get(Unit, unit_id)
        return unit.name if unit else ""

    def rounds(self) -> list[Round]:
        """The funnel's rounds, oldest first."""
        return sorted(self.all(Round), key=lambda r: (r.order, r.created))

    def selected_ids(self) -> list[str]:
        """The ideas that passed the last round (none before any round)."""
        rounds = self.rounds()
        return rounds[-1].kept if rounds else []

    def sealed(self) -> list[Commitment]:
        """The sealed commitments, in the order of their chain."""
        return sorted((c for c in self.all(Commitment) if c.sealed_at), key=lambda c: c.seq)

    # -- changing ------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[AuditEntry], None]) -> None:
        """Call ``listener`` with the audit entry after every confirmed change."""
        self._listeners.append(listener)

    def commit(self, action: str, records: Iterable[Record], *, undoes: str = "") -> AuditEntry:
        """Make ``records`` (their new states) durable as one change named ``action``.

        New records get an id and a created time; every record gets its updated time and the
        actor. Returns the audit entry once the change is on disk (or, with
        :attr:`keep_unsaved` and a disk error, once it is held in memory: see :attr:`unsaved`).
        """
        stamp = self._clock()
        changes: list[list[Any]] = []
        ops: list[tuple[str, str, dict[str, Any]]] = []
        staged: list[Record] = []
        for record in records:
            if not record.id:
                record.id = self._make_id(record.PREFIX)
            before = self._table(record.TABLE).get(record.id)
            if before is not None:
                self._guard(before, record)
            if not record.created:
                record.created = before.created if before else stamp
            record.updated = stamp
            record.by = self.actor
            doc = record.to_doc()
            changes.append([record.TABLE, record.id, before.to_doc() if before else None, doc])
            ops.append((record.TABLE, record.id, doc))
            staged.append(record)
        entry = AuditEntry(id=self._make_id(AuditEntry.PREFIX), created=stamp, updated=stamp,
                           by=self.actor, action=action, changes=changes, undoes=undoes)
        ops.append((AuditEntry.TABLE, entry.id, entry.to_doc()))
        self.store.commit(ops, hold=self.keep_unsaved)
        for record in staged:
            self._table(record.TABLE)[record.id] = record
            self._changes[record.TABLE] = self._changes.get(record.TABLE, 0) + 1
        self._table(AuditEntry.TABLE)[entry.id] = entry
        for listener in list(self._listeners):
            listener(entry)
        return entry

    @staticmethod
    def _guard(before: Record, after: Record) -> None:
        """The rules no change may break, whoever asks for it."""
        if isinstance(before, Commitment) and before.sealed_at:
            raise RuleError("sealed", name=before.official.get("name", before.id))

    def add(self, record: R, action: str | None = None) -> R:
        """Add a new record."""
        self.commit(action or f"{record.TABLE}.add", [record])
        return record

    def edit(self, record: R, action: str | None = None, **fields: Any) -> R:
        """Change some fields of a record; the live record is replaced only once it is on disk."""
        changed = dataclasses.replace(record, **fields)
        self.commit(action or f"{record.TABLE}.edit", [changed])
        return changed

    def delete(self, record: R, action: str | None = None) -> R:
        """Delete a record softly, so that undo and merges can still see it."""
        return self.edit(record, action or f"{record.TABLE}.delete", deleted=True)

    # -- undo ----------------------------------------------------------------------------------

    def undoable(self) -> AuditEntry | None:
        """The latest change that undo would take back, or None."""
        audit = self._table(AuditEntry.TABLE)
        undone = {e.undoes for e in audit.values() if e.undoes}
        for entry in reversed(list(audit.values())):
            if entry.undoes or entry.id in undone or entry.action == "session.create":
                continue
            return entry
        return None

    def undo(self) -> AuditEntry | None:
        """Take back the latest change: write each record's earlier state as a new change.

        Returns the entry that was undone, or None if there is nothing to undo. A seal is never
        undone: withdrawing a commitment is a new record, not an edit.
        """
        entry = self.undoable()
        if entry is None:
            return None
        if entry.action.startswith("commitment.seal"):
            raise RuleError("undo_seal")
        restored: list[Record] = []
        for table, rid, before, after in entry.changes:
            cls = RECORD_TYPES[table]
            if before is None:
                state = cls.from_doc(after)
                state.deleted = True
            else:
                state = cls.from_doc(before)
            restored.append(state)
        self._restore(f"undo:{entry.action}", restored, entry.id)
        return entry

    def _restore(self, action: str, records: list[Record], undoes: str) -> None:
        # Restoring writes old states back; the created time is kept, the rest is the undo's.
        self.commit(action, records, undoes=undoes)

    # -- helpers for the screens and the CLI ---------------------------------------------------

    def plans(self) -> list[ActionPlan]:
        return self.all(ActionPlan)

    def problems(self) -> list[Problem]:
        return self.all(Problem)

    def participants(self) -> list[Participant]:
        return self.all(Participant)
