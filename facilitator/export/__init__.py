"""Exports: the session leaves the laptop in the formats people use.

Each format is a function ``(session, out_dir) -> [written paths]`` registered in
:data:`FORMATS`. Heavy libraries (Word, PDF, spreadsheets) are imported inside the format that
needs them, so the app starts without them. File names made from user text go through
:func:`safe_name`, and :func:`target` refuses any path that would land outside the folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Callable

from facilitator.core.errors import FacilitatorError
from facilitator.core.session import Session

Exporter = Callable[[Session, Path], list[Path]]
FORMATS: dict[str, Exporter] = {}

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
             *(f"lpt{n}" for n in range(1, 10))}


def register(name: str) -> Callable[[Exporter], Exporter]:
    def wrap(func: Exporter) -> Exporter:
        FORMATS[name] = func
        return func
    return wrap


def safe_name(text: str, fallback: str = "sesi", limit: int = 60) -> str:
    """A file name from user text that is valid on Windows, macOS and Linux alike: ASCII
    letters, digits and dashes, no path separators, no reserved device names."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:limit].strip("-")
    if not slug or slug in _RESERVED:
        slug = f"{fallback}-{slug}" if slug else fallback
    return slug


def target(out_dir: Path, name: str) -> Path:
    """``out_dir/name``, refusing a name that would escape the folder."""
    base = out_dir.resolve()
    path = (base / name).resolve()
    if path.parent != base:
        raise FacilitatorError("export_dir", path=str(out_dir), reason=name)
    return path


def write_text(path: Path, text: str, *, bom: bool = False) -> Path:
    """Write a text file whole: into a temporary file beside it, then renamed into place."""
    return write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise FacilitatorError("export_dir", path=str(path.parent),
                               reason=exc.strerror or str(exc)) from None
    return path


def stem(session: Session) -> str:
    """The common start of every exported file's name: the region's slug."""
    return safe_name(session.lab.region)


def export(session: Session, fmt: str, out_dir: str | Path) -> list[Path]:
    """Write the session in ``fmt`` into ``out_dir`` (created if needed). Returns the files."""
    _load_formats()
    if fmt not in FORMATS:
        raise FacilitatorError("export_format", format=fmt)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FacilitatorError("export_dir", path=str(out), reason=exc.strerror or str(exc))
    return FORMATS[fmt](session, out)


def format_names() -> list[str]:
    _load_formats()
    return list(FORMATS)


def _load_formats() -> None:
    # Importing the modules registers their formats; each keeps its heavy imports inside.
    from facilitator.export import funnel  # noqa: F401
