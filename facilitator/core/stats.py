"""The counts a session reports: for the stage bar, the picker and ``facilitator stats``."""

from __future__ import annotations

from typing import Any

from facilitator.core.records import ActionPlan, Note, Participant, Problem, Unit
from facilitator.core.session import Session


def current_stage(session: Session) -> str:
    """The furthest stage the session's records have reached."""
    if session.sealed():
        return "deliver"
    if session.rounds() or session.all(ActionPlan):
        return "design"
    if session.ideas() or session.all(Problem):
        return "diagnose"
    return "drumup"


def stats(session: Session) -> dict[str, Any]:
    """The session's counts, in the shape ``facilitator stats --json`` promises.

    ``ideas`` counts the ideas in the session now (not deleted, not merged away); ``funnel`` lists
    the rounds oldest first, each with the size of its pool and of what passed; ``selected`` is the
    number that passed the last round; ``commitments`` counts the sealed ones.
    """
    # Here rather than at the top: the commitments module brings the plans and the check-in
    # with it, and current_stage (which the app asks before it starts) needs none of them.
    from facilitator.core.commitments import in_force

    lab = session.lab
    rounds = session.rounds()
    return {
        "region": lab.region,
        "date": lab.dates[0] if lab.dates else "",
        "stage": current_stage(session),
        "ideas": len(session.ideas()),
        "opds": len(session.all(Unit)),
        "participants": len(session.all(Participant)),
        "attended": sum(1 for p in session.all(Participant) if p.attendance),
        "problems": len(session.all(Problem)),
        "funnel": [{"name": r.name, "in": len(r.pool), "out": len(r.kept)} for r in rounds],
        "selected": len(rounds[-1].kept) if rounds else 0,
        "plans": len(session.all(ActionPlan)),
        # Sealed and still standing: a withdrawal is a sealed record too, but not a commitment.
        "commitments": len(in_force(session)),
        "notes": len(session.all(Note)),
    }
