"""What the export formats share: dates in the reader's language, the selected innovations by
unit with their profiles, the people who sign, and text made safe for XML-based files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from facilitator.core.records import (
    PROFILE_FIELDS, ActionPlan, Commitment, Idea, Participant, Unit,
)
from facilitator.core.session import Session
from facilitator.i18n import language, t_in

# Characters XML 1.0 cannot hold at all (Word, Excel and OpenDocument files are XML): control
# characters other than tab and newline, lone surrogates and the two non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

PROFILE_LISTS = {"tahapan": "tahapan", "inisiator": "initiator", "jenis": "jenis",
                 "bentuk": "bentuk"}
"""The profile fields whose values are keys of a template list, and that list's name."""

IDEA_PROFILE = {"inisiator": "initiator", "jenis": "jenis", "bentuk": "bentuk",
                "urusan": "urusan"}
"""Profile fields an idea already carries (under another name) before its plan is written."""


def xml_text(value: Any) -> str:
    """Text that an XML-based document (docx, xlsx) accepts: what XML forbids becomes ``?``,
    except control characters, which are dropped."""
    text = "" if value is None else str(value)
    return _NOT_XML.sub(lambda m: "?" if "\ud800" <= m.group() <= "\udfff" else "", text)


def parse_date(value: str) -> date | None:
    """A ``YYYY-MM-DD`` date (the start of an ISO time is enough), or None."""
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def long_date(value: str, lang: str | None = None, *, weekday: bool = False) -> str:
    """``16 Juni 2021`` (or ``Rabu, 16 Juni 2021``) in the language; anything that is not a
    date is returned as written."""
    lang = lang or language()
    day = parse_date(value)
    if day is None:
        return str(value)
    text = t_in(lang, "export.date.long", day=day.day,
                month=t_in(lang, f"export.month.{day.month}"), year=day.year)
    if weekday:
        text = t_in(lang, "export.date.weekday",
                    weekday=t_in(lang, f"export.weekday.{day.weekday()}"), date=text)
    return text


def dates_text(values: list[str], lang: str | None = None) -> str:
    """The lab's days for a heading: one day, a run of days (``Rabu – Jumat, 16 – 18 Juni
    2021``) or a list."""
    lang = lang or language()
    days = sorted({d for d in (parse_date(v) for v in values) if d is not None})
    others = [str(v) for v in values if parse_date(v) is None and str(v).strip()]
    if not days:
        return "; ".join(others)
    run = all(b - a == timedelta(days=1) for a, b in zip(days, days[1:]))
    if len(days) > 1 and run and (days[0].year, days[0].month) == (days[-1].year,
                                                                    days[-1].month):
        text = t_in(lang, "export.date.range_same_month",
                    first_weekday=t_in(lang, f"export.weekday.{days[0].weekday()}"),
                    last_weekday=t_in(lang, f"export.weekday.{days[-1].weekday()}"),
                    first=days[0].day, last=days[-1].day,
                    month=t_in(lang, f"export.month.{days[-1].month}"), year=days[-1].year)
    elif len(days) > 1 and run:
        text = t_in(lang, "export.date.range", first=long_date(days[0].isoformat(), lang,
                                                               weekday=True),
                    last=long_date(days[-1].isoformat(), lang, weekday=True))
    else:
        text = "; ".join(long_date(d.isoformat(), lang, weekday=True) for d in days)
    return "; ".join([text, *others])


def clock(hhmm: str, lang: str | None = None) -> str:
    """A time of day as the language writes it: ``08.00`` in Bahasa Indonesia, ``08:00`` in
    English."""
    return hhmm.replace(":", ".") if (lang or language()) == "id" else hhmm


