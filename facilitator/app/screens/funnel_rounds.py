"""The Design stage's rounds tab: the funnel's rounds, every decision's reason, new rounds.

A new round (n) takes the current pool and a rule; the coach sees a preview before anything is
recorded (:mod:`facilitator.app.screens.funnel_preview`). The latest round can be undone (u),
whatever was changed after it, after the app has said what that will undo; ctrl+z right after a
round takes it back too.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, RadioButton, RadioSet

from facilitator.app.screens.dialog import refill, retext, text_label
from facilitator.app.screens.funnel_dialogs import DIALOG_CSS, ConfirmDialog, Dialog
from facilitator.app.screens.funnel_panel import DesignPanel, Line
from facilitator.app.screens.funnel_rubric import parse_number
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.records import ActionPlan, Commitment, Idea, Round
from facilitator.core.session import Session
from facilitator.core.template import load_default_template
from facilitator.i18n import integer, number, t

ROUND_COLUMNS = (
    Column("order", "screens.col.number", width=2, align="right"),
    Column("name", "screens.col.round", flex=2, min_width=10),
    Column("rule", "screens.col.rule", flex=3, min_width=10),
    Column("in", "screens.col.in", width=5, align="right"),
    Column("kept", "screens.col.kept", width=5, align="right"),
    Column("cut", "screens.col.cut", width=5, align="right"),
)
DECISION_COLUMNS = (
    Column("idea", "screens.col.idea", flex=3, min_width=14),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("decision", "screens.col.decision", width=8),
    Column("reason", "screens.col.reason", flex=3, min_width=14),
)


def rule_text(rule: dict[str, Any]) -> str:
    """A round's rule in the user's language, e.g. "skor ≥ 3,0" or "41 skor teratas"."""
    kind = str(rule.get("kind", ""))
    params: dict[str, Any] = {}
    if "threshold" in rule:
        params["threshold"] = funnel.threshold_text(float(rule["threshold"]))
    if "n" in rule:
        params["n"] = rule["n"]
    if kind in funnel.RULES:
        return t(f"screens.design.rule.{kind}", **params)
    return kind


def funnel_line(rounds: list[Round], ideas: int) -> str:
    """The funnel in one line, ``64 → 52 → 41``: the first round's pool, then what each kept."""
    if not rounds:
        return integer(ideas)
    return " → ".join(integer(n) for n in [len(rounds[0].pool), *(len(r.kept) for r in rounds)])


