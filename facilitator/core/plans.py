"""Action plans (rencana aksi): one per selected innovation, its profile and its steps.

Every change is one :meth:`Session.edit` of the plan, so each is durable and can be undone. The
rules here are the ones a plan must keep whoever edits it (the plan editor, an import, a test):
dates are real calendar dates, a step ends no earlier than it starts, a budget is a sum of
rupiah. What a plan still lacks is reported as hints, never enforced: a plan is written over
weeks of coaching clinics, and half a plan must be storable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from facilitator.core.errors import FacilitatorError
from facilitator.core.progress import MIN_DESIGN_WORDS, completeness
from facilitator.core.records import PROFILE_FIELDS, ActionPlan, Idea, Problem, Unit
from facilitator.core.session import Session

PLAN_TEXT_FIELDS = ("problem", "objective")
"""The plan's own text fields, besides its profile."""

STEP_FIELDS = ("activity", "pic", "start", "end", "output", "budget")
"""What each step of a plan holds, in the order the form asks for it."""

LIST_FIELDS = {"tahapan": "tahapan", "inisiator": "initiator", "jenis": "jenis",
               "bentuk": "bentuk"}
"""Profile fields chosen from a template list (the value stored is the list's key)."""

DATE_FIELDS = ("waktu_uji_coba", "waktu_penerapan")
"""Profile fields that hold a date (``YYYY-MM-DD``)."""

IDEA_PROFILE = {"inisiator": "initiator", "jenis": "jenis", "bentuk": "bentuk",
                "urusan": "urusan"}
"""Profile fields an idea already carries; a new plan starts with the idea's values."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RUPIAH = re.compile(r"^(?:rp\.?)?\s*(\d{1,3}(?:[.,\s]\d{3})+|\d+)(?:,-|,00|\.-)?$", re.I)


class PlanError(FacilitatorError):
    """A value a plan cannot hold; ``code`` is a key under ``plans.error.``."""

    def message(self) -> str:
        from facilitator.i18n import t

        return t(f"plans.error.{self.code}", **self.params)


# -- values ----------------------------------------------------------------------------------


def check_date(value: str, field: str = "") -> str:
    """``value`` stripped if it is empty or a real ``YYYY-MM-DD`` date; else a PlanError."""
    text = str(value or "").strip()
    if not text:
        return ""
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
            return text
        except ValueError:
            pass
    raise PlanError("date", value=text, field=field)


def parse_budget(value: Any) -> int | str:
    """A budget as whole rupiah: ``7500000``, ``7.500.000``, ``Rp 7.500.000,-`` -> 7500000.

    Empty stays ``""`` (unknown is not zero). Anything else is a PlanError: a budget that
    cannot be added up is worse than none.
    """
    if isinstance(value, bool):
        raise PlanError("budget", value=str(value))
    if isinstance(value, int):
        if value < 0:
            raise PlanError("budget", value=str(value))
        return value
    if isinstance(value, float):
        if value < 0 or value != int(value):
            raise PlanError("budget", value=str(value))
        return int(value)
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    match = _RUPIAH.match(text)
    if not match:
        raise PlanError("budget", value=text)
    return int(re.sub(r"\D", "", match.group(1)))


def clean_step(raw: dict[str, Any]) -> dict[str, Any]:
    """A step with its fields checked: an activity, real dates, an end no earlier than the
    start, a budget in rupiah. Other keys the step carries (``done``, ``done_on``) are kept."""
    step = dict(raw)
    for name in ("activity", "pic", "output"):
        step[name] = " ".join(str(step.get(name, "") or "").split())
    if not step["activity"]:
        raise PlanError("activity")
    step["start"] = check_date(step.get("start", ""), "start")
    step["end"] = check_date(step.get("end", ""), "end")
    if step["start"] and step["end"] and step["end"] < step["start"]:
        raise PlanError("end_before_start", start=step["start"], end=step["end"])
    step["budget"] = parse_budget(step.get("budget", ""))
    return step


# -- finding and making plans ----------------------------------------------------------------


def plan_for(session: Session, idea_id: str) -> ActionPlan | None:
    """The action plan of an innovation (the latest edited, if a merge left two)."""
    plans = [p for p in session.all(ActionPlan) if p.idea_id == idea_id]
    return max(plans, key=lambda p: p.updated) if plans else None


def draft_plan(session: Session, idea_id: str) -> ActionPlan:
    """A new plan for an innovation, not yet stored: the problem it answers (from the problem
    the idea was brainstormed for) and the profile fields the idea already names."""
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise PlanError("no_idea", id=idea_id)
    problem = session.get(Problem, idea.problem_id) if idea.problem_id else None
    profile = {name: str(getattr(idea, attr, "") or "").strip()
               for name, attr in IDEA_PROFILE.items()}
    return ActionPlan(idea_id=idea_id, problem=problem.statement.strip() if problem else "",
                      profile={k: v for k, v in profile.items() if v})


def ensure_plan(session: Session, idea_id: str) -> ActionPlan:
    """The innovation's plan, created (and stored) if it has none yet."""
    plan = plan_for(session, idea_id)
    if plan is not None:
        return plan
    return session.add(draft_plan(session, idea_id), "plans.add")


