"""The preview of a round: who would stay, who would leave and why, before anything is recorded.

The coach reads the preview with the room, and may:
- override any decision (o or Enter) with a typed reason, which is required and kept;
- settle a tie at the cut (space on a tied idea) when the rule is a top N;
- with the rule "coach's own pick", pick the ideas that stay (space);
- show only the ideas that leave, stay, sit near the cut ("borderline": their fate would change
  if any criterion's weight moved by 20 percent) or are tied (f);
and then confirm (c), which records the round as one change, or go back (Esc).
"""

from __future__ import annotations

from typing import Any, Hashable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Input, Label, Static

from facilitator.app.screens.base import LocalizedScreen
from facilitator.app.screens.dialog import Kept, refill, retext, text_label
from facilitator.app.screens.funnel_dialogs import DIALOG_CSS, Dialog
from facilitator.app.screens.funnel_panel import Line
from facilitator.app.screens.funnel_rounds import rule_text
from facilitator.app.widgets.frame import KeysFooter
from facilitator.app.widgets.tables import Column, LazyRows, RecordTable
from facilitator.core import funnel
from facilitator.core.errors import FacilitatorError
from facilitator.core.records import Idea
from facilitator.core.session import Session
from facilitator.i18n import integer, t

PREVIEW_COLUMNS = (
    Column("flag", "design.col.flag", width=2),
    Column("decision", "screens.col.decision", width=8),
    Column("idea", "screens.col.idea", flex=2, min_width=14),
    Column("unit", "screens.col.unit", flex=1, min_width=6),
    Column("reason", "screens.col.reason", flex=3, min_width=14),
)

FILTERS = ("all", "cut", "kept", "borderline", "ties", "changed")


class RoundPreview:
    """A round being prepared: the rule's decisions and the coach's changes to them.

    Plain state, no widgets, so that the screen can be rebuilt (for the language) without
    losing the coach's overrides and tie choices.
    """

    def __init__(self, session: Session, name: str, rule: dict[str, Any]) -> None:
        self.session = session
        self.name = name
        self.rule = dict(rule)
        self.overrides: dict[str, tuple[bool, str]] = {}
        self.tie_keep: list[str] = []
        self.plan = funnel.preview(session, self.rule)
        self.borderline = funnel.borderline(session, self.rule)

    @property
    def plan(self) -> funnel.Preview:
        """The rule's decisions (worked out again when the coach's own pick changes)."""
        return self._plan

    @plan.setter
    def plan(self, plan: funnel.Preview) -> None:
        self._plan = plan
        self.tied: frozenset[str] = frozenset(plan.ties)
        """The ideas tied at the cut (asked of every idea each time the preview is shown)."""
        self.by_idea: dict[str, dict[str, Any]] = {d["idea"]: d for d in plan.decisions}
        """The rule's decision for each idea of the pool."""
        self.rule_keeps = sum(1 for d in plan.decisions if d["kept"])
        """How many ideas the rule keeps (the tied ones included, as the rule ranks them)."""
        self.need = 0
        """How many of the tied ideas can stay (0 without a tie)."""
        if plan.ties:
            sure = self.rule_keeps - sum(1 for rid in self.tied if self.by_idea[rid]["kept"])
            self.need = int(self.rule.get("n", 0)) - sure

    def toggle(self, idea_id: str) -> bool:
        """Space on an idea: pick or unpick it (own pick), or keep or drop it at a tie.
        False if the idea is neither."""
        if self.rule["kind"] == "pick":
            keep = list(self.rule.get("keep", []))
            if idea_id in keep:
                keep.remove(idea_id)
            else:
                keep.append(idea_id)
            self.rule["keep"] = keep
            self.plan = funnel.preview(self.session, self.rule)
            return True
        if idea_id in self.tied:
            if idea_id in self.tie_keep:
                self.tie_keep.remove(idea_id)
            elif len(self.tie_keep) < self.need:
                self.tie_keep.append(idea_id)
            else:
                return False
            return True
        return False

    def decision(self, base: dict[str, Any], *, override: bool = True
                 ) -> tuple[bool | None, dict[str, Any]]:
        """What the round will record for one idea: kept (None: a tie still open) and the
        reason, with the tie choice and (unless ``override`` is False) the coach's override."""
        idea_id = base["idea"]
        kept: bool | None = base["kept"]
        reason = base["reason"]
        if idea_id in self.tied:
            if idea_id in self.tie_keep:
                kept = True
            else:
                kept = False if len(self.tie_keep) == self.need else None
            if kept is not None:
                reason = dict(reason, code="tie_kept" if kept else "tie_cut")
        if override and idea_id in self.overrides:
            kept, text = self.overrides[idea_id]
            reason = {"code": "coach", "text": text, "was": reason}
        return kept, reason

    def counts(self) -> tuple[int, int, int]:
        """``(staying, leaving, still open at a tie)``."""
        # The rule's own count, corrected for the few ideas a tie or the coach decides: not
        # every idea's decision asked again (3,000 of them each time the preview is shown).
        fates = {True: self.rule_keeps, False: len(self.by_idea) - self.rule_keeps, None: 0}
        for idea_id in self.tied | self.overrides.keys():
            base = self.by_idea[idea_id]
            fates[bool(base["kept"])] -= 1
            fates[self.decision(base)[0]] += 1
        return fates[True], fates[False], fates[None]

    def apply(self):
        """Record the round (raises the core's error if a tie is still open)."""
        return funnel.apply_round(self.session, self.name, self.plan, overrides=self.overrides,
                                  tie_keep=list(self.tie_keep) if self.plan.ties else None)


