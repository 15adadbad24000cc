"""Cleaning and comparing what people type or paste.

Text is kept as typed, with two exceptions: control characters (a pasted form feed, a stray
escape sequence from a terminal) are dropped because they would corrupt the screen and the
exports, and leading/trailing whitespace is trimmed. Rich markup such as ``[bold]`` is *not*
touched here: it is ordinary text, and the screens show it literally.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WORDS = re.compile(r"\w+", re.UNICODE)

MAX_TITLE = 500
"""The longest title kept; a whole paragraph pasted into the title box is cut here (and the
capture screen says so) rather than breaking every table it appears in."""


def clean(text: object, *, multiline: bool = False) -> str:
    """Text without control characters, trimmed; newlines and tabs only where ``multiline``."""
    value = "" if text is None else str(text)
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


def normal(text: str) -> str:
    """A title folded for comparison: case, accents and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORDS.findall(plain))


def similarity(a: str, b: str) -> float:
    """How alike two titles are, 0 to 1: the better of word overlap and character similarity."""
    na, nb = normal(a), normal(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    wa, wb = set(na.split()), set(nb.split())
    jaccard = len(wa & wb) / len(wa | wb)
    # "KTP keliling" inside "Layanan KTP keliling" is the same idea said shorter; one shared
    # word is not enough to say so.
    contained = 0.9 * len(wa & wb) / min(len(wa), len(wb)) if min(len(wa), len(wb)) >= 2 else 0
    return max(jaccard, contained, SequenceMatcher(None, na, nb).ratio())


SIMILAR = 0.8
"""Titles at least this alike are flagged as possible duplicates."""


def similar_titles(title: str, others: list[tuple[str, str]],
                   threshold: float = SIMILAR) -> list[tuple[str, float]]:
    """The ``(id, title)`` pairs of ``others`` like ``title``, most alike first."""
    found = [(oid, similarity(title, other)) for oid, other in others]
    return sorted([(oid, s) for oid, s in found if s >= threshold], key=lambda p: -p[1])


_MD_INLINE = re.compile(r"([\\`*_\[\]#|~])")
_MD_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_BLOCK = re.compile(r"^([ \t]*)([>+=-])", re.MULTILINE)
_MD_ORDERED = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)


def markdown_escape(text: str, *, inline: bool = False) -> str:
    """User text made inert in Markdown: no accidental emphasis, links, code, HTML, entities,
    headings, quotes or lists.

    Only what Markdown would act on is escaped, so "skor 2,5 < ambang 3,0" stays readable.
    ``inline`` is for text placed after other text on its line or in a table cell, where
    a leading ``-`` or ``1.`` cannot start a list and needs no escape.
    """
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_TAG.sub(r"\\<", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    if inline:
        return text
    text = _MD_BLOCK.sub(r"\1\\\2", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)
