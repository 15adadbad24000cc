"""The child process of tests/test_crash.py: opens a session and adds ideas until it is killed.

Usage: ``python crash_child.py SESSION RUN``. It prints, one flushed line each:

* ``compacting`` and ``compacted`` when the store starts and ends folding the journal into the
  file (so the parent can aim a kill into a compaction),
* ``opened writable`` (or ``opened readonly`` if a stale lock blocked it),
* ``confirmed <title>`` after ``Session.add`` returned for that idea.

``FACILITATOR_COMPACT_AFTER`` makes the store compact after that many journal entries. Imports
stay light (no Textual): the child starts once per kill.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    path, run = sys.argv[1], sys.argv[2]

    import facilitator.store as store

    compact_after = os.environ.get("FACILITATOR_COMPACT_AFTER")
    if compact_after:
        store.COMPACT_AFTER_ENTRIES = int(compact_after)
    fold = store.Store.compact

    def compact(self: store.Store) -> None:
        print("compacting", flush=True)
        fold(self)
        print("compacted", flush=True)

    store.Store.compact = compact  # type: ignore[method-assign]

    from facilitator.core.records import Idea
    from facilitator.core.session import Session

    session = Session.open(path)
    if "textual" in sys.modules:
        print("textual imported", file=sys.stderr, flush=True)
        return 3
    print("opened", "readonly" if session.readonly else "writable", flush=True)
    for n in range(1, 1_000_000):
        title = f"idea {run}.{n}"
        session.add(Idea(title=title))
        print(f"confirmed {title}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
