"""Milestones: the steps of the action plans, and where each one stands.

Months after the lab, at the coaching clinics, the coach asks of every step of every plan: has it
started, is it done, is it late? The dates answer most of that on their own, so the status is
computed from them relative to a given day; what the dates cannot tell (that a step is finished)
comes from the step itself, once the coach records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from facilitator.core.records import ActionPlan, Idea
from facilitator.core.session import Session

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
LATE = "late"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, LATE)
"""Every status a milestone can have, in the order a step goes through them."""


def parse_day(value: Any) -> date | None:
    """A step's date (``YYYY-MM-DD``, or an ISO timestamp), or None if it is empty or unreadable.

    Steps are typed by people, and an unreadable date must not hide the step: it just cannot be
    used to compute a status.
    """
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def step_status(step: dict[str, Any], today: date) -> str:
    """The status of one plan step on ``today``.

    A status the coach recorded (``status``, or ``done`` set) wins, because "done" cannot be read
    from dates. Otherwise: past its end date, the step is late; on or after its start date, it is
    in progress; before it (or with no usable dates), it has not started.
    """
    recorded = step.get("status")
    if recorded in STATUSES:
        return str(recorded)
    if step.get("done"):
        return DONE
    start, end = parse_day(step.get("start")), parse_day(step.get("end"))
    if end is not None and today > end:
        return LATE
    if start is not None and today >= start:
        return IN_PROGRESS
    return NOT_STARTED


@dataclass(frozen=True)
class Milestone:
    """One step of one action plan, with the innovation it belongs to and its status."""

    plan_id: str
    index: int
    idea_id: str
    idea_title: str
    unit_id: str
    activity: str
    pic: str
    start: str
    end: str
    status: str

    @property
    def key(self) -> str:
        """A stable key for the step: its plan and its position in the plan."""
        return f"{self.plan_id}#{self.index}"


def milestones(session: Session, today: date) -> list[Milestone]:
    """Every step of every action plan, soonest end date first (undated steps last)."""
    out: list[Milestone] = []
    for plan in session.all(ActionPlan):
        idea = session.get(Idea, plan.idea_id)
        for index, step in enumerate(plan.steps):
            out.append(Milestone(
                plan_id=plan.id, index=index, idea_id=plan.idea_id,
                idea_title=idea.title if idea else "", unit_id=idea.unit_id if idea else "",
                activity=str(step.get("activity", "")), pic=str(step.get("pic", "")),
                start=str(step.get("start", "") or ""), end=str(step.get("end", "") or ""),
                status=step_status(step, today)))
    out.sort(key=lambda m: (parse_day(m.end) or date.max, m.idea_title, m.index))
    return out


def status_counts(items: list[Milestone]) -> dict[str, int]:
    """How many milestones have each status (every status present, zero included)."""
    counts = dict.fromkeys(STATUSES, 0)
    for item in items:
        counts[item.status] += 1
    return counts
