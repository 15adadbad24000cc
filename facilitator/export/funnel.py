"""The why-report: every idea's path through the rounds, as Markdown."""

from __future__ import annotations

from pathlib import Path

from facilitator.core.funnel import why_report
from facilitator.core.session import Session
from facilitator.export import register, stem, target, write_text


@register("funnel")
def export_funnel(session: Session, out: Path) -> list[Path]:
    return [write_text(target(out, f"{stem(session)}-funnel.md"), why_report(session))]
