"""Exports: the session leaves the laptop in the formats people use.

Each format is a function ``(session, out_dir) -> [written paths]`` registered in
:data:`FORMATS`. Most formats render their files in memory first (:func:`register_files`): the
writing (safe names, inside the folder, atomically) is then done in one place, and the bundle
packs the same bytes without writing them twice. Heavy libraries (Word, PDF, spreadsheets) are
imported inside the format that needs them, so the app starts without them. File names made from
user text go through :func:`safe_name`, and :func:`target` refuses any path that would land
outside the folder.
"""

from __future__ import annotations

import contextvars
import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any, Callable

from facilitator.core.errors import FacilitatorError
from facilitator.core.session import Session

Exporter = Callable[[Session, Path], list[Path]]
Producer = Callable[[Session], dict[str, bytes]]
Progress = Callable[[int, int, str], None]
FORMATS: dict[str, Exporter] = {}
PRODUCERS: dict[str, Producer] = {}
"""The formats that render in memory: ``(session) -> {file name: content}``."""

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
             *(f"lpt{n}" for n in range(1, 10))}
_progress: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "facilitator_export_progress", default=None)


class ExportError(FacilitatorError):
    """An export file that cannot be read back; ``code`` is a key under ``export.error.``."""

    def message(self) -> str:
        from facilitator.i18n import t

        return t(f"export.error.{self.code}", **self.params)


def register(name: str) -> Callable[[Exporter], Exporter]:
    """Register a format that writes its own files into the folder it is given."""
    def wrap(func: Exporter) -> Exporter:
        FORMATS[name] = func
        return func
    return wrap


def register_files(name: str) -> Callable[[Producer], Producer]:
    """Register a format that renders its files in memory: ``(session) -> {name: bytes}``.

    Every name is checked with :func:`target` before anything is written, so a bad name leaves
    the folder untouched.
    """
    def wrap(produce: Producer) -> Producer:
        PRODUCERS[name] = produce
        FORMATS[name] = lambda session, out: write_files(out, produce(session))
        return produce
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
    """Write a text file whole: into a temporary file beside it, then renamed into place.

    A character UTF-8 cannot hold (a lone surrogate from a broken paste) becomes ``?`` rather
    than failing the export.
    """
    return write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8", "replace"))


def write_bytes(path: Path, data: bytes) -> Path:
    """Write a file whole or not at all; any failure is a ``FacilitatorError("export_dir")``."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise FacilitatorError("export_dir", path=str(path.parent),
                               reason=exc.strerror or str(exc)) from None
    return path


def _replace(src: Path, dst: Path) -> None:
    # On Windows a file open in Excel or Word, or held a moment by an antivirus scanner, refuses
    # to be replaced; scanners let go within moments, so try a few times before giving up.
    tries = 10 if os.name == "nt" else 1
    for attempt in range(tries):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == tries - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def write_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write rendered files into ``out_dir``; every name is checked before the first write."""
    placed = [(target(out_dir, name), data) for name, data in files.items()]
    return [write_bytes(path, data) for path, data in placed]


def stem(session: Session) -> str:
    """The common start of every exported file's name: the region's slug."""
    return safe_name(session.lab.region)


def export(session: Session, fmt: str, out_dir: str | Path,
           progress: Progress | None = None) -> list[Path]:
    """Write the session in ``fmt`` into ``out_dir`` (created if needed). Returns the files.

    ``progress(done, total, step)`` is called as the work advances (the bundle reports each
    format it packs), from the thread that runs the export.
    """
    _load_formats()
    if fmt not in FORMATS:
        raise FacilitatorError("export_format", format=fmt)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FacilitatorError("export_dir", path=str(out), reason=exc.strerror or str(exc))
    token = _progress.set(progress)
    try:
        report_progress(0, 1, fmt)
        written = FORMATS[fmt](session, out)
        report_progress(1, 1, fmt)
    finally:
        _progress.reset(token)
    return written


def report_progress(done: int, total: int, step: str) -> None:
    """Tell the caller of :func:`export` how far the work is (a no-op when nobody asked)."""
    listener = _progress.get()
    if listener is not None:
        listener(done, total, step)


def render(session: Session, fmt: str) -> dict[str, bytes]:
    """The files of one format as ``{file name: content}``, without writing to the folder."""
    _load_formats()
    if fmt not in FORMATS:
        raise FacilitatorError("export_format", format=fmt)
    if fmt in PRODUCERS:
        return PRODUCERS[fmt](session)
    # A format that writes its own files: let it write into a scratch folder, then read them.
    with tempfile.TemporaryDirectory(prefix="facilitator-export-") as scratch:
        paths = FORMATS[fmt](session, Path(scratch))
        return {path.name: path.read_bytes() for path in paths}


ORDER = ("json", "yaml", "csv", "xlsx", "md", "html", "docx", "pdf", "iid", "funnel",
         "commitments-pdf", "bundle")
"""The formats in the order they are offered and packed (whatever order they were imported in);
a format registered by some later module comes after these."""


def format_names() -> list[str]:
    """The registered format names, in the order the bundle packs them."""
    _load_formats()
    return [n for n in ORDER if n in FORMATS] + [n for n in FORMATS if n not in ORDER]


def load_export(path: str | Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Read a ``json`` or ``yaml`` export (or a bundle holding one) back into store tables
    (``{table: {id: doc}}``), validated; see :mod:`facilitator.export.load`."""
    from facilitator.export.load import load_export as load

    return load(path)


def _load_formats() -> None:
    # Importing the modules registers their formats, in this order; each keeps its heavy
    # imports inside the functions that need them.
    from facilitator.export import tables, minutes, catalogue, iid, funnel  # noqa: F401
    from facilitator.export import commitments, bundle  # noqa: F401
