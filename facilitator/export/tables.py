"""The session's data as it is stored: ``json`` and ``yaml`` (re-openable with ``facilitator new
--from``), and ``csv`` and ``xlsx`` (one table per file or sheet, for Excel)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from typing import Any

from facilitator.core.records import RECORD_TYPES
from facilitator.core.session import Session
from facilitator.export import register_files, safe_name, stem
from facilitator.export.common import xml_text
from facilitator.i18n import catalog, language, t
from facilitator.store import META

EXPORT_KIND = "facilitator-export"
BOOKKEEPING = ("created", "updated", "by", "deleted")
XLSX_CELL_LIMIT = 32767
"""The most characters an Excel cell holds; a longer value (an audit entry of a big import) is
cut there, with a mark, rather than making Excel "repair" the workbook."""


def snapshot(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """The session in the store's own TinyDB layout, its header saying when it was exported.

    The header keeps the store's fields (``app``, ``schema``, ``seq``), so the file is also a
    session file that the app opens as it is.
    """
    from facilitator import __version__

    data = session.store.snapshot()
    data[META]["1"].update({"kind": EXPORT_KIND, "exported": session.now(),
                            "version": __version__})
    return data


def to_json(data: Any) -> str:
    try:
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    except UnicodeEncodeError:  # pragma: no cover - json.dumps only builds a str here
        return json.dumps(data, ensure_ascii=True, indent=1) + "\n"


def _json_bytes(data: Any) -> bytes:
    text = to_json(data)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a broken paste) cannot be UTF-8; as a \u escape it is still JSON
        # that reads back to the same text.
        return json.dumps(data, ensure_ascii=True, indent=1).encode("ascii") + b"\n"


@register_files("json")
def export_json(session: Session) -> dict[str, bytes]:
    """The whole session as JSON: every table, deleted records and the audit log included."""
    return {f"{stem(session)}.json": _json_bytes(snapshot(session))}


def yaml_text(data: Any) -> str:
    import yaml

    def dump(base: type) -> str:
        class Dumper(base):  # type: ignore[misc, valid-type]
            # Anchors and aliases (&id001 / *id001) would make the file harder to read, and
            # the loader refuses them.
            def ignore_aliases(self, data: Any) -> bool:
                return True

        return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                         default_flow_style=False, width=100)

    header = "".join(f"# {line}\n" for line in t("export.yaml.header").splitlines())
    try:
        # The C emitter (when PyYAML has it) is several times faster on a whole session...
        return header + dump(getattr(yaml, "CSafeDumper", yaml.SafeDumper))
    except UnicodeEncodeError:
        # ...but fails on a lone surrogate (a broken paste), which the Python one escapes.
        return header + dump(yaml.SafeDumper)


@register_files("yaml")
def export_yaml(session: Session) -> dict[str, bytes]:
    """The same data as the JSON export, as YAML a person can read."""
    return {f"{stem(session)}.yaml": yaml_text(snapshot(session)).encode("utf-8", "replace")}


# -- tables for spreadsheets -----------------------------------------------------------------

def table_names(session: Session) -> list[str]:
    """Every record table in a fixed order (empty ones too, so the files are the same set each
    time), then any table a newer version added."""
    return list(RECORD_TYPES) + sorted(set(session.store.tables) - set(RECORD_TYPES))


def columns(table: str, docs: list[dict[str, Any]]) -> list[str]:
    """The table's fields: the id, what the record says, then the bookkeeping, then any field a
    newer version added."""
    cls = RECORD_TYPES.get(table)
    names = [f.name for f in dataclasses.fields(cls)] if cls else []
    known = ["id"] + [n for n in names if n not in ("id", *BOOKKEEPING)] + list(BOOKKEEPING)
    extra: list[str] = []
    for doc in docs:
        extra += [key for key in doc if key not in known and key not in extra]
    return known + extra


def column_label(table: str, name: str) -> str:
    """The readable name of a column in the current language (the field name if it has none)."""
    texts = catalog(language())
    for key in (f"export.column.{table}.{name}", f"export.column.{name}"):
        if key in texts:
            return t(key)
    return name


def table_label(table: str) -> str:
    key = f"export.table.{table}"
    return t(key) if key in catalog(language()) else table


def cell(value: Any) -> Any:
    """A stored value as a spreadsheet shows it: yes/no, numbers as numbers, lists and dicts as
    JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("export.value.yes") if value else t("export.value.no")
    if isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


def rows(session: Session, table: str) -> tuple[list[str], list[list[Any]]]:
    """The column names and the rows of one table, every record included (deleted ones say so
    in their column)."""
    docs = list(session.store.tables.get(table, {}).values())
    names = columns(table, docs)
    return names, [[cell(doc.get(name)) for name in names] for doc in docs]


_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")


def csv_safe(value: Any) -> Any:
    """A value Excel will not run as a formula when it opens the CSV: text starting with
    ``= + - @`` (other than a plain number) gets a leading apostrophe, as OWASP advises."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and not _NUMBER.match(value):
        return "'" + value
    return value


@register_files("csv")
def export_csv(session: Session) -> dict[str, bytes]:
    """One CSV per table: UTF-8 with a BOM so that Excel reads the accents, comma-separated,
    readable column names in the first row."""
    files: dict[str, bytes] = {}
    for table in table_names(session):
        names, body = rows(session, table)
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([column_label(table, n) for n in names])
        writer.writerows([[csv_safe(v) for v in row] for row in body])
        name = f"{stem(session)}-{safe_name(table_label(table), fallback=table)}.csv"
        files[name] = ("\ufeff" + buffer.getvalue()).encode("utf-8", "replace")
    return files


def sheet_title(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "-", xml_text(text)).strip().strip("'")[:31] or "sheet"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        value = xml_text(value)
        if len(value) > XLSX_CELL_LIMIT:
            value = value[:XLSX_CELL_LIMIT - 1] + "…"
    return value


def put(sheet: Any, row: int, col: int, value: Any) -> Any:
    """Write a cell; text is always text, never a formula (``=HYPERLINK(...)`` typed in an idea
    stays what was typed)."""
    target = sheet.cell(row=row, column=col, value=xlsx_value(value))
    if isinstance(target.value, str) and target.data_type == "f":
        target.data_type = "s"
    return target


def style_sheet(sheet: Any, headers: list[str], body: list[list[Any]], *,
                max_width: int = 60, wrap: bool = False) -> None:
    """Bold frozen header with a filter, and columns as wide as their content (within limits)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    for col, header in enumerate(headers, start=1):
        head = put(sheet, 1, col, header)
        head.font, head.fill = bold, fill
        width = max([len(str(header))] + [min(len(str(r[col - 1])), max_width) for r in body])
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 6),
                                                                     max_width + 2)
    for r, row in enumerate(body, start=2):
        for col, value in enumerate(row, start=1):
            written = put(sheet, r, col, value)
            if wrap:
                written.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(body) + 1, 1)}"


def workbook_bytes(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@register_files("xlsx")
def export_xlsx(session: Session) -> dict[str, bytes]:
    """One workbook, one sheet per table, named in the reader's language."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in table_names(session):
        names, body = rows(session, table)
        sheet = book.create_sheet(sheet_title(table_label(table), taken))
        style_sheet(sheet, [column_label(table, n) for n in names], body)
    return {f"{stem(session)}.xlsx": workbook_bytes(book)}
