"""The built-in demo session: the Laboratorium Inovasi of Kabupaten Sorong, 2021.

The lab ran on 16-18 June 2021 with 24 OPD; 64 proposals were narrowed to 41 innovations, which
the Bupati launched on 4 November 2021. The demo replays that lab through the core API, the same
calls the app makes (``Session.create``/``add``/``edit``/``commit``, ``funnel.merge_ideas``,
``funnel.preview`` and ``funnel.apply_round``,
``seal.seal``), so it holds what a real session would: an audit log, 67 captured ideas of which
three duplicate pairs were merged (64 proposals), two raters' scores and four tables' dot votes,
the funnel's decisions with their reasons, a sealed chain of commitments, and the follow-up of
the coaching clinic after the launch (steps marked done, under way or late, dated progress
notes). Its content (units, participants, run-sheet, notes, problems, ideas, merges, plans,
commitments, the clinic) is in ``data/demo_content.yaml``.

The shipped file ``data/demo.json`` is built from that content and is reproducible byte for byte:
the session's clock, ids and scores all come from fixed seeds. After changing the content or the
core, regenerate it from the repository root with::

    python -m facilitator.demo            # rewrites facilitator/data/demo.json
    python -m facilitator.demo OUT.json   # writes the demo elsewhere (OUT must not exist)
"""

from __future__ import annotations

import errno
import os
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from facilitator.core.errors import StoreError
from facilitator.store import AtomicJSONStorage, sidecar

if TYPE_CHECKING:
    from facilitator.core.records import Criterion
    from facilitator.core.session import Session


def _shipped(name: str) -> Any:
    """A file of ``facilitator/data``: a plain path beside this module where the package is
    installed as files (the usual case; ``importlib.resources`` and the zipfile module it
    loads cost more than the rest of writing the demo's copy), else the package resource
    (the package inside a zip archive)."""
    path = Path(__file__).resolve().parent / "data" / name
    if path.is_file():
        return path
    from importlib import resources

    return resources.files("facilitator.data").joinpath(name)


DEMO_RESOURCE = _shipped("demo.json")
"""The shipped demo session (a path, or an ``importlib.resources`` Traversable): read it,
never write it."""

CONTENT_RESOURCE = _shipped("demo_content.yaml")
"""What the demo session holds, as data; :func:`build_demo` turns it into a session."""

ACTOR = "antun@lan-sorong"
ID_SEED = 2021
SCORE_SEED = 1606
RATERS = ("Tim LAN", "Bapperlitbangda")
TABLES = ("Meja 1", "Meja 2", "Meja 3", "Meja 4")
VOTE_SEED = 1806
VOTE_WEIGHT = {"keep": 4.0, "low": 1.5}
"""How much a table's dots lean to an idea by its fate (ideas failing a gate: 1)."""
GATE_ROUND = "Penyaringan gerbang"
SCORE_ROUND = "Skor rubrik"
THRESHOLD = 3.0

WIT = timezone(timedelta(hours=9), "WIT")
"""Sorong's time zone (UTC+9). The content's times are local; the session clock runs in UTC."""

CLOCK_STEP = timedelta(seconds=7)

SPLIT = 2.0
"""How far apart the raters' levels are for an idea marked ``split`` in the content."""

# What the funnel must come to: the figures of the real lab.
EXPECTED_CAPTURED = 67
EXPECTED_IDEAS = 64
EXPECTED_AFTER_GATES = 52
EXPECTED_SELECTED = 41


# -- the shipped copy ---------------------------------------------------------------------------


