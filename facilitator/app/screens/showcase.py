"""The showcase for the projector: one selected innovation at a time, full screen.

At the launch (or a Festival Inovasi) the coach puts the lab's innovations on the wall one by
one: the unit, the innovation's name, the highlights of its profile and, once its commitment is
sealed, the seal. The slides advance by themselves (every 15 seconds unless the coach changes
it), and the coach can step back and forth or pause while a head of unit speaks.

What a slide holds is plain data built from the session (:func:`build_slides`); the screen only
shows it, and never changes the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Label, Static

from facilitator.app.screens.base import LocalizedScreen
from facilitator.app.screens.dialog import Kept
from facilitator.core.seal import short_code
from facilitator.core.session import Session
from facilitator.export.common import commitment_for, long_date, selected_by_unit
from facilitator.i18n import integer, t

DEFAULT_INTERVAL = 15.0
"""Seconds each slide stays up when the showcase runs by itself."""
INTERVAL_STEP = 5.0
MIN_INTERVAL = 5.0
MAX_INTERVAL = 120.0

FACTS = ("tahapan", "inisiator", "jenis", "bentuk", "urusan")
"""The short profile fields a slide shows as a list, in the national form's order."""
STORY = ("tujuan", "manfaat")
"""The longer profile fields a slide shows as paragraphs (cut to fit a projector)."""
STORY_CHARS = 260
"""About three lines at 80 columns: a slide is read from the back of the hall, not studied."""


@dataclass
class Seal:
    """The commitment behind an innovation, as a slide shows it."""

    sealed: bool
    code: str = ""
    official: str = ""
    jabatan: str = ""
    date: str = ""


@dataclass
class Slide:
    """One innovation as the showcase shows it."""

    idea_id: str
    title: str
    unit: str
    description: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    story: list[tuple[str, str]] = field(default_factory=list)
    seal: Seal | None = None


def shorten(text: str, limit: int = STORY_CHARS) -> str:
    """``text`` on one paragraph, cut at a word boundary with an ellipsis beyond ``limit``."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,.;:") + "…"


def build_slides(session: Session) -> list[Slide]:
    """The selected innovations as slides, in the catalogue's order (by unit, then title), in
    the current language."""
    slides: list[Slide] = []
    for unit, items in selected_by_unit(session):
        for item in items:
            profile = item.profile
            facts = [(t(f"display.showcase.fact.{name}"), profile[name])
                     for name in FACTS if profile.get(name)]
            story = [(t(f"display.showcase.fact.{name}"), shorten(profile[name]))
                     for name in STORY if profile.get(name)]
            commitment = commitment_for(session, item.idea)
            seal = None
            if commitment is not None:
                seal = Seal(sealed=bool(commitment.sealed_at),
                            code=short_code(commitment.seal) if commitment.seal else "",
                            official=commitment.official.get("name", ""),
                            jabatan=commitment.official.get("jabatan", ""),
                            date=long_date(commitment.date) if commitment.date else "")
            slides.append(Slide(idea_id=item.idea.id, title=item.idea.title,
                                unit=unit or t("display.no_unit"),
                                description=shorten(item.idea.description), facts=facts,
                                story=story, seal=seal))
    return slides


def facts_content(facts: list[tuple[str, str]]) -> Content:
    """The short profile fields as aligned ``label  value`` lines; values literal."""
    width = max((len(label) for label, _ in facts), default=0)
    return Content("\n").join(
        Content.assemble((label.ljust(width), "bold"), "  ", value) for label, value in facts)


def seal_content(seal: Seal | None) -> Content:
    """The commitment's line: sealed with its code and signer, or still to be signed."""
    if seal is None:
        return Content("")
    if not seal.sealed:
        return Content.assemble(("○ ", "bold"), (t("display.showcase.unsigned"), "italic"))
    who = ", ".join(part for part in (seal.official, seal.jabatan) if part)
    parts: list[Any] = [("✓ ", "bold $success"),
                        (t("display.showcase.sealed", code=seal.code), "bold $success")]
    signed = [part for part in (who, seal.date) if part]
    if signed:
        parts += ["\n  ", "  ·  ".join(signed)]
    return Content.assemble(*parts)


