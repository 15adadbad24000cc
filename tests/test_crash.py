"""Crash safety: a coach's laptop may die at any instant; nothing confirmed may be lost.

A child process opens the session and adds ideas, reporting each one once ``Session.add`` has
returned (the moment the app would show it as saved). The test kills it with SIGKILL
(TerminateProcess on Windows) at random moments, over and over on the same file, so that kills
land while Python starts, while the journal is replayed and cut on open, in the middle of journal
appends and in the middle of compactions. After every kill the file must open and hold every
idea the child reported as confirmed, and the killed child's lock must not block the next one.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from facilitator.core.session import Session
from facilitator.store import peek, sidecar

KILLS = int(os.environ.get("FACILITATOR_CRASH_KILLS", "200"))
CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0


class Child:
    """One child process and the lines it printed, each with the time it arrived."""

    def __init__(self, path: Path, run: int, compact_after: int | None) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        env.pop("FACILITATOR_COMPACT_AFTER", None)
        if compact_after:
            env["FACILITATOR_COMPACT_AFTER"] = str(compact_after)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), str(run)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=path.parent,
        )
        self.lines: list[tuple[float, str]] = []
        self.ended = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            if not raw.endswith(b"\n"):
                break  # a line cut by the kill was never a confirmation
            with self._changed:
                self.lines.append((time.monotonic(), raw.decode("utf-8").rstrip("\r\n")))
                self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for(self, text: str, after: int = 0) -> int | None:
        """Wait until a line equal to ``text`` arrives at index >= ``after``; its index."""
        deadline = time.monotonic() + START_TIMEOUT
        with self._changed:
            while True:
                for index in range(after, len(self.lines)):
                    if self.lines[index][1] == text:
                        return index
                if self.ended or time.monotonic() > deadline:
                    return None
                self._changed.wait(0.5)

    def kill(self) -> str:
        """SIGKILL the child (if it still runs) and collect everything it printed."""
        self.proc.kill()
        self.proc.wait()
        self._reader.join()
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode("utf-8", "replace")

    def confirmed(self) -> list[str]:
        return [line[len("confirmed "):] for _, line in self.lines
                if line.startswith("confirmed ")]


def test_every_confirmed_idea_survives_sigkill_at_random_moments(tmp_path):
    path = tmp_path / "kabupaten-sorong.json"
    Session.create(path, region="Kabupaten Sorong", date="2021-03-15").close()
    seed = int(os.environ.get("FACILITATOR_CRASH_SEED", str(random.randrange(1 << 30))))
    rng = random.Random(seed)
    confirmed: list[str] = []
    compaction_seconds = 0.005  # learnt from the children as the file grows
    killed_in_compaction = 0

    for run in range(KILLS):
        kind = run % 4
        child = Child(path, run, compact_after=3 if kind == 1 else (50 if kind == 2 else None))
        if kind == 0:
            # Anywhere from interpreter start-up through the open (replay, cutting a torn
            # line, folding the journal in) into the first changes.
            time.sleep(rng.uniform(0.0, 0.2))
        else:
            opened = child.wait_for("opened writable")
            stderr = "" if opened is not None else child.kill()
            assert opened is not None, (
                f"run {run} (seed {seed}): the child did not open the session writable "
                f"(a stale lock, or an error): {child.lines[-3:]} {stderr}")
            if kind == 1:
                # Into a compaction started by a change: the whole-file rewrite, the backup
                # copy, the rename and the journal's removal.
                began = child.wait_for("compacting", after=opened + 1)
                assert began is not None, f"run {run} (seed {seed}): no compaction came"
                time.sleep(rng.uniform(0.0, compaction_seconds * 1.2))
            else:
                time.sleep(rng.uniform(0.0, 0.01))
        exited_by_itself = child.proc.poll() is not None
        stderr = child.kill()
        assert not exited_by_itself, (
            f"run {run} (seed {seed}): the child stopped before it was killed: {stderr}")

        lines = [line for _, line in child.lines]
        assert "opened readonly" not in lines, (
            f"run {run} (seed {seed}): the killed child's lock blocked the next one")
        if lines and lines[-1] == "compacting":
            killed_in_compaction += 1
        for (began, first), (ended, second) in zip(child.lines, child.lines[1:]):
            if first == "compacting" and second == "compacted":
                compaction_seconds = ended - began
        confirmed += child.confirmed()

        # Every tenth time the test itself opens the file writable (the stale lock of the
        # killed child must be free) and folds the journal in; the other times it only reads,
        # so that the next child meets the journal, torn tail and all, exactly as it was left.
        writable = run % 10 == 9
        session = Session.open(path, readonly=not writable)
        try:
            assert session.readonly is not writable, (
                f"run {run} (seed {seed}): the killed child's lock blocked the open")
            titles = {idea.title for idea in session.ideas()}
            assert session.lab.region == "Kabupaten Sorong"
        finally:
            session.close()
        if writable and sidecar(path, ".bak").exists():
            peek(sidecar(path, ".bak"))  # the backup is a whole session file too
        missing = [title for title in confirmed if title not in titles]
        assert not missing, (
            f"run {run} (seed {seed}): {len(missing)} confirmed ideas lost, e.g. {missing[:5]}")

    assert len(confirmed) > KILLS, "the children confirmed too few changes to test anything"
    assert killed_in_compaction >= KILLS // 20, (
        f"only {killed_in_compaction} kills landed in a compaction (seed {seed})")
    final = Session.open(path)
    try:
        assert not final.readonly
        assert {idea.title for idea in final.ideas()} >= set(confirmed)
    finally:
        final.close()
