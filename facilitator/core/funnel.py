"""The funnel: scores, votes and the screening rounds that narrow the ideas.

A round takes the pool (the ideas that passed the previous round, or every idea before the first)
and a rule. :func:`preview` says who would stay and who would leave, and why, without changing
anything; :func:`apply_round` records the round with one decision per idea of the pool. Reasons
are codes with their numbers (``{"code": "score_lt", "score": 2.8, "threshold": 3.0}``), read out
in the user's language by :func:`reason_text`.
"""

from __future__ import annotations

import dataclasses
import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from time import perf_counter
from typing import Any, Generator, Iterable, Iterator

from facilitator.core.errors import RuleError
from facilitator.core.records import (
    IDEA_ACTIVE, IDEA_MERGED, Criterion, Idea, Lab, Round, Score, Unit, Vote,
)
from facilitator.core.session import Session

RULES = ("gates", "threshold", "top_score", "top_votes", "pick")


class FunnelError(RuleError):
    """A funnel entry the rules refuse (a score off the scale, a weight of zero...); ``code`` is
    a key under ``funnel.error.`` in the locale files."""

    def message(self) -> str:
        from facilitator.i18n import t

        return t(f"funnel.error.{self.code}", **self.params)


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


def criterion_name(crit: Criterion, lang: str | None = None) -> str:
    """A criterion's name in ``lang`` (default: the user's), else in any language it has."""
    from facilitator.i18n import language

    names = crit.name or {}
    return (names.get(lang or language()) or names.get("id")
            or next((n for n in names.values() if n), "") or crit.key)


def latest_scores(scores: Iterable[Score]) -> dict[tuple[str, str, str], Score]:
    """One score per ``(idea, criterion, rater)``: the latest.

    A rater has one score per cell; two laptops' files merged may both hold one, and the later
    edit is the rater's last word.
    """
    out: dict[tuple[str, str, str], Score] = {}
    for score in scores:
        key = (score.idea_id, score.criterion, score.rater)
        old = out.get(key)
        if old is None or (score.updated, score.id) >= (old.updated, old.id):
            out[key] = score
    return out


def mean_scores(session: Session) -> dict[str, dict[str, float]]:
    """Each idea's mean score per criterion over all raters: ``{idea: {criterion: mean}}``.

    Worked out again only after a score changed (7,000 scores: 3-15 ms, every preview of a
    round); the dict returned is shared, not to be changed."""
    return session.cached("mean_scores", (Score.TABLE,), lambda: _mean_scores(session))


def _mean_scores(session: Session) -> dict[str, dict[str, float]]:
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (idea, crit, _rater), score in latest_scores(session.all(Score)).items():
        sums[(idea, crit)].append(float(score.value))
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (idea, crit), values in sums.items():
        out[idea][crit] = sum(values) / len(values)
    return dict(out)  # a lookup of an idea with no score must not add it to the shared dict


def rater_scores(session: Session) -> dict[str, dict[str, float]]:
    """Each idea's weighted score per rater: ``{idea: {rater: score}}``."""
    by_rater: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for (idea, crit, rater), score in latest_scores(session.all(Score)).items():
        by_rater[(idea, rater)][crit] = float(score.value)
    rubric = criteria(session)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (idea, rater), means in by_rater.items():
        value = weighted_score(means, rubric)
        if value is not None:
            out[idea][rater] = value
    return out


DISAGREEMENT = 1.5
"""Raters whose weighted scores of one idea lie this far apart (on a 1-5 scale; proportionally
more on a wider one) disagree widely."""


def disagreement_gap(rubric: list[Criterion], spread: float = DISAGREEMENT) -> float:
    """The spread that counts as wide on the rubric's scale (1.5 on 1-5, 3.4 on 1-10)."""
    return spread * (common_scale(rubric) - 1) / 4


def disagreements(session: Session, spread: float = DISAGREEMENT) -> dict[str, float]:
    """The ideas whose raters disagree widely, with the spread (highest minus lowest)."""
    gap_needed = disagreement_gap(criteria(session), spread)
    out: dict[str, float] = {}
    for idea, raters in rater_scores(session).items():
        if len(raters) >= 2:
            gap = max(raters.values()) - min(raters.values())
            if gap >= gap_needed:
                out[idea] = round(gap, 2)
    return out


def common_scale(rubric: list[Criterion]) -> int:
    """The scale weighted scores are given on: the widest of the scored criteria (5 by default)."""
    return max((c.scale_max for c in rubric if not c.gate and c.scale_max > 1), default=5)


def weighted_score(means: dict[str, float], rubric: list[Criterion],
                   weights: dict[str, float] | None = None) -> float | None:
    """The weighted mean of the scored criteria, or None if the idea has no scores at all.

    A criterion scored on a narrower scale than the others (1-5 beside 1-10) is stretched onto
    the common one first, so that a coach who changes one scale does not skew the mean.
    """
    return _weighted(_on_common_scale(means, rubric, common_scale(rubric)), weights)


def _on_common_scale(means: dict[str, float], rubric: list[Criterion],
                     common: int) -> list[tuple[str, float, float]]:
    """``(key, weight, mean on the common scale)`` of each scored criterion the idea has, in
    the rubric's order: the part of :func:`weighted_score` that no weight changes."""
    out = []
    for crit in rubric:
        if crit.gate or crit.key not in means:
            continue
        value = means[crit.key]
        if crit.scale_max != common and crit.scale_max > 1:
            value = 1 + (value - 1) * (common - 1) / (crit.scale_max - 1)
        out.append((crit.key, crit.weight, value))
    return out


