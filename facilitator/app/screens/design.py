"""The Design stage screen: the funnel's rounds and every decision's reason, the rubric, the plans.

This first version reads the session; the funnel issue adds merging, scoring, voting and running
rounds, and the Design and Deliver issue the plan editor, on top of the same tables.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from facilitator.app.screens.base import StageScreen
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import funnel
from facilitator.core.progress import MIN_DESIGN_WORDS, completeness
from facilitator.core.records import ActionPlan, Idea, Round
from facilitator.core.template import load_default_template
from facilitator.i18n import integer, language, number, t

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
CRITERION_COLUMNS = (
    Column("name", "screens.col.criterion", min_width=16),
    Column("kind", "screens.col.criterion_kind", width=9),
    Column("weight", "screens.col.weight", width=6, align="right"),
    Column("scale", "screens.col.scale", width=8, align="right"),
)
PLAN_COLUMNS = (
    Column("idea", "screens.col.innovation", flex=3, min_width=14),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("steps", "screens.col.steps", width=7, align="right"),
    Column("complete", "screens.col.complete", width=7, align="right"),
    Column("hint", "screens.col.hint", flex=3, min_width=12),
)


def rule_text(rule: dict[str, Any]) -> str:
    """A round's rule in the user's language, e.g. "skor ≥ 3,0" or "41 skor teratas"."""
    kind = str(rule.get("kind", ""))
    params: dict[str, Any] = {}
    if "threshold" in rule:
        params["threshold"] = number(float(rule["threshold"]))
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


class DesignScreen(StageScreen):
    """The funnel (rounds and the reason for every decision), the rubric and the action plans."""

    STAGE = "design"
    CSS_PATH = "design.tcss"
    AUTO_FOCUS = "#decisions-table"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._round_id: str | None = None

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="design-tabs"):
            with TabPane(Content(t("screens.design.tab.funnel")), id="tab-funnel"):
                yield Static(id="funnel-summary", markup=False)
                yield RecordTable(ROUND_COLUMNS, id="rounds-table")
                yield RecordTable(DECISION_COLUMNS, id="decisions-table")
            with TabPane(Content(t("screens.design.tab.rubric")), id="tab-rubric"):
                yield Static(id="rubric-note", markup=False)
                yield RecordTable(CRITERION_COLUMNS, id="criteria-table")
            with TabPane(Content(t("screens.design.tab.plans")), id="tab-plans"):
                yield Static(id="plans-note", markup=False)
                yield RecordTable(PLAN_COLUMNS, id="plans-table")

    def refresh_data(self) -> None:
        session = self.session
        rounds = session.rounds()
        ideas = session.ideas()

        summary = Text(no_wrap=True, overflow="ellipsis", end="")
        summary.append(f"{t('screens.design.funnel')}: ", style="bold")
        summary.append(funnel_line(rounds, len(ideas)))
        if not rounds:
            summary.append(f"  ·  {t('screens.design.no_rounds')}", style="dim")
        self.query_one("#funnel-summary", Static).update(summary)

        table = self.query_one("#rounds-table", RecordTable)
        table.set_rows((r.id, (r.order, r.name, rule_text(r.rule), len(r.pool), len(r.kept),
                               len(r.pool) - len(r.kept))) for r in rounds)
        ids = [r.id for r in rounds]
        if self._round_id not in ids:
            # The newest round is what the room just decided; show it first.
            self._round_id = ids[-1] if ids else None
        if self._round_id is not None and table.cursor_key != self._round_id:
            # A refilled table (new round, or rebuilt for the language) starts at the top.
            table.move_cursor(row=ids.index(self._round_id), animate=False)
        self._show_decisions()

        self._show_rubric()
        self._show_plans()

        tabs = self.query_one("#design-tabs", TabbedContent)
        counts = {"funnel": len(rounds), "rubric": len(funnel.criteria(session)),
                  "plans": len(session.all(ActionPlan))}
        for name, count in counts.items():
            tabs.get_tab(f"tab-{name}").label = Content(
                t("screens.tab_count", name=t(f"screens.design.tab.{name}"), count=count))

    def _show_decisions(self) -> None:
        session = self.session
        chosen = session.get(Round, self._round_id) if self._round_id else None
        rows = []
        kept_word, cut_word = t("screens.design.kept"), t("screens.design.cut")
        for decision in chosen.decisions if chosen else []:
            idea = session.get(Idea, decision["idea"])
            mark = (Text(kept_word, style="bold green") if decision["kept"]
                    else Text(cut_word, style="bold red"))
            rows.append((decision["idea"], (
                idea.title if idea else decision["idea"],
                session.unit_name(idea.unit_id) if idea else "", mark,
                funnel.reason_text(decision.get("reason", {}), session))))
        self.query_one("#decisions-table", RecordTable).set_rows(rows)

    def _show_rubric(self) -> None:
        rubric = funnel.criteria(self.session)
        lang = language()
        template = load_default_template()
        self.query_one("#rubric-note", Static).update(Text.assemble(
            (f"{t('screens.design.threshold')}: ", "bold"), number(template.threshold),
            ("  ·  ", "dim"), t("screens.design.gate_note"), no_wrap=True, overflow="ellipsis",
            end=""))
        gate, scored = t("screens.design.gate"), t("screens.design.scored")
        self.query_one("#criteria-table", RecordTable).set_rows(
            (c.id, (c.name.get(lang) or c.name.get("id") or c.key,
                    gate if c.gate else scored,
                    "–" if c.gate else number(c.weight, 2),
                    t("screens.design.pass_fail") if c.gate else f"1–{c.scale_max}"))
            for c in rubric)

    def _show_plans(self) -> None:
        session = self.session
        plans = session.all(ActionPlan)
        rows = []
        for plan in plans:
            idea = session.get(Idea, plan.idea_id)
            done = completeness(plan)
            rows.append((plan.id, (
                idea.title if idea else "", session.unit_name(idea.unit_id) if idea else "",
                len(plan.steps), f"{done.percent}%", self._hint(done))))
        self.query_one("#plans-table", RecordTable).set_rows(rows)
        mean = round(sum(completeness(p).percent for p in plans) / len(plans)) if plans else 0
        self.query_one("#plans-note", Static).update(Text.assemble(
            (f"{t('screens.design.plans')}: ", "bold"),
            t("screens.design.plans_summary", plans=len(plans),
              selected=len(session.selected_ids()), mean=mean),
            no_wrap=True, overflow="ellipsis", end=""))

    @staticmethod
    def _hint(done) -> Text:
        parts: list[str] = []
        if done.design_short:
            parts.append(t("screens.design.hint_design_words", words=done.design_words,
                           need=MIN_DESIGN_WORDS))
        if done.missing:
            parts.append(t("screens.design.hint_missing", fields=", ".join(
                t(f"screens.profile.{name}") for name in done.missing)))
        if not parts:
            return Text(t("screens.design.hint_complete"), style="green")
        return Text("; ".join(parts), style="yellow")

    @on(DataTable.RowHighlighted, "#rounds-table")
    def _round_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key and key != self._round_id:
            self._round_id = key
            self._show_decisions()
