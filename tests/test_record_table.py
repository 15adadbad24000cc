"""RecordTable at 3,000 rows: rows made only as they are drawn, new values for the same rows
without refilling the table, and moving in it exactly as in Textual's own DataTable (whose
bookkeeping of row positions RecordTable replaces with views that build nothing)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable

from facilitator.app.widgets.tables import Column, LazyRows, RecordTable

COLUMNS = [Column("n", "N", literal=True, width=6), Column("title", "Judul", literal=True)]
ROWS = 3000


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        with Horizontal():
            yield RecordTable(COLUMNS, id="ours")
            yield DataTable(id="theirs", cursor_type="row")


def plain_rows(prefix: str = "Ide") -> list[tuple[str, tuple[str, str]]]:
    return [(f"idea-{n}", (str(n), f"{prefix} {n}")) for n in range(ROWS)]


def shown(table: RecordTable) -> str:
    """The text of the table's lines as drawn."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_lazy_rows_are_made_only_as_they_are_drawn():
    made: list[int] = []

    def make(key: str):
        n = int(key.removeprefix("idea-"))
        made.append(n)
        return (str(n), f"Ide [bold]{n}[/]")

    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one("#ours", RecordTable)
        table.focus()
        table.set_rows(LazyRows([f"idea-{n}" for n in range(ROWS)], make))
        await pilot.pause()
        assert table.row_count == ROWS
        assert "Ide [bold]0[/]" in shown(table)  # literally, as every cell
        assert 0 < len(made) <= 40, len(made)  # the rows on the screen, not 3,000
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert f"Ide [bold]{ROWS - 1}[/]" in shown(table)
        assert len(made) <= 80
        assert table.cursor_key == f"idea-{ROWS - 1}"


async def test_new_values_for_the_same_rows_are_shown_without_refilling_the_table():
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one("#ours", RecordTable)
        table.focus()
        table.set_rows(plain_rows())
        await pilot.pause()
        table.move_cursor(row=1500)
        await pilot.pause()
        builds = table.full_rebuilds
        table.set_rows(plain_rows("Gagasan"))  # every row's value changed, the same rows
        await pilot.pause()
        assert table.full_rebuilds == builds
        assert table.cursor_key == "idea-1500"  # the coach's place kept
        assert "Gagasan 1500" in shown(table) and "Ide 1500" not in shown(table)
        # Lazily given, the same: the new values drawn.
        keys = [key for key, _ in plain_rows()]
        table.set_rows(LazyRows(keys, lambda key: (key, f"Baru {key}")))
        await pilot.pause()
        assert table.full_rebuilds == builds
        assert table.cursor_key == "idea-1500"
        assert "Baru idea-1500" in shown(table)
        assert table.get_row_at(10)[1].plain == "Baru idea-10"
        # And again, lazily: each fill's own values, never the last one's.
        table.set_rows(LazyRows(keys, lambda key: (key, f"Lagi {key}")))
        await pilot.pause()
        assert table.full_rebuilds == builds
        assert "Lagi idea-1500" in shown(table) and "Baru" not in shown(table)
        assert table.get_row("idea-2999")[1].plain == "Lagi idea-2999"
        # Fewer rows, lazily: the table shows those only.
        table.set_rows(LazyRows(keys[:100], lambda key: (key, f"Sisa {key}")))
        await pilot.pause()
        assert table.row_count == 100 and table.cursor_key == "idea-99"
        assert "Sisa idea-99" in shown(table)


async def test_moving_in_a_long_table_lands_where_datatable_lands():
    """Keys, a click and rows removed on the way: the cursor and the view of RecordTable
    (one-line rows, their places read as needed) end where DataTable's own do."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        ours = app.query_one("#ours", RecordTable)
        theirs = app.query_one("#theirs", DataTable)
        ours.set_rows(plain_rows())
        for column in COLUMNS:
            theirs.add_column(column.label, key=column.key, width=column.width or 40)
        for key, cells in plain_rows():
            theirs.add_row(*cells, key=key)
        await pilot.pause()
        assert ours.virtual_size.height == theirs.virtual_size.height == ROWS + 1

        def place(table: DataTable) -> tuple[str | None, int, int]:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            return key, table.cursor_row, round(table.scroll_y)

        steps = (["down"] * 7 + ["pagedown"] * 4 + ["up"] * 3 + ["pageup"] + ["ctrl+end"]
                 + ["pageup"] * 2 + ["up"] * 5 + ["ctrl+home"] + ["pagedown"] * 2)
        for table in (ours, theirs):
            table.focus()
            await pilot.pause()
            for key in steps:
                await pilot.press(key)
        await pilot.pause()
        assert place(ours) == place(theirs)
        # Rows above the cursor removed (a capture undone, ideas merged), then moving on.
        for key in ("idea-3", "idea-10", "idea-11"):
            ours.set_rows([row for row in ours_rows(ours) if row[0] != key])
            theirs.remove_row(key)
        await pilot.pause()
        assert ours.row_count == theirs.row_count == ROWS - 3
        for table in (ours, theirs):
            table.move_cursor(row=20)  # (RecordTable's cursor follows its record; not here)
            table.focus()
            await pilot.pause()
            for key in ["pagedown"] * 3 + ["down"] * 2 + ["pageup"]:
                await pilot.press(key)
        await pilot.pause()
        assert place(ours) == place(theirs)
        # A click on the fifth line of each table's body.
        for table in (ours, theirs):
            await pilot.click(table, offset=(3, 5))
        await pilot.pause()
        assert place(ours) == place(theirs)


def ours_rows(table: RecordTable) -> list[tuple[str, tuple[str, str]]]:
    wanted = set(table.row_keys)
    return [row for row in plain_rows() if row[0] in wanted]
