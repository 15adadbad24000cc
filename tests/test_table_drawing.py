"""RecordTable draws its lines by a shorter path than DataTable's (tables.RecordTable's drawing
overrides: _render_line_in_row, _render_cell, render_line, with styles worked out once a pass):
what reaches the terminal must be the same, segment for segment and style for style, for any
text a room may type, in any column, under the cursor, hovered or neither, focused or not."""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import Any, AsyncIterator, Iterator

import pytest
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable, Input

from facilitator.app.widgets.tables import Column, RecordTable

HOSTILE = [
    "", " ", "   spaces around   ", "[bold]not bold[/]", "[link=https://x]click[/link]",
    "Posyandu 😀 Digital 👩‍👩‍👧", "漢字とかなの長いタイトル", "مرحبا بالعالم", "e\u0301\u0301 combining",
    "zero\u200bwidth\u200djoiner", "a" * 200, "Kabupaten Sorong Selatan — inovasi layanan",
    "tab\there", "x", "12345", "ﷺ wide ligature",
]
ALPHABET = "abcdefghij KLMNOP 0123 -_.,;:[]/\\ éñü 漢字 😀 مر "


class TableApp(App[None]):
    def __init__(self, columns: list[Column]) -> None:
        super().__init__()
        self.columns = columns

    def compose(self) -> ComposeResult:
        yield RecordTable(self.columns, id="t")
        yield Input(id="elsewhere")  # somewhere for the focus to go


def drawn(lines) -> list[list[Segment]]:
    """What the terminal gets of some lines: text and style, cell for cell (an empty segment or
    two neighbours of one style split in two draw the same)."""
    return [[segment for segment in Segment.simplify(line) if segment.text]
            for line in lines]


def texts(count: int) -> list[str]:
    rng = random.Random(20261122)
    made = list(HOSTILE)
    while len(made) < count:
        made.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))))
    return made


