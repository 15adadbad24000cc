"""Hostile text on every screen at 80x24: what a room types or pastes shows literally.

Rich and Textual markup, terminal escape sequences and other control characters, a 500-character
word, right-to-left scripts, emoji and ZWJ sequences, a very long title: put into every kind of
field the coach or the room fills (unit and participant names, idea titles and descriptions,
problem statements, notes, plan fields, commitment names, the region), then every stage screen,
each of its tabs, the showcase, the plan editor and the dialogs are opened at 80x24. On each:
the markup shows as its characters (the literal ``[bold]`` is on the screen, no link or click
action is made of it), no control character reaches the terminal, and the header, the stage
bar and the keys stay where they belong.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, RadioButton, TabbedContent

from facilitator.app import FacilitatorApp
from facilitator.app.screens.base import StageScreen
from facilitator.app.screens.funnel_preview import PreviewScreen
from facilitator.app.widgets.frame import SessionHeader, StageBar
from facilitator.core.records import (
    ActionPlan, Commitment, Idea, Note, Participant, Problem, Unit,
)
from facilitator.settings import Settings

SIZE = (80, 24)

HOSTILE = [
    "[bold]x[/bold] tebal",
    "[link=https://x]y[/link] tautan",
    "[red tak tertutup",
    "[/bold] penutup tanpa pembuka",
    "[@click=app.quit]klik[/] keluar",
    "[$accent]warna[/] variabel",
    "\\[bold] garis miring",
    "\x1b[31mmerah\x1b[0m escape",
    "bel\x07 lonceng nul\x00 di tengah",
    "baris\r\nbaru\ttab",
    "kata" + "x" * 496,
    "تحسين خدمة الصحة العامة",
    "שיפור השירות הציבורי",
    "Bank sampah 🚮🏥 emoji",
    "Keluarga 👩‍👩‍👧‍👦 dokter 👨🏽‍⚕️ ZWJ",
    "Z̷a̷l̷g̷o̷ gabungan",
    "Judul yang sangat panjang sekali " * 15,
]
"""The texts tried, each in every kind of field below."""

MARKERS = ("[bold]", "[link=", "[red", "[/bold]", "[@click", "[$accent]", "\\[bold]")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def hostile(n: int) -> str:
    return HOSTILE[n % len(HOSTILE)]


def poison(session) -> int:
    """Put the hostile texts into every kind of field of the demo lab, as one change. Returns
    how many (field, text) inputs were placed."""
    placed = 0
    changed = []

    def put(record, **fields):
        nonlocal placed
        placed += len(fields)
        changed.append(dataclasses.replace(record, **fields))

    put(session.lab, region=hostile(0), venue=hostile(11), chair=hostile(4),
        minutes={k: hostile(n) for n, k in enumerate(session.lab.minutes)})
    for n, unit in enumerate(session.all(Unit)):
        put(unit, name=hostile(n), short=hostile(n + 3)[:12])
    for n, person in enumerate(session.all(Participant)):
        put(person, name=hostile(n + 1), jabatan=hostile(n + 2))
    for n, idea in enumerate(session.all(Idea)):
        put(idea, title=hostile(n + 2), description=hostile(n + 5))
    for n, problem in enumerate(session.all(Problem)):
        put(problem, statement=hostile(n + 3), cause=hostile(n + 4))
    for n, note in enumerate(session.all(Note)):
        put(note, text=hostile(n + 4), speaker=hostile(n + 6))
    for n, plan in enumerate(session.all(ActionPlan)):
        steps = [dict(step, activity=hostile(n + k), pic=hostile(n + k + 1))
                 for k, step in enumerate(plan.steps)]
        put(plan, problem=hostile(n + 5), objective=hostile(n + 6), steps=steps,
            profile={k: hostile(n + i) for i, k in enumerate(plan.profile)})
    for n, commitment in enumerate(session.all(Commitment)):
        if not commitment.sealed_at:
            put(commitment, official=dict(commitment.official, name=hostile(n + 7),
                                          jabatan=hostile(n)))
    session.commit("hostile", changed)
    return placed


class Seen:
    """What the screens showed: how many were checked, and which showed user text."""

    def __init__(self) -> None:
        self.checked: list[str] = []
        self.literal: set[str] = set()


def check_screen(app: FacilitatorApp, name: str, seen: Seen) -> None:
    """The screen on show as the terminal gets it: markup literal, no control characters, no
    link or action made of typed text, and the stage frame in place."""
    screen = app.screen
    strips = screen._compositor.render_strips()
    assert len(strips) == SIZE[1], name
    for y, strip in enumerate(strips):
        assert strip.cell_length <= SIZE[0], (name, y)
        for segment in strip:
            assert not CONTROL.search(segment.text), (name, y, segment.text)
            style = segment.style
            if style is None:
                continue
            assert style.link != "https://x", (name, y, segment.text)
            click = (style.meta or {}).get("@click")
            assert click is None or "quit" not in str(click), (name, y, segment.text)
    text = "\n".join(strip.text for strip in strips)
    if any(marker in text for marker in MARKERS):
        seen.literal.add(name)
    seen.checked.append(name)
    if isinstance(screen, StageScreen):
        header = screen.query_one(SessionHeader)
        bar = screen.query_one(StageBar)
        footer = screen.query_one(Footer)
        assert header.region.y == 0 and header.region.height == 1, name
        assert bar.region.y == 1 and bar.region.height >= 2, name
        assert footer.region.y == SIZE[1] - 1 and footer.region.height == 1, name
        assert footer.region.width == SIZE[0], name


async def settle(pilot, n: int = 3) -> None:
    for _ in range(n):
        await pilot.pause()


async def visit_tabs(pilot, stage_key: str, seen: Seen) -> StageScreen:
    """A stage and every tab of it."""
    await pilot.press(stage_key)
    await settle(pilot)
    screen = pilot.app.screen
    check_screen(pilot.app, f"{screen.STAGE}", seen)
    for tabs in list(screen.query(TabbedContent)):
        for pane in list(tabs.query("TabPane")):
            tabs.active = pane.id
            await settle(pilot)
            check_screen(pilot.app, f"{screen.STAGE}/{pane.id}", seen)
    return screen


async def visit_dialog(pilot, name: str, key: str, seen: Seen, focus=None) -> bool:
    """Open what ``key`` opens (after focusing ``focus``), check it, close it."""
    app = pilot.app
    before = app.screen
    if focus is not None:
        focus.focus()
        await settle(pilot, 1)
    await pilot.press(key)
    await settle(pilot)
    if app.screen is before:
        return False
    check_screen(app, name, seen)
    while app.screen is not before and len(app.screen_stack) > 1:
        await pilot.press("escape")
        await settle(pilot)
    return True


def first_table(screen, selector: str = "DataTable"):
    tables = [t for t in screen.query(selector) if t.display and t.row_count]
    return tables[0] if tables else None


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_hostile_text_shows_literally_on_every_screen_at_80x24(tmp_path, demo, lang):
    placed = poison(demo)
    app = FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=demo)
    seen = Seen()
    opened: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Drum-Up: every tab, and the edit dialog of a unit and of a participant.
        screen = await visit_tabs(pilot, "1", seen)
        tabs = screen.query_one(TabbedContent)
        for pane in list(tabs.query("TabPane")):
            tabs.active = pane.id
            await settle(pilot)
            table = first_table(tabs.get_pane(pane.id))
            if table is not None and await visit_dialog(pilot, f"drumup/{pane.id}/edit", "e",
                                                        seen, focus=table):
                opened.append(f"drumup/{pane.id}/edit")
        if await visit_dialog(pilot, "drumup/lab_details", "d", seen):
            opened.append("drumup/lab_details")
        # Diagnose: the tabs, an idea's and a problem's edit dialog, and the choices of a unit,
        # a problem and an initiator for the ideas captured next (lists of what was typed).
        screen = await visit_tabs(pilot, "2", seen)
        tabs = screen.query_one(TabbedContent)
        for pane in list(tabs.query("TabPane")):
            tabs.active = pane.id
            await settle(pilot)
            table = first_table(tabs.get_pane(pane.id))
            if table is not None and await visit_dialog(pilot, f"diagnose/{pane.id}/edit", "e",
                                                        seen, focus=table):
                opened.append(f"diagnose/{pane.id}/edit")
        tabs.active = "tab-ideas"
        await settle(pilot)
        for key, name in (("ctrl+o", "unit"), ("f3", "problem"), ("f4", "initiator")):
            table = first_table(tabs.get_pane("tab-ideas"))
            if await visit_dialog(pilot, f"diagnose/choose_{name}", key, seen, focus=table):
                opened.append(f"diagnose/choose_{name}")
        await pilot.press("escape")  # out of the capture field the choices give the keys to
        await settle(pilot)
        # Design: the tabs and the why-report of the rounds.
        screen = await visit_tabs(pilot, "3", seen)
        tabs = screen.query_one(TabbedContent)
        tabs.active = "tab-rounds"
        await settle(pilot)
        table = first_table(tabs.get_pane("tab-rounds"))
        if await visit_dialog(pilot, "design/why", "w", seen, focus=table):
            opened.append("design/why")
        # A new round, named with markup: its dialog, its preview (the top 5 by score) and the
        # override of a decision there.
        table.focus()
        await pilot.press("n")
        await settle(pilot)
        check_screen(app, "design/rounds/new", seen)
        dialog = app.screen
        dialog.query_one("#rule-top_score", RadioButton).value = True
        await settle(pilot)
        dialog.query_one("#round-param", Input).value = "5"
        dialog.query_one("#round-name", Input).value = hostile(0)
        dialog.query_one("#round-name", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen), app.screen
        check_screen(app, "design/rounds/preview", seen)
        if await visit_dialog(pilot, "design/rounds/override", "o", seen):
            opened.append("design/rounds/override")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # The likely duplicates (the hostile titles repeat) and the merging of two ideas.
        tabs.active = "tab-ideas"
        await settle(pilot)
        table = first_table(tabs.get_pane("tab-ideas"))
        table.focus()
        await pilot.press("s")
        for _ in range(50):  # the list follows its search
            await settle(pilot, 1)
            if app.screen is not screen:
                break
        check_screen(app, "design/duplicates", seen)
        while app.screen is not screen:
            await pilot.press("escape")
            await settle(pilot)
        table.focus()
        await pilot.press("space", "down", "space")
        if await visit_dialog(pilot, "design/merge", "m", seen):
            opened.append("design/merge")
        # Deliver: the tabs, a commitment's dialog and the plan editor.
        screen = await visit_tabs(pilot, "4", seen)
        tabs = screen.query_one(TabbedContent)
        tabs.active = "tab-commitments"
        await settle(pilot)
        table = first_table(tabs.get_pane("tab-commitments"))
        unsigned = next(c.id for c in demo.all(Commitment) if not c.sealed_at)
        table.move_cursor(row=table.row_keys.index(unsigned), animate=False)
        if await visit_dialog(pilot, "deliver/commitment", "e", seen, focus=table):
            opened.append("deliver/commitment")
        for key, name in (("t", "sign_typed"), ("s", "sign_sheet")):
            if await visit_dialog(pilot, f"deliver/{name}", key, seen, focus=table):
                opened.append(f"deliver/{name}")
        sealed = next(c.id for c in demo.all(Commitment) if c.sealed_at)
        table.move_cursor(row=table.row_keys.index(sealed), animate=False)
        for key, name in (("w", "withdraw"), ("v", "seal_check"), ("enter", "details")):
            if await visit_dialog(pilot, f"deliver/{name}", key, seen, focus=table):
                opened.append(f"deliver/{name}")
        tabs.active = "tab-plans"
        await settle(pilot)
        table = first_table(tabs.get_pane("tab-plans"))
        marked = next(p for p in demo.all(ActionPlan) if "[" in p.problem)
        table.move_cursor(row=table.row_keys.index(marked.id), animate=False)
        if await visit_dialog(pilot, "deliver/plan_editor", "enter", seen, focus=table):
            opened.append("deliver/plan_editor")
        tabs.active = "tab-milestones"
        await settle(pilot)
        table = first_table(tabs.get_pane("tab-milestones"))
        if await visit_dialog(pilot, "deliver/milestone_note", "c", seen, focus=table):
            opened.append("deliver/milestone_note")
        # Display: the tabs (dashboard, catalogue, minutes), the showcase, the export dialog.
        await visit_tabs(pilot, "5", seen)
        tabs = app.screen.query_one(TabbedContent)
        tabs.active = tabs.query("TabPane").first().id
        await settle(pilot)
        app.screen.focus_next()
        if await visit_dialog(pilot, "display/showcase", "s", seen):
            opened.append("display/showcase")
        for key, name in (("e", "display/export"), ("question_mark", "keys"),
                          ("ctrl+s", "save_as")):
            if await visit_dialog(pilot, name, key, seen):
                opened.append(name)

    # Every stage, every tab, and the dialogs that show typed text were reached...
    for name in ("drumup", "diagnose", "design", "deliver", "display", "display/showcase",
                 "deliver/plan_editor", "deliver/commitment", "diagnose/tab-ideas/edit",
                 "save_as", "keys", "design/rounds/preview", "design/rounds/override",
                 "design/duplicates", "design/merge", "diagnose/choose_unit",
                 "diagnose/choose_problem", "deliver/sign_typed", "deliver/withdraw",
                 "deliver/details", "deliver/milestone_note"):
        assert name in seen.checked, (name, seen.checked)
    # ...and those listing what the room typed show the markup as its characters.
    must_show = {"drumup", "diagnose", "deliver", "display/showcase", "deliver/plan_editor",
                 "diagnose/tab-ideas/edit", "deliver/commitment", "design/rounds/preview",
                 "design/rounds/override", "design/duplicates", "design/merge",
                 "diagnose/choose_unit", "diagnose/choose_problem", "deliver/details"}
    assert must_show <= seen.literal, sorted(must_show - seen.literal)
    print(f"\nhostile texts: {len(HOSTILE)}; inputs placed: {placed}; "
          f"screens checked: {len(seen.checked)}; showing typed markup: {len(seen.literal)}")
    print("checked:", ", ".join(seen.checked))
    print("literal:", ", ".join(sorted(seen.literal)))
