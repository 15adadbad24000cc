"""The funnel: capture, score, run rounds with reasons, merge, undo - as a lab does it."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from facilitator import i18n
from facilitator.cli import main
from facilitator.core import funnel
from facilitator.core.errors import RuleError
from facilitator.core.records import Criterion, Idea, Score, Unit, Vote
from facilitator.core.session import Session
from facilitator.core.stats import stats


def new_session(folder: Path, name="lab.json") -> Session:
    return Session.create(folder / name, region="Kabupaten Sorong", actor="coach")


def score_all(session: Session, values: dict[str, float], raters=("juri",)) -> None:
    """Give every idea the same score on every scored criterion, and pass every gate."""
    records = []
    for idea in session.ideas():
        for crit in funnel.criteria(session):
            for rater in raters:
                value = 1 if crit.gate else values[idea.id]
                records.append(Score(idea_id=idea.id, criterion=crit.key, rater=rater,
                                     value=value))
    session.commit("scores.bulk", records)


def capture(session: Session, count: int, units: int = 24) -> list[Idea]:
    unit_records = [Unit(name=f"OPD {n}") for n in range(units)]
    session.commit("units.bulk", unit_records)
    ideas = [Idea(title=f"Ide {n}", unit_id=unit_records[n % units].id) for n in range(count)]
    session.commit("ideas.bulk", ideas)
    return ideas


def fail_gate(session: Session, idea_ids, key="authority") -> None:
    session.commit("scores.gate", [Score(idea_id=i, criterion=key, rater="juri2", value=0)
                                   for i in idea_ids] +
                   [Score(idea_id=i, criterion=key, rater="juri3", value=0) for i in idea_ids])


def test_sorong_64_proposals_become_41_innovations_in_two_rounds(tmp_path):
    s = new_session(tmp_path)
    ideas = capture(s, 64)
    rng = random.Random(64)
    values = {}
    for n, idea in enumerate(ideas):
        values[idea.id] = 2.0 + (n % 11) * 0.1 if n >= 52 else 3.0 + rng.random() * 2
    score_all(s, values)
    fail_gate(s, [i.id for i in ideas[:12]])
    gates = funnel.apply_round(s, "Gerbang", funnel.preview(s, {"kind": "gates"}))
    assert len(gates.kept) == 52
    second = funnel.preview(s, {"kind": "threshold", "threshold": 3.0})
    funnel.apply_round(s, "Skor", second)
    assert stats(s)["funnel"] == [{"name": "Gerbang", "in": 64, "out": 52},
                                  {"name": "Skor", "in": 52, "out": 41}]
    assert stats(s)["selected"] == 41
    cut = [d for d in s.rounds()[1].decisions if not d["kept"]]
    assert len(cut) == 11
    assert all(funnel.reason_text(d["reason"], s).startswith("skor 2,") for d in cut)
    assert "< ambang 3,0" in funnel.reason_text(cut[0]["reason"], s)
    gate_cut = [d for d in s.rounds()[0].decisions if not d["kept"]][0]
    assert funnel.reason_text(gate_cut["reason"], s) == "tidak lolos gerbang: Kewenangan daerah"
    i18n.set_language("en")
    assert funnel.reason_text(gate_cut["reason"], s) == \
        "failed the gate: Within regional authority"
    s.close()


def test_banjar_268_ideas_become_104_by_top_n(tmp_path):
    s = new_session(tmp_path)
    ideas = capture(s, 268, units=40)
    values = {idea.id: 1 + (n * 37 % 268) / 67 for n, idea in enumerate(ideas)}
    score_all(s, values)
    plan = funnel.preview(s, {"kind": "top_score", "n": 104})
    assert plan.ties == []
    funnel.apply_round(s, "104 teratas", plan)
    assert stats(s)["funnel"] == [{"name": "104 teratas", "in": 268, "out": 104}]
    kept_scores = [values[i] for i in s.selected_ids()]
    cut_scores = [values[i.id] for i in ideas if i.id not in set(s.selected_ids())]
    assert min(kept_scores) > max(cut_scores)
    s.close()


def test_a_tie_at_the_cut_must_be_settled_by_the_coach(tmp_path):
    s = new_session(tmp_path)
    ideas = capture(s, 5, units=1)
    score_all(s, dict(zip([i.id for i in ideas], [5, 4, 3, 3, 1])))
    plan = funnel.preview(s, {"kind": "top_score", "n": 3})
    assert set(plan.ties) == {ideas[2].id, ideas[3].id}
    with pytest.raises(RuleError) as err:
        funnel.apply_round(s, "Top 3", plan)
    assert "nilai sama" in err.value.message()
    with pytest.raises(RuleError):
        funnel.apply_round(s, "Top 3", plan, tie_keep=[ideas[2].id, ideas[3].id])
    rnd = funnel.apply_round(s, "Top 3", plan, tie_keep=[ideas[3].id])
    assert set(rnd.kept) == {ideas[0].id, ideas[1].id, ideas[3].id}
    reasons = {d["idea"]: d["reason"]["code"] for d in rnd.decisions}
    assert reasons[ideas[2].id] == "tie_cut" and reasons[ideas[3].id] == "tie_kept"
    s.close()


def test_the_coachs_override_needs_a_reason_and_keeps_the_rules_one(tmp_path):
    s = new_session(tmp_path)
    ideas = capture(s, 3, units=1)
    score_all(s, {ideas[0].id: 4, ideas[1].id: 2, ideas[2].id: 2.9})
    plan = funnel.preview(s, {"kind": "threshold", "threshold": 3.0})
    with pytest.raises(RuleError):
        funnel.apply_round(s, "Skor", plan, overrides={ideas[2].id: (True, "  ")})
    rnd = funnel.apply_round(s, "Skor", plan,
                             overrides={ideas[2].id: (True, "usulan Bupati, anggaran ada")})
    decision = next(d for d in rnd.decisions if d["idea"] == ideas[2].id)
    assert decision["kept"] and decision["reason"]["was"]["code"] == "score_lt"
    assert funnel.reason_text(decision["reason"]) == \
        "keputusan fasilitator: usulan Bupati, anggaran ada"
    s.close()


def test_a_preview_reads_scores_weights_ideas_and_rounds_as_they_are_now(tmp_path):
    """The weighted scores are kept between previews: each change the coach makes between two
    previews (a score, a weight, a new idea, a round recorded) shows in the next one."""
    s = new_session(tmp_path)
    a, b, c = capture(s, 3, units=1)
    scored = [crit for crit in funnel.criteria(s) if not crit.gate]
    first, second = scored[0], scored[1]
    s.commit("scores", [Score(idea_id=a.id, criterion=first.key, rater="juri", value=5),
                        Score(idea_id=a.id, criterion=second.key, rater="juri", value=1),
                        Score(idea_id=b.id, criterion=first.key, rater="juri", value=1),
                        Score(idea_id=b.id, criterion=second.key, rater="juri", value=4)])
    top1, above = {"kind": "top_score", "n": 1}, {"kind": "threshold", "threshold": 2.25}
    assert funnel.preview(s, top1).kept == [a.id]  # 3.0 against 2.5
    # Another score: a falls to 2.0, b leads.
    s.commit("score", [Score(idea_id=a.id, criterion=first.key, rater="juri", value=3)])
    assert funnel.preview(s, top1).kept == [b.id]
    assert funnel.preview(s, above).kept == [b.id]
    # The second criterion weighs next to nothing: a's 3 on the first counts, b's 1 too.
    funnel.edit_criterion(s, second, name=second.name, weight=0.01,
                          scale_max=second.scale_max, gate=False)
    assert funnel.preview(s, top1).kept == [a.id]
    assert funnel.preview(s, above).kept == [a.id]
    # A new idea with the best scores enters the pool, and the preview.
    d = Idea(title="Ide baru", unit_id=a.unit_id)
    s.commit("idea", [d])
    s.commit("scores", [Score(idea_id=d.id, criterion=crit.key, rater="juri", value=5)
                        for crit in scored])
    top2 = {"kind": "top_score", "n": 2}
    plan = funnel.preview(s, top2)
    assert plan.kept == [a.id, d.id] and len(plan.decisions) == 4
    assert funnel.borderline(s, top2) == rescored_borderline(s, top2)
    # A round recorded: the next preview screens its survivors only.
    funnel.apply_round(s, "Putaran 1", plan)
    after = funnel.preview(s, top1)
    assert [dec["idea"] for dec in after.decisions] == [a.id, d.id]
    assert after.kept == [d.id]
    assert funnel.borderline(s, top1) == rescored_borderline(s, top1)
    s.close()


def test_votes_rule_counts_dots(tmp_path):
    s = new_session(tmp_path)
    ideas = capture(s, 4, units=1)
    s.commit("votes", [Vote(idea_id=ideas[n].id, rater=r, dots=d)
                       for n, r, d in [(0, "meja 1", 3), (1, "meja 1", 5), (1, "meja 2", 2),
                                       (2, "meja 2", 1)]])
    rnd = funnel.apply_round(s, "Suara", funnel.preview(s, {"kind": "top_votes", "n": 2}))
    assert rnd.kept == [ideas[0].id, ideas[1].id]
    out = next(d for d in rnd.decisions if d["idea"] == ideas[2].id)
    assert funnel.reason_text(out["reason"]) == "peringkat 3, di luar 2 teratas (1 suara)"
    s.close()


def test_raters_who_disagree_widely_are_flagged(tmp_path):
    s = new_session(tmp_path)
    ideas = capture(s, 2, units=1)
    records = []
    for crit in funnel.criteria(s):
        if crit.gate:
            continue
        records += [Score(idea_id=ideas[0].id, criterion=crit.key, rater="meja 1", value=5),
                    Score(idea_id=ideas[0].id, criterion=crit.key, rater="meja 2", value=2),
                    Score(idea_id=ideas[1].id, criterion=crit.key, rater="meja 1", value=4),
                    Score(idea_id=ideas[1].id, criterion=crit.key, rater="meja 2", value=3.5)]
    s.commit("scores", records)
    assert funnel.disagreements(s) == {ideas[0].id: 3.0}
    s.close()


def test_merge_keeps_the_originals_and_unmerge_restores_them(tmp_path):
    s = new_session(tmp_path)
    unit = s.add(Unit(name="Disdukcapil"))
    a = s.add(Idea(title="KTP keliling", description="ke distrik", unit_id=unit.id))
    b = s.add(Idea(title="Layanan KTP keliling", initiator="asn"))
    s.add(Idea(title="Posyandu digital"))
    assert funnel.suggest_duplicates(s) == [[a.id, b.id]]
    merged = funnel.merge_ideas(s, [a.id, b.id], title="KTP Keliling Distrik")
    assert stats(s)["ideas"] == 2
    assert merged.merged_from == [a.id, b.id] and merged.unit_id == unit.id
    assert s.get(Idea, a.id).merged_into == merged.id
    funnel.unmerge_idea(s, merged.id)
    assert {i.id for i in s.ideas()} == {a.id, b.id, s.ideas()[2].id}
    restored = s.get(Idea, b.id)
    assert (restored.title, restored.initiator, restored.status) == (
        "Layanan KTP keliling", "asn", "active")
    s.close()


def test_an_idea_merged_after_a_round_stays_in_the_pool(tmp_path):
    s = new_session(tmp_path)
    ideas = capture(s, 3, units=1)
    funnel.apply_round(s, "Pilih", funnel.preview(s, {"kind": "pick",
                                                       "keep": [ideas[0].id, ideas[1].id]}))
    merged = funnel.merge_ideas(s, [ideas[0].id, ideas[1].id], title="Gabungan")
    assert [i.id for i in funnel.pool(s)] == [merged.id]
    s.close()


def test_the_why_report_tells_every_ideas_path(tmp_path, capsys):
    s = new_session(tmp_path)
    ideas = capture(s, 3, units=1)
    s.edit(ideas[2], title="[bold]Ide # 2[/bold]")
    score_all(s, {ideas[0].id: 4, ideas[1].id: 2.5, ideas[2].id: 3.5})
    funnel.apply_round(s, "Skor rubrik", funnel.preview(s, {"kind": "threshold",
                                                            "threshold": 3.0}))
    report = funnel.why_report(s)
    assert "skor 2,5 < ambang 3,0" in report and "tersisih" in report
    assert "\\[bold\\]Ide \\# 2\\[/bold\\]" in report
    s.close()
    out = tmp_path / "out"
    assert main(["export", str(tmp_path / "lab.json"), "--format", "funnel", "--out",
                 str(out)]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.parent == out.resolve() and written.name == "kabupaten-sorong-funnel.md"
    assert "Skor rubrik" in written.read_text(encoding="utf-8")
    assert main(["export", str(tmp_path / "lab.json"), "--format", "nope", "--out",
                 str(out)]) == 1


# -- properties -----------------------------------------------------------------------------

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

rules = st.one_of(
    st.just({"kind": "gates"}),
    st.builds(lambda t: {"kind": "threshold", "threshold": t}, st.sampled_from([2.0, 3.0, 3.5])),
    st.builds(lambda n: {"kind": "top_score", "n": n}, st.integers(1, 8)),
    st.builds(lambda n: {"kind": "top_votes", "n": n}, st.integers(1, 8)),
)


@SETTINGS
@given(scores=st.lists(st.integers(1, 5), min_size=2, max_size=8),
       gates=st.lists(st.booleans(), min_size=8, max_size=8), rule=rules,
       votes=st.lists(st.integers(0, 5), min_size=8, max_size=8))
def test_every_idea_of_the_pool_is_decided_exactly_once_with_a_reason(scores, gates, rule,
                                                                       votes):
    with tempfile.TemporaryDirectory() as folder:
        s = new_session(Path(folder))
        ideas = capture(s, len(scores), units=2)
        score_all(s, {i.id: v for i, v in zip(ideas, scores)})
        fail_gate(s, [i.id for i, ok in zip(ideas, gates) if not ok])
        s.commit("votes", [Vote(idea_id=i.id, dots=d) for i, d in zip(ideas, votes)])
        before = [i.id for i in funnel.pool(s)]
        plan = funnel.preview(s, rule)
        tie_keep = None
        if plan.ties:
            sure = sum(1 for d in plan.decisions if d["kept"] and d["idea"] not in plan.ties)
            tie_keep = plan.ties[: rule["n"] - sure]
        rnd = funnel.apply_round(s, "Babak", plan, tie_keep=tie_keep)
        decided = [d["idea"] for d in rnd.decisions]
        assert sorted(decided) == sorted(before) and len(set(decided)) == len(decided)
        for decision in rnd.decisions:
            assert decision["reason"]["code"]
            assert funnel.reason_text(decision["reason"], s).strip()
        if rule["kind"] in ("top_score", "top_votes"):
            assert len(rnd.kept) == min(rule["n"], len(before))
        s.undo()
        assert [i.id for i in funnel.pool(s)] == before and s.rounds() == []
        s.close()


@SETTINGS
@given(titles=st.lists(st.text(min_size=1, max_size=20).filter(lambda t: t.strip()),
                       min_size=2, max_size=5), pick=st.integers(2, 5))
def test_merge_then_unmerge_restores_the_ideas(titles, pick):
    with tempfile.TemporaryDirectory() as folder:
        s = new_session(Path(folder))
        s.commit("ideas", [Idea(title=t, description=t * 2) for t in titles])
        before = {i.id: (i.title, i.description, i.status, i.merged_into) for i in s.ideas()}
        chosen = [i.id for i in s.ideas()][:pick]
        if len(chosen) < 2:
            s.close()
            return
        merged = funnel.merge_ideas(s, chosen, title="Gabungan")
        assert len(s.ideas()) == len(before) - len(chosen) + 1
        funnel.unmerge_idea(s, merged.id)
        after = {i.id: (i.title, i.description, i.status, i.merged_into) for i in s.ideas()}
        assert after == before
        s.close()


def brute_force_borderline(raw, weights, gates, threshold):
    """An independent check: recompute every idea's fate from the raw scores under each
    one-weight change, without the funnel module."""
    def fates(ws):
        out = {}
        for idea, per_crit in raw.items():
            total = sum(ws[c] * (sum(v) / len(v)) for c, v in per_crit.items() if c not in gates)
            wsum = sum(ws[c] for c in per_crit if c not in gates)
            out[idea] = round(total / wsum, 2) >= threshold
        return out
    base = fates(weights)
    flips = set()
    for crit in weights:
        if crit in gates:
            continue
        for factor in (0.8, 1.2):
            changed = dict(weights, **{crit: weights[crit] * factor})
            flips |= {i for i, kept in fates(changed).items() if kept != base[i]}
    return flips


@SETTINGS
@given(grid=st.lists(st.lists(st.integers(1, 10), min_size=5, max_size=5), min_size=1,
                     max_size=12),
       wide=st.booleans(), unscored=st.integers(0, 3), n=st.integers(1, 8))
def test_borderline_of_a_top_n_is_each_weighting_scored_in_full(grid, wide, unscored, n):
    """The ideas near the cut of a top N, with one criterion on a 1-10 scale or none, and some
    ideas not scored: the same as scoring every idea again under each weighting."""
    with tempfile.TemporaryDirectory() as folder:
        s = new_session(Path(folder))
        ideas = capture(s, len(grid) + unscored, units=1)
        scored = [c for c in funnel.criteria(s) if not c.gate]
        if wide:
            funnel.edit_criterion(s, scored[0], name=scored[0].name, weight=scored[0].weight,
                                  scale_max=10, gate=False)
        rubric = funnel.criteria(s)
        top = {c.key: c.scale_max for c in rubric}
        s.commit("scores", [Score(idea_id=i.id, criterion=c.key, rater="juri",
                                  value=min(v, top[c.key]))
                            for i, row in zip(ideas, grid) for c, v in zip(scored, row)])
        rule = {"kind": "top_score", "n": n}
        assert funnel.borderline(s, rule) == rescored_borderline(s, rule)
        s.close()


def rescored_borderline(session: Session, rule: dict) -> set[str]:
    """The ideas near the cut found the plain way: every idea of the pool scored again under
    each weighting, and ranked as the preview ranks them."""
    means = funnel.mean_scores(session)
    rubric = funnel.criteria(session)
    ideas = funnel.pool(session)

    def fates(weights):
        scores = {i.id: funnel.weighted_score(means.get(i.id, {}), rubric, weights)
                  for i in ideas}
        if rule["kind"] == "threshold":
            return {rid: s is not None and s >= rule["threshold"] for rid, s in scores.items()}
        ranked = sorted(scores, key=lambda rid: -(scores[rid] or 0.0))
        return {rid: pos < rule["n"] for pos, rid in enumerate(ranked)}

    base = fates(None)
    expected = set()
    for crit in (c for c in rubric if not c.gate):
        for factor in (0.8, 1.2):
            changed = fates({crit.key: crit.weight * factor})
            expected |= {rid for rid, kept in changed.items() if kept != base[rid]}
    return expected


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(grid=st.lists(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=5, max_size=5),
                     min_size=1, max_size=40),
       second=st.lists(st.integers(1, 5), max_size=40), wide=st.booleans(),
       rule=st.one_of(
           st.builds(lambda n: {"kind": "top_score", "n": n}, st.integers(1, 45)),
           st.builds(lambda t: {"kind": "threshold", "threshold": t},
                     st.sampled_from([1.0, 2.5, 2.75, 3.0, 3.4, 4.0, 5.0]))))
def test_borderline_with_partial_scores_is_each_weighting_scored_in_full(grid, second, wide,
                                                                        rule):
    """Up to 40 ideas, each scored on some criteria only, some by a second rater too (means
    that are not whole numbers), one criterion on a 1-10 scale or none: the ideas near the
    cut are those that scoring every idea again under each weighting finds. (borderline scores
    again only the ideas whose score could move far enough to change a fate.)"""
    with tempfile.TemporaryDirectory() as folder:
        s = new_session(Path(folder))
        ideas = capture(s, len(grid), units=1)
        scored = [c for c in funnel.criteria(s) if not c.gate]
        if wide:
            funnel.edit_criterion(s, scored[0], name=scored[0].name, weight=scored[0].weight,
                                  scale_max=10, gate=False)
        top = {c.key: c.scale_max for c in funnel.criteria(s)}
        records = [Score(idea_id=i.id, criterion=c.key, rater="juri", value=min(v, top[c.key]))
                   for i, row in zip(ideas, grid) for c, v in zip(scored, row) if v is not None]
        records += [Score(idea_id=i.id, criterion=scored[n % 5].key, rater="juri-2", value=v)
                    for n, (i, v) in enumerate(zip(ideas, second))]
        s.commit("scores", records)
        assert funnel.borderline(s, rule) == rescored_borderline(s, rule)
        s.close()


@SETTINGS
@given(grid=st.lists(st.lists(st.integers(1, 5), min_size=5, max_size=5), min_size=1,
                     max_size=6),
       threshold=st.sampled_from([2.5, 3.0, 3.5]))
def test_borderline_flags_match_a_brute_force_check(grid, threshold):
    with tempfile.TemporaryDirectory() as folder:
        s = new_session(Path(folder))
        ideas = capture(s, len(grid), units=1)
        scored = [c for c in funnel.criteria(s) if not c.gate]
        s.commit("scores", [Score(idea_id=i.id, criterion=c.key, rater="juri", value=v)
                            for i, row in zip(ideas, grid) for c, v in zip(scored, row)])
        raw = {i.id: {c.key: [v] for c, v in zip(scored, row)} for i, row in zip(ideas, grid)}
        weights = {c.key: c.weight for c in s.all(Criterion)}
        gates = {c.key for c in s.all(Criterion) if c.gate}
        expected = brute_force_borderline(raw, weights, gates, threshold)
        assert funnel.borderline(s, {"kind": "threshold", "threshold": threshold}) == expected
        s.close()
