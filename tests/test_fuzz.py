"""Every file the app reads, cut short, bit-flipped or crafted to do harm.

A coach in the field opens what the USB stick, the e-mail or a colleague's laptop brings. For each
loader (the session file and its journal, the lab template, the CSV and XLSX imports, the merge
of several laptops' files, an export read back), this test feeds:

* a small valid file cut at many lengths (every length for small files, a spread otherwise);
* the same file with random single and multiple bit flips (seeded, so every run is the same);
* hand-crafted files: a value of the wrong kind in every field, huge numbers (1e308, 10**100),
  10,000 levels of nesting, YAML tags that would construct Python objects, a YAML bomb, a zip
  bomb, bytes that are not UTF-8, a NUL in the middle.

Each one must either be read (then the app's own readers must cope with what came out), or be
refused with a clear message: a :class:`FacilitatorError` whose message reads in Bahasa
Indonesia and in English. Never another exception, and never a changed byte on disk. The CLI
must say the same in one line and exit 1.

The figures (cases per loader, how many were read, refused clearly, crashed, changed a file) are
printed at the end (``pytest -s``) and written to ``fuzz-summary.json`` in pytest's temporary
folder, for the README's reliability section.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import os
import random
import re
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from facilitator import i18n
from facilitator.cli import main
from facilitator.core import funnel
from facilitator.core.errors import FacilitatorError
from facilitator.core.importer import plan_import
from facilitator.core.merge import merge_files
from facilitator.core.records import (
    ActionPlan, Commitment, Idea, Participant, Problem, Score, Unit, Vote,
)
from facilitator.core.seal import seal, verify
from facilitator.core.session import Session
from facilitator.core.stats import current_stage, stats
from facilitator.core.template import load_template
from facilitator.export import export, load_export
from facilitator.store import Store, peek, sidecar

SEED = 20240601
SCALE = float(os.environ.get("FACILITATOR_FUZZ_SCALE", "1"))
"""How many cut and flipped files to try: 1 in the everyday suite, more for the figures
(``FACILITATOR_FUZZ_SCALE=4 pytest tests/test_fuzz.py -s``)."""
TRUNCATIONS = int(120 * SCALE)
SINGLE_FLIPS = int(100 * SCALE)
MULTI_FLIPS = int(50 * SCALE)
DEEP = 10_000

# -- the valid files ---------------------------------------------------------------------------


def small_session(path: Path, region: str = "Kabupaten Sorong", actor: str = "coach@laptop-1",
                  first: int = 1) -> Session:
    """A small session with one of everything: units, people, a problem, scored ideas, a merge,
    a round, a plan and a sealed commitment. Ids and times are fixed, so the bytes are too."""
    ids = itertools.count(first)
    ticks = itertools.count()
    session = Session.create(
        path, region=region, actor=actor,
        clock=lambda: f"2021-03-15T09:{next(ticks) % 60:02d}:00.000000+00:00",
        make_id=lambda prefix: f"{prefix}-{next(ids):04d}")
    unit = session.add(Unit(name="Dinas Kesehatan", short="Dinkes"))
    session.add(Participant(name="dr. Siti Aminah", nip="198001012005012001", unit_id=unit.id,
                            attendance=["2021-03-15"]))
    problem = session.add(Problem(unit_id=unit.id, statement="Antrean panjang", urgency=5,
                                  seriousness=4, growth=3))
    ideas = [Idea(title=title, unit_id=unit.id, problem_id=problem.id)
             for title in ("Antrean daring [bold]Puskesmas[/bold]", "Layanan KTP keliling 😀",
                           "Posyandu digital", "Antrean online Puskesmas")]
    session.commit("ideas.add", ideas)
    merged = funnel.merge_ideas(session, [ideas[0].id, ideas[3].id], title="Antrean daring")
    scores = [Score(idea_id=idea_id, criterion=crit.key, rater="juri-1",
                    value=1 if crit.gate else value)
              for idea_id, value in ((merged.id, 4), (ideas[1].id, 2), (ideas[2].id, 3))
              for crit in funnel.criteria(session)]
    scores.append(Vote(idea_id=merged.id, rater="meja-1", dots=3))
    session.commit("scores.add", scores)
    made = funnel.apply_round(session, "Ambang", funnel.preview(
        session, {"kind": "threshold", "threshold": 3.0}))
    session.add(ActionPlan(idea_id=made.kept[0], objective="Antrean < 15 menit", steps=[
        {"activity": "Sosialisasi", "pic": "Dinkes", "budget": 5_000_000}]))
    commitment = session.add(Commitment(idea_id=made.kept[0], unit_id=unit.id,
                                        official={"name": "Drs. Yohanes Malak"},
                                        place="Aimas", date="2021-03-15", text="Kami berkomitmen"))
    seal(session, commitment, signed_how="paper", sheet_no="7")
    return session


def _valid_session(work: Path) -> bytes:
    if not (work / "valid.json").exists():
        small_session(work / "valid.json").close()
    return (work / "valid.json").read_bytes()


def _valid_template(work: Path) -> bytes:
    return resources.files("facilitator.templates").joinpath("5d.yaml").read_bytes()


VALID_CSV = ("judul;opd;deskripsi;inisiator\n"
             "Antrean daring Puskesmas;Dinas Kesehatan;Nomor antrean lewat WhatsApp;ASN\n"
             "Layanan KTP keliling;Disdukcapil;\"Mobil keliling; tiap Kamis\";OPD\n"
             "Posyandu digital;Dinas Kesehatan;;masyarakat\n").encode("utf-8")


def _valid_csv(work: Path) -> bytes:
    return VALID_CSV


VALID_ROSTER = """# OPD Kabupaten Sorong
opd:
  - nama: Dinas Kesehatan
    singkatan: Dinkes
    jenis: dinas
  - nama: Badan Perencanaan Pembangunan Daerah
    singkatan: Bappeda
    jenis: badan
  - nama: Puskesmas Aimas
    jenis: puskesmas
