"""The locale files are read at every start: the flattened catalog is kept like bytecode, and a
translator's edit to a locale file shows at the next start all the same."""

from __future__ import annotations

import os
import sys

import pytest

from facilitator import i18n


def write_locales(folder, main: str, part: str) -> None:
    (folder / "parts").mkdir(parents=True, exist_ok=True)
    (folder / "id.yaml").write_text(main, "utf-8")
    (folder / "parts" / "app.id.yaml").write_text(part, "utf-8")


@pytest.fixture
def locales(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", None)
    folder = tmp_path / "locales"
    write_locales(folder, "app:\n  name: Fasilitator\n  quit: Keluar\n",
                  "app:\n  keys:\n    undo: Urungkan\n")
    return folder


def test_the_catalog_is_read_once_then_kept(locales, monkeypatch):
    first = i18n.load_catalog(locales, "id")
    assert first == {"app.name": "Fasilitator", "app.quit": "Keluar",
                     "app.keys.undo": "Urungkan"}
    assert i18n.cache_file(locales, "id").is_file()

    def no_yaml(texts):
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(i18n, "parse_catalog", no_yaml)
    assert i18n.load_catalog(locales, "id") == first


def test_an_edited_locale_file_is_read_again(locales):
    i18n.load_catalog(locales, "id")
    part = locales / "parts" / "app.id.yaml"
    part.write_text("app:\n  keys:\n    undo: Batalkan\n", "utf-8")
    stat = part.stat()
    # Even an edit within the same clock tick and of the same size as before is seen.
    os.utime(part, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert i18n.load_catalog(locales, "id")["app.keys.undo"] == "Batalkan"
    (locales / "parts" / "app.id.yaml").unlink()
    assert "app.keys.undo" not in i18n.load_catalog(locales, "id")


def test_a_damaged_cache_is_ignored(locales):
    i18n.load_catalog(locales, "id")
    i18n.cache_file(locales, "id").write_text('{"format": 1, "sources": [', "utf-8")
    assert i18n.load_catalog(locales, "id")["app.name"] == "Fasilitator"


def test_no_cache_is_written_where_bytecode_would_not_be(locales, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert i18n.load_catalog(locales, "id")["app.quit"] == "Keluar"
    assert not i18n.cache_file(locales, "id").exists()
    # With PYTHONPYCACHEPREFIX, the cache goes where the bytecode goes.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pycache"))
    i18n.load_catalog(locales, "id")
    assert i18n.cache_file(locales, "id").is_relative_to(tmp_path / "pycache")
    assert i18n.cache_file(locales, "id").is_file()
    assert not (locales / "__pycache__").exists()


def test_a_read_only_place_for_the_cache_costs_nothing_but_time(locales):
    blocker = locales / "__pycache__"
    blocker.write_text("not a folder", "utf-8")  # the cache cannot be written there
    assert i18n.load_catalog(locales, "id")["app.name"] == "Fasilitator"
    assert blocker.read_text("utf-8") == "not a folder"


def test_the_shipped_catalog_reads_the_same_from_the_cache_and_from_the_yaml():
    for lang in i18n.LANGUAGES:
        files = i18n.source_files(i18n.LOCALES, lang)
        assert i18n.catalog(lang) == i18n.parse_catalog(
            [path.read_text("utf-8") for path in files])


def test_english_says_one_idea_and_two_ideas():
    """A key with a "_one" twin takes it for a count of one (English plurals); Indonesian has
    no plural, so both say "ide"."""
    i18n.set_language("en")
    assert i18n.t("app.progress.diagnose", count=1) == "1 idea"
    assert i18n.t("app.progress.diagnose", count=2) == "2 ideas"
    i18n.set_language("id")
    assert i18n.t("app.progress.diagnose", count=1) == "1 ide"
    assert i18n.t("app.progress.diagnose", count=2) == "2 ide"
