"""Importing lists as Excel in Indonesia writes them: semicolons, BOMs, XLSX, bad rows."""

from __future__ import annotations

import json

import pytest

from facilitator.cli import main
from facilitator.core.errors import FacilitatorError
from facilitator.core.importer import apply_import, plan_import
from facilitator.core.records import AuditEntry, Idea, Problem, Unit
from facilitator.core.session import Session
from facilitator.core.stats import stats


@pytest.fixture
def session(tmp_path):
    s = Session.create(tmp_path / "lab.json", region="Kabupaten Sorong")
    s.add(Unit(name="Dinas Kependudukan dan Pencatatan Sipil", short="Disdukcapil"))
    yield s
    s.close()


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolons_with_a_bom_and_indonesian_headers(session, tmp_path):
    path = write(tmp_path, "ide.csv",
                 "Judul;Deskripsi;OPD;Inisiator;Masalah\n"
                 "KTP keliling;Layanan ke distrik;Disdukcapil;ASN;Antrean panjang\n"
                 "Akta lahir di Puskesmas;;Disdukcapil;Kepala Daerah;Antrean panjang\n",
                 encoding="utf-8-sig")
    plan = plan_import(session, path)
    assert plan.added == 2 and plan.skipped == []
    apply_import(session, plan)
    ideas = session.ideas()
    assert [i.title for i in ideas] == ["KTP keliling", "Akta lahir di Puskesmas"]
    assert ideas[0].initiator == "asn" and ideas[1].initiator == "kepala_daerah"
    unit = session.get(Unit, ideas[0].unit_id)
    assert unit.short == "Disdukcapil"
    assert ideas[0].problem_id == ideas[1].problem_id
    assert session.get(Problem, ideas[0].problem_id).statement == "Antrean panjang"


def test_english_headers_commas_any_case_and_new_units(session, tmp_path):
    path = write(tmp_path, "ideas.csv", "TITLE,Unit,description\n"
                                        '"Bank sampah, kampung",Dinas Lingkungan Hidup,x\n')
    plan = plan_import(session, path)
    apply_import(session, plan)
    assert plan.new_units == ["Dinas Lingkungan Hidup"]
    assert session.ideas()[0].title == "Bank sampah, kampung"
    assert session.get(Unit, session.ideas()[0].unit_id).kind == "dinas"


def test_rows_without_a_title_are_skipped_with_their_number_and_duplicates_kept(session,
                                                                                tmp_path):
    session.add(Idea(title="Posyandu Digital"))
    path = write(tmp_path, "ide.csv", "judul;opd\n;Disdukcapil\nposyandu  digital;\nBaru;\n")
    plan = plan_import(session, path)
    assert [(i.row, i.code) for i in plan.skipped] == [(2, "no_title")]
    assert [(i.row, i.text) for i in plan.duplicates] == [(3, "posyandu digital")]
    apply_import(session, plan)
    assert len(session.ideas()) == 3


def test_one_import_is_one_change_and_one_undo(session, tmp_path):
    rows = "\n".join(f"Ide nomor {n};Disdukcapil" for n in range(3000))
    path = write(tmp_path, "besar.csv", "judul;opd\n" + rows + "\n")
    entries_before = len(session.all(AuditEntry))
    apply_import(session, plan_import(session, path))
    assert stats(session)["ideas"] == 3000
    assert len(session.all(AuditEntry)) == entries_before + 1
    session.undo()
    assert stats(session)["ideas"] == 0


