"""The records of a lab session.

Every record carries an id of its own (not TinyDB's per-file document number), the times it was
created and last updated, and the device or coach that made it. Those four fields are what lets
files from two laptops be merged later without collisions: ids never clash, and the later edit of
the same record can be told from the earlier one.

Records are deleted softly (``deleted=True``) for the same reason: a merge must be able to tell a
record that one laptop deleted from a record that the other laptop never had.
"""

from __future__ import annotations

import dataclasses
import json
import math
import reprlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, ClassVar, TypeVar

from facilitator.core.errors import StoreError

STAGES = ("drumup", "diagnose", "design", "deliver", "display")
"""The five stages of the 5D cycle, in order; the keys of the stage screens and locale entries."""


def now_iso() -> str:
    """The current time in UTC, as ISO 8601 with microseconds, so that records sort by it."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id(prefix: str) -> str:
    """A new record id: a readable prefix and 64 random bits, unique across laptops."""
    return f"{prefix}-{secrets.token_hex(8)}"


@dataclass(eq=False, repr=False)
class Record:
    """The fields every record has. Subclasses name their table and id prefix."""

    TABLE: ClassVar[str] = ""
    PREFIX: ClassVar[str] = ""

    id: str = ""
    created: str = ""
    updated: str = ""
    by: str = ""
    deleted: bool = False

    def to_doc(self) -> dict[str, Any]:
        """The record as a plain JSON-ready dict (a TinyDB document)."""
        return dataclasses.asdict(self)

    # One ``==`` and one repr for every record type, doing what the ones ``dataclass`` writes
    # do (records of the same type with equal fields are equal; ``Idea(id='ide-1', ...)``):
    # having ``dataclass`` write and compile them for each of the record types (``eq=False,
    # repr=False`` below) was some 40% of the cost of importing this module, before the first
    # frame.

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._kinds(),
                                                                       self._values()))
        return f"{self.__class__.__qualname__}({fields})"

    def _values(self) -> tuple[Any, ...]:
        """The fields' values, in the fields' order."""
        return tuple(getattr(self, name) for name in self._kinds())

    @classmethod
    def from_doc(cls, doc: dict[str, Any]):
        """Build the record from a document, ignoring fields this version does not know.

        Unknown fields are dropped rather than refused so that a file touched by a newer minor
        version still opens; the schema version in the file guards the breaking changes.

        A file edited by hand or damaged may hold a value of the wrong kind. What reads plainly
        as the right kind is taken as such (a number where text belongs, ``"3"`` for 3, one date
        for a list of dates, ``null`` for the default); what cannot (a word where a number
        belongs, a round whose decisions are not a list of decisions) raises
        :class:`RecordError` naming the table, the record and the field, so that no screen
        meets a value it cannot show. The document itself is never changed.
        """
        return cls(**cls._read(doc))

    @classmethod
    def check_doc(cls, doc: dict[str, Any]) -> None:
        """Raise the :class:`RecordError` :meth:`from_doc` would raise for ``doc``, without
        building the record (which a session opening a file can then leave for later)."""
        cls._read(doc)

    @classmethod
    def _read(cls, doc: dict[str, Any]) -> dict[str, Any]:
        """The fields :meth:`from_doc` builds the record from (``doc`` itself if it holds them
        as they are)."""
        fields = _KIND_CACHE.get(cls) or cls._kinds()
        # The document itself is passed on as the fields unless something in it must go or be
        # read into: opening a session builds thousands of records, nearly all of them as
        # written, and a copy of each document was a good part of the cost.
        values = doc
        for key, value in doc.items():
            kind = fields.get(key)
            if kind is None:
                read: Any = _DROP  # a field this version does not know
            else:
                plain, coerce = kind
                if type(value) is plain or coerce is None:
                    continue  # the usual case: nothing to read into
                if value is None:
                    read = _DROP  # null: the field's default
                else:
                    try:
                        read = coerce(value)
                    except _Refused as refused:
                        raise RecordError(cls.TABLE, str(doc.get("id", "")), key,
                                          refused.kind) from None
                    if read is value:
                        continue
            if values is doc:
                values = dict(doc)  # never change the caller's document
            if read is _DROP:
                del values[key]
            else:
                values[key] = read
        return values

    @classmethod
    def _kinds(cls) -> dict[str, tuple[type | None, Callable[[Any], Any] | None]]:
        """Each field's type taken as it is (None: always looked into) and how to read it."""
        cached = _KIND_CACHE.get(cls)
        if cached is None:
            cached = {}
            for spec in dataclasses.fields(cls):
                shape = _SHAPES.get((cls.TABLE, spec.name))
                plain, coerce = (None, shape) if shape else _KINDS.get(str(spec.type),
                                                                       (None, None))
                cached[spec.name] = (plain, coerce)
            _KIND_CACHE[cls] = cached
        return cached