def _weighted(values: list[tuple[str, float, float]],
              weights: dict[str, float] | None) -> float | None:
    total = weight_sum = 0.0
    for key, weight, value in values:
        if weights:
            weight = weights.get(key, weight)
        total += weight * value
        weight_sum += weight
    if weight_sum == 0:
        return None
    return round(total / weight_sum, 2)


@dataclass(frozen=True)
class ScoredPool:
    """The pool as score rules see it: every idea's values on the common scale, grouped by
    idea scored alike, and its weighted score. Shared, see :func:`scored_pool`."""

    ideas: list[str]
    """The pool's ideas, in its order."""
    alike: list[tuple[list[tuple[str, float, float]], list[str]]]
    """The ideas with a score, grouped by their values (``(key, weight, value on the common
    scale)`` per scored criterion): ideas scored alike are scored once under any weighting."""
    base_scores: list[float | None]
    """The weighted score of each group of :attr:`alike`, under the rubric's weights."""
    scores: dict[str, float | None]
    """Each idea's weighted score, for the ideas with one, in the pool's order."""


def scored_pool(session: Session) -> ScoredPool:
    """The pool's ideas with their weighted scores, worked out again only after an idea, a
    round, a score or a criterion changed: a round's preview and the search for the ideas near
    its cut both need them (3,000 ideas, a third scored: some 2 ms each time). Shared: the
    caller must not change it."""
    return session.cached("scored_pool", (Idea.TABLE, Round.TABLE, Score.TABLE,
                                          Criterion.TABLE), lambda: _scored_pool(session))


def _scored_pool(session: Session) -> ScoredPool:
    rubric = criteria(session)
    means = mean_scores(session)
    common = common_scale(rubric)
    ideas = [i.id for i in pool(session)]
    patterns: dict[tuple[tuple[str, float, float], ...], list[str]] = {}
    for rid in ideas:
        each = _on_common_scale(means.get(rid, {}), rubric, common)
        if each:  # (one with no score has none under any weighting)
            patterns.setdefault(tuple(each), []).append(rid)
    alike = [(list(each), members) for each, members in patterns.items()]
    base_scores = [_weighted(each, None) for each, _ in alike]
    scores = {rid: score for (_, members), score in zip(alike, base_scores) for rid in members}
    return ScoredPool(ideas, alike, base_scores,
                      {rid: scores[rid] for rid in ideas if rid in scores})


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
            gate = failed_gate(means[idea.id], rubric) if idea.id in means else None
            reason = {"code": "gate_fail", "criterion": gate} if gate else {"code": "gates_pass"}
            decisions.append({"idea": idea.id, "kept": gate is None, "reason": reason})
    elif kind == "threshold":
        threshold = float(rule.get("threshold", 3.0))
        scores = scored_pool(session).scores
        for idea in ideas:
            score = scores.get(idea.id)
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
            scores = scored_pool(session).scores
            value = {i.id: scores.get(i.id) or 0.0 for i in ideas}
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


def figure(value: float, against: float | None = None) -> str:
    """A score as the room reads it: one decimal (``2,8``); two when it is compared with a
    figure that one decimal would make look equal (``2,96`` against ``3,0``, so that a reason
    never reads "3,0 < 3,0")."""
    from facilitator.i18n import number

    value = float(value)
    if against is not None and number(value) == number(float(against)) and round(
            value, 2) != round(float(against), 2):
        return number(value, 2)
    return number(value)


def threshold_text(value: float) -> str:
    """A threshold as the coach set it: ``3,0``, or ``2,75``."""
    from facilitator.i18n import number

    return number(value, 1 if round(value, 1) == round(value, 2) else 2)


def reason_text(reason: dict[str, Any], session: Session | None = None) -> str:
    """A decision's reason in the user's language, e.g. "skor 2,8 < ambang 3,0"."""
    from facilitator.i18n import integer, t

    code = reason.get("code", "")
    if code == "coach":
        return t("reason.coach", text=reason.get("text", ""))
    params: dict[str, Any] = {}
    if "threshold" in reason:
        params["threshold"] = threshold_text(float(reason["threshold"]))
    if "score" in reason:
        params["score"] = figure(float(reason["score"]), reason.get("threshold"))
    if "value" in reason:
        value = float(reason["value"])
        # Dots are counted, scores are weighed: "5 suara", "skor 3,6".
        params["value"] = integer(int(value)) if code.startswith("votes") and \
            value.is_integer() else figure(value)
    for key in ("rank", "n"):
        if key in reason:
            params[key] = reason[key]
    if "criterion" in reason:
        crit_name = reason["criterion"]
        if session is not None:
            # A criterion removed from the rubric since still names the gate the idea failed.
            for crit in session.all(Criterion, include_deleted=True):
                if crit.key == reason["criterion"]:
                    crit_name = criterion_name(crit)
                    if not crit.deleted:
                        break
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


COMMON_WORD = 200
"""A word in more titles than this ("layanan", "untuk") says nothing about duplicates: titles
are not paired on it (they may still pair on a rarer word they share)."""


