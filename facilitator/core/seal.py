"""Sealing commitments: a SHA-256 chain that shows any later change.

The seal of a commitment is the SHA-256 of its content (every field a signer agreed to, its
place in the chain and the seal before it) in canonical JSON. Changing any of those fields, or
removing or reordering a sealed commitment, breaks the chain at that point, and
:func:`verify` names it. The session's audit log keeps each seal as it was made, which also
shows the removal of a chain's last commitment, that the chain alone cannot.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from facilitator.core.errors import RuleError
from facilitator.core.records import Commitment
from facilitator.core.session import Session

GENESIS = "0" * 64
SEALED_FIELDS = ("id", "kind", "idea_id", "unit_id", "official", "head", "witness", "place",
                 "date", "lang", "text", "signed_how", "sheet_no", "sealed_at", "chain", "seq",
                 "prev_seal", "withdraws")


def content_hash(doc: dict[str, Any]) -> str:
    """The SHA-256 of a commitment's sealed fields, in canonical JSON."""
    body = {key: doc.get(key) for key in SEALED_FIELDS}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def short_code(seal: str) -> str:
    """The seal's short code printed on the sheet, e.g. ``3F9A-0C1D``."""
    return f"{seal[:4]}-{seal[4:8]}".upper()


def seal(session: Session, commitment: Commitment, *, signed_how: str, sheet_no: str = "",
         typed_name: str = "") -> Commitment:
    """Seal a signed commitment at the end of the chain.

    ``signed_how`` is ``typed`` (the official typed their full name, which must match) or
    ``paper`` (the signed sheet came back; ``sheet_no`` records its number).
    """
    if commitment.sealed_at:
        raise RuleError("sealed", name=commitment.official.get("name", commitment.id))
    if signed_how == "typed":
        expected = " ".join(commitment.official.get("name", "").split()).casefold()
        if not expected or " ".join(typed_name.split()).casefold() != expected:
            raise RuleError("typed_name_mismatch")
    elif signed_how == "paper":
        if not sheet_no.strip():
            raise RuleError("sheet_no_missing")
    else:
        raise RuleError("unknown_signing", how=signed_how)
    if not commitment.id:
        # A new record (a withdrawal signed at once) needs its id before the hash covers it.
        commitment = dataclasses.replace(commitment, id=session.new_id(Commitment.PREFIX))
    chain = [c for c in session.sealed() if c.chain == session.actor]
    prev = chain[-1].seal if chain else GENESIS
    sealed = dataclasses.replace(commitment, signed_how=signed_how, sheet_no=sheet_no.strip(),
                                 sealed_at=session.now(), chain=session.actor,
                                 seq=len(chain) + 1, prev_seal=prev)
    sealed.seal = content_hash(sealed.to_doc())
    session.commit("commitment.seal", [sealed])
    return sealed


def verify_docs(docs: list[dict[str, Any]],
                audit: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Check the chains of sealed commitment documents (one chain per sealing device).

    Returns one problem per broken commitment: ``{"id", "name", "problem"}`` with ``problem`` one
    of ``changed`` (its content no longer matches its seal, or it was marked deleted, which the
    app never does to a sealed commitment), ``out_of_order`` (it does not follow the seal before
    it, or the session's log never saw it sealed: it was put into the file), ``missing_before`` (a
    commitment before it in its chain was removed) or ``removed`` (the session's own log recorded
    its seal, and it is gone).

    ``audit`` (the session's audit entries) is a second witness: the chain alone cannot show
    that its last commitment was cut off, or that a whole chain was forged again from some point
    on with fresh hashes; the seal recorded in the log at sealing time can.
    """
    chains: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        if doc.get("sealed_at"):
            chains.setdefault(str(doc.get("chain", "")), []).append(doc)
    problems: list[dict[str, Any]] = []
    for chain in chains.values():
        chain.sort(key=lambda d: (_int(d.get("seq")), str(d.get("sealed_at"))))
        known = {d.get("seal") for d in chain}
        prev = GENESIS
        for position, doc in enumerate(chain, start=1):
            entry = {"id": str(doc.get("id", "?")), "name": _name(doc)}
            if content_hash(doc) != doc.get("seal") or doc.get("deleted"):
                problems.append(dict(entry, problem="changed"))
            elif doc.get("prev_seal") != prev or doc.get("seq") != position:
                problem = ("out_of_order" if doc.get("prev_seal") in known | {GENESIS}
                           else "missing_before")
                problems.append(dict(entry, problem=problem))
            prev = doc.get("seal", "")
    if audit:
        problems += _against_log(docs, audit, {p["id"] for p in problems})
    return problems


def sealed_in_log(audit: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The commitments the audit log saw sealed: ``{id: the sealed document}``."""
    found: dict[str, dict[str, Any]] = {}
    for entry in audit:
        if not str(entry.get("action", "")).startswith("commitment.seal"):
            continue
        changes = entry.get("changes")
        for change in changes if isinstance(changes, list) else []:
            if not (isinstance(change, list) and len(change) == 4):
                continue
            table, rid, _before, after = change
            if table == Commitment.TABLE and isinstance(after, dict) and after.get("sealed_at"):
                found[str(rid)] = after
    return found


def _against_log(docs: list[dict[str, Any]], audit: list[dict[str, Any]],
                 flagged: set[str]) -> list[dict[str, Any]]:
    by_id = {str(d.get("id")): d for d in docs}
    problems: list[dict[str, Any]] = []
    logged_seals = sealed_in_log(audit)
    if not logged_seals:
        return problems  # a file without the log of its seals: the chain is all there is
    for rid, doc in by_id.items():
        if doc.get("sealed_at") and rid not in logged_seals and rid not in flagged:
            # Sealed, yet never sealed by the app: put into the file afterwards.
            problems.append({"id": rid, "name": _name(doc), "problem": "out_of_order"})
    for rid, logged in logged_seals.items():
        if rid in flagged:
            continue
        doc = by_id.get(rid)
        if doc is None:
            problems.append({"id": rid, "name": _name(logged), "problem": "removed"})
        elif not doc.get("sealed_at") or doc.get("seal") != logged.get("seal"):
            problems.append({"id": rid, "name": _name(doc), "problem": "changed"})
    return problems


def _name(doc: dict[str, Any]) -> str:
    official = doc.get("official")
    return str(official.get("name", "")) if isinstance(official, dict) else ""


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


def verify(session: Session) -> list[dict[str, Any]]:
    """Check every sealed commitment of a session (see :func:`verify_docs`), against its chain
    and against the seals the session's audit log recorded."""
    from facilitator.core.records import AuditEntry

    # Only the seals' entries are read from the log: it holds every change of the session.
    seals = [{"action": e.action, "changes": e.changes}
             for e in session.all(AuditEntry, include_deleted=True)
             if e.action.startswith("commitment.seal")]
    return verify_docs([c.to_doc() for c in session.all(Commitment, include_deleted=True)],
                       seals)
