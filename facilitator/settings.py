"""Settings the CLI resolves once at start and hands to the app (tests build their own)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.i18n import DEFAULT_LANGUAGE


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