def set_fields(session: Session, plan: ActionPlan, values: dict[str, str]) -> ActionPlan:
    """Store changed text fields of a plan (``problem``, ``objective`` or a profile field) as
    one change; nothing is written when nothing changed. Dates must be real dates."""
    top: dict[str, Any] = {}
    profile = dict(plan.profile)
    for name, value in values.items():
        text = str(value if value is not None else "")
        text = check_date(text, name) if name in DATE_FIELDS else text.strip()
        if name in PLAN_TEXT_FIELDS:
            if getattr(plan, name) != text:
                top[name] = text
        elif name in PROFILE_FIELDS:
            if str(profile.get(name, "") or "") != text:
                if text.strip():
                    profile[name] = text
                else:
                    profile.pop(name, None)
        else:
            raise PlanError("field", field=name)
    if profile != plan.profile:
        top["profile"] = profile
    if not top:
        return plan
    return session.edit(plan, "plans.edit", **top)


# -- steps -----------------------------------------------------------------------------------


def _steps(plan: ActionPlan) -> list[dict[str, Any]]:
    return [dict(step) for step in plan.steps]


def _index(plan: ActionPlan, index: int) -> int:
    if not 0 <= index < len(plan.steps):
        raise PlanError("no_step", n=index + 1)
    return index


def add_step(session: Session, plan: ActionPlan, step: dict[str, Any],
             at: int | None = None) -> ActionPlan:
    """Add a step (at the end, or before position ``at``)."""
    steps = _steps(plan)
    position = len(steps) if at is None else max(0, min(at, len(steps)))
    steps.insert(position, clean_step(step))
    return session.edit(plan, "plans.edit", steps=steps)


def update_step(session: Session, plan: ActionPlan, index: int,
                step: dict[str, Any]) -> ActionPlan:
    """Replace the fields of one step; the marks it carries (done) are kept."""
    steps = _steps(plan)
    steps[_index(plan, index)] = clean_step({**steps[index], **step})
    if steps == plan.steps:
        return plan
    return session.edit(plan, "plans.edit", steps=steps)


def remove_step(session: Session, plan: ActionPlan, index: int) -> ActionPlan:
    """Remove one step."""
    steps = _steps(plan)
    del steps[_index(plan, index)]
    return session.edit(plan, "plans.edit", steps=steps)


def move_step(session: Session, plan: ActionPlan, index: int, delta: int) -> tuple[ActionPlan, int]:
    """Move a step up (``delta`` < 0) or down; returns the plan and the step's new position.
    A step already at the top or the bottom stays, and nothing is written."""
    steps = _steps(plan)
    _index(plan, index)
    target = max(0, min(len(steps) - 1, index + delta))
    if target == index:
        return plan, index
    steps.insert(target, steps.pop(index))
    return session.edit(plan, "plans.edit", steps=steps), target