class ShowcaseScreen(LocalizedScreen, Kept):
    """One innovation at a time on the projector; it runs by itself unless paused.

    ``interval`` is the seconds per slide; :meth:`tick` is what the timer calls (tests call it
    themselves instead of waiting). The screen is dismissed with the interval the coach ended
    with, so that the next showcase keeps it.
    """

    CSS_PATH = "showcase.tcss"

    BINDINGS = [
        Binding("right,n,pagedown", "next", "Next", id="display.next"),
        Binding("left,p,pageup", "previous", "Previous", id="display.previous"),
        Binding("space", "pause", "Pause", id="display.pause"),
        Binding("plus,equals_sign", "slower", "Slower", id="display.slower"),
        Binding("minus", "faster", "Faster", id="display.faster"),
        Binding("home", "first", "First", show=False, id="display.first"),
        Binding("t", "projector", "Projector", show=False, id="display.projector"),
        Binding("escape", "back", "Back", id="display.back"),
    ]

    def __init__(self, session: Session, *, interval: float = DEFAULT_INTERVAL,
                 start: str = "", paused: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.slides = build_slides(session)
        self.index = next((n for n, s in enumerate(self.slides) if s.idea_id == start), 0)
        self.interval = min(max(float(interval), MIN_INTERVAL), MAX_INTERVAL)
        self.paused = paused
        self._timer: Timer | None = None

    # -- what is shown -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="showcase-bar"):
            yield Label(id="showcase-heading")
            yield Label(id="showcase-count")
        if not self.slides:
            yield Static(Content(t("display.showcase.empty")), id="showcase-empty")
        else:
            with Vertical(id="showcase-slide"):
                yield Static(id="showcase-unit")
                yield Static(id="showcase-title")
                yield Static(id="showcase-facts")
                yield Static(id="showcase-story")
                yield Static(id="showcase-seal")
        yield Static(id="showcase-status")

    def on_mount(self) -> None:
        # Built in the background (see Kept), it rests until shown.
        self._timer = self.set_interval(self.interval, self.tick,
                                        pause=self.paused or not self.is_current)
        self.show()

    KEEP = True

    def keep_key(self) -> Any:
        return (type(self), bool(self.slides))  # no slides: another set of widgets

    def take_over(self, fresh: "ShowcaseScreen") -> None:
        self.session, self.slides, self.index = fresh.session, fresh.slides, fresh.index
        self.paused = fresh.paused
        self.set_interval_seconds(fresh.interval)

    @property
    def slide(self) -> Slide | None:
        """The slide on show (None when there is no selected innovation yet)."""
        return self.slides[self.index] if self.slides else None

    def show(self) -> None:
        """Put the current slide and the status line on the screen."""
        heading = t("display.showcase.heading", region=self.session.lab.region)
        self.query_one("#showcase-heading", Label).update(Content(heading))
        count = (t("display.showcase.count", n=integer(self.index + 1),
                   total=integer(len(self.slides))) if self.slides else "")
        self.query_one("#showcase-count", Label).update(Content(count))
        self.query_one("#showcase-status", Static).update(self.status())
        slide = self.slide
        if slide is None:
            return
        self.query_one("#showcase-unit", Static).update(Content(slide.unit))
        self.query_one("#showcase-title", Static).update(Content(slide.title))
        self.query_one("#showcase-facts", Static).update(facts_content(slide.facts))
        story = slide.story or ([("", slide.description)] if slide.description else [])
        self.query_one("#showcase-story", Static).update(Content("\n").join(
            Content.assemble((f"{label}: ", "bold") if label else "", text)
            for label, text in story))
        self.query_one("#showcase-seal", Static).update(seal_content(slide.seal))

    def status(self) -> Content:
        """How the showcase runs now, and the keys."""
        seconds = integer(int(self.interval))
        state = (t("display.showcase.paused", seconds=seconds) if self.paused
                 else t("display.showcase.playing", seconds=seconds))
        return Content.assemble(("⏸ " if self.paused else "▶ ", "bold $accent"),
                                (state, "bold"), ("   ", ""), (t("display.showcase.hint"), "dim"))

    # -- moving --------------------------------------------------------------------------------

    def tick(self) -> None:
        """The timer's call: the next slide, unless paused."""
        if not self.paused and self.slides:
            self.index = (self.index + 1) % len(self.slides)
            self.show()

    def go(self, step: int) -> None:
        """Move by ``step`` slides (wrapping round); the new slide gets a whole interval."""
        if not self.slides:
            return
        self.index = (self.index + step) % len(self.slides)
        if self._timer is not None:
            self._timer.reset()
        self.show()

    def action_next(self) -> None:
        self.go(1)

    def action_previous(self) -> None:
        self.go(-1)

    def action_first(self) -> None:
        self.go(-self.index)

    def action_pause(self) -> None:
        """Pause, or run on again from the slide on show."""
        self.paused = not self.paused
        if self._timer is not None:
            if self.paused:
                self._timer.pause()
            else:
                self._timer.reset()
                self._timer.resume()
        self.show()

    def set_interval_seconds(self, seconds: float) -> None:
        """Change the seconds per slide (kept within 5 to 120); the current slide starts over."""
        self.interval = min(max(float(seconds), MIN_INTERVAL), MAX_INTERVAL)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(self.interval, self.tick, pause=self.paused)
        self.show()

    def action_slower(self) -> None:
        self.set_interval_seconds(self.interval + INTERVAL_STEP)

    def action_faster(self) -> None:
        self.set_interval_seconds(self.interval - INTERVAL_STEP)

    def action_projector(self) -> None:
        from facilitator.app.screens.display import toggle_projector

        toggle_projector(self.app)

    def action_back(self) -> None:
        if self._timer is not None:
            self._timer.pause()  # kept hidden (see Kept): the slides rest until shown again
        self.dismiss(self.interval)

    # -- language ------------------------------------------------------------------------------

    def after_relocalize(self) -> None:
        # The profile's list values (tahapan, jenis...) are labels in the language: rebuild.
        current = self.slide.idea_id if self.slide else ""
        self.slides = build_slides(self.session)
        self.index = next((n for n, s in enumerate(self.slides) if s.idea_id == current), 0)
        self.show()