class RecordError(StoreError):
    """A record holds a value that cannot be read as its field's kind (a word where a number
    belongs): the session file was edited by hand or damaged. ``kind`` names what was expected."""

    def __init__(self, table: str, rid: str, field: str, kind: str, path: str = "") -> None:
        super().__init__("bad_record", table=table, id=rid, field=field, kind=kind, path=path)

    def message(self) -> str:
        from facilitator.i18n import t

        params = dict(self.params, kind=t(f"hardening.kind.{self.params['kind']}"))
        key = "bad_record_in" if self.params.get("path") else "bad_record"
        return t(f"hardening.error.{key}", **params)


_DROP = object()
"""What :meth:`Record.from_doc` leaves out of a document's fields."""

_KIND_CACHE: dict[type, dict[str, tuple[type | None, Callable[[Any], Any] | None]]] = {}
""":meth:`Record._kinds` by record type (each type its own: a subclass has more fields)."""


class _Refused(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_LIMIT = 2 ** 53
"""The largest number a record holds (every whole number up to it is exact as a float too); a
bigger one in a file is damage, and would overflow the clock and the layouts that use it."""


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    try:
        # A number, true/false, a list or a mapping shows as written in the file: nothing lost.
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        raise _Refused("text") from None


def _number(value: Any, whole: bool = False) -> Any:
    kind = "integer" if whole else "number"
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            try:
                value = float(value.strip())
            except ValueError:
                raise _Refused(kind) from None
    if isinstance(value, int):
        if -_LIMIT <= value <= _LIMIT:
            return value
    elif isinstance(value, float) and math.isfinite(value) and -_LIMIT <= value <= _LIMIT:
        return round(value) if whole else value
    raise _Refused(kind)


def _whole(value: Any) -> int:
    return _number(value, whole=True)


_FLAGS = {"true": True, "false": False, "1": True, "0": False}


def _flag(value: Any) -> bool:
    if type(value) is bool:
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _FLAGS:
        return _FLAGS[value.strip().lower()]
    raise _Refused("flag")


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        if all(type(v) is str for v in value):
            return value
        return [_text(v) for v in value if v is not None]
    if isinstance(value, str):
        return [value] if value.strip() else []
    raise _Refused("list")


def _mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise _Refused("mapping")


def _text_mapping(value: Any) -> dict[str, str]:
    value = _mapping(value)
    if all(type(v) is str for v in value.values()):
        return value
    return {k: "" if v is None else _text(v) for k, v in value.items()}


def _whole_mapping(value: Any) -> dict[str, int]:
    return {k: _whole(v) for k, v in _mapping(value).items()}


def _mappings(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    raise _Refused("list")


def _decisions(value: Any) -> list[dict[str, Any]]:
    """A round's decisions as :attr:`Round.kept` and the why-report read them."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Refused("decisions")
    out = []
    for decision in value:
        reason = decision.get("reason")
        if (not isinstance(decision.get("idea"), str) or not isinstance(reason, dict)
                or not isinstance(reason.get("code"), str)):
            raise _Refused("decisions")
        try:
            kept = _flag(decision.get("kept"))
            numbers = {k: _number(reason[k]) for k in ("score", "threshold", "value")
                       if k in reason}
        except _Refused:
            raise _Refused("decisions") from None
        if kept is not decision.get("kept") or any(reason[k] is not v for k, v in numbers.items()):
            decision = dict(decision, kept=kept, reason=dict(reason, **numbers))
        out.append(decision)
    return out


def _changes(value: Any) -> list[list[Any]]:
    """An audit entry's changes as undo reads them: ``[table, id, before, after]``."""
    if not isinstance(value, list):
        raise _Refused("changes")
    for c in value:  # a loop, not all(...): every audit entry of a file is checked on opening
        if not (isinstance(c, list) and len(c) == 4 and isinstance(c[0], str)
                and isinstance(c[1], str) and (c[2] is None or isinstance(c[2], dict))
                and isinstance(c[3], dict)):
            raise _Refused("changes")
    return value


_KINDS: dict[str, tuple[type | None, Callable[[Any], Any]]] = {
    "str": (str, _text), "bool": (bool, _flag), "dict[str, Any]": (dict, _mapping),
    "list[dict[str, Any]]": (None, _mappings), "int": (None, _whole), "float": (None, _number),
    "list[str]": (None, _texts), "dict[str, str]": (None, _text_mapping),
    "dict[str, int]": (None, _whole_mapping),
}
"""How a field is read, by its annotation: the type taken as it is without a look inside (None:
numbers are checked for size, lists and mappings item by item), and the reader. A field of a
kind not named here is taken as it is."""

_SHAPES: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("rounds", "decisions"): _decisions,
    ("audit", "changes"): _changes,
}
"""Fields whose inside matters as well, by table and name."""


@dataclass(eq=False, repr=False)
class Lab(Record):
    """The lab's own details: one record per session, id ``lab``."""

    TABLE: ClassVar[str] = "lab"
    PREFIX: ClassVar[str] = "lab"

    region: str = ""
    region_kind: str = "kabupaten"
    province: str = ""
    dates: list[str] = field(default_factory=list)
    venue: str = ""
    coaches: list[str] = field(default_factory=list)
    chair: str = ""
    notulis: str = ""
    targets: dict[str, int] = field(default_factory=dict)
    template: str = "5d"
    minutes: dict[str, str] = field(default_factory=dict)
    dots_per_person: int = 3


@dataclass(eq=False, repr=False)
class Unit(Record):
    """A regional government unit (OPD / SKPD / PD): a dinas, badan, kecamatan, Puskesmas, ..."""

    TABLE: ClassVar[str] = "units"
    PREFIX: ClassVar[str] = "opd"

    name: str = ""
    short: str = ""
    kind: str = "dinas"


@dataclass(eq=False, repr=False)
class Participant(Record):
    """A person at the lab. ``attendance`` lists the dates (YYYY-MM-DD) they checked in."""

    TABLE: ClassVar[str] = "participants"
    PREFIX: ClassVar[str] = "ppl"

    name: str = ""
    jabatan: str = ""
    nip: str = ""
    unit_id: str = ""
    role: str = "peserta"
    attendance: list[str] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class AgendaItem(Record):
    """One item of the run-sheet, with its planned and actual times.

    ``actual_start`` / ``actual_end`` are the wall-clock times (``HH:MM``) the minutes report.
    The countdown needs more than that, and keeps it on the record so that a restarted laptop
    resumes the timer where it was: ``started_at`` (ISO 8601, when the item was started),
    ``paused_at`` (ISO 8601 while paused, else empty), ``paused_seconds`` (pauses so far) and
    ``extra_minutes`` (extensions granted on top of the planned ``minutes``).
    """

    TABLE: ClassVar[str] = "agenda"
    PREFIX: ClassVar[str] = "agd"

    day: str = ""
    order: int = 0
    title: str = ""
    stage: str = "drumup"
    planned_start: str = ""
    minutes: int = 0
    actual_start: str = ""
    actual_end: str = ""
    started_at: str = ""
    paused_at: str = ""
    paused_seconds: int = 0
    extra_minutes: int = 0


@dataclass(eq=False, repr=False)
class Note(Record):
    """A time-stamped point for the minutes, with its speaker."""

    TABLE: ClassVar[str] = "notes"
    PREFIX: ClassVar[str] = "nte"

    at: str = ""
    speaker: str = ""
    text: str = ""
    stage: str = "drumup"


@dataclass(eq=False, repr=False)
class Problem(Record):
    """A problem a unit faces, with its USG priority scores (1-5 each, 0 while unscored)."""

    TABLE: ClassVar[str] = "problems"
    PREFIX: ClassVar[str] = "prb"

    unit_id: str = ""
    statement: str = ""
    cause: str = ""
    affected: str = ""
    urgency: int = 0
    seriousness: int = 0
    growth: int = 0

    @property
    def usg(self) -> int:
        """The USG priority: the sum of urgency, seriousness and growth (3-15; 0 if unscored)."""
        return self.urgency + self.seriousness + self.growth


IDEA_ACTIVE = "active"
IDEA_MERGED = "merged"


@dataclass(eq=False, repr=False)
class Idea(Record):
    """A brainstormed idea. ``status`` is ``active`` or ``merged`` (into ``merged_into``)."""

    TABLE: ClassVar[str] = "ideas"
    PREFIX: ClassVar[str] = "ide"

    title: str = ""
    description: str = ""
    unit_id: str = ""
    problem_id: str = ""
    initiator: str = ""
    bentuk: str = ""
    jenis: str = ""
    urusan: str = ""
    status: str = IDEA_ACTIVE
    merged_into: str = ""
    merged_from: list[str] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Criterion(Record):
    """A rubric criterion. A gate is pass/fail; the others are scored on 1..scale_max."""

    TABLE: ClassVar[str] = "criteria"
    PREFIX: ClassVar[str] = "crt"

    key: str = ""
    name: dict[str, str] = field(default_factory=dict)
    weight: float = 1.0
    scale_max: int = 5
    gate: bool = False
    order: int = 0


@dataclass(eq=False, repr=False)
class Score(Record):
    """One rater's score of one idea on one criterion (for a gate: 1 pass, 0 fail)."""

    TABLE: ClassVar[str] = "scores"
    PREFIX: ClassVar[str] = "scr"

    idea_id: str = ""
    criterion: str = ""
    rater: str = ""
    value: float = 0


@dataclass(eq=False, repr=False)
class Vote(Record):
    """A dot-vote tally for one idea, from one rater or table."""

    TABLE: ClassVar[str] = "votes"
    PREFIX: ClassVar[str] = "vot"

    idea_id: str = ""
    rater: str = ""
    dots: int = 0


@dataclass(eq=False, repr=False)
class Round(Record):
    """A screening round of the funnel.

    ``pool`` holds the ids that entered the round and ``decisions`` one entry per id of the pool:
    ``{"idea": id, "kept": bool, "reason": {"code": ..., ...numbers}}``, or with ``"text"`` for the
    coach's own reason. Reasons are stored as codes and numbers, not sentences, so they read in
    either language.
    """

    TABLE: ClassVar[str] = "rounds"
    PREFIX: ClassVar[str] = "rnd"

    name: str = ""
    order: int = 0
    rule: dict[str, Any] = field(default_factory=dict)
    pool: list[str] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kept(self) -> list[str]:
        """The ids that passed this round, in pool order."""
        return [d["idea"] for d in self.decisions if d["kept"]]


PROFILE_FIELDS = (
    "tahapan", "inisiator", "jenis", "bentuk", "urusan", "rancang_bangun", "tujuan", "manfaat",
    "hasil", "anggaran", "waktu_uji_coba", "waktu_penerapan",
)
"""The profile fields of the national Indeks Inovasi Daerah form, in the form's order."""


@dataclass(eq=False, repr=False)
class ActionPlan(Record):
    """The rencana aksi of one selected innovation.

    ``steps`` holds dicts with ``activity``, ``pic``, ``start``, ``end``, ``output``, ``budget``.
    """

    TABLE: ClassVar[str] = "plans"
    PREFIX: ClassVar[str] = "pln"

    idea_id: str = ""
    problem: str = ""
    objective: str = ""
    profile: dict[str, str] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)


