"""How fast the app starts and how fast a change is saved, measured on this machine.

    python tests/perf/bench.py [--runs N] [--dir FOLDER]

Prints its figures with the targets beside them and, as its last line, one JSON object:

* ``first_frame_ratio``: time to the demo's first frame over a bare Textual app's, each the
  median of ``--runs`` fresh processes (so imports count), both measured in this run. Target
  at most 1.5.
* ``complete_ratio``: the same for the demo's first *complete* frame, the one that shows the
  stage's own widgets and data, over the bare app's first frame (``complete_frame_ms`` holds
  the times). The app draws its frame (header, stage bar, keys) first and fills the stage's
  body right after; this figure shows what that deferral costs in all.
* ``first_frame_cpu_ratio``: the first-frame ratio in CPU time (what each process had used by
  its first frame). On a machine busy with other work the wall times wait for a core; the CPU
  times much less so, and the two ratios agree on an idle machine.
* ``save_ms``: median milliseconds of one durable change (adding one idea with
  ``Session.add``: journal line written and fsynced) in sessions of 64, 640 and 3,000 ideas.
  Target at most 16 ms (one frame at 60 Hz) at 3,000.

How a frame is timed. Each app runs headless in a fresh interpreter started by this script,
which stamps the time of every line the child writes to its stdout. The child writes ``frame``
when the app hands its first frame to the terminal: Textual paints through
``App._display(screen, update)``, which drops the update while a batch is open (the whole
start-up, compose and mount included, runs inside one) and otherwise writes it to the driver.
The probe wraps that method, and for every update outside a batch does what a terminal driver
would do with it (render it to the escape sequences), so both apps pay the same for drawing;
the first such update is the first frame (in both apps, an update of the whole screen).
``complete`` follows with the first frame drawn after the stage screen has filled its body
(the screen's ``fill_body`` returned); for the bare app the first frame is complete. Neither
Textual's ``auto_pilot`` (it starts once the app is ready, not when something is on the
screen) nor ``call_after_refresh`` (during a batch it runs without any refresh) says when a
frame is drawn, so neither is used. The child also writes ``imported`` (its imports done) and
``built`` (the app constructed), shown in the breakdown.

For comparison it also times the design the store did not take: rewriting the whole file
atomically (temporary file, fsync, rename, folder fsync) for every change, at 3,000 ideas, and
TinyDB's own JSONStorage insert (which rewrites the file in place and does not fsync at all).
Timings are only comparable within one run: the ratio is what a test may look at.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

FIRST_FRAME_TARGET = 1.5
SAVE_TARGET_MS = 16.0
SIZES = (64, 640, 3000)
FRAME_SIZE = (100, 30)
PROBE_TIMEOUT = 120.0
MARKS = ("imported", "built", "frame", "complete")
"""What a probe reports, in order: its imports done, the app constructed, the first frame, the
first complete frame."""
DESCRIPTION = (
    "Warga mendaftar antrean Puskesmas dari rumah lewat SMS atau aplikasi, lalu datang pada jam "
    "yang ditentukan; petugas melihat daftar tunggu di layar dan pasien tidak menunggu berjam-jam."
)


# -- first frame: run in a fresh process by the parent ----------------------------------------


def probe(kind: str, folder: str) -> None:
    """Start an app headless and write each of ``MARKS`` to the real stdout as it happens
    (Textual captures ``sys.stdout`` while it runs); exit after the first complete frame."""

    def mark(what: str) -> None:
        # With the CPU time the process has used so far: on a busy machine the wall time
        # includes waiting for a core, the CPU time does not.
        os.write(1, f"{what} {time.process_time()}\n".encode())

    from textual.app import App

    if kind == "bare":
        mark("imported")
        app = App()
        filled = None
    else:
        from facilitator.app import FacilitatorApp
        from facilitator.core.session import Session
        from facilitator.demo import write_demo
        from facilitator.settings import Settings

        mark("imported")
        path = write_demo(Path(folder) / "demo.json")
        session = Session.open(path)
        app = FacilitatorApp(Settings(sessions_dir=Path(folder)), session=session)
        filled = set()
    mark("built")

    def note_filled(screen) -> None:
        """Have ``screen`` noted in ``filled`` once its own ``fill_body`` (the stage's
        override, if it has one) has returned."""
        cls = type(screen)
        fill_body = cls.fill_body

        async def fill_and_note(self) -> None:
            await fill_body(self)
            if self.body_ready:
                filled.add(self)

        cls.fill_body = fill_and_note

    display = App._display
    seen: list[str] = []

    def display_and_note(self: App, screen, update) -> None:
        display(self, screen, update)
        if update is None or self._batch_count or not self._running:
            return  # not written to the terminal
        if hasattr(update, "render_segments"):
            update.render_segments(self.console)  # what the driver writes
        if not seen:
            seen.append("frame")
            mark("frame")
            if filled is not None:
                if screen.body_ready:
                    filled.add(screen)  # the stage's body came with the first frame
                else:
                    note_filled(screen)
        if filled is None or screen in filled:
            mark("complete")
            self.exit()

    App._display = display_and_note  # type: ignore[method-assign]
    app.run(headless=True, size=FRAME_SIZE)
    if kind != "bare":
        session.close()


def time_probe(kind: str, folder: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds from starting a fresh interpreter to each of ``MARKS``: the wall time, and the
    CPU time the process had used by then."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    # Bytecode as an installed app has it (compiled once, then cached), for both apps alike,
    # kept in the scratch folder rather than beside the sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--probe", kind, str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for line in proc.stdout:
        name, _, used = line.decode("ascii", "replace").strip().partition(" ")
        if name in MARKS and name not in times:
            times[name] = time.perf_counter() - started
            cpu[name] = float(used or "nan")
        if "complete" in times:
            break
    try:
        _out, err = proc.communicate(timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
    if set(times) != set(MARKS):
        raise SystemExit(f"the {kind} app did not draw a complete frame (saw {sorted(times)}):\n"
                         f"{err.decode('utf-8', 'replace')}")
    return times, cpu


def first_frame(runs: int, folder: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Median milliseconds to each mark, wall (``"wall"``) and CPU (``"cpu"``), for both apps,
    from ``runs`` fresh processes each."""
    samples: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = {"bare": [], "demo": []}
    time_probe("bare", folder)  # warm the disk cache and the bytecode caches for both
    time_probe("demo", folder)
    for _ in range(runs):
        for kind in ("bare", "demo"):  # interleaved, so that a busy moment hits both alike
            samples[kind].append(time_probe(kind, folder))
    return {clock: {kind: {name: statistics.median(run[which][name] for run in runs_) * 1000
                           for name in MARKS}
                    for kind, runs_ in samples.items()}
            for which, clock in enumerate(("wall", "cpu"))}


