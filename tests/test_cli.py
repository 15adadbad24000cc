"""The command line: the contract LAN's scripts rely on (names, options, exit codes, JSON)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.core.records import Commitment, Idea, Unit
from facilitator.core.seal import seal
from facilitator.core.session import Session


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lab(tmp_path):
    path = tmp_path / "sorong.json"
    s = Session.create(path, region="Kabupaten Sorong", date="2021-06-16")
    unit = s.add(Unit(name="Dinas Perikanan"))
    for n in range(5):
        s.add(Idea(title=f"Ide {n}", unit_id=unit.id))
    s.close()
    return path


def test_stats_json_has_the_promised_keys(capsys, lab):
    code, out, err = run(capsys, "stats", str(lab), "--json")
    assert code == 0 and err == ""
    figures = json.loads(out)
    for key in ("ideas", "opds", "participants", "problems", "funnel", "selected", "plans",
                "commitments"):
        assert key in figures
    assert figures["ideas"] == 5 and figures["opds"] == 1
    assert figures["funnel"] == [] and figures["selected"] == 0


def test_stats_reads_while_the_app_holds_the_file(capsys, lab):
    holder = Session.open(lab)
    try:
        holder.add(Idea(title="baru"))
        code, out, _ = run(capsys, "stats", str(lab), "--json")
    finally:
        holder.close()
    assert code == 0 and json.loads(out)["ideas"] == 6


def test_stats_in_both_languages(capsys, lab):
    _, out_id, _ = run(capsys, "stats", str(lab))
    _, out_en, _ = run(capsys, "stats", str(lab), "--lang", "en")
    assert "Ide: 5" in out_id and "Ideas: 5" in out_en


def test_errors_are_one_line_in_the_users_language(capsys, tmp_path):
    code, out, err = run(capsys, "stats", str(tmp_path / "nope.json"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "tidak ditemukan" in err
    code, _, err = run(capsys, "--lang", "en", "stats", str(tmp_path / "nope.json"))
    assert code == 1 and "not found" in err


def test_a_corrupt_file_is_named_with_its_backup_and_left_alone(capsys, lab):
    lab.write_bytes(lab.read_bytes()[:100])
    before = lab.read_bytes()
    code, _, err = run(capsys, "stats", str(lab))
    assert code == 1 and str(lab) in err and ".bak" in err
    assert lab.read_bytes() == before


def test_new_creates_a_session_and_refuses_to_overwrite(capsys, tmp_path):
    path = tmp_path / "banjar.json"
    code, out, _ = run(capsys, "new", str(path), "--region", "Kabupaten Banjar", "--date",
                       "2017-09-10")
    assert code == 0 and path.exists() and str(path) in out
    code, out, _ = run(capsys, "stats", str(path), "--json")
    assert json.loads(out)["region"] == "Kabupaten Banjar"
    code, _, err = run(capsys, "new", str(path), "--region", "Lain")
    assert code == 1 and "sudah ada" in err


@pytest.mark.parametrize("argv", [
    ["new"],
    ["new", "x.json", "--region", "A", "--date", "16-06-2021"],
    ["new", "x.json", "--region", "A", "--date", "2021-02-30"],
    ["stats"],
    ["nonsense"],
    ["--lang", "fr"],
])
def test_bad_command_lines_exit_2_with_a_message(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("facilitator: ") and err.count("\n") == 1
    assert not (tmp_path / "x.json").exists()


def test_new_with_a_broken_template_names_file_and_line(capsys, tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("name: x\ntitle: [\n", encoding="utf-8")
    code, _, err = run(capsys, "new", str(tmp_path / "s.json"), "--region", "A",
                       "--template", str(template))
    assert code == 1 and str(template) in err and "baris" in err
    assert not (tmp_path / "s.json").exists()


def test_help_of_every_command_in_both_languages(capsys):
    for command in ([], ["demo"], ["open"], ["new"], ["stats"], ["verify"]):
        code, out_id, _ = run(capsys, *command, "--help")
        assert code == 0 and "penggunaan:" in out_id
        code, out_en, _ = run(capsys, *command, "--help", "--lang", "en")
        assert code == 0 and "usage:" in out_en


def test_demo_out_writes_a_copy_and_exits(capsys, tmp_path):
    target = tmp_path / "copy.json"
    code, out, _ = run(capsys, "demo", "--out", str(target))
    assert code == 0 and str(target) in out
    code, out, _ = run(capsys, "stats", str(target), "--json")
    figures = json.loads(out)
    assert figures["ideas"] == 64 and figures["opds"] == 24
    assert [(f["in"], f["out"]) for f in figures["funnel"]][-1][1] == 41
    code, _, err = run(capsys, "demo", "--out", str(target))
    assert code == 1 and "sudah ada" in err


def test_verify_exits_1_naming_a_commitment_edited_by_hand(capsys, tmp_path):
    path = tmp_path / "k.json"
    s = Session.create(path, region="Kabupaten Sorong")
    c = s.add(Commitment(official={"name": "Ir. Maria Kambu"}, text="Kami berkomitmen"))
    seal(s, c, signed_how="paper", sheet_no="7")
    s.close()
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 0 and "1" in out
    path.write_text(path.read_text(encoding="utf-8").replace("Kami berkomitmen", "Kami mungkin"),
                    encoding="utf-8")
    code, _, err = run(capsys, "verify", str(path))
    assert code == 1 and c.id in err and "Ir. Maria Kambu" in err


def test_the_console_script_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"_meta": {"1": {"app": "facilitator", "schema": 99, "seq": 0}}}')
    result = subprocess.run([sys.executable, "-m", "facilitator", "stats", str(bad)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "versi aplikasi yang lebih baru" in result.stderr


def test_sessions_folder_from_option_or_environment(monkeypatch, tmp_path):
    from facilitator.settings import sessions_dir

    monkeypatch.setenv("FACILITATOR_SESSIONS", str(tmp_path / "env"))
    assert sessions_dir(None) == tmp_path / "env"
    assert sessions_dir(str(tmp_path / "opt")) == tmp_path / "opt"
    monkeypatch.delenv("FACILITATOR_SESSIONS")
    assert str(sessions_dir(None)) == "sessions"


def test_a_session_made_again_from_an_export_has_the_same_stats(capsys, tmp_path):
    demo_copy = tmp_path / "demo.json"
    assert main(["demo", "--out", str(demo_copy)]) == 0
    for fmt in ("json", "yaml"):
        out = tmp_path / fmt
        assert main(["export", str(demo_copy), "--format", fmt, "--out", str(out)]) == 0
        exported = Path(capsys.readouterr().out.strip().splitlines()[-1])
        again = tmp_path / f"again-{fmt}.json"
        assert main(["new", str(again), "--from", str(exported)]) == 0
        capsys.readouterr()
        main(["stats", str(demo_copy), "--json"])
        original = json.loads(capsys.readouterr().out)
        main(["stats", str(again), "--json"])
        assert json.loads(capsys.readouterr().out) == original


def test_new_needs_a_region_or_an_export(capsys, tmp_path):
    code, _, err = run(capsys, "new", str(tmp_path / "x.json"))
    assert code == 1 and "daerah" in err
