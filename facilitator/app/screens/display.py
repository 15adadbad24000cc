"""The Display stage screen: the launch dashboard, big numbers and the funnel, for the projector.

This first version shows the figures; the Display issue adds the showcase (one innovation at a
time) and the catalogue.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from facilitator.app.screens.base import StageScreen
from facilitator.app.widgets.funnel_chart import FunnelChart
from facilitator.core.stats import stats
from facilitator.i18n import t

BIG_NUMBERS = ("ideas", "selected", "opds", "commitments")
"""The figures of the launch, keys of ``stats.stats``, in the order the room reads them."""


def funnel_stages(figures: dict) -> list[tuple[str, int]]:
    """The funnel's bars: every idea that entered the first round (or every idea, before any),
    then what each round kept, labelled with the round's name."""
    rounds = figures["funnel"]
    first = rounds[0]["in"] if rounds else figures["ideas"]
    return [(t("screens.display.all_ideas"), first),
            *((r["name"] or t("screens.display.round", n=n), r["out"])
              for n, r in enumerate(rounds, start=1))]


class DisplayScreen(StageScreen):
    """Big numbers for the launch, and the funnel as a chart."""

    STAGE = "display"
    CSS_PATH = "display.tcss"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="big-numbers"):
            for key in BIG_NUMBERS:
                with Vertical(classes="big-number", id=f"big-{key}"):
                    yield Digits("0", id=f"num-{key}")
                    yield Static(id=f"label-{key}", classes="big-label", markup=False)
        yield Static(id="funnel-title", markup=False)
        yield FunnelChart(id="funnel-chart")

    def refresh_data(self) -> None:
        figures = stats(self.session)
        for key in BIG_NUMBERS:
            self.query_one(f"#num-{key}", Digits).update(str(figures[key]))
            self.query_one(f"#label-{key}", Static).update(t(f"screens.display.big.{key}"))
        self.query_one("#funnel-title", Static).update(t("screens.display.funnel_title"))
        self.query_one("#funnel-chart", FunnelChart).set_stages(funnel_stages(figures))
