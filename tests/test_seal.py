"""Sealed commitments cannot be altered unnoticed: `facilitator verify` on a session file that
someone edited by hand after the launch (a field changed, a commitment deleted, two swapped)
exits 1 and names each commitment in question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.core import commitments as cm
from facilitator.core.errors import RuleError
from facilitator.core.records import Commitment
from facilitator.core.seal import GENESIS, SEALED_FIELDS, content_hash, seal, verify
from facilitator.core.session import Session

OFFICIALS = ("Ir. Maria Kambu", "Drs. Yohanes Malak", "Septinus Lobat, S.Sos")


def make_file(path: Path) -> list[Commitment]:
    """A session with three sealed commitments (typed, paper, typed) and one unsigned."""
    s = Session.create(path, region="Kabupaten Sorong", actor="antun@laptop-1")
    sealed = []
    for n, name in enumerate(OFFICIALS):
        c = s.add(Commitment(official={"name": name, "jabatan": "Kepala Dinas", "nip": "1970"},
                             head={"name": "Johnny Kamuru", "jabatan": "Bupati Sorong"},
                             witness={"name": "Antun Nastri Sidik"}, place="Aimas",
                             date="2021-11-04", text=f"Kami berkomitmen ({n})"))
        if n == 1:
            sealed.append(seal(s, c, signed_how="paper", sheet_no=f"00{n}/LABINOV"))
        else:
            sealed.append(seal(s, c, signed_how="typed", typed_name=name))
    s.add(Commitment(official={"name": "Belum Tanda Tangan"}, text="Kami berkomitmen"))
    s.close()
    return sealed


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def commitment_docs(data: dict) -> dict[str, dict]:
    """The commitment documents of a session file, by record id."""
    return {doc["id"]: doc for doc in data["commitments"].values()}


def verify_cli(capsys, path: Path) -> tuple[int, str, str]:
    code = main(["verify", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sealed_file(tmp_path):
    path = tmp_path / "sorong.json"
    return path, make_file(path)


def test_seal_then_verify_passes(capsys, sealed_file):
    path, sealed = sealed_file
    code, out, err = verify_cli(capsys, path)
    assert code == 0 and err == "" and "3" in out
    session = Session.open(path, readonly=True)
    assert verify(session) == []
    assert [c.seq for c in session.sealed()] == [1, 2, 3]
    assert session.sealed()[0].prev_seal == GENESIS
    session.close()


def mutate(value):
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, dict):
        return {**value, "name": (value.get("name") or "") + " (diubah)"}
    return (value or "") + "x"


@pytest.mark.parametrize("field", [*SEALED_FIELDS, "seal", "deleted"])
@pytest.mark.parametrize("which", [0, 1, 2])
def test_changing_any_sealed_field_by_hand_fails_verify_and_names_it(capsys, sealed_file, field,
                                                                     which):
    path, sealed = sealed_file
    data = load(path)
    doc = commitment_docs(data)[sealed[which].id]
    doc[field] = mutate(doc.get(field))
    save(path, data)
    code, out, err = verify_cli(capsys, path)
    assert code == 1
    named = doc["id"] if field == "id" else sealed[which].id
    assert named in err
    name = doc["official"]["name"] if field == "official" else OFFICIALS[which]
    assert name in err


def test_json_verify_lists_the_commitment_and_its_problem(capsys, sealed_file):
    path, sealed = sealed_file
    data = load(path)
    commitment_docs(data)[sealed[1].id]["place"] = "Sorong"
    save(path, data)
    assert main(["verify", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert {(p["id"], p["problem"]) for p in report["problems"]} == {(sealed[1].id, "changed")}


@pytest.mark.parametrize("which", [0, 1, 2])
def test_deleting_a_sealed_commitment_fails_verify_and_names_it(capsys, sealed_file, which):
    path, sealed = sealed_file
    data = load(path)
    table = data["commitments"]
    key = next(k for k, doc in table.items() if doc["id"] == sealed[which].id)
    del table[key]
    save(path, data)
    code, out, err = verify_cli(capsys, path)
    assert code == 1
    assert sealed[which].id in err and OFFICIALS[which] in err
    if which < 2:
        # The next one in the chain lost the seal it follows.
        assert sealed[which + 1].id in err


def test_deleting_the_last_commitment_and_its_log_entry_is_beyond_the_file(capsys, sealed_file):
    """What the file alone cannot show: the whole trace of the last seal removed by someone who
    knows the format. The printed sheet's short code (and LAN's copy) is the outside witness."""
    path, sealed = sealed_file
    data = load(path)
    for table, ident in (("commitments", sealed[2].id),):
        data[table] = {k: d for k, d in data[table].items() if d["id"] != ident}
    data["audit"] = {k: d for k, d in data["audit"].items()
                     if not any(ch[1] == sealed[2].id for ch in d["changes"])}
    save(path, data)
    code, _, _ = verify_cli(capsys, path)
    assert code == 0


def test_swapping_the_order_of_two_sealed_commitments_fails_verify(capsys, sealed_file):
    path, sealed = sealed_file
    data = load(path)
    docs = commitment_docs(data)
    a, b = docs[sealed[0].id], docs[sealed[1].id]
    a["seq"], b["seq"] = b["seq"], a["seq"]
    save(path, data)
    code, _, err = verify_cli(capsys, path)
    assert code == 1 and sealed[0].id in err and sealed[1].id in err


def test_swapping_when_they_were_sealed_fails_verify(capsys, sealed_file):
    path, sealed = sealed_file
    data = load(path)
    docs = commitment_docs(data)
    a, b = docs[sealed[1].id], docs[sealed[2].id]
    a["sealed_at"], b["sealed_at"] = b["sealed_at"], a["sealed_at"]
    save(path, data)
    code, _, err = verify_cli(capsys, path)
    assert code == 1 and sealed[1].id in err and sealed[2].id in err


def test_a_reordered_chain_with_fresh_hashes_still_fails_verify(capsys, sealed_file):
    """A forger who swaps two commitments and computes every hash again: the chain then reads
    well on its own, but the seals the session's log recorded at signing do not match."""
    path, sealed = sealed_file
    data = load(path)
    docs = commitment_docs(data)
    order = [docs[sealed[1].id], docs[sealed[0].id], docs[sealed[2].id]]
    prev = GENESIS
    for seq, doc in enumerate(order, start=1):
        doc["seq"], doc["prev_seal"] = seq, prev
        doc["seal"] = content_hash(doc)
        prev = doc["seal"]
    save(path, data)
    code, _, err = verify_cli(capsys, path)
    assert code == 1
    for c in sealed:
        assert c.id in err


