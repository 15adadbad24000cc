"""How the app holds up at the size of the biggest labs: 3,000 ideas, 300 participants, 50 units.

    python tests/perf/scale.py [--size 100x30] [--dir FOLDER] [--tracemalloc] [--no-warm-up]

Builds such a session through the core (units, participants with their attendance, problems,
ideas, one rater's scores for a third of the ideas, action plans, commitments), then opens the app on it in a
fresh interpreter, headless, and drives it as a coach would: arrow keys while the app builds the
stages not shown yet in the background (its warm-up, which rests while keys come), every stage
screen once that is over (first visit and again), every tab of each, some forty dialogs and
screens (the stages' forms and keys, those of their tabs, Design's with the preview of a round
and the merging of ideas, the plan editor and its own, the command palette), typing in
Diagnose's quick capture with Enter to save each idea, moving in the ideas list, arrows and
digits in Design's scoring grid, moving in the merge list.
It prints the median and 95th percentile of each kind of key press, the peak memory, each beside
its target, and, as its last line, one JSON object.

The baseline. Just before the tour, a bare Textual app (three tabs of tables, a dialog of six
fields, a text field: no facilitator code) is driven through the same kinds of key in a fresh
interpreter of its own, timed the same way. Its medians say what Textual itself takes for those
keys on this machine at this moment; the ratio of the session's median to it
(``ratio_to_baseline``) is what compares runs made on machines of different speeds, where the
milliseconds alone cannot.

Targets (issue 7): every screen opens and every key press answers within 50 ms, as the median of
key press to the next frame; memory under 200 MB.

How a key press is timed. The key is handed to the app the way a terminal driver hands it
(``driver.send_message(events.Key(...))``), stamped as it is sent. Textual paints through
``App._display(screen, update)``; headless, that method drops the update, so the script wraps it
and, for every update outside a batch (a batch holds the display back while a screen is built),
renders it to the escape sequences a terminal driver would write, then stamps the frame. *Next
frame* is the first frame stamped after the key was sent: what the coach sees first. *Settled*
is the last frame before the app has been quiet (no frame) for ``QUIET`` seconds: when what the
key set off (a table patched, a tab filled) is all on the screen. A key that draws nothing (none
here should) is counted apart. A stage key counts from the first frame that shows that stage's
screen with its body filled (mounted whole, the session read into it). Tabs are brought to
the front as their keys do (``TabbedContent.active``; not every stage has tab keys) and timed
the same way. The CPU column is the CPU time the process used from the key to its next frame:
on a machine busy with other work the wall times include waiting for a core, the CPU times much
less so.

The keys pressed during the warm-up are sent from a thread at random moments, as a terminal's
input thread sends them, and timed from that moment: one that comes while a step of the
building runs waits for that step. With ``--no-warm-up`` the app builds each stage on its first
visit (the figures of a coach who presses a stage's key at once). ``pilot.press`` is not used
for the timing: it waits for the app to be idle and for animations, which says nothing about
when the frame went out.

Nothing else may paint on its own during a measure, or its frame would pass for the key's: the
text fields' and text areas' cursor blink is turned off, no run-sheet timer runs in this session, and the
notifications a key raises are cleared (untimed) before the next key.

Memory is the peak resident set of the measuring process (the app, Textual and the session,
from start to end): ``resource`` on Unix, ``GetProcessMemoryInfo`` on Windows. ``--tracemalloc``
also reports Python's own allocations (it slows everything down, so the timings of such a run
are not comparable).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

IDEAS = 3000
PARTICIPANTS = 300
UNITS = 50
PROBLEMS_PER_UNIT = 3
SCORED = 1000
PLANS = 100
COMMITMENTS = 40
"""Commitments to the first planned innovations (a lab signs some 40), every other one sealed."""
KEY_TARGET_MS = 50.0
MEMORY_TARGET_MB = 200.0
QUIET = 0.15
"""Seconds without a frame after which a key's effect counts as settled."""
NO_FRAME = 10.0
"""Seconds after which a key that drew nothing is given up on."""
CHILD_TIMEOUT = 900.0
KINDS = ("screen_first", "screen_again", "tab", "dialog", "capture_type", "capture_enter",
         "list_move", "grid_move", "grid_score", "merge_move", "warm_up_key")
LABELS = {
    "screen_first": "stage screen, first visit (1-5)",
    "screen_again": "stage screen, again (1-5)",
    "tab": "tab of a stage screen",
    "dialog": "a dialog opens (forms, keys, showcase)",
    "capture_type": "a letter in quick capture",
    "capture_enter": "Enter: save an idea",
    "list_move": "arrows in the ideas list",
    "grid_move": "arrows in the scoring grid",
    "grid_score": "a digit: score a cell",
    "merge_move": "arrows in Design's ideas list",
    "warm_up_key": "arrows while stages build unseen",
}
DIALOGS = (("1", "d"), ("1", "a"), ("1", "i"), ("2", "e"), ("4", "n"), ("5", "s"), ("5", "e"),
           ("5", "m"), ("3", "ctrl+s"), *((number, "question_mark") for number in "12345"))
