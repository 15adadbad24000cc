"""A lab day in random order: whatever the coach does, the session stays whole.

Hypothesis plays a coach who captures, edits, deletes, undoes, merges and unmerges ideas, runs
screening rounds, scores, writes plans, signs and seals commitments and closes the laptop, in any
order. Beside the real session the test keeps its own small model of what should be there (which
ideas are in the session now, who attended, what each round kept). After every step:

* the counts the app reports (``stats``) are the model's;
* every round decided each idea of its pool exactly once, each with a reason that reads in both
  languages;
* every sealed commitment verifies and refuses any change;
* the file on disk (with its journal) holds exactly what the session holds in memory;
* and closing then opening the session gives back the same records.
"""

from __future__ import annotations

import copy
import itertools
import json
import shutil
import tempfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, precondition, rule,
)

from facilitator import i18n
from facilitator.core import funnel
from facilitator.core.errors import RuleError
from facilitator.core.records import (
    RECORD_TYPES, ActionPlan, Commitment, Idea, Note, Participant, Problem, Score, Unit, Vote,
)
from facilitator.core.seal import seal, verify
from facilitator.core.session import Session
from facilitator.core.stats import stats
from facilitator.store import in_use, peek

ACTOR = "coach@laptop-1"
DAY = "2021-03-15"

# What people type: plain words, Rich markup, emoji, right-to-left text, control characters.
_words = st.sampled_from([
    "Sistem antrean daring", "Layanan KTP keliling", "[bold]Posyandu[/bold] digital",
    "[link=http://x]klik[/link]", "😀 Puskesmas ramah", "مرحبا بالعالم", "tab\there",
    "Dinas\x1b[31m Kesehatan", "a" * 300, "  spasi   ganda  ",
])
_text = st.one_of(_words, st.text(min_size=1, max_size=40))
_names = st.sampled_from(["Drs. Yohanes Malak", "dr. Siti Aminah, M.Kes", "[b]Budi[/b] Santoso",
                          "Ni Luh Putu Ayu", "Ahmad  Fauzi"])
_pick = st.integers(min_value=0, max_value=10_000)


