"""How fast the app starts and how fast a change is saved, measured on this machine.

    python tests/perf/bench.py [--runs N] [--dir FOLDER]

Prints its figures with the targets beside them and, as its last line, one JSON object:

* ``first_frame_ratio``: time to the demo's first frame over a bare Textual app's, each the
  median of ``--runs`` fresh processes (so imports count), both measured in this run. Target
  at most 1.5.
* ``save_ms``: median milliseconds of one durable change (adding one idea with
  ``Session.add``: journal line written and fsynced) in sessions of 64, 640 and 3,000 ideas.
  Target at most 16 ms (one frame at 60 Hz) at 3,000.

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
DESCRIPTION = (
    "Warga mendaftar antrean Puskesmas dari rumah lewat SMS atau aplikasi, lalu datang pada jam "
    "yang ditentukan; petugas melihat daftar tunggu di layar dan pasien tidak menunggu berjam-jam."
)


# -- first frame: run in a fresh process by the parent ----------------------------------------


def probe(kind: str, folder: str) -> None:
    """Start an app headless and write ``frame`` to the real stdout once its first frame is
    drawn (Textual captures ``sys.stdout`` while it runs), then exit."""
    if kind == "bare":
        from textual.app import App

        app = App()
    else:
        from facilitator.app import FacilitatorApp
        from facilitator.core.session import Session
        from facilitator.demo import write_demo
        from facilitator.settings import Settings

        path = write_demo(Path(folder) / "demo.json")
        session = Session.open(path)
        app = FacilitatorApp(Settings(sessions_dir=Path(folder)), session=session)

    async def first_frame(pilot) -> None:
        def drawn() -> None:
            os.write(1, b"frame\n")
            pilot.app.exit()

        pilot.app.call_after_refresh(drawn)

    app.run(headless=True, size=FRAME_SIZE, auto_pilot=first_frame)
    if kind != "bare":
        session.close()


def time_probe(kind: str, folder: Path) -> float:
    """Seconds from starting a fresh interpreter to its first frame."""
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
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    try:
        _out, err = proc.communicate(timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
    if line.strip() != b"frame":
        raise SystemExit(f"the {kind} app did not draw a first frame:\n"
                         f"{err.decode('utf-8', 'replace')}")
    return elapsed


def first_frame(runs: int, folder: Path) -> dict[str, float]:
    times: dict[str, list[float]] = {"bare": [], "demo": []}
    time_probe("bare", folder)  # warm the disk cache and the bytecode caches for both
    time_probe("demo", folder)
    for _ in range(runs):
        for kind in ("bare", "demo"):  # interleaved, so that a busy moment hits both alike
            times[kind].append(time_probe(kind, folder))
    bare, demo = statistics.median(times["bare"]), statistics.median(times["demo"])
    return {"bare_ms": bare * 1000, "demo_ms": demo * 1000, "ratio": demo / bare,
            "bare_all": times["bare"], "demo_all": times["demo"]}


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

        frame = first_frame(args.runs, folder)
        print(f"\nFirst frame at {FRAME_SIZE[0]}x{FRAME_SIZE[1]}, fresh process each, median of "
              f"{args.runs}:")
        print(f"  bare Textual app   {frame['bare_ms']:7.1f} ms")
        print(f"  facilitator demo   {frame['demo_ms']:7.1f} ms")
        print(f"  ratio              {frame['ratio']:7.2f}     target <= {FIRST_FRAME_TARGET}"
              f"   {'ok' if frame['ratio'] <= FIRST_FRAME_TARGET else 'MISSED'}")

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

    ok = frame["ratio"] <= FIRST_FRAME_TARGET and save[str(SIZES[-1])] <= SAVE_TARGET_MS
    print(json.dumps({
        "first_frame_ratio": round(frame["ratio"], 3),
        "first_frame_ms": {"bare": round(frame["bare_ms"], 1), "demo": round(frame["demo_ms"], 1)},
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
