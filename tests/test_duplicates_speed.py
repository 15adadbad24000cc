"""Suggesting duplicates at the size of the biggest labs gives exactly what the plain scan gave.

``funnel.suggest_duplicates`` skips the pairs that cannot be alike (by bounds on the similarity)
and the pairs already in one group; :func:`reference_suggest_duplicates` is the scan it replaced,
kept word for word, which rates every pair sharing a word. Whatever the titles (empty,
punctuation only, mixed case, accents, emoji, other scripts, hundreds of characters, near
duplicates) and the threshold, both give the same groups in the same order. How much faster it
is: ``python tests/perf/duplicates.py`` (a benchmark, not a test).
"""

from __future__ import annotations

import random
from collections import defaultdict
from difflib import SequenceMatcher

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from facilitator.core import funnel
from facilitator.core.records import Idea
from facilitator.core.session import Session


def reference_suggest_duplicates(session: Session | None, threshold: float | None = None,
                                 ideas: list[Idea] | None = None) -> list[list[str]]:
    """Groups of ideas whose titles look alike, for the coach to confirm as duplicates.

    Only pairs that share a word are compared, so thousands of ideas stay quick. ``ideas``
    (default: the session's) lets the app compare a copy away from the screen's thread.
    """
    from facilitator.core.text import SIMILAR, normal, similarity

    threshold = SIMILAR if threshold is None else threshold
    ideas = list(ideas) if ideas is not None else session.ideas()  # type: ignore[union-attr]
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


# -- titles as a workshop types them, and worse ----------------------------------------------

WORDS = ["posyandu", "Posyandu", "digital", "layanan", "KTP", "ktp", "KTP-el", "keliling",
         "antrean", "antrian", "online", "RSUD", "WhatsApp", "bank", "sampah", "kampung", "di",
         "untuk", "café", "cafe", "Straße", "STRASSE", "ﬁle", "Ｆｕｌｌ", "😀", "🏥", "数据",
         "naïve", "12", "1"]
SEPARATORS = [" ", " ", " ", "  ", ": ", ", ", "-", "!", " ... ", "?", "\t", "/"]
THRESHOLDS = [0.0, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.5, -1.0,
              float("nan")]


@st.composite
def titles(draw) -> str:
    """A title from a small vocabulary (so that duplicates happen), or odd text."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from(["", "   ", "!!!", "😀", "-", "Ide", "ide!", "İ", "ß"]))
    if kind == 1:
        return draw(st.text(max_size=30))
    count = draw(st.integers(1, 7))
    title = ""
    for n in range(count):
        if n:
            title += draw(st.sampled_from(SEPARATORS))
        title += draw(st.sampled_from(WORDS))
    if kind == 2:  # a pasted paragraph: past 200 characters difflib junks popular letters
        title = " ".join([title] * draw(st.integers(4, 12)))
    return title


@st.composite
def near(draw, title: str) -> str:
    """``title`` slightly changed: a letter dropped, doubled or replaced, case, punctuation."""
    change = draw(st.integers(0, 5))
    if not title or change == 0:
        return title
    at = draw(st.integers(0, len(title) - 1))
    if change == 1:
        return title[:at] + title[at + 1:]
    if change == 2:
        return title[:at] + title[at] + title[at:]
    if change == 3:
        return title[:at] + draw(st.sampled_from("aeiou x-!é😀")) + title[at + 1:]
    if change == 4:
        return title.upper() if draw(st.booleans()) else title.lower()
    return title + draw(st.sampled_from(["!", ".", " (usulan)", " 2", " digital"]))


@st.composite
def idea_lists(draw) -> list[Idea]:
    """Ideas whose titles come from a few bases, copied as they are or slightly changed."""
    bases = draw(st.lists(titles(), min_size=1, max_size=8))
    chosen = []
    for _ in range(draw(st.integers(0, 40))):
        base = draw(st.sampled_from(bases))
        chosen.append(draw(near(base)) if draw(st.booleans()) else base)
    return [Idea(id=f"ide{n:03d}", title=title) for n, title in enumerate(chosen)]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ideas=idea_lists(),
       threshold=st.one_of(st.none(), st.sampled_from(THRESHOLDS),
                           st.floats(0.0, 1.0, allow_nan=False)))
def test_the_same_groups_as_the_plain_scan_whatever_the_titles(ideas, threshold):
    assert (funnel.suggest_duplicates(None, threshold, ideas=ideas)
            == reference_suggest_duplicates(None, threshold, ideas=ideas))


def test_the_same_groups_as_the_plain_scan_for_the_demo_lab(demo):
    """The Sorong lab: 64 ideas, three of them each merged from two (those six are compared only
    when the ideas are given, merged ones included)."""
    assert funnel.suggest_duplicates(demo) == reference_suggest_duplicates(demo)
    every = demo.all(Idea)
    for threshold in (None, 0.5, 0.6, 0.7, 0.9, 1.0):
        assert (funnel.suggest_duplicates(demo, threshold)
                == reference_suggest_duplicates(demo, threshold))
        assert (funnel.suggest_duplicates(None, threshold, ideas=every)
                == reference_suggest_duplicates(None, threshold, ideas=every))


SCALE_WORDS = ("layanan", "antrean", "posyandu", "sekolah", "pasar", "sampah", "air", "jalan",
               "izin", "pajak", "desa", "nelayan", "petani", "UMKM", "kesehatan", "digital")
"""tests/perf/scale.py's vocabulary, from which its 3,000 ideas are titled."""


