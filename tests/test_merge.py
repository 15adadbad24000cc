"""Merging the work of several laptops: nothing lost, order-free, idempotent, seals intact."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from facilitator.cli import main
from facilitator.core.merge import merge_files, merge_tables
from facilitator.core.records import Commitment, Idea, Unit
from facilitator.core.seal import seal, verify
from facilitator.core.session import Session
from facilitator.store import peek


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def two_laptops(tmp_path: Path) -> tuple[Path, Path]:
    """The coach makes the session, copies it to a second laptop; both capture ideas."""
    first = tmp_path / "laptop-a.json"
    s = Session.create(first, region="Kabupaten Sorong", actor="antun@a")
    unit = s.add(Unit(name="Dinas Perikanan"))
    shared = s.add(Idea(title="Cold storage nelayan", unit_id=unit.id))
    s.close()
    second = tmp_path / "laptop-b.json"
    shutil.copy(first, second)
    a = Session.open(first, actor="antun@a")
    a.add(Idea(title="Pasar ikan digital", unit_id=unit.id))
    a.edit(a.get(Idea, shared.id), description="versi meja A")
    c = a.add(Commitment(official={"name": "Yohanes"}, text="Kami berkomitmen"))
    seal(a, c, signed_how="paper", sheet_no="1")
    a.close()
    b = Session.open(second, actor="rina@b")
    b.add(Idea(title="Penyuluhan keliling", unit_id=unit.id))
    b.edit(b.get(Idea, shared.id), description="versi meja B (lebih baru)")
    c2 = b.add(Commitment(official={"name": "Maria"}, text="Kami berkomitmen"))
    seal(b, c2, signed_how="typed", typed_name="Maria")
    b.close()
    return first, second


def test_two_laptops_become_one_session(tmp_path, capsys):
    first, second = two_laptops(tmp_path)
    before = digest(first), digest(second)
    out = tmp_path / "gabungan.json"
    assert main(["merge", str(first), str(second), "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (digest(first), digest(second)) == before  # inputs never modified
    s = Session.open(out)
    titles = sorted(i.title for i in s.ideas())
    assert titles == ["Cold storage nelayan", "Pasar ikan digital", "Penyuluhan keliling"]
    shared = next(i for i in s.ideas() if i.title == "Cold storage nelayan")
    assert shared.description == "versi meja B (lebih baru)"
    assert any(c["id"] == shared.id and c["kept"] == [str(second)] for c in report["conflicts"])
    assert len(s.sealed()) == 2 and verify(s) == []
    s.close()


def test_a_broken_chain_is_reported_and_nothing_written(tmp_path, capsys):
    first, second = two_laptops(tmp_path)
    first.write_text(first.read_text(encoding="utf-8").replace("Kami berkomitmen", "Kami coba"),
                     encoding="utf-8")
    out = tmp_path / "gabungan.json"
    assert main(["merge", str(first), str(second), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Rantai segel rusak" in err and "Yohanes" in err and not out.exists()
    assert main(["merge", str(first), str(second), "--out", str(out), "--allow-broken"]) == 0
    assert out.exists()


def test_merge_refuses_to_overwrite(tmp_path, capsys):
    first, second = two_laptops(tmp_path)
    assert main(["merge", str(first), str(second), "--out", str(first)]) == 1


# -- properties over random laptops --------------------------------------------------------

edits = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["add", "edit", "delete"]),
                           st.text(min_size=1, max_size=8)), max_size=8)


def build(folder: Path, plan: list[list[tuple[int, str, str]]]) -> list[Path]:
    base = folder / "base.json"
    s = Session.create(base, region="Kota Banjar", actor="lead")
    for n in range(2):
        s.add(Idea(title=f"awal {n}"))
    s.close()
    paths = []
    for laptop, steps in enumerate(plan):
        path = folder / f"laptop{laptop}.json"
        shutil.copy(base, path)
        s = Session.open(path, actor=f"coach{laptop}")
        for _, action, text in steps:
            ideas = s.ideas()
            if action == "add" or not ideas:
                s.add(Idea(title=text))
            elif action == "edit":
                s.edit(ideas[len(text) % len(ideas)], title=text)
            else:
                s.delete(ideas[len(text) % len(ideas)])
        s.close()
        paths.append(path)
    return paths


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=st.lists(edits, min_size=2, max_size=3), order=st.randoms(use_true_random=False))
def test_merge_is_order_free_idempotent_and_loses_nothing(plan, order):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = build(folder, plan)
        tables = [(p.name, peek(p)) for p in paths]
        forward = merge_tables(tables).tables
        shuffled = list(tables)
        order.shuffle(shuffled)
        assert merge_tables(shuffled).tables == forward
        # Merging a file in twice adds nothing, and merging the result with an input neither.
        assert merge_tables(tables + tables[:1]).tables == forward
        assert merge_tables([("m", forward), tables[0]]).tables == forward
        # Nothing lost: every record id of every input is in the result.
        for _, t in tables:
            for table, docs in t.items():
                assert set(docs) <= set(forward.get(table, {}))
        out = folder / "out.json"
        merge_files(paths, out)
        assert peek(out) == forward