""".encode("utf-8")


def _valid_roster(work: Path) -> bytes:
    return VALID_ROSTER


def roster_crafted(valid: bytes) -> list[Case]:
    text = valid.decode("utf-8")
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n"
        for n in range(8))
    cases = [
        ("!!python/object/apply", "opd: !!python/object/apply:os.system [ls]\n"),
        ("a YAML bomb (billion laughs)", laughs),
        (f"{DEEP} levels of nesting", "opd: " + _deep_json(DEEP) + "\n"),
        ("5,000 nested block sequences", "opd:\n" + "- " * 5000 + "x\n"),
        ("1e308 and 10**100 as names", "- 1e308\n- 1" + "0" * 100 + "\n"),
        ("lists and mappings as names", "- {nama: [1, [2]], singkatan: {a: 1}}\n"),
        ("dates as names", "- nama: 2021-03-15\n"),
        ("a NUL in the middle", text[:40] + "\x00" + text[40:]),
        ("two lists", "a: [x]\nb: [y]\n"),
        ("a plain word", "halo"),
        ("empty", ""),
    ]
    return [Case("hand-crafted", name, content.encode("utf-8"), what="units")
            for name, content in cases] + [
        Case("hand-crafted", "not UTF-8", valid.replace(b"Dinas", b"Di\xffnas", 1), what="units"),
        Case("hand-crafted", "a directory", None, what="units")]


def _valid_xlsx(work: Path) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Judul", "OPD", "Deskripsi"])
    sheet.append(["Antrean daring Puskesmas", "Dinas Kesehatan", "Nomor antrean lewat WA"])
    sheet.append(["Layanan KTP keliling", "Disdukcapil", 2021])
    sheet.append(["=1+1", "Bappeda", 3.5])
    saved = io.BytesIO()
    book.save(saved)
    # The same bytes at every run (openpyxl stamps the time of saving), so that the seeded bit
    # flips land on the same bits.
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in source.namelist():
            data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2021-03-15T09:00:00Z",
                          source.read(name))
            copy.writestr(zipfile.ZipInfo(name, date_time=(2021, 3, 15, 9, 0, 0)), data,
                          zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _valid_export(fmt: str) -> Callable[[Path], bytes]:
    def build(work: Path) -> bytes:
        folder = work / f"export-{fmt}"
        if not folder.exists():
            session = small_session(work / f"export-{fmt}.json")
            try:
                export(session, fmt, folder)
            finally:
                session.close()
        [path] = list(folder.iterdir())
        return path.read_bytes()
    return build


def _valid_bundle(work: Path) -> bytes:
    """A bundle as the app packs it, cut down to the part read back: the JSON export inside."""
    return _zip({"json/kabupaten-sorong.json": _valid_export("json")(work),
                 "notula/kabupaten-sorong.md": "# Notula\n".encode("utf-8")},
                date_time=(2021, 3, 15, 9, 0, 0))


def _valid_journal(work: Path) -> bytes:
    """The journal a running app leaves beside the file: two confirmed changes."""
    if (work / "valid.journal").exists():
        return (work / "valid.journal").read_bytes()
    ids = itertools.count(9000)
    session = Session.open(work / "valid.json", actor="coach@laptop-1",
                           clock=lambda: "2021-03-16T08:00:00.000000+00:00",
                           make_id=lambda prefix: f"{prefix}-{next(ids):04d}")
    session.add(Idea(title="Ide dari jurnal"))
    session.edit(session.ideas()[0], title="Diubah di jurnal")
    journal = sidecar(work / "valid.json", ".journal").read_bytes()
    session.store.release()  # leave the journal as a crash would, not folded in
    sidecar(work / "valid.json", ".journal").unlink()
    (work / "valid.journal").write_bytes(journal)
    return journal


# -- what the app does with a file once it is read ---------------------------------------------

_PLAIN = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def check_types(session: Session) -> None:
    """Every field of every record holds its own kind, whatever the file held."""
    for records in session.records.values():
        for record in records.values():
            for spec in dataclasses.fields(record):
                value = getattr(record, spec.name)
                kinds = _PLAIN.get(str(spec.type))
                if kinds:
                    assert isinstance(value, kinds) and (
                        bool in kinds or not isinstance(value, bool)), (record.id, spec.name)
                elif str(spec.type) == "list[str]":
                    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
                elif str(spec.type) == "dict[str, str]":
                    assert isinstance(value, dict) and all(
                        isinstance(v, str) for v in value.values()), (record.id, spec.name)


def use(session: Session) -> None:
    """What the screens and the exports read first: it must all work on what was opened."""
    check_types(session)
    stats(session)
    current_stage(session)
    verify(session)
    funnel.why_report(session)
    funnel.pool(session)
    for rule in ({"kind": "gates"}, {"kind": "threshold", "threshold": 3.0},
                 {"kind": "top_score", "n": 2}, {"kind": "top_votes", "n": 1}):
        funnel.preview(session, rule)
    funnel.borderline(session, {"kind": "threshold", "threshold": 3.0})
    funnel.disagreements(session)
    session.undoable()
    for table in ("rounds", "plans", "commitments"):  # what undo and the exports copy
        for record in session.records[table].values():
            record.to_doc()


def open_session(path: Path, work: Path) -> None:
    session = Session.open(path)
    try:
        use(session)
    finally:
        session.close()


def read_only(path: Path, work: Path) -> None:
    peek(path)
    Store.open(path, readonly=True).close()


def open_read_only(path: Path, work: Path) -> None:
    """What ``facilitator stats`` does with a file: open it read-only as a session."""
    session = Session.open(path, readonly=True)
    try:
        use(session)
    finally:
        session.close()


def import_into(what: str = "ideas") -> Callable[[Path, Path], None]:
    def call(path: Path, work: Path) -> None:
        session = Session.open(work / "target" / "target.json")
        try:
            plan_import(session, path, what).summary()
        finally:
            session.close()
    return call


def merge_with_other(path: Path, work: Path) -> None:
    out = work / "merged" / "merged.json"
    shutil.rmtree(out.parent, ignore_errors=True)
    report = merge_files([path, work / "other" / "other.json"], out)
    if out.exists():  # what a merge writes must open like any session
        open_session(out, work)
    report.summary()


def load_and_open(path: Path, work: Path) -> None:
    """What ``facilitator new --from EXPORT`` does: a new session from the export, opened."""
    tables = load_export(path)
    out = work / "from-export" / "new.json"
    shutil.rmtree(out.parent, ignore_errors=True)
    session = Session(Store.create(out, tables))
    try:
        use(session)
    finally:
        session.close()


# -- the cases -------------------------------------------------------------------------------


@dataclass
class Case:
    kind: str  # truncated, bit-flipped, hand-crafted
    name: str
    content: bytes | None  # None: the case is a folder, not a file
    what: str = "ideas"  # for imports: what the file is imported as


def truncations(valid: bytes, budget: float = 1.0) -> list[Case]:
    size, count = len(valid), int(TRUNCATIONS * budget)
    ends = min(int(32 * SCALE * budget), size // 2)
    if size <= count:
        lengths = set(range(size))
    else:
        # Every length near both ends (a header cut short, a last record cut short), and an
        # even spread between.
        lengths = set(range(ends)) | set(range(size - ends, size))
        lengths |= {size * n // count for n in range(count)}
    return [Case("truncated", f"first {n} of {size} bytes", valid[:n]) for n in sorted(lengths)]


def flips(valid: bytes, label: str, budget: float = 1.0) -> list[Case]:
    rng = random.Random(f"{SEED}-{label}")
    single, multi = int(SINGLE_FLIPS * budget), int(MULTI_FLIPS * budget)
    cases = []
    for n in range(single + multi):
        data = bytearray(valid)
        count = 1 if n < single else rng.randint(2, 16)
        bits = [rng.randrange(len(data) * 8) for _ in range(count)]
        for bit in bits:
            data[bit // 8] ^= 1 << (bit % 8)
        cases.append(Case("bit-flipped", f"bits {bits}", bytes(data)))
    return cases


WRONG_VALUES: list[tuple[str, Any]] = [
    ("number", 42), ("fraction", 2.5), ("1e308", 1e308), ("10**100", 10 ** 100),
    ("word", "teks"), ("empty", ""), ("null", None), ("true", True),
    ("list", ["a", 1, None]), ("mapping", {"k": "v", "n": 1}),
    ("500 deep", json.loads("[" * 500 + "]" * 500)),
]


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def session_crafted(valid: bytes, *, per_field: int = 0) -> list[Case]:
    """Damage a session (or JSON export) file the ways hand edits and hostile files do.

    ``per_field`` wrong values go into every field of one record of every table, taken in turn
    from :data:`WRONG_VALUES` so that every field meets several kinds and every kind meets
    every table (``tests/test_fuzz_records.py`` tries every value in every field of every
    record type, without the file).
    """
    data = json.loads(valid)
    cases: list[Case] = []

    def variant(name: str, change: Callable[[dict], Any]) -> None:
        copy = json.loads(valid)
        change(copy)
        cases.append(Case("hand-crafted", name, _dump(copy)))

    def first(table: str) -> Callable[[dict], dict]:
        return lambda copy: next(iter(copy[table].values()))

    # A value of the wrong kind in every field of one record of every table.
    turn = itertools.count()
    for table, docs in data.items():
        if table == "_meta" or not docs or not per_field:
            continue
        doc = next(iter(docs.values()))
        for key in doc:
            if key == "id":
                continue
            start = next(turn)
            for n in range(per_field):
                label, value = WRONG_VALUES[(start + n * 3) % len(WRONG_VALUES)]
                variant(f"{table}.{key} = {label}",
                        lambda c, t=table, k=key, v=value: first(t)(c).__setitem__(k, v))
    # The inside of the structured fields.
    variant("rounds.decisions = mapping",
            lambda c: first("rounds")(c).__setitem__("decisions", {"a": {"kept": True}}))
    variant("rounds.decisions[0] without reason",
            lambda c: first("rounds")(c)["decisions"][0].pop("reason"))
    variant("rounds.decisions[0].kept = 'ya'",
            lambda c: first("rounds")(c)["decisions"][0].__setitem__("kept", "ya"))
    variant("rounds.decisions[0].reason.score = 'tinggi'",
            lambda c: first("rounds")(c)["decisions"][0]["reason"].__setitem__("score", "tinggi"))
    variant("rounds.decisions[0] = 5", lambda c: first("rounds")(c)["decisions"].__setitem__(0, 5))
    variant("audit.changes[0] too short",
            lambda c: first("audit")(c)["changes"].__setitem__(0, ["ideas"]))
    variant("audit.changes[0].after = 'x'",
            lambda c: first("audit")(c)["changes"][0].__setitem__(3, "x"))
    variant("participants.attendance = one date",
            lambda c: first("participants")(c).__setitem__("attendance", "2021-03-15"))
    variant("commitments.official.name = list",
            lambda c: first("commitments")(c)["official"].__setitem__("name", ["Drs.", 1]))
    variant("criteria.weight = NaN",
            lambda c: first("criteria")(c).__setitem__("weight", float("nan")))
    variant("criteria.weight = Infinity",
            lambda c: first("criteria")(c).__setitem__("weight", float("inf")))
    # The file's frame: tables, ids, the header.
    variant("ideas = list", lambda c: c.__setitem__("ideas", [1, 2]))
    variant("ideas.1 = number", lambda c: c["ideas"].__setitem__("1", 5))
    variant("ideas id = number", lambda c: first("ideas")(c).__setitem__("id", 42))
    variant("ideas id missing", lambda c: first("ideas")(c).pop("id"))
    variant("two ideas, one id", lambda c: c["ideas"].__setitem__(
        "99", dict(first("ideas")(c), title="kembar")))
    variant("_meta missing", lambda c: c.pop("_meta"))
    variant("_meta.schema = '1'", lambda c: c["_meta"]["1"].__setitem__("schema", "1"))
    variant("_meta.schema = 99", lambda c: c["_meta"]["1"].__setitem__("schema", 99))
    variant("_meta.schema = 0", lambda c: c["_meta"]["1"].__setitem__("schema", 0))
    variant("_meta.seq = 'x'", lambda c: c["_meta"]["1"].__setitem__("seq", "x"))
    variant("_meta.seq = 1e308", lambda c: c["_meta"]["1"].__setitem__("seq", 1e308))
    variant("_meta.app = other", lambda c: c["_meta"]["1"].__setitem__("app", "tinydb"))
    variant("unknown table", lambda c: c.__setitem__("future", {"1": {"id": "x", "a": [1]}}))
    variant("a title of 1 MB", lambda c: first("ideas")(c).__setitem__("title", "ab" * 500_000))
    variant("a NUL inside a title (escaped)",
            lambda c: first("ideas")(c).__setitem__("title", "awal\x00akhir"))
    # Raw bytes.
    text = valid.decode("utf-8")
    title = next(iter(data["ideas"].values()))["title"]
    cases += [
        Case("hand-crafted", f"{DEEP} levels of nesting (whole file)",
             _deep_json(DEEP).encode()),
        Case("hand-crafted", f"{DEEP} levels of nesting (in a title)",
             text.replace(json.dumps(title, ensure_ascii=False), _deep_json(DEEP), 1).encode()),
        Case("hand-crafted", "1e999 as a number", text.replace('"urgency":5', '"urgency":1e999',
                                                              1).encode()),
        Case("hand-crafted", "NaN as a number", text.replace('"urgency":5', '"urgency":NaN',
                                                            1).encode()),
        Case("hand-crafted", "a 5,000-digit number",
             text.replace('"urgency":5', '"urgency":' + "9" * 5000, 1).encode()),
        Case("hand-crafted", "not UTF-8 (a stray 0xFF)",
             valid.replace(b"Dinas", b"Di\xffnas", 1)),
        Case("hand-crafted", "Latin-1 instead of UTF-8",
             text.replace("😀", "é").encode("latin-1", "replace")),
        Case("hand-crafted", "a raw NUL in the middle",
             valid[:len(valid) // 2] + b"\x00" + valid[len(valid) // 2:]),
        Case("hand-crafted", "a raw NUL inside a string", valid.replace(b"Dinas", b"Di\x00nas", 1)),
        Case("hand-crafted", "a byte-order mark", b"\xef\xbb\xbf" + valid),
        Case("hand-crafted", "UTF-16", text.encode("utf-16")),
        Case("hand-crafted", "empty", b""),
        Case("hand-crafted", "blank", b" \n\t\n"),
        Case("hand-crafted", "null", b"null"),
        Case("hand-crafted", "a list", b"[1, 2, 3]"),
        Case("hand-crafted", "an empty object", b"{}"),
        Case("hand-crafted", "a zip file", b"PK\x03\x04" + bytes(64)),
        Case("hand-crafted", "YAML where JSON belongs", b"_meta: {1: {app: facilitator}}\n"),
        Case("hand-crafted", "a directory", None),
    ]
    return cases


def journal_crafted(valid: bytes) -> list[Case]:
    lines = valid.split(b"\n")
    return [
        Case("hand-crafted", "a line with a wrong checksum", b"00000000" + valid[8:]),
        Case("hand-crafted", "the lines swapped", b"\n".join([lines[1], lines[0], b""])),
        Case("hand-crafted", "a line twice", valid + lines[0] + b"\n"),
        Case("hand-crafted", "a NUL in the middle", valid[:30] + b"\x00" + valid[30:]),
        Case("hand-crafted", "garbage lines", b"\n".join([b"x" * 100] * 5) + b"\n"),
        Case("hand-crafted", f"{DEEP} levels of nesting", _frame(_deep_json(DEEP).encode())),
        Case("hand-crafted", "ops of the wrong shape", _frame(b'{"seq":99,"ops":[[1,2,3]]}')),
        Case("hand-crafted", "seq 10**100", _frame(b'{"seq":1' + b"0" * 100 + b',"ops":[]}')),
        Case("hand-crafted", "a record with wrong types",
             _frame(b'{"seq":99,"ops":[["ideas","ide-x",{"id":"ide-x","title":[1],'
                    b'"deleted":"maybe"}]]}')),
        Case("hand-crafted", "not UTF-8", valid.replace(b"jurnal", b"jur\xffnal", 1)),
        Case("hand-crafted", "a directory", None),
    ]


def _frame(body: bytes) -> bytes:
    import zlib

    return b"%08x " % zlib.crc32(body) + body + b"\n"


def template_crafted(valid: bytes) -> list[Case]:
    text = valid.decode("utf-8")
    cases: list[Case] = []
    # A value of the wrong kind in place of every value of the template.
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    scalars: list[yaml.ScalarNode] = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for _key, value in node.value:
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for value in node.value:
                walk(value)
        else:
            scalars.append(node)

    walk(root)
    lines = text.split("\n")
    wrong = [("list", "[1, 2]"), ("mapping", "{a: 1}"), ("1e308", "1e308"),
             ("10**100", "1" + "0" * 100), ("word", "teks"), ("null", "null"), ("true", "true"),
             ("negative", "-5")]
    for number, node in enumerate(scalars):
        start, end = node.start_mark, node.end_mark
        if start.line != end.line or node.style not in (None, '"', "'"):
            continue  # block scalars span lines: replacing them would break the layout, not a type
        # One wrong kind per value, in turn, so that every kind meets every part (reading a
        # template takes a tenth of a second: all eight in every value would take minutes).
        for label, value in (wrong[number % 8],):
            changed = list(lines)
            line = changed[start.line]
            changed[start.line] = line[:start.column] + value + line[end.column:]
            cases.append(Case("hand-crafted", f"line {start.line + 1} = {label}",
                              "\n".join(changed).encode()))
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n"
        for n in range(8))
    for label, payload in [
        ("!!python/object/apply", '!!python/object/apply:os.system ["echo dimiliki > x"]'),
        ("!!python/object/new", "!!python/object/new:subprocess.Popen [[ls]]"),
        ("!!python/name", "!!python/name:os.system"),
        ("!!python/module", "!!python/module:os"),
        ("!<tag:yaml.org,2002:python/object/apply:os.system>",
         "!<tag:yaml.org,2002:python/object/apply:os.system> [ls]"),
        ("!!binary", "!!binary aGFsbw=="),
        ("!!set", "!!set {a, b}"),
        ("!!timestamp", "!!timestamp 2021-03-15"),
        ("a custom tag", "!Facilitator x"),
    ]:
        cases.append(Case("hand-crafted", f"name: {label}",
                          text.replace("name: 5d", f"name: {payload}", 1).encode()))
        cases.append(Case("hand-crafted", f"whole file: {label}", payload.encode()))
    cases += [
        Case("hand-crafted", "a YAML bomb (billion laughs)", laughs.encode()),
        Case("hand-crafted", "a YAML bomb inside the template", (text + "\n" + laughs).encode()),
        Case("hand-crafted", "an alias", text.replace("name: 5d", "name: &n 5d\nalias: *n",
                                                      1).encode()),
        Case("hand-crafted", "a %TAG directive",
             ("%TAG !p! tag:yaml.org,2002:python/\n---\n" + text).encode()),
        Case("hand-crafted", f"{DEEP} levels of nesting (flow)", ("name: " + _deep_json(DEEP))
             .encode()),
        Case("hand-crafted", f"{DEEP} levels of nesting (mappings)",
             ("name: " + "{a: " * DEEP + "1" + "}" * DEEP).encode()),
        Case("hand-crafted", "500 nested block sequences",
             ("name:\n" + "".join("  " * n + "-\n" for n in range(1, 500))).encode()),
        Case("hand-crafted", "not UTF-8", valid.replace(b"Drum", b"Dr\xffum", 1)),
        Case("hand-crafted", "Latin-1 instead of UTF-8", text.encode("latin-1", "replace")),
        Case("hand-crafted", "a raw NUL in the middle",
             valid[:len(valid) // 2] + b"\x00" + valid[len(valid) // 2:]),
        Case("hand-crafted", "a byte-order mark", b"\xef\xbb\xbf" + valid),
        Case("hand-crafted", "UTF-16", text.encode("utf-16")),
        Case("hand-crafted", "tabs for indentation", text.replace("  ", "\t").encode()),
        Case("hand-crafted", "a key twice", (text + "\nname: lagi\n").encode()),
        Case("hand-crafted", "empty", b""),
        Case("hand-crafted", "only a comment", b"# nothing\n"),
        Case("hand-crafted", "a list at the top", b"- 1\n- 2\n"),
        Case("hand-crafted", "a plain word", b"halo"),
        Case("hand-crafted", "2 MB", (text + "\n#" + "x" * 2_000_000).encode()),
        Case("hand-crafted", "a directory", None),
    ]
    return cases


def csv_crafted(valid: bytes) -> list[Case]:
    cases = [
        Case("hand-crafted", "a formula and markup as titles",
             b"judul\n=cmd|' /C calc'!A0\n@SUM(1+1)\n[bold]x[/bold]\n"),
        Case("hand-crafted", "USG 10**100", b"masalah;u;s;g\nAntrean;1" + b"0" * 100 + b";1;1\n",
             what="problems"),
        Case("hand-crafted", "USG 1e308", b"masalah;u;s;g\nAntrean;1e308;1;1\n", what="problems"),
        Case("hand-crafted", "USG words and negatives", b"masalah;u;s;g\nA;tinggi;-1;0\n",
             what="problems"),
        Case("hand-crafted", "NIP 10**100", b"nama;nip\nBudi;1" + b"0" * 100 + b"\n",
             what="participants"),
        Case("hand-crafted", "NIP with letters", b"nama;nip\nBudi;19800101abc\n",
             what="participants"),
        Case("hand-crafted", "a unit list with odd kinds",
             b"nama;jenis\nDinas X;[1, 2]\nBadan Y;\n", what="units"),
        Case("hand-crafted", "cp1252 with the five bytes it has no character for",
             b"judul;opd\nIde \x81\x8d\x8f\x90\x9d caf\xe9;Dinas\n"),
        Case("hand-crafted", "not UTF-8", valid.replace(b"Dinas", b"Di\xffnas", 1)),
        Case("hand-crafted", "UTF-16", valid.decode().encode("utf-16")),
        Case("hand-crafted", "a raw NUL in the middle",
             valid[:len(valid) // 2] + b"\x00" + valid[len(valid) // 2:]),
        Case("hand-crafted", "a byte-order mark", b"\xef\xbb\xbf" + valid),
        Case("hand-crafted", "an unclosed quote", b'judul\n"Antrean daring\nLayanan\n'),
        Case("hand-crafted", "a field of 200,000 characters",
             b'judul\n"' + b"x" * 200_000 + b'"\n'),
        Case("hand-crafted", "a title of 10,000 characters", b"judul\n" + b"y" * 10_000 + b"\n"),
        Case("hand-crafted", "100,000 columns", b";".join([b"judul"] * 100_000) + b"\n1\n"),
        Case("hand-crafted", "only carriage returns", valid.replace(b"\n", b"\r")),
        Case("hand-crafted", "no title column", b"opd;deskripsi\nDinas;x\n"),
        Case("hand-crafted", "only a header", b"judul\n"),
        Case("hand-crafted", "empty", b""),
        Case("hand-crafted", "blank lines only", b"\n\n \n;;;\n"),
        Case("hand-crafted", "a zip file", b"PK\x03\x04" + bytes(64)),
        Case("hand-crafted", f"{DEEP} brackets", b"judul\n" + _deep_json(DEEP).encode() + b"\n"),
        Case("hand-crafted", "100,001 rows", b"judul\n" + b"ide\n" * 100_001),
        Case("hand-crafted", "a directory", None),
    ]
    return cases


def _zip(parts: dict[str, bytes], *, date_time: tuple[int, ...] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=date_time) if date_time else name
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx_crafted(valid: bytes) -> list[Case]:
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"

    def with_part(name: str, data: bytes | None) -> bytes:
        changed = dict(parts)
        if data is None:
            changed.pop(name)
        else:
            changed[name] = data
        return _zip(changed)

    head = b'<?xml version="1.0" encoding="UTF-8"?>'
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (n + 1, (b"&lol%d;" % n if n else b"&lol;") * 10)
                         for n in range(9))
              + b']><worksheet ' + ns + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
              b'<t>&lol9;</t></is></c></row></sheetData></worksheet>')
    cases = [
        Case("hand-crafted", "a zip bomb (300 MB of sheet)", _zip_bomb(parts, sheet)),
        Case("hand-crafted", "an XML entity bomb in the sheet", with_part(sheet, laughs)),
        Case("hand-crafted", "an external entity (file://)", with_part(sheet, (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<worksheet ' + ns + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;'
            b'</t></is></c></row></sheetData></worksheet>'))),
        Case("hand-crafted", "a sheet claiming a million rows and columns", with_part(
            sheet, parts[sheet].replace(b'<dimension ref="A1:C4"/>',
                                        b'<dimension ref="A1:XFD1048576"/>'))),
        Case("hand-crafted", "a row numbered 1,048,576", with_part(sheet, head + b"<worksheet "
             + ns + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>judul</t></is></c>'
             b'</row><row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c>'
             b'</row></sheetData></worksheet>')),
        Case("hand-crafted", "the sheet cut in half",
             with_part(sheet, parts[sheet][:len(parts[sheet]) // 2])),
        Case("hand-crafted", "the sheet missing", with_part(sheet, None)),
        Case("hand-crafted", "the workbook part missing", with_part("xl/workbook.xml", None)),
        Case("hand-crafted", "the content types missing", with_part("[Content_Types].xml", None)),
        Case("hand-crafted", f"{DEEP} nested XML elements", with_part(
            sheet, head + b"<worksheet " + ns + b"><sheetData>" + b"<x>" * DEEP + b"</x>" * DEEP
            + b"</sheetData></worksheet>")),
        Case("hand-crafted", "huge numbers in cells", with_part(sheet, head + b"<worksheet " + ns
             + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>judul</t></is></c></row>'
             b'<row r="2"><c r="A2"><v>1e308</v></c></row><row r="3"><c r="A3"><v>1'
             + b"0" * 100 + b'</v></c></row><row r="4"><c r="A4"><v>NaN</v></c></row>'
             b'</sheetData></worksheet>')),
        Case("hand-crafted", "a shared string that does not exist", with_part(
            sheet, head + b"<worksheet " + ns + b'><sheetData><row r="1"><c r="A1" t="s"><v>999'
            b'</v></c></row></sheetData></worksheet>')),
        Case("hand-crafted", "not UTF-8 in the sheet", with_part(
            sheet, parts[sheet].replace(b"Judul", b"Ju\xffdul"))),
        Case("hand-crafted", "a NUL in the sheet", with_part(
            sheet, parts[sheet].replace(b"Judul", b"Ju\x00dul"))),
        Case("hand-crafted", "a zip of text files", _zip({"a.txt": b"judul\nx\n"})),
        Case("hand-crafted", "an empty zip", _zip({})),
        Case("hand-crafted", "a CSV named .xlsx", VALID_CSV),
        Case("hand-crafted", "empty", b""),
        Case("hand-crafted", "a NUL in the middle of the zip",
             valid[:len(valid) // 2] + b"\x00" + valid[len(valid) // 2:]),
        Case("hand-crafted", "a directory", None),
    ]
    return cases


def _zip_bomb(parts: dict[str, bytes], sheet: str) -> bytes:
    """A workbook whose sheet unpacks to 300 MB: written in pieces, so the test itself never
    holds it in memory (it compresses to a third of a megabyte)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != sheet:
                archive.writestr(name, data)
        with archive.open(sheet, "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            block = b" " * (1 << 20)
            for _ in range(300):
                member.write(block)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


def export_yaml_crafted(valid: bytes) -> list[Case]:
    text = valid.decode("utf-8")
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n"
        for n in range(8))
    return [
        Case("hand-crafted", "!!python/object/apply",
             (text + '\nboom: !!python/object/apply:os.system ["echo dimiliki"]\n').encode()),
        Case("hand-crafted", "!!python/name", (text + "\nx: !!python/name:os.system\n").encode()),
        Case("hand-crafted", "a YAML bomb (billion laughs)", (text + "\n" + laughs).encode()),
        Case("hand-crafted", "a YAML bomb alone", laughs.encode()),
        Case("hand-crafted", f"{DEEP} levels of nesting",
             (text + "\nx: " + _deep_json(DEEP) + "\n").encode()),
        Case("hand-crafted", "100,000 levels of nesting",
             (text + "\nx: " + _deep_json(100_000) + "\n").encode()),
        Case("hand-crafted", "100,000 nested block sequences",
             (text + "\nx:\n" + "- " * 100_000 + "x\n").encode()),
        Case("hand-crafted", "an unquoted date where text belongs",
             text.replace("date: '2021-03-15'", "date: 2021-03-15", 1).encode()),
        Case("hand-crafted", "1e308 and 10**100",
             text.replace("urgency: 5", "urgency: 1" + "0" * 100, 1)
             .replace("seriousness: 4", "seriousness: 1e308", 1).encode()),
        Case("hand-crafted", "not UTF-8", valid.replace(b"Dinas", b"Di\xffnas", 1)),
        Case("hand-crafted", "a raw NUL in the middle",
             valid[:len(valid) // 2] + b"\x00" + valid[len(valid) // 2:]),
        Case("hand-crafted", "tabs", text.replace("  ", "\t").encode()),
        Case("hand-crafted", "empty", b""),
        Case("hand-crafted", "a directory", None),
    ]


def bundle_crafted() -> list[Case]:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("json/x.json", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(b" " * (1 << 20))
    return [
        Case("hand-crafted", "a bundle whose JSON unpacks to 300 MB", bomb.getvalue()),
        Case("hand-crafted", "a bundle without its JSON", _zip({"minutes/x.md": b"# x"})),
        Case("hand-crafted", "a bundle with a path outside", _zip({"../../json/x.json": b"{}"})),
        Case("hand-crafted", "a bundle holding a deep JSON",
             _zip({"json/x.json": _deep_json(DEEP).encode()})),
    ]


# -- running them ----------------------------------------------------------------------------


@dataclass
class Loader:
    name: str
    suffix: str
    valid: Callable[[Path], bytes]
    call: Callable[[Path, Path], None]
    crafted: Callable[[bytes], list[Case]]
    argv: Callable[[Path, Path, Case], list[str]]
    extra: Callable[[], list[Case]] = field(default=lambda: [])
    what: str = "ideas"  # for imports: what the valid file is imported as
    budget: float = 1.0  # the share of truncations and flips (YAML read in Python is slow)
    cli_call: Callable[[Path, Path], None] | None = None  # what the command does, if more


def _session_argv(path: Path, work: Path, case: Case) -> list[str]:
    return ["stats", str(path)]


def _template_argv(path: Path, work: Path, case: Case) -> list[str]:
    return ["new", str(work / "cli" / "new.json"), "--region", "Kota Sorong", "--template",
            str(path)]


def _import_argv(path: Path, work: Path, case: Case) -> list[str]:
    return ["import", str(work / "target" / "target.json"), str(path), "--what", case.what,
            "--dry-run"]


def _merge_argv(path: Path, work: Path, case: Case) -> list[str]:
    return ["merge", str(path), str(work / "other" / "other.json"), "--out",
            str(work / "cli" / "merged.json")]


def _export_argv(path: Path, work: Path, case: Case) -> list[str]:
    return ["new", str(work / "cli" / "new.json"), "--from", str(path)]


LOADERS = {
    "session file (Session.open)": Loader("session", ".json", _valid_session, open_session,
                                          lambda v: session_crafted(v, per_field=3),
                                          _session_argv),
    "session file (peek, read-only)": Loader("peek", ".json", _valid_session, read_only,
                                             session_crafted, _session_argv,
                                             cli_call=open_read_only),
    "session journal": Loader("journal", ".json", _valid_journal, read_only, journal_crafted,
                              _session_argv, cli_call=open_read_only),
    "lab template (YAML)": Loader("template", ".yaml", _valid_template,
                                  lambda p, w: load_template(p), template_crafted,
                                  _template_argv, budget=0.5),
    "import CSV": Loader("csv", ".csv", _valid_csv, None, csv_crafted,  # type: ignore[arg-type]
                         _import_argv),
    "import XLSX": Loader("xlsx", ".xlsx", _valid_xlsx, None, xlsx_crafted,  # type: ignore
                          _import_argv),
    "import YAML (unit roster)": Loader("yaml-import", ".yaml", _valid_roster,
                                        None, roster_crafted, _import_argv,  # type: ignore
                                        what="units"),
    "merge inputs": Loader("merge", ".json", _valid_session, merge_with_other,
                           lambda v: session_crafted(v, per_field=1), _merge_argv,
                           budget=0.6),
    "export (JSON)": Loader("export-json", ".json", _valid_export("json"), load_and_open,
                            lambda v: session_crafted(v, per_field=2), _export_argv),
    "export bundle (ZIP)": Loader("bundle", ".zip", _valid_bundle, load_and_open,
                                  lambda v: bundle_crafted(), _export_argv, budget=0.6),
    "export (YAML)": Loader("export-yaml", ".yaml", _valid_export("yaml"), load_and_open,
                            export_yaml_crafted, _export_argv, budget=0.4),
}


@dataclass
class Outcome:
    case: Case
    result: str  # read, clear, crash, unclear
    detail: str = ""
    changed: list[str] = field(default_factory=list)


def snapshot(*folders: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the folders with its bytes and time (lock files hold no data)."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.exists() else ():
            if path.is_file() and not path.name.endswith(".lock"):
                found[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def stamps(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file of the folders with its size and time: cheap enough to take at every case
    for the files a case only reads beside its own (the other laptop's file, the target of an
    import); their bytes are compared once all cases have run."""
    found = {}
    for folder in folders:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".lock"):
                    info = entry.stat()
                    found[entry.path] = (info.st_size, info.st_mtime_ns)
    return found


_KEY = re.compile(r"[a-z_]+(\.[a-z_]+)+")
_BLANK = re.compile(r"\{[a-z_]+\}")


def unclear(exc: FacilitatorError) -> str:
    """Why the error's message would not help the coach, or "" if it reads well in both
    languages: not empty, no bare locale key, every blank filled in, one line, translated."""
    texts = {}
    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        texts[lang] = exc.message()
    i18n.set_language("id")
    for lang, text in texts.items():
        if not text.strip():
            return f"empty message in {lang}"
        if _KEY.fullmatch(text.strip()):
            return f"an untranslated key in {lang}: {text}"
        if _BLANK.search(text):
            return f"a blank left unfilled in {lang}: {text}"
        if "\n" in text.strip():
            return f"more than one line in {lang}: {text!r}"
    if texts["id"] == texts["en"]:
        return f"the same text in both languages: {texts['id']}"
    return ""


def prepare(loader: Loader, case: Case, work: Path) -> Path:
    """Write the case where the loader will read it (in a folder emptied first)."""
    folder = work / "in"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    path = folder / f"lab{loader.suffix}"
    target = path
    if loader.name == "journal":
        # The journal beside a valid file: the file is the constant, the journal the case.
        shutil.copyfile(work / "valid.json", path)
        target = sidecar(path, ".journal")
    if case.content is None:
        target.mkdir()
    else:
        target.write_bytes(case.content)
    return path


def run_case(loader: Loader, case: Case, work: Path, call: Callable[[Path, Path], None]) -> Outcome:
    path = prepare(loader, case, work)
    beside = [work / "other", work / "target"]
    before, around = snapshot(work / "in"), stamps(*beside)
    try:
        call(path, work)
        outcome = Outcome(case, "read")
    except FacilitatorError as exc:
        problem = unclear(exc)
        outcome = Outcome(case, "unclear" if problem else "clear", problem or exc.message())
    except Exception as exc:  # noqa: BLE001 - exactly what this test looks for
        outcome = Outcome(case, "crash", f"{type(exc).__name__}: {str(exc)[:200]}")
    after, around_after = snapshot(work / "in"), stamps(*beside)
    outcome.changed = sorted(k for k in before.keys() | after.keys()
                             if before.get(k) != after.get(k))
    outcome.changed += sorted(k for k in around.keys() | around_after.keys()
                              if around.get(k) != around_after.get(k))
    return outcome


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    """The figures of every loader, printed and written out once all have run."""
    figures: dict[str, dict[str, Any]] = {}
    yield figures
    if not figures and not CLI_FIGURES:
        return
    out = tmp_path_factory.getbasetemp() / "fuzz-summary.json"
    out.write_text(json.dumps(dict(figures, command_line=dict(CLI_FIGURES)), indent=2,
                              ensure_ascii=False), "utf-8")
    width = max((len(name) for name in figures), default=12)
    print(f"\n\nFuzz cases per loader (written to {out}):")
    print(f"{'loader':<{width}}  {'tried':>6} {'read':>6} {'clear':>6} {'crash':>6} "
          f"{'unclear':>7} {'changed':>7}  by kind (tried)")
    total: Counter = Counter()
    for name, row in figures.items():
        total.update({k: row[k] for k in ("tried", "read", "clear", "crash", "unclear",
                                          "changed")})
        kinds = ", ".join(f"{k} {v}" for k, v in row["by_kind"].items())
        print(f"{name:<{width}}  {row['tried']:>6} {row['read']:>6} {row['clear']:>6} "
              f"{row['crash']:>6} {row['unclear']:>7} {row['changed']:>7}  {kinds}")
    print(f"{'all loaders':<{width}}  {total['tried']:>6} {total['read']:>6} {total['clear']:>6} "
          f"{total['crash']:>6} {total['unclear']:>7} {total['changed']:>7}")
    if CLI_FIGURES:
        print("Through the command line: " + ", ".join(
            f"{key} {value}" for key, value in sorted(CLI_FIGURES.items())))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A folder with the valid files every loader starts from: the small session (also the
    other input of a merge and the target of an import)."""
    work = tmp_path_factory.mktemp("fuzz")
    valid = _valid_session(work)
    for name in ("other", "target"):
        (work / name).mkdir()
        small_session(work / name / f"{name}.json", region="Kota Sorong",
                      actor=f"coach@{name}", first=5000).close()
    return work, valid


_CASES: dict[str, tuple[bytes, list[Case]]] = {}
_SEEN: dict[tuple[str, int], str] = {}
"""What the loader made of each case (read, clear...), for the command line to be held to."""


def all_cases(loader: Loader, work: Path) -> tuple[bytes, list[Case]]:
    """The valid file and every case made from it (made once: the bombs take a while)."""
    if loader.name not in _CASES:
        _CASES[loader.name] = _make_cases(loader, work)
    return _CASES[loader.name]


def _make_cases(loader: Loader, work: Path) -> tuple[bytes, list[Case]]:
    valid = loader.valid(work)
    damaged = truncations(valid, loader.budget) + flips(valid, loader.name, loader.budget)
    for case in damaged:
        case.what = loader.what
    return valid, damaged + loader.crafted(valid) + loader.extra()


@pytest.mark.parametrize("name", list(LOADERS))
def test_no_file_crashes_a_loader_or_changes_a_byte(name, workspace, tally):
    work, _ = workspace
    loader = LOADERS[name]
    valid, cases = all_cases(loader, work)
    beside = snapshot(work / "other", work / "target")
    outcomes = []
    for case in cases:
        call = loader.call or import_into(case.what)
        outcomes.append(run_case(loader, case, work, call))
        if loader.cli_call is None:
            _SEEN[(loader.name, id(case))] = outcomes[-1].result
    # The valid file itself must read: otherwise every case would be refused for nothing.
    assert run_case(loader, Case("valid", "valid", valid), work,
                    loader.call or import_into(loader.what)).result == "read"
    results = Counter(o.result for o in outcomes)
    tally[name] = {
        "tried": len(outcomes), "read": results["read"], "clear": results["clear"],
        "crash": results["crash"], "unclear": results["unclear"],
        "changed": sum(1 for o in outcomes if o.changed),
        "by_kind": dict(Counter(o.case.kind for o in outcomes)),
    }
    bad = [o for o in outcomes if o.result in ("crash", "unclear") or o.changed]
    assert not bad, "\n".join(f"{o.case.kind} {o.case.name}: {o.result} {o.detail} {o.changed}"
                              for o in bad[:20])
    assert results["clear"] > 0  # the damage was seen, not waved through
    assert snapshot(work / "other", work / "target") == beside


CLI_SAMPLE = 10
CLI_FIGURES: Counter = Counter()


def cli_sample(name: str, cases: list[Case]) -> list[Case]:
    """The cases the command line is tried with: every hand-crafted file except the
    field-by-field ones (ten of those), and ten cut or flipped files, chosen by seed."""
    rng = random.Random(f"{SEED}-cli-{name}")
    crafted = [c for c in cases if c.kind == "hand-crafted" and " = " not in c.name]
    fields = [c for c in cases if c.kind == "hand-crafted" and " = " in c.name]
    others = [c for c in cases if c.kind != "hand-crafted"]
    return (crafted + rng.sample(fields, min(CLI_SAMPLE, len(fields)))
            + rng.sample(others, min(CLI_SAMPLE, len(others))))


@pytest.mark.parametrize("name", list(LOADERS))
def test_the_command_line_says_it_in_one_line_and_exits_1(name, workspace, tally, capsys):
    """The same files through ``facilitator``: a refused file is one line on stderr, exit 1,
    no traceback and no "internal error"; a file that reads is exit 0 (or 1 for a merge that a
    broken seal refused, which lists the broken commitments). In Bahasa Indonesia, and the first
    ten again in English."""
    work, _ = workspace
    loader = LOADERS[name]
    valid, cases = all_cases(loader, work)
    sample = cli_sample(name, cases)
    folder = work / "cli-settings"
    folder.mkdir(exist_ok=True)
    problems = []
    for lang, case in [("id", c) for c in sample] + [("en", c) for c in sample[:10]]:
        i18n.set_language(lang)
        internal = i18n.t("cli.internal_error", error="").split(":")[0]
        expected = _SEEN.get((loader.name, id(case)))
        if expected is None:
            call = loader.cli_call or loader.call or import_into(case.what)
            expected = _SEEN[(loader.name, id(case))] = run_case(loader, case, work, call).result
        path = prepare(loader, case, work)
        shutil.rmtree(work / "cli", ignore_errors=True)
        (work / "cli").mkdir()
        before = snapshot(work / "in", work / "other", work / "target")
        code = main(loader.argv(path, work, case) + ["--dir", str(folder), "--lang", lang])
        out, err = capsys.readouterr()
        lines = err.splitlines()
        if snapshot(work / "in", work / "other", work / "target") != before:
            problems.append((lang, case.name, "changed a file"))
        CLI_FIGURES["runs"] += 1
        CLI_FIGURES[f"exit {code}"] += 1
        if "Traceback" in err or internal in err:
            problems.append((lang, case.name, err))
        elif expected == "clear":
            if code != 1 or len(lines) != 1 or not lines[0].startswith("facilitator: "):
                problems.append((lang, case.name, code, err))
        elif expected == "read":
            if code not in ((0, 1) if loader.name == "merge" else (0,)):
                problems.append((lang, case.name, code, err))
    i18n.set_language("id")
    assert not problems, problems[:10]
