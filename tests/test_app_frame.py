"""The app's frame as the coach meets it: stage keys, the keys help, undo, language, quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import Footer, Input

from facilitator import i18n
from facilitator.app import FacilitatorApp
from facilitator.settings import load_saved as load_preferences, save_preferences
from facilitator.app.screens.base import StageScreen
from facilitator.app.screens.help import KeysDialog
from facilitator.app.widgets.frame import SessionHeader, StageBar, StageTab, stage_progress
from facilitator.core.records import STAGES, Idea, Participant, Round, Unit
from facilitator.core.session import Session
from facilitator.settings import Settings

SIZE = (80, 24)


def build_session(path: Path, *, region: str = "Kabupaten Sorong", units: int = 3,
                  ideas: int = 5) -> Session:
    """A small lab: a few OPD, a participant each, some ideas."""
    session = Session.create(path, region=region, date="2021-06-16")
    unit_ids = [session.add(Unit(name=f"Dinas {n}")).id for n in range(units)]
    for n, unit_id in enumerate(unit_ids):
        session.add(Participant(name=f"Peserta {n}", unit_id=unit_id))
    for n in range(ideas):
        session.add(Idea(title=f"Ide {n}", unit_id=unit_ids[n % units]))
    return session


@pytest.fixture
def session(tmp_path):
    session = build_session(tmp_path / "sorong.json")
    yield session
    session.close()


def make_app(tmp_path: Path, session: Session | None, lang: str = "id") -> FacilitatorApp:
    return FacilitatorApp(Settings(sessions_dir=tmp_path, lang=lang), session=session)


def tab_text(app: FacilitatorApp, stage: str) -> str:
    return str(app.screen.query_one(f"#stage-tab-{stage}", StageTab).render())


def footer_text(app: FacilitatorApp) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(key.description for key in footer.query("FooterKey"))


def messages(app: FacilitatorApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_app_opens_on_the_stage_the_session_has_reached(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "diagnose"
        assert app.screen.query_one("#stage-tab-diagnose").has_class("-current")
        header = str(app.screen.query_one("#header-session").render())
        assert "Kabupaten Sorong" in header and "2021-06-16" in header
        assert "3 OPD" in tab_text(app, "drumup") and "5 ide" in tab_text(app, "diagnose")


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_keys_one_to_five_jump_to_each_stage(tmp_path, session, size):
    app = make_app(tmp_path, session)
    async with app.run_test(size=size) as pilot:
        for number, stage in reversed(list(enumerate(STAGES, 1))):
            await pilot.press(str(number))
            await pilot.pause()
            assert app.current_mode == stage
            assert isinstance(app.screen, StageScreen) and app.screen.STAGE == stage
            current = [tab.stage for tab in app.screen.query(StageTab) if tab.has_class("-current")]
            assert current == [stage]


async def test_a_digit_or_q_typed_into_a_field_stays_in_the_field(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = Input(id="probe")
        await app.screen.query_one("#stage-body").mount(field)
        field.focus()
        await pilot.pause()
        await pilot.press("1", "3", "q", "ctrl+z")
        await pilot.pause()
        assert app.current_mode == "diagnose"
        assert field.value == "13q"
        assert app.is_running
        assert len(session.ideas()) == 5  # ctrl+z in a field never takes back a saved change


async def test_clicking_a_stage_in_the_bar_opens_it(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#stage-tab-deliver")
        await pilot.pause()
        assert app.current_mode == "deliver"


async def test_question_mark_shows_the_keys_of_the_screen(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysDialog)
        listed = dict(app.screen.rows)
        assert listed["^z"] == "Urungkan"
        assert listed["1"] == "Ke Drum-Up" and listed["5"] == "Ke Display"
        assert "Keluar" in listed.values()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)


async def test_ctrl_z_undoes_the_last_change_and_says_what_it_was(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session.add(Idea(title="Posyandu [b]Digital[/b]", unit_id=session.units()[0].id))
        await pilot.pause()
        assert len(session.ideas()) == 6
        assert "6 ide" in tab_text(app, "diagnose")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(session.ideas()) == 5
        assert "5 ide" in tab_text(app, "diagnose")
        # The idea's title is shown as typed, markup and all.
        assert "Dibatalkan: tambah ide «Posyandu [b]Digital[/b]»" in messages(app)


async def test_ctrl_z_with_nothing_left_to_undo_says_so(tmp_path):
    fresh = Session.create(tmp_path / "baru.json", region="Kota Banjar")
    app = make_app(tmp_path, fresh)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert i18n.t("app.undo.nothing") in messages(app)
    finally:
        fresh.close()


async def test_a_read_only_session_is_marked_and_explained(tmp_path, session):
    viewer = Session.open(session.path)  # the fixture's copy holds the lock
    assert viewer.readonly
    app = make_app(tmp_path, viewer)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            header = app.screen.query_one(SessionHeader)
            assert header.has_class("-readonly")
            assert header.query_one("#header-readonly").display
            explained = f"Sesi {session.path} terbuka hanya-baca"
            assert any(explained in m for m in messages(app))
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert len(session.ideas()) == 5
            assert messages(app).count(messages(app)[0]) == 2  # the same explanation again
    finally:
        viewer.close()


async def test_switching_language_relabels_the_frame_and_every_stage(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")  # Drum-Up is built in Bahasa Indonesia, then hidden
        await pilot.press("2")
        await pilot.pause()
        assert "Urungkan" in footer_text(app) and "5 ide" in tab_text(app, "diagnose")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert i18n.language() == "en"
        assert "5 ideas" in tab_text(app, "diagnose")
        assert "Undo" in footer_text(app) and "Quit" in footer_text(app)
        assert "Urungkan" not in footer_text(app)
        assert str(app.screen.query_one("#header-app").render()) == "Innovation Lab Facilitator"
        await pilot.press("1")
        await pilot.pause()
        assert "Undo" in footer_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "Urungkan" in footer_text(app)
    assert load_preferences(tmp_path)["lang"] == "id"


async def test_a_change_made_elsewhere_shows_when_a_stage_is_shown_again(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        session.add(Unit(name="Bappeda"))
        await pilot.press("2")
        await pilot.pause()
        assert "4 OPD" in tab_text(app, "drumup")


async def test_the_palette_goes_to_a_stage(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Ke tahap Display")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "display"


async def test_the_projector_theme_is_offered_and_remembered(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"proyektor")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "proyektor"
        assert app.has_class("-theme-proyektor")
    assert load_preferences(tmp_path) == {"theme": "proyektor"}


async def test_q_quits(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


def test_preferences_survive_a_broken_file(tmp_path):
    (tmp_path / "settings.yaml").write_text("lang: [unclosed\n", "utf-8")
    assert load_preferences(tmp_path) == {}
    assert save_preferences(tmp_path, theme="nord")
    assert load_preferences(tmp_path) == {"theme": "nord"}
    (tmp_path / "settings.yaml").write_text("- a list, not a mapping\n", "utf-8")
    assert load_preferences(tmp_path) == {}


def test_the_stage_bar_reads_the_funnel_and_keeps_it_short():
    figures = {"opds": 24, "ideas": 64, "selected": 41, "commitments": 6, "notes": 3,
               "funnel": [{"name": "a", "in": 64, "out": 52}, {"name": "b", "in": 52, "out": 41}]}
    assert stage_progress("display", figures) == "64→52→41"
    assert stage_progress("design", figures) == "41 terpilih"
    figures["funnel"] = [{"name": str(n), "in": 3000 - n, "out": 2999 - n} for n in range(4)]
    assert stage_progress("display", figures) == "3.000→2.996"
    figures["funnel"] = []
    assert stage_progress("design", figures) == "belum disaring"
    assert stage_progress("display", figures) == "3 catatan"


async def test_the_header_shows_a_region_literally(tmp_path):
    odd = build_session(tmp_path / "odd.json", region="Kota [b]Banjar[/b] [link=x]")
    app = make_app(tmp_path, odd)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            text = str(app.screen.query_one("#header-session").render())
            assert text.startswith("Kota [b]Banjar[/b] [link=x]")
    finally:
        odd.close()


async def test_a_funnel_round_shows_in_the_stage_bar(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ids = [idea.id for idea in session.ideas()]
        session.add(Round(name="Seleksi", order=1, pool=ids,
                          decisions=[{"idea": i, "kept": n < 3, "reason": {"code": "picked"}}
                                     for n, i in enumerate(ids)]))
        await pilot.pause()
        assert "3 terpilih" in tab_text(app, "design")
        assert "5→3" in tab_text(app, "display")
        assert app.screen.query_one(StageBar)


async def test_a_long_region_name_wins_over_the_app_name_at_80_columns(tmp_path):
    long = build_session(tmp_path / "long.json",
                         region="Kabupaten Kepulauan Siau Tagulandang Biaro")
    long.edit(long.lab, dates=["2021-06-16", "2021-06-18"])
    app = make_app(tmp_path, long)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert not app.screen.query_one("#header-app").display
            await pilot.resize_terminal(120, 30)
            await pilot.pause()
            assert app.screen.query_one("#header-app").display
    finally:
        long.close()


async def test_the_palette_switches_the_language(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"English")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert i18n.language() == "en"
        assert "5 ideas" in tab_text(app, "diagnose") and "Undo" in footer_text(app)


async def test_undoing_a_screening_round_is_named_in_the_users_words(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        ids = [idea.id for idea in session.ideas()]
        session.add(Round(name="Seleksi gerbang", order=1, pool=ids,
                          decisions=[{"idea": i, "kept": True, "reason": {"code": "picked"}}
                                     for i in ids]), "round.apply")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Dibatalkan: jalankan putaran penyaringan «Seleksi gerbang»" in messages(app)
        assert session.rounds() == []


# -- start-up and the keys row -----------------------------------------------------------------

class _Frames:
    """What reaches the terminal: for every frame drawn, whether the stage's body was in it."""

    def __init__(self, app: FacilitatorApp) -> None:
        self.with_body: list[bool] = []
        display = app._display

        def spy(screen, update) -> None:
            display(screen, update)
            if update is not None and not app._batch_count:  # a batch holds the display back
                self.with_body.append(bool(getattr(screen, "body_ready", False)))

        app._display = spy  # type: ignore[method-assign]


