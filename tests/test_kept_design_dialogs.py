"""The Design stage's dialogs, kept once built: opened again, each asks afresh.

The coach edits one criterion, leaves, edits another; starts a round, leaves, undoes a round and
starts one again; chooses a rater, then a table; overrides one idea of a preview, then another.
Each time the dialog shown is the one built before (the same object), it shows what a dialog
built new would (compared cell by cell and colour by colour), and what is saved from it goes to
the record it was opened for now.
"""

from __future__ import annotations

from textual.widgets import Input, OptionList, RadioSet, Switch

from facilitator.app import FacilitatorApp
from facilitator.app.screens.design import DesignScreen
from facilitator.app.screens.dialog import DialogScreen
from facilitator.app.screens.funnel_dialogs import AskDialog, ConfirmDialog, NameDialog
from facilitator.app.screens.funnel_preview import OverrideDialog, PreviewScreen
from facilitator.app.screens.funnel_rounds import RoundDialog
from facilitator.app.screens.funnel_rubric import CriterionDialog
from facilitator.app.widgets.tables import RecordTable
from facilitator.core import funnel
from facilitator.core.records import Criterion, Vote
from facilitator.i18n import integer, t
from facilitator.settings import Settings

from pilot_keys import (
    as_if_built_new, assert_as_if_built_new, close, open_dialog, picture, settle, shown,
)

SIZE = (100, 30)
MARKUP = "[bold]Ide[/bold] [link=x]y[/link]"


async def design(pilot, tab: str) -> DesignScreen:
    """The Design stage (3), its body filled, with ``tab`` in front and the focus in it."""
    app = pilot.app
    await pilot.press("3")
    while not (isinstance(app.screen, DesignScreen) and app.screen.body_filled):
        await pilot.pause(0.02)
    screen = app.screen
    screen.show_tab(tab)
    await settle(pilot)
    assert screen.tab == tab
    return screen


def text_of(dialog: DialogScreen, selector: str) -> str:
    return shown(dialog.query_one(selector)).strip()


async def test_a_criterion_opened_after_another_shows_and_saves_its_own_values(tmp_path, demo):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await design(pilot, "rubric")
        table = screen.query_one("#criteria-table", RecordTable)
        rubric = {c.key: c for c in funnel.criteria(demo)}
        first, second, gate = rubric["relevance"], rubric["impact"], rubric["authority"]
        table.move_cursor(row=table.row_keys.index(first.id))
        dialog = await open_dialog(pilot, "e")
        assert isinstance(dialog, CriterionDialog)
        # Typed over, refused (no name), made a gate, then left with Esc.
        dialog.query_one("#crit-name", Input).value = ""
        dialog.query_one("#crit-weight", Input).value = "0,9"
        dialog.submit()
        await pilot.pause()
        assert text_of(dialog, ".dialog-error")
        await pilot.press("tab", "space")  # the gate switch on
        assert dialog.query_one("#crit-weight", Input).disabled
        await close(pilot)

        table.move_cursor(row=table.row_keys.index(second.id))
        again = await open_dialog(pilot, "e")
        assert again is dialog
        assert again.query_one("#crit-name", Input).value == funnel.criterion_name(second)
        assert not again.query_one("#crit-gate", Switch).value
        assert not again.query_one("#crit-weight", Input).disabled
        assert not text_of(again, ".dialog-error")
        assert app.focused is again.query_one("#crit-name")
        await assert_as_if_built_new(pilot, "e")

        # Saved from the kept dialog: to the second criterion, the first one untouched.
        dialog = await open_dialog(pilot, "e")
        await close(pilot)
        table.move_cursor(row=table.row_keys.index(first.id))
        again = await open_dialog(pilot, "e")
        assert again is dialog
        again.query_one("#crit-name", Input).value = MARKUP
        again.query_one("#crit-weight", Input).value = "0,3"
        again.submit()
        await settle(pilot)
        saved = demo.get(Criterion, first.id)
        assert (funnel.criterion_name(saved), saved.weight) == (MARKUP, 0.3)
        assert demo.get(Criterion, second.id).weight == second.weight

        # Opened again for it: its name, typed with brackets, is shown as typed.
        table.move_cursor(row=table.row_keys.index(first.id))
        again = await open_dialog(pilot, "e")
        assert again is dialog
        assert MARKUP in text_of(again, ".dialog-title")
        await close(pilot)

        # A gate: switched on, weight and scale not to be typed in.
        table.move_cursor(row=table.row_keys.index(gate.id))
        again = await open_dialog(pilot, "e")
        assert again is dialog and again.query_one("#crit-gate", Switch).value
        assert again.query_one("#crit-scale", Input).disabled
        await assert_as_if_built_new(pilot, "e")

        # A new criterion in the same dialog: nothing of the gate's, added, not edited.
        dialog = await open_dialog(pilot, "e")
        await close(pilot)
        added = await open_dialog(pilot, "a")
        assert added is dialog
        assert text_of(added, ".dialog-title") == t("design.rubric.add_title")
        assert added.query_one("#crit-name", Input).value == ""
        await assert_as_if_built_new(pilot, "a")
        dialog = await open_dialog(pilot, "a")
        await close(pilot)
        table.move_cursor(row=table.row_keys.index(gate.id))
        added = await open_dialog(pilot, "a")
        assert added is dialog
        added.query_one("#crit-name", Input).value = "Keberlanjutan"
        added.submit()
        await settle(pilot)
        assert "Keberlanjutan" in [funnel.criterion_name(c) for c in funnel.criteria(demo)]
        assert funnel.criterion_name(demo.get(Criterion, gate.id)) == funnel.criterion_name(gate)


