"""Importing lists from CSV or XLSX: ideas, problems, units, participants.

Columns are matched by their header, in Bahasa Indonesia or English, case-insensitively (``judul``
or ``title``...). CSV is read as UTF-8 with or without a byte-order mark, comma- or
semicolon-separated (Excel in Indonesia writes semicolons); XLSX is read from its first sheet.

An import is planned first (:func:`plan_import`: what would be added, what is skipped and why,
what looks like a duplicate) and then applied as ONE change (:func:`apply_import`), so a single
undo takes a whole import back and a crash never leaves half of it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from facilitator.core.errors import FacilitatorError
from facilitator.core.records import Idea, Participant, Problem, Record, Unit
from facilitator.core.session import Session
from facilitator.core.text import MAX_TITLE, clean, normal

WHATS = ("ideas", "problems", "units", "participants")
MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000

# Header words per field, in both languages; compared after folding case and spaces.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "ideas": {
        "title": ("judul", "title", "ide", "idea", "nama inovasi", "judul ide"),
        "description": ("deskripsi", "description", "keterangan", "uraian"),
        "unit": ("opd", "unit", "skpd", "perangkat daerah"),
        "initiator": ("inisiator", "initiator"),
        "problem": ("masalah", "problem", "permasalahan"),
        "bentuk": ("bentuk", "form"),
        "jenis": ("jenis", "type", "kind"),
        "urusan": ("urusan", "affair", "urusan pemerintahan"),
    },
    "problems": {
        "statement": ("masalah", "problem", "permasalahan", "pernyataan", "statement"),
        "unit": ("opd", "unit", "skpd", "perangkat daerah"),
        "cause": ("penyebab", "cause", "akar masalah"),
        "affected": ("terdampak", "affected", "yang terdampak", "who is affected"),
        "urgency": ("u", "urgensi", "urgency"),
        "seriousness": ("s", "keseriusan", "seriousness"),
        "growth": ("g", "pertumbuhan", "growth"),
    },
    "units": {
        "name": ("nama", "name", "opd", "unit", "nama opd"),
        "short": ("singkatan", "short", "short name", "akronim"),
        "kind": ("jenis", "kind", "type", "tipe"),
    },
    "participants": {
        "name": ("nama", "name", "nama lengkap", "full name"),
        "jabatan": ("jabatan", "position", "title", "job title"),
        "nip": ("nip",),
        "unit": ("opd", "unit", "skpd", "instansi", "perangkat daerah"),
        "role": ("peran", "role"),
    },
}
REQUIRED = {"ideas": "title", "problems": "statement", "units": "name", "participants": "name"}


@dataclass
class RowIssue:
    """A row the import skipped or flagged: its number in the file (header is row 1) and why."""

    row: int
    code: str
    text: str = ""


@dataclass
class ImportPlan:
    """What an import would do. Nothing is written until :func:`apply_import`."""

    what: str
    source: str
    rows: int = 0
    records: list[Record] = field(default_factory=list)
    added: int = 0
    skipped: list[RowIssue] = field(default_factory=list)
    duplicates: list[RowIssue] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The plan as plain data (for ``facilitator import --json`` and the preview)."""
        return {"what": self.what, "file": self.source, "rows": self.rows, "added": self.added,
                "skipped": [vars(i) for i in self.skipped],
                "duplicates": [vars(i) for i in self.duplicates],
                "new_units": self.new_units, "columns": self.columns}


