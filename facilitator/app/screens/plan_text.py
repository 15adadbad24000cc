"""How the plans read on screen: completeness meters and hints, in the user's language.

Kept apart from the plan editor so that the Deliver screen can show a plan's hints without
loading the editor's widgets.
"""

from __future__ import annotations

from rich.text import Text

from facilitator.core import plans
from facilitator.core.records import ActionPlan
from facilitator.i18n import integer, t

METER_WIDTH = 10


def meter(percent: int, width: int = METER_WIDTH) -> Text:
    """A bar of ``width`` cells filled to ``percent``."""
    filled = round(width * max(0, min(100, percent)) / 100)
    style = "green" if percent >= 100 else "yellow" if percent >= 50 else "red"
    return Text.assemble(("█" * filled, style), ("░" * (width - filled), "dim"))


def hint_text(hint: plans.Hint) -> str:
    """One hint in the user's language."""
    values = hint.values
    if "fields" in values:
        values["fields"] = ", ".join(t(f"plans.field.{name}") for name in values["fields"])
    if "words" in values:
        values["words"] = integer(values["words"])
    return t(f"plans.hint.{hint.code}", **values)


def hints_line(plan: ActionPlan) -> Text:
    """What a plan lacks, in one line (green when nothing does)."""
    found = plans.hints(plan)
    if not found:
        return Text(t("plans.hint.complete"), style="green")
    return Text("; ".join(hint_text(h) for h in found), style="yellow")
