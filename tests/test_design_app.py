"""The Design stage as the coach works it: merge duplicates, score by keyboard, tally dots, run
rounds through their preview, override with a reason, settle a tie, undo, read the why-report."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from textual.widgets import Input

from facilitator import i18n
from facilitator.app import FacilitatorApp
from facilitator.app.screens.design import DesignScreen
from facilitator.app.screens.funnel_dialogs import ConfirmDialog, NameDialog
from facilitator.app.screens.funnel_preview import OverrideDialog, PreviewScreen
from facilitator.app.screens.funnel_rounds import RoundDialog
from facilitator.app.screens.funnel_rubric import CriterionDialog
from facilitator.app.screens.funnel_why import WhyScreen
from facilitator.app.screens.merge_ideas import MergeIdeasDialog, SuggestionsDialog
from facilitator.app.widgets.funnel_chart import FunnelChart
from facilitator.app.widgets.score_grid import FLAG, MEAN, ScoreGrid
from facilitator.app.widgets.tables import RecordTable
from facilitator.core import funnel
from facilitator.core.records import Criterion, Idea, Score, Unit, Vote
from facilitator.core.session import Session
from facilitator.core.stats import stats
from facilitator.demo import write_demo
from facilitator.settings import Settings

from pilot_keys import shown

SIZE = (80, 24)
MARKUP = "[bold]Ide[/bold] [link=x]y[/link]"


@pytest.fixture
def demo(tmp_path):
    session = Session.open(write_demo(tmp_path / "sorong.json"), actor="coach@test")
    yield session
    session.close()


def make_app(tmp_path: Path, session: Session, lang: str = "id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


async def open_design(pilot) -> DesignScreen:
    await pilot.press("3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DesignScreen)
    return screen


async def go_to_tab(pilot, screen: DesignScreen, tab: str) -> None:
    """Along the tabs with ] as the coach does, until ``tab`` is in front."""
    for _ in range(8):
        if screen.tab == tab:
            break
        await pilot.press("right_square_bracket")
        await pilot.pause()
    assert screen.tab == tab
    await pilot.pause()


def expected_mean(session: Session, idea_id: str) -> float | None:
    """The weighted mean worked out here from the score records: each criterion's mean over
    the raters, weighted by the rubric (gates left out)."""
    values: dict[str, dict[str, float]] = {}
    for score in session.all(Score):
        if score.idea_id == idea_id:
            values.setdefault(score.criterion, {})[score.rater] = float(score.value)
    total = weights = 0.0
    for crit in session.all(Criterion):
        if crit.gate or crit.key not in values:
            continue
        mean = sum(values[crit.key].values()) / len(values[crit.key])
        total += crit.weight * mean
        weights += crit.weight
    return round(total / weights, 2) if weights else None


def shown_number(text: str) -> float:
    return float(text.replace(",", "."))


def lab_session(path: Path, count: int, units: int = 24) -> tuple[Session, list[Idea]]:
    session = Session.create(path, region="Kabupaten Uji", actor="coach")
    unit_records = [Unit(name=f"OPD {n}") for n in range(units)]
    session.commit("units.bulk", unit_records)
    ideas = [Idea(title=f"Ide {n}", unit_id=unit_records[n % units].id) for n in range(count)]
    session.commit("ideas.bulk", ideas)
    return session, ideas


def score_everything(session: Session, values: dict[str, float], failing: set[str] = frozenset()
                     ) -> None:
    records = []
    for idea in session.ideas():
        for crit in funnel.criteria(session):
            if crit.gate:
                value = 0 if idea.id in failing and crit.key == "authority" else 1
            else:
                value = values[idea.id]
            records.append(Score(idea_id=idea.id, criterion=crit.key, rater="juri", value=value))
    session.commit("scores.bulk", records)


def app_focused(pilot):
    return pilot.app.focused


async def new_round(pilot, screen: DesignScreen, *, rule: str, value: str = "",
                    name: str = "") -> PreviewScreen:
    """n on the rounds tab, the rule chosen with the arrow keys, its number typed, Enter."""
    await go_to_tab(pilot, screen, "rounds")
    await pilot.press("n")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, RoundDialog)
    if name:
        field = dialog.query_one("#round-name", Input)
        field.value = name
    for _ in range(funnel.RULES.index(rule)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert dialog.kind == rule
    if value:
        field = dialog.query_one("#round-param", Input)
        assert app_focused(pilot) is field
        field.value = ""
        await pilot.press(*value)
    await pilot.press("enter")
    await pilot.pause()
    preview = pilot.app.screen
    assert isinstance(preview, PreviewScreen)
    return preview


# -- what the screens look like ------------------------------------------------------------------

@pytest.mark.parametrize("tab", ["scores", "funnel"])
def test_design_tab_snapshot(snap_compare, tmp_path, demo, tab):
    async def settle(pilot):
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, tab)
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, demo), terminal_size=SIZE, run_before=settle)


# -- scoring -------------------------------------------------------------------------------------

async def test_scoring_by_keyboard_records_every_score_and_shows_the_weighted_mean(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "scores")
        grid = screen.query_one(ScoreGrid)
        assert app.focused is grid
        assert grid.row_keys == [i.id for i in funnel.pool(demo)]
        # A new rater: a third jury member.
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NameDialog)
        await pilot.press(*"Juri Tamu", "enter")
        await pilot.pause()
        assert screen.score_rater == "Juri Tamu"
        assert "Juri Tamu" in screen.query_one("#score-status").text.plain

        idea = grid.row_keys[0]
        before = len(demo.all(Score))
        await pilot.press(*"54321yn")
        await pilot.pause()
        mine = {s.criterion: s.value for s in demo.all(Score)
                if s.rater == "Juri Tamu" and s.idea_id == idea}
        assert mine == {"relevance": 5, "feasibility": 4, "impact": 3, "novelty": 2,
                        "replicability": 1, "authority": 1, "no_burden": 0}
        assert len(demo.all(Score)) == before + 7
        # Each typed key is a change of its own, on disk.
        assert demo.undoable().action == "scores.add"
        assert [grid.cell_text(idea, k).plain for k in ("relevance", "impact", "authority",
                                                        "no_burden")] == ["5", "3", "✓", "✗"]
        assert shown_number(grid.cell_text(idea, MEAN).plain) == expected_mean(demo, idea)
        # The cursor went along the row and on to the next idea.
        assert (grid.cursor_row, grid.cursor_col) == (1, 0)

        # A digit off the scale is refused: nothing recorded, the cursor stays.
        await pilot.press("7")
        await pilot.pause()
        assert len(demo.all(Score)) == before + 7 and (grid.cursor_row, grid.cursor_col) == (1, 0)
        # A gate takes y/n only; a score takes no letter.
        await pilot.press("y")
        await pilot.pause()
        assert len(demo.all(Score)) == before + 7

        # Clearing a cell, then ctrl+z bringing its score back.
        await pilot.press("up", "delete")
        await pilot.pause()
        assert grid.cell_text(idea, "relevance").plain == "·"
        assert not [s for s in demo.all(Score) if s.rater == "Juri Tamu"
                    and s.criterion == "relevance"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert grid.cell_text(idea, "relevance").plain == "5"
        assert shown_number(grid.cell_text(idea, MEAN).plain) == expected_mean(demo, idea)


async def test_a_rater_far_from_the_others_is_flagged(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "scores")
        grid = screen.query_one(ScoreGrid)
        # The first idea, which both raters liked, and which the new rater scores 1 throughout.
        idea = grid.row_keys[0]
        assert grid.cell_text(idea, FLAG).plain == ""
        flagged = len(set(funnel.disagreements(demo)) & set(grid.row_keys))
        screen.choose_rater("Meja Kritis")
        await pilot.pause()
        await pilot.press(*"11111yy")
        await pilot.pause()
        assert idea in funnel.disagreements(demo)
        assert grid.cell_text(idea, FLAG).plain.startswith("⚠")
        assert f"{flagged + 1} berbeda jauh" in screen.query_one("#score-status").text.plain
        await pilot.press("up")
        await pilot.pause()
        assert "penilai berbeda jauh" in screen.query_one("#score-idea").text.plain


async def test_g_goes_to_the_next_cell_the_rater_has_not_scored(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "scores")
        grid = screen.query_one(ScoreGrid)
        target = grid.row_keys[5]
        gone = next(s for s in demo.all(Score) if s.idea_id == target
                    and s.rater == screen.score_rater and s.criterion == "impact")
        demo.delete(gone)
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert (grid.cursor_idea, grid.cursor_criterion) == (target, "impact")


# -- the rubric ----------------------------------------------------------------------------------

async def test_editing_a_weight_changes_the_means_the_grid_shows(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "rubric")
        table = screen.query_one("#criteria-table", RecordTable)
        novelty = next(c for c in demo.all(Criterion) if c.key == "novelty")
        table.move_cursor(row=table.row_keys.index(novelty.id))
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CriterionDialog)
        weight = dialog.query_one("#crit-weight", Input)
        weight.value = "0"
        dialog.submit()
        await pilot.pause()
        assert "Bobot" in shown(dialog.query_one(".dialog-error"))
        weight.value = "0,4"
        dialog.submit()
        await pilot.pause()
        assert demo.get(Criterion, novelty.id).weight == 0.4
        assert demo.undoable().action == "criteria.edit"
        await go_to_tab(pilot, screen, "scores")
        grid = screen.query_one(ScoreGrid)
        for idea in grid.row_keys[:5]:
            assert shown_number(grid.cell_text(idea, MEAN).plain) == expected_mean(demo, idea)


# -- dot votes -----------------------------------------------------------------------------------

async def test_dot_tallies_are_typed_per_table(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "votes")
        table = screen.query_one("#votes-table", RecordTable)
        screen.choose_table("Meja 5")
        await pilot.pause()
        idea = table.row_keys[0]
        before = funnel.vote_totals(demo).get(idea, 0)
        await pilot.press("1", "2")
        await pilot.pause()
        assert not [v for v in demo.all(Vote) if v.rater == "Meja 5"]  # still being typed
        await pilot.press("enter")
        await pilot.pause()
        mine = [v for v in demo.all(Vote) if v.rater == "Meja 5"]
        assert [(v.idea_id, v.dots) for v in mine] == [(idea, 12)]
        assert table.cursor_row == 1
        assert table.get_row(idea)[3].plain == str(before + 12)
        # An arrow key saves what is typed as well; + and - change a tally by one.
        await pilot.press("3", "up", "plus")
        await pilot.pause()
        assert funnel.votes_by(demo)[(table.row_keys[1], "Meja 5")].dots == 3
        assert funnel.votes_by(demo)[(idea, "Meja 5")].dots == 13
        await pilot.press("delete")
        await pilot.pause()
        assert (idea, "Meja 5") not in funnel.votes_by(demo)


# -- rounds --------------------------------------------------------------------------------------

async def test_a_round_is_previewed_overridden_with_a_reason_confirmed_and_undone(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        preview = await new_round(pilot, screen, rule="top_score", value="30",
                                  name="Tiga puluh teratas")
        table = preview.query_one("#preview-table", RecordTable)
        assert table.row_count == 41
        assert "41 ide → 30 lolos, 11 gugur" in shown(preview.query_one("#preview-summary"))
        assert len(demo.rounds()) == 2  # nothing recorded yet
        # The coach keeps one idea the rule cut, and must say why.
        cut = next(d["idea"] for d in preview.state.plan.decisions if not d["kept"])
        table.move_cursor(row=table.row_keys.index(cut))
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)  # no reason, no override
        await pilot.press(*MARKUP, "enter")
        await pilot.pause()
        assert app.screen is preview
        assert "31 lolos, 10 gugur" in shown(preview.query_one("#preview-summary"))
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DesignScreen)
        rounds = demo.rounds()
        assert [len(r.kept) for r in rounds] == [52, 41, 31]
        decision = next(d for d in rounds[-1].decisions if d["idea"] == cut)
        assert decision["kept"] and decision["reason"]["code"] == "coach"
        assert decision["reason"]["text"] == MARKUP
        assert decision["reason"]["was"]["code"] == "rank_out"
        summary = screen.query_one("#funnel-summary").text.plain
        assert "64 → 52 → 41 → 31" in summary
        # ctrl+z takes the round back.
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [len(r.kept) for r in demo.rounds()] == [52, 41]
        # "Undo round" says what it will undo, then undoes the latest round.
        await pilot.press("u")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Skor rubrik" in dialog.title_text and "52 → 41" in str(dialog.body)
        await pilot.click("#confirm-ok")
        await pilot.pause()
        assert [len(r.kept) for r in demo.rounds()] == [52]
        assert [i.id for i in funnel.pool(demo)] == demo.rounds()[0].kept
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [len(r.kept) for r in demo.rounds()] == [52, 41]


async def test_a_tie_at_the_cut_is_shown_and_settled_by_the_coach(tmp_path):
    session, ideas = lab_session(tmp_path / "tie.json", 5, units=1)
    score_everything(session, dict(zip([i.id for i in ideas], [5, 4, 3, 3, 1])))
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_design(pilot)
            preview = await new_round(pilot, screen, rule="top_score", value="3")
            tie = preview.query_one("#preview-tie")
            assert tie.display and "2 ide untuk 1 tempat" in shown(tie)
            await pilot.press("c")
            await pilot.pause()
            assert app.screen is preview and session.rounds() == []  # not settled: refused
            table = preview.query_one("#preview-table", RecordTable)
            assert table.row_keys == [ideas[2].id, ideas[3].id]  # showing the tie
            table.move_cursor(row=1)
            await pilot.press("space")
            await pilot.pause()
            await pilot.press("c")
            await pilot.pause()
            (rnd,) = session.rounds()
            assert set(rnd.kept) == {ideas[0].id, ideas[1].id, ideas[3].id}
            codes = {d["idea"]: d["reason"]["code"] for d in rnd.decisions}
            assert codes[ideas[3].id] == "tie_kept" and codes[ideas[2].id] == "tie_cut"
    finally:
        session.close()


async def test_the_coachs_own_pick_is_made_with_space(tmp_path):
    session, ideas = lab_session(tmp_path / "pick.json", 4, units=2)
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_design(pilot)
            preview = await new_round(pilot, screen, rule="pick", name="Pilihan")
            table = preview.query_one("#preview-table", RecordTable)
            await pilot.press("space", "down", "down", "space")
            await pilot.pause()
            await pilot.press("c")
            await pilot.pause()
            (rnd,) = session.rounds()
            assert rnd.kept == [table.row_keys[0], table.row_keys[2]]
            assert {d["reason"]["code"] for d in rnd.decisions} == {"picked", "not_picked"}
    finally:
        session.close()


async def test_64_proposals_become_41_in_two_rounds_run_from_the_app(tmp_path):
    session, ideas = lab_session(tmp_path / "lab.json", 64)
    rng = random.Random(64)
    values = {i.id: (2.0 + (n % 11) * 0.1 if n >= 52 else 3.0 + rng.random() * 2)
              for n, i in enumerate(ideas)}
    score_everything(session, values, failing={i.id for i in ideas[:12]})
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_design(pilot)
            await new_round(pilot, screen, rule="gates", name="Gerbang")
            await pilot.press("c")
            await pilot.pause()
            await new_round(pilot, screen, rule="threshold", value="3,0", name="Skor")
            await pilot.press("c")
            await pilot.pause()
            assert stats(session)["funnel"] == [{"name": "Gerbang", "in": 64, "out": 52},
                                                {"name": "Skor", "in": 52, "out": 41}]
            decisions = screen.query_one("#decisions-table", RecordTable)
            reasons = [decisions.get_row(key)[3].plain for key in decisions.row_keys]
            assert sum(1 for r in reasons if "< ambang 3,0" in r) == 11
            await go_to_tab(pilot, screen, "funnel")
            digits = [d.value for d in screen.query("#funnel-digits Digits")]
            assert digits == ["64", "52", "41"]
            chart = screen.query_one("#funnel-view-chart", FunnelChart)
            assert [v for _, v in chart.stages] == [64, 52, 41]
            units = screen.query_one("#unit-funnel-table", RecordTable)
            assert units.row_count == 24
            totals = [sum(int(units.get_row(k)[c].plain) for k in units.row_keys)
                      for c in (1, 2, 3)]
            assert totals == [64, 52, 41]
    finally:
        session.close()


async def test_268_ideas_become_104_by_top_score_from_the_app(tmp_path):
    session, ideas = lab_session(tmp_path / "banjar.json", 268, units=40)
    values = {idea.id: 1 + (n * 37 % 268) / 67 for n, idea in enumerate(ideas)}
    score_everything(session, values)
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_design(pilot)
            preview = await new_round(pilot, screen, rule="top_score", value="104",
                                      name="104 teratas")
            assert preview.state.plan.ties == []
            await pilot.press("c")
            await pilot.pause()
            (rnd,) = session.rounds()
            assert (len(rnd.pool), len(rnd.kept)) == (268, 104)
            kept = set(rnd.kept)
            assert min(values[i] for i in kept) > max(values[i.id] for i in ideas
                                                      if i.id not in kept)
            for decision in rnd.decisions:
                assert funnel.reason_text(decision["reason"], session).startswith("peringkat")
    finally:
        session.close()


# -- merging -------------------------------------------------------------------------------------

async def test_two_ideas_are_merged_with_an_edited_title_and_unmerged_exactly(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "ideas")
        table = screen.query_one("#merge-table", RecordTable)
        await pilot.press("slash", *"ternak")
        await pilot.pause()
        await pilot.press("enter")
        shown = table.row_keys
        assert len(shown) >= 2 and app.focused is table
        first, second = (demo.get(Idea, key) for key in shown[:2])
        before = {key: demo.get(Idea, key) for key in shown[:2]}
        await pilot.press("space", "space", "m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MergeIdeasDialog)
        # Take the second idea's title and description, then edit the title.
        await pilot.press("down", "enter")
        await pilot.pause()
        title = dialog.query_one("#merge-title", Input)
        assert title.value == second.title and dialog.keep_from == second.id
        title.value = MARKUP
        await pilot.click("#merge-ok")
        await pilot.pause()
        (merged,) = [i for i in demo.ideas() if set(i.merged_from) == {first.id, second.id}]
        assert merged.title == MARKUP and merged.description == second.description
        assert merged.unit_id == second.unit_id
        assert len(demo.ideas()) == 63
        assert demo.get(Idea, first.id).merged_into == merged.id
        await pilot.press("escape")  # the search is emptied
        await pilot.pause()
        table.move_cursor(row=table.row_keys.index(merged.id))
        assert table.get_row(merged.id)[1].plain == MARKUP
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#confirm-ok")
        await pilot.pause()
        assert len(demo.ideas()) == 64
        for key, old in before.items():
            now = demo.get(Idea, key)
            assert (now.title, now.description, now.status, now.merged_into, now.unit_id) == (
                old.title, old.description, old.status, old.merged_into, old.unit_id)


async def test_suggested_duplicates_are_confirmed_by_the_coach(tmp_path):
    session, _ = lab_session(tmp_path / "dup.json", 0, units=1)
    unit = session.all(Unit)[0]
    a = session.add(Idea(title="KTP keliling ke kampung", unit_id=unit.id))
    session.add(Idea(title="Posyandu digital", unit_id=unit.id))
    b = session.add(Idea(title="Layanan KTP keliling ke kampung", unit_id=unit.id))
    app = make_app(tmp_path, session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_design(pilot)
            await go_to_tab(pilot, screen, "ideas")
            await pilot.press("s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, SuggestionsDialog)
            await pilot.press("enter")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, MergeIdeasDialog)
            assert [i.id for i in dialog.ideas] == [a.id, b.id]
            await pilot.click("#merge-ok")
            await pilot.pause()
            merged = next(i for i in session.ideas() if i.merged_from)
            assert merged.merged_from == [a.id, b.id] and merged.title == a.title
            # Nothing left to suggest.
            await pilot.press("s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, DesignScreen)
    finally:
        session.close()


# -- the why-report ------------------------------------------------------------------------------

async def test_the_why_report_shows_every_path_and_is_exported(tmp_path, demo):
    app = make_app(tmp_path, demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "rounds")
        await pilot.press("w")
        await pilot.pause()
        why = app.screen
        assert isinstance(why, WhyScreen)
        table = why.query_one("#why-table", RecordTable)
        assert table.row_count == len(funnel.idea_paths(demo)) == 70
        outcomes = [table.get_row(k)[2].plain for k in table.row_keys]
        assert outcomes.count("terpilih sebagai inovasi") == 41
        assert sum(1 for o in outcomes if o.startswith("digabung ke")) == 6
        await pilot.press("slash", *"paspor", "enter")
        await pilot.pause()
        (key,) = table.row_keys
        detail = shown(why.query_one("#why-detail"))
        assert "Penyaringan gerbang: tersisih (tidak lolos gerbang: Kewenangan daerah)" in detail
        await pilot.press("e")
        await pilot.pause()
        written = tmp_path / "exports" / "kabupaten-sorong-funnel.md"
        assert written.read_text(encoding="utf-8") == funnel.why_report(demo)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen


async def test_the_design_stage_reads_in_english(tmp_path, demo):
    app = make_app(tmp_path, demo, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_design(pilot)
            tabs = screen.query_one("#design-tabs")
            assert [tabs.get_tab(f"tab-{t}").label.plain for t in ("ideas", "scores", "rounds")
                    ] == ["Ideas (64)", "Scores", "Rounds (2)"]
            await go_to_tab(pilot, screen, "scores")
            assert "Rater: Bapperlitbangda" in screen.query_one("#score-status").text.plain
            grid = screen.query_one(ScoreGrid)
            assert grid.criteria[0].header == "C1"
            await pilot.press("ctrl+l")
            await pilot.pause()
            screen = app.screen
            assert screen.tab == "scores"
            assert "Penilai" in screen.query_one("#score-status").text.plain
            assert screen.query_one(ScoreGrid).criteria[0].header == "K1"
    finally:
        i18n.set_language("id")


# -- the plans tab and a long rubric ---------------------------------------------------------------

async def test_enter_or_a_click_on_a_plan_opens_it_in_the_plan_editor(tmp_path, demo):
    from facilitator.app.screens.plan_editor import PlanEditorScreen
    from facilitator.core.records import ActionPlan

    app = make_app(tmp_path, demo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_design(pilot)
        await go_to_tab(pilot, screen, "plans")
        table = screen.query_one("#plans-table", RecordTable)
        assert app.focused is table and table.row_count == len(demo.all(ActionPlan)) > 1
        await pilot.press("down")
        plan = demo.get(ActionPlan, table.cursor_key)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanEditorScreen)
        assert app.screen.idea_id == plan.idea_id
        title = demo.get(Idea, plan.idea_id).title
        assert title in str(app.screen.query_one("#plan-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("e")  # the key the footer shows
        await pilot.pause()
        assert isinstance(app.screen, PlanEditorScreen) and app.screen.idea_id == plan.idea_id
        await pilot.press("escape")
        await pilot.pause()
        # A click on another plan's row opens that one.
        other = table.row_keys[0]
        await pilot.click(table, offset=(5, 1))  # the first row, under the header
        await pilot.pause()
        if not isinstance(app.screen, PlanEditorScreen):  # a first click may only move there
            await pilot.click(table, offset=(5, 1))
            await pilot.pause()
        assert isinstance(app.screen, PlanEditorScreen)
        assert app.screen.idea_id == demo.get(ActionPlan, other).idea_id


def header_text(grid: ScoreGrid) -> str:
    return "".join(segment.text for segment in grid.render_line(0))


def headers(grid: ScoreGrid) -> list[str]:
    """The column headers on show, ``‹`` and ``›`` apart."""
    return header_text(grid).replace("‹", " ‹ ").replace("›", " › ").split()


async def test_the_grid_scrolls_sideways_to_the_last_of_fourteen_criteria(tmp_path):
    session, ideas = lab_session(tmp_path / "long.json", 5)
    try:
        for n in range(14 - len(funnel.criteria(session))):
            funnel.add_criterion(session, name=f"Kriteria tambahan {n}")
        rubric = funnel.criteria(session)
        assert len(rubric) == 14
        app = make_app(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_design(pilot)
            await go_to_tab(pilot, screen, "scores")
            grid = screen.query_one(ScoreGrid)
            assert app.focused is grid
            last = grid.criteria[-1]
            first = grid.criteria[0]
            assert first.header in headers(grid) and last.header not in headers(grid)
            assert "›" in headers(grid)  # more criteria to the right
            for _ in range(13):
                await pilot.press("right")
            await pilot.pause()
            assert grid.cursor_criterion == last.key
            shown = headers(grid)
            assert last.header in shown and first.header not in shown and "‹" in shown
            # The idea's title and its mean stay in view, and a digit scores the last criterion.
            assert t_idea() in shown and t_mean() in shown
            await pilot.press("4")
            await pilot.pause()
            idea = grid.row_keys[0]
            assert funnel.ScoreBook(session).get(idea, last.key, screen.score_rater).value == 4
            # Home goes back to the first criterion, and the view with it.
            await pilot.press("home")
            await pilot.pause()
            assert first.header in headers(grid) and last.header not in headers(grid)
    finally:
        session.close()


def t_idea() -> str:
    return i18n.t("design.col.idea")


def t_mean() -> str:
    return i18n.t("design.col.mean")