def suggest_duplicates(session: Session | None, threshold: float | None = None,
                       ideas: list[Idea] | None = None) -> list[list[str]]:
    """Groups of ideas whose titles look alike, for the coach to confirm as duplicates.

    Two ideas are alike when their titles share a word found in at most :data:`COMMON_WORD`
    titles and :func:`facilitator.core.text.similarity` rates them at least ``threshold``
    (default :data:`~facilitator.core.text.SIMILAR`); a group is every idea linked to another
    by such pairs, directly or through others. Groups come in the order of their first idea,
    each in the order of ``ideas`` (default: the session's, without the merged and deleted
    ones); an idea alike to none is in no group. ``ideas`` lets the app compare a copy away
    from the screen's thread.

    A workshop may have thousands of ideas, so nothing is computed twice or in vain, and the
    answer is exactly what rating every such pair with ``similarity`` gives: each title is
    folded once; a pair already in one group is not rated; the word scores come from counts
    of shared words; and the character ratio is computed only where cheap upper bounds on it
    (the lengths, the letters in common, the longest common subsequence) let it reach the
    threshold, and only as far as needed to decide (see :class:`_Titles`).

    This runs the whole search at once; :func:`duplicate_search` is the same search a slice at a
    time, for an app that must keep answering keys meanwhile.
    """
    return finish(duplicate_search(session, threshold, ideas))


SEARCH_SLICE = 0.004
"""Seconds :func:`duplicate_search` works before it pauses (yields)."""


def finish(search: Iterator[None]) -> Any:
    """Run a search made of slices (a generator such as :func:`duplicate_search`) to its end;
    what it returns."""
    while True:
        try:
            next(search)
        except StopIteration as done:
            return done.value


def duplicate_search(session: Session | None, threshold: float | None = None,
                     ideas: list[Idea] | None = None) -> Generator[None, None, list[list[str]]]:
    """:func:`suggest_duplicates` a slice at a time: a generator that yields (pauses) after some
    :data:`SEARCH_SLICE` seconds of work, and returns the groups (see :func:`finish`). Between
    two slices it holds its own copy of the list of ideas, so the session may change meanwhile:
    the groups are those of the ideas it started with.
    """
    from facilitator.core.text import SIMILAR

    threshold = SIMILAR if threshold is None else threshold
    ideas = list(ideas if ideas is not None else session.ideas())  # type: ignore[union-attr]
    titles = _Titles(threshold)
    yield from titles.fold([idea.title for idea in ideas])
    sizes, commons, lengths, letters = titles.sizes, titles.commons, titles.lengths, titles.letters
    guards, shift, fold = titles.guards, titles.field - 1, titles.fold_mask
    word_rows, word_row = titles.word_rows, titles.word_row
    by_word: dict[str, list[int]] = defaultdict(list)
    group = list(range(len(ideas)))
    members = [[n] for n in group]

    def join(a: int, b: int) -> int:
        """Put the groups ``a`` and ``b`` together; the joint group's label."""
        small, large = (a, b) if len(members[a]) < len(members[b]) else (b, a)
        for n in members[small]:
            group[n] = large
        members[large] += members[small]
        members[small] = []
        return large

    pause = perf_counter() + SEARCH_SLICE
    for b, rare in enumerate(titles.rare):
        if not b & 15 and perf_counter() >= pause:
            yield
            pause = perf_counter() + SEARCH_SLICE
        # The earlier titles that share a rare word with this one, with how many they share:
        # each pair is met once, from its later idea, and rated as similarity(earlier, later)
        # like the one-by-one scan did.
        lists = [by_word[w] for w in rare]
        shared_rare = Counter(chain.from_iterable(lists))
        for listed in lists:
            listed.append(b)
        gb, lb, common_b = group[b], lengths[b], commons[b]
        guarded_b = letters[b] | guards
        size_b = sizes[b]
        rows = word_rows(size_b)
        later: list[tuple[float, int]] = []
        for a, shared in shared_rare.items():
            if group[a] == gb:
                continue  # in one group already: the pair would change nothing
            if common_b:
                shared += (commons[a] & common_b).bit_count()
            # similarity's word scores depend only on the numbers of words and of shared words.
            row = rows.get(sizes[a]) or word_row(sizes[a], size_b)
            if row[shared]:
                gb = join(group[a], gb)
                continue
            # ratio() is 2.0 * matched / length, and no more is matched than the shorter title
            # (difflib's real_quick_ratio) or than the letters in common (its quick_ratio).
            la = lengths[a]
            length = la + lb
            if 2.0 * (la if la < lb else lb) / length < threshold:
                continue
            # The letters in common are b's letters less, for each letter b has more of, the
            # excess: per field, b + guard - a keeps its guard bit where b >= a.
            excess = guarded_b - letters[a]
            b_more = excess & guards
            excess &= b_more - (b_more >> shift)
            bound = 2.0 * (lb - excess % fold) / length
            if bound >= threshold:
                later.append((bound, a))
        if later:
            # The likeliest first: once b is in a group, that group's other titles are skipped.
            later.sort(reverse=True)
            for _bound, a in later:
                if group[a] != gb and titles.ratio_reaches(a, b):
                    gb = join(group[a], gb)
    groups: dict[int, list[str]] = defaultdict(list)
    for n, idea in enumerate(ideas):
        groups[group[n]].append(idea.id)
    return [g for g in groups.values() if len(g) > 1]


