"""Helpers the app tests share: typing as a fast typist does, and reading what a widget shows."""

from __future__ import annotations

import unicodedata
from typing import Any

from textual import events
from textual._context import visible_screen_stack
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key


async def type_fast(pilot, *keys: str) -> None:
    """Type as a fast typist does: every key is queued at once (``pilot.press`` waits for the
    app to go idle after each key, which on a busy machine takes a tenth of a second), then wait
    until the app has handled them all. The keys travel the same way: driver, app, focus."""
    app = pilot.app
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
    for _ in range(3):
        await pilot.pause()


def shown(widget) -> str:
    """The text a widget shows."""
    return str(widget.render())


# -- dialogs ------------------------------------------------------------------------------------

async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()


def picture(app: Any) -> list[list[tuple[str, str]]]:
    """What the terminal shows, cell text and style, line by line (cursors not blinking)."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    # The screens under a dialog, which Textual passes to the drawing of its backdrop.
    visible_screen_stack.set(list(app._background_screens))
    return [[(segment.text, str(segment.style)) for segment in strip]
            for strip in app.screen._compositor.render_strips()]


async def open_dialog(pilot, *keys: str) -> Any:
    for key in keys:
        await pilot.press(key)
    await settle(pilot)
    from facilitator.app.screens.dialog import DialogScreen

    assert isinstance(pilot.app.screen, DialogScreen), pilot.app.screen
    return pilot.app.screen


async def close(pilot) -> None:
    await pilot.press("escape")
    await settle(pilot)
    from facilitator.app.screens.base import StageScreen

    assert isinstance(pilot.app.screen, StageScreen)


async def as_if_built_new(pilot, *keys: str) -> list[list[tuple[str, str]]]:
    """What the dialog the keys open shows when built new (no dialog kept)."""
    app = pilot.app
    kept = set(app.dialogs._kept.values())
    app.dialogs.drop()
    await settle(pilot)
    dialog = await open_dialog(pilot, *keys)
    assert dialog not in kept  # built now
    await settle(pilot)
    shown = picture(app)
    await close(pilot)
    return shown


async def assert_as_if_built_new(pilot, *keys: str) -> None:
    """The dialog on show, closed, shows what the dialog ``keys`` open shows when built new."""
    kept = picture(pilot.app)
    await close(pilot)
    assert kept == await as_if_built_new(pilot, *keys)