def set_step_done(session: Session, plan: ActionPlan, index: int, done: bool,
                  day: str = "") -> ActionPlan:
    """Mark a step finished (on ``day``), or take the mark back so that its dates decide again."""
    steps = _steps(plan)
    step = steps[_index(plan, index)]
    # A status recorded by an import would win over the mark (milestones.step_status): drop it.
    step.pop("status", None)
    if done:
        step["done"] = True
        if day:
            step["done_on"] = check_date(day, "done_on")
    else:
        step.pop("done", None)
        step.pop("done_on", None)
    if steps == plan.steps:
        return plan
    return session.edit(plan, "plans.edit", steps=steps)


# -- what is missing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    """Something a plan still lacks: a code (a key under ``plans.hint.``) and its numbers."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)


def hints(plan: ActionPlan) -> list[Hint]:
    """What the plan lacks, most important first: the problem and objective, the rancang
    bangun's words against the national form's 300, the empty profile fields, and steps with no
    dates or no one in charge."""
    out: list[Hint] = []
    for name in PLAN_TEXT_FIELDS:
        if not getattr(plan, name).strip():
            out.append(Hint(f"no_{name}"))
    done = completeness(plan)
    if done.design_short:
        out.append(Hint("design_words", (("words", done.design_words),
                                         ("need", MIN_DESIGN_WORDS))))
    if done.missing:
        out.append(Hint("missing", (("fields", done.missing),)))
    if not plan.steps:
        out.append(Hint("no_steps"))
    else:
        undated = sum(1 for s in plan.steps if not (s.get("start") and s.get("end")))
        if undated:
            out.append(Hint("steps_undated", (("count", undated),)))
        nobody = sum(1 for s in plan.steps if not str(s.get("pic", "")).strip())
        if nobody:
            out.append(Hint("steps_no_pic", (("count", nobody),)))
    return out


@dataclass(frozen=True)
class UnitPlans:
    """How far one unit's plans are: its selected innovations, how many have a plan, and the
    mean completeness of the plans it has (innovations without a plan count as 0%)."""

    unit_id: str
    name: str
    selected: int
    planned: int
    percent: int
    complete: int

    @property
    def unplanned(self) -> int:
        return self.selected - self.planned


def unit_plans(session: Session) -> list[UnitPlans]:
    """Plan completeness per unit, for every unit with a selected innovation or a plan, by
    name. An innovation without a plan counts as an empty one, so a unit is 100% only when
    every one of its innovations has a complete plan."""
    selected = [i for i in (session.get(Idea, rid) for rid in session.selected_ids()) if i]
    ideas_by_unit: dict[str, list[str]] = {}
    for idea in selected:
        ideas_by_unit.setdefault(idea.unit_id, []).append(idea.id)
    for plan in session.all(ActionPlan):
        idea = session.get(Idea, plan.idea_id)
        unit_id = idea.unit_id if idea else ""
        if plan.idea_id not in ideas_by_unit.setdefault(unit_id, []):
            ideas_by_unit[unit_id].append(plan.idea_id)
    out: list[UnitPlans] = []
    for unit_id, idea_ids in ideas_by_unit.items():
        percents: list[int] = []
        planned = complete = 0
        for idea_id in idea_ids:
            plan = plan_for(session, idea_id)
            if plan is None:
                percents.append(0)
                continue
            planned += 1
            percent = completeness(plan).percent
            percents.append(percent)
            complete += 1 if not hints(plan) else 0
        unit = session.get(Unit, unit_id)
        out.append(UnitPlans(unit_id=unit_id, name=unit.name if unit else "",
                             selected=len(idea_ids), planned=planned,
                             percent=round(sum(percents) / len(percents)) if percents else 0,
                             complete=complete))
    out.sort(key=lambda u: (not u.name, u.name.casefold()))
    return out


def budget_total(plan: ActionPlan) -> int:
    """The sum of the steps' budgets (steps without one count nothing)."""
    return sum(s["budget"] for s in plan.steps
               if isinstance(s.get("budget"), int) and not isinstance(s.get("budget"), bool))