class _Titles:
    """Titles folded once for :func:`suggest_duplicates`, with what bounds their similarity.

    For each title: its folded text (:func:`facilitator.core.text.normal`), its words split
    into the rare ones (in at most :data:`COMMON_WORD` titles), which pair titles, and the
    common ones, as bits of one integer; its length; its letter counts, packed into one
    integer with a field per letter and a spare top (guard) bit per field, so the letters two
    titles have in common take a handful of integer operations on all fields at once (a
    per-field difference, kept where positive, summed by the remainder modulo
    ``2**field - 1``, exact since no sum fills a field).

    :meth:`ratio_reaches` answers ``SequenceMatcher(None, a, b).ratio() >= threshold``
    exactly. That ratio is ``2.0 * M / (len(a) + len(b))``, where M is the size of the
    matching blocks difflib finds: the longest common substring (the earliest in a, then in
    b), then the same on each side of it. The blocks are a common subsequence, so M is at most
    the longest common subsequence, cheap to take first; then the blocks are found as difflib
    finds them, stopping as soon as they reach the threshold or what is left cannot.
    """

    POPULAR = 200
    """difflib's autojunk applies to a second sequence of this length or more: those pairs are
    left to difflib itself."""

    CHUNK = 256
    """Titles :meth:`fold` takes in one go before it checks the time."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._word_rows: dict[int, dict[int, list[bool]]] = {}
        self._masks_of = -1
        self._masks: dict[str, int] = {}

    def fold(self, titles: list[str]) -> Iterator[None]:
        """Fold ``titles`` and work out what bounds their similarity; a generator that yields
        (pauses) after some :data:`SEARCH_SLICE` seconds of work."""
        from facilitator.core.text import normal

        pause = perf_counter() + SEARCH_SLICE

        def chunks(items: list[Any]) -> Iterator[list[Any]]:
            nonlocal pause
            for start in range(0, len(items), self.CHUNK):
                if perf_counter() >= pause:
                    yield []  # the caller passes this on as a pause
                    pause = perf_counter() + SEARCH_SLICE
                yield items[start:start + self.CHUNK]

        folded: dict[str, str] = {}
        self.norms = norms = []
        for chunk in chunks(titles):
            if not chunk:
                yield
            norms += [folded[t] if t in folded else folded.setdefault(t, normal(t))
                      for t in chunk]
        unique = list(dict.fromkeys(norms))
        split: dict[str, set[str]] = {}
        counts: Counter[str] = Counter()
        for chunk in chunks(unique):
            if not chunk:
                yield
            for n in chunk:
                split[n] = set(n.split())
        for chunk in chunks(norms):  # a word counts once per idea, the same title twice too
            if not chunk:
                yield
            counts.update(chain.from_iterable(map(split.__getitem__, chunk)))
        common = {w: 1 << k for k, w in enumerate(w for w in counts if counts[w] > COMMON_WORD)}
        rare: dict[str, list[str]] = {}
        commons: dict[str, int] = {}
        for chunk in chunks(unique):
            if not chunk:
                yield
            for n in chunk:
                words = split[n]
                rare[n] = [w for w in words if w not in common]
                commons[n] = sum(common.get(w, 0) for w in words)
        self.rare = [rare[n] for n in norms]
        self.commons = [commons[n] for n in norms]
        self.sizes = [len(split[n]) for n in norms]
        self.lengths = [len(n) for n in norms]
        del rare, commons, split
        self.field = max(self.lengths, default=0).bit_length() + 1
        self.fold_mask = (1 << self.field) - 1
        letter: dict[str, int] = {}
        for char in set().union(*unique):
            letter[char] = 1 << (self.field * len(letter))
        packed: dict[str, int] = {}
        for chunk in chunks(unique):
            if not chunk:
                yield
            for n in chunk:
                packed[n] = sum(map(letter.__getitem__, n))
        self.letters = [packed[n] for n in norms]
        self.guards = sum(letter.values()) << (self.field - 1)

    def word_rows(self, size_b: int) -> dict[int, list[bool]]:
        """The rows of :meth:`word_row` made so far for a title of ``size_b`` words, by the
        other title's number of words."""
        return self._word_rows.setdefault(size_b, {})

    def word_row(self, size_a: int, size_b: int) -> list[bool]:
        """For titles of ``size_a`` and ``size_b`` words, by the number of words they share:
        whether similarity's word scores (the share of all their words, 0.9 times the share of
        the fewer words, computed as it computes them) reach the threshold."""
        threshold = self.threshold
        fewer = min(size_a, size_b)
        row = [shared / (size_a + size_b - shared) >= threshold
               or (0.9 * shared / fewer if fewer >= 2 else 0) >= threshold
               for shared in range(fewer + 1)]
        self.word_rows(size_b)[size_a] = row
        return row

    def ratio_reaches(self, a: int, b: int) -> bool:
        """Whether difflib's ratio of title ``a`` to title ``b`` reaches the threshold."""
        threshold = self.threshold
        na, nb = self.norms[a], self.norms[b]
        length = len(na) + len(nb)
        if 2.0 * self._subsequence(na, b) / length < threshold:
            return False
        if len(nb) >= self.POPULAR:
            from difflib import SequenceMatcher

            return SequenceMatcher(None, na, nb).ratio() >= threshold
        return _blocks_reach(na, nb, threshold, length)

    def _subsequence(self, na: str, b: int) -> int:
        """The longest common subsequence of ``na`` and title ``b``, computed a bit per letter
        of b (Allison and Dix; Hyyrö)."""
        nb = self.norms[b]
        if self._masks_of != b:
            masks: dict[str, int] = {}
            for j, char in enumerate(nb):
                masks[char] = masks.get(char, 0) | (1 << j)
            self._masks_of, self._masks = b, masks
        get = self._masks.get
        full = (1 << len(nb)) - 1
        row = full
        for char in na:
            matches = row & get(char, 0)
            row = (row + matches) | (row - matches)
        return len(nb) - (row & full).bit_count()