def timestamp(value: str, lang: str | None = None) -> str:
    """An ISO time as ``2021-11-04 10.22 UTC`` (the seal's time); other text as written."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    zone = " UTC" if moment.utcoffset() == timedelta(0) else ""
    return f"{moment:%Y-%m-%d} {clock(f'{moment:%H:%M}', lang)}{zone}"


@dataclass
class Innovation:
    """A selected innovation with what the catalogue and the national form show of it."""

    idea: Idea
    unit: str
    plan: ActionPlan | None
    profile: dict[str, str] = field(default_factory=dict)


def plan_of(session: Session, idea_id: str) -> ActionPlan | None:
    """The action plan of an idea (the most recently updated, if there are several)."""
    plans = [p for p in session.all(ActionPlan) if p.idea_id == idea_id]
    return max(plans, key=lambda p: p.updated) if plans else None


def profile_of(idea: Idea, plan: ActionPlan | None, lang: str | None = None) -> dict[str, str]:
    """The profile fields in the language: the plan's values, else what the idea itself says;
    list values (tahapan, inisiator, jenis, bentuk) shown with the template's labels."""
    from facilitator.core.template import load_default_template

    lang = lang or language()
    template = load_default_template()
    values: dict[str, str] = {}
    for name in PROFILE_FIELDS:
        value = str((plan.profile.get(name, "") if plan else "") or "").strip()
        if not value and name in IDEA_PROFILE:
            value = str(getattr(idea, IDEA_PROFILE[name], "") or "").strip()
        if value and name in PROFILE_LISTS:
            value = template.label(PROFILE_LISTS[name], value, lang)
        values[name] = value
    return values


def unit_sort_key(name: str) -> tuple[int, str]:
    # Innovations with no unit come last, under their own heading.
    return (0 if name else 1, name.casefold())


def selected_by_unit(session: Session,
                     lang: str | None = None) -> list[tuple[str, list[Innovation]]]:
    """The selected innovations grouped by unit name (units sorted, no unit last), each unit's
    innovations by title."""
    groups: dict[str, list[Innovation]] = {}
    for idea_id in session.selected_ids():
        idea = session.get(Idea, idea_id)
        if idea is None or idea.deleted:
            continue
        plan = plan_of(session, idea.id)
        unit = session.unit_name(idea.unit_id)
        groups.setdefault(unit, []).append(
            Innovation(idea=idea, unit=unit, plan=plan, profile=profile_of(idea, plan, lang)))
    return [(unit, sorted(groups[unit], key=lambda i: i.idea.title.casefold()))
            for unit in sorted(groups, key=unit_sort_key)]


def commitment_for(session: Session, idea: Idea) -> Commitment | None:
    """The commitment that stands for an innovation: its own sealed one, else its unit's sealed
    one, else an unsealed one (the latest of each kind). A commitment withdrawn by a sealed
    withdrawal, and the withdrawal itself, never stand for it."""
    from facilitator.core.commitments import signing

    everything = signing(session)  # the opening's Komitmen Berinovasi stands for no innovation
    withdrawn = {c.withdraws for c in everything if c.withdraws and c.sealed_at}
    live = [c for c in everything if not c.withdraws and c.id not in withdrawn]
    own = [c for c in live if c.idea_id == idea.id]
    units = [c for c in live if not c.idea_id and idea.unit_id and c.unit_id == idea.unit_id]
    for group in ([c for c in own if c.sealed_at], [c for c in units if c.sealed_at], own):
        if group:
            return max(group, key=lambda c: (c.sealed_at, c.updated))
    return None


def _words(text: str) -> list[str]:
    from facilitator.core.text import normal

    return normal(text).split()


def find_participant(session: Session, name: str) -> Participant | None:
    """The participant a name written in the minutes refers to ("Bapak Septinus Lobat, S.Sos"
    finds "Septinus Lobat"): the longest participant name whose words appear in it in order."""
    wanted = _words(name)
    if not wanted:
        return None
    best: Participant | None = None
    best_len = 0
    for person in session.all(Participant):
        words = _words(person.name)
        n = len(words)
        if n and n > best_len and any(wanted[i:i + n] == words
                                      for i in range(len(wanted) - n + 1)):
            best, best_len = person, n
    return best


def unit_names(session: Session) -> dict[str, str]:
    """Unit names by id, deleted units included (old records may still point at them)."""
    return {u.id: u.name for u in session.all(Unit, include_deleted=True)}