class RoundsPanel(DesignPanel):
    """The rounds so far and the decisions of the chosen one, each with its reason."""

    TAB = "rounds"
    DEPENDS = frozenset({"rounds", "ideas", "units", "criteria"})
    MAIN = "#decisions-table"
    LAZY = True

    BINDINGS = [
        Binding("n", "new_round", "New round", id="design.new_round"),
        Binding("u", "undo_round", "Undo round", id="design.undo_round"),
        Binding("w", "why", "Why", id="design.why"),
    ]

    def compose(self) -> ComposeResult:
        yield Line(id="funnel-summary")
        yield RecordTable(ROUND_COLUMNS, id="rounds-table")
        yield RecordTable(DECISION_COLUMNS, id="decisions-table")
        yield Line(id="decision-detail")

    def refresh_from(self, session: Session) -> None:
        rounds = session.rounds()
        summary = Text(no_wrap=True, overflow="ellipsis", end="")
        summary.append(f"{t('screens.design.funnel')}: ", style="bold")
        summary.append(funnel_line(rounds, len(session.ideas())))
        if rounds:
            summary.append("  ·  " + t("design.rounds.pool", count=integer(
                len(funnel.pool(session)))), style="dim")
        else:
            summary.append(f"  ·  {t('screens.design.no_rounds')}", style="dim")
        summary.append("  ·  " + t("design.rounds.hint"), style="dim")
        self.query_one("#funnel-summary", Line).update(summary)

        table = self.query_one("#rounds-table", RecordTable)
        table.set_rows((r.id, (r.order, r.name, rule_text(r.rule), len(r.pool), len(r.kept),
                               len(r.pool) - len(r.kept))) for r in rounds)
        ids = [r.id for r in rounds]
        design = self.design
        if design.round_id not in ids:
            # The newest round is what the room just decided; show it first.
            design.round_id = ids[-1] if ids else None
        if design.round_id is not None and table.cursor_key != design.round_id:
            table.move_cursor(row=ids.index(design.round_id), animate=False)
        self._show_decisions()

    def _show_decisions(self) -> None:
        session = self.session
        chosen = session.get(Round, self.design.round_id) if self.design.round_id else None
        rows = []
        kept_word, cut_word = t("screens.design.kept"), t("screens.design.cut")
        units = {u.id: u.name for u in session.units()}
        for decision in chosen.decisions if chosen else []:
            idea = session.get(Idea, decision["idea"])
            mark = (Text(kept_word, style="bold green") if decision["kept"]
                    else Text(cut_word, style="bold red"))
            rows.append((decision["idea"], (
                idea.title if idea else decision["idea"],
                units.get(idea.unit_id, "") if idea else "", mark,
                funnel.reason_text(decision.get("reason", {}), session))))
        self.query_one("#decisions-table", RecordTable).set_rows(rows)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#decisions-table")
    def _show_detail(self) -> None:
        """The decision under the cursor in full: the idea, its unit and the whole reason."""
        session = self.session
        chosen = session.get(Round, self.design.round_id) if self.design.round_id else None
        key = self.query_one("#decisions-table", RecordTable).cursor_key
        decision = next((d for d in chosen.decisions if d["idea"] == key), None) if chosen \
            else None
        idea = session.get(Idea, key) if key else None
        line = Text()
        if decision is not None and idea is not None:
            # The reason first: the table cuts it short at 80 columns, the title less so.
            line.append(t("screens.design.kept") if decision["kept"] else t("screens.design.cut"),
                        style="bold green" if decision["kept"] else "bold red")
            line.append(": " + funnel.reason_text(decision.get("reason", {}), session))
            line.append(" — ")
            line.append(idea.title, style="bold")
            unit = session.unit_name(idea.unit_id)
            if unit:
                line.append(f" · {unit}", style="dim")
        self.query_one("#decision-detail", Line).update(line)

    @on(DataTable.RowHighlighted, "#rounds-table")
    def _round_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key and key != self.design.round_id:
            self.design.round_id = key
            self._show_decisions()

    # -- actions -------------------------------------------------------------------------------

    def action_new_round(self) -> None:
        session = self.session
        size = len(funnel.pool(session))
        if not size:
            self.notify(t("design.rounds.empty_pool"), severity="warning", markup=False)
            return
        design = self.design

        def chosen(result: tuple[str, dict[str, Any]] | None) -> None:
            if result:
                design.open_preview(*result)

        self.app.push_screen(RoundDialog(len(session.rounds()) + 1, size,
                                         funnel.common_scale(funnel.criteria(session))), chosen)

    def action_undo_round(self) -> None:
        session = self.session
        rounds = session.rounds()
        if not rounds:
            self.notify(t("design.rounds.none_to_undo"), severity="warning", markup=False)
            return
        last = rounds[-1]
        kept = set(last.kept)
        plans = sum(1 for p in session.all(ActionPlan) if p.idea_id in kept)
        commitments = sum(1 for c in session.all(Commitment) if c.idea_id in kept)
        body = Text(t("design.rounds.undo_body", name=last.name, pool=len(last.pool),
                      kept=len(last.kept)))
        if plans or commitments:
            body.append("\n\n" + t("design.rounds.undo_linked", plans=plans,
                                   commitments=commitments), style="bold")
        design = self.design

        def done(yes: bool | None) -> None:
            if yes and self.run_core(funnel.undo_round, session) is not None:
                design.notify(t("design.rounds.undone", name=last.name), markup=False)

        self.app.push_screen(ConfirmDialog(t("design.rounds.undo_title", name=last.name),
                                           body, t("design.rounds.undo_ok")), done)

    def action_why(self) -> None:
        self.design.open_why()


class RuleChoice(RadioSet):
    """The rules to choose from; Enter on one (even the one already chosen) moves on."""

    class Chosen(Message):
        """Enter was pressed on a rule."""

    def action_toggle_button(self) -> None:
        super().action_toggle_button()
        self.post_message(self.Chosen())

    def start_over(self) -> None:
        """The first rule pressed and highlighted, as in a new set; at once and without a
        message (pressing a button tells the set only later, by message, which would show the
        kept dialog with two rules pressed)."""
        buttons = list(self.query(RadioButton))
        with self.prevent(RadioButton.Changed):
            for button in buttons:
                button.value = button is buttons[0]
        self._pressed_button = buttons[0]
        self._selected = 0