def _blocks_reach(a: str, b: str, threshold: float, length: int) -> bool:
    """Whether ``2.0 * M / length >= threshold``, M the size of the matching blocks of
    difflib's ``SequenceMatcher(None, a, b)``, for ``b`` shorter than 200 (no popular
    characters, so each block is the longest common substring of its ranges)."""
    found = 0
    most = min(len(a), len(b))  # found, plus the most the ranges still to search can add
    todo = [(0, len(a), 0, len(b))]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        most -= min(ahi - alo, bhi - blo)
        window = b[blo:bhi]
        # The longest substring of a[alo:ahi] in the window, the earliest in a: from each
        # start, only a match longer than the best so far is looked for.
        size = 0
        start = i = alo
        while i + size < ahi:
            if a[i:i + size + 1] in window:
                size += 1
                while i + size < ahi and a[i:i + size + 1] in window:
                    size += 1
                start = i
            i += 1
        if not size:
            continue
        j = blo + window.find(a[start:start + size])  # the earliest in b
        found += size
        if 2.0 * found / length >= threshold:
            return True
        most += size
        if alo < start and blo < j:
            todo.append((alo, start, blo, j))
            most += min(start - alo, j - blo)
        if start + size < ahi and j + size < bhi:
            todo.append((start + size, ahi, j + size, bhi))
            most += min(ahi - start - size, bhi - j - size)
        if 2.0 * most / length < threshold:
            return False
    return 2.0 * found / length >= threshold


# -- sensitivity ----------------------------------------------------------------------------

SENSITIVITY = 0.2


def borderline(session: Session, rule: dict[str, Any], change: float = SENSITIVITY) -> set[str]:
    """The ideas whose fate under a score rule (threshold or top N by score) would flip if any
    one criterion's weight were changed by ``change`` (20 %) up or down."""
    if rule.get("kind") not in ("threshold", "top_score"):
        return set()
    rubric = criteria(session)
    # What no weight changes, once for the dozen weightings tried (and kept for the next
    # preview), and only for the ideas with a score; ideas scored alike (common on scales of
    # whole numbers) are scored once.
    scored = scored_pool(session)
    ideas, alike, base_scores, scores = (scored.ideas, scored.alike, scored.base_scores,
                                         scored.scores)
    base = _kept_by_score(scores, ideas, rule)
    reach = _Reach(alike, base_scores, rule, [scores.get(rid) for rid in base]) if (
        0 < change < 1 and all(c.weight > 0 for c in rubric if not c.gate)) else None
    flips: set[str] = set()
    for crit in rubric:
        if crit.gate:
            continue
        for factor in (1 - change, 1 + change):
            weight = crit.weight * factor
            # Scored again: the ideas whose score could move far enough for a fate to change
            # (3,000 ideas, a third scored, the top 40: a few dozen, not a thousand).
            again = None if reach is None else reach.may_matter(crit.key, crit.weight, weight)
            changed = dict(scores)
            weights = {crit.key: weight}
            for n in range(len(alike)) if again is None else again:
                each, members = alike[n]
                score = _weighted(each, weights)
                changed.update((rid, score) for rid in members)
            flips |= base ^ _kept_by_score(changed, ideas, rule)
    return flips


class _Reach:
    """How far one weight's change can move each idea's score, to leave out of the scoring
    again the ideas whose fate it cannot change.

    An idea's score is the mean of its values weighted by the criteria's weights (all above
    0 here). Weight ``w`` of criterion ``k`` becoming ``w + d`` moves it by exactly
    ``d * (v_k - score) / (W + d)``, ``W`` the idea's sum of weights: at most
    ``|d| * spread / (W + d)``, ``spread`` its highest value less its lowest. Each score is
    rounded to two decimals, which adds up to 0.01 more.
    """

    EPSILON = 1e-9
    """For the sums in floating point (off by some 1e-15)."""

    def __init__(self, alike: list[tuple[list[tuple[str, float, float]], list[str]]],
                 scores: list[float | None], rule: dict[str, Any],
                 kept: list[float | None]) -> None:
        """``alike``: the ideas scored alike, as ``(values, ideas)``; ``scores``: the score of
        each; ``kept``: the scores of the ideas the rule keeps as it stands."""
        self.rule = rule
        self.patterns = [(n, {key for key, _, _ in each}, sum(w for _, w, _ in each),
                          max(v for _, _, v in each) - min(v for _, _, v in each),
                          scores[n] or 0.0)
                         for n, (each, _) in enumerate(alike)]
        self.cut: float | None = None
        """A top N's lowest score kept, when all N kept have one above 0 (else the ideas with
        none take part in the ranking, and every idea is scored again)."""
        n = int(rule.get("n", 0))
        if rule["kind"] == "top_score" and n > 0 and len(kept) == n and all(
                s is not None and s > 0 for s in kept):
            self.cut = min(s for s in kept if s is not None)

    def may_matter(self, key: str, weight: float, new_weight: float) -> list[int] | None:
        """Which of the ideas scored alike to score again with ``key`` weighing
        ``new_weight`` instead of ``weight`` (by their place in ``alike``), or None for all."""
        d = new_weight - weight
        slack = 0.01 + self.EPSILON
        moves = [(n, score, abs(d) * spread / (weight_sum + d) + slack)
                 for n, keys, weight_sum, spread, score in self.patterns if key in keys]
        if self.rule["kind"] == "threshold":
            threshold = float(self.rule.get("threshold", 3.0))
            return [n for n, score, move in moves if abs(score - threshold) <= move]
        if self.cut is None:
            return None
        cut = self.cut
        # The N ideas kept now score at least ``lowest`` after the change, so an idea that
        # cannot reach it stays out, and ranks below them, moved or not.
        lowest = cut - max((move for _, score, move in moves if score >= cut), default=0.0)
        if lowest <= 0:
            return None
        return [n for n, score, move in moves if score + move >= lowest]


