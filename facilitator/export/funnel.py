"""The why-report: every idea's path through the rounds, as Markdown."""

from __future__ import annotations

from facilitator.core.funnel import why_report
from facilitator.core.session import Session
from facilitator.export import register_files, stem


@register_files("funnel")
def export_funnel(session: Session) -> dict[str, bytes]:
    return {f"{stem(session)}-funnel.md": why_report(session).encode("utf-8", "replace")}
