"""A horizontal bar chart of the funnel: one bar per stage, from all ideas down to the selection."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉"
"""Partial blocks, so that bars of close values (52 and 50) still differ in length."""


def bar(value: int, largest: int, room: int) -> str:
    """A bar for ``value`` scaled so that ``largest`` fills ``room`` cells, in eighths of a cell."""
    if largest <= 0 or room <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * room * value / largest))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


class FunnelChart(Widget):
    """The funnel as bars: a label, the bar, and the number at its end.

    Labels are the room's own text (round names), shown literally and cut to fit; the bars take
    whatever width is left, so the chart fits 80 columns as well as a projector's 200.
    """

    COMPONENT_CLASSES = {"funnel-chart--bar", "funnel-chart--label", "funnel-chart--value"}
    DEFAULT_CSS = """
    FunnelChart {
        height: auto;
        padding: 0 1;
    }
    FunnelChart > .funnel-chart--bar {
        color: $accent;
    }
    FunnelChart > .funnel-chart--label {
        text-style: bold;
    }
    FunnelChart > .funnel-chart--value {
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._stages: list[tuple[str, int]] = []

    @property
    def stages(self) -> list[tuple[str, int]]:
        """The bars shown: ``(label, value)`` from the widest to the narrowest."""
        return list(self._stages)

    def set_stages(self, stages: Sequence[tuple[str, int]]) -> None:
        """Show these stages; a change of their number resizes the chart."""
        stages = [(str(label), int(value)) for label, value in stages]
        if stages != self._stages:
            self._stages = stages
            self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self._stages))

    def render(self) -> Text:
        width = self.size.width
        if not self._stages or width <= 0:
            return Text("")
        largest = max(value for _, value in self._stages)
        value_width = max(len(str(value)) for _, value in self._stages)
        label_width = min(max(len(label) for label, _ in self._stages), max(8, width // 3))
        room = width - label_width - value_width - 2
        bar_style = self.get_component_rich_style("funnel-chart--bar")
        label_style = self.get_component_rich_style("funnel-chart--label")
        value_style = self.get_component_rich_style("funnel-chart--value")
        lines = Text(end="", no_wrap=True)
        for n, (label, value) in enumerate(self._stages):
            if n:
                lines.append("\n")
            shown = Text(label, style=label_style, no_wrap=True, overflow="ellipsis")
            shown.truncate(label_width, overflow="ellipsis", pad=True)
            lines.append_text(shown)
            lines.append(" ")
            drawn = bar(value, largest, room)
            lines.append(drawn, style=bar_style)
            lines.append(" " + str(value).rjust(value_width) if drawn else str(value).rjust(
                value_width), style=value_style)
        return lines