def write_demo(path: Path) -> Path:
    """Write a fresh copy of the shipped demo session to ``path`` and return ``path``.

    The copy is byte for byte the shipped file, written atomically; parent folders are created.
    An existing file at ``path`` is replaced (the caller decides whether that is allowed), and
    its stale ``.journal`` and ``.bak`` are removed first so that an old journal is never replayed
    onto the fresh copy. The ``.lock`` is left alone: it belongs to whoever holds the file.
    """
    path = Path(path)
    payload = DEMO_RESOURCE.read_bytes()
    if isinstance(DEMO_RESOURCE, Path) and path.exists() and _same_file(path, DEMO_RESOURCE):
        raise StoreError("exists", path=str(path))  # never write over the shipped original
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Before the copy: if a journal cannot be removed, the old file stays whole with it.
        for suffix in (".journal", ".bak"):
            sidecar(path, suffix).unlink(missing_ok=True)
    except OSError as exc:
        raise _write_error(exc, path) from None
    AtomicJSONStorage(path, backup=False).write_bytes(payload)
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write_error(exc: OSError, path: Path) -> StoreError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return StoreError("disk_full", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError("no_write", path=str(path))
    return StoreError("write_failed", path=str(path), reason=exc.strerror or str(exc))


# -- building it --------------------------------------------------------------------------------


class DemoClock:
    """The session clock of the demo: the lab's own moments, in UTC, a few seconds apart.

    :meth:`at` moves the clock to a moment of the lab (it never goes back); every reading then
    advances it by a few seconds, as changes made one after another would.
    """

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(timezone.utc)

    def at(self, moment: datetime) -> None:
        moment = moment.astimezone(timezone.utc)
        if moment > self._now:
            self._now = moment

    def __call__(self) -> str:
        self._now += CLOCK_STEP
        return self._now.isoformat(timespec="microseconds")


def id_factory(seed: int) -> Callable[[str], str]:
    """Record ids shaped like :func:`facilitator.core.records.new_id`, from a seeded generator."""
    rng = random.Random(seed)
    return lambda prefix: f"{prefix}-{rng.getrandbits(64):016x}"


def local(day: str, hhmm: str) -> datetime:
    """A moment of the lab: ``day`` (YYYY-MM-DD) at ``hhmm`` in Sorong."""
    return datetime.strptime(f"{day} {hhmm}", "%Y-%m-%d %H:%M").replace(tzinfo=WIT)


def load_content() -> dict[str, Any]:
    """The demo's content (``data/demo_content.yaml``)."""
    import yaml

    return yaml.safe_load(CONTENT_RESOURCE.read_text("utf-8"))


def build_demo(path: Path) -> None:
    """Build the demo session file at ``path`` (which must not exist) from the demo content.

    Only the session file is left behind: the store's ``.bak``, ``.lock`` and ``.journal`` beside
    it are removed once the session is closed.
    """
    from facilitator.core.session import Session

    path = Path(path)
    content = load_content()
    clock = DemoClock(local("2021-06-15", "20:00"))  # the coach sets up the evening before
    session = Session.create(path, region=content["lab"]["region"], actor=ACTOR, clock=clock,
                             make_id=id_factory(ID_SEED))
    try:
        _Replay(session, clock, content).run()
    finally:
        session.close()
    for suffix in (".journal", ".bak", ".lock"):
        sidecar(path, suffix).unlink(missing_ok=True)


class _Replay:
    """The lab's history as timed events, run in order against the session."""

    def __init__(self, session: Session, clock: DemoClock, content: dict[str, Any]) -> None:
        from facilitator.core.template import load_default_template

        self.session = session
        self.clock = clock
        self.content = content
        self.template = load_default_template()
        self.days: list[str] = list(content["lab"]["dates"])
        self.unit_ids: dict[str, str] = {}
        self.problem_ids: dict[str, str] = {}
        self.person_ids: dict[str, str] = {}
        self.idea_ids: list[str] = []
        self.idea_keys: dict[str, int] = {}
        self.merged_into: dict[str, str] = {}
        self.commitment_ids: list[str] = []
        self._events: list[tuple[datetime, int, Callable[[], None]]] = []

    def on(self, moment: datetime, action: Callable[[], None]) -> None:
        self._events.append((moment, len(self._events), action))

    def run(self) -> None:
        self.setup()
        self.plan_check_ins()
        self.plan_agenda()
        self.plan_notes()
        self.plan_problems()
        self.plan_ideas()
        self.plan_merges()
        self.plan_votes()
        self.plan_scores()
        self.plan_rounds()
        self.plan_plans()
        self.plan_commitments()
        self.plan_clinic()
        for moment, _, action in sorted(self._events, key=lambda e: (e[0], e[1])):
            self.clock.at(moment)
            action()

    # -- the evening before: the lab, its units, people and run-sheet ------------------------

    def setup(self) -> None:
        from facilitator.core.records import AgendaItem, Participant, Unit

        session, content = self.session, self.content
        lab = content["lab"]
        session.edit(session.lab, region_kind=lab["region_kind"], province=lab["province"],
                     dates=list(lab["dates"]), venue=lab["venue"], coaches=list(lab["coaches"]),
                     chair=lab["chair"], notulis=lab["notulis"], targets=dict(lab["targets"]),
                     minutes=dict(lab["minutes"]))
        kinds = self.template.lists["unit_kind"]
        for unit in content["units"]:
            _require(unit["kind"] in kinds, f"unit kind {unit['kind']!r}")
            record = session.add(Unit(name=unit["name"], short=unit["short"], kind=unit["kind"]))
            self.unit_ids[unit["key"]] = record.id
        for person in content["participants"]:
            nip = str(person.get("nip", ""))
            _require(not nip or (len(nip) == 18 and nip.isdigit()), f"NIP of {person['name']}")
            unit_id = self.unit_ids[person["unit"]] if person["unit"] else ""
            record = session.add(Participant(name=person["name"], jabatan=person["jabatan"],
                                             nip=nip, unit_id=unit_id, role=person["role"]))
            self.person_ids[person["name"]] = record.id
        for day in self.days:
            items = [AgendaItem(day=day, order=order, title=row[3], stage=row[2],
                                planned_start=row[0], minutes=int(row[1]))
                     for order, row in enumerate(content["agenda"][day])]
            session.commit("agenda.add", items)

    # -- the three days --------------------------------------------------------------------------

    def plan_check_ins(self) -> None:
        for day in self.days:
            present = [p for p in self.content["participants"] if day not in p.get("absent", [])]
            start = local(day, "07:50")
            for n, person in enumerate(present):
                self.on(start + timedelta(seconds=40 * n), self._check_in(person["name"], day))

    def _check_in(self, name: str, day: str) -> Callable[[], None]:
        from facilitator.core.records import Participant

        def action() -> None:
            person = self.session.get(Participant, self.person_ids[name])
            self.session.edit(person, attendance=[*person.attendance, day])
        return action

    def plan_agenda(self) -> None:
        # Only the rows that carry actual times were run; the rest is still the plan.
        for day in self.days:
            for order, row in enumerate(self.content["agenda"][day]):
                if len(row) < 6:
                    continue
                self.on(local(day, row[4]), self._agenda_time(day, order, actual_start=row[4]))
                self.on(local(day, row[5]), self._agenda_time(day, order, actual_end=row[5]))

    def _agenda_time(self, day: str, order: int, **times: str) -> Callable[[], None]:
        from facilitator.core.records import AgendaItem

        def action() -> None:
            item = next(a for a in self.session.all(AgendaItem)
                        if a.day == day and a.order == order)
            self.session.edit(item, **times)
        return action

    def plan_notes(self) -> None:
        from facilitator.core.records import STAGES, Note

        for note in self.content["notes"]:
            day, hhmm = note["at"].split()
            _require(note["stage"] in STAGES, f"stage of the note at {note['at']}")
            # Recorded as the wall-clock time in Sorong, the way the notulis reads it.
            record = Note(at=local(day, hhmm).isoformat(), speaker=note["speaker"],
                          text=note["text"], stage=note["stage"])
            self.on(local(day, hhmm), lambda record=record: self.session.add(record))

    def plan_problems(self) -> None:
        """Mapped per OPD in the afternoon of day one, then scored with USG."""
        problems = self.content["problems"]
        day = self.days[0]
        for n, problem in enumerate(problems):
            self.on(local(day, "13:15") + timedelta(seconds=150 * n), self._add_problem(problem))
            self.on(local(day, "14:50") + timedelta(seconds=80 * n), self._score_problem(problem))

    def _add_problem(self, problem: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core.records import Problem

        def action() -> None:
            record = self.session.add(Problem(
                unit_id=self.unit_ids[problem["unit"]], statement=problem["statement"],
                cause=problem["cause"], affected=problem["affected"]))
            self.problem_ids[problem["key"]] = record.id
        return action

    def _score_problem(self, problem: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core.records import Problem

        urgency, seriousness, growth = (int(v) for v in problem["usg"])
        _require(all(1 <= v <= 5 for v in (urgency, seriousness, growth)),
                 f"USG of {problem['key']}")

        def action() -> None:
            record = self.session.get(Problem, self.problem_ids[problem["key"]])
            self.session.edit(record, urgency=urgency, seriousness=seriousness, growth=growth)
        return action

    def plan_ideas(self) -> None:
        """Brainstormed on the morning of day two; each idea answers a problem of its unit."""
        lists = self.template.lists
        units_of = {p["key"]: p["unit"] for p in self.content["problems"]}
        ideas = self.content["ideas"]
        _require(len(ideas) == EXPECTED_CAPTURED, f"{len(ideas)} ideas captured")
        for n, idea in enumerate(ideas):
            _require(idea["problem"] in units_of, f"problem of {idea['title']!r}")
            for field, list_name in (("initiator", "initiator"), ("bentuk", "bentuk"),
                                     ("jenis", "jenis")):
                _require(idea[field] in lists[list_name], f"{field} of {idea['title']!r}")
            if "key" in idea:
                self.idea_keys[idea["key"]] = n
            self.on(local(self.days[1], "08:40") + timedelta(seconds=160 * n),
                    self._add_idea(idea, units_of[idea["problem"]]))

    def _add_idea(self, idea: dict[str, Any], unit_key: str) -> Callable[[], None]:
        from facilitator.core.records import Idea

        def action() -> None:
            record = self.session.add(Idea(
                title=idea["title"], description=idea["description"],
                unit_id=self.unit_ids[unit_key], problem_id=self.problem_ids[idea["problem"]],
                initiator=idea["initiator"], bentuk=idea["bentuk"], jenis=idea["jenis"],
                urusan=idea["urusan"]))
            self.idea_ids.append(record.id)
        return action

    def current_id(self, n: int) -> str:
        """The id of the content's ``n``-th idea now: the idea it was merged into, if it was."""
        rid = self.idea_ids[n]
        while rid in self.merged_into:
            rid = self.merged_into[rid]
        return rid

    def plan_merges(self) -> None:
        """After the brainstorm the coach merges the duplicates that two tables proposed."""
        ideas = self.content["ideas"]
        merged: set[str] = set()
        for n, merge in enumerate(self.content["merges"]):
            keys = list(merge["ideas"])
            _require(len(keys) >= 2 and merge["keep"] in keys and all(
                k in self.idea_keys for k in keys), f"merge {keys}")
            _require("screen" in ideas[self.idea_keys[merge["keep"]]], f"fate of {keys}")
            merged.update(k for k in keys if k != merge["keep"])
            self.on(local(self.days[1], "11:45") + timedelta(minutes=2 * n), self._merge(merge))
        for idea in ideas:
            # Every idea has a fate, but for the duplicates merged into another.
            _require(("screen" in idea) != (idea.get("key") in merged), f"fate of {idea['title']}")

    def _merge(self, merge: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core import funnel

        def action() -> None:
            keep = self.content["ideas"][self.idea_keys[merge["keep"]]]
            ids = [self.current_id(self.idea_keys[k]) for k in merge["ideas"]]
            record = funnel.merge_ideas(
                self.session, ids, title=merge.get("title", keep["title"]),
                description=merge.get("description", keep["description"]),
                keep_from=self.current_id(self.idea_keys[merge["keep"]]))
            for rid in ids:
                self.merged_into[rid] = record.id
        return action

    def scored_ideas(self) -> list[int]:
        """The content's ideas that have a fate of their own (all but the merged duplicates)."""
        return [n for n, idea in enumerate(self.content["ideas"]) if "screen" in idea]

    def plan_votes(self) -> None:
        """On the last morning each table spends its participants' dots on the ideas."""
        self.on(local(self.days[2], "09:00"), self._votes)

    def _votes(self) -> None:
        from collections import Counter

        from facilitator.core import funnel
        from facilitator.core.records import Vote

        ideas = self.scored_ideas()
        ids = [self.current_id(n) for n in ideas]
        _require(sorted(ids) == sorted(i.id for i in self.session.ideas()), "ideas at the vote")
        weights = [VOTE_WEIGHT.get(self.content["ideas"][n]["screen"], 1.0) for n in ideas]
        per_person, people = funnel.dot_budget(self.session)
        rng = random.Random(VOTE_SEED)
        size, extra = divmod(people, len(TABLES))
        for t, table in enumerate(TABLES):
            dots = (size + (1 if t < extra else 0)) * per_person
            tally = Counter(rng.choices(range(len(ids)), weights=weights, k=dots))
            self.session.commit("votes.add", [Vote(idea_id=ids[i], rater=table, dots=count)
                                              for i, count in sorted(tally.items())])

    # -- the coaching clinic, 25-27 August ---------------------------------------------------

    def plan_scores(self) -> None:
        """Both raters score every idea on every criterion; the draws match each idea's fate."""
        from facilitator.core import funnel

        rubric = funnel.criteria(self.session)
        rng = random.Random(SCORE_SEED)
        ideas = self.scored_ideas()
        drawn = {n: draw_scores(rng, rubric, self.content["ideas"][n]["screen"],
                                self.content["ideas"][n].get("weak", []),
                                bool(self.content["ideas"][n].get("split")))
                 for n in ideas}
        for r, (rater, start) in enumerate(zip(RATERS, ("09:00", "13:00"))):
            for step, n in enumerate(ideas):
                self.on(local("2021-08-25", start) + timedelta(seconds=100 * step),
                        self._add_scores(n, rater, drawn[n][r]))

    def _add_scores(self, n: int, rater: str, values: dict[str, int]) -> Callable[[], None]:
        from facilitator.core.records import Score

        def action() -> None:
            # A rater's row of the grid for one idea, kept as one change.
            self.session.commit("scores.add", [
                Score(idea_id=self.current_id(n), criterion=key, rater=rater, value=value)
                for key, value in values.items()])
        return action

    def plan_rounds(self) -> None:
        self.on(local("2021-08-26", "09:30"), lambda: self._round(
            GATE_ROUND, {"kind": "gates"}, EXPECTED_IDEAS, EXPECTED_AFTER_GATES))
        self.on(local("2021-08-26", "10:15"), lambda: self._round(
            SCORE_ROUND, {"kind": "threshold", "threshold": THRESHOLD}, EXPECTED_AFTER_GATES,
            EXPECTED_SELECTED))

    def _round(self, name: str, rule: dict[str, Any], size: int, keep: int) -> None:
        from facilitator.core import funnel

        plan = funnel.preview(self.session, rule)
        _require(len(plan.pool) == size and len(plan.kept) == keep,
                 f"round {name!r}: {len(plan.pool)} -> {len(plan.kept)}, not {size} -> {keep}")
        funnel.apply_round(self.session, name, plan)

    def plan_plans(self) -> None:
        """Drafted at the clinic; design text, results and finished steps added on 1 November."""
        for n, plan in enumerate(self.content["plans"]):
            self.on(local("2021-08-26", "13:00") + timedelta(minutes=25 * n),
                    self._add_plan(plan))
            self.on(local("2021-11-01", "10:00") + timedelta(minutes=15 * n),
                    self._update_plan(plan))

    def _add_plan(self, plan: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core.records import PROFILE_FIELDS, ActionPlan

        _require(set(plan["profile"]) <= set(PROFILE_FIELDS), f"profile of {plan['idea']}")
        _require(3 <= len(plan["steps"]) <= 5, f"steps of {plan['idea']}")
        draft = {k: v for k, v in plan["profile"].items() if k not in ("rancang_bangun", "hasil")}
        steps = [{k: v for k, v in step.items() if k != "done"} for step in plan["steps"]]

        def action() -> None:
            idea_id = self.current_id(self.idea_keys[plan["idea"]])
            _require(idea_id in self.session.selected_ids(), f"plan for {plan['idea']}")
            self.session.add(ActionPlan(idea_id=idea_id, problem=plan["problem"],
                                        objective=plan["objective"], profile=draft, steps=steps))
        return action

    def _update_plan(self, plan: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core.records import ActionPlan

        def action() -> None:
            idea_id = self.current_id(self.idea_keys[plan["idea"]])
            record = next(p for p in self.session.all(ActionPlan) if p.idea_id == idea_id)
            profile = dict(plan["profile"])
            steps = [dict(step) for step in plan["steps"]]
            if profile != record.profile or steps != record.steps:
                self.session.edit(record, profile=profile, steps=steps)
        return action

    # -- the launch, 4 November ----------------------------------------------------------------

    def plan_commitments(self) -> None:
        launch = self.content["launch"]
        for n, item in enumerate(self.content["commitments"]):
            self.on(local(launch["date"], "07:30") + timedelta(minutes=2 * n),
                    self._add_commitment(item))
        signed = [n for n, item in enumerate(self.content["commitments"])
                  if item["sign"] != "none"]
        for order, n in enumerate(signed):
            self.on(local(launch["date"], "09:00") + timedelta(minutes=3 * order),
                    self._seal(n, self.content["commitments"][n]))

    def _add_commitment(self, item: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core.records import Commitment, Idea, Participant, Unit

        content = self.content

        def action() -> None:
            idea = self.session.get(Idea, self.current_id(self.idea_keys[item["idea"]]))
            _require(idea.id in self.session.selected_ids(), f"commitment for {item['idea']}")
            unit = self.session.get(Unit, idea.unit_id)
            person = self.session.get(Participant, self.person_ids[item["official"]])
            _require(person.unit_id == unit.id, f"unit of {item['official']}")
            text = self.template.commitment_text["id"].format(
                official=person.name, jabatan=item["jabatan"], unit=unit.name,
                innovation=idea.title, region=content["lab"]["region"],
                head=content["head_title"])
            record = self.session.add(Commitment(
                kind="innovation", idea_id=idea.id, unit_id=unit.id,
                official={"name": person.name, "jabatan": item["jabatan"], "nip": person.nip,
                          "unit": unit.name},
                head=dict(content["head"]), witness=dict(content["witness"]),
                place=content["launch"]["place"], date=content["launch"]["date"], lang="id",
                text=text))
            self.commitment_ids.append(record.id)
        return action

    def _seal(self, n: int, item: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core import seal
        from facilitator.core.records import Commitment

        def action() -> None:
            record = self.session.get(Commitment, self.commitment_ids[n])
            if item["sign"] == "typed":
                seal.seal(self.session, record, signed_how="typed",
                          typed_name=record.official["name"])
            else:
                seal.seal(self.session, record, signed_how="paper", sheet_no=item["sheet_no"])
        return action


    # -- the coaching clinic after the launch --------------------------------------------------

    def plan_clinic(self) -> None:
        """After the launch (so that no seal changes): the steps' states, then the notes."""
        clinic = self.content["clinic"]
        for n, step in enumerate(clinic["steps"]):
            self.on(local(clinic["date"], "09:00") + timedelta(minutes=4 * n),
                    self._record_step(step))
        for n, note in enumerate(clinic["notes"]):
            self.on(local(clinic["date"], "10:30") + timedelta(minutes=12 * n),
                    self._add_progress(clinic["date"], note))

    def _plan_of(self, key: str) -> Any:
        from facilitator.core.records import ActionPlan

        idea_id = self.current_id(self.idea_keys[key])
        return next(p for p in self.session.all(ActionPlan) if p.idea_id == idea_id)

    def _record_step(self, item: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core import milestones, plans

        def action() -> None:
            plan = self._plan_of(item["idea"])
            _require(0 <= item["step"] < len(plan.steps), f"clinic step of {item['idea']}")
            if "done_on" in item:
                plans.set_step_done(self.session, plan, item["step"], True, item["done_on"])
            else:
                _require(item["status"] in milestones.STATUSES, f"status {item['status']!r}")
                plans.update_step(self.session, plan, item["step"], {"status": item["status"]})
        return action

    def _add_progress(self, day: str, note: dict[str, Any]) -> Callable[[], None]:
        from facilitator.core import followup

        def action() -> None:
            followup.add_note(self.session, self._plan_of(note["idea"]), day=day,
                              text=note["text"], step=note.get("step", -1))
        return action


def draw_scores(rng: random.Random, rubric: list[Criterion], fate: str, weak: list[str],
                split: bool = False) -> list[dict[str, int]]:
    """One idea's scores from each rater: ``[{criterion: value}, ...]`` in :data:`RATERS` order.

    ``fate`` is how the idea must fare: ``keep`` (weighted score at least the threshold), ``low``
    (below it), or the key of the gate it fails (both raters say no). The scored criteria are
    drawn around a level that suits the fate, lower on the ``weak`` criteria, and drawn again
    until the weighted mean of the two raters lands on the right side of the threshold. A
    ``split`` idea's raters disagree widely; the others' do not.
    """
    from facilitator.core import funnel

    gates = [c for c in rubric if c.gate]
    scored = [c for c in rubric if not c.gate]
    _require(fate in ("keep", "low") or fate in {c.key for c in gates}, f"fate {fate!r}")
    # A split idea: the first rater rates it well above the second (the funnel flags that).
    offsets = [SPLIT / 2, -SPLIT / 2] if split else [0.0] * len(RATERS)
    wide = float(getattr(funnel, "DISAGREEMENT", 1.5))
    while True:
        level = {"keep": rng.uniform(3.0, 4.5), "low": rng.uniform(2.4, 3.2)}.get(
            fate, rng.uniform(2.3, 3.9))
        values = [{c.key: min(5, max(1, round(level + offset + rng.uniform(-0.9, 0.9)
                                              - (1.0 if c.key in weak else 0.0))))
                   for c in scored} for offset in offsets]
        means = {c.key: sum(v[c.key] for v in values) / len(values) for c in scored}
        score = funnel.weighted_score(means, rubric)
        each = [funnel.weighted_score(v, rubric) or 0.0 for v in values]
        if fate in ("keep", "low") and (score is None
                                        or (score >= THRESHOLD) != (fate == "keep")):
            continue
        if (max(each) - min(each) >= wide) == split:
            break
    for gate in gates:
        if fate == gate.key:
            verdicts = [0] * len(RATERS)
        else:
            verdicts = [1] * len(RATERS)
            # Now and then one rater doubts a gate; a split vote still passes it.
            if rng.random() < 0.06:
                verdicts[rng.randrange(len(RATERS))] = 0
        for values_of_rater, verdict in zip(values, verdicts):
            values_of_rater[gate.key] = verdict
    return values


def _require(condition: bool, what: str) -> None:
    """Stop the build when the demo content does not fit (a developer's error, not a user's)."""
    if not condition:
        raise ValueError(f"demo content: {what}")


def main(argv: list[str] | None = None) -> int:
    """``python -m facilitator.demo [OUT]``: (re)build the demo session file.

    Without OUT, replaces the shipped ``facilitator/data/demo.json`` in the source tree.
    """
    args = sys.argv[1:] if argv is None else argv
    shipped = Path(__file__).resolve().parent / "data" / "demo.json"
    target = Path(args[0]).resolve() if args else shipped
    if target != shipped:
        build_demo(target)
    else:
        fresh = sidecar(shipped, ".new")
        fresh.unlink(missing_ok=True)
        build_demo(fresh)
        os.replace(fresh, shipped)
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
