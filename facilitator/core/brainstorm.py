"""The brainstorm: capturing ideas at the speed of the room, and arranging what was captured.

Quick capture keeps a *context* (the unit, the problem and the initiator of the previous idea)
so that each idea costs its title and one Enter. A title may start with ``@`` and a unit's short
name or the start of its name (``@dinkes Posyandu keliling``): the idea goes to that unit, and the
unit stays for the ideas after it.

Possible duplicates are found with :class:`TitleIndex`, which gives the same answers as
:func:`facilitator.core.text.similar_titles` but keeps every title folded once and skips the
pairs that cannot reach the threshold, so that the check stays instant at 3,000 ideas.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Iterable

from facilitator.core.records import Idea, Problem, Unit
from facilitator.core.session import Session
from facilitator.core.text import MAX_TITLE, SIMILAR, clean, normal

UNIT_PREFIX = "@"

SORTS = ("captured", "newest", "title", "unit")
"""The orders the idea list offers: as captured, newest first, by title, by unit."""


@dataclass
class CaptureContext:
    """What the next captured idea gets besides its title; it stays until the coach changes it."""

    unit_id: str = ""
    problem_id: str = ""
    initiator: str = ""

    def with_unit(self, session: Session, unit_id: str) -> "CaptureContext":
        """The context for another unit: the problem is dropped unless it is that unit's."""
        problem = session.get(Problem, self.problem_id) if self.problem_id else None
        keep = problem is not None and problem.unit_id == unit_id
        return CaptureContext(unit_id, self.problem_id if keep else "", self.initiator)


def prepare_title(raw: str) -> tuple[str, bool]:
    """A typed title cleaned (control characters dropped, spaces folded) and capped at
    ``MAX_TITLE``; the flag says whether it was cut."""
    title = clean(raw)
    if len(title) > MAX_TITLE:
        return title[:MAX_TITLE].rstrip(), True
    return title, False


# -- the @unit prefix ----------------------------------------------------------------------------


def unit_matches(units: Iterable[Unit], token: str) -> list[Unit]:
    """The units a typed token names: its short name or whole name exactly, else those whose
    short name, or a word of whose name, starts with it."""
    folded = normal(token)
    if not folded:
        return []
    units = list(units)
    exact = [u for u in units if folded in (normal(u.short), normal(u.name))]
    if exact:
        return exact
    compact = folded.replace(" ", "")
    found = []
    for unit in units:
        short = normal(unit.short).replace(" ", "")
        name = normal(unit.name)
        if (short.startswith(compact) or name.replace(" ", "").startswith(compact)
                or any(word.startswith(folded) for word in name.split())):
            found.append(unit)
    return found


@dataclass(frozen=True)
class Prefixed:
    """A captured line split into its ``@unit`` token (if any), the units it names, the title."""

    token: str
    units: tuple[Unit, ...]
    title: str

    @property
    def unit(self) -> Unit | None:
        """The one unit the token names, or None (no token, no match, or several)."""
        return self.units[0] if len(self.units) == 1 else None


def split_prefix(raw: str, units: Iterable[Unit]) -> Prefixed:
    """Read ``@token title``; without a leading ``@`` the whole line is the title."""
    text = raw.lstrip()
    if not text.startswith(UNIT_PREFIX):
        return Prefixed("", (), raw)
    token, _, rest = text[len(UNIT_PREFIX):].partition(" ")
    return Prefixed(token, tuple(unit_matches(units, token)) if token else (), rest)


# -- capture ---------------------------------------------------------------------------------------


@dataclass
class Captured:
    """An idea just captured, whether its title was cut, and the ideas it looks like."""

    idea: Idea
    cut: bool = False
    similar: list[tuple[str, float]] = field(default_factory=list)


def capture(session: Session, title: str, context: CaptureContext,
            index: "TitleIndex | None" = None) -> Captured | None:
    """Add an idea with ``title`` and the context's unit, problem and initiator.

    The idea is on disk when this returns. None if the title is empty once cleaned. Looks-alike
    ideas are reported, never refused: merging duplicates is the funnel's job.
    """
    title, cut = prepare_title(title)
    if not title:
        return None
    similar = index.similar(title) if index is not None else []
    idea = session.add(Idea(title=title, unit_id=context.unit_id, problem_id=context.problem_id,
                            initiator=context.initiator))
    if index is not None:
        index.add(idea.id, idea.title)
    return Captured(idea, cut, similar)


# -- looks-alike titles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Folded:
    title: str
    norm: str
    words: frozenset[str]
    chars: Counter