async def test_a_new_round_starts_from_the_first_rule_for_the_pool_it_is_opened_on(
        tmp_path, demo):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        await design(pilot, "rounds")
        dialog = await open_dialog(pilot, "n")
        assert isinstance(dialog, RoundDialog)
        # A name typed, the threshold rule chosen, a number refused, then Esc.
        dialog.query_one("#round-name", Input).value = "Diketik"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert dialog.kind == "threshold"
        await pilot.press("9", "enter")
        await settle(pilot)
        assert text_of(dialog, ".dialog-error")
        await close(pilot)

        # The latest round undone: the next round is another number, on a bigger pool.
        confirm = await open_dialog(pilot, "u")
        assert isinstance(confirm, ConfirmDialog)
        await pilot.click("#confirm-ok")
        await settle(pilot)
        assert len(demo.rounds()) == 1
        pool = len(funnel.pool(demo))

        again = await open_dialog(pilot, "n")
        assert again is dialog
        assert again.kind == "gates"
        rules = again.query_one("#round-rule", RadioSet)
        assert rules.pressed_index == 0 and rules._selected == 0
        assert sum(button.value for button in rules.query("RadioButton")) == 1
        assert again.query_one("#round-name", Input).value == t("design.rounds.default_name", n=2)
        assert integer(pool) in text_of(again, ".dialog-title")
        assert not again.query_one("#round-param-row").display
        assert not text_of(again, ".dialog-error")
        assert app.focused is rules
        await assert_as_if_built_new(pilot, "n")

        # The rule's number is checked against this pool; the round asked for goes to preview.
        dialog = await open_dialog(pilot, "n")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert dialog.kind == "top_score"
        await pilot.press(*str(pool + 1), "enter")
        await settle(pilot)
        assert integer(pool) in text_of(dialog, ".dialog-error")
        dialog.query_one("#round-param", Input).value = ""
        await pilot.press("3", "0", "enter")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.state.name == t("design.rounds.default_name", n=2)
        assert preview.state.rule == {"kind": "top_score", "n": 30}
        assert len(preview.state.plan.pool) == pool


async def test_a_confirmation_asks_what_it_is_opened_for_now(tmp_path, demo):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await design(pilot, "rubric")
        criteria = len(funnel.criteria(demo))
        dialog = await open_dialog(pilot, "delete")
        assert isinstance(dialog, ConfirmDialog)
        removing = picture(app)
        await pilot.press("tab")  # the focus left on "back"
        await close(pilot)
        assert len(funnel.criteria(demo)) == criteria

        screen.show_tab("rounds")
        await settle(pilot)
        latest = demo.rounds()[-1]
        again = await open_dialog(pilot, "u")
        assert again is dialog
        assert latest.name in text_of(again, ".dialog-title")
        assert latest.name in str(again.body)
        assert app.focused is again.query_one("#confirm-ok")
        kept = picture(app)
        assert kept != removing
        await close(pilot)
        assert kept == await as_if_built_new(pilot, "u")

        # Confirmed: the round is undone, and no criterion removed.
        await open_dialog(pilot, "u")
        await pilot.press("enter")
        await settle(pilot)
        assert latest.id not in [r.id for r in demo.rounds()]
        assert len(funnel.criteria(demo)) == criteria