"""A stage's number and a key that opens a dialog there: the lab's details, a new unit, the
import, an idea's details, a new commitment, the showcase,
the export and merge dialogs, save as, and every stage's keys. Each is opened twice. A dialog the app
keeps once built (see screens/dialog.py) is refilled; the others are built anew each time (the
import, among those measured here)."""
DESIGN_SCREENS = (("rubric", "a"), ("rubric", "e"), ("rubric", "delete"), ("rounds", "n"),
                  ("rounds", "w"), ("ideas", "s"), ("plans", "e"))
"""A tab of the Design stage and a key that opens a dialog or screen there: a new criterion,
the criterion under the cursor, the question before removing it, a new round, the why-report,
the list of likely duplicates (timed to the list, which comes after the search; the key shows
a notice at once), the plan editor. Each is opened twice."""
TAB_SCREENS = (("2", "tab-ideas", "ctrl+o"), ("2", "tab-ideas", "f3"), ("2", "tab-ideas", "f4"),
               ("2", "tab-problems", "a"), ("2", "tab-problems", "e"),
               ("4", "tab-commitments", "e"), ("4", "tab-commitments", "t"),
               ("4", "tab-commitments", "s"), ("4", "tab-commitments", "w"),
               ("4", "tab-commitments", "v"), ("4", "tab-commitments", "enter"),
               ("4", "tab-plans", "e"), ("4", "tab-milestones", "c"), ("1", "", "ctrl+p"))
"""A stage's number, a tab of it (its list takes the focus) and a key that opens a dialog or
screen there: in Diagnose, the choice of a unit, a problem and an initiator for the ideas
captured next, a new problem and the problem under the cursor; in Deliver, on a commitment not
signed yet, editing it, signing it by a typed name or by a paper sheet, and on a sealed one,
withdrawing it, checking the seals and its details; the plan editor from the list of plans, a
note on a milestone; and the command palette. Each is opened twice."""
ROUND_RULES = ({"kind": "gates"}, {"kind": "top_score", "n": "40"})
"""The rules of the rounds previewed (Design, rounds, n, then Enter): the gates, and the 40 with
the best scores, the rule whose preview also works out which ideas sit near the cut."""
PLAN_SCREENS = (("steps", "a"), ("steps", "e"), ("steps", "delete"), ("notes", "c"))
"""A tab of the plan editor and a key that opens a dialog there: a new step, the step under
the cursor, the question before removing it, a new note. Each is opened twice."""
WARM_UP_KEYS = 12
"""Keys pressed, from another thread as a terminal sends them, while the app builds the stages
not shown yet in the background (its warm-up)."""
WORDS = ("layanan", "antrean", "posyandu", "sekolah", "pasar", "sampah", "air", "jalan",
         "izin", "pajak", "desa", "nelayan", "petani", "UMKM", "kesehatan", "digital")


# -- the session -------------------------------------------------------------------------------


def build_session(path: Path) -> dict[str, int]:
    """Write the scale session to ``path`` through the core, in a few large commits."""
    from facilitator.core.records import ActionPlan, Idea, Participant, Problem, Score, Unit
    from facilitator.core.session import Session
    from facilitator.core import commitments, funnel

    session = Session.create(path, region="Kabupaten Uji Skala", date="2026-03-02",
                             actor="scale@bench")
    try:
        units = [Unit(name=f"Dinas Nomor {n} Urusan {WORDS[n % len(WORDS)]}", short=f"D{n}")
                 for n in range(UNITS)]
        session.commit("units.add", units)
        people = [Participant(name=f"Peserta {n} {WORDS[n % len(WORDS)].title()}",
                              jabatan="Kepala Bidang", nip=f"19800101200501{n:04d}",
                              unit_id=units[n % UNITS].id, attendance=["2026-03-02"])
                  for n in range(PARTICIPANTS)]
        session.commit("participants.add", people)
        problems = [Problem(unit_id=unit.id, statement=f"Masalah {k} di {unit.name}",
                            urgency=1 + k % 5, seriousness=1 + (k + 1) % 5, growth=1 + k % 3)
                    for unit in units for k in range(PROBLEMS_PER_UNIT)]
        session.commit("problems.add", problems)
        ideas = []
        for n in range(IDEAS):
            problem = problems[n % len(problems)]
            ideas.append(Idea(
                title=f"Ide {n}: {WORDS[n % len(WORDS)]} {WORDS[(n * 7) % len(WORDS)]} "
                      f"untuk warga {n % 97}",
                description="Warga mendaftar dari rumah lewat SMS atau aplikasi.",
                unit_id=problem.unit_id, problem_id=problem.id, initiator="opd"))
        for start in range(0, IDEAS, 500):
            session.commit("ideas.add", ideas[start:start + 500])
        rubric = funnel.criteria(session)
        scores = [Score(idea_id=idea.id, criterion=crit.key, rater="Juri 1",
                        value=(1 if crit.gate else 1 + (n + k) % crit.scale_max))
                  for n, idea in enumerate(ideas[:SCORED]) for k, crit in enumerate(rubric)]
        session.commit("scores.add", scores)
        plans = [ActionPlan(idea_id=idea.id, objective="Antrean lebih pendek",
                            steps=[{"activity": f"Langkah {k}", "start": "2026-04-01",
                                    "end": "2026-05-01", "budget": 0} for k in range(3)])
                 for idea in ideas[:PLANS]]
        session.commit("plans.add", plans)
        for n, idea in enumerate(ideas[:COMMITMENTS]):
            draft = commitments.draft(session, idea_id=idea.id, day="2026-03-03")
            draft.official = {**draft.official, "name": f"Pejabat {n}"}
            stored = commitments.save(session, draft)
            if n % 2:
                commitments.sign_typed(session, stored, f"Pejabat {n}")
        return {"ideas": len(session.ideas()), "participants": len(session.all(Participant)),
                "units": len(session.all(Unit)), "problems": len(problems),
                "scores": len(scores), "plans": len(plans), "criteria": len(rubric),
                "commitments": COMMITMENTS}
    finally:
        session.close()


