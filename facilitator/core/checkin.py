"""Checking people in: find a participant from a few typed letters, mark them present for a day.

At the registration desk the coach types part of a name ("budi", "kadis kes", a NIP) and presses
Enter; :func:`search` must put the person meant at the top after two or three letters, out of
150. Matching ignores case, accents and punctuation; a word of the query matches the start of a
word of the name first, then anywhere in the name, jabatan, unit or NIP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

# OPENING lives with the record it marks, so that counting commitments (the stage bar) does
# not have to load the check-in.
from facilitator.core.records import OPENING, Commitment, Participant, Unit
from facilitator.core.session import Session
from facilitator.core.text import normal

ROLES = ("peserta", "kepala_daerah", "kepala_opd", "narasumber", "fasilitator", "notulis",
         "panitia")
"""The roles a participant can have; the screens show them in the user's language."""

HEADS = ("kepala_daerah", "kepala_opd")
"""The roles that sign the opening *Komitmen Berinovasi*."""

ROLE_WORDS = {
    "peserta": "peserta", "participant": "peserta",
    "kepala daerah": "kepala_daerah", "regional head": "kepala_daerah", "bupati": "kepala_daerah",
    "wali kota": "kepala_daerah", "walikota": "kepala_daerah",
    "kepala opd": "kepala_opd", "head of unit": "kepala_opd", "kepala dinas": "kepala_opd",
    "kepala badan": "kepala_opd", "camat": "kepala_opd",
    "narasumber": "narasumber", "speaker": "narasumber",
    "fasilitator": "fasilitator", "facilitator": "fasilitator", "coach": "fasilitator",
    "notulis": "notulis", "minute taker": "notulis",
    "panitia": "panitia", "organiser": "panitia", "organizer": "panitia",
}
"""Roles as people write them in a spreadsheet, in either language, and the role they mean."""

@dataclass(frozen=True)
class Entry:
    """A participant as the search sees them: folded name words and the other text."""

    id: str
    name: str
    words: tuple[str, ...]
    other: str


def entries(session: Session) -> list[Entry]:
    """The participants of a session, folded once for searching (in the order they were added)."""
    units = {u.id: u for u in session.all(Unit, include_deleted=True)}
    out = []
    for person in session.all(Participant):
        unit = units.get(person.unit_id)
        unit_text = f"{unit.name} {unit.short}" if unit else ""
        folded = normal(person.name)
        out.append(Entry(person.id, folded, tuple(folded.split()),
                         " ".join((folded, normal(person.jabatan), normal(unit_text),
                                   person.nip))))
    return out


def score(entry: Entry, words: list[str]) -> int:
    """How well ``entry`` matches the query's folded words: 0 for no match, higher is better.

    Every word must match somewhere. The name starting with the query ranks first, then every
    word starting a word of the name, then words found inside the other fields.
    """
    if not words:
        return 1
    total = 0
    for n, word in enumerate(words):
        if any(w.startswith(word) for w in entry.words):
            total += 3
            if n == 0 and entry.name.startswith(word):
                total += 2
        elif word in entry.name:
            total += 2
        elif word in entry.other:
            total += 1
        else:
            return 0
    return total


def role_key(value: str) -> str:
    """The role a typed or imported value means (``Kepala Daerah`` -> ``kepala_daerah``); a value
    that names none is kept as it is."""
    if value in ROLES:
        return value
    folded = normal(value.replace("_", " "))
    return ROLE_WORDS.get(folded, value)


def search(people: Iterable[Entry], query: str) -> list[str]:
    """The ids of the people matching ``query``, best first (ties keep the list's order)."""
    words = normal(query).split()
    scored = [(score(entry, words), n, entry.id) for n, entry in enumerate(people)]
    return [pid for s, _, pid in sorted((x for x in scored if x[0] > 0),
                                        key=lambda x: (-x[0], x[1]))]


def check_in_day(lab_dates: list[str], today: date) -> str:
    """The lab day a check-in counts for: today if it is one of the lab's days, else the lab
    day nearest to today (the first before the lab, the last after it); today without dates."""
    days = sorted(d for d in lab_dates if d)
    iso = today.isoformat()
    if not days or iso in days:
        return iso
    upcoming = [d for d in days if d > iso]
    return upcoming[0] if upcoming else days[-1]


def present(person: Participant, day: str) -> bool:
    """Whether ``person`` checked in on ``day``."""
    return day in person.attendance


def toggle(session: Session, person: Participant, day: str) -> Participant:
    """Check ``person`` in for ``day``, or out again if they were; committed before returning."""
    if day in person.attendance:
        days = [d for d in person.attendance if d != day]
    else:
        days = sorted({*person.attendance, day})
    return session.edit(person, attendance=days)


def opening_commitments(session: Session) -> list[Commitment]:
    """The commitments made at the opening (*Komitmen Berinovasi*), oldest first."""
    return [c for c in session.all(Commitment) if c.kind == OPENING]


def commit_opening(session: Session, person: Participant, day: str, place: str) -> Commitment:
    """Record that ``person`` committed at the opening (once: a second call returns the first)."""
    for existing in opening_commitments(session):
        if existing.official.get("participant") == person.id:
            return existing
    unit = session.get(Unit, person.unit_id) if person.unit_id else None
    official = {"name": person.name, "jabatan": person.jabatan, "nip": person.nip,
                "unit": unit.name if unit else "", "participant": person.id}
    return session.add(Commitment(kind=OPENING, unit_id=person.unit_id, official=official,
                                  date=day, place=place), "commitments.add")


def heads_committed(session: Session) -> tuple[bool, int, int]:
    """Who has committed at the opening: whether the Kepala Daerah has, and how many of the
    units have at least one commitment out of all units."""
    opening = opening_commitments(session)
    people = {p.id: p for p in session.all(Participant)}
    head = any(people.get(c.official.get("participant", "")) is not None
               and role_key(people[c.official["participant"]].role) == "kepala_daerah"
               for c in opening)
    units = [u.id for u in session.all(Unit)]
    committed = {c.unit_id for c in opening if c.unit_id}
    return head, sum(1 for u in units if u in committed), len(units)