async def test_a_choice_of_name_lists_the_names_of_what_it_is_opened_for(tmp_path, demo):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await design(pilot, "scores")
        rater = screen.score_rater
        dialog = await open_dialog(pilot, "r")
        assert isinstance(dialog, NameDialog)
        listing = dialog.query_one("#name-list", OptionList)
        raters = listing.option_count
        # Enter with no name (refused), a few letters that narrow the list, one highlighted.
        await pilot.press("enter", *"tim")
        await settle(pilot)
        assert text_of(dialog, ".dialog-error")
        assert 0 < listing.option_count < raters
        await pilot.press("tab", "down", "down")
        await settle(pilot)
        assert listing.highlighted is not None
        await close(pilot)

        screen.show_tab("votes")
        await settle(pilot)
        tables = {v.rater for v in demo.all(Vote)} | {screen.vote_rater}
        again = await open_dialog(pilot, "r")
        assert again is dialog
        assert listing.option_count == len(tables) and listing.display
        assert listing.highlighted is None
        assert text_of(again, ".dialog-title") == t("design.votes.choose_table")
        assert again.query_one("#name-new", Input).value == ""
        assert not text_of(again, ".dialog-error")
        assert app.focused is again.query_one("#name-new")
        await assert_as_if_built_new(pilot, "r")

        # A table typed with brackets: chosen for the tallies, not as a rater; listed as typed.
        dialog = await open_dialog(pilot, "r")
        await pilot.press(*MARKUP, "enter")
        await settle(pilot)
        assert (screen.vote_rater, screen.score_rater) == (MARKUP, rater)
        again = await open_dialog(pilot, "r")
        assert again is dialog
        listing = again.query_one("#name-list", OptionList)
        assert any(MARKUP in str(listing.get_option_at_index(n).prompt)
                   for n in range(listing.option_count))


async def test_a_question_asked_again_checks_its_answer_with_its_own_check(tmp_path, demo):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        await design(pilot, "votes")
        per_person = funnel.dot_budget(demo)[0]
        dialog = await open_dialog(pilot, "d")
        assert isinstance(dialog, AskDialog)
        dialog.query_one("#ask-value", Input).value = "banyak"
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(dialog, ".dialog-error")
        await close(pilot)

        again = await open_dialog(pilot, "d")
        assert again is dialog
        assert again.query_one("#ask-value", Input).value == str(per_person)
        assert not text_of(again, ".dialog-error")
        await assert_as_if_built_new(pilot, "d")

        dialog = await open_dialog(pilot, "d")
        await close(pilot)
        # Another question with a note takes the same dialog: its words, its check, its answer.
        answers: list = []
        other = AskDialog(MARKUP, "Berapa?", "x", check=lambda text: text.upper(),
                          ok="Simpan", note="Catatan")
        app.push_screen(other, answers.append)
        await settle(pilot)
        assert app.screen is dialog
        assert text_of(dialog, ".dialog-title") == MARKUP
        assert text_of(dialog, "#ask-label") == "Berapa?"
        assert text_of(dialog, "#ask-note") == "Catatan"
        assert shown(dialog.query_one("#ask-ok")).strip() == "Simpan"
        await pilot.press("enter")
        await settle(pilot)
        assert answers == ["X"]
        assert funnel.dot_budget(demo)[0] == per_person

        # Asked for the dots again: the budget's own check, and its answer saved.
        again = await open_dialog(pilot, "d")
        assert again is dialog
        again.query_one("#ask-value", Input).value = "banyak"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is again and text_of(again, ".dialog-error")
        again.query_one("#ask-value", Input).value = "7"
        await pilot.press("enter")
        await settle(pilot)
        assert funnel.dot_budget(demo)[0] == 7


async def built_new(pilot, *keys: str):
    """What the dialog the keys open over the preview shows when built new (none kept)."""
    app = pilot.app
    kept = set(app.dialogs._kept.values())
    app.dialogs.drop()
    await settle(pilot)
    dialog = await open_dialog(pilot, *keys)
    assert dialog not in kept
    shown_new = picture(app)
    await leave(pilot)
    return shown_new


async def leave(pilot) -> None:
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PreviewScreen)


