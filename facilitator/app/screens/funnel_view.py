"""The Design stage's funnel tab: the rounds as a chart, in numbers big enough for the projector,
and the funnel of each unit (OPD)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Digits, Static

from facilitator.app.screens.funnel_panel import DesignPanel, Line
from facilitator.app.widgets.funnel_chart import FunnelChart
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.session import Session
from facilitator.i18n import integer, t

ARROW_WIDTH = 3
DIGIT_WIDTH = 3
"""Cells a character of :class:`~textual.widgets.Digits` takes."""


def funnel_figures(session: Session) -> list[tuple[str, int]]:
    """The funnel's steps: every idea that entered the first round (every idea, before any
    round), then what each round kept, each with its label."""
    rounds = session.rounds()
    first = len(rounds[0].pool) if rounds else len(session.ideas())
    return [(t("design.funnel.all_ideas"), first),
            *((r.name or t("design.funnel.round", n=n), len(r.kept))
              for n, r in enumerate(rounds, start=1))]


def digits_fit(values: list[int], width: int) -> list[int]:
    """The figures the big numbers show in ``width`` cells: all of them, or else the first and
    the last (a long funnel of thousands does not fit 80 columns in big digits)."""
    def needed(shown: list[int]) -> int:
        return sum(DIGIT_WIDTH * len(integer(v)) + 2 for v in shown) + ARROW_WIDTH * (
            len(shown) - 1)
    if len(values) <= 2 or needed(values) <= width:
        return values
    return [values[0], values[-1]]


class FunnelView(DesignPanel):
    """The funnel in big numbers, as bars, and per unit."""

    TAB = "funnel"
    DEPENDS = frozenset({"rounds", "ideas", "units"})
    MAIN = "#unit-funnel-table"
    LAZY = True

    DEFAULT_CSS = """
    FunnelView #funnel-digits { height: 3; width: 1fr; }
    FunnelView #funnel-digits Digits { width: auto; padding: 0 1; }
    FunnelView #funnel-digits .funnel-arrow { width: 3; height: 3; content-align: center middle; }
    FunnelView #funnel-view-chart { margin-bottom: 1; }
    FunnelView #unit-funnel-table { height: 1fr; }
    """

    BINDINGS = [
        Binding("w", "why", "Why", id="design.why"),
        Binding("e", "export", "Export", id="design.export_why"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._values: list[int] = []
        self._shown: list[int] | None = None

    def compose(self) -> ComposeResult:
        yield Line(id="funnel-view-title")
        yield Horizontal(id="funnel-digits")
        yield FunnelChart(id="funnel-view-chart")
        yield RecordTable([Column("unit", "screens.col.unit", flex=1)], id="unit-funnel-table")

    def refresh_from(self, session: Session) -> None:
        figures = funnel_figures(session)
        self._values = [value for _, value in figures]
        self.query_one("#funnel-view-title", Line).update(
            t("design.funnel.title", figures=" → ".join(integer(v) for v in self._values)))
        self._show_digits()
        self.query_one("#funnel-view-chart", FunnelChart).set_stages(figures)
        rounds = session.rounds()
        columns = [Column("unit", "screens.col.unit", flex=1, min_width=12),
                   Column("in", "design.funnel.entered", width=5, align="right")]
        columns += [Column(f"r{n}", t("design.funnel.round_short", n=n), width=4,
                           align="right", literal=True) for n in range(1, len(rounds) + 1)]
        table = self.query_one("#unit-funnel-table", RecordTable)
        table.set_columns(columns)
        rows = []
        for unit_id, counts in funnel.unit_breakdown(session):
            name = session.unit_name(unit_id) if unit_id else t("why.no_unit")
            rows.append((unit_id or "-", (name, *counts)))
        table.set_rows(rows)

    def _show_digits(self) -> None:
        width = self.size.width or 78
        shown = digits_fit(self._values, width)
        if shown == self._shown:
            return
        self._shown = shown
        row = self.query_one("#funnel-digits", Horizontal)
        row.remove_children()
        widgets = []
        skipped = len(shown) < len(self._values)
        for n, value in enumerate(shown):
            if n:
                widgets.append(Static("⋯→" if skipped else "→", classes="funnel-arrow",
                                      markup=False))
            widgets.append(Digits(integer(value)))
        row.mount(*widgets)

    def on_resize(self) -> None:
        if self._values:
            self._show_digits()

    def action_why(self) -> None:
        self.design.open_why()

    def action_export(self) -> None:
        self.design.export_why()
