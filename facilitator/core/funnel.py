"""The funnel: scores, votes and the screening rounds that narrow the ideas.

A round takes the pool (the ideas that passed the previous round, or every idea before the first)
and a rule. :func:`preview` says who would stay and who would leave, and why, without changing
anything; :func:`apply_round` records the round with one decision per idea of the pool. Reasons
are codes with their numbers (``{"code": "score_lt", "score": 2.8, "threshold": 3.0}``), read out
in the user's language by :func:`reason_text`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from facilitator.core.errors import RuleError
from facilitator.core.records import Criterion, Idea, Round, Score, Vote
from facilitator.core.session import Session

RULES = ("gates", "threshold", "top_score", "top_votes", "pick")


def pool(session: Session) -> list[Idea]:
    """The ideas a new round would screen: the last round's survivors, or every idea."""
    ideas = session.ideas()
    rounds = session.rounds()
    if not rounds:
        return ideas
    kept = set(rounds[-1].kept)
    return [i for i in ideas if i.id in kept]


def criteria(session: Session) -> list[Criterion]:
    """The session's rubric, in its order."""
    return sorted(session.all(Criterion), key=lambda c: (c.order, c.key))


def mean_scores(session: Session) -> dict[str, dict[str, float]]:
    """Each idea's mean score per criterion over all raters: ``{idea: {criterion: mean}}``."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for score in session.all(Score):
        sums[(score.idea_id, score.criterion)].append(float(score.value))
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (idea, crit), values in sums.items():
        out[idea][crit] = sum(values) / len(values)
    return out


def weighted_score(means: dict[str, float], rubric: list[Criterion],
                   weights: dict[str, float] | None = None) -> float | None:
    """The weighted mean of the scored criteria, or None if the idea has no scores at all."""
    total = weight_sum = 0.0
    for crit in rubric:
        if crit.gate or crit.key not in means:
            continue
        weight = (weights or {}).get(crit.key, crit.weight)
        total += weight * means[crit.key]
        weight_sum += weight
    if weight_sum == 0:
        return None
    return round(total / weight_sum, 2)


def failed_gate(means: dict[str, float], rubric: list[Criterion]) -> str | None:
    """The first gate the idea fails (most raters said no), or None."""
    for crit in rubric:
        if crit.gate and crit.key in means and means[crit.key] < 0.5:
            return crit.key
    return None


def vote_totals(session: Session) -> dict[str, int]:
    """The dots each idea received, over all raters."""
    totals: dict[str, int] = defaultdict(int)
    for vote in session.all(Vote):
        totals[vote.idea_id] += int(vote.dots)
    return totals


@dataclass
class Preview:
    """What a round would do: one decision per idea of the pool, and any tie at the cut."""

    rule: dict[str, Any]
    pool: list[str]
    decisions: list[dict[str, Any]]
    ties: list[str] = field(default_factory=list)

    @property
    def kept(self) -> list[str]:
        return [d["idea"] for d in self.decisions if d["kept"]]

    @property
    def cut(self) -> list[str]:
        return [d["idea"] for d in self.decisions if not d["kept"]]


def preview(session: Session, rule: dict[str, Any]) -> Preview:
    """Decide the pool by ``rule`` without changing anything.

    Rules: ``{"kind": "gates"}``, ``{"kind": "threshold", "threshold": 3.0}``,
    ``{"kind": "top_score", "n": 41}``, ``{"kind": "top_votes", "n": 41}``,
    ``{"kind": "pick", "keep": [ids]}``.
    """
    kind = rule.get("kind")
    if kind not in RULES:
        raise RuleError("unknown_rule", rule=str(kind))
    ideas = pool(session)
    rubric = criteria(session)
    means = mean_scores(session)
    decisions: list[dict[str, Any]] = []
    ties: list[str] = []
    if kind == "gates":
        for idea in ideas:
            gate = failed_gate(means.get(idea.id, {}), rubric)
            reason = {"code": "gate_fail", "criterion": gate} if gate else {"code": "gates_pass"}
            decisions.append({"idea": idea.id, "kept": gate is None, "reason": reason})
    elif kind == "threshold":
        threshold = float(rule.get("threshold", 3.0))
        for idea in ideas:
            score = weighted_score(means.get(idea.id, {}), rubric)
            if score is None:
                decisions.append({"idea": idea.id, "kept": False, "reason": {"code": "unscored"}})
                continue
            kept = score >= threshold
            decisions.append({"idea": idea.id, "kept": kept, "reason": {
                "code": "score_ge" if kept else "score_lt", "score": score,
                "threshold": threshold}})
    elif kind in ("top_score", "top_votes"):
        n = int(rule.get("n", 0))
        if kind == "top_score":
            value = {i.id: weighted_score(means.get(i.id, {}), rubric) or 0.0 for i in ideas}
        else:
            value = {i.id: float(vote_totals(session).get(i.id, 0)) for i in ideas}
        ranked = sorted(ideas, key=lambda i: -value[i.id])
        cut_value = value[ranked[n - 1].id] if 0 < n <= len(ranked) else None
        if cut_value is not None and n < len(ranked) and value[ranked[n].id] == cut_value:
            ties = [i.id for i in ranked if value[i.id] == cut_value]
        rank_of = {idea.id: pos + 1 for pos, idea in enumerate(ranked)}
        code = "rank" if kind == "top_score" else "votes"
        for idea in ideas:
            kept = rank_of[idea.id] <= n
            decisions.append({"idea": idea.id, "kept": kept, "reason": {
                "code": f"{code}_in" if kept else f"{code}_out", "rank": rank_of[idea.id],
                "n": n, "value": value[idea.id]}})
    else:
        keep = set(rule.get("keep", []))
        for idea in ideas:
            kept = idea.id in keep
            decisions.append({"idea": idea.id, "kept": kept,
                              "reason": {"code": "picked" if kept else "not_picked"}})
    return Preview(rule=dict(rule), pool=[i.id for i in ideas], decisions=decisions, ties=ties)


def apply_round(session: Session, name: str, plan: Preview,
                overrides: dict[str, tuple[bool, str]] | None = None,
                tie_keep: list[str] | None = None) -> Round:
    """Record a round from its preview. ``overrides`` maps an idea to the coach's own decision and
    reason; a tie at the cut must be settled with ``tie_keep`` (the tied ideas to keep)."""
    decisions = [dict(d) for d in plan.decisions]
    if plan.ties:
        if tie_keep is None:
            raise RuleError("tie", count=len(plan.ties))
        n = int(plan.rule.get("n", 0))
        tied = set(plan.ties)
        sure = sum(1 for d in decisions if d["kept"] and d["idea"] not in tied)
        if sure + len(tie_keep) != n or not set(tie_keep) <= tied:
            raise RuleError("tie_count", need=n - sure)
        for decision in decisions:
            if decision["idea"] in tied:
                decision["kept"] = decision["idea"] in tie_keep
                decision["reason"] = dict(decision["reason"], code="tie_kept" if decision["kept"]
                                          else "tie_cut")
    for idea_id, (kept, text) in (overrides or {}).items():
        if not text.strip():
            raise RuleError("override_reason")
        for decision in decisions:
            if decision["idea"] == idea_id:
                decision.update(kept=kept, reason={"code": "coach", "text": text,
                                                   "was": decision["reason"]})
    order = max((r.order for r in session.rounds()), default=0) + 1
    record = Round(name=name, order=order, rule=plan.rule, pool=list(plan.pool),
                   decisions=decisions)
    session.add(record, "round.apply")
    return record


def reason_text(reason: dict[str, Any], session: Session | None = None) -> str:
    """A decision's reason in the user's language, e.g. "skor 2,8 < ambang 3,0"."""
    from facilitator.i18n import number, t

    code = reason.get("code", "")
    if code == "coach":
        return t("reason.coach", text=reason.get("text", ""))
    params: dict[str, Any] = {}
    for key in ("score", "threshold", "value"):
        if key in reason:
            params[key] = number(float(reason[key]))
    for key in ("rank", "n"):
        if key in reason:
            params[key] = reason[key]
    if "criterion" in reason:
        crit_name = reason["criterion"]
        if session is not None:
            for crit in criteria(session):
                if crit.key == reason["criterion"]:
                    from facilitator.i18n import language

                    crit_name = crit.name.get(language()) or crit.name.get("id") or crit.key
        params["criterion"] = crit_name
    return t(f"reason.{code}", **params)
