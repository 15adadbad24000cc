"""The scoring grid: ideas down, the rubric's criteria across, one rater's scores in the cells.

Built for speed at the table: the cursor moves with the arrow keys and a typed digit is the score
of the cell under it, after which the cursor moves on to the right (and to the next idea after
the last criterion). Gates take 1/0 or y/n/t (ya/tidak). The grid only reports what was typed
(:class:`ScoreGrid.Typed`); the screen records it through the core and pushes the changed cells
back with :meth:`ScoreGrid.update_row`.

It draws only the lines on show, from rows it keeps as they were given: at 3,000 ideas a score
redraws one line, and filling the grid measures nothing (a ``DataTable`` would measure every
cell of every row, and redraw every line on show at each change).

When the criteria do not all fit (a long rubric on a narrow terminal), the idea's title on the
left and its mean and flag on the right stay put and the criteria between them scroll sideways
to keep the cursor's in view; ``‹`` and ``›`` in the header say that more lie that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from facilitator.i18n import t

TITLE = "title"
MEAN = "mean"
FLAG = "flag"

GATE_KEYS = {"1": 1, "y": 1, "0": 0, "n": 0, "t": 0}
"""Keys a gate takes: pass (1, y for ya/yes) or fail (0, n for no, t for tidak)."""

SCORE_WIDTH = 3
MEAN_WIDTH = 6
FLAG_WIDTH = 4
MIN_TITLE = 12
PAD = 1


@dataclass(frozen=True)
class GridColumn:
    """A criterion as the grid shows it: its key, header, scale and whether it is a gate."""

    key: str
    header: str
    scale_max: int = 5
    gate: bool = False


def typed_value(column: GridColumn, key: str) -> int | None:
    """The score a key press means in ``column``, or None if it means nothing there.

    Scores take the digits of their scale (on a 1-10 scale, 0 is 10); gates take 1/0 or y/n/t.
    """
    if column.gate:
        return GATE_KEYS.get(key.lower())
    if not key.isdigit() or len(key) != 1:
        return None
    value = int(key)
    if value == 0 and column.scale_max >= 10:
        value = 10
    return value if 1 <= value <= column.scale_max else None


def _cell(value: Any, justify: str = "left") -> Text:
    """A cell's text on one line; what the room typed is shown literally. A ``Text`` is taken
    as it is (the grid never changes it), so that a grid of 3,000 rows is filled quickly."""
    if isinstance(value, Text):
        return value
    text = "" if value is None else str(value)
    if "\n" in text or "\r" in text:
        text = " ↵ ".join(text.splitlines())
    return Text(text, justify=justify)  # type: ignore[arg-type]


class ScoreGrid(ScrollView, can_focus=True):
    """Ideas by criteria for one rater, plus each idea's weighted mean and a disagreement flag."""

    COMPONENT_CLASSES = {"score-grid--header", "score-grid--cursor", "score-grid--cursor-row",
                         "score-grid--even"}

    DEFAULT_CSS = """
    ScoreGrid {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        & > .score-grid--header { text-style: bold; background: $panel; color: $foreground; }
        & > .score-grid--cursor {
            background: $block-cursor-blurred-background;
        }
        & > .score-grid--cursor-row { background: $boost; }
        & > .score-grid--even { background: $surface-darken-1 40%; }
        &:focus {
            background-tint: $foreground 5%;
            & > .score-grid--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    BINDINGS = [
        Binding("up", "move(-1, 0)", show=False),
        Binding("down", "move(1, 0)", show=False),
        Binding("left", "move(0, -1)", show=False),
        Binding("right", "move(0, 1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "row_edge(0)", show=False),
        Binding("end", "row_edge(1)", show=False),
        Binding("ctrl+home", "grid_edge(0)", show=False),
        Binding("ctrl+end", "grid_edge(1)", show=False),
        # Typed keys are caught in on_key (the score needs to know which key it was); these
        # bindings describe them in the keys dialog and keep the stage keys 1-5 from firing.
        Binding("0,1,2,3,4,5,6,7,8,9", "noop", "Score", key_display="0-9", show=False,
                id="design.score_digit"),
        Binding("y,n,t", "noop_gate", "Gate", key_display="y/n/t", show=False,
                id="design.score_gate"),
        Binding("backspace,delete", "clear", "Clear", key_display="del", show=False,
                id="design.score_clear"),
    ]

    class Typed(Message):
        """A score typed into a cell (``value`` None: cleared)."""

        def __init__(self, grid: "ScoreGrid", idea_id: str, criterion: str,
                     value: int | None) -> None:
            super().__init__()
            self.grid = grid
            self.idea_id = idea_id
            self.criterion = criterion
            self.value = value

        @property
        def control(self) -> "ScoreGrid":
            return self.grid

    class Refused(Message):
        """A key that is not a score of the cell's criterion (7 on a 1-5 scale, y on a score)."""

        def __init__(self, grid: "ScoreGrid", column: GridColumn) -> None:
            super().__init__()
            self.grid = grid
            self.column = column

        @property
        def control(self) -> "ScoreGrid":
            return self.grid

    class Moved(Message):
        """The cursor is on another cell."""

        def __init__(self, grid: "ScoreGrid") -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> "ScoreGrid":
            return self.grid

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._columns: list[GridColumn] = []
        self._rows: list[str] = []
        self._index: dict[str, int] = {}
        self._cells: dict[str, list[Text]] = {}
        self._versions: dict[str, int] = {}
        self._cache: dict[tuple[Any, ...], Strip] = {}
        self._row = 0
        self._col = 0
        self._first_col = 0
        """The first criterion on show when they do not all fit."""

    # -- filling -------------------------------------------------------------------------------

    @property
    def criteria(self) -> list[GridColumn]:
        return list(self._columns)

    @property
    def row_keys(self) -> list[str]:
        return list(self._rows)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def set_grid(self, columns: Sequence[GridColumn],
                 rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Show ``rows``: an idea id, then its cells (title, one per criterion, mean, flag).

        The cursor stays on the idea and criterion it was on, if they are still there.
        """
        old_idea, old_crit = self.cursor_idea, self.cursor_criterion
        self._columns = list(columns)
        self._rows = [key for key, _ in rows]
        self._index = {key: n for n, key in enumerate(self._rows)}
        justify = ["left"] + ["right"] * (len(self._columns) + 1) + ["left"]
        self._cells = {key: [_cell(v, j) for v, j in zip(cells, justify)] for key, cells in rows}
        self._versions = {}
        self._cache.clear()
        keys = [c.key for c in self._columns]
        row = self._index.get(old_idea or "", min(self._row, max(0, len(self._rows) - 1)))
        col = keys.index(old_crit) if old_crit in keys else 0
        self._first_col = min(self._first_col, max(0, len(self._columns) - 1))
        self.virtual_size = Size(self.size.width, len(self._rows) + 1)
        self.move_cursor(row=row, col=col)
        self.refresh()

    def update_row(self, idea_id: str, cells: dict[str, Any]) -> None:
        """Show new values in some cells of one idea's row (``{column key: value}``); only
        that row is drawn again, and only if something in it changed."""
        row = self._cells.get(idea_id)
        if row is None:
            return
        positions = {TITLE: 0, MEAN: len(self._columns) + 1, FLAG: len(self._columns) + 2}
        positions.update({c.key: n + 1 for n, c in enumerate(self._columns)})
        changed = False
        for key, value in cells.items():
            at = positions.get(key)
            if at is None:
                continue
            shown = _cell(value, "left" if at in (0, len(row) - 1) else "right")
            old = row[at]
            if old.plain == shown.plain and old.style == shown.style and old.spans == shown.spans:
                continue
            row[at] = shown
            changed = True
        if changed:
            self._versions[idea_id] = self._versions.get(idea_id, 0) + 1
            self._refresh_row(self._index[idea_id])

    def cell_text(self, idea_id: str, key: str) -> Text:
        """What a cell shows (for the screen's tests and the status line)."""
        positions = {TITLE: 0, MEAN: len(self._columns) + 1, FLAG: len(self._columns) + 2}
        positions.update({c.key: n + 1 for n, c in enumerate(self._columns)})
        return self._cells[idea_id][positions[key]].copy()

    # -- the cursor ----------------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        return self._row

    @property
    def cursor_col(self) -> int:
        """The criterion under the cursor, counted from 0."""
        return self._col

    @property
    def cursor_idea(self) -> str | None:
        return self._rows[self._row] if 0 <= self._row < len(self._rows) else None

    @property
    def cursor_column(self) -> GridColumn | None:
        return self._columns[self._col] if 0 <= self._col < len(self._columns) else None

    @property
    def cursor_criterion(self) -> str | None:
        column = self.cursor_column
        return column.key if column else None

    def move_cursor(self, *, row: int | None = None, col: int | None = None) -> None:
        """Put the cursor on a row and criterion (kept inside the grid), in view."""
        old = self._row
        self._row = max(0, min(self._row if row is None else row, len(self._rows) - 1))
        self._col = max(0, min(self._col if col is None else col, len(self._columns) - 1))
        self._refresh_row(old)
        self._refresh_row(self._row)
        self._scroll_to_cursor()
        self.post_message(self.Moved(self))

    def jump_to(self, idea_id: str, criterion: str | None = None) -> None:
        """Put the cursor on an idea (and criterion) of the grid."""
        if idea_id not in self._index:
            return
        keys = [c.key for c in self._columns]
        self.move_cursor(row=self._index[idea_id],
                         col=keys.index(criterion) if criterion in keys else None)

    def advance(self) -> None:
        """To the next criterion, or to the first criterion of the next idea."""
        if self._col + 1 < len(self._columns):
            self.move_cursor(col=self._col + 1)
        elif self._row + 1 < len(self._rows):
            self.move_cursor(row=self._row + 1, col=0)

    def _scroll_to_cursor(self) -> None:
        shown = self._criteria_room()
        first = self._first_col
        if self._col < first:
            first = self._col
        elif self._col >= first + shown:
            first = self._col - shown + 1
        first = max(0, min(first, len(self._columns) - shown))
        if first != self._first_col:
            self._first_col = first
            self._cache.clear()
            self.refresh()
        room = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self._row < top:
            self.scroll_to(y=self._row, animate=False, immediate=True)
        elif self._row >= top + room:
            self.scroll_to(y=self._row - room + 1, animate=False, immediate=True)

    def action_move(self, rows: int, cols: int) -> None:
        self.move_cursor(row=self._row + rows, col=self._col + cols)

    def action_page(self, direction: int) -> None:
        room = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(row=self._row + direction * room)

    def action_row_edge(self, end: int) -> None:
        self.move_cursor(col=len(self._columns) - 1 if end else 0)

    def action_grid_edge(self, end: int) -> None:
        self.move_cursor(row=len(self._rows) - 1 if end else 0)

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = int(self.scroll_y) + event.y - 1
        x = 0
        for n, width in zip(self._shown_cells(), self._widths()):
            x += width + 2 * PAD
            if event.x < x:
                if 1 <= n <= len(self._columns):
                    self.move_cursor(row=row, col=n - 1)
                else:
                    self.move_cursor(row=row)
                break

    # -- typing --------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        key = event.character or ""
        if len(key) != 1 or not (key.isdigit() or key.lower() in GATE_KEYS):
            return
        event.stop()
        event.prevent_default()
        column, idea = self.cursor_column, self.cursor_idea
        if column is None or idea is None:
            return
        value = typed_value(column, key)
        if value is None:
            self.app.bell()
            self.post_message(self.Refused(self, column))
            return
        self.post_message(self.Typed(self, idea, column.key, value))
        self.advance()

    def action_noop(self) -> None:
        """The typed keys' bindings do nothing themselves (see :meth:`on_key`)."""

    def action_noop_gate(self) -> None:
        """As :meth:`action_noop`, for the gates' letters (listed apart in the keys dialog)."""

    def action_clear(self) -> None:
        column, idea = self.cursor_column, self.cursor_idea
        if column is not None and idea is not None:
            self.post_message(self.Typed(self, idea, column.key, None))

    # -- drawing -------------------------------------------------------------------------------

    def _criteria_room(self) -> int:
        """How many criteria fit beside the title (at its narrowest), the mean and the flag."""
        room = self.scrollable_content_region.width or 78
        fixed = MIN_TITLE + MEAN_WIDTH + FLAG_WIDTH + 2 * PAD * 3
        fits = max(1, (room - fixed) // (SCORE_WIDTH + 2 * PAD))
        return min(fits, len(self._columns)) if self._columns else 0

    def _shown_cells(self) -> list[int]:
        """The positions in a row of the cells on show: the title, the criteria in view, the
        mean and the flag."""
        count = len(self._columns)
        first = self._first_col if self._criteria_room() < count else 0
        criteria = range(1 + first, 1 + first + self._criteria_room())
        return [0, *criteria, count + 1, count + 2]

    def _widths(self) -> list[int]:
        """The width (without its padding) of each cell on show: the title takes what the
        others leave."""
        room = self.scrollable_content_region.width or 78
        shown = self._criteria_room()
        fixed = SCORE_WIDTH * shown + MEAN_WIDTH + FLAG_WIDTH
        title = max(MIN_TITLE, room - fixed - 2 * PAD * (shown + 3))
        return [title, *([SCORE_WIDTH] * shown), MEAN_WIDTH, FLAG_WIDTH]

    def _refresh_row(self, index: int) -> None:
        # Row n is line n + 1 of the grid, under the header (which stays put as rows scroll).
        self.refresh_line(index + 1)

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self._rows) + 1)
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self._cache.clear()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self._cache.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header(width, base)
        index = int(self.scroll_y) + y - 1
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, base)
        key = self._rows[index]
        on_cursor = index == self._row
        cache_key = (key, self._versions.get(key, 0), self._col if on_cursor else -1,
                     index % 2, width, self._first_col)
        strip = self._cache.get(cache_key)
        if strip is None:
            if len(self._cache) > 2000:
                self._cache.clear()
            strip = self._line(self._cells[key], width, base, index, on_cursor)
            self._cache[cache_key] = strip
        return strip

    def _header(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("score-grid--header")
        cells = [Text(t("design.col.idea")), *(Text(c.header, justify="right")
                                               for c in self._columns),
                 Text(t("design.col.mean"), justify="right"), Text("")]
        shown = self._shown_cells()
        marks = {}
        if shown[1] > 1:
            marks[shown[1]] = ("‹", "")  # criteria hidden to the left
        if shown[-3] < len(self._columns):
            marks[shown[-3]] = ("", "›")  # and to the right
        return self._strip(cells, [style] * len(cells), width, style, marks)

    def _line(self, cells: list[Text], width: int, base: Style, index: int,
              on_cursor: bool) -> Strip:
        row_style = base
        if index % 2 == 0:
            row_style += self.get_component_rich_style("score-grid--even")
        if on_cursor:
            row_style += self.get_component_rich_style("score-grid--cursor-row")
        styles = [row_style] * len(cells)
        if on_cursor and 0 <= self._col < len(self._columns):
            styles[self._col + 1] = base + self.get_component_rich_style("score-grid--cursor")
        return self._strip(cells, styles, width, base)

    def _strip(self, cells: list[Text], styles: list[Style], width: int, base: Style,
               marks: dict[int, tuple[str, str]] | None = None) -> Strip:
        """One line of the grid from a whole row's ``cells`` (and a style for each): only the
        cells on show are drawn; ``marks`` replace a cell's padding, left and right."""
        console = self.app.console
        segments: list[Segment] = []
        for at, size in zip(self._shown_cells(), self._widths()):
            cell, style = cells[at], styles[at]
            shown = cell.copy()
            shown.no_wrap, shown.end = True, ""
            shown.truncate(size, overflow="ellipsis")
            shown = shown.copy()
            shown.align(cell.justify if cell.justify in ("left", "right", "center")
                        else "left", size)  # type: ignore[arg-type]
            left, right = (marks or {}).get(at, ("", ""))
            shown.pad_left(PAD, left or " ")
            shown.pad_right(PAD, right or " ")
            # Text.render leaves out the text's own style: it is laid over the cell's here.
            if shown.style:
                style = style + console.get_style(shown.style)
            segments.extend(Segment.apply_style(shown.render(console, ""), style))
        return Strip(segments).adjust_cell_length(width, base)
