"""YAML lists for :mod:`facilitator.core.importer`: the OPD roster many regions keep in YAML.

A YAML import file is read into the same header-and-rows shape as a CSV file, so the importer
matches its keys like CSV headers (``nama``/``name``, ``singkatan``/``short``, ``jenis``/``kind``,
...). Accepted shapes::

    - {nama: Dinas Kesehatan, singkatan: Dinkes, jenis: dinas}   # a list of mappings
    opd:                                                          # or that list under one key
      - nama: Dinas Kesehatan
    - Dinas Kesehatan                                             # or a list of names

The file is read with the safe loader only, and aliases are refused before anything is built
(a few lines of aliases can otherwise expand to gigabytes).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

import yaml

from facilitator.core.errors import FacilitatorError

YAML_SUFFIXES = (".yaml", ".yml")
MAX_DEPTH = 20
NAME_HEADER = "nama"
"""The header given to a plain list of names (matched as ``name`` for units and participants)."""


def yaml_rows(path: str | Path) -> Iterator[list[str]]:
    """The rows of a YAML list as text, the header (every key, in first-seen order) first."""
    path = Path(path)
    data = _load(path)
    items = _the_list(data)
    if items is None:
        raise FacilitatorError("import_format", file=str(path))
    if all(not isinstance(item, dict) for item in items):
        yield [NAME_HEADER]
        for item in items:
            yield [_text(item)]
        return
    header: list[str] = []
    for item in items:
        if isinstance(item, dict):
            for key in item:
                if str(key) not in header:
                    header.append(str(key))
    yield header
    for item in items:
        if isinstance(item, dict):
            values = {str(k): v for k, v in item.items()}
            yield [_text(values.get(key)) for key in header]
        else:
            yield [_text(item)] + [""] * (len(header) - 1)


def _load(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FacilitatorError("import_unreadable", file=str(path),
                               reason=exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise FacilitatorError("import_format", file=str(path))
            # A roster nests two or three levels. Thousands of nested brackets would take the
            # parser minutes (its work grows with the square of the depth) and then overflow
            # the stack of the loader: stop at the first level too many.
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise FacilitatorError("import_format", file=str(path))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        raise FacilitatorError("import_format", file=str(path)) from None


def _the_list(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) == 1:
            return lists[0]
    return None


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if not isinstance(v, (dict, list)))
    return str(value)
