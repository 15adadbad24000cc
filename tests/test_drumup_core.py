"""Drum-Up's core, without a terminal: the run-sheet's timer on a fixed clock, the check-in
search, the opening commitment, and units read from YAML."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from facilitator.core import checkin, runsheet
from facilitator.core.errors import FacilitatorError
from facilitator.core.importer import apply_import, plan_import
from facilitator.core.records import AgendaItem, Commitment, Participant, Unit
from facilitator.core.session import Session
from facilitator.core.template import load_default_template

WIT = timezone(timedelta(hours=9))
DAY = "2021-06-17"


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, hhmm: str = "08:00") -> None:
        hours, minutes = (int(x) for x in hhmm.split(":"))
        self.now = datetime(2021, 6, 17, hours, minutes, tzinfo=WIT)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def session(tmp_path):
    s = Session.create(tmp_path / "lab.json", region="Kabupaten Sorong", date=DAY)
    yield s
    s.close()


def items(session) -> list[AgendaItem]:
    return runsheet.ordered(session.all(AgendaItem))


# -- the run-sheet ---------------------------------------------------------------------------------

def test_a_new_session_has_the_templates_run_sheet_for_its_first_day(session):
    sheet = items(session)
    template = load_default_template()
    assert len(sheet) == sum(len(s.activities) for s in template.stages)
    assert sheet[0].planned_start == "08:00" and sheet[0].minutes == 30
    # Back to back: each item starts when the one before it ends.
    for before, after in zip(sheet, sheet[1:]):
        assert runsheet.end_of(before) == after.planned_start
    assert all(runsheet.state(a) == runsheet.PLANNED for a in sheet)


def test_start_counts_down_pause_stops_the_clock_and_extend_adds_time(session):
    clock = Clock("08:02")
    sheet = runsheet.RunSheet(session, clock)
    first = items(session)[0]
    sheet.start(first)
    on = sheet.current()
    assert on.id == first.id and on.actual_start == "08:02"
    assert runsheet.remaining_seconds(on, clock()) == 30 * 60

    clock.advance(minutes=10)
    assert runsheet.remaining_seconds(sheet.current(), clock()) == 20 * 60
    sheet.toggle_pause()
    clock.advance(minutes=7)  # the Bupati is late: the clock does not run
    paused = sheet.current()
    assert runsheet.state(paused) == runsheet.PAUSED
    assert runsheet.remaining_seconds(paused, clock()) == 20 * 60
    sheet.toggle_pause()
    clock.advance(minutes=5)
    assert runsheet.remaining_seconds(sheet.current(), clock()) == 15 * 60

    sheet.extend()
    extended = sheet.current()
    assert extended.minutes == 30 and extended.extra_minutes == runsheet.EXTEND_MINUTES
    assert runsheet.remaining_seconds(extended, clock()) == 20 * 60


def test_past_zero_the_countdown_goes_negative_and_reads_as_overrun(session):
    clock = Clock("08:00")
    sheet = runsheet.RunSheet(session, clock)
    sheet.start(items(session)[0])
    before = runsheet.remaining_seconds(sheet.current(), clock())
    clock.advance(minutes=30, seconds=45)
    after = runsheet.remaining_seconds(sheet.current(), clock())
    assert runsheet.crossed_zero(before, after)
    assert not runsheet.crossed_zero(after, after - 1)
    assert runsheet.countdown_text(after) == "-00:45"
    assert runsheet.countdown_text(29 * 60 + 59.2) == "30:00"
    assert runsheet.countdown_text(3725) == "1:02:05"


def test_next_ends_the_item_on_now_and_starts_the_following_one(session):
    clock = Clock("08:00")
    sheet = runsheet.RunSheet(session, clock)
    first, second, third = items(session)[:3]
    sheet.next(DAY)  # nothing on: the day's first planned item starts
    assert sheet.current().id == first.id
    clock.advance(minutes=33)
    sheet.next(DAY)
    done = session.get(AgendaItem, first.id)
    assert (done.actual_start, done.actual_end) == ("08:00", "08:33")
    assert runsheet.state(done) == runsheet.DONE
    assert sheet.current().id == second.id and sheet.current().actual_start == "08:33"
    # Starting another item by hand ends the one on now.
    clock.advance(minutes=2)
    sheet.start(session.get(AgendaItem, items(session)[5].id))
    assert session.get(AgendaItem, second.id).actual_end == "08:35"
    assert runsheet.following(items(session), sheet.current()).id == items(session)[6].id
    assert runsheet.state(session.get(AgendaItem, third.id)) == runsheet.PLANNED


def test_a_paused_item_ends_with_its_pause_counted(session):
    clock = Clock("09:00")
    sheet = runsheet.RunSheet(session, clock)
    item = items(session)[0]
    sheet.start(item)
    clock.advance(minutes=5)
    sheet.toggle_pause()
    clock.advance(minutes=4)
    ended = sheet.finish()
    assert ended.actual_end == "09:09" and ended.paused_seconds == 240 and not ended.paused_at
    assert sheet.current() is None


def test_the_timer_survives_a_restart_because_its_state_is_on_the_record(tmp_path):
    path = tmp_path / "lab.json"
    clock = Clock("10:00")
    first = Session.create(path, region="Kota Sorong", date=DAY)
    runsheet.RunSheet(first, clock).start(items(first)[2])
    first.close()
    clock.advance(minutes=12)
    again = Session.open(path)
    try:
        on = runsheet.RunSheet(again, clock).current()
        assert on is not None
        assert runsheet.remaining_seconds(on, clock()) == (on.minutes - 12) * 60
    finally:
        again.close()


def test_a_timer_move_is_one_change_that_undo_takes_back(session):
    clock = Clock("08:00")
    sheet = runsheet.RunSheet(session, clock)
    sheet.next(DAY)
    clock.advance(minutes=30)
    sheet.next(DAY)
    session.undo()
    assert sheet.current().id == items(session)[0].id
    assert session.get(AgendaItem, items(session)[1].id).actual_start == ""


def test_a_day_is_filled_from_the_template_after_what_it_has(session):
    template = load_default_template()
    made = runsheet.template_day(template, "2021-06-18", "en", session.new_id, items(session))
    assert made[0].planned_start == "08:00" and made[0].title == "Registration and opening"
    assert [a.order for a in made] == list(range(len(made)))
    more = runsheet.template_day(template, DAY, "id", session.new_id, items(session))
    last = items(session)[-1]
    assert more[0].planned_start == runsheet.end_of(last)
    assert more[0].order == last.order + 1


def test_hhmm_accepts_what_a_coach_types_and_refuses_nonsense():
    assert runsheet.parse_hhmm("8:05") == 8 * 60 + 5
    assert runsheet.parse_hhmm("08.30") == 8 * 60 + 30
    for bad in ("", "24:00", "7", "ab:cd", "12:60"):
        assert runsheet.parse_hhmm(bad) is None


# -- the check-in ----------------------------------------------------------------------------------

NAMES = ["Johnny Kamuru", "Yohana Kambu", "Budi Santoso", "Budiman Siregar", "Sri Wahyuni",
         "Agustina Wanma", "Nurhayati Latuconsina", "Ayu Budiarti"]


@pytest.fixture
def people(session):
    health = session.add(Unit(name="Dinas Kesehatan", short="Dinkes"))
    for n, name in enumerate(NAMES):
        session.add(Participant(name=name, jabatan="Kepala Dinas" if n == 4 else "Staf",
                                unit_id=health.id if n == 4 else "", nip=f"19800101200501{n:04d}"))
    return session


def names_for(session, query: str) -> list[str]:
    found = checkin.search(checkin.entries(session), query)
    return [session.get(Participant, pid).name for pid in found]


def test_a_few_letters_put_the_person_meant_first(people):
    assert names_for(people, "joh")[0] == "Johnny Kamuru"
    # A name starting with the letters before one that only contains them.
    assert names_for(people, "bud")[:2] == ["Budi Santoso", "Budiman Siregar"]
    assert "Ayu Budiarti" in names_for(people, "bud")
    assert names_for(people, "budi sir") == ["Budiman Siregar"]
    assert names_for(people, "NURHAYATI") == ["Nurhayati Latuconsina"]
    # Jabatan, unit and NIP find people too; nothing found is an empty list.
    assert names_for(people, "dinkes") == ["Sri Wahyuni"]
    assert names_for(people, "2005010006") == ["Nurhayati Latuconsina"]
    assert names_for(people, "zz") == []
    assert len(names_for(people, "")) == len(NAMES)


def test_check_in_toggles_the_day_and_keeps_the_others(people):
    person = people.all(Participant)[0]
    person = checkin.toggle(people, person, "2021-06-17")
    person = checkin.toggle(people, person, "2021-06-16")
    assert person.attendance == ["2021-06-16", "2021-06-17"]
    person = checkin.toggle(people, person, "2021-06-17")
    assert people.get(Participant, person.id).attendance == ["2021-06-16"]


def test_the_check_in_day_is_today_or_the_nearest_day_of_the_lab():
    days = ["2021-06-16", "2021-06-17", "2021-06-18"]
    assert checkin.check_in_day(days, date(2021, 6, 17)) == "2021-06-17"
    assert checkin.check_in_day(days, date(2021, 6, 1)) == "2021-06-16"
    assert checkin.check_in_day(days, date(2021, 7, 1)) == "2021-06-18"
    assert checkin.check_in_day([], date(2021, 7, 1)) == "2021-07-01"


def test_the_opening_commitment_records_who_committed_once(people):
    bupati = people.add(Participant(name="Johnny Kamuru", jabatan="Bupati Sorong",
                                    role="kepala_daerah"))
    head = next(p for p in people.all(Participant) if p.name == "Sri Wahyuni")
    assert checkin.heads_committed(people) == (False, 0, 1)
    first = checkin.commit_opening(people, bupati, "2021-06-16", "Aula Kantor Bupati")
    checkin.commit_opening(people, head, "2021-06-16", "Aula Kantor Bupati")
    again = checkin.commit_opening(people, bupati, "2021-06-16", "Aula Kantor Bupati")
    assert again.id == first.id
    assert checkin.heads_committed(people) == (True, 1, 1)
    opening = checkin.opening_commitments(people)
    assert {c.kind for c in opening} == {checkin.OPENING}
    assert {c.official["name"] for c in opening} == {"Johnny Kamuru", "Sri Wahyuni"}
    assert opening[1].official["unit"] == "Dinas Kesehatan" and not opening[1].sealed_at
    assert len(people.all(Commitment)) == 2


# -- units from YAML ------------------------------------------------------------------------------

def test_units_import_from_yaml_in_either_shape(session, tmp_path):
    path = tmp_path / "opd.yaml"
    path.write_text("opd:\n"
                    "  - {nama: Dinas Kesehatan, singkatan: Dinkes, jenis: dinas}\n"
                    "  - nama: Distrik Aimas\n"
                    "    jenis: Kecamatan / Distrik\n"
                    "  - {nama: '[bold]RSUD[/bold] Sele be Solu', singkatan: RSUD}\n"
                    "  - {singkatan: X}\n", encoding="utf-8")
    plan = plan_import(session, path, "units")
    assert plan.added == 3 and [(i.row, i.code) for i in plan.skipped] == [(5, "no_name")]
    apply_import(session, plan)
    units = {u.name: u for u in session.all(Unit)}
    assert units["Dinas Kesehatan"].short == "Dinkes"
    assert units["Distrik Aimas"].kind == "kecamatan"
    assert units["[bold]RSUD[/bold] Sele be Solu"].kind == "rsud"

    names = tmp_path / "names.yml"
    names.write_text("- Badan Pendapatan Daerah\n- Puskesmas Aimas\n", encoding="utf-8-sig")
    apply_import(session, plan_import(session, names, "units"))
    assert {u.kind for u in session.all(Unit) if u.name in ("Badan Pendapatan Daerah",
                                                           "Puskesmas Aimas")} == {"badan",
                                                                                   "puskesmas"}


@pytest.mark.parametrize("text", [
    "a: &x [1, 2]\nb: *x\n",          # aliases are refused outright
    "just a sentence\n",              # no list
    "- [unclosed\n",                  # not YAML
    "!!python/object:os.system x\n",  # no objects
])
def test_a_yaml_file_that_is_no_list_is_refused_with_a_message(session, tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FacilitatorError) as caught:
        plan_import(session, path, "units")
    assert caught.value.code == "import_format"


def test_a_role_written_in_a_spreadsheet_is_read_as_the_role_it_names():
    assert checkin.role_key("Kepala Daerah") == "kepala_daerah"
    assert checkin.role_key("kepala_opd") == "kepala_opd"
    assert checkin.role_key(" Notulis ") == "notulis"
    assert checkin.role_key("Head of unit") == "kepala_opd"
    assert checkin.role_key("Tamu undangan") == "Tamu undangan"  # kept as typed
