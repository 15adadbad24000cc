"""Follow-up after the lab: coaching-clinic notes and what is late, unit by unit.

Months after the launch the coach visits each unit (a coaching clinic) and asks how its plans
are going. The answers are dated progress notes (:class:`ProgressNote`), one per plan or per
step; the steps' dates say what should have happened by now (:mod:`facilitator.core.milestones`),
and the overview gathers both by unit, the units with the most late steps first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from facilitator.core import milestones as ms
from facilitator.core.commitments import SEALED, signing, state, withdrawn_ids
from facilitator.core.plans import PlanError, check_date, unit_plans
from facilitator.core.records import ActionPlan, Idea, ProgressNote, Unit
from facilitator.core.session import Session


def add_note(session: Session, plan: ActionPlan, *, day: str, text: str,
             step: int = -1) -> ProgressNote:
    """Record a clinic's note on a plan (or on one of its steps, by index) on ``day``."""
    return session.add(_checked(plan, ProgressNote(plan_id=plan.id, idea_id=plan.idea_id),
                                day, text, step), "progress.add")


def edit_note(session: Session, note: ProgressNote, *, day: str, text: str,
              step: int = -1) -> ProgressNote:
    """Change a note's day, text or step."""
    plan = session.get(ActionPlan, note.plan_id) or ActionPlan(id=note.plan_id)
    changed = _checked(plan, note, day, text, step)
    if (changed.day, changed.text, changed.step) == (note.day, note.text, note.step):
        return note
    return session.edit(note, "progress.edit", day=changed.day, text=changed.text,
                        step=changed.step)


def delete_note(session: Session, note: ProgressNote) -> ProgressNote:
    """Delete a note (softly: undo and merges still see it)."""
    return session.delete(note, "progress.delete")


def _checked(plan: ActionPlan, note: ProgressNote, day: str, text: str,
             step: int) -> ProgressNote:
    text = str(text or "").strip()
    if not text:
        raise PlanError("note_text")
    day = check_date(day, "day")
    if not day:
        raise PlanError("note_day")
    if not (step == -1 or 0 <= step < len(plan.steps)):
        raise PlanError("no_step", n=step + 1)
    return dataclasses.replace(note, day=day, text=text, step=step)


def notes(session: Session, plan_id: str | None = None) -> list[ProgressNote]:
    """The progress notes (of one plan, or all), latest day first."""
    items = [n for n in session.all(ProgressNote) if plan_id is None or n.plan_id == plan_id]
    return sorted(items, key=lambda n: (n.day, n.created), reverse=True)


@dataclass
class UnitFollowUp:
    """Where one unit stands: its plans (how many, how complete on average, how many lack
    nothing), its milestones by status (the late ones listed), its commitments sealed, and its
    last clinic note."""

    unit_id: str
    name: str
    selected: int = 0
    planned: int = 0
    percent: int = 0
    complete: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ms.STATUSES, 0))
    late: list[ms.Milestone] = field(default_factory=list)
    commitments: int = 0
    sealed: int = 0
    last_note: str = ""

    @property
    def steps(self) -> int:
        return sum(self.counts.values())


def by_unit(session: Session, today: date) -> list[UnitFollowUp]:
    """The follow-up overview: one entry per unit that has a selected innovation, a plan or a
    commitment; the units with the most late steps first, then by name."""
    units: dict[str, UnitFollowUp] = {}

    def entry(unit_id: str) -> UnitFollowUp:
        if unit_id not in units:
            unit = session.get(Unit, unit_id)
            units[unit_id] = UnitFollowUp(unit_id=unit_id, name=unit.name if unit else "")
        return units[unit_id]

    for plans in unit_plans(session):
        item = entry(plans.unit_id)
        item.selected, item.planned, item.percent = plans.selected, plans.planned, plans.percent
        item.complete = plans.complete
    for milestone in ms.milestones(session, today):
        item = entry(milestone.unit_id)
        item.counts[milestone.status] += 1
        if milestone.status == ms.LATE:
            item.late.append(milestone)
    withdrawn = withdrawn_ids(session)
    for c in signing(session):
        if c.withdraws:
            continue
        idea = session.get(Idea, c.idea_id) if c.idea_id else None
        item = entry(c.unit_id or (idea.unit_id if idea else ""))
        item.commitments += 1
        item.sealed += 1 if state(c, withdrawn) == SEALED else 0
    plan_unit: dict[str, str] = {}
    for plan in session.all(ActionPlan):
        idea = session.get(Idea, plan.idea_id)
        plan_unit[plan.id] = idea.unit_id if idea else ""
    for note in session.all(ProgressNote):
        unit_id = plan_unit.get(note.plan_id)
        if unit_id is not None:
            item = entry(unit_id)
            item.last_note = max(item.last_note, note.day)
    return sorted(units.values(),
                  key=lambda u: (-len(u.late), not u.name, u.name.casefold()))


def late(session: Session, today: date) -> list[ms.Milestone]:
    """The late milestones, the longest overdue first."""
    items = [m for m in ms.milestones(session, today) if m.status == ms.LATE]
    return sorted(items, key=lambda m: (ms.parse_day(m.end) or date.max, m.idea_title))