# -- measuring, in the child -------------------------------------------------------------------


class FrameClock:
    """Stamps every frame the app hands to the terminal (see the module's docstring)."""

    def __init__(self) -> None:
        self.frames: list[float] = []
        self.cpu: list[float] = []
        self.screens: list[Any] = []
        self.event = asyncio.Event()

    def install(self) -> None:
        from textual.app import App

        display = App._display
        clock = self

        def display_and_stamp(app: App, screen: Any, update: Any) -> None:
            display(app, screen, update)
            if update is None or app._batch_count or not app._running:
                return
            if hasattr(update, "render_segments"):
                update.render_segments(app.console)
            clock.frames.append(time.perf_counter())
            clock.cpu.append(time.process_time())
            clock.screens.append(screen)
            clock.event.set()

        App._display = display_and_stamp  # type: ignore[method-assign]

    async def wait_quiet(self) -> float | None:
        """Wait until no frame came for ``QUIET`` seconds; the time of the last frame."""
        while True:
            count = len(self.frames)
            await asyncio.sleep(QUIET)
            if len(self.frames) == count:
                return self.frames[-1] if self.frames else None


class Driver:
    """Presses keys (or does what a key would) and times the frames that follow."""

    def __init__(self, app: Any, clock: FrameClock) -> None:
        self.app = app
        self.clock = clock
        self.samples: dict[str, list[tuple[float, float, float, str]]] = {
            kind: [] for kind in KINDS}
        self.no_frame: dict[str, int] = {kind: 0 for kind in KINDS}
        self.slowest: dict[str, tuple[float, str]] = {}

    async def settle(self) -> None:
        """Untimed: clear the notifications and wait for the app to be quiet."""
        self.app.clear_notifications()
        await self.clock.wait_quiet()
        self._no_blink()

    def _no_blink(self) -> None:
        from textual.widgets import Input, TextArea

        for widget in self.app.screen.query(Input):
            widget.cursor_blink = False
        for widget in self.app.screen.query(TextArea):
            widget.cursor_blink = False

    async def timed(self, kind: str, what: str, act: Any, shows: Any = None) -> None:
        """Run ``act`` (sends a key, or does what a key does) and time the frames after it;
        ``shows``: the first frame that counts is the first of a screen it accepts."""
        clock = self.clock
        before = len(clock.frames)
        clock.event.clear()
        started, cpu = time.perf_counter(), time.process_time()
        act()
        deadline = started + NO_FRAME

        def first_frame() -> int | None:
            for n in range(before, len(clock.frames)):
                if shows is None or shows(clock.screens[n]):
                    return n
            return None

        while first_frame() is None and time.perf_counter() < deadline:
            clock.event.clear()
            try:
                await asyncio.wait_for(clock.event.wait(), deadline - time.perf_counter())
            except asyncio.TimeoutError:
                break
        at = first_frame()
        if at is None:
            self.no_frame[kind] += 1
            await self.settle()
            return
        first = clock.frames[at]
        last = await clock.wait_quiet()
        sample = ((first - started) * 1000, ((last or first) - started) * 1000,
                  (clock.cpu[at] - cpu) * 1000, what)
        self.samples[kind].append(sample)
        if sample[0] > self.slowest.get(kind, (-1.0, ""))[0]:
            self.slowest[kind] = (sample[0], what)
        self.app.clear_notifications()
        if self.app._notifications:
            await clock.wait_quiet()
        self._no_blink()

    async def key(self, kind: str, key: str, shows: Any = None, what: str = "") -> None:
        """Press ``key`` as a terminal would send it."""
        from textual import events
        from textual.keys import _character_to_key

        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        char = key if len(key) == 1 else None
        event = events.Key(name, char)
        event.set_sender(self.app)
        await self.timed(kind, what or key, lambda: self.app._driver.send_message(event), shows)

    async def opens(self, key: str, base: Any, what: str, back_to: Any = None) -> None:
        """Press ``key`` over ``base`` (a stage, the plan editor): a "dialog" key, timed to the
        first frame of another screen; then close what it opened (untimed), back to
        ``back_to`` (``base`` unless given)."""
        await self.key("dialog", key, lambda screen: screen is not base, what=what)
        while self.app.screen is not (back_to or base):
            self.app.screen.dismiss()
            await self.settle()

    async def stage(self, kind: str, number: str) -> None:
        """Press a stage's number; the first frame that counts shows that stage, filled."""
        from facilitator.app.screens.base import StageScreen
        from facilitator.core.records import STAGES

        stage = STAGES[int(number) - 1]
        await self.key(kind, number, lambda screen: isinstance(screen, StageScreen)
                       and screen.STAGE == stage and screen.body_filled, what=stage)
        assert getattr(self.app.screen, "STAGE", "") == stage, (number, self.app.screen)


