"""Commitments (Komitmen Kesepakatan Berinovasi): drafting, signing, withdrawing.

A commitment is drafted per innovation or per unit, with the committing official, the Kepala
Daerah who counter-signs and the LAN coach who witnesses, and the template's text in Indonesian
or English. It is signed one of two ways: typed (the official types their full name on the
laptop) or on paper (the printed sheet comes back signed and its number is recorded). Signing
seals it (:mod:`facilitator.core.seal`); from then on the core refuses any change. Withdrawing a
sealed commitment is a new commitment of kind ``withdrawal`` that names it and is sealed in its
turn: the original stays as it was signed, and reads as withdrawn.

The opening *Komitmen Berinovasi* (kind ``opening``, :mod:`facilitator.core.checkin`) is a
record of who committed in the hall on the first morning, not a commitment to an innovation: it
is never signed or sealed here, and :func:`signing` leaves it out of every list, count and sheet
of the signing.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from facilitator.core import seal as sealing
from facilitator.core.errors import RuleError
from facilitator.core.records import OPENING, Commitment, Idea, Participant, Unit
from facilitator.core.session import Session

INNOVATION = "innovation"
UNIT = "unit"
WITHDRAWAL = "withdrawal"
KINDS = (INNOVATION, UNIT)
"""What a commitment can be made to: one innovation, or a unit (all its innovations)."""

LANGS = ("id", "en")

# The states a commitment shows, as the Deliver screen and the sheets name them.
UNSIGNED = "unsigned"
SEALED = "sealed"
WITHDRAWN = "withdrawn"
WITHDRAWAL_SEALED = "withdrawal"
WITHDRAWAL_UNSIGNED = "withdrawal_unsigned"

PERSON_FIELDS = ("name", "jabatan", "nip")
_NIP = re.compile(r"[\d\s.]*")


def exports_dir(sessions_dir: str | Path) -> Path:
    """Where the app writes what it prints: ``exports`` in the sessions folder."""
    return Path(sessions_dir) / "exports"


def signing(session: Session) -> list[Commitment]:
    """The commitments of the signing (*Penandatanganan Komitmen Kesepakatan Berinovasi*): to
    an innovation or a unit, and their withdrawals; not the opening's *Komitmen Berinovasi*.
    What the Deliver screen lists, the sheets print and the exports count."""
    return [c for c in session.all(Commitment) if c.kind != OPENING]


def withdrawn_ids(session: Session) -> set[str]:
    """The commitments a sealed withdrawal has withdrawn."""
    return {c.withdraws for c in signing(session) if c.withdraws and c.sealed_at}


def in_force(session: Session) -> list[Commitment]:
    """The sealed commitments that stand: not withdrawals, and not withdrawn (what a count of
    "commitments signed" should count)."""
    withdrawn = withdrawn_ids(session)
    return [c for c in session.sealed() if c.kind != OPENING and state(c, withdrawn) == SEALED]


def state(c: Commitment, withdrawn: set[str]) -> str:
    """Where a commitment stands: unsigned, sealed, withdrawn (a sealed withdrawal names it),
    or a withdrawal itself (sealed or still unsigned)."""
    if c.kind == WITHDRAWAL or c.withdraws:
        return WITHDRAWAL_SEALED if c.sealed_at else WITHDRAWAL_UNSIGNED
    if not c.sealed_at:
        return UNSIGNED
    return WITHDRAWN if c.id in withdrawn else SEALED


def innovation_text(session: Session, c: Commitment) -> str:
    """What the commitment is to: the innovation's title, or for a unit the titles of its
    selected innovations."""
    if c.idea_id:
        idea = session.get(Idea, c.idea_id)
        return idea.title if idea else ""
    titles = [idea.title for idea in (session.get(Idea, i) for i in session.selected_ids())
              if idea is not None and idea.unit_id == c.unit_id]
    return "; ".join(sorted(titles, key=str.casefold))


def fill_text(session: Session, c: Commitment, lang: str | None = None) -> str:
    """The template's commitment text in ``lang`` (the commitment's own by default), filled in
    with the commitment's names. A blank stays visible as dots, to be filled by hand."""
    from facilitator.core.template import load_default_template

    blank = "." * 20
    lang = lang if lang in LANGS else (c.lang if c.lang in LANGS else "id")
    fill: dict[str, str] = defaultdict(lambda: blank, {
        "official": c.official.get("name", "").strip() or blank,
        "jabatan": c.official.get("jabatan", "").strip() or blank,
        "unit": session.unit_name(c.unit_id) or c.official.get("unit", "").strip() or blank,
        "innovation": innovation_text(session, c) or blank,
        "region": session.lab.region or blank,
        "head": c.head.get("jabatan", "").strip() or c.head.get("name", "").strip() or blank,
    })
    template = load_default_template().commitment_text
    return " ".join((template.get(lang) or template.get("id", "")).format_map(fill).split())