class RoundDialog(Dialog):
    """A new round: its name, its rule and the rule's number; dismissed with
    ``(name, rule)`` for the preview, or None."""

    DEFAULT_CSS = "RoundDialog {" + DIALOG_CSS + """
        #round-rule { width: 1fr; height: auto; border: none; padding: 0; }
        #round-param-row { height: auto; }
        #round-param-row Label { width: auto; padding: 0 1 0 0; }
        #round-param { width: 16; }
    }"""
    AUTO_FOCUS = "#round-rule"
    KEEP = True

    def __init__(self, number_: int, pool_size: int, scale: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.number = number_
        self.pool_size = pool_size
        self.scale = scale

    def _title(self) -> str:
        return t("design.rounds.new_title", pool=integer(self.pool_size))

    def _default_name(self) -> str:
        return t("design.rounds.default_name", n=self.number)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield text_label(self._title(), classes="dialog-title")
            yield Label(t("design.rounds.name"))
            yield Input(self._default_name(), id="round-name", compact=True)
            yield Label(t("design.rounds.rule"))
            with RuleChoice(id="round-rule"):
                for n, kind in enumerate(funnel.RULES):
                    # The first rule is pressed, and highlighted: the arrow keys start there.
                    yield RadioButton(Content(t(f"design.rounds.rules.{kind}")), value=n == 0,
                                      id=f"rule-{kind}")
            with Horizontal(id="round-param-row"):
                yield Label(id="round-param-label")
                yield Input(id="round-param", compact=True)
            yield text_label("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("design.rounds.preview"), variant="primary", id="round-ok",
                             compact=True)
                yield Button(t("design.dialog.cancel"), id="round-cancel", compact=True)

    def on_mount(self) -> None:
        self._rule_changed()

    def take_over(self, fresh: "RoundDialog") -> None:
        self.number, self.pool_size, self.scale = fresh.number, fresh.pool_size, fresh.scale
        retext(self.query_one(".dialog-title"), self._title())
        refill(self.query_one("#round-name", Input), self._default_name())
        self.query_one("#round-rule", RuleChoice).start_over()
        # The rule's row as for the first rule (no RadioSet.Changed comes to set it); it is
        # filled anew, for this round's scale and pool, whenever a rule with a number is chosen.
        self._shown_kind = None
        self._rule_changed()

    @property
    def kind(self) -> str:
        pressed = self.query_one("#round-rule", RadioSet).pressed_button
        return (pressed.id or "rule-gates").removeprefix("rule-") if pressed else "gates"

    _shown_kind: str | None = None
    """The rule the parameter row was last set for (None: none yet)."""

    @on(RadioSet.Changed, "#round-rule")
    def _rule_changed(self) -> None:
        kind = self.kind
        if kind == self._shown_kind:
            return
        self._shown_kind = kind
        label = self.query_one("#round-param-label", Label)
        field = self.query_one("#round-param", Input)
        row = self.query_one("#round-param-row")
        row.display = kind in ("threshold", "top_score", "top_votes")
        if kind == "threshold":
            label.update(t("design.rounds.threshold", high=self.scale))
            field.value = number(load_default_template().threshold)
        elif kind in ("top_score", "top_votes"):
            label.update(t("design.rounds.top_n", pool=integer(self.pool_size)))
            field.value = ""
        self.show_error("")

    @on(RuleChoice.Chosen)
    def _rule_chosen(self) -> None:
        # Once the radio set has said which rule is pressed now: on to the rule's number, or
        # straight to the preview button if it takes none.
        def move_on() -> None:
            self._rule_changed()
            takes_number = self.kind in ("threshold", "top_score", "top_votes")
            self.query_one("#round-param" if takes_number else "#round-ok").focus()

        self.call_after_refresh(move_on)

    @on(Input.Submitted)
    @on(Button.Pressed, "#round-ok")
    def submit(self) -> None:
        name = " ".join(self.query_one("#round-name", Input).value.split())
        if not name:
            self.show_error(t("design.rounds.name_empty"))
            return
        kind = self.kind
        rule: dict[str, Any] = {"kind": kind}
        text = self.query_one("#round-param", Input).value
        if kind == "threshold":
            try:
                value = parse_number(text)
            except ValueError:
                value = -1.0
            if not 0 < value <= self.scale:
                self.show_error(t("design.rounds.threshold_bad", high=self.scale))
                return
            rule["threshold"] = value
        elif kind in ("top_score", "top_votes"):
            try:
                n = int(text.strip())
            except ValueError:
                n = 0
            if not 1 <= n <= self.pool_size:
                self.show_error(t("design.rounds.top_n_bad", pool=integer(self.pool_size)))
                return
            rule["n"] = n
        elif kind == "pick":
            rule["keep"] = []
        self.dismiss((name, rule))

    @on(Button.Pressed, "#round-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
