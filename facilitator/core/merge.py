"""Merging session files from several laptops into one session.

Every record has an id of its own, so merging is a union by id. Where two files hold different
versions of the same record, the later edit (``updated``) wins and the merge report lists the
conflict; equal times are settled by the content itself, so the result never depends on the
order of the files. Merging a file in twice adds nothing.

Sealed commitments are never altered: a sealed version always wins over an unsealed one, and two
different sealed versions of one commitment - or a chain that does not verify in an input - are
reported as broken, and the merge is refused unless the caller accepts it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.core.seal import verify_docs
from facilitator.store import Store, Tables, peek


@dataclass
class MergeReport:
    """What a merge did: the files, the records, the conflicts and any broken seal chain."""

    files: list[str]
    tables: Tables = field(default_factory=dict)
    records: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    broken: list[dict[str, Any]] = field(default_factory=list)
    written: bool = False
    """Whether the merged file was written (not when a broken chain refused it)."""

    def summary(self) -> dict[str, Any]:
        return {"files": self.files, "records": self.records, "conflicts": self.conflicts,
                "broken": self.broken}


def _canonical(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _rank(doc: dict[str, Any]) -> tuple[int, str, str]:
    """Which version of a record wins: sealed first, then the later edit, then the content
    (an arbitrary but fixed order, so that any order of files gives the same result)."""
    sealed = 1 if doc.get("sealed_at") else 0
    return (sealed, str(doc.get("updated", "")), _canonical(doc))


def merge_tables(inputs: list[tuple[str, Tables]]) -> MergeReport:
    """Merge the tables of several sessions (``(file name, tables)`` pairs)."""
    report = MergeReport(files=[name for name, _ in inputs])
    versions: dict[tuple[str, str], dict[str, tuple[dict[str, Any], list[str]]]] = {}
    for name, tables in inputs:
        broken = verify_docs(list(tables.get("commitments", {}).values()))
        report.broken += [dict(b, file=name) for b in broken]
        for table, docs in tables.items():
            for rid, doc in docs.items():
                seen = versions.setdefault((table, rid), {})
                key = _canonical(doc)
                if key in seen:
                    seen[key][1].append(name)
                else:
                    seen[key] = (doc, [name])
    merged: Tables = {}
    for (table, rid), seen in versions.items():
        ranked = sorted(seen.values(), key=lambda v: _rank(v[0]), reverse=True)
        winner, winner_files = ranked[0]
        merged.setdefault(table, {})[rid] = winner
        if len(ranked) > 1:
            sealed = [v for v in ranked if v[0].get("sealed_at")]
            if table == "commitments" and len(sealed) > 1:
                name = (winner.get("official") or {}).get("name", "")
                report.broken.append({"id": rid, "name": name, "problem": "sealed_twice",
                                      "file": ", ".join(sorted({f for v in sealed
                                                                for f in v[1]}))})
            report.conflicts.append({
                "table": table, "id": rid, "kept": sorted(winner_files),
                "kept_updated": winner.get("updated", ""),
                "dropped": sorted({f for _, files in ranked[1:] for f in files})})
    _one_criterion_per_key(merged, report)
    # A stable order: records by creation, so the merged file reads oldest first like any other.
    for table, docs in merged.items():
        merged[table] = dict(sorted(docs.items(), key=lambda kv: (str(kv[1].get("created", "")),
                                                                   kv[0])))
    report.tables = merged
    report.records = sum(len(d) for d in merged.values())
    report.conflicts.sort(key=lambda c: (c["table"], c["id"]))
    report.broken.sort(key=lambda b: (b.get("file", ""), b["id"], b["problem"]))
    return report


def _one_criterion_per_key(merged: Tables, report: MergeReport) -> None:
    """Two laptops that each created their session have the same rubric under other ids;
    scores name criteria by key, so one criterion per key is kept (the later edit)."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for doc in merged.get("criteria", {}).values():
        by_key.setdefault(str(doc.get("key")), []).append(doc)
    for key, docs in by_key.items():
        if len(docs) < 2:
            continue
        docs.sort(key=_rank, reverse=True)
        for loser in docs[1:]:
            del merged["criteria"][loser["id"]]
            report.conflicts.append({"table": "criteria", "id": loser["id"], "kept": [],
                                     "kept_updated": docs[0].get("updated", ""),
                                     "dropped": [], "same_key_as": docs[0]["id"]})


def merge_files(paths: list[str | Path], out: str | Path, *,
                allow_broken: bool = False) -> MergeReport:
    """Merge session files into a new file ``out`` (which must not exist). Inputs are only read.

    With a broken seal chain in the inputs, nothing is written unless ``allow_broken``.
    """
    return merge_into([(str(p), _readable(p)) for p in paths], out, allow_broken=allow_broken)


def _readable(path: str | Path) -> Tables:
    """A session file's tables, refused (naming the file) if a record in it could not be opened
    as a session: a merge must not carry a damaged record into the merged file."""
    from facilitator.core.records import RECORD_TYPES, RecordError

    tables = peek(path)
    for name, docs in tables.items():
        cls = RECORD_TYPES.get(name)
        for doc in docs.values() if cls is not None else ():
            try:
                cls.from_doc(doc)
            except RecordError as exc:
                exc.params["path"] = str(path)
                raise
    return tables


def merge_into(inputs: list[tuple[str, Tables]], out: str | Path, *,
               allow_broken: bool = False) -> MergeReport:
    """Merge sessions given as ``(file name, tables)`` into a new file ``out`` (which must not
    exist): the app passes the open session's own tables, read from memory, and the other
    files' tables. With a broken seal chain, nothing is written unless ``allow_broken``."""
    report = merge_tables(inputs)
    if report.broken and not allow_broken:
        return report
    store = Store.create(out, report.tables)
    store.close()
    report.written = True
    return report