class PreviewScreen(LocalizedScreen, Kept):
    """A round's preview, full screen; dismissed with the recorded round, or None."""

    KEEP = True
    """Built, a preview of 3,000 ideas took 110-230 ms to show (its table and styles made
    anew), and each one built stayed in memory some 6 MB more; kept, it is refilled."""

    DEFAULT_CSS = """
    PreviewScreen {
        #preview-title { text-style: bold; background: $primary; color: $text; }
        .preview-line { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
        #preview-tie { background: $warning 30%; display: none; }
        #preview-tie.-open { display: block; }
        #preview-table { height: 1fr; }
        #preview-detail { background: $panel; }
    }
    """
    AUTO_FOCUS = "#preview-table"

    BINDINGS = [
        Binding("c", "confirm", "Confirm", id="design.confirm_round"),
        Binding("o", "override", "Override", id="design.override"),
        Binding("space", "toggle", "Tie / pick", id="design.toggle"),
        Binding("f", "filter", "Show", id="design.filter"),
        Binding("escape", "back", "Back", id="design.back"),
    ]

    def __init__(self, state: RoundPreview, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.filter = "all"

    def compose(self) -> ComposeResult:
        yield Static(id="preview-title", classes="preview-line", markup=False)
        yield Static(id="preview-summary", classes="preview-line", markup=False)
        yield Static(id="preview-tie", classes="preview-line", markup=False)
        yield Static(id="preview-legend", classes="preview-line", markup=False)
        yield RecordTable(PREVIEW_COLUMNS, id="preview-table")
        yield Line(id="preview-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show()

    def take_over(self, fresh: "PreviewScreen") -> None:
        """Show another round's preview as a new screen would: every idea, the first under
        the cursor, nothing of the last preview's scroll."""
        self.state, self.filter = fresh.state, fresh.filter
        table = self.query_one("#preview-table", RecordTable)
        self.show()  # (the same ideas, mostly: their rows stay, with the new decisions)
        table.move_cursor(row=0, animate=False)
        table.scroll_home(animate=False, immediate=True)
        self._show_detail()
        self.refresh_bindings()

    def after_relocalize(self) -> None:
        self.show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle":
            # Dimmed (None), not hidden, without a tie: the coach sees the key is there for one,
            # and the keys row only changes its shade from one round's preview to the next.
            state = self.state
            return True if state.rule["kind"] == "pick" or state.plan.ties else None
        return True

    # -- showing -------------------------------------------------------------------------------

    def _visible(self, decision: dict[str, Any]) -> bool:
        shown, idea = self.filter, decision["idea"]
        if shown == "all":
            return True
        if shown in ("cut", "kept"):
            return self.state.decision(decision)[0] is (shown == "kept")
        return idea in {"borderline": self.state.borderline, "ties": self.state.tied,
                        "changed": self.state.overrides}[shown]

    def show(self) -> None:
        state, session = self.state, self.state.session
        staying, leaving, open_ = state.counts()
        self.query_one("#preview-title", Static).update(Text.assemble(
            t("design.preview.title", name=state.name), "  ·  ", rule_text(state.rule),
            no_wrap=True, overflow="ellipsis", end=""))
        summary = Text(no_wrap=True, overflow="ellipsis", end="")
        summary.append(t("design.preview.summary", pool=integer(len(state.plan.pool)),
                         kept=integer(staying), cut=integer(leaving)), style="bold")
        if open_:
            summary.append(" · ")
            summary.append(t("design.preview.open", count=open_), style="bold yellow")
        if state.borderline:
            summary.append(" · " + t("design.preview.borderline", count=len(state.borderline)),
                           style="yellow")
        if state.overrides:
            summary.append(" · " + t("design.preview.overridden", count=len(state.overrides)))
        self.query_one("#preview-summary", Static).update(summary)
        tie = self.query_one("#preview-tie", Static)
        if state.plan.ties:
            tie.set_class(True, "-open")
            tie.update(Text(t("design.preview.tie", count=len(state.plan.ties),
                              need=state.need, chosen=len(state.tie_keep)),
                            style="bold", no_wrap=True, overflow="ellipsis", end=""))
        else:
            tie.set_class(False, "-open")
        legend = Text(no_wrap=True, overflow="ellipsis", end="")
        legend.append(f"{t('design.preview.showing')}: ", style="dim")
        legend.append(t(f"design.preview.filter.{self.filter}"), style="bold")
        legend.append("  ·  " + t("design.preview.legend"), style="dim")
        self.query_one("#preview-legend", Static).update(legend)

        units = {u.id: u.name for u in session.units()}
        # Each row made as it is drawn: its decision in words costs more, at 3,000 ideas, than
        # the rest of the preview's showing.
        shown = state.plan.pool if self.filter == "all" else [
            idea_id for idea_id in state.plan.pool if self._visible(state.by_idea[idea_id])]
        self.query_one("#preview-table", RecordTable).set_rows(LazyRows(
            shown, lambda idea_id: self._row(state.by_idea[idea_id], units)))
        self._show_detail()

    def _row(self, decision: dict[str, Any], units: dict[str, str]) -> tuple[Any, ...]:
        """One idea's row: the mark of an override, tie or borderline, the decision, the
        idea, its unit and the reason."""
        state, session = self.state, self.state.session
        idea_id = decision["idea"]
        kept, reason = state.decision(decision)
        idea = session.get(Idea, idea_id)
        flag = ("✎" if idea_id in state.overrides else "=" if idea_id in state.tied
                else "≈" if idea_id in state.borderline else "")
        if kept is None:
            mark = Text(t("design.preview.tied"), style="bold yellow")
            value = float(decision["reason"].get("value", 0))
            why = t("design.preview.tie_reason", value=integer(int(value))
                    if state.rule["kind"] == "top_votes" else funnel.figure(value))
        else:
            mark = (Text(t("screens.design.kept"), style="bold green") if kept
                    else Text(t("screens.design.cut"), style="bold red"))
            why = funnel.reason_text(reason, session)
        return (Text(flag, style="bold yellow"), mark, idea.title if idea else idea_id,
                units.get(idea.unit_id, "") if idea else "", why)

    @on(DataTable.RowHighlighted, "#preview-table")
    def _show_detail(self) -> None:
        """The idea under the cursor in full: its title, unit, decision and reason."""
        state, session = self.state, self.state.session
        idea_id = self._cursor()
        line = Text()
        decision = state.by_idea.get(idea_id) if idea_id else None
        idea = session.get(Idea, idea_id) if idea_id else None
        if decision is not None and idea is not None:
            kept, reason = state.decision(decision)
            # The reason first: the table cuts it short at 80 columns, the title less so.
            if kept is not None:
                line.append(funnel.reason_text(reason, session) + " — ")
            line.append(idea.title, style="bold")
            unit = session.unit_name(idea.unit_id)
            if unit:
                line.append(f" · {unit}", style="dim")
        self.query_one("#preview-detail", Line).update(line)

    # -- actions -------------------------------------------------------------------------------

    def _cursor(self) -> str | None:
        return self.query_one("#preview-table", RecordTable).cursor_key

    def action_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.show()

    def action_toggle(self) -> None:
        idea = self._cursor()
        if idea is None:
            return
        if not self.state.toggle(idea):
            if idea in self.state.plan.ties:
                self.notify(t("design.preview.tie_full", need=self.state.need), severity="warning",
                            markup=False)
            else:
                self.notify(t("design.preview.not_tied"), severity="warning", markup=False)
            return
        self.show()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#preview-table")
    def action_override(self) -> None:
        idea_id = self._cursor()
        if idea_id is None:
            return
        decision = self.state.by_idea[idea_id]
        rule_kept, rule_reason = self.state.decision(decision, override=False)
        idea = self.state.session.get(Idea, idea_id)
        state = self.state

        def done(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            action, text = result
            if action == "remove":
                state.overrides.pop(idea_id, None)
            else:
                state.overrides[idea_id] = (not rule_kept, text)
            self.show()

        self.app.push_screen(OverrideDialog(
            idea.title if idea else idea_id, rule_kept,
            funnel.reason_text(rule_reason, state.session),
            state.overrides.get(idea_id, (None, ""))[1]), done)

    def action_confirm(self) -> None:
        state = self.state
        if state.plan.ties and len(state.tie_keep) != state.need:
            self.notify(t("error.tie_count", need=state.need), severity="error", markup=False)
            self.filter = "ties"
            self.show()
            return
        try:
            record = state.apply()
        except FacilitatorError as exc:
            self.notify(exc.message(), severity="error", timeout=8, markup=False)
            return
        self.dismiss(record)

    def action_back(self) -> None:
        self.dismiss(None)


class OverrideDialog(Dialog):
    """Turn one decision round (stays instead of leaves, or the other way), with the coach's
    reason, which is required. Dismissed with ``("set", reason)``, ``("remove", "")`` or None."""

    DEFAULT_CSS = "OverrideDialog {" + DIALOG_CSS + "}"
    AUTO_FOCUS = "#override-reason"
    KEEP = True

    def __init__(self, title: str, rule_kept: bool | None, rule_reason: str, text: str = "",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.idea_title = title
        self.rule_kept = rule_kept
        self.rule_reason = rule_reason
        self.text = text

    def _lines(self) -> tuple[str, str]:
        """What the rule decided and why, and what the override makes of it."""
        rule_word = (t("design.preview.tied") if self.rule_kept is None
                     else t("screens.design.kept") if self.rule_kept else t("screens.design.cut"))
        new_word = t("screens.design.cut") if self.rule_kept else t("screens.design.kept")
        return (t("design.preview.override_rule", decision=rule_word, reason=self.rule_reason),
                t("design.preview.override_new", decision=new_word))

    def compose(self) -> ComposeResult:
        rule_line, new_line = self._lines()
        with Vertical(classes="dialog-box"):
            yield Label(Content(t("design.preview.override_title")), classes="dialog-title")
            yield Static(Text(self.idea_title, style="bold"), classes="dialog-body",
                         id="override-idea")
            yield text_label(rule_line, id="override-rule")
            yield text_label(new_line, id="override-new")
            yield Input(self.text, id="override-reason",
                        placeholder=t("design.preview.override_placeholder"))
            yield text_label("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("design.preview.override_ok"), variant="primary",
                             id="override-ok", compact=True)
                if self.text:
                    yield Button(t("design.preview.override_remove"), id="override-remove",
                                 compact=True)
                yield Button(t("design.dialog.cancel"), id="override-cancel", compact=True)

    def keep_key(self) -> Hashable:
        return type(self), bool(self.text)  # an override there already can be removed: a button

    def take_over(self, fresh: "OverrideDialog") -> None:
        self.idea_title, self.rule_kept = fresh.idea_title, fresh.rule_kept
        self.rule_reason, self.text = fresh.rule_reason, fresh.text
        rule_line, new_line = self._lines()
        self.query_one("#override-idea", Static).update(Text(self.idea_title, style="bold"))
        retext(self.query_one("#override-rule"), rule_line)
        retext(self.query_one("#override-new"), new_line)
        refill(self.query_one("#override-reason", Input), self.text)
        self.show_error("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#override-ok")
    def submit(self) -> None:
        text = " ".join(self.query_one("#override-reason", Input).value.split())
        if not text:
            self.show_error(t("error.override_reason"))
            return
        self.dismiss(("set", text))

    @on(Button.Pressed, "#override-remove")
    def _remove(self) -> None:
        self.dismiss(("remove", ""))

    @on(Button.Pressed, "#override-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
