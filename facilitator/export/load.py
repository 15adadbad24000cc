"""Reading a ``json`` or ``yaml`` export back into a session's tables.

The file may have travelled by USB stick and e-mail and been opened in an editor on the way, so
everything is checked before a session is made of it: that it is an export (or a session file)
of this app, of a schema this version knows, and that every table holds records with an id and
fields of the right kinds. Each problem is an :class:`ExportError` whose message names the file
and, where it can, the table, the record and the field.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from facilitator.core.records import RECORD_TYPES, RecordError
from facilitator.export import ExportError
from facilitator.store import META, MIGRATIONS, SCHEMA_VERSION

Tables = dict[str, dict[str, dict[str, Any]]]
MAX_BYTES = 256 * 1024 * 1024
"""A session of 3,000 ideas with its audit log is a few megabytes; anything near this is not an
export, and reading it whole would exhaust the laptop's memory."""

_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list,),
    "dict": (dict,),
}


def load_export(path: str | Path) -> Tables:
    """The tables of a ``json`` or ``yaml`` export, as ``{table: {id: doc}}`` (the shape
    :meth:`facilitator.store.Store.create` takes), migrated to the current schema.

    A bundle (``.zip``) is read through the JSON export it holds. Raises :class:`ExportError`
    (``load_missing``, ``load_unreadable``, ``load_too_big``, ``load_syntax``,
    ``load_not_export``, ``load_newer``, ``load_table``, ``load_record``, ``load_field``,
    ``load_duplicate``).
    """
    path = Path(path)
    raw = _read(path)
    if zipfile.is_zipfile(path):
        raw = _from_bundle(path)
    data = _parse(raw, path)
    _check_depth(data, path)
    return _validate(data, path)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ExportError("load_too_big", file=str(path))
        return path.read_bytes()
    except FileNotFoundError:
        raise ExportError("load_missing", file=str(path)) from None
    except IsADirectoryError:
        raise ExportError("load_unreadable", file=str(path), reason="directory") from None
    except OSError as exc:
        raise ExportError("load_unreadable", file=str(path),
                          reason=exc.strerror or str(exc)) from None


def _from_bundle(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist()
                     if n.startswith("json/") and n.endswith(".json")]
            if not names:
                raise ExportError("load_not_export", file=str(path))
            info = archive.getinfo(names[0])
            if info.file_size > MAX_BYTES:
                raise ExportError("load_too_big", file=str(path))
            return archive.read(info)
    except ExportError:
        raise
    except Exception as exc:  # a damaged zip: BadZipFile, zlib.error, EOFError, ValueError...
        raise ExportError("load_unreadable", file=str(path),
                          reason=" ".join(str(exc).split()) or type(exc).__name__) from None


def _parse(raw: bytes, path: Path) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError("load_syntax", file=str(path), detail="UTF-8") from None
    if not text.strip():
        raise ExportError("load_not_export", file=str(path))
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            if path.suffix.lower() == ".json":
                detail = _nesting() if isinstance(exc, RecursionError) else str(exc)
                raise ExportError("load_syntax", file=str(path), detail=detail) from None
    return _parse_yaml(text, path)


MAX_DEPTH = 100
"""An export nests about ten levels deep (the audit log's changes hold whole records); far
deeper is not an export, and the C YAML loader recurses without limit: a few hundred thousand
nested brackets crash the whole process."""


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    try:
        _check_yaml_depth(text, yaml)
        try:
            # The C parser is several times faster on a whole session...
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            # ...but refuses the \uD800 escape of a lone surrogate that the Python one reads
            # (and both give the same error for a real syntax error).
            data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the safe loader
    except yaml.reader.ReaderError as exc:
        # A NUL or another control character; the reader's own text runs over three lines.
        from facilitator.i18n import t

        char = exc.character
        code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        raise ExportError("load_syntax", file=str(path),
                          detail=t("hardening.bad_character", code=code)) from None
    except yaml.YAMLError as exc:
        from facilitator.i18n import t

        mark = getattr(exc, "problem_mark", None)
        detail = " ".join(str(getattr(exc, "problem", None) or exc).split())
        if mark is not None:
            detail = t("hardening.export.at_line", detail=detail, line=mark.line + 1)
        raise ExportError("load_syntax", file=str(path), detail=detail) from None
    except RecursionError:
        raise ExportError("load_syntax", file=str(path), detail=_nesting()) from None
    _refuse_aliases(data, path)
    return data