def test_a_commitment_inserted_into_the_chain_out_of_order_is_named(capsys, sealed_file):
    path, sealed = sealed_file
    data = load(path)
    docs = commitment_docs(data)
    forged = dict(docs[sealed[0].id], id="kmt-forged", seq=2,
                  official={"name": "Penyusup"}, prev_seal=docs[sealed[0].id]["seal"])
    forged["seal"] = content_hash(forged)
    data["commitments"]["kmt-forged"] = forged
    save(path, data)
    code, _, err = verify_cli(capsys, path)
    assert code == 1 and "kmt-forged" in err


def test_the_app_refuses_to_change_delete_or_unseal_a_sealed_commitment(tmp_path):
    path = tmp_path / "s.json"
    sealed = make_file(path)
    s = Session.open(path)
    c = s.get(Commitment, sealed[0].id)
    with pytest.raises(RuleError) as refused:
        s.edit(c, place="Sorong")
    assert "Ir. Maria Kambu" in refused.value.message() and "penarikan" in refused.value.message()
    with pytest.raises(RuleError):
        cm.remove(s, c)
    assert verify(s) == [] and s.get(Commitment, c.id).place == "Aimas"
    s.close()


def test_undo_never_takes_a_seal_back(tmp_path):
    s = Session.create(tmp_path / "u.json", region="Kota Sorong")
    c = s.add(Commitment(official={"name": "Yosias Klasin"}, text="Kami berkomitmen"))
    seal(s, c, signed_how="typed", typed_name="yosias  klasin")
    with pytest.raises(RuleError) as refused:
        s.undo()
    assert refused.value.code == "undo_seal"
    assert len(s.sealed()) == 1 and verify(s) == []
    s.close()


def test_two_laptops_chains_verify_side_by_side(tmp_path):
    """Each laptop seals into its own chain, so a merged file holds two intact chains."""
    path = tmp_path / "two.json"
    s = Session.create(path, region="Kabupaten Sorong", actor="antun@laptop-1")
    first = seal(s, s.add(Commitment(official={"name": "A"}, text="x")), signed_how="typed",
                 typed_name="A")
    s.actor = "dewi@laptop-2"
    second = seal(s, s.add(Commitment(official={"name": "B"}, text="y")), signed_how="paper",
                  sheet_no="9")
    assert (first.chain, first.seq) == ("antun@laptop-1", 1)
    assert (second.chain, second.seq, second.prev_seal) == ("dewi@laptop-2", 1, GENESIS)
    assert verify(s) == []
    s.close()
