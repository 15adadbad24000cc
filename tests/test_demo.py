"""The built-in demo session: Kabupaten Sorong 2021, as a coach meets it on the first run.

64 proposals from 24 OPD, a funnel that comes to 41 innovations with a reason for every cut,
action plans, sealed commitments; and a shipped file that is exactly what the code builds.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from facilitator import demo
from facilitator.core import funnel, seal
from facilitator.core.errors import StoreError
from facilitator.core.progress import MIN_DESIGN_WORDS, completeness
from facilitator.core.records import (
    AgendaItem, ActionPlan, Commitment, Idea, Note, Participant, Problem, Unit,
)
from facilitator.core.session import Session
from facilitator.core.stats import stats
from facilitator.i18n import language, set_language
from facilitator.store import sidecar


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    demo.build_demo(path)
    return path


@pytest.fixture(scope="module")
def session(built):
    opened = Session.open(built, readonly=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def content():
    return demo.load_content()


def test_the_shipped_demo_is_exactly_what_the_code_builds(built):
    assert demo.DEMO_RESOURCE.read_bytes() == built.read_bytes(), (
        "data/demo.json is stale: regenerate it with `python -m facilitator.demo`")
    # Only the session file is left: no backup, lock or journal beside it.
    assert [p.name for p in built.parent.iterdir()] == ["demo.json"]


def test_building_over_an_existing_file_is_refused(built):
    before = built.read_bytes()
    with pytest.raises(StoreError):
        demo.build_demo(built)
    assert built.read_bytes() == before


def test_the_demo_tells_the_story_of_sorong(session, content):
    figures = stats(session)
    assert figures["region"] == "Kabupaten Sorong"
    assert figures["opds"] == 24
    assert figures["ideas"] == 64
    assert figures["funnel"] == [
        {"name": demo.GATE_ROUND, "in": 64, "out": 52},
        {"name": demo.SCORE_ROUND, "in": 52, "out": 41},
    ]
    assert figures["selected"] == 41
    assert figures["participants"] == len(content["participants"])
    assert 35 <= figures["participants"] <= 45
    assert figures["plans"] == len(content["plans"])
    assert 6 <= figures["plans"] <= 10
    signed = [c for c in content["commitments"] if c["sign"] != "none"]
    assert figures["commitments"] == len(signed) == len(session.sealed())
    assert len(session.all(Commitment)) > len(signed)  # some still wait for a signature
    assert figures["stage"] == "deliver"


def test_the_lab_has_its_details_and_minutes(session):
    lab = session.lab
    assert lab.id == "lab"
    assert (lab.region, lab.region_kind, lab.province) == (
        "Kabupaten Sorong", "kabupaten", "Papua Barat")
    assert lab.dates == ["2021-06-16", "2021-06-17", "2021-06-18"]
    assert "Antun Nastri Sidik" in lab.coaches
    assert lab.venue and lab.chair and lab.notulis
    assert lab.targets == {"ideas": 60, "innovations_per_unit": 1}
    assert set(lab.minutes) == {"pendahuluan", "tujuan", "kesimpulan"}
    assert all(text.strip() for text in lab.minutes.values())


def test_every_cut_says_why_in_both_languages(session):
    lang = language()
    try:
        for round_ in session.rounds():
            assert len(round_.decisions) == len(round_.pool)
            for decision in round_.decisions:
                reason = decision["reason"]
                assert reason.get("code")
                for code in ("id", "en"):
                    set_language(code)
                    text = funnel.reason_text(reason, session)
                    assert text.strip() and not text.startswith("reason.")
    finally:
        set_language(lang)
    gates, scores = session.rounds()
    cut_at_gate = [d for d in gates.decisions if not d["kept"]]
    assert len(cut_at_gate) == 12
    assert {d["reason"]["criterion"] for d in cut_at_gate} == {"authority", "no_burden"}
    for decision in scores.decisions:
        assert decision["reason"]["code"] == ("score_ge" if decision["kept"] else "score_lt")
        assert (decision["reason"]["score"] >= 3.0) == decision["kept"]


def test_every_idea_is_scored_by_both_raters_on_the_whole_rubric(session):
    from facilitator.core.records import Score

    rubric = {c.key for c in funnel.criteria(session)}
    seen: dict[tuple[str, str], set[str]] = {}
    for score in session.all(Score):
        seen.setdefault((score.idea_id, score.rater), set()).add(score.criterion)
        gate = next(c for c in funnel.criteria(session) if c.key == score.criterion).gate
        assert score.value in ((0, 1) if gate else (1, 2, 3, 4, 5))
    expected = {(i.id, r) for i in session.ideas() for r in demo.RATERS}
    assert set(seen) == expected
    assert all(criteria == rubric for criteria in seen.values())


def test_67_ideas_were_captured_and_three_duplicate_pairs_merged(session, content):
    every = session.all(Idea, include_deleted=True)
    merged = [i for i in every if i.merged_from]
    originals = [i for i in every if i.status == "merged"]
    assert len(every) - len(merged) == len(content["ideas"]) == 67
    assert len(merged) == len(content["merges"]) == 3 and len(originals) == 6
    assert len(session.ideas()) == 64
    for idea in merged:
        sources = [session.get(Idea, rid) for rid in idea.merged_from]
        assert len(sources) == 2 and all(s.merged_into == idea.id for s in sources)
        assert all(s.unit_id == idea.unit_id for s in sources)
    # Two merged ideas made it through the funnel, and one of them to a sealed commitment.
    selected = set(session.selected_ids())
    assert sum(1 for idea in merged if idea.id in selected) == 2
    assert any(session.get(Idea, c.idea_id).merged_from for c in session.sealed())


def test_four_tables_spent_every_dot_they_had(session):
    from facilitator.core.records import Vote

    votes = session.all(Vote)
    assert {v.rater for v in votes} == set(demo.TABLES)
    per_person, people = funnel.dot_budget(session)
    assert sum(v.dots for v in votes) == per_person * people
    current = {i.id for i in session.ideas()}
    assert {v.idea_id for v in votes} <= current
    totals = funnel.vote_totals(session)
    selected = set(session.selected_ids())
    kept = [totals.get(i, 0) for i in selected]
    cut = [totals.get(i, 0) for i in current - selected]
    assert sum(kept) / len(kept) > sum(cut) / len(cut)  # the room liked what the funnel kept


def test_every_idea_answers_a_problem_of_its_own_unit(session):
    for idea in session.ideas():
        problem = session.get(Problem, idea.problem_id)
        assert problem is not None, idea.title
        assert problem.unit_id == idea.unit_id, idea.title
        assert idea.title and idea.description and idea.urusan
        assert idea.initiator and idea.bentuk and idea.jenis


def test_every_unit_proposes_and_keeps_at_least_one_innovation(session):
    units = {u.id for u in session.all(Unit)}
    assert {i.unit_id for i in session.ideas()} == units
    assert {session.get(Idea, i).unit_id for i in session.selected_ids()} == units
    per_unit = [sum(1 for i in session.ideas() if i.unit_id == u) for u in units]
    assert max(per_unit) >= 4


def test_every_unit_has_a_scored_problem(session):
    problems = session.all(Problem)
    assert {p.unit_id for p in problems} == {u.id for u in session.all(Unit)}
    for problem in problems:
        assert all(1 <= v <= 5 for v in (problem.urgency, problem.seriousness, problem.growth))


def test_participants_checked_in_most_days(session):
    people = session.all(Participant)
    days = session.lab.dates
    every_day = [p for p in people if p.attendance == days]
    assert len(every_day) > len(people) // 2
    assert any(0 < len(p.attendance) < len(days) for p in people)
    assert {p.role for p in people} >= {"peserta", "kepala_opd", "fasilitator", "notulis",
                                        "kepala_daerah"}
    for person in people:
        if person.nip:
            assert len(person.nip) == 18 and person.nip.isdigit()
            date(int(person.nip[:4]), int(person.nip[4:6]), int(person.nip[6:8]))
            assert person.nip[14] in "12"


def test_the_first_day_was_run_and_the_later_days_are_planned(session):
    first, *later = session.lab.dates
    items = session.all(AgendaItem)
    assert {a.day for a in items} == set(session.lab.dates)
    for item in items:
        if item.day == first:
            assert item.actual_start and item.actual_end, item.title
        else:
            assert not item.actual_start and not item.actual_end, item.title
    notes = session.all(Note)
    assert 8 <= len(notes) <= 12
    assert all(n.speaker and n.text and n.at for n in notes)


def test_two_action_plans_are_complete_and_the_rest_partial(session):
    plans = session.all(ActionPlan)
    selected = set(session.selected_ids())
    done = [completeness(p) for p in plans]
    complete = [c for c in done if c.percent == 100]
    assert len(complete) == 2
    assert all(c.design_words >= MIN_DESIGN_WORDS for c in complete)
    assert all(c.missing for c in done if c.percent < 100)
    for plan in plans:
        assert plan.idea_id in selected
        assert 3 <= len(plan.steps) <= 5
        for step in plan.steps:
            assert {"activity", "pic", "start", "end", "output", "budget"} <= set(step)


def test_sealed_commitments_verify(session):
    assert seal.verify(session) == []
    sealed = session.sealed()
    assert {c.signed_how for c in sealed} == {"typed", "paper"}
    assert all(c.sheet_no for c in sealed if c.signed_how == "paper")
    selected = set(session.selected_ids())
    for commitment in session.all(Commitment):
        assert commitment.idea_id in selected
        assert commitment.head["name"] == "Johnny Kamuru"
        assert commitment.witness["name"] == "Antun Nastri Sidik"
        assert (commitment.place, commitment.date) == ("Aimas", "2021-11-04")
        assert commitment.official["name"] in commitment.text
        assert session.get(Idea, commitment.idea_id).title in commitment.text


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_write_demo_copies_without_touching_the_original(tmp_path):
    before = _digest(demo.DEMO_RESOURCE.read_bytes())
    target = tmp_path / "sessions" / "nested" / "demo.json"
    assert demo.write_demo(target) == target
    assert _digest(demo.DEMO_RESOURCE.read_bytes()) == before
    assert target.read_bytes() == demo.DEMO_RESOURCE.read_bytes()
    copy = Session.open(target)
    try:
        assert not copy.readonly
        copy.edit(copy.lab, venue="Ruang rapat Bapperlitbangda")
    finally:
        copy.close()
    assert _digest(demo.DEMO_RESOURCE.read_bytes()) == before
    assert target.read_bytes() != demo.DEMO_RESOURCE.read_bytes()


def test_write_demo_replaces_an_old_copy_and_its_stale_journal(tmp_path):
    target = tmp_path / "demo.json"
    demo.write_demo(target)
    old = Session.open(target)
    for idea in old.ideas()[:5]:
        old.delete(idea)
    journal = sidecar(target, ".journal")
    stale = journal.read_bytes()
    old.close()
    # As after a crash: the old copy's changes sit in a journal beside the file. Replayed onto a
    # fresh copy (whose changes are numbered the same), they would delete five of its ideas.
    journal.write_bytes(stale)
    sidecar(target, ".bak").write_bytes(b"an older generation")
    lock = sidecar(target, ".lock")
    assert lock.exists()

    demo.write_demo(target)

    assert target.read_bytes() == demo.DEMO_RESOURCE.read_bytes()
    assert not journal.exists() and not sidecar(target, ".bak").exists()
    assert lock.exists()
    fresh = Session.open(target)
    try:
        assert len(fresh.ideas()) == 64
    finally:
        fresh.close()