async def keys_during_warm_up(app: Any, clock: FrameClock, driver: Driver) -> None:
    """Arrow keys at random moments while the app builds its other stages in the background,
    each sent from a thread as a terminal's input thread sends it, and timed from that moment
    to the next frame: a key that comes while a step of the building runs waits for it."""
    import random
    import threading

    from textual import events

    from facilitator.app import app as app_module

    loop = asyncio.get_running_loop()
    quiet = app_module.WARM_UP_QUIET
    sent: list[tuple[float, float]] = []
    rng = random.Random(7)

    def press(key: str) -> None:
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)

    def typist() -> None:
        # Each key rests the building for ``quiet`` seconds; the next comes just after it
        # resumed, at some point of its next step.
        for n in range(WARM_UP_KEYS):
            time.sleep(rng.uniform(quiet, quiet + 0.25))
            if app.warmed_up.is_set():
                return
            sent.append((time.perf_counter(), time.process_time()))
            loop.call_soon_threadsafe(press, "down" if n % 2 == 0 else "up")

    thread = threading.Thread(target=typist, daemon=True)
    thread.start()
    while thread.is_alive():
        await asyncio.sleep(0.05)
    await clock.wait_quiet()
    for stamp, cpu in sent:
        at = next((n for n, frame in enumerate(clock.frames) if frame >= stamp), None)
        if at is None:
            driver.no_frame["warm_up_key"] += 1
            continue
        ms = (clock.frames[at] - stamp) * 1000
        driver.samples["warm_up_key"].append((ms, ms, (clock.cpu[at] - cpu) * 1000, "arrow"))
        if ms > driver.slowest.get("warm_up_key", (-1.0, ""))[0]:
            driver.slowest["warm_up_key"] = (ms, "arrow")


