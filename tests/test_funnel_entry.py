"""Entering the funnel's numbers through the core: scores one cell at a time, dot tallies, the
rubric edited for a session, undoing a round, the funnel by unit."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from facilitator import i18n
from facilitator.core import funnel
from facilitator.core.errors import RuleError
from facilitator.core.records import Criterion, Idea, Participant, Score, Unit, Vote
from facilitator.core.session import Session


def new_session(folder: Path) -> Session:
    return Session.create(folder / "lab.json", region="Kabupaten Sorong", actor="coach")


def capture(session: Session, count: int, units: int = 2) -> list[Idea]:
    unit_records = [Unit(name=f"OPD {n}") for n in range(units)]
    session.commit("units.bulk", unit_records)
    ideas = [Idea(title=f"Ide {n}", unit_id=unit_records[n % units].id) for n in range(count)]
    session.commit("ideas.bulk", ideas)
    return ideas


def rubric(session: Session) -> dict[str, Criterion]:
    return {c.key: c for c in funnel.criteria(session)}


@pytest.fixture
def lab(tmp_path):
    session = new_session(tmp_path)
    yield session
    session.close()


# -- scores, one cell at a time ------------------------------------------------------------------

def test_a_typed_score_is_one_durable_change_and_the_book_follows(lab):
    (idea,) = capture(lab, 1)
    book = funnel.ScoreBook(lab)
    crits = rubric(lab)
    funnel.set_score(lab, book, idea.id, crits["relevance"], "Juri 1", 4)
    assert lab.undoable().action == "scores.add"
    funnel.set_score(lab, book, idea.id, crits["relevance"], "Juri 1", 2)
    assert lab.undoable().action == "scores.edit"
    (score,) = lab.all(Score)
    assert (score.value, score.rater) == (2, "Juri 1")
    # The same value again changes nothing.
    changes = len(lab.records["audit"])
    funnel.set_score(lab, book, idea.id, crits["relevance"], "Juri 1", 2)
    assert len(lab.records["audit"]) == changes
    assert book.weighted(idea.id) == funnel.weighted_score(
        funnel.mean_scores(lab)[idea.id], funnel.criteria(lab)) == 2.0
    funnel.set_score(lab, book, idea.id, crits["relevance"], "Juri 1", None)
    assert lab.all(Score) == [] and book.weighted(idea.id) is None
    # Undo brings the score back; the book takes the undo's records in.
    entry = lab.undo()
    assert book.update(Score.from_doc(c[3]) for c in lab.records["audit"][
        next(reversed(lab.records["audit"]))].changes) == {idea.id}
    assert entry.action == "scores.delete" and book.weighted(idea.id) == 2.0


def test_scores_off_the_scale_and_nameless_raters_are_refused(lab):
    (idea,) = capture(lab, 1)
    book = funnel.ScoreBook(lab)
    crits = rubric(lab)
    for crit, value in ((crits["impact"], 6), (crits["impact"], 0), (crits["authority"], 2)):
        with pytest.raises(RuleError) as err:
            funnel.set_score(lab, book, idea.id, crit, "Juri", value)
        assert err.value.message() != f"funnel.error.{err.value.code}"
    with pytest.raises(RuleError):
        funnel.set_score(lab, book, idea.id, crits["impact"], "   ", 3)
    assert lab.all(Score) == []


def test_the_book_agrees_with_the_funnel_on_means_gates_and_disagreement(lab):
    ideas = capture(lab, 3)
    crits = funnel.criteria(lab)
    records = []
    for n, idea in enumerate(ideas):
        for crit in crits:
            for rater, level in (("meja 1", 5), ("meja 2", 5 - 2 * n)):
                value = (1 if n != 2 else 0) if crit.gate else max(1, level)
                records.append(Score(idea_id=idea.id, criterion=crit.key, rater=rater,
                                     value=value))
    lab.commit("scores", records)
    book = funnel.ScoreBook(lab)
    means = funnel.mean_scores(lab)
    for idea in ideas:
        assert book.weighted(idea.id) == funnel.weighted_score(means[idea.id], crits)
        assert book.failed_gate(idea.id) == funnel.failed_gate(means[idea.id], crits)
    flagged = {i for i in (idea.id for idea in ideas) if book.disagree(i) is not None}
    assert flagged == set(funnel.disagreements(lab))
    assert book.raters() == ["meja 1", "meja 2"]


def test_a_later_score_from_another_laptop_replaces_the_raters_earlier_one(lab):
    (idea,) = capture(lab, 1)
    lab.commit("a", [Score(idea_id=idea.id, criterion="impact", rater="juri", value=2)])
    lab.commit("b", [Score(idea_id=idea.id, criterion="impact", rater="juri", value=4)])
    assert funnel.mean_scores(lab)[idea.id]["impact"] == 4
    assert funnel.ScoreBook(lab).get(idea.id, "impact", "juri").value == 4


def test_mixed_scales_are_put_on_one_scale_before_weighing(lab):
    (idea,) = capture(lab, 1)
    crits = funnel.criteria(lab)
    impact = next(c for c in crits if c.key == "impact")
    funnel.edit_criterion(lab, impact, name="Dampak", weight=impact.weight, scale_max=10,
                          gate=False)
    crits = funnel.criteria(lab)
    assert funnel.common_scale(crits) == 10
    # The top of every scale is the top of the common one; the bottom is its bottom.
    top = {c.key: (10 if c.key == "impact" else 5) for c in crits if not c.gate}
    assert funnel.weighted_score(top, crits) == 10
    assert funnel.weighted_score({c.key: 1 for c in crits if not c.gate}, crits) == 1
    assert funnel.disagreement_gap(crits) == pytest.approx(1.5 * 9 / 4)


# -- dot votes -----------------------------------------------------------------------------------

def test_dot_tallies_per_table_and_the_dots_handed_out(lab):
    ideas = capture(lab, 3)
    lab.commit("people", [Participant(name=f"P{n}", attendance=["2021-06-18"] if n < 4 else
                                      ["2021-06-17"]) for n in range(6)])
    assert funnel.dot_budget(lab) == (3, 4)
    funnel.set_dot_budget(lab, 5)
    assert funnel.dot_budget(lab) == (5, 4)
    with pytest.raises(RuleError):
        funnel.set_dot_budget(lab, 0)
    funnel.set_dots(lab, ideas[0].id, "Meja 1", 7)
    funnel.set_dots(lab, ideas[0].id, "Meja 2", 2)
    funnel.set_dots(lab, ideas[0].id, "Meja 1", 9)
    assert funnel.vote_totals(lab) == {ideas[0].id: 11}
    assert len(lab.all(Vote)) == 2
    funnel.set_dots(lab, ideas[0].id, "Meja 2", 0)
    assert funnel.vote_totals(lab) == {ideas[0].id: 9}
    with pytest.raises(RuleError):
        funnel.set_dots(lab, ideas[1].id, "Meja 1", -1)


# -- undoing a round -----------------------------------------------------------------------------

def test_undo_round_takes_back_the_latest_round_even_after_other_changes(lab):
    ideas = capture(lab, 4)
    keep = [ideas[0].id, ideas[1].id, ideas[2].id]
    funnel.apply_round(lab, "A", funnel.preview(lab, {"kind": "pick", "keep": keep}))
    funnel.apply_round(lab, "B", funnel.preview(lab, {"kind": "pick", "keep": keep[:1]}))
    lab.add(Idea(title="Ide baru"))  # a change after the round: ctrl+z would take this back
    undone = funnel.undo_round(lab)
    assert undone.name == "B" and [r.name for r in lab.rounds()] == ["A"]
    assert [i.id for i in funnel.pool(lab)] == keep
    lab.undo()  # and ctrl+z brings it back
    assert [r.name for r in lab.rounds()] == ["A", "B"]
    funnel.undo_round(lab)
    funnel.undo_round(lab)
    assert funnel.undo_round(lab) is None and lab.rounds() == []


# -- the rubric, edited for the session ----------------------------------------------------------

def test_the_rubric_is_edited_added_to_reordered_and_trimmed(lab):
    first = funnel.criteria(lab)
    i18n.set_language("en")
    try:
        relevance = next(c for c in first if c.key == "relevance")
        edited = funnel.edit_criterion(lab, relevance, name="Real need", weight=0.5,
                                       scale_max=7, gate=False)
        assert edited.name["en"] == "Real need" and edited.name["id"] == "Sesuai kebutuhan"
        assert (edited.weight, edited.scale_max) == (0.5, 7)
        added = funnel.add_criterion(lab, name="Sustainability", weight=0.2)
        again = funnel.add_criterion(lab, name="Sustainability!", weight=0.2)
    finally:
        i18n.set_language("id")
    assert added.key == "sustainability" and again.key == "sustainability_2"
    assert funnel.criterion_name(added) == "Sustainability"  # no Indonesian name: the English
    assert [c.key for c in funnel.criteria(lab)][-2:] == ["sustainability", "sustainability_2"]
    assert funnel.move_criterion(lab, added, -1)
    keys = [c.key for c in funnel.criteria(lab)]
    assert keys.index("sustainability") == keys.index("no_burden") - 1
    assert not funnel.move_criterion(lab, funnel.criteria(lab)[0], -1)
    funnel.remove_criterion(lab, again)
    assert "sustainability_2" not in [c.key for c in funnel.criteria(lab)]
    # A key once used is not used again, so old scores never count for a new criterion.
    assert funnel.add_criterion(lab, name="Sustainability!").key == "sustainability_3"
    for bad in ({"name": " ", "weight": 1, "scale_max": 5}, {"name": "X", "weight": 0,
                                                             "scale_max": 5},
                {"name": "X", "weight": 1, "scale_max": 1}):
        with pytest.raises(RuleError):
            funnel.add_criterion(lab, gate=False, **bad)
    assert lab.undoable().action == "criteria.add"


def test_the_last_criterion_cannot_be_removed(lab):
    crits = funnel.criteria(lab)
    for crit in crits[:-1]:
        funnel.remove_criterion(lab, crit)
    with pytest.raises(RuleError):
        funnel.remove_criterion(lab, crits[-1])


def test_a_reason_names_a_gate_removed_from_the_rubric_since(lab):
    reason = {"code": "gate_fail", "criterion": "authority"}
    funnel.remove_criterion(lab, next(c for c in lab.all(Criterion) if c.key == "authority"))
    assert funnel.reason_text(reason, lab) == "tidak lolos gerbang: Kewenangan daerah"


# -- figures and the funnel by unit --------------------------------------------------------------

@pytest.mark.parametrize("score, threshold, text", [
    (2.8, 3.0, "skor 2,8 < ambang 3,0"),
    (2.96, 3.0, "skor 2,96 < ambang 3,0"),
    (3.04, 3.0, "skor 3,04 ≥ ambang 3,0"),
    (3.65, 3.0, "skor 3,6 ≥ ambang 3,0"),
])
def test_a_score_reads_with_the_decimals_its_comparison_needs(score, threshold, text):
    code = "score_lt" if score < threshold else "score_ge"
    assert funnel.reason_text({"code": code, "score": score, "threshold": threshold}) == text


def test_the_funnel_by_unit_counts_each_units_ideas_in_every_round(lab):
    ideas = capture(lab, 6, units=2)  # even ideas in the first unit, odd in the second
    lab.add(Idea(title="Tanpa OPD"))
    everything = [i.id for i in lab.ideas()]
    assert [counts for _, counts in funnel.unit_breakdown(lab)] == [[3], [3], [1]]
    funnel.apply_round(lab, "A", funnel.preview(lab, {"kind": "pick", "keep": everything[:4]}))
    funnel.apply_round(lab, "B", funnel.preview(lab, {"kind": "pick", "keep": everything[:1]}))
    units = funnel.unit_breakdown(lab)
    assert [u for u, _ in units] == [u.id for u in lab.all(Unit)] + [""]
    assert [counts for _, counts in units] == [[3, 2, 1], [3, 2, 0], [1, 0, 0]]
    assert ideas


def test_where_each_idea_ended(lab):
    ideas = capture(lab, 4)
    merged = funnel.merge_ideas(lab, [ideas[2].id, ideas[3].id], title="Gabungan")
    funnel.apply_round(lab, "A", funnel.preview(lab, {"kind": "pick", "keep": [ideas[0].id]}))
    fresh = lab.add(Idea(title="Ide terlambat"))
    selected = set(lab.selected_ids())
    paths = {idea.id: (idea, steps) for idea, steps in funnel.idea_paths(lab)}
    codes = {key: funnel.outcome(idea, steps, selected) for key, (idea, steps) in paths.items()}
    assert codes == {ideas[0].id: "selected", ideas[1].id: "cut", ideas[2].id: "merged",
                     ideas[3].id: "merged", merged.id: "cut", fresh.id: "not_screened"}


# -- properties ----------------------------------------------------------------------------------

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(entries=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["relevance", "impact",
                                                                      "authority"]),
                                  st.sampled_from(["A", "B"]),
                                  st.one_of(st.none(), st.integers(0, 5))),
                        min_size=1, max_size=25))
def test_the_book_kept_by_typing_matches_one_read_from_the_session(entries):
    with tempfile.TemporaryDirectory() as folder:
        lab = new_session(Path(folder))
        ideas = capture(lab, 3)
        book = funnel.ScoreBook(lab)
        crits = rubric(lab)
        for n, key, rater, value in entries:
            try:
                funnel.set_score(lab, book, ideas[n].id, crits[key], rater, value)
            except RuleError:
                pass
            if value == 3 and n == 0:
                lab.undo()
                book = funnel.ScoreBook(lab)
        fresh = funnel.ScoreBook(lab)
        for idea in ideas:
            assert book.summary(idea.id) == fresh.summary(idea.id)
            for key in crits:
                for rater in "AB":
                    ours, theirs = book.get(idea.id, key, rater), fresh.get(idea.id, key, rater)
                    assert (ours and ours.value) == (theirs and theirs.value)
        lab.close()
