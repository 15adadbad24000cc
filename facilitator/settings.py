"""Settings the CLI resolves once at start and hands to the app (tests build their own).

The coach's choices made in the app (language, theme) are kept in ``settings.yaml`` in the
sessions folder, so they travel with the sessions on a USB stick. A broken or hostile settings
file is ignored, never fatal: it only holds preferences.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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


def _shallow(raw: str, limit: int = 2) -> bool:
    """Whether the YAML nests no deeper than a preferences file needs. Checked on the event
    stream first, because deeply nested brackets make the loader recurse until it fails."""
    import yaml

    depth = 0
    for event in yaml.parse(raw, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > limit:
                return False
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return True


def load_saved(folder: Path) -> dict[str, str]:
    """The preferences saved in ``folder/settings.yaml``: only known keys with string values."""
    try:
        raw = (folder / SETTINGS_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    # Loading the YAML library costs more than a frame at start; most starts have no file.
    import yaml

    try:
        data = yaml.safe_load(raw) if len(raw) < 64 * 1024 and _shallow(raw) else None
    except (yaml.YAMLError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    saved = {k: v for k, v in data.items() if k in ("lang", "theme") and isinstance(v, str)}
    if saved.get("lang") not in LANGUAGES:
        saved.pop("lang", None)
    return saved


def save_preferences(folder: Path, **choices: str) -> bool:
    """Merge ``choices`` (``lang``, ``theme``) into ``folder/settings.yaml``, written whole and
    renamed into place. Returns False if the folder is not writable: a preference is not worth
    an error message in front of the room."""
    import yaml

    path = Path(folder) / SETTINGS_FILE
    data = load_saved(Path(folder))
    data.update({k: v for k, v in choices.items() if k in ("lang", "theme") and v})
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    return True
