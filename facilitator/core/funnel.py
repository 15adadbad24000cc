"""The funnel: scores, votes and the screening rounds that narrow the ideas.

A round takes the pool (the ideas that passed the previous round, or every idea before the first)
and a rule. :func:`preview` says who would stay and who would leave, and why, without changing
anything; :func:`apply_round` records the round with one decision per idea of the pool. Reasons
are codes with their numbers (``{"code": "score_lt", "score": 2.8, "threshold": 3.0}``), read out
in the user's language by :func:`reason_text`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from facilitator.core.errors import RuleError
from facilitator.core.records import IDEA_ACTIVE, IDEA_MERGED, Criterion, Idea, Round, Score, Vote
from facilitator.core.session import Session

RULES = ("gates", "threshold", "top_score", "top_votes", "pick")


def pool(session: Session) -> list[Idea]:
    """The ideas a new round would screen: the last round's survivors, or every idea.

    An idea made by merging survivors after the last round is in the pool too: it stands for
    them.
    """
    ideas = session.ideas()
    rounds = session.rounds()
    if not rounds:
        return ideas
    kept = set(rounds[-1].kept)
    return [i for i in ideas if i.id in kept or kept & originals(session, i)]


def originals(session: Session, idea: Idea) -> set[str]:
    """Every idea merged, directly or through earlier merges, into ``idea``."""
    found: set[str] = set()
    todo = list(idea.merged_from)
    while todo:
        rid = todo.pop()
        if rid in found:
            continue
        found.add(rid)
        source = session.get(Idea, rid)
        if source is not None:
            todo.extend(source.merged_from)
    return found


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


def rater_scores(session: Session) -> dict[str, dict[str, float]]:
    """Each idea's weighted score per rater: ``{idea: {rater: score}}``."""
    by_rater: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for score in session.all(Score):
        by_rater[(score.idea_id, score.rater)][score.criterion] = float(score.value)
    rubric = criteria(session)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (idea, rater), means in by_rater.items():
        value = weighted_score(means, rubric)
        if value is not None:
            out[idea][rater] = value
    return out


DISAGREEMENT = 1.5
"""Raters whose weighted scores of one idea lie this far apart (on a 1-5 scale) disagree widely."""


def disagreements(session: Session, spread: float = DISAGREEMENT) -> dict[str, float]:
    """The ideas whose raters disagree widely, with the spread (highest minus lowest)."""
    out: dict[str, float] = {}
    for idea, raters in rater_scores(session).items():
        if len(raters) >= 2:
            gap = max(raters.values()) - min(raters.values())
            if gap >= spread:
                out[idea] = round(gap, 2)
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


# -- merging duplicates ---------------------------------------------------------------------


def merge_ideas(session: Session, ids: list[str], *, title: str, description: str = "",
                keep_from: str | None = None) -> Idea:
    """Merge two or more ideas into a new one that remembers them.

    The originals stay in the session, marked ``merged`` with ``merged_into`` pointing at the new
    idea, so :func:`unmerge_idea` can restore them exactly and the why-report can say where each
    went. The new idea takes its unit, problem and profile from ``keep_from`` (default: the first).
    """
    from facilitator.core.text import clean

    unique = list(dict.fromkeys(ids))
    ideas = [session.get(Idea, rid) for rid in unique]
    if len(unique) < 2 or any(i is None or i.deleted or i.status != IDEA_ACTIVE for i in ideas):
        raise RuleError("merge_needs_two")
    title = clean(title)
    if not title:
        raise RuleError("title_empty")
    base = session.get(Idea, keep_from) if keep_from in unique else ideas[0]
    merged = Idea(id=session.new_id(Idea.PREFIX), title=title,
                  description=clean(description, multiline=True), unit_id=base.unit_id,
                  problem_id=base.problem_id, initiator=base.initiator, bentuk=base.bentuk,
                  jenis=base.jenis, urusan=base.urusan, merged_from=unique)
    folded = [dataclasses.replace(i, status=IDEA_MERGED, merged_into=merged.id) for i in ideas]
    session.commit("ideas.merge", [merged, *folded])
    return merged


def unmerge_idea(session: Session, merged_id: str) -> list[Idea]:
    """Undo a merge at any later time: the originals come back as they were, the merged idea
    goes. Returns the restored originals."""
    merged = session.get(Idea, merged_id)
    if merged is None or not merged.merged_from or merged.deleted:
        raise RuleError("not_merged")
    restored = []
    for rid in merged.merged_from:
        original = session.get(Idea, rid)
        if original is not None:
            restored.append(dataclasses.replace(original, status=IDEA_ACTIVE, merged_into=""))
    session.commit("ideas.unmerge", [dataclasses.replace(merged, deleted=True), *restored])
    return restored


