"""The brainstorm's core: capture with a sticky context, the @unit prefix, look-alike titles at
3,000 ideas, and the orders and groups the list offers."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core import brainstorm
from facilitator.core.records import Idea, Problem, Unit
from facilitator.core.session import Session
from facilitator.core.text import MAX_TITLE, similar_titles


@pytest.fixture
def session(tmp_path):
    s = Session.create(tmp_path / "lab.json", region="Kabupaten Sorong")
    for name, short in (("Dinas Kesehatan", "Dinkes"), ("Dinas Kependudukan dan Pencatatan Sipil",
                                                         "Disdukcapil"),
                        ("Distrik Aimas", ""), ("Dinas Pendidikan", "Disdik")):
        s.add(Unit(name=name, short=short))
    yield s
    s.close()


def unit(session, name) -> Unit:
    return next(u for u in session.all(Unit) if u.name == name)


def test_the_context_stays_from_one_idea_to_the_next(session):
    health = unit(session, "Dinas Kesehatan")
    problem = session.add(Problem(unit_id=health.id, statement="Stunting tinggi"))
    context = brainstorm.CaptureContext(health.id, problem.id, "asn")
    index = brainstorm.TitleIndex()
    for title in ("Posyandu keliling", "  Kelas ibu\thamil  ", "Gizi\x1b[31m anak"):
        brainstorm.capture(session, title, context, index)
    ideas = session.ideas()
    assert [i.title for i in ideas] == ["Posyandu keliling", "Kelas ibu hamil", "Gizi[31m anak"]
    assert {(i.unit_id, i.problem_id, i.initiator) for i in ideas} == {
        (health.id, problem.id, "asn")}
    # Another unit keeps the initiator but not the first unit's problem.
    moved = context.with_unit(session, unit(session, "Distrik Aimas").id)
    assert (moved.problem_id, moved.initiator) == ("", "asn")
    assert brainstorm.capture(session, "   ", context, index) is None


def test_a_long_title_is_cut_and_says_so(session):
    captured = brainstorm.capture(session, "x" * (MAX_TITLE + 40),
                                  brainstorm.CaptureContext())
    assert captured.cut and len(captured.idea.title) == MAX_TITLE
    assert not brainstorm.capture(session, "short", brainstorm.CaptureContext()).cut


def test_a_title_like_one_captured_is_kept_and_flagged(session):
    index = brainstorm.TitleIndex()
    first = brainstorm.capture(session, "Layanan KTP keliling", brainstorm.CaptureContext(),
                               index)
    second = brainstorm.capture(session, "layanan ktp  keliling!", brainstorm.CaptureContext(),
                                index)
    third = brainstorm.capture(session, "Bank sampah", brainstorm.CaptureContext(), index)
    assert second.similar and second.similar[0][0] == first.idea.id
    assert third.similar == []
    assert len(session.ideas()) == 3


@pytest.mark.parametrize("typed, expected", [
    ("@dinkes Posyandu keliling", ("Dinas Kesehatan", "Posyandu keliling")),
    ("@Disdukcapil KTP", ("Dinas Kependudukan dan Pencatatan Sipil", "KTP")),
    ("@aimas Kampung bersih", ("Distrik Aimas", "Kampung bersih")),
    ("@disdi Sekolah", ("Dinas Pendidikan", "Sekolah")),
    ("@kesehatan", ("Dinas Kesehatan", "")),
])
def test_the_unit_prefix_names_one_unit(session, typed, expected):
    prefixed = brainstorm.split_prefix(typed, session.all(Unit))
    assert (prefixed.unit.name, prefixed.title) == expected


def test_an_unclear_prefix_names_no_unit_and_no_prefix_is_all_title(session):
    many = brainstorm.split_prefix("@dinas Sesuatu", session.all(Unit))
    assert many.unit is None and len(many.units) == 3
    none = brainstorm.split_prefix("@zzz Sesuatu", session.all(Unit))
    assert none.unit is None and none.units == ()
    plain = brainstorm.split_prefix("Rapat [bold]@dinkes[/bold]", session.all(Unit))
    assert plain.token == "" and plain.title == "Rapat [bold]@dinkes[/bold]"


WORDS = ["posyandu", "digital", "layanan", "ktp", "keliling", "bank", "sampah", "kampung",
         "aplikasi", "data", "pasar", "harga", "sekolah", "sehat", "air", "bersih", "jalan"]


@settings(max_examples=60, deadline=None)
@given(titles=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5)
                       .map(" ".join), min_size=1, max_size=40),
       query=st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join),
       typo=st.booleans())
def test_the_index_finds_exactly_what_similar_titles_finds(titles, query, typo):
    if typo:
        query = query[:-1]
    pairs = [(str(n), title) for n, title in enumerate(titles)]
    fast = brainstorm.TitleIndex(pairs).similar(query)
    slow = similar_titles(query, pairs)
    assert sorted(fast) == sorted(slow)


def test_the_duplicate_check_stays_instant_at_three_thousand_ideas():
    pairs = [(str(n), f"{WORDS[n % 17]} {WORDS[n * 7 % 17]} {WORDS[n * 3 % 17]} nomor {n}")
             for n in range(3000)]
    index = brainstorm.TitleIndex(pairs)
    started = time.perf_counter()
    for query in ("Layanan KTP keliling di distrik", "posyandu digital nomor 12", "air"):
        index.similar(query)
    # A capture must not wait on the check: the plain scan took about half a second each.
    assert (time.perf_counter() - started) / 3 < 0.15
    index.sync(pairs[:-1] + [("2999", "changed")])
    assert len(index) == 3000 and index.similar("changed")[0][0] == "2999"


def test_the_list_sorts_and_groups_by_unit(session):
    health, aimas = unit(session, "Dinas Kesehatan"), unit(session, "Distrik Aimas")
    for title, where in (("b ide", aimas.id), ("C ide", ""), ("a ide", health.id),
                         ("d ide", aimas.id)):
        session.add(Idea(title=title, unit_id=where))
    ideas = session.ideas()
    names = {u.id: u.name for u in session.all(Unit)}
    titles = lambda items: [i.title for i in items]  # noqa: E731
    assert titles(brainstorm.sort_ideas(ideas, "captured", names)) == ["b ide", "C ide",
                                                                        "a ide", "d ide"]
    assert titles(brainstorm.sort_ideas(ideas, "newest", names))[0] == "d ide"
    assert titles(brainstorm.sort_ideas(ideas, "title", names)) == ["a ide", "b ide", "C ide",
                                                                     "d ide"]
    assert titles(brainstorm.sort_ideas(ideas, "unit", names)) == ["a ide", "b ide", "d ide",
                                                                    "C ide"]
    groups = brainstorm.group_by_unit(ideas, names)
    assert [(key, titles(items)) for key, items in groups] == [
        (health.id, ["a ide"]), (aimas.id, ["b ide", "d ide"]), ("", ["C ide"])]


def test_problems_rank_by_usg_per_unit_unscored_last(session):
    health, aimas = unit(session, "Dinas Kesehatan"), unit(session, "Distrik Aimas")
    for statement, where, usg in (("rendah", health.id, (1, 2, 1)), ("belum", health.id, (0, 0, 0)),
                                  ("tinggi", health.id, (5, 4, 5)), ("aimas", aimas.id, (3, 3, 3)),
                                  ("lepas", "", (2, 2, 2))):
        session.add(Problem(unit_id=where, statement=statement, urgency=usg[0],
                            seriousness=usg[1], growth=usg[2]))
    ranked = brainstorm.problems_by_unit(session.all(Problem), session.all(Unit))
    assert [(key, [p.statement for p in items]) for key, items in ranked] == [
        (health.id, ["tinggi", "rendah", "belum"]), (aimas.id, ["aimas"]), ("", ["lepas"])]
    assert [brainstorm.valid_usg(v) for v in ("3", " 5 ", "", "0", "6", "x")] == [
        3, 5, 0, None, None, None]