async def drive(app: Any, clock: FrameClock, folder: Path) -> dict[str, Any]:
    """The coach's tour of the app; the samples of each kind of key."""
    from textual.widgets import DataTable, Input, RadioButton, TabbedContent

    from facilitator.app.screens.base import StageScreen
    from facilitator.app.widgets.score_grid import ScoreGrid
    from facilitator.core.records import STAGES, Commitment

    driver = Driver(app, clock)
    started = time.perf_counter()
    async with app.run_test(size=app._scale_size) as pilot:
        while not (isinstance(app.screen, StageScreen) and app.screen.body_filled):
            await pilot.pause(0.01)
        await driver.settle()
        opened = (clock.frames[-1] - started) * 1000
        first_stage = app.screen.STAGE

        # The other stages are built in the background while the coach reads (unless
        # --no-warm-up): keys pressed meanwhile, then the first visits once it is over.
        warmed = None
        if app.WARM_UP:
            await keys_during_warm_up(app, clock, driver)
            await asyncio.wait_for(app.warmed_up.wait(), CHILD_TIMEOUT / 2)
            warmed = (time.perf_counter() - started) * 1000
            await driver.settle()

        # Every stage screen, first visit, then each again.
        first = str(STAGES.index(first_stage) + 1)
        for number in "12345":
            if number != first:
                await driver.stage("screen_first", number)
        for number in "12345":
            await driver.stage("screen_again", number)

        # Every tab of every stage screen.
        for number in "12345":
            await driver.stage("screen_again", number)
            tabbed = app.screen.query(TabbedContent).first()
            panes = [pane.id for pane in tabbed.query("TabPane")]
            for pane in panes[1:] + panes[:1]:
                def show(tabbed: Any = tabbed, pane: str = pane) -> None:
                    tabbed.active = pane
                await driver.timed("tab", f"{app.screen.STAGE}/{pane}", show)

        # The dialogs: each opened from its stage, timed to the first frame that shows it, then
        # closed (untimed).
        for number, key in DIALOGS + DIALOGS:
            if app.screen.STAGE != STAGES[int(number) - 1]:
                await driver.stage("screen_again", number)
            await driver.opens(key, app.screen, f"{app.screen.STAGE}/{key}")

        # The dialogs opened from a tab: the tab brought to the front, its list given the focus
        # and, in Deliver, the cursor put on a commitment the key acts on.
        for number, tab, key in TAB_SCREENS + TAB_SCREENS:
            if app.screen.STAGE != STAGES[int(number) - 1]:
                await driver.stage("screen_again", number)
            stage = app.screen
            if tab:
                stage.query(TabbedContent).first().active = tab
                await driver.settle()
                table = stage.query_one(f"#{tab}").query(DataTable).first()
                stage.set_focus(table)
                if tab == "tab-commitments":
                    sealed = key in ("w", "v", "enter")
                    table.move_cursor(row=next(
                        n for n, row_key in enumerate(table.row_keys)
                        if bool(app.session.get(Commitment, row_key).sealed_at) == sealed))
                await driver.settle()
            await driver.opens(key, stage, f"{stage.STAGE}/{tab.removeprefix('tab-')}/{key}")

        # Design's own dialogs and screens, and the plan editor's, each opened twice by its key
        # from its tab (or, inside the plan editor, from its tab of steps or notes).
        await driver.stage("screen_again", "3")
        design = app.screen
        for tab, key in DESIGN_SCREENS + DESIGN_SCREENS:
            design.show_tab(tab)
            await driver.settle()
            await driver.opens(key, design, f"design/{tab}/{key}")
        # A round's preview, for each rule twice: n, the rule chosen, then Enter in the name.
        for rule in ROUND_RULES + ROUND_RULES:
            design.show_tab("rounds")
            await driver.settle()
            await driver.key("dialog", "n", lambda screen: screen is not design,
                             what="design/rounds/n")
            dialog = app.screen
            dialog.query_one(f"#rule-{rule['kind']}", RadioButton).value = True
            await driver.settle()  # the rule's own field set up for it, then filled
            if "n" in rule:
                dialog.query_one("#round-param", Input).value = rule["n"]
            dialog.query_one("#round-name", Input).focus()
            await driver.settle()
            await driver.opens("enter", dialog, f"design/rounds/{rule['kind']}/preview",
                               back_to=design)
        # Merging ideas: two marked in the ideas tab, then m; the marks cleared after.
        for _twice in range(2):
            design.show_tab("ideas")
            await driver.settle()
            for key in ("space", "down", "space"):
                await driver.key("merge_move", key)
            await driver.opens("m", design, "design/ideas/m")
            await driver.key("merge_move", "escape")
        design.show_tab("plans")
        await driver.settle()
        await driver.key("dialog", "e", lambda screen: screen is not design, what="design/plans/e")
        editor = app.screen
        for tab, key in PLAN_SCREENS + PLAN_SCREENS:
            editor.query_one("#plan-tabs", TabbedContent).active = f"tab-{tab}"
            editor.query_one(f"#{tab}-table").focus()
            await driver.settle()
            await driver.opens(key, editor, f"plan/{tab}/{key}")
        editor.dismiss()
        await driver.settle()

        # Diagnose: quick capture, then the list.
        await driver.stage("screen_again", "2")
        await driver.key("tab", "n")
        for n in range(8):
            for char in f"Ide baru {n} antrean":
                await driver.key("capture_type", char)
            await driver.key("capture_enter", "enter")
        await driver.key("list_move", "escape")
        table = app.screen.query_one("#ideas-table")
        app.screen.set_focus(table)
        table.move_cursor(row=0)
        await driver.settle()
        for key in ["down"] * 25 + ["pagedown"] * 3 + ["up"] * 10 + ["pageup"] * 2:
            await driver.key("list_move", key)

        # Design: the scoring grid (a score each criterion accepts), then the merge list.
        await driver.stage("screen_again", "3")
        design = app.screen
        design.show_tab("scores")
        await driver.settle()
        grid = design.query_one(ScoreGrid)
        design.set_focus(grid)
        grid.move_cursor(row=SCORED + 5, col=0)  # among the ideas not scored yet
        await driver.settle()
        for n in range(40):
            column = grid.cursor_column
            digit = "1" if column.gate else str(1 + n % column.scale_max)
            await driver.key("grid_score", digit)
        for key in ["right"] * 6 + ["down"] * 15 + ["left"] * 6 + ["up"] * 8:
            await driver.key("grid_move", key)
        design.show_tab("ideas")
        await driver.settle()
        for key in ["down"] * 20 + ["up"] * 5:
            await driver.key("merge_move", key)
    return {"opened_ms": opened, "warmed_ms": warmed, "first_stage": first_stage,
            "samples": driver.samples,
            "no_frame": driver.no_frame,
            "slowest": {k: [round(v, 1), w] for k, (v, w) in driver.slowest.items()}}


