"""What the user reads, in Bahasa Indonesia (the default) or English.

Every user-visible string lives in ``locales/<lang>.yaml`` (and, while areas are built in
parallel, ``locales/parts/<area>.<lang>.yaml``) under the same keys in each language (a test
enforces it). :func:`t` looks a dotted key up in the current language and fills in the
parameters with ``str.format``.

The YAML files are the source. Parsing them costs a few tens of milliseconds at every start
(PyPyYAML's constructor is Python even with the C parser), so the flattened catalog is kept
like bytecode: in ``locales/__pycache__`` (or under ``PYTHONPYCACHEPREFIX``), not written when
``PYTHONDONTWRITEBYTECODE`` is set, and used only while every source file still has the size
and modification time it had when the cache was written.
"""

from __future__ import annotations

import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALES = Path(__file__).resolve().parent / "locales"
CACHE_FORMAT = 1

_current = DEFAULT_LANGUAGE


def language() -> str:
    """The current language code."""
    return _current


def set_language(lang: str | None) -> str:
    """Switch the language; an unknown or empty code keeps Bahasa Indonesia. Returns the code."""
    global _current
    _current = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return _current


def language_from_env() -> str | None:
    """``FACILITATOR_LANG`` if it names a known language."""
    value = os.environ.get("FACILITATOR_LANG", "").strip().lower()
    return value if value in LANGUAGES else None


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All strings of one language, flattened to dotted keys."""
    return load_catalog(LOCALES, lang)


def source_files(folder: Path, lang: str) -> list[Path]:
    """The locale files of ``lang`` in ``folder``: the main one, then the parts by name."""
    files = [folder / f"{lang}.yaml"]
    parts = folder / "parts"
    if parts.is_dir():
        files += sorted((p for p in parts.iterdir() if p.name.endswith(f".{lang}.yaml")),
                        key=lambda p: p.name)
    return files


def cache_file(folder: Path, lang: str) -> Path:
    """Where the flattened catalog of ``lang`` is kept, as Python keeps bytecode."""
    if sys.pycache_prefix:
        resolved = folder.resolve()
        return Path(sys.pycache_prefix, *resolved.parts[1:], f"catalog.{lang}.json")
    return folder / "__pycache__" / f"catalog.{lang}.json"


def load_catalog(folder: Path, lang: str) -> dict[str, str]:
    """The strings of ``lang`` from the locale files in ``folder``: from the cache while it
    matches the files, else parsed from the YAML (and the cache written, if allowed)."""
    files = source_files(folder, lang)
    stamp = []
    for path in files:
        info = path.stat()
        stamp.append([path.name, info.st_size, info.st_mtime_ns])
    cache = cache_file(folder, lang)
    try:
        kept = json.loads(cache.read_bytes())
        if kept["format"] == CACHE_FORMAT and kept["sources"] == stamp:
            return kept["strings"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing, stale or damaged: parse the sources again
    strings = parse_catalog([path.read_text("utf-8") for path in files])
    if not sys.dont_write_bytecode:
        write_cache(cache, {"format": CACHE_FORMAT, "sources": stamp, "strings": strings})
    return strings


def parse_catalog(texts: list[str]) -> dict[str, str]:
    """The strings of several locale files (YAML), flattened to dotted keys; later files add
    to (and may override) earlier ones."""
    import yaml

    flat: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}.{key}" if prefix else str(key))
        else:
            flat[prefix] = str(node)

    # The C parser when PyYAML has it; both are safe loaders.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for text in texts:
        walk(yaml.load(text, Loader=loader) or {}, "")
    return flat


def write_cache(path: Path, content: dict[str, Any]) -> None:
    """Write ``content`` to ``path`` whole (a temporary file renamed over it), or not at all:
    a cache that cannot be written (read-only install, full disk) only costs the next start."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(content, ensure_ascii=False), "utf-8")
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def t(key: str, /, **params: Any) -> str:
    """The text of ``key`` in the current language, with ``params`` filled in.

    A key missing from the language falls back to Bahasa Indonesia, then to the key itself, so a
    slip shows as a readable key rather than a crash in front of the room.
    """
    return t_in(_current, key, **params)


def t_in(lang: str, key: str, /, **params: Any) -> str:
    """Like :func:`t`, in a given language (e.g. a commitment printed in English)."""
    if params.get("count") == 1:
        # English says "1 idea" but "2 ideas"; a key may have a "_one" twin for the singular.
        key = key + "_one" if key + "_one" in catalog(lang) else key
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str) -> bool:
    """Whether the key exists in the current language."""
    return key in catalog(_current)


def number(value: float, decimals: int = 1) -> str:
    """A number as the user writes it: ``2,8`` in Bahasa Indonesia, ``2.8`` in English."""
    text = f"{value:,.{decimals}f}"
    if _current == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def integer(value: int) -> str:
    """A whole number with the thousands mark of the language (``3.000`` / ``3,000``)."""
    return number(value, 0)
