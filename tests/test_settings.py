"""The preferences file is only a convenience: no content of it may stop the app starting."""

from __future__ import annotations

import pytest

from facilitator.cli import main
from facilitator.settings import load_saved, save_preferences


@pytest.mark.parametrize("text", [
    "[" * 3000 + "]" * 3000,
    "lang: " + "[" * 3000,
    "lang: en\ntheme: {a: {b: {c: 1}}}\n",
    "\x00\x01",
    "- just a list\n",
])
def test_a_hostile_settings_file_is_ignored(tmp_path, text):
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    assert load_saved(tmp_path) == {}


def test_the_command_still_starts_with_a_hostile_settings_file(tmp_path, capsys):
    (tmp_path / "settings.yaml").write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    assert main(["--dir", str(tmp_path), "demo", "--out", str(tmp_path / "d.json")]) == 0


def test_saved_choices_come_back(tmp_path):
    assert save_preferences(tmp_path, lang="en", theme="proyektor")
    assert load_saved(tmp_path) == {"lang": "en", "theme": "proyektor"}