def _person(p: Participant | None) -> dict[str, str]:
    if p is None:
        return {}
    return {"name": p.name, "jabatan": p.jabatan, "nip": p.nip}


def _latest(session: Session) -> Commitment | None:
    items = [c for c in signing(session) if c.kind != WITHDRAWAL]
    return max(items, key=lambda c: c.created) if items else None


def draft(session: Session, *, kind: str = INNOVATION, idea_id: str = "", unit_id: str = "",
          lang: str = "id", day: str = "") -> Commitment:
    """A new commitment, not yet stored, filled in with what the session knows: the unit's head
    (a participant with the role ``kepala_opd``), the Kepala Daerah (role ``kepala_daerah``),
    the first coach as witness, and the place, head and witness of the last commitment drafted
    (a launch signs them all in one hall)."""
    # The plans' rules here rather than at the top: counting commitments (the stage bar, before
    # the first frame) needs none of them.
    from facilitator.core.plans import PlanError

    if kind not in KINDS:
        raise PlanError("kind", kind=kind)
    idea = session.get(Idea, idea_id) if idea_id else None
    if kind == INNOVATION:
        if idea is None:
            raise PlanError("no_idea", id=idea_id)
        unit_id = idea.unit_id
    elif session.get(Unit, unit_id) is None:
        raise PlanError("no_unit")
    people = session.all(Participant)
    heads_of_unit = [p for p in people if p.unit_id == unit_id and p.role == "kepala_opd"]
    official = _person(heads_of_unit[0]) if heads_of_unit else {}
    official["unit"] = session.unit_name(unit_id)
    last = _latest(session)
    head = dict(last.head) if last else _person(
        next((p for p in people if p.role == "kepala_daerah"), None))
    if last:
        witness = dict(last.witness)
    else:
        coaches = session.lab.coaches
        found = next((p for p in people if coaches and p.name == coaches[0]), None)
        witness = _person(found) or ({"name": coaches[0]} if coaches else {})
    place = last.place if last else session.lab.venue
    c = Commitment(kind=kind, idea_id=idea.id if (idea and kind == INNOVATION) else "",
                   unit_id=unit_id, official=official, head=head, witness=witness, place=place,
                   date=day, lang=lang if lang in LANGS else "id")
    c.text = fill_text(session, c)
    return c


def check(session: Session, c: Commitment) -> Commitment:
    """A commitment with its fields tidied, or a PlanError naming what is wrong: the official's
    name, the innovation or unit it is to, a real date, NIPs made of digits, some text."""
    from facilitator.core.plans import PlanError, check_date

    def person(values: dict[str, str]) -> dict[str, str]:
        out = {k: " ".join(str(v or "").split()) for k, v in values.items()}
        return {k: v for k, v in out.items() if v or k in PERSON_FIELDS}

    official, head, witness = person(c.official), person(c.head), person(c.witness)
    if not official.get("name"):
        raise PlanError("official_name")
    for who, values in (("official", official), ("head", head), ("witness", witness)):
        if not _NIP.fullmatch(values.get("nip", "")):
            raise PlanError("nip", who=who, value=values.get("nip", ""))
    if c.kind == INNOVATION and session.get(Idea, c.idea_id) is None:
        raise PlanError("no_idea", id=c.idea_id)
    if c.kind == UNIT and session.get(Unit, c.unit_id) is None:
        raise PlanError("no_unit")
    text = c.text.strip()
    if not text:
        raise PlanError("text")
    return dataclasses.replace(
        c, official=official, head=head, witness=witness, place=" ".join(c.place.split()),
        date=check_date(c.date, "date"), lang=c.lang if c.lang in LANGS else "id", text=text)


def save(session: Session, c: Commitment) -> Commitment:
    """Store a new commitment or the changes to an unsigned one. A sealed commitment is
    refused by the core (``RuleError("sealed")``): withdraw it instead."""
    tidy = check(session, c)
    stored = session.get(Commitment, c.id) if c.id else None
    if stored is None:
        return session.add(tidy, "commitments.add")
    fields = {f: getattr(tidy, f) for f in ("kind", "idea_id", "unit_id", "official", "head",
                                            "witness", "place", "date", "lang", "text")}
    if all(getattr(stored, f) == v for f, v in fields.items()):
        return stored
    return session.edit(stored, "commitments.edit", **fields)


def _current(session: Session, c: Commitment) -> Commitment:
    from facilitator.core.plans import PlanError

    # Sign what is stored now, not a copy a dialog kept: the signer read the stored text.
    stored = session.get(Commitment, c.id) if c.id else None
    if stored is None or stored.deleted:
        raise PlanError("gone")
    return stored