def load_average() -> str:
    """The machine's load (1, 5, 15 minutes) on Unix, else ''."""
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except (AttributeError, OSError):
        return ""


# -- saving ------------------------------------------------------------------------------------


def build_session(path: Path, ideas: int):
    """A session holding ``ideas`` ideas (with their audit entries), closed and reopened."""
    from facilitator.core.records import Idea
    from facilitator.core.session import Session

    session = Session.create(path, region="Kabupaten Sorong", date="2021-03-15")
    batch = 10  # a realistic file: one audit entry per handful of ideas
    for start in range(0, ideas, batch):
        session.commit("idea.add", [Idea(title=f"Ide {n}", description=DESCRIPTION)
                                    for n in range(start, min(ideas, start + batch))])
    session.close()
    return Session.open(path)


def time_saves(folder: Path, ideas: int, changes: int) -> list[float]:
    """Milliseconds of each of ``changes`` consecutive ``Session.add`` calls. Enough changes to
    include the compaction that folds the journal in, so the slow one shows in the maximum."""
    from facilitator.core.records import Idea

    session = build_session(folder / f"save-{ideas}.json", ideas)
    times = []
    try:
        for n in range(changes):
            idea = Idea(title=f"Ide baru {n}", description=DESCRIPTION)
            started = time.perf_counter()
            session.add(idea)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        session.close()
    return times


