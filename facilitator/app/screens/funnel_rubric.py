"""The Design stage's rubric tab: the criteria ideas are scored on, editable for this session.

The rubric comes from the lab's template; the coach may rename a criterion, change its weight
or scale, make it a pass/fail gate or a scored criterion, add one, remove one or move it up and
down. Each edit is one change of the session (ctrl+z takes it back); the template file itself is
never touched.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Switch

from facilitator.app.screens.dialog import refill, retext, text_label
from facilitator.app.screens.funnel_dialogs import DIALOG_CSS, ConfirmDialog, Dialog
from facilitator.app.screens.funnel_panel import DesignPanel, Line
from facilitator.app.screens.scoring import criterion_codes
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.records import Criterion, Score
from facilitator.core.session import Session
from facilitator.core.template import load_default_template
from facilitator.i18n import number, t

CRITERION_COLUMNS = (
    Column("code", "design.col.code", width=4),
    Column("name", "screens.col.criterion", min_width=16),
    Column("kind", "screens.col.criterion_kind", width=9),
    Column("weight", "screens.col.weight", width=6, align="right"),
    Column("scale", "screens.col.scale", width=8, align="right"),
)


def parse_number(text: str) -> float:
    """A number typed either way, ``0,25`` or ``0.25``; ValueError if it is none."""
    cleaned = text.strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)


class RubricPanel(DesignPanel):
    """The session's criteria: name, kind (scored or gate), weight and scale."""

    TAB = "rubric"
    DEPENDS = frozenset({"criteria"})
    MAIN = "#criteria-table"

    BINDINGS = [
        Binding("e", "edit", "Edit", id="design.edit_criterion"),
        Binding("a", "add", "Add", id="design.add_criterion"),
        Binding("delete", "remove", "Remove", key_display="del", id="design.remove_criterion"),
        Binding("shift+up,ctrl+up", "move(-1)", "Up", key_display="shift+↑", show=False,
                id="design.criterion_up"),
        Binding("shift+down,ctrl+down", "move(1)", "Down", key_display="shift+↓", show=False,
                id="design.criterion_down"),
    ]

    def compose(self) -> ComposeResult:
        yield Line(id="rubric-note")
        yield RecordTable(CRITERION_COLUMNS, id="criteria-table")

    def refresh_from(self, session: Session) -> None:
        rubric = funnel.criteria(session)
        codes = criterion_codes(rubric)
        template = load_default_template()
        weights = sum(c.weight for c in rubric if not c.gate)
        self.query_one("#rubric-note", Line).update(Text.assemble(
            (f"{t('screens.design.threshold')}: ", "bold"), number(template.threshold),
            ("  ·  ", "dim"), t("design.rubric.weights", total=number(weights, 2)),
            ("  ·  ", "dim"), (t("design.rubric.hint"), "dim"),
            no_wrap=True, overflow="ellipsis", end=""))
        gate, scored = t("screens.design.gate"), t("screens.design.scored")
        self.query_one("#criteria-table", RecordTable).set_rows(
            (c.id, (codes[c.key], funnel.criterion_name(c), gate if c.gate else scored,
                    "–" if c.gate else number(c.weight, 2),
                    t("screens.design.pass_fail") if c.gate else f"1–{c.scale_max}"))
            for c in rubric)

    def _chosen(self) -> Criterion | None:
        key = self.query_one("#criteria-table", RecordTable).cursor_key
        return self.session.get(Criterion, key) if key else None

    @on(DataTable.RowSelected, "#criteria-table")
    def action_edit(self) -> None:
        crit = self._chosen()
        if crit is None:
            return
        session = self.session

        def done(values: dict[str, Any] | None) -> None:
            if values:
                fresh = session.get(Criterion, crit.id)
                if fresh is not None:
                    self.run_core(funnel.edit_criterion, session, fresh, **values)

        self.app.push_screen(CriterionDialog(crit), done)

    def action_add(self) -> None:
        session = self.session

        def done(values: dict[str, Any] | None) -> None:
            if values:
                self.run_core(funnel.add_criterion, session, **values)

        self.app.push_screen(CriterionDialog(None), done)

    def action_remove(self) -> None:
        crit = self._chosen()
        if crit is None:
            return
        session = self.session
        scored = sum(1 for s in session.all(Score) if s.criterion == crit.key)

        def done(yes: bool | None) -> None:
            if yes:
                fresh = session.get(Criterion, crit.id)
                if fresh is not None:
                    self.run_core(funnel.remove_criterion, session, fresh)

        self.app.push_screen(ConfirmDialog(
            t("design.rubric.remove_title", name=funnel.criterion_name(crit)),
            t("design.rubric.remove_body", scores=scored), t("design.rubric.remove_ok")), done)

    def action_move(self, step: int) -> None:
        crit = self._chosen()
        if crit is not None:
            self.run_core(funnel.move_criterion, self.session, crit, step)


