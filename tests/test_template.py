"""Lab templates: the shipped 5D template, and errors that name the file, the line and what."""

from __future__ import annotations

from importlib import resources

import pytest

from facilitator import i18n
from facilitator.core.errors import TemplateError
from facilitator.core.records import STAGES
from facilitator.core.template import load_default_template, load_template

SHIPPED = resources.files("facilitator.templates").joinpath("5d.yaml").read_text("utf-8")


def test_the_shipped_template_has_the_domains_defaults():
    template = load_default_template()
    assert [s.key for s in template.stages] == list(STAGES)
    keys = {c.key: c for c in template.criteria}
    assert {"relevance", "feasibility", "impact", "novelty", "replicability"} <= set(keys)
    assert keys["authority"].gate and keys["no_burden"].gate
    assert set(template.lists["initiator"]) == {"kepala_daerah", "dprd", "opd", "asn",
                                                "masyarakat"}
    assert "{innovation}" in template.commitment_text["id"]
    assert "{innovation}" in template.commitment_text["en"]
    assert template.band(72).key == "sangat_inovatif"
    assert template.band(40).key == "inovatif"
    assert template.band(20).key == "kurang_inovatif"
    assert template.band(0).key == "tidak_dapat_dinilai"


def test_a_new_run_sheet_follows_the_stages_back_to_back():
    template = load_default_template()
    agenda = template.make_agenda("2021-06-16", lambda prefix: f"{prefix}-x")
    assert agenda[0].planned_start == "08:00"
    assert agenda[1].planned_start == "08:30"
    assert [a.order for a in agenda] == list(range(len(agenda)))


def _broken(tmp_path, old, new):
    assert old in SHIPPED
    path = tmp_path / "mine.yaml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("old,new,expect", [
    ("weight: 0.30", "weight: tiga", "harus berupa angka"),
    ("weight: 0.25", "weight: 250", "antara"),
    ("scale: 5", "scale: [5]", "harus berupa angka"),
    ("gate: true", "gate: ya", "true atau false"),
    ("key: design", "key: desain", "tidak dikenal"),
    ('start: "08:00"', 'start: "8 pagi"', "JJ:MM"),
])
def test_an_invalid_value_is_reported_with_file_and_line(tmp_path, old, new, expect):
    path = _broken(tmp_path, old, new)
    with pytest.raises(TemplateError) as err:
        load_template(path)
    message = err.value.message()
    assert str(path) in message
    assert f"baris {_line_of(path.read_text(), new)}" in message
    assert expect in message


def test_a_missing_key_is_named(tmp_path):
    path = _broken(tmp_path, "  threshold: 3.0\n", "")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert "threshold" in err.value.message()


def test_errors_read_in_english_too(tmp_path):
    i18n.set_language("en")
    path = _broken(tmp_path, "weight: 0.30", "weight: three")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert err.value.message().startswith(f"Template {path}, line ")
    assert "must be a number" in err.value.message()


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: 5d\ntitle: {id: x\n", encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert str(path) in err.value.message() and "baris" in err.value.message()


def test_objects_and_bombs_are_refused_before_anything_is_built(tmp_path):
    tagged = tmp_path / "tag.yaml"
    tagged.write_text("name: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(tagged)
    assert "python/object" in err.value.message()
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n',
                    encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(bomb)
    assert "alias" in err.value.message()


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(TemplateError) as err:
        load_template(tmp_path / "nope.yaml")
    assert "nope.yaml" in err.value.message()
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(TemplateError) as err:
        load_template(latin)
    assert "UTF-8" in err.value.message()


def test_a_coach_template_changes_the_rubric_of_a_new_session(tmp_path):
    from facilitator.core.records import Criterion
    from facilitator.core.session import Session

    path = _broken(tmp_path, "weight: 0.30", "weight: 0.50")
    session = Session.create(tmp_path / "s.json", region="Kota Banjar",
                             template=load_template(path))
    try:
        weights = {c.key: c.weight for c in session.all(Criterion)}
        assert weights["relevance"] == 0.5
    finally:
        session.close()