def _kept_by_score(scores: dict[str, float | None], ideas: list[str],
                   rule: dict[str, Any]) -> set[str]:
    """The ideas a score rule keeps: ``scores`` holds the scored ones, ``ideas`` the whole
    pool in its order (as :func:`preview` ranks them)."""
    if rule["kind"] == "threshold":
        threshold = float(rule.get("threshold", 3.0))
        return {rid for rid, s in scores.items() if s is not None and s >= threshold}
    n = int(rule.get("n", 0))
    # The preview ranks every idea by its score, an idea with none as 0, in the pool's order
    # where they are equal. When n ideas score above 0, the top n are among those alone.
    above = [rid for rid, s in scores.items() if s is not None and s > 0]
    if len(above) >= n:
        return set(heapq.nlargest(n, above, key=scores.__getitem__))
    ranked = sorted(ideas, key=lambda rid: -(scores.get(rid) or 0.0))
    return set(ranked[:n])


# -- the why-report -------------------------------------------------------------------------


def idea_paths(session: Session) -> list[tuple[Idea, list[tuple[str, bool, str]]]]:
    """Every idea that ever entered the funnel and its path: ``(round name, kept, reason)`` per
    round it was screened in, then a merge if it was merged away."""
    # Each round's decisions by idea first: thousands of ideas by thousands of decisions would
    # otherwise be millions of comparisons.
    by_round = [(rnd.name, {d["idea"]: d for d in rnd.decisions}) for rnd in session.rounds()]
    out = []
    for idea in session.all(Idea, include_deleted=True):
        if idea.deleted and not idea.merged_from:
            continue
        steps: list[tuple[str, bool, str]] = []
        for name, decisions in by_round:
            decision = decisions.get(idea.id)
            if decision is not None:
                steps.append((name, decision["kept"], reason_text(decision["reason"], session)))
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
            outcome = outcome_text(session, idea, steps, selected, escape=_md)
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


def outcome(idea: Idea, steps: list[tuple[str, bool, str]], selected: set[str]) -> str:
    """Where an idea ended: ``merged``, ``unmerged``, ``selected``, ``cut`` or ``not_screened``
    (the why-report's words, under ``why.``)."""
    if idea.status == IDEA_MERGED:
        return "merged"
    if idea.deleted:
        return "unmerged"
    if idea.id in selected:
        return "selected"
    return "cut" if steps else "not_screened"


def outcome_text(session: Session, idea: Idea, steps: list[tuple[str, bool, str]],
                 selected: set[str], escape=lambda text: text) -> str:
    """:func:`outcome` in the user's language; ``escape`` makes a merged idea's title safe
    for where it is shown (Markdown in the export, nothing in the app)."""
    from facilitator.i18n import t

    code = outcome(idea, steps, selected)
    if code == "merged":
        into = session.get(Idea, idea.merged_into)
        return t("why.merged_into", title=escape(into.title if into else "?"))
    return t(f"why.{code}")


def _md(text: str) -> str:
    """User text made inert in Markdown (see :func:`facilitator.core.text.markdown_escape`)."""
    from facilitator.core.text import markdown_escape

    return markdown_escape(text)


# -- entering scores and votes --------------------------------------------------------------


