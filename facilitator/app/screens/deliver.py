"""The Deliver stage screen: the commitments and their seals, and the plans' milestones.

This first version reads the session; the Design and Deliver issue adds signing, printing,
verifying and the coaching-clinic notes on top of the same tables.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane

from facilitator.app.screens.base import StageScreen
from facilitator.app.widgets.stage_text import short_date
from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import milestones as ms
from facilitator.core.records import Commitment, Idea
from facilitator.core.seal import short_code, verify
from facilitator.i18n import t

COMMITMENT_COLUMNS = (
    Column("official", "screens.col.official", flex=2, min_width=10),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("idea", "screens.col.innovation", flex=3, min_width=10),
    Column("how", "screens.col.signed_how", width=7),
    Column("status", "screens.col.status", width=20),
)
MILESTONE_COLUMNS = (
    Column("activity", "screens.col.activity", flex=3, min_width=12),
    Column("idea", "screens.col.innovation", flex=2, min_width=8),
    Column("pic", "screens.col.pic", flex=1, min_width=6),
    Column("start", "screens.col.start_date", width=11),
    Column("end", "screens.col.end_date", width=11),
    Column("status", "screens.col.status", width=11),
)
STATUS_STYLE = {ms.NOT_STARTED: "dim", ms.IN_PROGRESS: "cyan", ms.DONE: "green",
                ms.LATE: "bold red"}


class DeliverScreen(StageScreen):
    """The commitments (who signed, how, and the seal), and the milestones with their status."""

    STAGE = "deliver"
    CSS_PATH = "deliver.tcss"
    AUTO_FOCUS = "#commitments-table"

    today: ClassVar[Callable[[], date]] = date.today
    """Where the milestones' "today" comes from; tests pin it to a date."""

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="deliver-tabs"):
            with TabPane(Content(t("screens.deliver.tab.commitments")), id="tab-commitments"):
                yield Static(id="commitments-note", markup=False)
                yield RecordTable(COMMITMENT_COLUMNS, id="commitments-table")
            with TabPane(Content(t("screens.deliver.tab.milestones")), id="tab-milestones"):
                yield Static(id="milestones-note", markup=False)
                yield RecordTable(MILESTONE_COLUMNS, id="milestones-table")

    def refresh_data(self) -> None:
        session = self.session
        commitments = session.all(Commitment)
        sealed = [c for c in commitments if c.sealed_at]
        broken = verify(session)

        note = Text(no_wrap=True, overflow="ellipsis", end="")
        note.append(f"{t('screens.deliver.sealed')}: ", style="bold")
        note.append(t("screens.deliver.sealed_of", sealed=len(sealed), total=len(commitments)))
        if sealed:
            note.append("  ·  ", style="dim")
            if broken:
                note.append(t("screens.deliver.chain_broken", count=len(broken)), style="bold red")
            else:
                note.append(t("screens.deliver.chain_intact"), style="green")
        self.query_one("#commitments-note", Static).update(note)

        rows = []
        for c in sorted(commitments, key=lambda c: (not c.sealed_at, c.seq, c.created)):
            idea = session.get(Idea, c.idea_id) if c.idea_id else None
            unit_id = c.unit_id or (idea.unit_id if idea else "")
            how = t(f"screens.deliver.how.{c.signed_how}") if c.signed_how in (
                "typed", "paper") else "–"
            if c.sealed_at:
                status = Text(t("screens.deliver.status_sealed", code=short_code(c.seal)),
                              style="green")
            else:
                status = Text(t("screens.deliver.status_unsigned"), style="yellow")
            title = idea.title if idea else t("screens.deliver.whole_unit")
            if c.withdraws:
                title = t("screens.deliver.withdrawal", title=title)
            rows.append((c.id, (c.official.get("name", ""), session.unit_name(unit_id), title,
                                how, status)))
        self.query_one("#commitments-table", RecordTable).set_rows(rows)

        items = ms.milestones(session, type(self).today())
        counts = ms.status_counts(items)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{t('screens.deliver.milestones')}: ", style="bold")
        line.append(str(len(items)))
        for status in ms.STATUSES:
            line.append("  ·  ", style="dim")
            line.append(f"{t(f'screens.milestone.{status}')} {counts[status]}",
                        style=STATUS_STYLE[status] if counts[status] else "dim")
        self.query_one("#milestones-note", Static).update(line)
        self.query_one("#milestones-table", RecordTable).set_rows(
            (m.key, (m.activity, m.idea_title, m.pic, short_date(m.start) if m.start else "",
                     short_date(m.end) if m.end else "",
                     Text(t(f"screens.milestone.{m.status}"), style=STATUS_STYLE[m.status])))
            for m in items)

        tabs = self.query_one("#deliver-tabs", TabbedContent)
        tabs.get_tab("tab-commitments").label = Content(t(
            "screens.tab_count", name=t("screens.deliver.tab.commitments"),
            count=f"{len(sealed)}/{len(commitments)}"))
        tabs.get_tab("tab-milestones").label = Content(t(
            "screens.tab_count", name=t("screens.deliver.tab.milestones"), count=len(items)))
