"""Exports: after the lab the coach hands the region its minutes and catalogue, sends LAN the
session, and LAN makes a session again from what arrived."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from facilitator import i18n
from facilitator.cli import main
from facilitator.core import funnel
from facilitator.core.errors import FacilitatorError
from facilitator.core.records import (
    ActionPlan, Commitment, Idea, Note, Participant, Score, Unit,
)
from facilitator.core.seal import seal, short_code
from facilitator.core.session import Session
from facilitator.core.stats import stats
from facilitator.core.text import markdown_escape
from facilitator.demo import write_demo
from facilitator.export import ExportError, export, format_names, load_export, safe_name, target
from facilitator.export.bundle import MANIFEST, member_name
from facilitator.export.iid import IID_FIELDS
from facilitator.export.tables import table_label
from facilitator.store import Store

FORMATS = ["json", "yaml", "csv", "xlsx", "md", "html", "docx", "pdf", "iid", "funnel",
           "commitments-pdf", "bundle"]


# -- sessions --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The Sorong demo (64 ideas, 41 selected, plans, sealed and unsigned commitments)."""
    path = write_demo(tmp_path_factory.mktemp("demo") / "demo.json")
    session = Session.open(path, readonly=True)
    yield session
    session.close()


@pytest.fixture(scope="module")
def demo_bundle(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle")
    i18n.set_language("id")
    [path] = export(demo, "bundle", out)
    return path


def small_lab(path: Path, region: str = "Kabupaten Sorong") -> Session:
    """A lab with the text coaches really type: markup-like titles, HTML, accents, emoji."""
    s = Session.create(path, region=region, date="2021-06-16", actor="coach")
    s.edit(s.lab, dates=["2021-06-16", "2021-06-17"], venue="Aula Kantor Bupati, Aimas",
           chair="Bapak Septinus Lobat, S.Sos", notulis="Yohana Kambu",
           minutes={"tujuan": "Menghasilkan <script>alert(1)</script> inovasi [bold]x[/bold]"})
    units = [Unit(name="Dinas Perikanan"), Unit(name="Puskesmas Aimas")]
    s.commit("units", units)
    s.commit("people", [
        Participant(name="Septinus Lobat", jabatan="Kepala Bapperlitbangda",
                    nip="196805121990031007", unit_id=units[0].id,
                    attendance=["2021-06-16", "2021-06-17"]),
        Participant(name="Yohana Kambu", jabatan="Analis Kebijakan", nip="198801012010012001",
                    unit_id=units[1].id, attendance=["2021-06-16"]),
        Participant(name="Ñoño Wéro 😀", jabatan="Kepala Puskesmas", unit_id=units[1].id),
    ])
    s.commit("notes", [
        Note(at="2021-06-16T08:30", speaker="Bapak Antun selaku perwakilan LAN",
             text="Laboratorium Inovasi merupakan kegiatan prioritas."),
        Note(at="2021-06-16T09:00", speaker="Ibu Reni Suzana",
             text="Ada 64 usulan <b>inovasi</b> [bold]tebal[/bold]\n- 41 terpilih"),
    ])
    titles = ["=HYPERLINK(\"http://x\")", "[bold]Pasar Ikan[/bold] Daring", "Ambulans # 1",
              "Akta Lahir <script>", "Klinik NIB", "Cold Box 🐟"]
    ideas = [Idea(title=title, unit_id=units[n % 2].id, initiator="opd", jenis="digital")
             for n, title in enumerate(titles)]
    s.commit("ideas", ideas)
    s.commit("scores", [Score(idea_id=idea.id, criterion=crit.key, rater="juri",
                              value=1 if crit.gate else 2 + n % 4)
                        for n, idea in enumerate(ideas) for crit in funnel.criteria(s)])
    funnel.apply_round(s, "Skor rubrik", funnel.preview(s, {"kind": "threshold",
                                                            "threshold": 3.0}))
    first = s.get(Idea, s.selected_ids()[0])
    s.add(ActionPlan(idea_id=first.id, problem="Antrean panjang",
                     profile={"tahapan": "uji_coba", "anggaran": "Rp 50.000.000",
                              "rancang_bangun": "Rancang bangun " * 60}))
    sealed = s.add(Commitment(
        idea_id=first.id, unit_id=first.unit_id, place="Aimas", date="2021-11-04",
        official={"name": "Septinus Lobat", "jabatan": "Kepala Bapperlitbangda",
                  "nip": "196805121990031007"},
        head={"name": "Johnny Kamuru", "jabatan": "Bupati Sorong"},
        witness={"name": "Antun Nastri Sidik", "jabatan": "Coach LAN"},
        text="Kami yang bertanda tangan di bawah ini berkomitmen."))
    seal(s, sealed, signed_how="typed", typed_name="Septinus Lobat")
    second = s.get(Idea, s.selected_ids()[1])
    s.add(Commitment(idea_id=second.id, unit_id=second.unit_id, lang="en", place="Aimas",
                     date="2021-11-04", official={"name": "Ñoño Łukasz 中文", "jabatan": "Head"},
                     head={"name": "Johnny Kamuru"}))
    return s


@pytest.fixture
def lab(tmp_path):
    session = small_lab(tmp_path / "lab.json")
    yield session
    session.close()


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


# -- the session itself, and back ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_an_export_becomes_the_same_session_again(demo, tmp_path, fmt):
    [path] = export(demo, fmt, tmp_path / "out")
    tables = load_export(path)
    assert tables == demo.store.tables
    again = Session(Store.create(tmp_path / "again.json", tables))
    try:
        assert stats(again) == stats(demo)
        assert again.selected_ids() == demo.selected_ids()
    finally:
        again.close()


def test_the_json_export_says_what_it_is_and_opens_as_a_session(lab, tmp_path):
    [path] = export(lab, "json", tmp_path)
    header = json.loads(path.read_text("utf-8"))["_meta"]["1"]
    assert header["app"] == "facilitator" and header["schema"] == 1 and header["exported"]
    copy = Session.open(path)
    try:
        assert stats(copy) == stats(lab)
    finally:
        copy.close()


def test_odd_characters_survive_the_round_trip(tmp_path):
    s = Session.create(tmp_path / "odd.json", region="Kota Sorong")
    odd = "tab\there, quote \" ' : - [x] {y} &amp; 中文 😀 \ud800 2021-06-16 yes no ~"
    s.add(Idea(title=odd, description="- 1\n- 2\n# not a heading"))
    for fmt in ("json", "yaml"):
        [path] = export(s, fmt, tmp_path / fmt)
        tables = load_export(path)
        assert [d["title"] for d in tables["ideas"].values()] in (
            [odd], [odd.replace("\ud800", "?")])
    s.close()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_damaged_or_foreign_file_is_refused_with_a_reason(lab, tmp_path):
    [good] = export(lab, "json", tmp_path / "ok")
    data = json.loads(good.read_text("utf-8"))

    def altered(change) -> str:
        copy = json.loads(json.dumps(data))
        change(copy)
        return json.dumps(copy)

    cases = {
        "load_missing": tmp_path / "nowhere.json",
        "load_syntax": write(tmp_path, "broken.json", '{"_meta": {'),
        "load_not_export": write(tmp_path, "other.json", '{"name": "spreadsheet"}'),
        "load_newer": write(tmp_path, "newer.json", altered(
            lambda d: d["_meta"]["1"].update(schema=99))),
        "load_field": write(tmp_path, "field.json", altered(
            lambda d: next(iter(d["participants"].values())).update(attendance="kemarin"))),
        "load_record": write(tmp_path, "record.json", altered(
            lambda d: d["ideas"].update({"99": {"title": "no id"}}))),
        "load_duplicate": write(tmp_path, "dup.json", altered(
            lambda d: d["ideas"].update({"99": next(iter(d["ideas"].values()))}))),
        "load_table": write(tmp_path, "table.json", altered(lambda d: d.update(ideas=[1, 2]))),
    }
    for code, path in cases.items():
        with pytest.raises(ExportError) as caught:
            load_export(path)
        assert caught.value.code == code
        message = caught.value.message()
        assert str(path) in message and not message.startswith("export.error")


def test_a_yaml_bomb_is_refused_before_it_expands(tmp_path):
    bomb = ["_meta: {'1': {app: facilitator, schema: 1, seq: 0, id: meta}}",
            "a: &a ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']"]
    for n, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[n]
        bomb.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    path = write(tmp_path, "bomb.yaml", "\n".join(bomb) + "\n")
    with pytest.raises(ExportError) as caught:
        load_export(path)
    assert caught.value.code == "load_syntax"


def test_a_bundle_reads_back_through_its_json(demo, demo_bundle):
    assert load_export(demo_bundle) == demo.store.tables


# -- spreadsheets ----------------------------------------------------------------------------

def test_csv_files_open_in_excel_one_per_table(lab, tmp_path):
    paths = export(lab, "csv", tmp_path)
    assert all(p.parent == tmp_path.resolve() and p.suffix == ".csv" for p in paths)
    assert len(paths) == len(set(paths)) >= 14
    by_name = {p.name: p for p in paths}
    people = by_name[f"kabupaten-sorong-{safe_name(table_label('participants'))}.csv"]
    raw = people.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert "Nama" in header and "Jabatan" in header and "Hari hadir" in header
    assert len(rows) == 1 + len(lab.all(Participant))
    name_col, days_col = header.index("Nama"), header.index("Hari hadir")
    row = next(r for r in rows if r[name_col] == "Septinus Lobat")
    assert json.loads(row[days_col]) == ["2021-06-16", "2021-06-17"]
    ideas = by_name[f"kabupaten-sorong-{safe_name(table_label('ideas'))}.csv"]
    text = ideas.read_bytes().decode("utf-8-sig")
    # Excel must not run what a participant typed as a formula.
    assert "'=HYPERLINK" in text and "[bold]Pasar Ikan[/bold] Daring" in text


def test_the_workbook_has_a_sheet_per_table_with_every_record(demo, tmp_path):
    from openpyxl import load_workbook

    [path] = export(demo, "xlsx", tmp_path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames[:3] == [table_label("lab"), table_label("units"),
                                   table_label("participants")]
    assert all(len(name) <= 31 for name in book.sheetnames)
    for table in ("units", "participants", "ideas", "commitments"):
        sheet = book[table_label(table)]
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 1 + len(demo.store.tables[table])
    ideas = list(book[table_label("ideas")].iter_rows(values_only=True))
    title_col = ideas[0].index("Judul")
    assert {r[title_col] for r in ideas[1:]} == {i.title for i in demo.all(
        Idea, include_deleted=True)}
    book.close()


def test_a_formula_typed_as_a_title_stays_text_in_the_workbook(lab, tmp_path):
    from openpyxl import load_workbook

    [path] = export(lab, "xlsx", tmp_path)
    sheet = load_workbook(path)[table_label("ideas")]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_national_form_has_its_fields_and_a_row_per_innovation(demo, tmp_path):
    from openpyxl import load_workbook

    [path] = export(demo, "iid", tmp_path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == ["Perangkat Daerah", "Nama Inovasi Daerah"] + [
        i18n.t(f"export.iid.{name}") for name in IID_FIELDS]
    assert len(rows) - 1 == len(demo.selected_ids()) == 41
    plan = next(p for p in demo.all(ActionPlan) if p.profile.get("anggaran"))
    title = demo.get(Idea, plan.idea_id).title
    row = next(r for r in rows if r[1] == title)
    assert row[rows[0].index("Anggaran")] == plan.profile["anggaran"]
    assert row[0] == demo.unit_name(demo.get(Idea, plan.idea_id).unit_id)


# -- the minutes -----------------------------------------------------------------------------

def test_the_minutes_in_word_follow_the_notula_layout(demo, tmp_path):
    from docx import Document

    [path] = export(demo, "docx", tmp_path)
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in ("NOTULA", "PENDAHULUAN", "TUJUAN", "PEMBAHASAN", "KESIMPULAN",
                    "DOKUMENTASI", "LAMPIRAN: DAFTAR HADIR"):
        assert heading in text
    assert text.index("PENDAHULUAN") < text.index("PEMBAHASAN") < text.index("KESIMPULAN")
    note = demo.all(Note)[0]
    assert note.text.splitlines()[0] in text and note.speaker in text
    assert demo.lab.minutes["kesimpulan"] in text
    cells = {c.text for table in doc.tables for row in table.rows for c in row.cells}
    someone = next(p for p in demo.all(Participant) if p.attendance)
    assert someone.name in cells and someone.jabatan in cells
    assert "Dinas Perikanan" in cells  # the selected innovations, by unit
    assert demo.lab.chair in cells and demo.lab.notulis in cells  # the signatures


def test_the_html_minutes_show_user_text_as_typed(lab, tmp_path):
    [path] = export(lab, "html", tmp_path)
    page = path.read_text("utf-8")
    assert "<script>" not in page and "<b>inovasi" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[bold]x[/bold]" in page and "[bold]Pasar Ikan[/bold] Daring" in page
    assert "<strong>Ibu Reni Suzana</strong> menyampaikan" in page
    assert "Septinus Lobat" in page and "NIP. 196805121990031007" in page  # chair's block


def test_the_markdown_minutes_make_user_text_inert(lab, tmp_path):
    [path] = export(lab, "md", tmp_path)
    text = path.read_text("utf-8")
    assert "\\<script>alert(1)\\</script>" in text and "\\[bold\\]x\\[/bold\\]" in text
    assert "**Bapak Antun selaku perwakilan LAN** menyampaikan: Laboratorium" in text
    assert "   - \\- 41 terpilih" in text  # a typed "- " stays a dash, not a nested list
    assert "Ambulans \\# 1" in text
    assert "\n1. " in text and "## PEMBAHASAN" in text


def test_markdown_escape_leaves_plain_text_readable():
    assert markdown_escape("skor 2,5 < ambang 3,0") == "skor 2,5 < ambang 3,0"
    assert markdown_escape("1. satu\n- dua\n> tiga") == "1\\. satu\n\\- dua\n\\> tiga"
    assert markdown_escape("- a", inline=True) == "- a"
    assert markdown_escape("&amp; *x* _y_ `z` ~w~") == "\\&amp; \\*x\\* \\_y\\_ \\`z\\` \\~w\\~"


def test_the_minutes_follow_the_language(lab, tmp_path):
    i18n.set_language("en")
    [path] = export(lab, "md", tmp_path)
    text = path.read_text("utf-8")
    assert path.name == "kabupaten-sorong-minutes.md"
    assert "# MINUTES" in text and "## DISCUSSION" in text and "PEMBAHASAN" not in text
    assert "Wednesday – Thursday, 16 – 17 June 2021" in text


def test_the_coachs_own_introduction_replaces_the_generated_one(lab, tmp_path):
    lab.edit(lab.lab, minutes={"pendahuluan": "Pembukaan oleh Bupati.\nDilanjutkan Drum-Up."})
    [path] = export(lab, "md", tmp_path)
    text = path.read_text("utf-8")
    assert "Pembukaan oleh Bupati.\n\nDilanjutkan Drum-Up." in text
    assert "diselenggarakan oleh Lembaga Administrasi Negara" not in text
    assert "bertujuan untuk menumbuhkan semangat" in text  # no own Tujuan: the default


# -- the PDFs --------------------------------------------------------------------------------

def test_a_printable_page_per_commitment_with_the_names(demo, tmp_path):
    [path] = export(demo, "commitments-pdf", tmp_path)
    pages = pdf_pages(path)
    commitments = demo.all(Commitment)
    assert len(pages) == len(commitments) == 10
    for commitment in commitments:
        page = next(p for p in pages if commitment.official["name"] in p)
        assert "KOMITMEN KESEPAKATAN BERINOVASI" in page
        assert commitment.head["name"] in page and commitment.witness["name"] in page
        if commitment.sealed_at:
            assert short_code(commitment.seal) in page and commitment.seal in page
        else:
            assert "Belum ditandatangani" in page and commitment.id in page


def test_a_commitment_prints_in_its_own_language_and_any_name_prints(lab, tmp_path):
    [path] = export(lab, "commitments-pdf", tmp_path)
    pages = pdf_pages(path)
    assert len(pages) == 2
    english = next(p for p in pages if "COMMITMENT AGREEMENT TO INNOVATE" in p)
    # The embedded font draws more than latin-1 (Ł); what it cannot draw (CJK) prints as "?"
    # instead of failing the export.
    assert "Ñoño Łukasz ??" in english and "Not signed yet" in english
    indonesian = next(p for p in pages if "Septinus Lobat" in p)
    assert "KOMITMEN KESEPAKATAN BERINOVASI" in indonesian and "disegel" in indonesian


def test_the_catalogue_lists_the_selected_innovations_by_unit(demo, tmp_path):
    [path] = export(demo, "pdf", tmp_path)
    text = " ".join(" ".join(p.split()) for p in pdf_pages(path))
    assert "DIREKTORI INOVASI" in text and "41 inovasi dari 24 perangkat daerah" in text
    for idea_id in demo.selected_ids():
        idea = demo.get(Idea, idea_id)
        assert " ".join(idea.title.split()) in text
        assert demo.unit_name(idea.unit_id) in text
    plan = next(p for p in demo.all(ActionPlan) if p.profile.get("tahapan"))
    assert "Tahapan inovasi" in text and " ".join(plan.profile["urusan"].split()) in text


def test_a_catalogue_before_any_round_says_so(tmp_path):
    s = Session.create(tmp_path / "new.json", region="Kota Sorong")
    [path] = export(s, "pdf", tmp_path / "out")
    assert "Belum ada inovasi terpilih" in " ".join(pdf_pages(path))
    s.close()


# -- the bundle, and where files land --------------------------------------------------------

def test_the_bundle_holds_every_format_and_its_manifest_matches(demo_bundle):
    with zipfile.ZipFile(demo_bundle) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        names = set(archive.namelist()) - {MANIFEST}
        assert {entry["path"] for entry in manifest["files"]} == names
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert len(data) == entry["size"]
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert {name.split("/")[0] for name in names} == set(FORMATS) - {"bundle"}
    assert manifest["region"] == "Kabupaten Sorong"


def test_every_format_is_registered_and_the_cli_writes_it(demo, capsys, tmp_path):
    assert format_names() == FORMATS
    code = main(["export", str(demo.path), "--format", "iid", "--out", str(tmp_path)])
    assert code == 0
    [line] = capsys.readouterr().out.strip().splitlines()
    assert Path(line).parent == tmp_path.resolve() and Path(line).exists()


@pytest.mark.parametrize("region", ["../../etc/passwd", "C:\\x", "CON", "/abs/olute", "..",
                                    "nul.txt", "Kabupaten  Sorong\u0301 😀"])
def test_names_made_from_user_text_stay_inside_the_folder(tmp_path, region):
    s = small_lab(tmp_path / "lab.json", region=region)
    out = tmp_path / "out"
    try:
        written = [p for fmt in ("json", "csv", "bundle")
                   for p in export(s, fmt, out)]
    finally:
        s.close()
    assert all(p.parent == out.resolve() for p in written)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    for path in written:
        assert path.name.split(".")[0].lower() not in ("con", "nul")
    [bundle] = [p for p in written if p.suffix == ".zip"]
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            assert not name.startswith("/") and "\\" not in name and ":" not in name
            assert ".." not in name.split("/")


def test_zip_member_names_cannot_escape():
    assert member_name("..", "../../etc/passwd") == "etc/passwd"
    assert member_name("C:\\Windows", "x.txt") == "C/Windows/x.txt"
    assert member_name("csv", "CON.csv") == "csv/_CON.csv"
    assert member_name("/", "..") == "file"
    with pytest.raises(FacilitatorError):
        target(Path("/tmp/out"), "../escape.txt")


def test_exporting_again_replaces_the_files_and_adds_nothing(lab, tmp_path):
    out = tmp_path / "out"
    first = export(lab, "md", out)
    lab.add(Note(speaker="Ibu Dewi", text="Catatan baru"))
    second = export(lab, "md", out)
    assert first == second and [p.name for p in out.iterdir()] == [first[0].name]
    assert "Catatan baru" in second[0].read_text("utf-8")


def test_an_unwritable_folder_is_an_error_the_coach_can_read(lab, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(FacilitatorError) as caught:
        export(lab, "md", blocker / "missing" / "out")
    assert caught.value.code == "export_dir" and str(blocker) in caught.value.message()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(FacilitatorError) as caught:
        export(lab, "bundle", out)
    assert caught.value.code == "export_dir"
    assert os.strerror(errno.ENOSPC) in caught.value.message()
    assert list(out.iterdir()) == []  # no half-written file, no temporary left behind


def test_a_read_only_folder_is_refused(lab, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("this user can write to read-only folders (root)")
        with pytest.raises(FacilitatorError) as caught:
            export(lab, "json", out)
        assert caught.value.code == "export_dir"
    finally:
        out.chmod(0o700)


def test_the_bundle_reports_its_progress(lab, tmp_path):
    steps: list[tuple[int, int, str]] = []
    export(lab, "bundle", tmp_path, progress=lambda done, total, step: steps.append(
        (done, total, step)))
    assert {step for _, _, step in steps} >= set(FORMATS)
    assert steps[-1][0] == steps[-1][1]


def test_the_document_libraries_load_only_when_exporting():
    code = ("import sys, facilitator.export as e; e.format_names(); "
            "print(sorted(m for m in ('docx', 'fpdf', 'openpyxl', 'pypdf') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_format_that_writes_its_own_files_is_bundled_too(lab, tmp_path, monkeypatch):
    from facilitator import export as exports

    def own(session, out):
        return [exports.write_text(exports.target(out, "sendiri.txt"), session.lab.region)]

    monkeypatch.setitem(exports.FORMATS, "own", own)
    assert exports.render(lab, "own") == {"sendiri.txt": b"Kabupaten Sorong"}
    [bundle] = export(lab, "bundle", tmp_path)
    with zipfile.ZipFile(bundle) as archive:
        assert archive.read("own/sendiri.txt") == b"Kabupaten Sorong"