def suggest_duplicates(session: Session, threshold: float | None = None) -> list[list[str]]:
    """Groups of ideas whose titles look alike, for the coach to confirm as duplicates.

    Only pairs that share a word are compared, so thousands of ideas stay quick.
    """
    from facilitator.core.text import SIMILAR, normal, similarity

    threshold = SIMILAR if threshold is None else threshold
    ideas = session.ideas()
    by_word: dict[str, list[int]] = defaultdict(list)
    words = [set(normal(i.title).split()) for i in ideas]
    for n, ws in enumerate(words):
        for w in ws:
            by_word[w].append(n)
    parent = list(range(len(ideas)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    seen: set[tuple[int, int]] = set()
    for members in by_word.values():
        if len(members) > 200:
            continue  # a word in hundreds of titles ("layanan") says nothing about duplicates
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                if similarity(ideas[a].title, ideas[b].title) >= threshold:
                    parent[root(a)] = root(b)
    groups: dict[int, list[str]] = defaultdict(list)
    for n, idea in enumerate(ideas):
        groups[root(n)].append(idea.id)
    return [g for g in groups.values() if len(g) > 1]


# -- sensitivity ----------------------------------------------------------------------------

SENSITIVITY = 0.2


def borderline(session: Session, rule: dict[str, Any], change: float = SENSITIVITY) -> set[str]:
    """The ideas whose fate under a score rule (threshold or top N by score) would flip if any
    one criterion's weight were changed by ``change`` (20 %) up or down."""
    if rule.get("kind") not in ("threshold", "top_score"):
        return set()
    ideas = pool(session)
    rubric = criteria(session)
    means = mean_scores(session)
    base = _score_fates(ideas, rubric, means, rule, None)
    flips: set[str] = set()
    for crit in rubric:
        if crit.gate:
            continue
        for factor in (1 - change, 1 + change):
            fates = _score_fates(ideas, rubric, means, rule, {crit.key: crit.weight * factor})
            flips |= {rid for rid, kept in fates.items() if kept != base[rid]}
    return flips


def _score_fates(ideas: list[Idea], rubric: list[Criterion], means: dict[str, dict[str, float]],
                 rule: dict[str, Any], weights: dict[str, float] | None) -> dict[str, bool]:
    scores = {i.id: weighted_score(means.get(i.id, {}), rubric, weights) for i in ideas}
    if rule["kind"] == "threshold":
        threshold = float(rule.get("threshold", 3.0))
        return {rid: s is not None and s >= threshold for rid, s in scores.items()}
    n = int(rule.get("n", 0))
    ranked = sorted(scores, key=lambda rid: -(scores[rid] or 0.0))
    return {rid: pos < n for pos, rid in enumerate(ranked)}


# -- the why-report -------------------------------------------------------------------------


def idea_paths(session: Session) -> list[tuple[Idea, list[tuple[str, bool, str]]]]:
    """Every idea that ever entered the funnel and its path: ``(round name, kept, reason)`` per
    round it was screened in, then a merge if it was merged away."""
    rounds = session.rounds()
    out = []
    for idea in session.all(Idea, include_deleted=True):
        if idea.deleted and not idea.merged_from:
            continue
        steps: list[tuple[str, bool, str]] = []
        for rnd in rounds:
            for decision in rnd.decisions:
                if decision["idea"] == idea.id:
                    steps.append((rnd.name, decision["kept"],
                                  reason_text(decision["reason"], session)))
        out.append((idea, steps))
    return out


def why_report(session: Session) -> str:
    """The why-report as Markdown: the funnel, then every idea's path and the reason at each
    step, grouped by unit."""
    from facilitator.i18n import t

    lab = session.lab
    lines = [f"# {t('why.title', region=lab.region)}", ""]
    rounds = session.rounds()
    if rounds:
        figures = " → ".join([str(len(rounds[0].pool))] + [str(len(r.kept)) for r in rounds])
        lines += [t("why.funnel", figures=figures), ""]
        for rnd in rounds:
            lines.append(f"- **{_md(rnd.name)}**: {t('why.round_line', pool=len(rnd.pool), kept=len(rnd.kept), cut=len(rnd.pool) - len(rnd.kept))}")
        lines.append("")
    else:
        lines += [t("why.no_rounds"), ""]
    selected = set(session.selected_ids())
    by_unit: dict[str, list[tuple[Idea, list[tuple[str, bool, str]]]]] = defaultdict(list)
    for idea, steps in idea_paths(session):
        by_unit[session.unit_name(idea.unit_id) or t("why.no_unit")].append((idea, steps))
    for unit in sorted(by_unit):
        lines += [f"## {_md(unit)}", ""]
        for idea, steps in by_unit[unit]:
            if idea.status == IDEA_MERGED:
                into = session.get(Idea, idea.merged_into)
                outcome = t("why.merged_into", title=_md(into.title if into else "?"))
            elif idea.deleted:
                outcome = t("why.unmerged")
            elif idea.id in selected:
                outcome = t("why.selected")
            elif steps:
                outcome = t("why.cut")
            else:
                outcome = t("why.not_screened")
            lines.append(f"### {_md(idea.title)}")
            lines.append("")
            lines.append(f"{t('why.outcome')}: **{outcome}**")
            if idea.merged_from:
                names = [session.get(Idea, rid) for rid in idea.merged_from]
                lines.append(t("why.merged_from", titles="; ".join(
                    _md(i.title) for i in names if i is not None)))
            for name, kept, reason in steps:
                verdict = t("why.kept") if kept else t("why.left")
                lines.append(f"- {_md(name)}: {verdict} ({_md(reason)})")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    """User text made inert in Markdown (see :func:`facilitator.core.text.markdown_escape`)."""
    from facilitator.core.text import markdown_escape

    return markdown_escape(text)