async def test_the_first_frame_shows_the_frame_and_the_stage_follows(tmp_path, session):
    app = make_app(tmp_path, session)
    frames = _Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert frames.with_body[0] is False  # header, stage bar and keys, at once
        assert app.screen.body_ready and True in frames.with_body
        assert app.screen.query_one("#stage-body")
        assert "5 ide" in tab_text(app, "diagnose") and "Urungkan" in footer_text(app)


async def test_a_stage_opened_with_its_key_is_shown_whole(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames = _Frames(app)
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.STAGE == "drumup" and app.screen.body_ready
        assert frames.with_body and all(frames.with_body)  # never the frame alone


def footer_keys(app: FacilitatorApp) -> list:
    return list(app.screen.query_one(Footer).query("FooterKey"))


async def test_the_keys_row_is_kept_when_nothing_changed_and_relabelled_when_it_did(
        tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        shown = footer_keys(app)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert footer_keys(app) == shown  # the same widgets: not rebuilt
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "Undo" in footer_text(app) and "Urungkan" not in footer_text(app)


async def test_the_keys_row_of_each_tab_reuses_its_keys_and_reads_as_textuals_own(
        tmp_path, demo, monkeypatch):
    """Design's tabs each have keys of their own: the keys row shows each tab's, as Textual's
    footer built anew would (labels, keys, dimmed or not, tooltips, in order), with the key
    widgets it has, only the difference in number made."""
    from textual.widgets._footer import FooterKey

    from facilitator.app.widgets.frame import KeysFooter

    made = []
    init = FooterKey.__init__

    def counted(self, *args, **kwargs):
        made.append(args[0])
        init(self, *args, **kwargs)
    monkeypatch.setattr(FooterKey, "__init__", counted)

    def read(footer):
        return [(key.key, key.key_display, key.description, key.action, key._disabled,
                 str(key.tooltip or ""), key.has_class("-command-palette"))
                for key in footer.query(FooterKey)]

    app = make_app(tmp_path, demo, lang="en")
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        design = app.screen
        footer = design.query_one(KeysFooter)
        seen = set()
        for tab in ("rubric", "rounds", "plans", "ideas", "scores", "funnel", "rounds"):
            made.clear()
            design.show_tab(tab)
            await pilot.pause()
            await pilot.pause()  # (the footer follows after the next refresh, as Textual's)
            ours = read(footer)
            seen.add(tuple(ours))
            reused = len(made)
            with footer._context():  # Textual's own footer, built anew (as by its compose)
                await Footer.recompose(footer)
            await pilot.pause()
            assert ours == read(footer), tab
            # Not one widget per key: at most the keys this tab has more than the last.
            assert reused <= 4, (tab, made[:reused])
        assert len(seen) >= 4  # the tabs' keys differ


class _FlipProbeScreen(StageScreen):
    """A stage screen with a key that is possible or not, as another key says."""

    STAGE = "diagnose"
    BINDINGS = [Binding("h", "greet", "Sapa peserta", id="probe.greet"),
                Binding("t", "flip", "Balik", id="probe.flip")]

    def __init__(self) -> None:
        super().__init__()
        self.greeted = 0
        self.allowed = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return (True if self.allowed else None) if action == "greet" else True  # None: dimmed

    def action_greet(self) -> None:
        self.greeted += 1

    def action_flip(self) -> None:
        self.allowed = not self.allowed
        self.refresh_bindings()


async def test_a_key_no_longer_possible_is_dimmed_in_place_and_does_nothing(tmp_path, session):
    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        probe = _FlipProbeScreen()
        await app.push_screen(probe)
        await pilot.pause()
        shown = footer_keys(app)
        [greet] = [key for key in shown if key.action == "greet"]
        assert not greet.has_class("-disabled")
        await pilot.press("t")
        await pilot.pause()
        assert footer_keys(app) == shown  # the same widgets, not made again
        assert greet.has_class("-disabled") and greet.styles.text_style.dim
        await pilot.click(greet)
        await pilot.press("h")
        await pilot.pause()
        assert probe.greeted == 0
        await pilot.press("t")
        await pilot.pause()
        assert footer_keys(app) == shown and not greet.has_class("-disabled")
        await pilot.click(greet)
        await pilot.pause()
        assert probe.greeted == 1


# -- the palette offers what the screen on show can do -------------------------------------------

class _PaletteProbeScreen(StageScreen):
    """A stage screen with its own keys: one always possible, one not now, one hidden."""

    STAGE = "diagnose"
    BINDINGS = [
        Binding("h", "greet", "Sapa peserta", id="probe.greet"),
        Binding("x", "close_round", "Tutup putaran", id="probe.close_round"),
        Binding("y", "secret", "Rahasia", id="probe.secret"),
        Binding("z", "no_id", "Tanpa id"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.greeted = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"close_round": None, "secret": False}.get(action, True)

    def action_greet(self) -> None:
        self.greeted += 1


async def test_the_palette_offers_the_screens_own_actions_and_runs_them(tmp_path, session):
    from facilitator.app.commands import screen_commands

    app = make_app(tmp_path, session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        probe = _PaletteProbeScreen()
        await app.push_screen(probe)
        await pilot.pause()
        names = [command.name for command in screen_commands(probe)]
        # Possible now, with an id; not the stage keys and undo (the app's commands say those).
        assert names == ["Sapa peserta"]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sapa peserta")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is probe and probe.greeted == 1


async def test_the_palette_on_the_session_list_offers_a_new_session(tmp_path):
    from facilitator.app.screens.new_session import NewSessionDialog

    app = FacilitatorApp(Settings(sessions_dir=tmp_path / "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sesi baru")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionDialog)
        assert app.screen.query(Input)


FIRST_FRAME_PROBE = """
import sys
from pathlib import Path

from textual.app import App

from facilitator.app import FacilitatorApp
from facilitator.core.session import Session
from facilitator.demo import write_demo
from facilitator.settings import Settings

folder = Path(sys.argv[1])
session = Session.open(write_demo(folder / "demo.json"))
app = FacilitatorApp(Settings(sessions_dir=folder), session=session)
display = App._display


def first_frame(self, screen, update):
    display(self, screen, update)
    if update is not None and not self._batch_count and self._running:
        print(screen.STAGE, screen.body_ready, *sorted(sys.modules))
        self.exit()
        App._display = display


App._display = first_frame
app.run(headless=True, size=(100, 30))
session.close()
"""

NOT_BEFORE_THE_FIRST_FRAME = (
    "yaml",  # no settings file here, and the strings come from their cache
    "textual.widgets._data_table", "textual.widgets._tabbed_content",
    "facilitator.app.widgets.tables", "facilitator.app.screens.deliver_body",
    "facilitator.core.followup", "facilitator.core.milestones", "facilitator.export",
    "openpyxl", "docx", "fpdf",
)


def test_the_demos_first_frame_waits_for_nothing_its_body_needs(tmp_path):
    """Start-up time: the app opens the demo on the Deliver stage, and its first frame (header,
    stage bar, keys) comes before the stage's tables, the core modules behind them, the
    exports and the YAML library are loaded."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the strings' cache, as an installed app has it
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")
    folder = tmp_path / "sessions"
    folder.mkdir()
    for _ in range(2):  # the first start writes the caches
        done = subprocess.run([sys.executable, "-c", FIRST_FRAME_PROBE, str(folder)], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    stage, body_ready, *modules = done.stdout.split()
    assert (stage, body_ready) == ("deliver", "False")
    loaded = [name for name in modules
              if any(name == early or name.startswith(early + ".")
                     for early in NOT_BEFORE_THE_FIRST_FRAME)]
    assert loaded == []