class ScoreBook:
    """Every rater's scores, indexed by idea, for the scoring grid.

    Built once from the session, then kept current with :meth:`update` from the records each
    change wrote, so that entering one score (and showing the new mean) costs the same at 3,000
    ideas as at 64: nothing is recounted but the one idea's scores.
    """

    def __init__(self, session: Session) -> None:
        self.rubric = criteria(session)
        self._gap = disagreement_gap(self.rubric)
        self._cells: dict[str, dict[tuple[str, str], Score]] = defaultdict(dict)
        self._raters: dict[str, int] = defaultdict(int)
        self._summaries: dict[str, tuple[float | None, str | None, float | None]] = {}
        for (idea, crit, rater), score in latest_scores(session.all(Score)).items():
            self._cells[idea][(crit, rater)] = score
            self._raters[rater] += 1

    def get(self, idea_id: str, criterion: str, rater: str) -> Score | None:
        """The rater's score of the idea on the criterion, or None."""
        cells = self._cells.get(idea_id)
        return cells.get((criterion, rater)) if cells else None

    def update(self, scores: Iterable[Score]) -> set[str]:
        """Take in the new state of some scores (added, edited or deleted, by the coach or by
        undo); returns the ideas whose scores changed."""
        changed: set[str] = set()
        for score in scores:
            cells = self._cells[score.idea_id]
            key = (score.criterion, score.rater)
            current = cells.get(key)
            if score.deleted:
                if current is not None and current.id == score.id:
                    del cells[key]
                    self._raters[score.rater] -= 1
                    changed.add(score.idea_id)
            elif current is None or current.id == score.id or (
                    (score.updated, score.id) >= (current.updated, current.id)):
                if current is None:
                    self._raters[score.rater] += 1
                cells[key] = score
                changed.add(score.idea_id)
        for idea_id in changed:
            self._summaries.pop(idea_id, None)
        return changed

    def raters(self) -> list[str]:
        """The raters who have scored something, in alphabetical order."""
        return sorted((r for r, n in self._raters.items() if n > 0), key=str.casefold)

    def means(self, idea_id: str) -> dict[str, float]:
        """The idea's mean per criterion over all raters."""
        values: dict[str, list[float]] = defaultdict(list)
        for (crit, _rater), score in self._cells.get(idea_id, {}).items():
            values[crit].append(float(score.value))
        return {crit: sum(v) / len(v) for crit, v in values.items()}

    def summary(self, idea_id: str) -> tuple[float | None, str | None, float | None]:
        """``(weighted mean, first gate failed, spread between raters)`` of an idea, worked
        out once and kept until its scores change."""
        found = self._summaries.get(idea_id)
        if found is None:
            means = self.means(idea_id)
            per_rater: dict[str, dict[str, float]] = defaultdict(dict)
            for (crit, rater), score in self._cells.get(idea_id, {}).items():
                per_rater[rater][crit] = float(score.value)
            values = [v for v in (weighted_score(m, self.rubric) for m in per_rater.values())
                      if v is not None]
            spread = round(max(values) - min(values), 2) if len(values) >= 2 else None
            found = (weighted_score(means, self.rubric), failed_gate(means, self.rubric),
                     spread)
            self._summaries[idea_id] = found
        return found

    def weighted(self, idea_id: str) -> float | None:
        """The idea's weighted mean over all raters: the figure a score round cuts on."""
        return self.summary(idea_id)[0]

    def failed_gate(self, idea_id: str) -> str | None:
        """The first gate most raters said the idea fails, or None."""
        return self.summary(idea_id)[1]

    def spread(self, idea_id: str) -> float | None:
        """How far apart the raters' weighted scores of the idea lie (None with fewer than two)."""
        return self.summary(idea_id)[2]

    def disagree(self, idea_id: str) -> float | None:
        """The spread if the raters disagree widely (see :data:`DISAGREEMENT`), else None."""
        spread = self.spread(idea_id)
        if spread is None or spread < self._gap:
            return None
        return spread


def score_range(crit: Criterion) -> tuple[int, int]:
    """The values a criterion takes: 0-1 for a gate (fail, pass), 1-scale otherwise."""
    return (0, 1) if crit.gate else (1, crit.scale_max)


def set_score(session: Session, book: ScoreBook, idea_id: str, crit: Criterion, rater: str,
              value: int | None) -> Score | None:
    """Record ``rater``'s score of an idea on ``crit`` (``None`` clears it), as one change.

    The score is checked against the criterion's scale; entering the value already there
    changes nothing. ``book`` is brought up to date.
    """
    from facilitator.core.text import clean

    rater = clean(rater)
    if not rater:
        raise FunnelError("rater_empty")
    existing = book.get(idea_id, crit.key, rater)
    if value is None:
        if existing is None:
            return None
        gone = session.delete(existing, "scores.delete")
        book.update([gone])
        return None
    low, high = score_range(crit)
    if not low <= value <= high:
        raise FunnelError("gate_value" if crit.gate else "score_range", low=low, high=high)
    if existing is not None:
        if existing.value == value:
            return existing
        record = session.edit(existing, "scores.edit", value=value)
    else:
        record = session.add(Score(idea_id=idea_id, criterion=crit.key, rater=rater,
                                   value=value), "scores.add")
    book.update([record])
    return record


def votes_by(session: Session) -> dict[tuple[str, str], Vote]:
    """The tally each rater (a table, a person) gave each idea: ``{(idea, rater): vote}``."""
    out: dict[tuple[str, str], Vote] = {}
    for vote in session.all(Vote):
        key = (vote.idea_id, vote.rater)
        old = out.get(key)
        if old is None or (vote.updated, vote.id) >= (old.updated, old.id):
            out[key] = vote
    return out


MAX_DOTS = 9999
"""More dots than any hall could hand out: a typing slip, not a tally."""


def set_dots(session: Session, idea_id: str, rater: str, dots: int) -> Vote | None:
    """Record the dots ``rater`` gave an idea (0 clears the tally), as one change."""
    from facilitator.core.text import clean

    rater = clean(rater)
    if not rater:
        raise FunnelError("rater_empty")
    if not 0 <= dots <= MAX_DOTS:
        raise FunnelError("dots_range", high=MAX_DOTS)
    existing = votes_by(session).get((idea_id, rater))
    if dots == 0:
        if existing is not None:
            session.delete(existing, "votes.delete")
        return None
    if existing is not None:
        if existing.dots == dots:
            return existing
        return session.edit(existing, "votes.edit", dots=dots)
    return session.add(Vote(idea_id=idea_id, rater=rater, dots=dots), "votes.add")


def dot_budget(session: Session) -> tuple[int, int]:
    """``(dots each participant has, participants who could vote)``.

    The voters are those checked in on the latest day anyone checked in (everyone registered,
    before any check-in).
    """
    from facilitator.core.records import Participant

    people = session.all(Participant)
    days = sorted({d for p in people for d in p.attendance})
    voters = [p for p in people if days[-1] in p.attendance] if days else people
    return session.lab.dots_per_person, len(voters)