def _docs(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """Every record of the session as documents, deleted ones and the audit log included."""
    return {table: {rid: rec.to_doc() for rid, rec in recs.items()}
            for table, recs in session.records.items() if recs}


class Model:
    """What the session should hold, kept by the test alone."""

    def __init__(self) -> None:
        # idea id -> {"deleted", "status", "merged_from"}
        self.ideas: dict[str, dict[str, Any]] = {}
        self.units: dict[str, bool] = {}  # id -> deleted
        self.participants: dict[str, dict[str, bool]] = {}  # id -> {"deleted", "attended"}
        self.problems: dict[str, bool] = {}
        self.plans: dict[str, bool] = {}
        self.notes: dict[str, bool] = {}
        self.commitments: dict[str, dict[str, Any]] = {}  # id -> {"sealed", "name"}
        self.rounds: list[dict[str, Any]] = []  # {"id", "name", "pool", "kept"}

    def active_ideas(self) -> list[str]:
        return [rid for rid, i in self.ideas.items()
                if not i["deleted"] and i["status"] == "active"]

    def live(self, table: dict[str, Any]) -> list[str]:
        return [rid for rid, deleted in table.items() if not deleted]

    def originals(self, rid: str) -> set[str]:
        found: set[str] = set()
        todo = list(self.ideas[rid]["merged_from"])
        while todo:
            other = todo.pop()
            if other not in found:
                found.add(other)
                todo.extend(self.ideas.get(other, {"merged_from": []})["merged_from"])
        return found

    def pool(self) -> set[str]:
        """The ideas the next round screens: the last round's survivors (or an idea merged from
        them), or every idea in the session before the first round."""
        active = self.active_ideas()
        if not self.rounds:
            return set(active)
        kept = set(self.rounds[-1]["kept"])
        return {rid for rid in active if rid in kept or kept & self.originals(rid)}

    def stats(self) -> dict[str, Any]:
        sealed = any(c["sealed"] for c in self.commitments.values())
        plans = len(self.live(self.plans))
        ideas = len(self.active_ideas())
        problems = len(self.live(self.problems))
        stage = ("deliver" if sealed else "design" if self.rounds or plans
                 else "diagnose" if ideas or problems else "drumup")
        people = [p for p in self.participants.values() if not p["deleted"]]
        return {
            "region": "Kabupaten Sorong", "date": DAY, "stage": stage, "ideas": ideas,
            "opds": len(self.live(self.units)), "participants": len(people),
            "attended": sum(1 for p in people if p["attended"]), "problems": problems,
            "funnel": [{"name": r["name"], "in": len(r["pool"]), "out": len(r["kept"])}
                       for r in self.rounds],
            "selected": len(self.rounds[-1]["kept"]) if self.rounds else 0,
            "plans": plans, "commitments": sum(1 for c in self.commitments.values()
                                               if c["sealed"]),
            "notes": len(self.live(self.notes)),
        }


FIGURES: Counter = Counter()
"""What the random lab days did, for the README's reliability section (printed under -s)."""


class LabDay(RuleBasedStateMachine):
    """One session file, and a coach who may do anything the core allows, in any order."""

    def __init__(self) -> None:
        super().__init__()
        FIGURES["lab days"] += 1
        self.folder = Path(tempfile.mkdtemp(prefix="facilitator-stateful-"))
        self.path = self.folder / "sorong.json"
        # Ids and times from counters, not from chance and the wall clock: Hypothesis replays a
        # failing run step by step, and a rule's precondition must see the same session then
        # (random ids once changed which idea an index picked, and the replay was refused).
        self._ids = itertools.count(1)
        self._ticks = itertools.count(1)
        self.session = Session.create(self.path, region="Kabupaten Sorong", date=DAY,
                                      **self._fixed())
        self.model = Model()
        # One entry per change undo can take back: its kind and the model before it.
        self.history: list[tuple[str, Model]] = []
        self.rounds_made = 0

    def _fixed(self) -> dict[str, Any]:
        """The session's actor, id factory and clock, the same on every replay."""
        start = datetime(2021, 6, 16, tzinfo=timezone.utc)
        return {
            "actor": ACTOR,
            "make_id": lambda prefix: f"{prefix}-{next(self._ids):016x}",
            "clock": lambda: (start + timedelta(milliseconds=next(self._ticks))).isoformat(
                timespec="microseconds"),
        }

    def teardown(self) -> None:
        for entry in self.session.records["audit"].values():
            FIGURES["changes"] += 1
            FIGURES["undos" if entry.undoes else entry.action.split(".")[0]] += 1
        try:
            self.session.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -----------------------------------------------------------------------------

    def _change(self, kind: str = "change") -> None:
        """Remember the model as it is before a change, for undo."""
        self.history.append((kind, copy.deepcopy(self.model)))

    def _record(self, cls, rid):
        record = self.session.get(cls, rid)
        assert record is not None, (cls.TABLE, rid)
        return record

    @staticmethod
    def _choose(ids: list[str], index: int) -> str:
        return sorted(ids)[index % len(ids)]

    # -- the morning: units, people and a first batch of ideas ---------------------------------

    @initialize(units=st.integers(1, 4), titles=st.lists(_text, min_size=3, max_size=10),
                people=st.lists(st.booleans(), max_size=5),
                values=st.lists(st.integers(1, 5), min_size=10, max_size=10))
    def morning(self, units, titles, people, values):
        made = [Unit(name=f"Dinas {n}") for n in range(units)]
        self._change()
        self.session.commit("units.bulk", made)
        for unit in made:
            self.model.units[unit.id] = False
        ideas = [Idea(title=title, unit_id=made[n % units].id) for n, title in enumerate(titles)]
        self._change()
        self.session.commit("ideas.bulk", ideas)
        for idea in ideas:
            self.model.ideas[idea.id] = {"deleted": False, "status": "active", "merged_from": []}
        if people:
            persons = [Participant(name=f"Peserta {n}", attendance=[DAY] if came else [])
                       for n, came in enumerate(people)]
            self._change()
            self.session.commit("participants.bulk", persons)
            for person, came in zip(persons, people):
                self.model.participants[person.id] = {"deleted": False, "attended": came}
        # A first scoring by one jury, so that the score rules have something to cut.
        scores = [Score(idea_id=idea.id, criterion=crit.key, rater="juri-1",
                        value=1 if crit.gate else values[n % 10])
                  for n, idea in enumerate(ideas) for crit in funnel.criteria(self.session)]
        self._change()
        self.session.commit("scores.bulk", scores)

    # -- drum-up and diagnose ----------------------------------------------------------------

    @rule(table=st.sampled_from(["units", "participants", "problems", "notes"]), text=_text,
          flag=st.booleans(), usg=st.tuples(*[st.integers(0, 5)] * 3))
    def drum_up(self, table, text, flag, usg):
        """A unit, a participant checking in (or not yet), a problem with its USG, a note."""
        self._change()
        if table == "units":
            self.model.units[self.session.add(Unit(name=text)).id] = False
        elif table == "participants":
            person = self.session.add(Participant(name=text, attendance=[DAY] if flag else []))
            self.model.participants[person.id] = {"deleted": False, "attended": flag}
        elif table == "problems":
            problem = self.session.add(Problem(statement=text, urgency=usg[0],
                                               seriousness=usg[1], growth=usg[2]))
            self.model.problems[problem.id] = False
        else:
            self.model.notes[self.session.add(Note(text=text, speaker="Bupati")).id] = False

    @precondition(lambda self: self.model.live(self.model.participants))
    @rule(index=_pick)
    def toggle_attendance(self, index):
        rid = self._choose(self.model.live(self.model.participants), index)
        person = self._record(Participant, rid)
        self._change()
        self.session.edit(person, attendance=[] if person.attendance else [DAY])
        self.model.participants[rid]["attended"] = not person.attendance

    @rule(titles=st.lists(_text, min_size=1, max_size=3), index=_pick)
    def capture(self, titles, index):
        units = self.model.live(self.model.units)
        unit_id = self._choose(units, index) if units else ""
        ideas = [Idea(title=title, unit_id=unit_id) for title in titles]
        self._change()
        self.session.commit("ideas.add", ideas)
        for idea in ideas:
            self.model.ideas[idea.id] = {"deleted": False, "status": "active", "merged_from": []}

    @precondition(lambda self: any(not i["deleted"] for i in self.model.ideas.values()))
    @rule(index=_pick, title=_text)
    def edit_idea(self, index, title):
        rid = self._choose([r for r, i in self.model.ideas.items() if not i["deleted"]], index)
        self._change()
        edited = self.session.edit(self._record(Idea, rid), title=title)
        assert self.session.get(Idea, rid).title == edited.title == title

    @rule(table=st.sampled_from(["ideas", "units", "participants", "problems", "plans", "notes"]),
          index=_pick)
    def delete(self, table, index):
        cls = RECORD_TYPES[table]
        live = ([r for r, i in self.model.ideas.items() if not i["deleted"]] if table == "ideas"
                else [r for r, p in self.model.participants.items() if not p["deleted"]]
                if table == "participants" else self.model.live(getattr(self.model, table)))
        if not live:
            return
        rid = self._choose(live, index)
        self._change()
        self.session.delete(self._record(cls, rid))
        if table == "ideas":
            self.model.ideas[rid]["deleted"] = True
        elif table == "participants":
            self.model.participants[rid]["deleted"] = True
        else:
            getattr(self.model, table)[rid] = True

    # -- design: merges, scores, rounds, plans -----------------------------------------------

    @precondition(lambda self: len(self.model.active_ideas()) >= 2)
    @rule(picks=st.lists(_pick, min_size=2, max_size=4), title=_text)
    def merge(self, picks, title):
        active = sorted(self.model.active_ideas())
        ids = list(dict.fromkeys(active[p % len(active)] for p in picks))
        if len(ids) < 2:
            with pytest.raises(RuleError):
                funnel.merge_ideas(self.session, ids, title=title)
            return
        from facilitator.core.text import clean

        if not clean(title):
            with pytest.raises(RuleError):
                funnel.merge_ideas(self.session, ids, title=title)
            return
        self._change()
        merged = funnel.merge_ideas(self.session, ids, title=title)
        self.model.ideas[merged.id] = {"deleted": False, "status": "active", "merged_from": ids}
        for rid in ids:
            self.model.ideas[rid]["status"] = "merged"

    @rule(index=_pick)
    def unmerge(self, index):
        made = [r for r, i in self.model.ideas.items() if i["merged_from"] and not i["deleted"]]
        if not made:
            plain = [r for r, i in self.model.ideas.items() if not i["merged_from"]]
            if plain:
                with pytest.raises(RuleError):
                    funnel.unmerge_idea(self.session, self._choose(plain, index))
            return
        rid = self._choose(made, index)
        self._change()
        funnel.unmerge_idea(self.session, rid)
        self.model.ideas[rid]["deleted"] = True
        for original in self.model.ideas[rid]["merged_from"]:
            self.model.ideas[original]["status"] = "active"

    @precondition(lambda self: self.model.active_ideas())
    @rule(index=_pick, rater=st.sampled_from(["juri-1", "juri-2"]),
          values=st.lists(st.integers(1, 5), min_size=8, max_size=8),
          gate_fail=st.booleans(), dots=st.integers(0, 5))
    def score(self, index, rater, values, gate_fail, dots):
        """One rater scores one idea on every criterion, and gives it some dots."""
        rid = self._choose(self.model.active_ideas(), index)
        records: list[Any] = [Vote(idea_id=rid, rater=rater, dots=dots)]
        for n, crit in enumerate(funnel.criteria(self.session)):
            value = (0 if gate_fail else 1) if crit.gate else min(values[n % 8], crit.scale_max)
            records.append(Score(idea_id=rid, criterion=crit.key, rater=rater, value=value))
        self._change()
        self.session.commit("scores.add", records)

    @rule(kind=st.sampled_from(funnel.RULES), n=st.integers(1, 6),
          threshold=st.sampled_from([2.0, 3.0, 3.5, 4.0]), keep=st.lists(_pick, max_size=4),
          override=st.one_of(st.none(), _pick))
    def run_round(self, kind, n, threshold, keep, override):
        expected_pool = self.model.pool()
        pool_ids = sorted(expected_pool)
        rule_: dict[str, Any] = {"kind": kind}
        if kind in ("top_score", "top_votes"):
            rule_["n"] = n
        elif kind == "threshold":
            rule_["threshold"] = threshold
        elif kind == "pick":
            rule_["keep"] = [pool_ids[k % len(pool_ids)] for k in keep] if pool_ids else []
        plan = funnel.preview(self.session, rule_)
        assert set(plan.pool) == expected_pool
        tie_keep = None
        if plan.ties:
            with pytest.raises(RuleError):  # a tie at the cut is never settled silently
                funnel.apply_round(self.session, "x", plan)
            sure = sum(1 for d in plan.decisions if d["kept"] and d["idea"] not in plan.ties)
            tie_keep = plan.ties[:n - sure]
        overrides = None
        if override is not None and pool_ids:
            target = pool_ids[override % len(pool_ids)]
            was = next(d["kept"] for d in plan.decisions if d["idea"] == target)
            overrides = {target: (not was, "Keputusan fasilitator: [b]alasan[/b]")}
        self.rounds_made += 1
        name = f"Babak {self.rounds_made}"
        self._change()
        made = funnel.apply_round(self.session, name, plan, overrides=overrides,
                                  tie_keep=tie_keep)
        if kind in ("top_score", "top_votes") and overrides is None:
            assert len(made.kept) == min(n, len(made.pool))
        if kind == "pick" and overrides is None:
            assert set(made.kept) == set(rule_["keep"]) & expected_pool
        self.model.rounds.append({"id": made.id, "name": name, "pool": list(made.pool),
                                  "kept": list(made.kept)})

    @rule(index=_pick, objective=_text)
    def write_plan(self, index, objective):
        selected = self.session.selected_ids()
        ideas = selected or self.model.active_ideas()
        if not ideas:
            return
        rid = self._choose(ideas, index)
        self._change()
        plan = self.session.add(ActionPlan(idea_id=rid, objective=objective, steps=[
            {"activity": "Sosialisasi", "pic": "Dinkes", "start": "2021-04-01",
             "end": "2021-04-30", "output": "SK", "budget": 5_000_000}]))
        self.model.plans[plan.id] = False

    @precondition(lambda self: self.model.live(self.model.plans))
    @rule(index=_pick, objective=_text, steps=st.integers(0, 3))
    def edit_plan(self, index, objective, steps):
        rid = self._choose(self.model.live(self.model.plans), index)
        self._change()
        self.session.edit(self._record(ActionPlan, rid), objective=objective, steps=[
            {"activity": f"Langkah {n}", "budget": n * 1000} for n in range(steps)])

    # -- deliver: commitments and seals ------------------------------------------------------

    @rule(name=_names)
    def draft_commitment(self, name):
        self._change()
        commitment = self.session.add(Commitment(
            official={"name": name, "jabatan": "Kepala Dinas"}, place="Aimas", date=DAY,
            text="Kami berkomitmen melaksanakan inovasi ini."))
        self.model.commitments[commitment.id] = {"sealed": False, "name": name}

    @rule(index=_pick, typed=st.booleans())
    def seal_commitment(self, index, typed):
        drafts = [r for r, c in self.model.commitments.items() if not c["sealed"]]
        if not drafts:
            return
        rid = self._choose(drafts, index)
        commitment = self._record(Commitment, rid)
        if commitment.deleted:
            return
        name = self.model.commitments[rid]["name"]
        with pytest.raises(RuleError):  # a signature that does not match is refused
            seal(self.session, commitment, signed_how="typed", typed_name=name + " X")
        self._change("seal")
        if typed:
            seal(self.session, commitment, signed_how="typed", typed_name=f"  {name.upper()} ")
        else:
            seal(self.session, commitment, signed_how="paper", sheet_no=" 12 ")
        self.model.commitments[rid]["sealed"] = True

    # -- undo and the laptop's lid -----------------------------------------------------------

    @rule()
    def undo(self):
        if not self.history:
            assert self.session.undo() is None
            return
        kind, before = self.history[-1]
        if kind == "seal":
            with pytest.raises(RuleError):
                self.session.undo()
            return
        assert self.session.undo() is not None
        self.history.pop()
        self.model = before

    @rule()
    def close_and_reopen(self):
        before = _docs(self.session)
        self.session.close()
        assert not in_use(self.path)
        self.session = Session.open(self.path, **self._fixed())
        assert _docs(self.session) == before
        FIGURES["reopened and compared"] += 1

    # -- what must hold after every step -----------------------------------------------------

    @invariant()
    def counts_add_up(self):
        assert stats(self.session) == self.model.stats()
        FIGURES["steps checked"] += 1

    @invariant()
    def every_decision_has_a_reason(self):
        ids, ens = i18n.catalog("id"), i18n.catalog("en")
        for made in self.session.rounds():
            decided = [d["idea"] for d in made.decisions]
            assert sorted(decided) == sorted(made.pool)
            assert len(set(decided)) == len(decided)
            for decision in made.decisions:
                code = decision["reason"]["code"]
                assert f"reason.{code}" in ids and f"reason.{code}" in ens
                assert funnel.reason_text(decision["reason"], self.session).strip()

    @invariant()
    def kept_figures_are_the_figures_now(self):
        # The mean and weighted scores every round's preview reads are kept until a table they
        # read changes: after any step (an undo, a merge, a delete...), they equal a new count.
        assert funnel.mean_scores(self.session) == funnel._mean_scores(self.session)
        assert funnel.scored_pool(self.session) == funnel._scored_pool(self.session)

    @invariant()
    def seals_hold(self):
        assert verify(self.session) == []
        for sealed in self.session.sealed():
            with pytest.raises(RuleError):
                self.session.edit(sealed, place="Sorong")
            with pytest.raises(RuleError):
                self.session.delete(sealed)
            assert self.session.get(Commitment, sealed.id) == sealed

    @invariant()
    def the_disk_holds_what_the_session_shows(self):
        # The file and its journal, read as the next start would read them.
        assert peek(self.path) == self.session.store.tables


@pytest.fixture(scope="module", autouse=True)
def _figures(tmp_path_factory):
    yield
    if FIGURES:
        out = tmp_path_factory.getbasetemp() / "stateful-summary.json"
        out.write_text(json.dumps(dict(FIGURES), indent=2), "utf-8")
        print(f"\n\nRandom lab days (written to {out}):")
        print(", ".join(f"{key} {value}" for key, value in sorted(FIGURES.items())))


LabDay.TestCase.settings = settings(
    max_examples=30, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_a_lab_day_in_any_order_keeps_the_session_whole = LabDay.TestCase
