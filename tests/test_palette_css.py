"""The command palette's styles are read ahead, in the warm-up, so that its first opening does not
parse the whole stylesheet again (Textual does that whenever a widget class is first mounted:
130-220 ms at 3,000 ideas), and the palette looks the same either way."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.css.stylesheet import Stylesheet

from facilitator.app import FacilitatorApp
from facilitator.settings import Settings

from pilot_keys import picture, settle

SIZE = (100, 30)


async def palette_opened(tmp_path, demo, monkeypatch, *, read_ahead: bool):
    """What the palette shows when first opened over Drum-Up, and how many times the
    stylesheet was parsed as it opened."""
    parses = []
    parse = Stylesheet.parse

    def counted(self):
        parses.append(self)
        return parse(self)

    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if read_ahead:
            app.read_palette_css()
        monkeypatch.setattr(Stylesheet, "parse", counted)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        shown = picture(app)
        monkeypatch.setattr(Stylesheet, "parse", parse)
        await pilot.press("escape")
        await settle(pilot)
    return shown, len(parses)


async def test_the_palette_opens_without_parsing_the_stylesheet_and_looks_the_same(
        tmp_path, demo, monkeypatch):
    ahead, parses_ahead = await palette_opened(tmp_path / "a", demo, monkeypatch,
                                               read_ahead=True)
    assert parses_ahead == 0
    first, parses_first = await palette_opened(tmp_path / "b", demo, monkeypatch,
                                               read_ahead=False)
    assert parses_first >= 1  # what reading ahead spares the first opening
    assert ahead == first
