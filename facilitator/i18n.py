"""What the user reads, in Bahasa Indonesia (the default) or English.

Every user-visible string lives in ``locales/<lang>.yaml`` under the same keys in each file (a
test enforces it). :func:`t` looks a dotted key up in the current language and fills in the
parameters with ``str.format``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

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
    folder = resources.files("facilitator.locales")
    texts = [folder.joinpath(f"{lang}.yaml").read_text("utf-8")]
    parts = folder.joinpath("parts")
    if parts.is_dir():
        texts += [p.read_text("utf-8") for p in sorted(parts.iterdir(), key=lambda p: p.name)
                  if p.name.endswith(f".{lang}.yaml")]
    flat: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}.{key}" if prefix else str(key))
        else:
            flat[prefix] = str(node)

    # The C loader when PyYAML has it: the locale files are read at every start, and the pure
    # Python loader takes a tenth of a second over them. Both are safe loaders.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for text in texts:
        walk(yaml.load(text, Loader=loader) or {}, "")
    return flat


def t(key: str, /, **params: Any) -> str:
    """The text of ``key`` in the current language, with ``params`` filled in.

    A key missing from the language falls back to Bahasa Indonesia, then to the key itself, so a
    slip shows as a readable key rather than a crash in front of the room.
    """
    return t_in(_current, key, **params)


def t_in(lang: str, key: str, /, **params: Any) -> str:
    """Like :func:`t`, in a given language (e.g. a commitment printed in English)."""
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
