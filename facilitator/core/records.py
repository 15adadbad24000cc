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
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

STAGES = ("drumup", "diagnose", "design", "deliver", "display")
"""The five stages of the 5D cycle, in order; the keys of the stage screens and locale entries."""


def now_iso() -> str:
    """The current time in UTC, as ISO 8601 with microseconds, so that records sort by it."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id(prefix: str) -> str:
    """A new record id: a readable prefix and 64 random bits, unique across laptops."""
    return f"{prefix}-{secrets.token_hex(8)}"


@dataclass
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

    @classmethod
    def from_doc(cls, doc: dict[str, Any]):
        """Build the record from a document, ignoring fields this version does not know.

        Unknown fields are dropped rather than refused so that a file touched by a newer minor
        version still opens; the schema version in the file guards the breaking changes.
        """
        names = cls._field_names()
        return cls(**{k: v for k, v in doc.items() if k in names})

    @classmethod
    def _field_names(cls) -> frozenset[str]:
        cached = cls.__dict__.get("_names")
        if cached is None:
            cached = frozenset(f.name for f in dataclasses.fields(cls))
            setattr(cls, "_names", cached)
        return cached


@dataclass
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


@dataclass
class Unit(Record):
    """A regional government unit (OPD / SKPD / PD): a dinas, badan, kecamatan, Puskesmas, ..."""

    TABLE: ClassVar[str] = "units"
    PREFIX: ClassVar[str] = "opd"

    name: str = ""
    short: str = ""
    kind: str = "dinas"


@dataclass
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


@dataclass
class AgendaItem(Record):
    """One item of the run-sheet, with its planned and actual times."""

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


@dataclass
class Note(Record):
    """A time-stamped point for the minutes, with its speaker."""

    TABLE: ClassVar[str] = "notes"
    PREFIX: ClassVar[str] = "nte"

    at: str = ""
    speaker: str = ""
    text: str = ""
    stage: str = "drumup"


@dataclass
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


@dataclass
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


@dataclass
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


@dataclass
class Score(Record):
    """One rater's score of one idea on one criterion (for a gate: 1 pass, 0 fail)."""

    TABLE: ClassVar[str] = "scores"
    PREFIX: ClassVar[str] = "scr"

    idea_id: str = ""
    criterion: str = ""
    rater: str = ""
    value: float = 0


@dataclass
class Vote(Record):
    """A dot-vote tally for one idea, from one rater or table."""

    TABLE: ClassVar[str] = "votes"
    PREFIX: ClassVar[str] = "vot"

    idea_id: str = ""
    rater: str = ""
    dots: int = 0


@dataclass
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


@dataclass
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


@dataclass
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


@dataclass
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
                Round, ActionPlan, Commitment, AuditEntry)
}
"""Every stored table and the record type its documents hold."""

R = TypeVar("R", bound=Record)