def _check_yaml_depth(text: str, yaml: Any) -> None:
    """Refuse YAML nested deeper than :data:`MAX_DEPTH`, before anything recursive reads it.
    The event parsers keep their own stack, so they are safe at any depth."""
    try:
        _yaml_depth(text, yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        _yaml_depth(text, yaml, yaml.SafeLoader)  # a lone surrogate's escape: see below


def _yaml_depth(text: str, yaml: Any, loader: Any) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise RecursionError
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_depth(data: Any, path: Path) -> None:
    """Refuse data nested deeper than :data:`MAX_DEPTH` (JSON the parser accepted can still be
    too deep for the checks and the records that read it recursively)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise ExportError("load_syntax", file=str(path), detail=_nesting())
            stack.extend((child, depth + 1)
                         for child in (node.values() if isinstance(node, dict) else node))


def _nesting() -> str:
    from facilitator.i18n import t

    return t("hardening.export.nesting")


def _refuse_aliases(data: Any, path: Path) -> None:
    """Refuse YAML aliases (``*name``): the loader builds them as one shared object, cheap in
    memory, but a few nested ones ("billion laughs") expand into billions of values as soon as
    anything walks the data. Exports never use them, so a container met twice is refused."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if id(node) in seen:
            raise ExportError("load_syntax", file=str(path), detail="alias (*)")
        seen.add(id(node))
        stack.extend(node.values() if isinstance(node, dict) else node)


def _plain(value: Any) -> Any:
    """A hand-edited YAML may hold unquoted dates and times; the app stores them as text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _kind(annotation: Any) -> tuple[type, ...] | None:
    name = str(annotation).split("[")[0].strip()
    return _KINDS.get(name)


def _check_fields(table: str, doc: dict[str, Any], path: Path) -> None:
    cls = RECORD_TYPES.get(table)
    if cls is None:
        return  # a table of a newer minor version: kept, not interpreted
    for spec in dataclasses.fields(cls):
        if spec.name not in doc:
            continue
        kinds = _kind(spec.type)
        value = doc[spec.name]
        if kinds is None:
            continue
        wrong = not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool))
        if wrong:
            raise ExportError("load_field", file=str(path), table=table, id=doc["id"],
                              field=spec.name, kind=kinds[0].__name__)
    try:
        # The inside of lists and mappings too (a round's decisions, the audit's changes), as
        # the session will read them: what passes here opens.
        cls.from_doc(doc)
    except RecordError as exc:
        from facilitator.i18n import t

        raise ExportError("load_field", file=str(path), table=table, id=doc["id"],
                          field=exc.params["field"],
                          kind=t(f"hardening.kind.{exc.params['kind']}")) from None


def _validate(data: Any, path: Path) -> Tables:
    if not isinstance(data, dict):
        raise ExportError("load_not_export", file=str(path))
    meta_table = data.get(META)
    meta = next(iter(meta_table.values()), None) if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or meta.get("app") != "facilitator":
        raise ExportError("load_not_export", file=str(path))
    version = meta.get("schema")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ExportError("load_not_export", file=str(path))
    if version > SCHEMA_VERSION:
        raise ExportError("load_newer", file=str(path), version=version, ours=SCHEMA_VERSION)
    tables: Tables = {}
    for name, table in data.items():
        if name == META:
            continue
        if not isinstance(table, dict):
            raise ExportError("load_table", file=str(path), table=str(name))
        docs: dict[str, dict[str, Any]] = {}
        for doc in table.values():
            if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) \
                    or not doc["id"].strip():
                raise ExportError("load_record", file=str(path), table=str(name))
            doc = _plain(doc)
            if doc["id"] in docs:
                raise ExportError("load_duplicate", file=str(path), table=str(name),
                                  id=doc["id"])
            _check_fields(str(name), doc, path)
            docs[doc["id"]] = doc
        tables[str(name)] = docs
    for start in range(version, SCHEMA_VERSION):
        tables = MIGRATIONS[start](tables)
    return tables