def set_dot_budget(session: Session, dots: int) -> Lab:
    """Set how many dots each participant has."""
    if not 1 <= dots <= 99:
        raise FunnelError("dots_per_person", high=99)
    return session.edit(session.lab, "lab.edit", dots_per_person=dots)


# -- undoing a round ------------------------------------------------------------------------


def undo_round(session: Session) -> Round | None:
    """Take back the latest round, whatever was changed after it: its pool is the pool again.

    The round is deleted softly, as one change of its own, so undo (ctrl+z) brings it back.
    Only the latest round can go: an earlier one is the pool of the rounds after it.
    """
    rounds = session.rounds()
    if not rounds:
        return None
    return session.delete(rounds[-1], "rounds.delete")


# -- editing the rubric ---------------------------------------------------------------------

MAX_SCALE = 10
MAX_WEIGHT = 100.0


def _check_criterion(name: str, weight: float, scale_max: int, gate: bool) -> None:
    if not name:
        raise FunnelError("criterion_name")
    if not gate and not 0 < weight <= MAX_WEIGHT:
        raise FunnelError("criterion_weight", high=int(MAX_WEIGHT))
    if not gate and not 2 <= scale_max <= MAX_SCALE:
        raise FunnelError("criterion_scale", high=MAX_SCALE)


def edit_criterion(session: Session, crit: Criterion, *, name: str, weight: float,
                   scale_max: int, gate: bool, lang: str | None = None) -> Criterion:
    """Change a criterion of this session's rubric: its name (in ``lang``, default the user's),
    weight, scale, and whether it is a pass/fail gate.

    The scores already entered are kept: a score above a narrowed scale still counts as given
    (the grid shows it for the rater to correct).
    """
    from facilitator.core.text import clean
    from facilitator.i18n import language

    name = clean(name)
    _check_criterion(name, weight, scale_max, gate)
    names = dict(crit.name)
    names[lang or language()] = name
    return session.edit(crit, "criteria.edit", name=names, weight=float(weight),
                        scale_max=int(scale_max) if not gate else crit.scale_max, gate=gate)


def add_criterion(session: Session, *, name: str, weight: float = 1.0, scale_max: int = 5,
                  gate: bool = False, lang: str | None = None) -> Criterion:
    """Add a criterion to the end of this session's rubric.

    Its key is made from the name and never reuses the key of a criterion removed before, so
    that old scores are not taken for new ones.
    """
    from facilitator.core.text import clean, normal
    from facilitator.i18n import language

    name = clean(name)
    _check_criterion(name, weight, scale_max, gate)
    every = session.all(Criterion, include_deleted=True)
    taken = {c.key for c in every}
    base = re.sub(r"[^a-z0-9]+", "_", normal(name)).strip("_")[:24] or "criterion"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    order = max((c.order for c in every), default=0) + 1
    return session.add(Criterion(key=key, name={lang or language(): name}, weight=float(weight),
                                 scale_max=int(scale_max), gate=gate, order=order),
                       "criteria.add")


def remove_criterion(session: Session, crit: Criterion) -> Criterion:
    """Take a criterion out of this session's rubric; its scores stay on record, unused."""
    if len(criteria(session)) <= 1:
        raise FunnelError("last_criterion")
    return session.delete(crit, "criteria.delete")


def move_criterion(session: Session, crit: Criterion, step: int) -> bool:
    """Move a criterion up (``step`` -1) or down (+1) the rubric; False at either end."""
    rubric = criteria(session)
    index = next((n for n, c in enumerate(rubric) if c.id == crit.id), None)
    if index is None or not 0 <= index + step < len(rubric):
        return False
    other = rubric[index + step]
    orders = [c.order for c in rubric]
    if len(set(orders)) != len(orders):
        # Equal orders (a template without them): number the rubric first.
        orders = list(range(1, len(rubric) + 1))
    renumbered = {c.id: orders[n] for n, c in enumerate(rubric)}
    renumbered[crit.id], renumbered[other.id] = renumbered[other.id], renumbered[crit.id]
    changed = [dataclasses.replace(c, order=renumbered[c.id]) for c in rubric
               if c.order != renumbered[c.id]]
    session.commit("criteria.edit", changed)
    return True


# -- the funnel by unit ---------------------------------------------------------------------


def unit_breakdown(session: Session) -> list[tuple[str, list[int]]]:
    """How many ideas of each unit entered the funnel and how many each round kept:
    ``[(unit id, [entered, kept in round 1, kept in round 2, ...])]``, in the units' order,
    then ideas without a unit (unit id ``""``) if there are any."""
    rounds = session.rounds()
    stages = [r.pool for r in rounds[:1]] + [r.kept for r in rounds]
    if not rounds:
        stages = [[i.id for i in session.ideas()]]
    counts: dict[str, list[int]] = {u.id: [0] * len(stages) for u in session.all(Unit)}
    for n, ids in enumerate(stages):
        for rid in ids:
            idea = session.get(Idea, rid)
            unit = idea.unit_id if idea is not None and idea.unit_id in counts else ""
            counts.setdefault(unit, [0] * len(stages))[n] += 1
    ordered = [(u.id, counts[u.id]) for u in session.all(Unit)]
    if "" in counts:
        ordered.append(("", counts[""]))
    return ordered
