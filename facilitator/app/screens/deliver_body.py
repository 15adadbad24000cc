"""The Deliver screen's body: its tables (each with the keys it offers) and their columns.

Imported when the body is built (``DeliverScreen.compose_body``), not with the screen: the app
opens on the Deliver stage of a session with sealed commitments, and its first frame (header,
stage bar, keys) should not wait for the tables and the core modules behind them.
"""

from __future__ import annotations

from textual.binding import Binding

from facilitator.app.widgets.tables import Column, RecordTable
from facilitator.core import commitments as cm, milestones as ms

COMMITMENT_COLUMNS = (
    Column("official", "screens.col.official", flex=2, min_width=10),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("idea", "screens.col.innovation", flex=3, min_width=10),
    Column("how", "screens.col.signed_how", width=7),
    Column("status", "screens.col.status", width=20),
)
PLAN_COLUMNS = (
    Column("idea", "screens.col.innovation", flex=3, min_width=12),
    Column("unit", "screens.col.unit", flex=2, min_width=8),
    Column("steps", "deliver.col.steps", width=7, align="right"),
    Column("complete", "deliver.col.complete", width=7, align="right"),
    Column("hint", "deliver.col.hint", flex=3, min_width=10),
)
MILESTONE_COLUMNS = (
    Column("activity", "screens.col.activity", flex=3, min_width=12),
    Column("idea", "screens.col.innovation", flex=2, min_width=8),
    Column("pic", "screens.col.pic", flex=1, min_width=6),
    Column("start", "screens.col.start_date", width=11),
    Column("end", "screens.col.end_date", width=11),
    Column("status", "screens.col.status", width=11),
)
NOTE_COLUMNS = (
    Column("day", "deliver.col.day", width=11),
    Column("idea", "screens.col.innovation", flex=2, min_width=10),
    Column("step", "deliver.col.step", width=4, align="right"),
    Column("text", "deliver.col.note", flex=3, min_width=14),
)
UNIT_COLUMNS = (
    Column("unit", "screens.col.unit", flex=1, min_width=12),
    Column("plans", "deliver.col.plans", width=7, align="right"),
    Column("complete", "deliver.col.complete", width=7, align="right"),
    Column("done", "deliver.col.done", width=7, align="right"),
    Column("late", "deliver.col.late", width=9, align="right"),
    Column("sealed", "deliver.col.sealed", width=8, align="right"),
    Column("clinic", "deliver.col.clinic", width=11),
)
STATUS_STYLE = {ms.NOT_STARTED: "dim", ms.IN_PROGRESS: "cyan", ms.DONE: "green",
                ms.LATE: "bold red"}
STATE_STYLE = {cm.UNSIGNED: "yellow", cm.SEALED: "green", cm.WITHDRAWN: "magenta",
               cm.WITHDRAWAL_SEALED: "green", cm.WITHDRAWAL_UNSIGNED: "yellow"}


class CommitmentsTable(RecordTable):
    BINDINGS = [
        Binding("n", "screen.new_commitment", "New", id="deliver.new"),
        Binding("e", "screen.edit_commitment", "Edit", id="deliver.edit", show=False),
        Binding("t", "screen.sign_typed", "Sign", id="deliver.sign_typed"),
        Binding("s", "screen.sign_paper", "Sheet", id="deliver.sign_paper"),
        Binding("p", "screen.print_sheets", "Print", id="deliver.print"),
        Binding("w", "screen.withdraw", "Withdraw", id="deliver.withdraw", show=False),
        Binding("v", "screen.verify", "Verify", id="deliver.verify", show=False),
        Binding("delete", "screen.delete_commitment", "Delete", id="deliver.delete",
                show=False),
    ]


class PlansTable(RecordTable):
    BINDINGS = [
        Binding("e", "screen.open_plan", "Plan", id="deliver.open_plan"),
    ]


class MilestonesTable(RecordTable):
    BINDINGS = [
        Binding("space", "screen.toggle_done", "Done", id="deliver.toggle_done"),
        Binding("c", "screen.add_note", "Note", id="deliver.add_note"),
        Binding("e", "screen.open_plan", "Plan", id="deliver.open_plan"),
        Binding("l", "screen.toggle_late", "Late only", id="deliver.late_only"),
    ]


class NotesTable(RecordTable):
    BINDINGS = [
        Binding("c", "screen.add_note", "Note", id="deliver.add_note"),
        Binding("e", "screen.edit_note", "Edit", id="deliver.edit_note"),
        Binding("delete", "screen.delete_note", "Delete", id="deliver.delete_note"),
    ]


class UnitsTable(RecordTable):
    pass