def peak_memory_mb() -> float | None:
    """The process's peak resident memory in MB, or None where it cannot be read."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        ("PeakWorkingSetSize", ctypes.c_size_t),
                        ("WorkingSetSize", ctypes.c_size_t),
                        ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                        ("PagefileUsage", ctypes.c_size_t),
                        ("PeakPagefileUsage", ctypes.c_size_t)]

        try:
            counters = Counters()
            counters.cb = ctypes.sizeof(counters)
            process = ctypes.windll.kernel32.GetCurrentProcess()
            if not ctypes.windll.psapi.GetProcessMemoryInfo(process, ctypes.byref(counters),
                                                            counters.cb):
                return None
            return counters.PeakWorkingSetSize / 2**20
        except (AttributeError, OSError):
            return None
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, else KB


def child(path: str, out: str, size: str, trace: bool, warm_up: bool = True) -> None:
    """Open the app on the session at ``path``, drive it, and write the figures to ``out``."""
    if trace:
        import tracemalloc

        tracemalloc.start()
    from facilitator.app import FacilitatorApp
    from facilitator.core.session import Session
    from facilitator.settings import Settings

    clock = FrameClock()
    clock.install()
    folder = Path(path).parent
    opened = time.perf_counter()
    session = Session.open(path, actor="scale@bench")
    load_ms = (time.perf_counter() - opened) * 1000
    app = FacilitatorApp(Settings(sessions_dir=folder / "sessions", lang="id"), session=session)
    app.WARM_UP = warm_up
    width, height = (int(n) for n in size.lower().split("x"))
    app._scale_size = (width, height)
    try:
        result = asyncio.run(drive(app, clock, folder))
    finally:
        session.close()
    result["load_ms"] = load_ms
    result["peak_rss_mb"] = peak_memory_mb()
    if trace:
        import tracemalloc

        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    Path(out).write_text(json.dumps(result), encoding="utf-8")


# -- the baseline: a bare Textual app, in the same run -----------------------------------------


BASELINE_ROWS = 60
"""Rows in each table of the bare app's tabs."""


def bare_app() -> Any:
    """A bare Textual app of the same parts as a stage (a tabbed body of tables, a footer) and a
    dialog of a few fields: what a key costs in Textual itself on this machine, at no scale."""
    from textual.app import App, ComposeResult
    from textual.screen import ModalScreen
    from textual.widgets import DataTable, Footer, Header, Input, Label, TabbedContent, TabPane

    class Form(ModalScreen[None]):
        def compose(self) -> ComposeResult:
            yield Label("Form")
            for n in range(6):
                yield Input(placeholder=f"field {n}")

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            with TabbedContent(id="tabs"):
                for n in range(3):
                    with TabPane(f"Tab {n}", id=f"tab-{n}"):
                        yield DataTable(id=f"table-{n}")
            yield Input(id="capture")
            yield Footer()

        def on_mount(self) -> None:
            for n in range(3):
                table = self.query_one(f"#table-{n}", DataTable)
                table.add_columns("No", "Title", "Unit")
                table.add_rows((k, f"Idea {k} of tab {n}", f"Unit {k % 7}")
                               for k in range(BASELINE_ROWS))

    Bare.Form = Form
    return Bare()


async def drive_bare(app: Any, clock: FrameClock) -> dict[str, Any]:
    """The bare app's share of the tour: tabs, a dialog opened and closed, letters typed, arrows
    in a table; sampled under the same kinds as the session's."""
    from textual.widgets import DataTable, Input, TabbedContent

    driver = Driver(app, clock)
    async with app.run_test(size=app._scale_size) as pilot:
        await pilot.pause(0.2)
        await driver.settle()
        tabbed = app.query_one("#tabs", TabbedContent)
        for n in range(24):
            pane = f"tab-{(n + 1) % 3}"
            await driver.timed("tab", pane, lambda pane=pane: setattr(tabbed, "active", pane))
        base = app.screen
        for n in range(20):
            await driver.timed("dialog", "form", lambda: app.push_screen(app.Form()),
                               lambda screen: screen is not base)
            app.screen.dismiss()
            await driver.settle()
        app.set_focus(app.query_one("#capture", Input))
        await driver.settle()
        for char in "ide baru antrean posyandu " * 4:
            await driver.key("capture_type", char)
        table = app.query_one(f"#{tabbed.active.replace('tab', 'table')}", DataTable)
        app.set_focus(table)
        await driver.settle()
        for key in ["down"] * 25 + ["up"] * 15:
            await driver.key("list_move", key)
    return {"samples": {kind: samples for kind, samples in driver.samples.items() if samples}}


