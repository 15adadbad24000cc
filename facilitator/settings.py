"""Settings the CLI resolves once at start and hands to the app (tests build their own).

The coach's choices made in the app (language, theme) are kept in ``settings.yaml`` in the
sessions folder, so they travel with the sessions on a USB stick. A broken or hostile settings
file is ignored, never fatal: it only holds preferences.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from facilitator.i18n import DEFAULT_LANGUAGE, LANGUAGES

SETTINGS_FILE = "settings.yaml"


def sessions_dir(option: str | None = None) -> Path:
    """The sessions folder: ``--dir``, else ``FACILITATOR_SESSIONS``, else ``./sessions``."""
    chosen = option or os.environ.get("FACILITATOR_SESSIONS") or "sessions"
    return Path(chosen).expanduser()


@dataclass
class Settings:
    """What the app needs to know before it starts."""

    sessions_dir: Path = field(default_factory=lambda: Path("sessions"))
    lang: str = DEFAULT_LANGUAGE
    theme: str = "textual-dark"
    actor: str = ""


def load_saved(folder: Path) -> dict[str, str]:
    """The preferences saved in ``folder/settings.yaml``: only known keys with string values."""
    try:
        raw = (folder / SETTINGS_FILE).read_text(encoding="utf-8")
        data = yaml.safe_load(raw) if len(raw) < 64 * 1024 else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    saved = {k: v for k, v in data.items() if k in ("lang", "theme") and isinstance(v, str)}
    if saved.get("lang") not in LANGUAGES:
        saved.pop("lang", None)
    return saved


def save(settings: Settings) -> bool:
    """Keep the language and theme for next time. Returns False if the folder is not writable
    (a preference is not worth an error message in front of the room)."""
    try:
        settings.sessions_dir.mkdir(parents=True, exist_ok=True)
        (settings.sessions_dir / SETTINGS_FILE).write_text(
            yaml.safe_dump({"lang": settings.lang, "theme": settings.theme}), encoding="utf-8")
    except OSError:
        return False
    return True