def styled(value: str, n: int) -> Text:
    """Some cells come from the screens as styled Text (a mark, a colour on part of it)."""
    if n % 7 == 0:
        return Text(value or "lolos", style="bold green")  # one style, no spans
    text = Text(value)
    if value:
        text.stylize("bold" if n % 2 else "red on white", 0, max(1, len(value) // 2))
    if n % 3 == 0:
        text.style = "italic"
    if n % 5 == 0:
        text.style = "green"
    text.justify = (None, "left", "right", "center")[n % 4]
    return text


DRAWING = ("render_lines", "render_line", "_render_line_in_row", "_render_cell",
           "notify_style_update")
"""RecordTable's overrides of DataTable's drawing."""


@contextmanager
def datatable_drawing() -> Iterator[None]:
    """RecordTable drawing as DataTable does: each of its drawing overrides swapped back."""
    drawing = {name for name in vars(RecordTable) if "render" in name}
    assert drawing <= set(DRAWING), drawing - set(DRAWING)  # a new override: list it above
    overrides = {name: vars(RecordTable)[name] for name in DRAWING}
    for name in DRAWING:
        setattr(RecordTable, name, getattr(DataTable, name))
    try:
        yield
    finally:
        for name, method in overrides.items():
            setattr(RecordTable, name, method)


@contextmanager
def datatable_draws(cells: list[tuple[int, int]]) -> Iterator[None]:
    """Collect the cells drawn by DataTable itself (RecordTable's fallbacks) in ``cells``."""
    datatable_draws_cell = DataTable._render_cell

    def counted(table, row, column, *args, **kwargs):
        cells.append((row, column))
        return datatable_draws_cell(table, row, column, *args, **kwargs)
    DataTable._render_cell = counted
    try:
        yield
    finally:
        DataTable._render_cell = datatable_draws_cell


def screen_lines(table: RecordTable) -> list[list[Segment]]:
    """The table's lines as a drawing pass hands them to the screen, from empty caches."""
    table._clear_caches()
    return [list(strip) for strip in table.render_lines(Region(0, 0, *table.size))]


def same_lines(table: RecordTable) -> list[tuple[int, int]]:
    """Check that the table's lines, drawn by RecordTable, are DataTable's, segment for segment
    (their styles with the place a click lands on); returns the cells DataTable drew itself."""
    fallbacks: list[tuple[int, int]] = []
    with datatable_draws(fallbacks):
        ours = screen_lines(table)
    with datatable_drawing():
        theirs = screen_lines(table)
    assert len(ours) == len(theirs) == table.size.height
    for y, (line, datatable_line) in enumerate(zip(ours, theirs)):
        assert line == datatable_line, (y, line, datatable_line)
    # What the compositor asks a line for (a click, a hover): drawn outside a pass.
    table._clear_caches()
    ours = [list(table.render_line(y)) for y in range(table.size.height)]
    table._clear_caches()
    with datatable_drawing():
        theirs = [list(table.render_line(y)) for y in range(table.size.height)]
    assert ours == theirs
    return fallbacks


def same_cells(table: RecordTable) -> tuple[int, list[tuple[int, int]]]:
    """Check that RecordTable._render_cell draws every body cell as DataTable's, with or without
    the cursor or the hover, on a few row styles; returns how many it compared and the cells
    DataTable drew itself."""
    compared = 0
    fallbacks: list[tuple[int, int]] = []
    bases = [Style(), Style(bgcolor="grey15"), Style(color="yellow", bold=True)]
    for row in range(table.row_count):
        for column, spec in enumerate(table.ordered_columns):
            width = spec.get_render_width(table)
            for cursor, hover in ((False, False), (True, False), (False, True)):
                base = bases[(row + column) % len(bases)]
                table._cell_render_cache.clear()
                with datatable_draws(fallbacks):
                    ours = table._render_cell(row, column, base, width, cursor, hover)
                table._cell_render_cache.clear()
                theirs = DataTable._render_cell(table, row, column, base, width, cursor, hover)
                assert drawn(ours) == drawn(theirs), (row, column, cursor, hover,
                                                      table.get_row_at(row))
                compared += 1
    return compared, fallbacks


async def test_every_cell_is_drawn_exactly_as_datatable_draws_it():
    columns = [Column("a", "A", literal=True, width=1), Column("b", "B", literal=True, width=7),
               Column("c", "C", literal=True, align="right", width=12),
               Column("d", "D", literal=True, align="center", width=9),
               Column("e", "E", literal=True, flex=2), Column("f", "F", literal=True)]
    values = texts(160)
    rows = []
    for n in range(40):
        cells = []
        for k in range(len(columns)):
            value = values[(n * len(columns) + k) % len(values)]
            cells.append(styled(value, n + k) if (n + k) % 4 == 0 else
                         (n * 7 + k if (n + k) % 5 == 0 else value))
        rows.append((f"r{n}", cells))
    app = TableApp(columns)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(RecordTable)
        table.set_rows(rows)
        await pilot.pause()
        # Values put in through DataTable's own API, which it formats itself ("0.00", "0").
        table.update_cell("r1", "b", 0.0)
        table.update_cell("r2", "c", 0)
        table.move_cursor(row=3)
        await pilot.pause()
        compared, fallbacks = same_cells(table)
        assert compared == 40 * 6 * 3
        # The short path drew them (DataTable only the cells with a tab, which it expands).
        assert len(fallbacks) < compared // 20, fallbacks
        # And the table as drawn, in each state a line is drawn in: the same lines whichever
        # path drew them.
        async for _ in states(pilot, table):
            same_lines(table)


WORDS = "Posyandu keliling 2021 - inovasi (desa) no.7, [b]Sorong[/b] " * 3


def around(width: int) -> list[Any]:
    """ASCII cells of every length about a column's ``width`` (the width inside its padding):
    the short path cuts them with "…" and pads them itself, which must come out as Rich's."""
    lengths = sorted({0, 1, 2, width - 2, width - 1, width, width + 1, width + 2, 2 * width + 3})
    values: list[Any] = [WORDS[:n] for n in lengths if n >= 0]
    values += [" " + WORDS[:max(0, width - 2)] + " ", "  " + WORDS[:width + 1],
               WORDS[:max(0, width - 1)] + "  ", " " * width, " " * (width + 2),
               7, -3.5, 0, 10 ** width, 12345678901234567890]
    for n, justify in enumerate((None, "left", "center", "right", "full")):
        words = WORDS[:max(0, width + n - 2)]
        values.append(Text(words, style="bold" if n % 2 else "on red", justify=justify))
        values.append(Text(" " + words + " ", justify=justify, overflow="crop"))
        values.append(Text(words + " ", justify=justify, overflow="fold"))
    # DataTable draws an empty cell as an empty text of its own, its style and justify aside.
    values += [Text("", style="reverse", justify="right"), Text("  ", style="italic"),
               Text("x", style="none"), Text("", justify="center")]
    return values


async def states(pilot, table: RecordTable) -> AsyncIterator[str]:
    """Put the table in each state a line is drawn in, and say which."""
    app = table.app
    table.focus()
    table.move_cursor(row=3)
    await pilot.pause()
    yield "focused, the cursor on an odd row"
    table.move_cursor(row=4)
    await pilot.pause()
    yield "the cursor on an even row"
    # The mouse over the sixth line (the header is the first): what it hovers comes from the
    # place drawn in the line's segments, here RecordTable's.
    await pilot.hover(table, offset=(2, 6))
    await pilot.pause()
    assert table.hover_coordinate.row == table.scroll_y + 5
    yield "a row hovered"
    # Right of the cells, on the filler (a table that fits) or the last cell (one wider).
    await pilot.hover(table, offset=(table.size.width - 3, 5))
    await pilot.pause()
    assert table.hover_coordinate.row == table.scroll_y + 4
    yield "the row under the cursor hovered, at its end"
    app.set_focus(app.query_one("#elsewhere"))
    await pilot.pause()
    assert not table.has_focus
    yield "not focused, cursor and hover"
    await pilot.hover(app.query_one("#elsewhere"))
    await pilot.pause()
    yield "not focused, no hover"
    # And a click lands on the row drawn there.
    await pilot.click(table, offset=(2, 8))
    await pilot.pause()
    assert table.has_focus and table.cursor_row == table.scroll_y + 7
    yield "clicked: focused again, the cursor moved, hovered"
    table.scroll_to(y=table.scroll_y + 5, animate=False, immediate=True)
    await pilot.pause()
    yield "scrolled by an odd number of rows"
    if table.virtual_size.width > table.size.width:
        table.scroll_to(x=3, animate=False, immediate=True)
        await pilot.pause()
        yield "scrolled sideways"
    table.zebra_stripes = False
    await pilot.pause()
    yield "no zebra stripes"
    table.zebra_stripes = True
    table.show_cursor = False
    await pilot.pause()
    yield "no cursor"
    table.show_cursor = True
    table.cursor_type = "cell"
    await pilot.pause()
    yield "a cell cursor (DataTable's own path)"
    table.cursor_type = "row"
    await pilot.pause()


@pytest.mark.parametrize("size", [(100, 30), (34, 16)])
async def test_whole_lines_are_drawn_exactly_as_datatable_draws_them(size):
    """Cells of plain ASCII about each column's width (the short path's own cutting and padding),
    in every state a line is drawn in: the lines are DataTable's, segment for segment."""
    columns = [Column("a", "A", literal=True, width=1), Column("b", "Bb", literal=True, width=2),
               Column("c", "Judul yang panjang", literal=True, width=5),
               Column("d", "D", literal=True, align="right", width=8),
               Column("e", "Tengah", literal=True, align="center", width=7),
               Column("f", "F", literal=True)]
    app = TableApp(columns)
    async with app.run_test(size=size) as pilot:
        table = app.query_one(RecordTable)
        await pilot.pause()
        values = [around(column.width) for column in table.ordered_columns]
        count = 2 * max(map(len, values))
        table.set_rows([(f"r{n}", [cells[(n * 3 + k) % len(cells)]
                                   for k, cells in enumerate(values)]) for n in range(count)])
        await pilot.pause()
        assert table.row_count == count > table.size.height + 5
        compared, fallbacks = same_cells(table)
        assert compared == count * len(columns) * 3
        assert not fallbacks
        seen = []
        async for state in states(pilot, table):
            fallbacks = same_lines(table)
            if table.cursor_type == "row":
                assert not fallbacks, (state, fallbacks)  # the short path drew every cell
            seen.append(state)
        assert len(seen) == (12 if table.virtual_size.width > table.size.width else 11), seen