def time_whole_file(folder: Path, ideas: int, repeats: int) -> dict[str, float]:
    """The alternative design at ``ideas`` ideas: every change rewrites the whole file."""
    import tinydb

    from facilitator.store import AtomicJSONStorage

    session = build_session(folder / f"rewrite-{ideas}.json", ideas)
    snapshot = session.store.snapshot()
    session.close()
    size = len(json.dumps(snapshot, ensure_ascii=False).encode("utf-8"))
    rewrite, with_backup = [], []
    for n in range(repeats):
        target = folder / f"rewrite-copy-{n % 2}.json"
        started = time.perf_counter()
        AtomicJSONStorage(target, backup=False).write(snapshot)
        rewrite.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        AtomicJSONStorage(target, backup=True).write(snapshot)
        with_backup.append((time.perf_counter() - started) * 1000)

    db = tinydb.TinyDB(folder / "tinydb-plain.json")
    table = db.table("ideas")
    table.insert_multiple({"title": f"Ide {n}", "description": DESCRIPTION}
                          for n in range(ideas))
    plain = []
    for n in range(repeats):
        started = time.perf_counter()
        table.insert({"title": f"Ide baru {n}", "description": DESCRIPTION})
        plain.append((time.perf_counter() - started) * 1000)
    db.close()
    return {"bytes": size, "rewrite_ms": statistics.median(rewrite),
            "rewrite_backup_ms": statistics.median(with_backup),
            "tinydb_insert_ms": statistics.median(plain)}


# -- report ------------------------------------------------------------------------------------