async def test_an_override_opened_for_another_idea_says_its_rule_and_saves_to_it(
        tmp_path, demo):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        await design(pilot, "rounds")
        await open_dialog(pilot, "n")
        await pilot.press("down", "down", "enter", "3", "0", "enter")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        table = preview.query_one("#preview-table", RecordTable)
        decisions = preview.state.plan.decisions
        cut = next(d["idea"] for d in decisions if not d["kept"])
        kept_idea = next(d["idea"] for d in decisions if d["kept"])

        table.move_cursor(row=table.row_keys.index(cut))
        dialog = await open_dialog(pilot, "o")
        assert isinstance(dialog, OverrideDialog)
        await pilot.press("enter")  # no reason: refused
        await settle(pilot)
        assert text_of(dialog, ".dialog-error")
        await pilot.press(*"setengah")
        await leave(pilot)

        table.move_cursor(row=table.row_keys.index(kept_idea))
        again = await open_dialog(pilot, "o")
        assert again is dialog
        assert again.query_one("#override-reason", Input).value == ""
        assert not text_of(again, ".dialog-error")
        assert t("screens.design.kept") in text_of(again, "#override-rule")
        kept = picture(app)
        await leave(pilot)
        assert kept == await built_new(pilot, "o")

        # The reason goes to the idea the dialog was opened for now.
        dialog = await open_dialog(pilot, "o")
        await pilot.press(*MARKUP, "enter")
        await settle(pilot)
        assert preview.state.overrides == {kept_idea: (False, MARKUP)}

        # An idea overridden already: a dialog with "remove", kept beside the other.
        table.move_cursor(row=table.row_keys.index(cut))
        await open_dialog(pilot, "o")
        await pilot.press(*"alasan", "enter")
        await settle(pilot)
        table.move_cursor(row=table.row_keys.index(kept_idea))
        removing = await open_dialog(pilot, "o")
        assert removing is not dialog and removing.query("#override-remove")
        await leave(pilot)
        table.move_cursor(row=table.row_keys.index(cut))
        again = await open_dialog(pilot, "o")
        assert again is removing
        assert again.query_one("#override-reason", Input).value == "alasan"
        assert t("screens.design.cut") in text_of(again, "#override-rule")
        kept = picture(app)
        await leave(pilot)
        assert kept == await built_new(pilot, "o")

        # Removed from the kept dialog: that idea's override only.
        removing = await open_dialog(pilot, "o")
        await leave(pilot)
        table.move_cursor(row=table.row_keys.index(kept_idea))
        again = await open_dialog(pilot, "o")
        assert again is removing
        await pilot.click("#override-remove")
        await settle(pilot)
        assert set(preview.state.overrides) == {cut}


async def test_the_why_report_opened_again_shows_all_ideas_afresh_and_what_changed_since(
        tmp_path, demo):
    from facilitator.app.screens.funnel_why import WhyScreen
    from facilitator.core.records import Idea, Unit

    async def open_why() -> WhyScreen:
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WhyScreen)
        for widget in app.screen.query("Input"):
            widget.cursor_blink = False
        await settle(pilot)
        return app.screen

    async def leave() -> None:
        while app.screen is not screen:
            await pilot.press("escape")
            await settle(pilot)

    async def built_new() -> list:
        app.dialogs.drop()
        await settle(pilot)
        why = await open_why()
        assert why not in kept
        looks = picture(app)
        await leave()
        return looks

    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await design(pilot, "rounds")
        why = await open_why()
        table = why.query_one("#why-table", RecordTable)
        assert table.row_count == 70
        # Filtered to one idea, the cursor and the path moved, then left.
        await pilot.press("slash", *"paspor", "enter", "end")
        await settle(pilot)
        assert table.row_count == 1
        await leave()

        again = await open_why()
        assert again is why
        assert again.query_one("#why-filter", Input).value == ""
        assert table.row_count == 70 and table.cursor_row == 0
        assert app.focused is table
        first = demo.get(Idea, table.row_keys[0])
        assert first.title in shown(again.query_one("#why-detail"))
        kept = set(app.dialogs._kept.values())
        looks = picture(app)
        await leave()
        assert looks == await built_new()

        # A change to the session since: the report kept shows it as one built new would.
        again = await open_why()
        await leave()
        unit = demo.all(Unit)[0]
        demo.add(Idea(title=MARKUP, unit_id=unit.id))
        reopened = await open_why()
        assert reopened is again
        table = reopened.query_one("#why-table", RecordTable)
        assert table.row_count == 71
        row = table.get_row(table.row_keys[-1])
        assert str(row[0]) == MARKUP and row[2].plain == t("why.not_screened")
        kept = set(app.dialogs._kept.values())
        looks = picture(app)
        await leave()
        assert looks == await built_new()