def test_xlsx_first_sheet(session, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Judul", "OPD", "Urusan"])
    sheet.append(["Si-Pangan", "Dinas Ketahanan Pangan", "Pangan"])
    sheet.append([None, None, None])
    sheet.append([12345, "Dinas Ketahanan Pangan", None])
    other = book.create_sheet("lain")
    other.append(["Judul"])
    other.append(["tidak diimpor"])
    path = tmp_path / "ide.xlsx"
    book.save(path)
    plan = plan_import(session, path)
    apply_import(session, plan)
    assert [i.title for i in session.ideas()] == ["Si-Pangan", "12345"]


def test_markup_and_control_characters_are_kept_as_text(session, tmp_path):
    path = write(tmp_path, "ide.csv", "judul\n[bold]Tebal[/bold] \x1b[31m[link=http://x]y\n")
    apply_import(session, plan_import(session, path))
    assert session.ideas()[0].title == "[bold]Tebal[/bold] [31m[link=http://x]y"


@pytest.mark.parametrize("content,code", [
    (b"", "import_empty"),
    (b"nama;umur\nA;3\n", "import_no_column"),
    (b"\x00\x01\x02garbage", "import_format"),
])
def test_files_that_cannot_be_imported_say_why(session, tmp_path, content, code):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(FacilitatorError) as err:
        plan_import(session, path)
    assert err.value.code == code and str(path) in err.value.message()


def test_a_damaged_xlsx_says_so(session, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FacilitatorError) as err:
        plan_import(session, path)
    assert err.value.code == "import_format"


def test_problems_units_and_participants(session, tmp_path):
    units = write(tmp_path, "u.csv", "nama;singkatan;jenis\nPuskesmas Aimas;;Puskesmas\n"
                                     "Distrik Salawati;;\n")
    apply_import(session, plan_import(session, units, "units"))
    kinds = {u.name: u.kind for u in session.units()}
    assert kinds["Puskesmas Aimas"] == "puskesmas" and kinds["Distrik Salawati"] == "kecamatan"
    problems = write(tmp_path, "p.csv", "opd;masalah;u;s;g\nPuskesmas Aimas;Stunting tinggi;5;5;4\n"
                                        "Puskesmas Aimas;Obat kurang;9;1;1\n")
    plan = plan_import(session, problems, "problems")
    assert [(i.row, i.code) for i in plan.skipped] == [(3, "bad_usg")]
    apply_import(session, plan)
    assert session.problems()[0].usg == 14
    people = write(tmp_path, "ppl.csv", "Nama;Jabatan;NIP;OPD\n"
                                        "dr. Maria Kambu;Kepala Puskesmas;19800101 200501 2 001;"
                                        "Puskesmas Aimas\n")
    apply_import(session, plan_import(session, people, "participants"))
    person = session.participants()[0]
    assert person.nip == "198001012005012001" and session.unit_name(person.unit_id) == \
        "Puskesmas Aimas"


def test_the_import_command_reports_rows_and_exits_0(tmp_path, capsys):
    path = tmp_path / "lab.json"
    Session.create(path, region="Kota Banjar").close()
    csv_file = write(tmp_path, "ide.csv", "judul;opd\nA;Dinas X\n;Dinas X\nA;Dinas X\n")
    assert main(["import", str(path), str(csv_file), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 2 and report["skipped"][0]["row"] == 3
    assert report["duplicates"][0]["row"] == 4
    assert main(["import", str(path), str(csv_file)]) == 0
    out = capsys.readouterr().out
    assert "baris 3 dilewati: tanpa judul" in out
    assert main(["import", str(path), str(tmp_path / "none.csv")]) == 1


def test_the_import_command_reads_the_roster_and_the_people_from_yaml(tmp_path, capsys):
    path = tmp_path / "lab.json"
    Session.create(path, region="Kabupaten Sorong").close()
    units = write(tmp_path, "opd.yaml", "opd:\n  - {nama: Dinas Kesehatan, singkatan: Dinkes,"
                                        " jenis: dinas}\n  - nama: Distrik Aimas\n")
    people = write(tmp_path, "peserta.yml",
                   "- {nama: Budi Santoso, jabatan: Kepala Dinas, opd: Dinas Kesehatan,"
                   " nip: '197001011995031001'}\n- {nama: Sari Wulandari, opd: Distrik Aimas}\n")
    assert main(["import", str(path), str(units), "--what", "units"]) == 0
    assert "2 OPD ditambahkan dari 2 baris" in capsys.readouterr().out
    assert main(["import", str(path), str(people), "--what", "participants", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 2
    session = Session.open(path, readonly=True)
    try:
        kinds = {u.name: u.kind for u in session.units()}
        placed = {p.name: session.unit_name(p.unit_id) for p in session.participants()}
    finally:
        session.close()
    assert kinds == {"Dinas Kesehatan": "dinas", "Distrik Aimas": "kecamatan"}
    assert placed == {"Budi Santoso": "Dinas Kesehatan", "Sari Wulandari": "Distrik Aimas"}


@pytest.mark.parametrize("lang, words", [("id", "CSV, XLSX atau YAML"),
                                         ("en", "CSV, XLSX or YAML")])
def test_the_import_command_names_yaml_among_the_formats_it_reads(tmp_path, capsys, lang,
                                                                   words):
    path = tmp_path / "lab.json"
    Session.create(path, region="Kabupaten Sorong").close()
    assert main(["import", "--help", "--lang", lang]) == 0
    assert words in " ".join(capsys.readouterr().out.split())
    scan = tmp_path / "daftar.pdf"
    scan.write_bytes(b"%PDF-1.4")
    assert main(["import", str(path), str(scan), "--what", "units", "--lang", lang]) == 1
    assert words in capsys.readouterr().err
