"""Helpers the app tests share: typing as a fast typist does, and reading what a widget shows."""

from __future__ import annotations

import unicodedata

from textual import events
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