def filesystem(folder: Path) -> str:
    """The filesystem type of ``folder`` on Linux (a tmpfs would make fsync free), else ''."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    resolved = str(folder.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) > 2 and resolved.startswith(parts[1]) and len(parts[1]) >= len(best):
            best, kind = parts[1], parts[2]
    return kind


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per app (7)")
    parser.add_argument("--changes", type=int, default=450,
                        help="changes timed per session size (450: one compaction included)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the scratch sessions go (a temporary folder; not a tmpfs)")
    parser.add_argument("--probe", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        probe(*args.probe)
        return 0

    from facilitator.store import COMPACT_AFTER_ENTRIES

    base = args.dir
    if base is None and filesystem(Path(tempfile.gettempdir())) == "tmpfs":
        base = Path.cwd()  # fsync on a RAM disk costs nothing; time the disk sessions live on
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-", dir=base) as scratch:
        folder = Path(scratch)
        kind = filesystem(folder)
        print(f"facilitator benchmark · Python {sys.version.split()[0]} · {sys.platform}"
              f" · {os.cpu_count()} CPUs · scratch {folder}{f' ({kind})' if kind else ''}")

        load_before = load_average()
        frame = first_frame(args.runs, folder)
        bare, demo = frame["wall"]["bare"], frame["wall"]["demo"]
        ratio = demo["frame"] / bare["frame"]
        complete_ratio = demo["complete"] / bare["frame"]
        cpu_ratio = frame["cpu"]["demo"]["frame"] / frame["cpu"]["bare"]["frame"]
        print(f"\nFirst frame at {FRAME_SIZE[0]}x{FRAME_SIZE[1]}, fresh process each, median of "
              f"{args.runs} (load average {load_before} before, {load_average()} after):")
        print(f"  bare Textual app   {bare['frame']:7.1f} ms")
        print(f"  facilitator demo   {demo['frame']:7.1f} ms   header, stage bar and keys")
        print(f"  ratio              {ratio:7.2f}     target <= {FIRST_FRAME_TARGET}"
              f"   {'ok' if ratio <= FIRST_FRAME_TARGET else 'MISSED'}"
              f"   (CPU time ratio {cpu_ratio:.2f})")
        print(f"  demo complete      {demo['complete']:7.1f} ms   with the stage's widgets and "
              f"data (ratio {complete_ratio:.2f})")
        print("  where the time goes (ms from the process start, medians; CPU time in brackets):")
        print(f"    {'':6} {'imports':>16} {'app built':>16} {'first frame':>16} {'complete':>16}")
        for kind in ("bare", "demo"):
            wall, cpu = frame["wall"][kind], frame["cpu"][kind]
            print(f"    {kind:6}" + "".join(f" {wall[m]:7.1f} ({cpu[m]:6.1f})" for m in MARKS))

        print(f"\nOne durable change (Session.add: a journal line, fsynced), {args.changes} "
              f"changes per size; the journal is folded into the file every "
              f"{COMPACT_AFTER_ENTRIES} changes (one such change is in the max):")
        save: dict[str, float] = {}
        save_p95: dict[str, float] = {}
        save_max: dict[str, float] = {}
        for ideas in SIZES:
            times = time_saves(folder, ideas, args.changes)
            save[str(ideas)] = statistics.median(times)
            save_p95[str(ideas)] = percentile(times, 0.95)
            save_max[str(ideas)] = max(times)
            target = (f"   target <= {SAVE_TARGET_MS:g} ms   "
                      f"{'ok' if save[str(ideas)] <= SAVE_TARGET_MS else 'MISSED'}"
                      if ideas == SIZES[-1] else "")
            print(f"  {ideas:5d} ideas   median {save[str(ideas)]:6.2f} ms   p95 "
                  f"{save_p95[str(ideas)]:6.2f} ms   max {save_max[str(ideas)]:7.2f} ms{target}")

        whole = time_whole_file(folder, SIZES[-1], repeats=21)
        print(f"\nFor comparison, at {SIZES[-1]} ideas ({whole['bytes'] / 1e6:.1f} MB file), "
              f"median per change:")
        print(f"  whole-file atomic rewrite + fsync           {whole['rewrite_ms']:7.2f} ms")
        print(f"  the same, keeping the backup copy           {whole['rewrite_backup_ms']:7.2f} ms")
        print(f"  TinyDB JSONStorage insert (in place, no fsync) "
              f"{whole['tinydb_insert_ms']:4.2f} ms")
        print(f"  journal append + fsync (the store's design) {save[str(SIZES[-1])]:7.2f} ms")

    ok = ratio <= FIRST_FRAME_TARGET and save[str(SIZES[-1])] <= SAVE_TARGET_MS
    print(json.dumps({
        "first_frame_ratio": round(ratio, 3),
        "first_frame_ms": {"bare": round(bare["frame"], 1), "demo": round(demo["frame"], 1)},
        "complete_frame_ms": {"bare": round(bare["complete"], 1),
                              "demo": round(demo["complete"], 1)},
        "complete_ratio": round(complete_ratio, 3),
        "first_frame_cpu_ratio": round(cpu_ratio, 3),
        "save_ms": {k: round(v, 3) for k, v in save.items()},
        "save_p95_ms": {k: round(v, 3) for k, v in save_p95.items()},
        "save_max_ms": {k: round(v, 3) for k, v in save_max.items()},
        "rewrite_ms": {str(SIZES[-1]): round(whole["rewrite_ms"], 3)},
        "tinydb_insert_ms": {str(SIZES[-1]): round(whole["tinydb_insert_ms"], 3)},
        "targets": {"first_frame_ratio": FIRST_FRAME_TARGET, "save_ms_3000": SAVE_TARGET_MS},
        "ok": ok,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
