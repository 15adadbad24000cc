"""Records of the wrong kind inside a session file that is otherwise valid JSON.

A session file edited by hand (or by another tool) can hold an idea whose title is a number,
attendance written as one date instead of a list, a round whose decisions are a mapping. The app
reads what plainly means the right thing (42 as the text "42", "3" as 3, one date as a list of
one) and refuses, naming the file, the table, the record and the field, what cannot be read; it
never opens a session that a screen would then trip over, and never changes the file.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from facilitator import i18n
from facilitator.core.errors import StoreError
from facilitator.core.merge import merge_files
from facilitator.core.records import RECORD_TYPES, Idea, Participant, RecordError, Round
from facilitator.core.session import Session
from facilitator.core.stats import stats
from facilitator.export import ExportError, load_export
from facilitator.store import in_use

WRONG = [42, -7, 2.5, 1e308, float("inf"), float("nan"), 10 ** 100, "teks", "3", "", " ",
         None, True, False, [], ["a", 1, None], {}, {"k": "v", "n": 1}, [[[[{"a": [[]]}]]]],
         json.loads("[" * 500 + "]" * 500)]
"""Every kind of value a damaged or hand-edited file can put where another belongs."""

KINDS = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def right_kinds(record) -> list[str]:
    """The fields of ``record`` that do not hold their own kind (none, if all is well)."""
    wrong = []
    for spec in dataclasses.fields(record):
        value, kind = getattr(record, spec.name), str(spec.type)
        if kind in KINDS:
            ok = isinstance(value, KINDS[kind]) and (kind == "bool" or not isinstance(value, bool))
            if kind in ("int", "float") and ok:
                ok = abs(value) <= 2 ** 53 and value == value  # finite, not NaN
        elif kind == "list[str]":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif kind in ("dict[str, str]", "dict[str, int]"):
            inner = str if kind.endswith("str]") else int
            ok = isinstance(value, dict) and all(isinstance(v, inner) for v in value.values())
        elif kind.startswith("dict"):
            ok = isinstance(value, dict)
        elif kind.startswith("list"):
            ok = isinstance(value, list)
        else:
            ok = True
        if not ok:
            wrong.append(spec.name)
    return wrong


@pytest.mark.parametrize("table", sorted(RECORD_TYPES))
def test_every_field_of_every_record_reads_as_its_kind_or_is_refused_by_name(table):
    cls = RECORD_TYPES[table]
    base = cls(id=f"{cls.PREFIX}-1").to_doc()
    for spec in dataclasses.fields(cls):
        if spec.name == "id":
            continue
        for value in WRONG:
            doc = dict(base, **{spec.name: value})
            before = json.dumps(doc)
            try:
                record = cls.from_doc(doc)
            except RecordError as exc:
                assert exc.params["table"] == table and exc.params["field"] == spec.name
                assert exc.params["id"] == f"{cls.PREFIX}-1"
                for lang in i18n.LANGUAGES:
                    i18n.set_language(lang)
                    message = exc.message()
                    assert spec.name in message and table in message and "{" not in message
                i18n.set_language("id")
            else:
                assert right_kinds(record) == [], (table, spec.name, value)
            assert json.dumps(doc) == before  # the document (the file's content) is untouched


def test_what_the_app_writes_reads_back_exactly(tmp_path):
    """Reading is the identity on every record the app itself wrote: nothing is reshaped, and
    every seal of the demo still verifies."""
    from facilitator.core.seal import verify
    from facilitator.demo import write_demo

    path = tmp_path / "demo.json"
    write_demo(path)
    data = json.loads(path.read_bytes())
    count = 0
    for table, docs in data.items():
        cls = RECORD_TYPES.get(table)
        for doc in docs.values() if cls else ():
            assert cls.from_doc(doc).to_doc() == {k: v for k, v in doc.items()
                                                  if k in cls.__dataclass_fields__}
            count += 1
    assert count > 1000
    session = Session.open(path, readonly=True)
    assert verify(session) == []
    session.close()


@pytest.fixture
def lab(tmp_path) -> Path:
    path = tmp_path / "sorong.json"
    session = Session.create(path, region="Kabupaten Sorong", date="2021-03-15")
    session.add(Idea(title="Antrean daring"))
    session.add(Participant(name="dr. Siti Aminah"))
    session.close()
    return path


def edit_file(path: Path, table: str, **fields) -> bytes:
    """Change the first record of ``table`` in the file itself, as a text editor would."""
    data = json.loads(path.read_bytes())
    next(iter(data[table].values())).update(fields)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path.read_bytes()


def test_values_that_plainly_mean_the_right_thing_are_read_as_such(lab):
    edit_file(lab, "ideas", title=42, description=["langkah 1", "langkah 2"], deleted="false")
    edit_file(lab, "participants", attendance="2021-03-15", nip=198001012005012001)
    before = lab.read_bytes()
    session = Session.open(lab)
    idea, person = session.ideas()[0], session.participants()[0]
    assert idea.title == "42"
    assert idea.description == '["langkah 1", "langkah 2"]'  # shown as written, nothing lost
    assert person.attendance == ["2021-03-15"] and person.nip == "198001012005012001"
    assert stats(session)["attended"] == 1
    session.close()
    assert lab.read_bytes() == before  # reading changed nothing


@pytest.mark.parametrize("table, fields, field", [
    ("ideas", {"deleted": "mungkin"}, "deleted"),
    ("participants", {"attendance": {"hari": 1}}, "attendance"),
    ("criteria", {"weight": "berat"}, "weight"),
    ("criteria", {"weight": 1e308}, "weight"),
    ("criteria", {"name": "Relevansi"}, "name"),
    ("agenda", {"minutes": 10 ** 100}, "minutes"),
    ("audit", {"changes": [["ideas"]]}, "changes"),
])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_value_that_cannot_be_read_refuses_the_file_by_name_and_leaves_it(lab, table, fields,
                                                                           field, lang):
    i18n.set_language(lang)
    before = edit_file(lab, table, **fields)
    with pytest.raises(RecordError) as caught:
        Session.open(lab)
    message = caught.value.message()
    assert str(lab) in message and table in message and field in message
    assert isinstance(caught.value, StoreError)  # the app and the CLI already show these
    assert lab.read_bytes() == before
    assert not in_use(lab)  # refused, and let go: the next attempt is not locked out
    assert sorted(p.name for p in lab.parent.iterdir() if not p.name.endswith(".lock")) == [
        "sorong.json", "sorong.json.bak"]


def test_a_round_whose_decisions_are_a_mapping_is_refused(tmp_path, lab):
    data = json.loads(lab.read_bytes())
    data["rounds"] = {"1": Round(id="rnd-1", name="Babak 1", pool=["ide-x"],
                                 decisions={"ide-x": True}).to_doc()}  # type: ignore[arg-type]
    lab.write_text(json.dumps(data), "utf-8")
    with pytest.raises(RecordError) as caught:
        Session.open(lab)
    assert caught.value.params["field"] == "decisions"
    assert "keputusan" in caught.value.message()


def test_a_merge_refuses_an_input_with_a_record_it_cannot_read(tmp_path, lab):
    other = tmp_path / "other" / "laptop2.json"
    Session.create(other, region="Kabupaten Sorong").close()
    edit_file(other, "criteria", gate="kadang")
    with pytest.raises(RecordError) as caught:
        merge_files([lab, other], tmp_path / "merged.json")
    assert str(other) in caught.value.message()
    assert not (tmp_path / "merged.json").exists()


def test_an_export_with_a_damaged_record_inside_is_refused_by_field(tmp_path):
    export = tmp_path / "export.json"
    export.write_text(json.dumps({
        "_meta": {"1": {"app": "facilitator", "schema": 1}},
        "rounds": {"1": {"id": "rnd-1", "pool": ["a"], "decisions": [1, 2]}}}), "utf-8")
    with pytest.raises(ExportError) as caught:
        load_export(export)
    assert caught.value.params["field"] == "decisions"
    assert "{" not in caught.value.message()