async def preview_of(pilot, *keys: str) -> PreviewScreen:
    """The preview of a new round: n, then ``keys`` in the round dialog (a rule, Enter)."""
    await open_dialog(pilot, "n")
    await pilot.press(*keys)
    await settle(pilot)
    assert isinstance(pilot.app.screen, PreviewScreen)
    return pilot.app.screen


async def test_a_preview_opened_after_another_shows_its_own_round_from_the_top(tmp_path, demo):
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        await design(pilot, "rounds")
        # The gates' preview, moved down in, filtered to the ideas that leave, then left.
        first = await preview_of(pilot, "enter", "enter")
        await pilot.press("down", "down", "down", "f")
        await settle(pilot)
        assert first.filter == "cut"
        await pilot.press("escape")
        await settle(pilot)
        # The 30 best scores: the same screen, every idea listed, the first under the cursor.
        again = await preview_of(pilot, "down", "down", "enter", "3", "0", "enter")
        assert again is first
        assert again.state.rule == {"kind": "top_score", "n": 30}
        assert again.filter == "all"
        table = again.query_one("#preview-table", RecordTable)
        assert table.cursor_row == 0 and table.scroll_y == 0
        assert len(table.row_keys) == len(again.state.plan.decisions)
        assert "30" in shown(again.query_one("#preview-title"))
        kept = picture(app)
        await pilot.press("escape")
        await settle(pilot)
        # What a preview built new shows for the same round.
        app.dialogs.drop()
        await settle(pilot)
        new = await preview_of(pilot, "down", "down", "enter", "3", "0", "enter")
        assert new is not first
        assert picture(app) == kept
        # Confirmed from the kept screen: the round recorded is this one.
        await pilot.press("escape")
        await settle(pilot)
        kept_again = await preview_of(pilot, "enter", "enter")
        assert kept_again is new and kept_again.state.rule == {"kind": "gates"}
        rounds = len(demo.rounds())
        await pilot.press("c")
        await settle(pilot)
        assert len(demo.rounds()) == rounds + 1 and demo.rounds()[-1].rule == {"kind": "gates"}


async def test_a_merge_opened_after_another_offers_its_own_ideas_and_merges_them(tmp_path, demo):
    from facilitator.app.screens.merge_ideas import MergeIdeasDialog
    from facilitator.core.records import Idea

    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang="id"), session=demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await design(pilot, "ideas")
        table = screen.query_one("#merge-table", RecordTable)
        keys = table.row_keys
        # Two ideas marked and merged, the second's title taken and typed over, then Esc.
        dialog = await open_dialog(pilot, "space", "space", "m")  # space marks, moves down
        assert isinstance(dialog, MergeIdeasDialog)
        await pilot.press("down", "enter")
        await settle(pilot)
        dialog.query_one("#merge-title", Input).value = ""
        dialog.submit()
        await settle(pilot)
        assert text_of(dialog, ".dialog-error")
        await close(pilot)
        await pilot.press("escape")  # the marks cleared
        await settle(pilot)
        # Three others: the same dialog, their titles listed, the first one's in the field.
        table.move_cursor(row=3)
        again = await open_dialog(pilot, "space", "space", "space", "m")
        assert again is dialog
        chosen = again.ideas
        assert {i.id for i in chosen} == set(keys[3:6])
        assert [o.id for o in again.query_one("#merge-sources", OptionList).options] == [
            i.id for i in chosen]
        assert again.query_one("#merge-title", Input).value == chosen[0].title
        assert again.keep_from == chosen[0].id
        assert not text_of(again, ".dialog-error")
        # (Built new for the same three: the marks cleared, back up to the first.)
        await assert_as_if_built_new(pilot, "escape", "up", "up", "up", "space", "space", "space",
                                     "m")
        # Merged from the kept dialog: the three ideas are one, the first two untouched.
        kept = await open_dialog(pilot, "escape", "up", "up", "up", "space", "space", "space", "m")
        kept.submit()
        await settle(pilot)
        assert len([i for i in demo.ideas()
                    if set(i.merged_from) == {c.id for c in chosen}]) == 1
        assert all(demo.get(Idea, key).merged_into == "" for key in keys[:2])