@pytest.mark.parametrize("count", [230, 420])
def test_the_same_groups_for_a_big_lab_where_some_words_are_in_every_title(count):
    """Titles as tests/perf/scale.py makes them: "ide", "untuk" and "warga" are in more than 200
    titles, so they pair no titles (but count among the words two titles share); the numbers
    and the topic words still pair them."""
    ideas = [Idea(id=f"ide{n}", title=f"Ide {n}: {SCALE_WORDS[n % 16]} {SCALE_WORDS[n * 7 % 16]} "
                                      f"untuk warga {n % 97}")
             for n in range(count)]
    groups = funnel.suggest_duplicates(None, ideas=ideas)
    assert groups == reference_suggest_duplicates(None, ideas=ideas)
    assert groups and max(len(g) for g in groups) > 2


def test_the_same_groups_for_varied_titles_with_near_duplicates():
    """Titles of two to seven words, "untuk" in most of them (so in more than 200), a third of
    them an earlier title with a word cut short or in capitals."""
    rng = random.Random(11)
    vocabulary = ("posyandu digital layanan ktp keliling antrean online rsud whatsapp bank sampah "
                  "kampung pasar ikan daring sekolah guru balita gizi izin pajak desa nelayan "
                  "petani umkm jalan air bersih lampu banjir data portal informasi").split()
    titles: list[str] = []
    for _ in range(280):
        if titles and rng.random() < 0.3:
            words = rng.choice(titles).split()
            at = rng.randrange(len(words))
            words[at] = words[at][:-1] if rng.random() < 0.5 else words[at].upper()
            titles.append(" ".join(words))
        else:
            words = rng.choices(vocabulary, k=rng.randint(2, 7))
            if rng.random() < 0.8:
                words.insert(1, "untuk")
            titles.append(" ".join(words))
    ideas = [Idea(id=f"ide{n}", title=t) for n, t in enumerate(titles)]
    assert sum("untuk" in t.split() for t in titles) > 200
    for threshold in (None, 0.6):
        assert (funnel.suggest_duplicates(None, threshold, ideas=ideas)
                == reference_suggest_duplicates(None, threshold, ideas=ideas))


@pytest.mark.parametrize("copies", [199, 200])
def test_a_word_in_200_titles_still_pairs_them_in_201_no_longer(copies):
    ideas = [Idea(id=f"ide{n}", title="Posyandu digital") for n in range(copies)]
    ideas.append(Idea(id="other", title="Posyandu digital!"))
    groups = funnel.suggest_duplicates(None, ideas=ideas)
    assert groups == reference_suggest_duplicates(None, ideas=ideas)
    assert groups == ([[i.id for i in ideas]] if copies < 200 else [])


def test_merged_and_deleted_ideas_are_left_out(tmp_path):
    session = Session.create(tmp_path / "lab.json", region="Kabupaten Sorong", actor="coach")
    a = session.add(Idea(title="KTP keliling"))
    b = session.add(Idea(title="Layanan KTP keliling"))
    c = session.add(Idea(title="KTP keliling!"))
    d = session.add(Idea(title="Layanan KTP keliling di distrik"))
    merged = funnel.merge_ideas(session, [a.id, b.id], title="KTP keliling distrik")
    session.delete(session.get(Idea, d.id))
    groups = funnel.suggest_duplicates(session)
    assert groups == reference_suggest_duplicates(session) == [[c.id, merged.id]]
    session.close()


# -- the character ratio's shortcut ----------------------------------------------------------

@settings(max_examples=1000, deadline=None)
@given(a=st.text(st.sampled_from("ab c"), max_size=40) | st.text(max_size=12),
       b=st.text(st.sampled_from("ab c"), max_size=40) | st.text(max_size=12),
       threshold=st.floats(0.0, 1.0, allow_nan=False))
def test_the_matching_blocks_decide_as_difflib_does(a, b, threshold):
    """Below 200 characters, funnel finds difflib's matching blocks itself, stopping once they
    decide; the ratio it decides on is difflib's to the last digit."""
    if not a or not b:
        return
    length = len(a) + len(b)
    ratio = SequenceMatcher(None, a, b).ratio()
    assert funnel._blocks_reach(a, b, threshold, length) == (ratio >= threshold)
    assert funnel._blocks_reach(a, b, ratio, length)