def read_rows(path: str | Path) -> tuple[list[str], Iterator[list[str]]]:
    """The header and the data rows of a CSV or XLSX file, as text."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FacilitatorError("import_missing", file=str(path)) from None
    except OSError as exc:
        raise FacilitatorError("import_unreadable", file=str(path),
                               reason=exc.strerror or str(exc)) from None
    if size > MAX_IMPORT_BYTES:
        raise FacilitatorError("import_too_big", file=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif path.suffix.lower() in (".csv", ".txt", ".tsv", ""):
        rows = _csv_rows(path)
    elif path.suffix.lower() in (".yaml", ".yml"):
        from facilitator.core.import_yaml import yaml_rows  # the OPD roster, as some keep it

        rows = yaml_rows(path)
    else:
        raise FacilitatorError("import_format", file=str(path))
    header: list[str] | None = None
    for row in rows:
        if any(cell.strip() for cell in row):
            header = row
            break
    if header is None:
        raise FacilitatorError("import_empty", file=str(path))
    return header, rows


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:  # a folder named like a file, a file removed or locked meanwhile
        raise FacilitatorError("import_unreadable", file=str(path),
                               reason=exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel saves "CSV" in the Windows code page; it is the only other encoding seen
        # in the field. Five bytes have no character in it: they read as "?" marks, so nothing
        # is refused.
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FacilitatorError("import_format", file=str(path))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield [cell for cell in row]
    except csv.Error:
        raise FacilitatorError("import_format", file=str(path)) from None


MAX_XLSX_UNPACKED = 200 * 1024 * 1024
"""What the parts of a workbook may unpack to. A zip of a few kilobytes can unpack to gigabytes
(a "zip bomb"); a real list of ideas is a few megabytes even unpacked."""


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # a damaged directory raises BadZipFile, NotImplementedError, ValueError...
        raise FacilitatorError("import_format", file=str(path)) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise FacilitatorError("import_too_big", file=str(path))
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged zip or a non-xlsx file
        raise FacilitatorError("import_format", file=str(path)) from None
    try:
        sheet = book.worksheets[0]
        # The sheet's stated size is not trusted: a damaged or hostile one claims a million
        # columns, and every row would be padded to that width.
        sheet.reset_dimensions()
        # The sheet is read lazily, so a damaged part (cut-off XML, a missing sheet, an
        # entity bomb refused by defusedxml) fails here, row by row, with any exception type.
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else _cell_text(v) for v in row]
    except FacilitatorError:
        raise
    except Exception:
        raise FacilitatorError("import_format", file=str(path)) from None
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _match_columns(what: str, header: list[str]) -> dict[str, int]:
    wanted = HEADERS[what]
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = " ".join(clean(name).casefold().replace("_", " ").split())
        for field_name, words in wanted.items():
            if key in words and field_name not in found:
                found[field_name] = index
                break
    return found


def plan_import(session: Session, path: str | Path, what: str = "ideas") -> ImportPlan:
    """Read a file and work out what importing it would add, skip and flag."""
    if what not in WHATS:
        raise FacilitatorError("import_what", what=what)
    header, rows = read_rows(path)
    columns = _match_columns(what, header)
    if REQUIRED[what] not in columns:
        raise FacilitatorError("import_no_column", file=str(path),
                               column=" / ".join(HEADERS[what][REQUIRED[what]][:2]))
    plan = ImportPlan(what=what, source=str(path),
                      columns={f: header[i] for f, i in columns.items()})
    builder = _Builder(session, plan)
    for number, row in enumerate(rows, start=2):
        if plan.rows >= MAX_ROWS:
            raise FacilitatorError("import_too_big", file=str(path))
        if not any(cell.strip() for cell in row):
            continue
        plan.rows += 1
        values = {f: clean(row[i], multiline=f in ("description", "cause"))
                  if i < len(row) else "" for f, i in columns.items()}
        builder.row(number, values)
    plan.added = sum(1 for r in plan.records if r.TABLE == what)
    return plan


class _Builder:
    """Turns rows into records, resolving units and problems by name."""

    def __init__(self, session: Session, plan: ImportPlan) -> None:
        self.session = session
        self.plan = plan
        self.units = {}
        for unit in session.units():
            self.units.setdefault(normal(unit.name), unit)
            if unit.short:
                self.units.setdefault(normal(unit.short), unit)
        self.problems = {(p.unit_id, normal(p.statement)): p for p in session.problems()}
        self.titles = {normal(i.title) for i in session.ideas()}
        self.names = {normal(p.name) for p in session.participants()}
        self.unit_names = {normal(u.name) for u in session.units()}
        from facilitator.core.template import load_default_template

        self.lists = load_default_template().lists

    def unit(self, name: str) -> str:
        if not name:
            return ""
        unit = self.units.get(normal(name))
        if unit is None:
            unit = Unit(name=name, kind=_guess_kind(name))
            self.units[normal(name)] = unit
            self.plan.records.append(unit)
            self.plan.new_units.append(name)
        if not unit.id:
            unit.id = self.session.new_id(Unit.PREFIX)
        return unit.id

    def choice(self, list_name: str, value: str) -> str:
        """A list's key for a value typed as the key or as its label in either language."""
        if not value:
            return ""
        folded = normal(value)
        for key, labels in self.lists.get(list_name, {}).items():
            if folded in (normal(key), *(normal(v) for v in labels.values())):
                return key
        return value

    def row(self, number: int, values: dict[str, str]) -> None:
        what = self.plan.what
        required = values.get(REQUIRED[what], "")
        if not required:
            self.plan.skipped.append(RowIssue(number, f"no_{REQUIRED[what]}"))
            return
        if len(required) > MAX_TITLE:
            self.plan.skipped.append(RowIssue(number, "too_long", required[:60]))
            return
        getattr(self, f"_{what}")(number, values)

    def _ideas(self, number: int, v: dict[str, str]) -> None:
        key = normal(v["title"])
        if key in self.titles:
            self.plan.duplicates.append(RowIssue(number, "duplicate", v["title"]))
        self.titles.add(key)
        unit_id = self.unit(v.get("unit", ""))
        problem_id = ""
        if v.get("problem"):
            problem = self.problems.get((unit_id, normal(v["problem"])))
            if problem is None:
                problem = Problem(id=self.session.new_id(Problem.PREFIX), unit_id=unit_id,
                                  statement=v["problem"])
                self.problems[(unit_id, normal(v["problem"]))] = problem
                self.plan.records.append(problem)
            problem_id = problem.id
        self.plan.records.append(Idea(
            title=v["title"], description=v.get("description", ""), unit_id=unit_id,
            problem_id=problem_id, initiator=self.choice("initiator", v.get("initiator", "")),
            bentuk=self.choice("bentuk", v.get("bentuk", "")),
            jenis=self.choice("jenis", v.get("jenis", "")), urusan=v.get("urusan", "")))

    def _problems(self, number: int, v: dict[str, str]) -> None:
        unit_id = self.unit(v.get("unit", ""))
        key = (unit_id, normal(v["statement"]))
        if key in self.problems:
            self.plan.duplicates.append(RowIssue(number, "duplicate", v["statement"]))
        scores = {}
        for name in ("urgency", "seriousness", "growth"):
            raw = v.get(name, "")
            if not raw:
                scores[name] = 0
            elif raw.isdigit() and 1 <= int(raw) <= 5:
                scores[name] = int(raw)
            else:
                self.plan.skipped.append(RowIssue(number, "bad_usg", raw))
                return
        problem = Problem(unit_id=unit_id, statement=v["statement"], cause=v.get("cause", ""),
                          affected=v.get("affected", ""), **scores)
        self.problems[key] = problem
        self.plan.records.append(problem)

    def _units(self, number: int, v: dict[str, str]) -> None:
        key = normal(v["name"])
        if key in self.unit_names:
            self.plan.duplicates.append(RowIssue(number, "duplicate", v["name"]))
            return  # a unit twice is the same unit: ideas would not know which one to join
        self.unit_names.add(key)
        unit = Unit(name=v["name"], short=v.get("short", ""),
                    kind=self.choice("unit_kind", v.get("kind", "")) or _guess_kind(v["name"]))
        self.units[key] = unit
        if unit.short:
            self.units.setdefault(normal(unit.short), unit)
        self.plan.records.append(unit)

    def _participants(self, number: int, v: dict[str, str]) -> None:
        key = normal(v["name"])
        if key in self.names:
            self.plan.duplicates.append(RowIssue(number, "duplicate", v["name"]))
        self.names.add(key)
        nip = "".join(v.get("nip", "").split())
        if nip and not nip.isdigit():
            self.plan.skipped.append(RowIssue(number, "bad_nip", nip))
            return
        self.plan.records.append(Participant(
            name=v["name"], jabatan=v.get("jabatan", ""), nip=nip,
            unit_id=self.unit(v.get("unit", "")), role=v.get("role", "") or "peserta"))


_KIND_WORDS = (("puskesmas", "puskesmas"), ("rsud", "rsud"), ("rumah sakit", "rsud"),
               ("kecamatan", "kecamatan"), ("distrik", "kecamatan"), ("kelurahan", "kelurahan"),
               ("kampung", "kelurahan"), ("badan", "badan"), ("bappeda", "badan"),
               ("bapperlitbangda", "badan"), ("sekretariat", "sekretariat"), ("pdam", "bumd"),
               ("perumda", "bumd"), ("bank", "bumd"), ("dinas", "dinas"))


def _guess_kind(name: str) -> str:
    folded = normal(name)
    for word, kind in _KIND_WORDS:
        if word in folded:
            return kind
    return "lainnya"


def apply_import(session: Session, plan: ImportPlan) -> int:
    """Write a planned import as one change. Returns the number of records added."""
    if not plan.records:
        return 0
    session.commit(f"import.{plan.what}", plan.records)
    return len(plan.records)