class CriterionDialog(Dialog):
    """Edit a criterion (or a new one): name, pass/fail gate or scored, weight, scale."""

    DEFAULT_CSS = "CriterionDialog {" + DIALOG_CSS + """
        .criterion-row { height: auto; }
        .criterion-row Label { width: auto; padding: 0 1 0 0; }
        .criterion-row Input { width: 1fr; }
        #crit-gate-row { height: 1; margin-bottom: 1; }
        #crit-gate-row Switch { height: 1; border: none; padding: 0; width: 5; }
    }"""
    KEEP = True

    def __init__(self, crit: Criterion | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.crit = crit

    def _shown(self) -> tuple[str, Criterion, str]:
        """The title, the criterion whose values the fields start from, and its name."""
        if self.crit is None:
            return t("design.rubric.add_title"), Criterion(weight=0.1, scale_max=5), ""
        name = funnel.criterion_name(self.crit)
        return t("design.rubric.edit_title", name=name), self.crit, name

    def compose(self) -> ComposeResult:
        title, crit, name = self._shown()
        with Vertical(classes="dialog-box"):
            yield text_label(title, classes="dialog-title")
            yield Label(t("design.rubric.name"))
            yield Input(name, id="crit-name", compact=True)
            with Horizontal(id="crit-gate-row"):
                yield Switch(crit.gate, id="crit-gate")
                yield Label(t("design.rubric.gate_switch"))
            with Horizontal(classes="criterion-row"):
                yield Label(t("design.rubric.weight"))
                yield Input(number(crit.weight, 2), id="crit-weight", compact=True)
                yield Label(t("design.rubric.scale"))
                yield Input(str(crit.scale_max), id="crit-scale", compact=True)
            yield text_label("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("design.dialog.save"), variant="primary", id="crit-save",
                             compact=True)
                yield Button(t("design.dialog.cancel"), id="crit-cancel", compact=True)

    def on_mount(self) -> None:
        self._gate_changed()

    def take_over(self, fresh: "CriterionDialog") -> None:
        self.crit = fresh.crit
        title, crit, name = self._shown()
        retext(self.query_one(".dialog-title"), title)
        refill(self.query_one("#crit-name", Input), name)
        refill(self.query_one("#crit-weight", Input), number(crit.weight, 2))
        refill(self.query_one("#crit-scale", Input), str(crit.scale_max))
        # Set as a new switch is made: already there, not sliding there (which would also say
        # it changed), and no slide left running from the last showing.
        switch = self.query_one("#crit-gate", Switch)
        self.app.animator.force_stop_animation(switch, "_slider_position")
        switch.set_reactive(Switch.value, crit.gate)
        switch._slider_position = 1.0 if crit.gate else 0.0
        self._gate_changed()
        self.show_error("")

    @on(Switch.Changed, "#crit-gate")
    def _gate_changed(self) -> None:
        gate = self.query_one("#crit-gate", Switch).value
        for field in ("#crit-weight", "#crit-scale"):
            self.query_one(field, Input).disabled = gate

    @on(Input.Submitted)
    @on(Button.Pressed, "#crit-save")
    def submit(self) -> None:
        name = self.query_one("#crit-name", Input).value
        gate = self.query_one("#crit-gate", Switch).value
        try:
            weight = parse_number(self.query_one("#crit-weight", Input).value)
        except ValueError:
            self.show_error(t("funnel.error.criterion_weight", high=int(funnel.MAX_WEIGHT)))
            return
        try:
            scale = int(self.query_one("#crit-scale", Input).value.strip())
        except ValueError:
            self.show_error(t("funnel.error.criterion_scale", high=funnel.MAX_SCALE))
            return
        if not " ".join(name.split()):
            self.show_error(t("funnel.error.criterion_name"))
            return
        if not gate and not 0 < weight <= funnel.MAX_WEIGHT:
            self.show_error(t("funnel.error.criterion_weight", high=int(funnel.MAX_WEIGHT)))
            return
        if not gate and not 2 <= scale <= funnel.MAX_SCALE:
            self.show_error(t("funnel.error.criterion_scale", high=funnel.MAX_SCALE))
            return
        self.dismiss({"name": name, "weight": weight, "scale_max": scale, "gate": gate})

    @on(Button.Pressed, "#crit-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
