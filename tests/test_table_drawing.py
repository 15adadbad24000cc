"""RecordTable draws its cells by a shorter path than DataTable's (tables.RecordTable._render_cell):
what reaches the terminal must be the same, segment for segment and style for style, for any
text a room may type, in any column, under the cursor or not."""

from __future__ import annotations

import random

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

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
        table.move_cursor(row=3)
        await pilot.pause()
        compared = 0
        fallbacks = []
        datatable_draws = DataTable._render_cell

        def counted(*args, **kwargs):
            fallbacks.append(args[1:3])
            return datatable_draws(*args, **kwargs)
        bases = [Style(), Style(bgcolor="grey15"), Style(color="yellow", bold=True)]
        for row in range(table.row_count):
            for column, spec in enumerate(table.ordered_columns):
                width = spec.get_render_width(table)
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    base = bases[(row + column) % len(bases)]
                    table._cell_render_cache.clear()
                    DataTable._render_cell = counted
                    try:
                        ours = table._render_cell(row, column, base, width, cursor, hover)
                    finally:
                        DataTable._render_cell = datatable_draws
                    table._cell_render_cache.clear()
                    theirs = DataTable._render_cell(table, row, column, base, width, cursor,
                                                    hover)
                    assert drawn(ours) == drawn(theirs), (row, column, cursor, hover,
                                                          table.get_row_at(row))
                    compared += 1
        assert compared == 40 * 6 * 3
        # The short path drew them (DataTable only the cells with a tab, which it expands).
        assert len(fallbacks) < compared // 20, fallbacks
        # And the table as drawn: the same lines whichever path drew them.
        table._cell_render_cache.clear()
        table._line_cache.clear()
        table._row_render_cache.clear()
        ours = [table.render_line(y) for y in range(table.size.height)]
        table._cell_render_cache.clear()
        table._line_cache.clear()
        table._row_render_cache.clear()
        original = RecordTable._render_cell
        RecordTable._render_cell = DataTable._render_cell
        try:
            theirs = [table.render_line(y) for y in range(table.size.height)]
        finally:
            RecordTable._render_cell = original
        assert drawn(ours) == drawn(theirs)