def sign_typed(session: Session, c: Commitment, typed_name: str) -> Commitment:
    """Seal a commitment the official confirmed by typing their full name (which must be the
    official's name, any case and spacing)."""
    return sealing.seal(session, _current(session, c), signed_how="typed",
                        typed_name=typed_name)


def sign_paper(session: Session, c: Commitment, sheet_no: str) -> Commitment:
    """Seal a commitment whose printed sheet came back signed, under the sheet's number."""
    return sealing.seal(session, _current(session, c), signed_how="paper", sheet_no=sheet_no)


def remove(session: Session, c: Commitment) -> Commitment:
    """Delete an unsigned commitment (the core refuses a sealed one)."""
    return session.delete(_current(session, c), "commitments.delete")


def pending_withdrawal(session: Session, c: Commitment) -> Commitment | None:
    """An unsigned withdrawal of ``c`` waiting for its signed sheet, if there is one."""
    return next((w for w in signing(session)
                 if w.withdraws == c.id and not w.sealed_at), None)


def withdrawal_text(session: Session, original: Commitment, reason: str, lang: str,
                    official: dict[str, str]) -> str:
    """The text of a withdrawal, in its language: who withdraws which commitment (by the seal's
    short code) and why."""
    from facilitator.i18n import t_in

    return " ".join(t_in(
        lang, "plans.withdrawal.text", official=official.get("name", ""),
        jabatan=official.get("jabatan", "") or "-",
        unit=session.unit_name(original.unit_id) or official.get("unit", "") or "-",
        innovation=innovation_text(session, original) or "-",
        code=sealing.short_code(original.seal), date=original.date or "-",
        reason=" ".join(reason.split())).split())


def withdrawal_reason(c: Commitment) -> str:
    """The reason a withdrawal gives, as the official gave it: what its text says after the
    template's words that lead to the reason ("dengan alasan:"); its whole text if it was
    written some other way."""
    from facilitator.i18n import catalog

    template = catalog(c.lang if c.lang in LANGS else "id").get("plans.withdrawal.text", "")
    before, found, _ = template.partition("{reason}")
    lead = " ".join(before[before.rfind("}") + 1:].split()).strip(" ,")
    text = " ".join(c.text.split())
    if not found or not lead or lead not in text:
        return text
    return text.partition(lead)[2].strip()


def withdrawals(session: Session) -> dict[str, Commitment]:
    """The sealed withdrawals, by the id of the commitment each withdraws."""
    return {c.withdraws: c for c in signing(session) if c.withdraws and c.sealed_at}


def withdraw(session: Session, original: Commitment, *, reason: str, how: str,
             typed_name: str = "", official: dict[str, str] | None = None,
             day: str = "", place: str = "") -> Commitment:
    """Withdraw a sealed commitment: a new commitment of kind ``withdrawal`` naming it.

    ``how`` is ``typed`` (the official types their name now: the withdrawal is sealed at once;
    a wrong name stores nothing) or ``paper`` (the withdrawal is stored unsigned, to be printed
    and sealed with :func:`sign_paper` when its sheet comes back). The original is never
    touched. Returns the withdrawal.
    """
    from facilitator.core.plans import PlanError

    original = _current(session, original)
    if original.kind == WITHDRAWAL or original.withdraws:
        raise PlanError("withdraw_withdrawal")
    if not original.sealed_at:
        raise PlanError("withdraw_unsigned")
    if original.id in withdrawn_ids(session):
        raise PlanError("already_withdrawn")
    if pending_withdrawal(session, original) is not None:
        raise PlanError("withdrawal_pending")
    if not reason.strip():
        raise PlanError("reason")
    if how not in ("typed", "paper"):
        raise RuleError("unknown_signing", how=how)
    who = dict(official or original.official)
    record = check(session, Commitment(
        kind=WITHDRAWAL, idea_id=original.idea_id, unit_id=original.unit_id, official=who,
        head=dict(original.head), witness=dict(original.witness),
        place=place or original.place, date=day, lang=original.lang, withdraws=original.id,
        text=withdrawal_text(session, original, reason, original.lang, who)))
    if how == "typed":
        return sealing.seal(session, record, signed_how="typed", typed_name=typed_name)
    return session.add(record, "commitments.add")


def print_sheets(session: Session, folder: str | Path) -> list[Path]:
    """Write the printable sheets (one page per commitment, ``commitments-pdf``) into
    ``folder``; returns the files written."""
    from facilitator.export import export

    return export(session, "commitments-pdf", folder)


def person_fields(values: dict[str, Any]) -> dict[str, str]:
    """The name, jabatan and NIP of a person as strings (missing ones empty)."""
    return {k: str(values.get(k, "") or "") for k in PERSON_FIELDS}
