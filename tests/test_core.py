"""The session core without a terminal: records, changes, the audit log and undo."""

from __future__ import annotations

import pytest

from facilitator.core.errors import RuleError
from facilitator.core.records import AuditEntry, Commitment, Criterion, Idea, Unit
from facilitator.core.seal import seal, verify
from facilitator.core.session import Session
from facilitator.core.stats import stats


@pytest.fixture
def session(tmp_path):
    s = Session.create(tmp_path / "lab.json", region="Kabupaten Sorong", date="2021-06-16",
                       actor="antun@laptop-1")
    yield s
    s.close()


def test_a_new_session_has_the_templates_rubric_and_run_sheet(session):
    figures = stats(session)
    assert figures["region"] == "Kabupaten Sorong"
    assert figures["date"] == "2021-06-16"
    assert figures["ideas"] == 0 and figures["funnel"] == [] and figures["selected"] == 0
    assert {c.key for c in session.all(Criterion)} >= {
        "relevance", "feasibility", "impact", "novelty", "authority", "no_burden"}


def test_every_record_has_its_own_id_times_and_author(session):
    unit = session.add(Unit(name="Dinas Perikanan", kind="dinas"))
    ideas = [session.add(Idea(title=f"Ide {n}", unit_id=unit.id)) for n in range(50)]
    ids = {i.id for i in ideas} | {unit.id}
    assert len(ids) == 51
    assert all(i.id.startswith("ide-") for i in ideas)
    first = ideas[0]
    assert first.created and first.updated and first.by == "antun@laptop-1"
    edited = session.edit(first, title="Ide nol")
    assert edited.created == first.created and edited.updated >= first.updated


def test_a_change_is_on_disk_when_add_returns(session, tmp_path):
    session.add(Idea(title="Layanan KTP keliling"))
    other = Session.open(tmp_path / "lab.json", readonly=True)
    try:
        assert [i.title for i in other.ideas()] == ["Layanan KTP keliling"]
    finally:
        other.close()


def test_undo_takes_back_the_last_changes_one_by_one(session):
    a = session.add(Idea(title="A"))
    b = session.add(Idea(title="B"))
    session.edit(a, title="A2")
    assert session.undo().action == "ideas.edit"
    assert session.get(Idea, a.id).title == "A"
    assert session.undo().action == "ideas.add"
    assert [i.title for i in session.ideas()] == ["A"]
    assert session.undo().action == "ideas.add"
    assert session.ideas() == []
    assert session.undo() is None  # creating the session itself is not undone
    assert session.get(Idea, b.id).deleted


def test_undo_of_a_delete_brings_the_idea_back_and_is_logged(session):
    idea = session.add(Idea(title="Posyandu digital"))
    session.delete(idea)
    assert session.ideas() == []
    session.undo()
    assert [i.title for i in session.ideas()] == ["Posyandu digital"]
    log = session.all(AuditEntry)
    assert log[-1].undoes and log[-1].action == "undo:ideas.delete"


def test_undo_survives_reopening(tmp_path):
    path = tmp_path / "lab.json"
    s = Session.create(path, region="Kota Banjar")
    s.add(Idea(title="A"))
    s.add(Idea(title="B"))
    s.close()
    s = Session.open(path)
    s.undo()
    assert [i.title for i in s.ideas()] == ["A"]
    s.close()


def _commitment(session, name="Drs. Yohanes Malak"):
    return session.add(Commitment(official={"name": name, "jabatan": "Kepala Dinas"},
                                  place="Aimas", date="2021-11-04", text="Kami berkomitmen"))


def test_a_sealed_commitment_cannot_be_changed_deleted_or_unsealed(session):
    sealed = seal(session, _commitment(session), signed_how="typed",
                  typed_name="drs.  yohanes malak")
    with pytest.raises(RuleError) as err:
        session.edit(sealed, place="Sorong")
    assert "disegel" in err.value.message()
    with pytest.raises(RuleError):
        session.delete(sealed)
    with pytest.raises(RuleError):
        session.undo()
    assert verify(session) == []
    assert stats(session)["commitments"] == 1


def test_typed_signature_must_match_and_paper_needs_a_sheet_number(session):
    c = _commitment(session)
    with pytest.raises(RuleError):
        seal(session, c, signed_how="typed", typed_name="Yohanes")
    with pytest.raises(RuleError):
        seal(session, c, signed_how="paper", sheet_no=" ")
    sealed = seal(session, c, signed_how="paper", sheet_no="12")
    assert sealed.seq == 1 and len(sealed.seal) == 64


def test_stats_counts_only_ideas_in_the_session_now(session):
    keep = session.add(Idea(title="A"))
    gone = session.add(Idea(title="B"))
    merged = session.add(Idea(title="C"))
    session.delete(gone)
    session.edit(merged, status="merged", merged_into=keep.id)
    assert stats(session)["ideas"] == 1
