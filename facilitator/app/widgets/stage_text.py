"""Small pieces of text the stage screens share: dates, times and "label: value" lines.

Everything here returns ``rich.text.Text`` or plain strings built from values, never markup, so
what the room typed shows literally.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from rich.text import Text

from facilitator.i18n import t

SEPARATOR = "  ·  "


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def short_date(value: str) -> str:
    """``2021-10-12`` as ``12 Okt 2021`` (``12 Oct 2021``); anything unreadable as it is."""
    day = _day(value)
    if day is None:
        return str(value)
    return f"{day.day} {t(f'screens.month.{day.month}')} {day.year}"


def day_month(value: str) -> str:
    """``2021-10-12`` as ``12 Okt``, for a day within the lab whose year is already shown."""
    day = _day(value)
    if day is None:
        return str(value)
    return f"{day.day} {t(f'screens.month.{day.month}')}"


def date_range(values: Iterable[str]) -> str:
    """A lab's days as one short range: ``12–14 Okt 2021``, or ``30 Sep – 2 Okt 2021``."""
    days = sorted(d for d in (_day(v) for v in values) if d is not None)
    if not days:
        return ""
    first, last = days[0], days[-1]
    if first == last:
        return short_date(first.isoformat())
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{short_date(last.isoformat())}"
    if first.year == last.year:
        return f"{first.day} {t(f'screens.month.{first.month}')} – {short_date(last.isoformat())}"
    return f"{short_date(first.isoformat())} – {short_date(last.isoformat())}"


def clock(value: str) -> str:
    """A time as ``HH:MM``: from ``HH:MM`` as it is, from an ISO timestamp its wall-clock time.

    The time is shown as recorded, not converted to this laptop's zone, so a lab in Sorong (WIT)
    reads the same on a laptop set to WIB.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    if "T" in text or len(text) > 8:
        try:
            return datetime.fromisoformat(text).strftime("%H:%M")
        except ValueError:
            return text
    return text[:5]


def fields(*pairs: tuple[str, str], separator: str = SEPARATOR) -> Text:
    """A line of ``label: value`` pairs; labels bold, values literal, empty values left out."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    for label, value in pairs:
        if not str(value).strip():
            continue
        if line.plain:
            line.append(separator, style="dim")
        if label:
            line.append(f"{label}: ", style="bold")
        line.append(str(value))
    return line