def baseline_child(out: str, size: str) -> None:
    """Drive the bare app (:func:`bare_app`) and write its samples to ``out``."""
    clock = FrameClock()
    clock.install()
    app = bare_app()
    width, height = (int(n) for n in size.lower().split("x"))
    app._scale_size = (width, height)
    result = asyncio.run(drive_bare(app, clock))
    Path(out).write_text(json.dumps(result), encoding="utf-8")


# -- the report, in the parent -----------------------------------------------------------------


def load_average() -> str:
    """The machine's load (1, 5, 15 minutes) on Unix, else ''."""
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_child(path: Path, size: str, trace: bool, warm_up: bool = True,
              baseline: bool = False) -> dict[str, Any]:
    """Run the tour (or, with ``baseline``, the bare app's) in a fresh interpreter."""
    out = path.with_suffix(".baseline.json" if baseline else ".result.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if baseline:
        command = [sys.executable, __file__, "--baseline-child", str(out), size]
    else:
        command = [sys.executable, __file__, "--child", str(path), str(out), size]
    if trace and not baseline:
        command.append("--tracemalloc")
    if not warm_up and not baseline:
        command.append("--no-warm-up")
    proc = subprocess.run(command, capture_output=True, env=env, timeout=CHILD_TIMEOUT)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"the {'bare app' if baseline else 'app'} did not finish the tour:\n"
                         + proc.stderr.decode("utf-8", "replace")[-4000:])
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100x30", help="terminal size, COLSxROWS (100x30)")
    parser.add_argument("--dir", type=Path, default=None, help="where the scratch session goes")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report Python's own peak allocation (slows the timings)")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="do not let the app build its stages in the background: every "
                             "first visit of a stage builds it then")
    parser.add_argument("--child", nargs=3, metavar=("SESSION", "OUT", "SIZE"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--baseline-child", nargs=2, metavar=("OUT", "SIZE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, trace=args.tracemalloc, warm_up=not args.no_warm_up)
        return 0
    if args.baseline_child:
        baseline_child(*args.baseline_child)
        return 0

    with tempfile.TemporaryDirectory(prefix="facilitator-scale-", dir=args.dir) as scratch:
        path = Path(scratch) / "scale.json"
        started = time.perf_counter()
        counts = build_session(path)
        built = time.perf_counter() - started
        file_mb = path.stat().st_size / 2**20
        print(f"facilitator scale benchmark · Python {sys.version.split()[0]} · {sys.platform}"
              f" · {os.cpu_count()} CPUs · {args.size}")
        print(f"session: {counts['ideas']} ideas, {counts['participants']} participants, "
              f"{counts['units']} units, {counts['problems']} problems, {counts['scores']} "
              f"scores, {counts['plans']} plans; {file_mb:.1f} MB, built in {built:.1f} s")
        bare = run_child(path, args.size, False, baseline=True)
        result = run_child(path, args.size, args.tracemalloc, warm_up=not args.no_warm_up)

    print(f"\nopened on {result['first_stage']}: session read in {result['load_ms']:.0f} ms, "
          f"first complete frame after {result['opened_ms']:.0f} ms")
    if result["warmed_ms"] is None:
        print("no warm-up (--no-warm-up): each stage is built on its first visit")
    else:
        print(f"the other stages built in the background {result['warmed_ms'] / 1000:.1f} s "
              f"after opening, {WARM_UP_KEYS} keys pressed meanwhile; first visits after that")
    print(f"\nkey press to next frame (ms), and to settled (the last frame of what it set off); "
          f"CPU: the median CPU time\nthe process used from the key to its next frame (on a busy "
          f"machine the wall times wait for a core; load {load_average()}):")
    print(f"  {'':36} {'n':>4} {'median':>7} {'p95':>7} {'max':>7}   {'settled':>7} {'p95':>7}"
          f"   {'CPU':>5}")
    figures: dict[str, dict[str, float]] = {}
    everything: list[float] = []
    for kind in KINDS:
        samples = result["samples"][kind]
        if not samples:
            continue
        first = [s[0] for s in samples]
        settled = [s[1] for s in samples]
        cpu = [s[2] for s in samples]
        everything += first
        figures[kind] = {"n": len(first), "median": statistics.median(first),
                         "p95": percentile(first, 0.95), "max": max(first),
                         "settled_median": statistics.median(settled),
                         "settled_p95": percentile(settled, 0.95),
                         "cpu_median": statistics.median(cpu)}
        f = figures[kind]
        mark = "ok" if f["median"] <= KEY_TARGET_MS else "MISSED"
        missed = result["no_frame"][kind]
        print(f"  {LABELS[kind]:36} {f['n']:4d} {f['median']:7.1f} {f['p95']:7.1f} "
              f"{f['max']:7.1f}   {f['settled_median']:7.1f} {f['settled_p95']:7.1f}   "
              f"{f['cpu_median']:5.1f}   "
              f"{mark}{f'  ({missed} drew nothing)' if missed else ''}")
    overall = statistics.median(everything)
    worst = max(f["median"] for f in figures.values())
    print(f"  {'every key press':36} {len(everything):4d} {overall:7.1f} "
          f"{percentile(everything, 0.95):7.1f} {max(everything):7.1f}")
    print(f"  target: the median of every kind <= {KEY_TARGET_MS:g} ms (worst kind "
          f"{worst:.1f} ms)   {'ok' if worst <= KEY_TARGET_MS else 'MISSED'}")
    print("  each stage's first visit: " + ", ".join(
        f"{what} {ms:.0f} ms (CPU {cpu:.0f})"
        for ms, _settled, cpu, what in result["samples"]["screen_first"]))
    dialogs: dict[str, list[float]] = {}
    for ms, _settled, _cpu, what in result["samples"]["dialog"]:
        dialogs.setdefault(what, []).append(ms)
    each_dialog = {what: statistics.median(times) for what, times in dialogs.items()}
    slow_dialogs = {what: ms for what, ms in each_dialog.items() if ms > KEY_TARGET_MS}
    if each_dialog:
        print("  each dialog, opened twice (ms): " + ", ".join(
            f"{what} {' '.join(f'{ms:.0f}' for ms in dialogs[what])}" for what in dialogs))
        print(f"  target: every dialog's own median <= {KEY_TARGET_MS:g} ms   " + (
            "ok" if not slow_dialogs else "MISSED by " + ", ".join(
                f"{what} ({ms:.0f} ms)" for what, ms in slow_dialogs.items())))
    print("  slowest of each kind: " + "; ".join(
        f"{kind} {ms} ms ({what})" for kind, (ms, what) in result["slowest"].items()))

    # The same kinds of key in a bare Textual app, run just before: what this machine takes
    # for them at no scale. The ratio compares runs on machines of different speeds.
    baseline = {kind: statistics.median(s[0] for s in samples)
                for kind, samples in bare["samples"].items()}
    ratios = {kind: figures[kind]["median"] / ms for kind, ms in baseline.items()
              if kind in figures and ms > 0}
    print("\nbaseline: a bare Textual app in the same run (three tabs of tables, a dialog of six "
          "fields, a text field);\nthe median of each kind there, the session's, and their "
          "ratio (what the app and its scale add to Textual):")
    for kind, ms in baseline.items():
        if kind in ratios:
            print(f"  {LABELS[kind]:36} {ms:7.1f} {figures[kind]['median']:7.1f}   "
                  f"x{ratios[kind]:.2f}")

    memory = result["peak_rss_mb"]
    if memory is None:
        print("\npeak memory: cannot be read on this platform")
        memory_ok = None
    else:
        memory_ok = memory <= MEMORY_TARGET_MB
        print(f"\npeak memory (resident, whole process): {memory:.0f} MB   target <= "
              f"{MEMORY_TARGET_MB:g} MB   {'ok' if memory_ok else 'MISSED'}")
    if "tracemalloc_peak_mb" in result:
        print(f"  Python allocations at their peak (tracemalloc): "
              f"{result['tracemalloc_peak_mb']:.0f} MB")

    print(json.dumps({
        "session": counts,
        "size": args.size,
        "opened_ms": round(result["opened_ms"], 1),
        "warm_up": result["warmed_ms"] is not None,
        "warmed_ms": None if result["warmed_ms"] is None else round(result["warmed_ms"], 1),
        "keys": {k: {n: round(v, 1) if isinstance(v, float) else v for n, v in f.items()}
                 for k, f in figures.items()},
        "key_median_ms": round(overall, 1),
        "worst_kind_median_ms": round(worst, 1),
        "no_frame": result["no_frame"],
        "peak_rss_mb": None if memory is None else round(memory, 1),
        "tracemalloc_peak_mb": (round(result["tracemalloc_peak_mb"], 1)
                                if "tracemalloc_peak_mb" in result else None),
        "targets": {"key_median_ms": KEY_TARGET_MS, "memory_mb": MEMORY_TARGET_MB},
        "dialogs": {what: round(ms, 1) for what, ms in each_dialog.items()},
        "baseline_ms": {kind: round(ms, 1) for kind, ms in baseline.items()},
        "ratio_to_baseline": {kind: round(ratio, 2) for kind, ratio in ratios.items()},
        "ok": worst <= KEY_TARGET_MS and not slow_dialogs and memory_ok is not False,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
