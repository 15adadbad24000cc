"""``bundle``: one zip holding every other format, each in a folder named after it, and a
``manifest.json`` listing each file with its size and SHA-256 (so LAN can check that nothing was
lost or changed on the way)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

from facilitator.core.session import Session
from facilitator.export import (
    _RESERVED, format_names, register, render, report_progress, stem, target, write_bytes,
)
from facilitator.store import SCHEMA_VERSION

MANIFEST = "manifest.json"
BUNDLE_KIND = "facilitator-bundle"


def member_name(*parts: str) -> str:
    """A zip member name that cannot point outside the folder it is unpacked into: forward
    slashes only, no drive, no absolute path, no ``..``, no reserved device names, portable
    characters."""
    segments: list[str] = []
    for part in parts:
        for raw in re.split(r"[\\/]+", str(part)):
            segment = re.sub(r"[^A-Za-z0-9._-]+", "-", raw).strip(".- ")
            if not segment:
                continue
            if segment.split(".")[0].lower() in _RESERVED:
                segment = "_" + segment
            segments.append(segment)
    return "/".join(segments) or "file"


def _zip_time(stamp: str) -> tuple[int, int, int, int, int, int]:
    # Members carry the export's time (zip cannot store years before 1980).
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        moment = datetime(1980, 1, 1)
    if moment.year < 1980:
        moment = datetime(1980, 1, 1)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def build_bundle(session: Session) -> tuple[bytes, dict]:
    """The zip's bytes and its manifest."""
    from facilitator import __version__

    formats = [name for name in format_names() if name != "bundle"]
    exported = session.now()
    when = _zip_time(exported)
    members: list[tuple[str, str, bytes]] = []
    for done, fmt in enumerate(formats):
        report_progress(done, len(formats) + 1, fmt)
        for name, data in render(session, fmt).items():
            members.append((member_name(fmt, name), fmt, data))
    manifest = {
        "app": "facilitator",
        "kind": BUNDLE_KIND,
        "version": __version__,
        "schema": SCHEMA_VERSION,
        "region": session.lab.region,
        "exported": exported,
        "files": [{"path": path, "format": fmt, "size": len(data),
                   "sha256": hashlib.sha256(data).hexdigest()} for path, fmt, data in members],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        seen: set[str] = set()
        for path, _, data in members + [(MANIFEST, "", (json.dumps(
                manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8", "replace"))]:
            if path in seen:  # two formats' names cannot collide (folders), but be certain
                continue
            seen.add(path)
            info = zipfile.ZipInfo(path, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    report_progress(len(formats), len(formats) + 1, "bundle")
    return buffer.getvalue(), manifest


@register("bundle")
def export_bundle(session: Session, out: Path) -> list[Path]:
    data, _ = build_bundle(session)
    return [write_bytes(target(out, f"{stem(session)}-bundle.zip"), data)]