def _fold(title: str) -> _Folded:
    norm = normal(title)
    return _Folded(title, norm, frozenset(norm.split()), Counter(norm))


class TitleIndex:
    """The titles captured so far, folded once, for the duplicate warning.

    :meth:`similar` scores exactly as :func:`facilitator.core.text.similarity` does, but only
    computes the costly character similarity for titles whose length and letters allow it to
    reach the threshold.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._items: dict[str, _Folded] = {}
        self.sync(pairs)

    def __len__(self) -> int:
        return len(self._items)

    def sync(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Make the index hold exactly ``(id, title)`` pairs, folding only new or changed titles."""
        fresh: dict[str, _Folded] = {}
        for rid, title in pairs:
            known = self._items.get(rid)
            fresh[rid] = known if known is not None and known.title == title else _fold(title)
        self._items = fresh

    def add(self, rid: str, title: str) -> None:
        self._items[rid] = _fold(title)

    def similar(self, title: str, threshold: float = SIMILAR,
                exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
        """The ids of titles like ``title`` with how alike they are, most alike first."""
        query = _fold(title)
        if not query.norm:
            return []
        skip = set(exclude)
        found: list[tuple[str, float]] = []
        la = len(query.norm)
        for rid, other in self._items.items():
            if rid in skip or not other.norm:
                continue
            if other.norm == query.norm:
                found.append((rid, 1.0))
                continue
            best = 0.0
            shared = len(query.words & other.words)
            if shared:
                best = shared / len(query.words | other.words)
                smaller = min(len(query.words), len(other.words))
                if smaller >= 2:
                    best = max(best, 0.9 * shared / smaller)
            # ratio() is at most these two bounds (lengths, then letters in common): compute it
            # only where it could reach the threshold and beat the word scores.
            lb = len(other.norm)
            bound = 2 * min(la, lb) / (la + lb)
            if bound >= threshold and bound > best:
                bound = min(bound, 2 * sum((query.chars & other.chars).values()) / (la + lb))
                if bound >= threshold and bound > best:
                    best = max(best, SequenceMatcher(None, query.norm, other.norm).ratio())
            if best >= threshold:
                found.append((rid, best))
        return sorted(found, key=lambda pair: -pair[1])


# -- arranging the lists ---------------------------------------------------------------------------


def sort_ideas(ideas: Iterable[Idea], order: str, unit_names: dict[str, str]) -> list[Idea]:
    """The ideas in one of :data:`SORTS`; ties keep the order they were captured in."""
    captured = sorted(ideas, key=lambda i: (i.created, i.id))
    if order == "newest":
        return captured[::-1]
    if order == "title":
        return sorted(captured, key=lambda i: normal(i.title))
    if order == "unit":
        return sorted(captured, key=lambda i: (not unit_names.get(i.unit_id),
                                               normal(unit_names.get(i.unit_id, ""))))
    return captured


def group_by_unit(ideas: Iterable[Idea],
                  unit_names: dict[str, str]) -> list[tuple[str, list[Idea]]]:
    """The ideas in groups per unit, units by name and the ideas without a (known) unit last;
    within a group the ideas keep the order given."""
    groups: dict[str, list[Idea]] = {}
    for idea in ideas:
        key = idea.unit_id if idea.unit_id in unit_names else ""
        groups.setdefault(key, []).append(idea)
    keys = sorted(groups, key=lambda k: (not k, normal(unit_names.get(k, ""))))
    return [(key, groups[key]) for key in keys]


def rank_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems by USG priority, highest first; the unscored last; ties in the order added."""
    return sorted(problems, key=lambda p: (not p.usg, -p.usg, p.created, p.id))


def problems_by_unit(problems: Iterable[Problem],
                     units: Iterable[Unit]) -> list[tuple[str, list[Problem]]]:
    """Each unit's problems ranked by USG, in the units' order; those without a (known) unit
    last, under the key ``""``. Units without problems are left out."""
    order = [u.id for u in units]
    known = set(order)
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.unit_id if problem.unit_id in known else "", []).append(problem)
    return [(key, rank_problems(groups[key])) for key in [*order, ""] if key in groups]


def unit_counts(ideas: Iterable[Idea], unit_ids: Iterable[str]) -> Counter:
    """Ideas per unit; the ideas of no (known) unit count under ``""``."""
    known = set(unit_ids)
    return Counter(i.unit_id if i.unit_id in known else "" for i in ideas)


def valid_usg(value: object) -> int | None:
    """A USG score typed by the coach as 1-5, 0 for "not scored" (empty), None if invalid."""
    text = str(value if value is not None else "").strip()
    if not text:
        return 0
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    return None
