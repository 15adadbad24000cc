"""The likely duplicates among the session's ideas, found ahead so that their list opens at once.

Comparing the titles of 3,000 ideas takes a third of a second. The app does it while the coach
pauses (after its warm-up, and again after the ideas change), a slice of a few milliseconds at a
time between the keys, on the app's own thread (:func:`facilitator.core.funnel.duplicate_search`;
a thread of its own would share the interpreter's lock with the keys for the whole search), so
a key never waits for more than one slice. The Design stage's `s` then finds the groups ready;
if the ideas changed since, the search is finished (or started) at full speed, as before.
"""

from __future__ import annotations

import asyncio
from typing import Any, Generator

from facilitator.core import funnel

Key = tuple[tuple[str, str], ...]


class DuplicateFinder:
    """The groups of likely duplicates for the ideas as they are now, found ahead."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._found: tuple[Key, list[list[str]]] | None = None
        self._pending: tuple[Key, Generator[None, None, list[list[str]]]] | None = None
        self._seen: tuple[Any, int, list[Any], Key] | None = None

    def forget(self) -> None:
        """Another session is shown: nothing found for the last one holds."""
        self._found = self._pending = self._seen = None

    def _ideas(self) -> tuple[list[Any], Key]:
        """The session's ideas now, and what the groups depend on: their ids and titles (read
        again only after a change of the session)."""
        session = self.app.session
        version = len(session.records["audit"])
        seen = self._seen
        if seen is None or seen[0] is not session or seen[1] != version:
            ideas = list(session.ideas())
            seen = self._seen = (session, version, ideas,
                                 tuple((idea.id, idea.title) for idea in ideas))
        return seen[2], seen[3]

    def ready(self) -> list[list[str]] | None:
        """The groups for the ideas as they are now, if found already."""
        if self.app.session is None or self._found is None:
            return None
        _ideas, key = self._ideas()
        return self._found[1] if self._found[0] == key else None

    def step(self) -> list[list[str]] | None:
        """One slice of the search for the ideas as they are now (started if need be); the
        groups once found."""
        ideas, key = self._ideas()
        if self._found is not None and self._found[0] == key:
            return self._found[1]
        if self._pending is None or self._pending[0] != key:
            self._pending = (key, funnel.duplicate_search(None, ideas=ideas))
        search = self._pending[1]
        try:
            next(search)
        except StopIteration as done:
            self._found, self._pending = (key, done.value), None
            return done.value
        return None

    async def ahead(self) -> bool:
        """Search while the coach pauses (each slice after a quiet moment); False if the app
        closed first."""
        while True:
            if not await self.app._quiet():
                return False
            if self.app.session is None or self.step() is not None:
                return True

    async def now(self) -> list[list[str]]:
        """The groups, the search finished at full speed if it is not done."""
        while True:
            groups = self.step()
            if groups is not None:
                return groups
            await asyncio.sleep(0)  # a key pressed meanwhile is still answered