OPENING = "opening"
"""The ``Commitment.kind`` of a commitment made at the opening of the lab (see
:mod:`facilitator.core.checkin`): a record of who committed in the hall, never signed or sealed."""


@dataclass(eq=False, repr=False)
class Commitment(Record):
    """A signed commitment (Komitmen Kesepakatan Berinovasi) to an innovation or a unit.

    Once ``sealed_at`` is set, ``seal`` is the SHA-256 of the content and ``prev_seal`` chained
    to the commitment sealed before it on the same ``chain`` (the device that sealed it, so that
    two laptops' chains survive a merge side by side); the core refuses to change it afterwards.
    """

    TABLE: ClassVar[str] = "commitments"
    PREFIX: ClassVar[str] = "kmt"

    kind: str = "innovation"
    idea_id: str = ""
    unit_id: str = ""
    official: dict[str, str] = field(default_factory=dict)
    head: dict[str, str] = field(default_factory=dict)
    witness: dict[str, str] = field(default_factory=dict)
    place: str = ""
    date: str = ""
    lang: str = "id"
    text: str = ""
    signed_how: str = ""
    sheet_no: str = ""
    sealed_at: str = ""
    chain: str = ""
    seq: int = 0
    seal: str = ""
    prev_seal: str = ""
    withdraws: str = ""


