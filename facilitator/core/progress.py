"""How far a lab has come: its targets, and how complete each action plan's profile is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from facilitator.core.records import PROFILE_FIELDS, ActionPlan, Idea, Unit
from facilitator.core.session import Session

MIN_DESIGN_WORDS = 300
"""The national form asks for a *rancang bangun dan pokok perubahan* of at least 300 words."""


@dataclass(frozen=True)
class TargetProgress:
    """One of the lab's targets: what was set, how far the lab is, and whether it is met.

    ``actual`` is None for a target this version cannot measure (a template may set its own).
    """

    key: str
    goal: int
    actual: int | None
    out_of: int

    @property
    def met(self) -> bool:
        return self.actual is not None and self.actual >= self.out_of


def target_progress(session: Session) -> list[TargetProgress]:
    """Progress against each target of the lab, in the order the lab lists them.

    ``ideas``: ideas captured out of the target. ``innovations_per_unit``: the units that have at
    least that many selected innovations (ideas that passed the last round), out of all units, so
    "24/24" reads "every unit has its innovation".
    """
    out: list[TargetProgress] = []
    for key, goal in session.lab.targets.items():
        goal = int(goal)
        if key == "ideas":
            out.append(TargetProgress(key, goal, len(session.ideas()), goal))
        elif key == "innovations_per_unit":
            units = session.all(Unit)
            per_unit = Counter(
                idea.unit_id for idea in (session.get(Idea, i) for i in session.selected_ids())
                if idea is not None)
            reached = sum(1 for u in units if per_unit[u.id] >= goal)
            out.append(TargetProgress(key, goal, reached, len(units)))
        else:
            out.append(TargetProgress(key, goal, None, goal))
    return out


@dataclass(frozen=True)
class Completeness:
    """How much of an action plan's innovation profile is filled in."""

    filled: int
    total: int
    missing: tuple[str, ...]
    design_words: int

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100

    @property
    def design_short(self) -> bool:
        """Whether the rancang bangun is written but shorter than the national form asks."""
        return 0 < self.design_words < MIN_DESIGN_WORDS


def completeness(plan: ActionPlan) -> Completeness:
    """The share of the profile fields (``records.PROFILE_FIELDS``) that hold text, the ones still
    empty (in the form's order), and the length of the rancang bangun in words."""
    values = {name: str(plan.profile.get(name, "") or "").strip() for name in PROFILE_FIELDS}
    missing = tuple(name for name in PROFILE_FIELDS if not values[name])
    return Completeness(filled=len(PROFILE_FIELDS) - len(missing), total=len(PROFILE_FIELDS),
                        missing=missing, design_words=len(values["rancang_bangun"].split()))