@dataclass(eq=False, repr=False)
class ProgressNote(Record):
    """A dated note from a coaching clinic on how an action plan is going.

    A record of its own rather than a list on the plan, so that notes two coaches write on two
    laptops about the same plan both survive a merge. ``step`` is the index of the plan step the
    note is about, or -1 for the plan as a whole.
    """

    TABLE: ClassVar[str] = "progress"
    PREFIX: ClassVar[str] = "prg"

    plan_id: str = ""
    idea_id: str = ""
    day: str = ""
    step: int = -1
    text: str = ""


@dataclass(eq=False, repr=False)
class AuditEntry(Record):
    """One confirmed change: the action, and each record's state before and after it.

    ``changes`` is a list of ``[table, id, before, after]`` (a document or None). Undo applies the
    befores back as a new entry whose ``undoes`` names this one.
    """

    TABLE: ClassVar[str] = "audit"
    PREFIX: ClassVar[str] = "aud"

    action: str = ""
    changes: list[list[Any]] = field(default_factory=list)
    undoes: str = ""


RECORD_TYPES: dict[str, type[Record]] = {
    cls.TABLE: cls
    for cls in (Lab, Unit, Participant, AgendaItem, Note, Problem, Idea, Criterion, Score, Vote,
                Round, ActionPlan, Commitment, ProgressNote, AuditEntry)
}
"""Every stored table and the record type its documents hold."""

R = TypeVar("R", bound=Record)
