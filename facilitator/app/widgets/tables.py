"""The table every stage screen lists its records in.

:class:`RecordTable` is a ``DataTable`` with three habits the screens rely on:

- every cell is a ``rich.text.Text`` built from the value, so text the room typed (``[bold]``,
  ``[link=...]``, brackets, emoji) shows exactly as typed and is never read as markup;
- its columns fit the width it has: fixed columns keep their width and the flexible ones share
  what is left, so a long title is cut with an ellipsis instead of pushing the layout sideways;
- rows are keyed by record id, and refilling the table keeps the cursor on the same record (or,
  if that record is gone, at the same place), so a refresh after every change does not lose the
  coach's place.

It stays quick at 3,000 rows: a change of a few records patches those rows only, a new width
refits the columns without refilling them, and since every column has the width the table gave
it and every row is one line, nothing is measured cell by cell (``DataTable`` measures each new
or changed cell, and a whole column when a cell gets narrower, to size columns that fit their
content, which these never are).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any, Callable, Iterable, Literal, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import _EMPTY_TEXT, DuplicateKey, Row as DataRow, RowKey

from facilitator.i18n import t

FALLBACK_WIDTH = 78
"""The width assumed before the table has been laid out; a resize corrects it right after."""


@dataclass(frozen=True)
class Column:
    """A column of a :class:`RecordTable`.

    ``label`` is a locale key (or the text itself when ``literal``). ``width`` 0 makes the column
    flexible: it takes a share, by ``flex``, of the room the fixed columns leave, and never less
    than ``min_width``.
    """

    key: str
    label: str
    width: int = 0
    flex: int = 1
    min_width: int = 6
    align: Literal["left", "center", "right"] = "left"
    literal: bool = False

    @property
    def title(self) -> str:
        return self.label if self.literal else t(self.label)


def cell(value: Any, align: Literal["left", "center", "right"] = "left") -> Text:
    """A table cell showing ``value`` literally, on one line, cut with an ellipsis if too long.

    A ``Text`` keeps its styles (the screens use it for their own styled cells); numbers align
    right; line breaks in typed text become a visible mark so that the row stays one line high.
    """
    if isinstance(value, Text):
        shown = value.copy()
        shown.no_wrap, shown.overflow, shown.end = True, shown.overflow or "ellipsis", ""
        return shown
    if value is None:
        value = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        align = "right" if align == "left" else align
    text = str(value)
    if "\n" in text or "\r" in text:
        text = " ↵ ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return Text(text, no_wrap=True, overflow="ellipsis", justify=align, end="")


Row = tuple[str, Sequence[Any]]


class LazyRows:
    """Rows whose values are worked out only when first read (when drawn, mostly), each by
    ``make(key)``.

    For a table whose every row costs something to make (a round's preview: each idea's
    decision and its reason in words), so that showing 3,000 of them makes the few dozen on the
    screen; and nothing is made per row as they are given, not even an object to make it later
    (at 3,000 rows, one each cost a millisecond or two and as many young garbage collections).
    ``make`` should read nothing that changes before the table is next filled. Two fills are
    never equal (reading them to compare would make every row): each gives every row of the
    table a new value, made when drawn.
    """

    __slots__ = ("keys", "make")

    def __init__(self, keys: Iterable[str], make: Callable[[str], Sequence[Any]]) -> None:
        self.keys: list[str] = list(keys)
        self.make = make


def _values(key: str, cells: tuple[Any, ...] | LazyRows) -> tuple[Any, ...]:
    """A row's values, made now if they were to be made when drawn."""
    return tuple(cells.make(key)) if type(cells) is LazyRows else cells


class _LazyCells(dict):
    """``DataTable``'s rows (row key -> column key -> cell), each row's cells built as it is
    first read: when it is drawn, mostly, so a table of 3,000 rows builds the few dozen on the
    screen rather than 15,000 cells. A row not read yet holds its values as given (a tuple), or
    the :class:`LazyRows` that will make them."""

    __slots__ = ("_build",)

    def __init__(self, build: Any) -> None:
        super().__init__()
        self._build = build

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        if type(value) is tuple:
            value = self._build(value)
            dict.__setitem__(self, key, value)
        elif type(value) is LazyRows:
            value = self._build(_values(key.value if isinstance(key, RowKey) else key, value))
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def items(self) -> Any:  # type: ignore[override]
        return [(key, self[key]) for key in self]

    def values(self) -> Any:  # type: ignore[override]
        return [self[key] for key in self]


class _OneLineRows(Sequence[tuple[Any, int]]):
    """``DataTable._y_offsets`` for a table whose every row is one line high: line ``y`` is
    row ``y``, line 0 of it. ``DataTable`` builds that list anew, a tuple per line, each time
    its rows change (a refill, a patch, a cursor moved after one), and a round's preview of
    3,000 ideas changes them several times before its first frame."""

    __slots__ = ("_table",)

    def __init__(self, table: "RecordTable") -> None:
        self._table = table

    def __len__(self) -> int:
        return self._table.row_count

    def __getitem__(self, y: Any) -> Any:
        if isinstance(y, slice):
            return [self[n] for n in range(*y.indices(len(self)))]
        key = self._table._row_locations.get_key(y) if y >= 0 else None
        if key is None:
            raise IndexError(y)
        return key, 0

    def clear(self) -> None:
        """(``DataTable.clear`` empties the list it was given; here there is none to empty.)"""


class _RowsInOrder(Sequence[Any]):
    """``DataTable.ordered_rows`` as a view: the rows at the positions asked for, read when
    asked. ``DataTable`` builds the whole list anew each time its rows change, to read one
    row or a few (the cursor's, to show it: a sum of the heights of those above it)."""

    __slots__ = ("_table", "_span")

    def __init__(self, table: "RecordTable", span: range | None = None) -> None:
        self._table = table
        self._span = range(table.row_count) if span is None else span

    def __len__(self) -> int:
        return len(self._span)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return _RowsInOrder(self._table, self._span[index])
        table = self._table
        return table.rows[table._row_locations.get_key(self._span[index])]


PATCH_LIMIT = 20
"""Up to this many rows removed or changed, the table is patched in place; beyond, refilled."""


class RecordTable(DataTable):
    """A table of records: literal cells, columns that fit, a cursor that stays on its record."""

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
    }
    """

    def __init__(self, columns: Sequence[Column], *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._specs: list[Column] = list(columns)
        self._rows: list[tuple[str, tuple[Any, ...]]] = []
        self._layout: tuple[Any, ...] | None = None
        self.full_rebuilds = 0
        """How many times every row was built anew (the first fill included)."""
        self._data = _LazyCells(self._row_cells)

    # -- filling -------------------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the columns (e.g. one per day of the lab); the rows are refilled."""
        if list(columns) != self._specs:
            self._specs = list(columns)
            self._rebuild(self._rows)

    def set_rows(self, rows: Iterable[Row] | LazyRows) -> None:
        """Show ``rows``: ``(key, cells)`` pairs, the key a record id unique in the table, or
        :class:`LazyRows`, whose rows are made when drawn.

        Nothing happens if neither the rows nor the columns changed, so screens may call this on
        every refresh.
        """
        if type(rows) is LazyRows:
            fill = rows
            rows = list(zip(fill.keys, repeat(fill)))
            if (self._rows and len(rows) == len(self._rows) and fill.keys == self.row_keys
                    and self._wanted_layout() == self._layout):
                self._new_values(rows)
                return
        else:
            rows = [(str(key), tuple(cells)) for key, cells in rows]
        if rows == self._rows and self._wanted_layout() == self._layout:
            return
        self._rebuild(rows)

    @property
    def row_keys(self) -> list[str]:
        """The keys of the rows shown, top to bottom."""
        return [key for key, _ in self._rows]

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if not self._rows or not self.is_valid_row_index(self.cursor_row):
            return None
        return self._rows[self.cursor_row][0]

    # -- layout --------------------------------------------------------------------------------

    def _widths(self) -> list[int]:
        total = self.size.width or FALLBACK_WIDTH
        room = total - self.styles.scrollbar_size_vertical
        room -= 2 * self.cell_padding * len(self._specs)
        fixed = sum(c.width for c in self._specs if c.width)
        flexible = [c for c in self._specs if not c.width]
        shares = sum(c.flex for c in flexible) or 1
        left = max(0, room - fixed)
        widths: list[int] = []
        for column in self._specs:
            if column.width:
                widths.append(column.width)
            else:
                widths.append(max(column.min_width, left * column.flex // shares))
        return widths

    def _wanted_layout(self) -> tuple[Any, ...]:
        return tuple((c.key, c.title, c.align) for c in self._specs), tuple(self._widths())

    def _rebuild(self, rows: list[tuple[str, tuple[Any, ...]]]) -> None:
        layout = self._wanted_layout()
        if self._layout is not None and layout != self._layout and layout[0] == self._layout[0]:
            self._refit(layout)
        if layout == self._layout and self._patch(rows):
            return
        self.full_rebuilds += 1
        old_key, old_row, old_scroll = self.cursor_key, self.cursor_row, self.scroll_y
        self._rows = rows
        self.clear(columns=layout != self._layout)
        if layout != self._layout:
            for column, width in zip(self._specs, layout[1]):
                self.add_column(Text(column.title, justify=column.align, no_wrap=True,
                                     overflow="ellipsis"), width=width, key=column.key)
            self._layout = layout
        self._append(self._rows)
        if not self._rows:
            return
        keys = self.row_keys
        row = keys.index(old_key) if old_key in keys else min(old_row, len(keys) - 1)
        # Back to where the view was, then only as far as needed to show the cursor.
        self.scroll_to(y=old_scroll, animate=False, immediate=True)
        self.move_cursor(row=row, animate=False)

    def _append(self, rows: Sequence[tuple[str, tuple[Any, ...]]]) -> None:
        """Add ``rows`` at the bottom, as ``DataTable.add_row`` does one by one, but with the
        cursor checked and the table told once for them all (per row, that bookkeeping cost
        more than the row itself: a third of a second at 3,000 rows)."""
        if not rows:
            return
        if len(rows) < 4:
            for key, cells in rows:
                self.add_row(*self._cells(_values(key, cells)), key=key)
            return
        start = self.row_count
        keys = [key for key, _ in rows]
        if len(set(keys)) < len(keys) or not self._row_locations._forward.keys().isdisjoint(keys):
            raise DuplicateKey(f"A row key of {keys!r} is there already.")
        row_keys = list(map(RowKey, keys))
        # Each table of DataTable's filled at once (a row at a time, that bookkeeping was more
        # than half of showing 3,000 rows, which a round's preview does every time).
        locations = self._row_locations
        places = range(start, start + len(row_keys))
        locations._forward.update(zip(row_keys, places))
        locations._reverse.update(zip(places, row_keys))
        dict.update(self._data, zip(row_keys, [cells for _, cells in rows]))  # built when read
        self.rows.update({row_key: DataRow(row_key, 1, None, False) for row_key in row_keys})
        if not self._fixed_widths():
            self._new_rows.update(row_keys)  # (else nothing is measured: _update_dimensions)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if start == 0 and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

    def _row_cells(self, cells: tuple[Any, ...]) -> dict[Any, Text]:
        """A row's cells by column key, from its values (see :class:`_LazyCells`)."""
        return dict(zip([column.key for column in self.ordered_columns], self._cells(cells)))

    def _cells(self, cells: tuple[Any, ...]) -> list[Text]:
        padded = list(cells) + [""] * (len(self._specs) - len(cells))
        return [cell(value, column.align) for value, column in zip(padded, self._specs)]

    def _refit(self, layout: tuple[Any, ...]) -> None:
        """Give the columns new widths (the same columns): the rows stay as they are."""
        for column, width in zip(self.ordered_columns, layout[1]):
            column.width = width
        self._layout = layout
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()

    def _patch(self, rows: list[tuple[str, tuple[Any, ...]]]) -> bool:
        """Bring the table to ``rows`` by touching only what changed, if that is cheap.

        The usual change is one record added, edited or removed in a long list (the brainstorm's
        ideas), and refilling thousands of rows for it would stall the screen. Returns False when
        the change is not of that kind, and the table is refilled instead.
        """
        old = self._rows
        old_keys = [key for key, _ in old]
        new_keys = [key for key, _ in rows]
        gone = set(old_keys) - set(new_keys)
        if len(gone) > PATCH_LIMIT:
            return False
        kept = [key for key in old_keys if key not in gone]
        if new_keys[:len(kept)] != kept:
            return False  # reordered or inserted in the middle
        if sum(1 for (_, a), (_, b) in zip(old, rows) if a != b) > PATCH_LIMIT:
            if new_keys != old_keys:
                return False
            self._new_values(rows)
            return True
        old_key, old_row = self.cursor_key, self.cursor_row
        for key in gone:
            self.remove_row(key)
        before = dict(old)
        for key, cells in rows[:len(kept)]:
            if before[key] != cells:
                cells = _values(key, cells)
                padded = list(cells) + [""] * (len(self._specs) - len(cells))
                for value, column in zip(padded, self._specs):
                    self.update_cell(key, column.key, cell(value, column.align))
        self._append(rows[len(kept):])
        self._rows = rows
        if rows and gone:
            # Removing rows above the cursor shifts what is under it; follow the record.
            row = new_keys.index(old_key) if old_key in new_keys else min(old_row, len(rows) - 1)
            self.move_cursor(row=row, animate=False)
        return True

    def _new_values(self, rows: list[tuple[str, Any]]) -> None:
        """The same records, many of them shown otherwise (a round's preview for another rule,
        another language): new values for the rows there are, each built when drawn, and
        nothing of DataTable's bookkeeping of 3,000 rows made again."""
        if rows and type(rows[0][1]) is LazyRows:
            # One maker for every row: given under the table's own row keys, whose hashes the
            # dict keeps (by the record ids, each would be compared in Python with its key).
            dict.update(self._data, dict.fromkeys(self.rows, rows[0][1]))
        else:
            dict.update(self._data, rows)  # a row key equals its record's id
        self._rows = rows
        self._clear_caches()
        self._update_count += 1
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------

    _pass_styles: dict[str, Style] | None = None
    """The styles every line of a drawing pass shares (see :meth:`_shared_style`), worked out
    when the pass first needs them and dropped when the next pass begins."""

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``, as ``DataTable`` draws them; the styles they share are worked
        out afresh for each pass, since every change to them is followed by one."""
        self._pass_styles = None
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        """Drop the shared styles along with ``DataTable``'s caches: the CSS or theme changed."""
        self._pass_styles = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        """Line ``y``, as ``DataTable.render_line`` draws it, the table's style worked out once
        a pass rather than once a line."""
        if self.fixed_rows:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        if not self.show_header or y >= self.header_height:
            y += scroll_y
        return self._render_line(y, scroll_x, scroll_x + self.size.width, self._shared_style(""))

    def _shared_style(self, component: str) -> Style:
        """The table's rich style (``component`` empty) or a component's, once per pass.

        ``DataTable`` works these out for every line it draws (the table's, the header's and
        the row's zebra stripe), each a walk up the whole DOM blending backgrounds: a fifth of
        the time a line took. Nothing changes them in the middle of a pass.
        """
        styles = self._pass_styles
        if styles is None:
            styles = self._pass_styles = {}
        style = styles.get(component)
        if style is None:
            style = styles[component] = (self.get_component_styles(component).rich_style
                                         if component else self.rich_style)
        return style

    def _render_line_in_row(self, row_key: RowKey, line_no: int, base_style: Style,
                            cursor_location: Coordinate, hover_location: Coordinate,
                            ) -> tuple[list[list[Segment]], list[list[Segment]]]:
        """A row's line (the header's too), as ``DataTable`` draws it, for the table the screens
        have: a row cursor, rows one line high, no row labels, no fixed rows or columns.

        ``DataTable`` works out the row's styles again for each of its cells (the styles of the
        cursor and hover, their sums with the row's) and draws each cell by Rich's general path;
        here they are worked out once a row and each cell is drawn by :meth:`_cell_line`. Any
        other table, and any cell that path declines, is drawn by ``DataTable``.
        """
        cursor_type = self.cursor_type
        header = row_key is self._header_row_key
        row_index = -1 if header else self._row_locations.get(row_key)
        if (line_no or cursor_type != "row" or self.fixed_rows or self.fixed_columns
                or (self._labelled_row_exists and self.show_row_labels) or row_index is None
                or (self.header_height if header else self.rows[row_key].height) != 1):
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location,
                                               hover_location)
        show_cursor = self.show_cursor
        show_hover = self._show_hover_cursor
        update_count = self._update_count
        pseudo_classes = self._pseudo_class_state
        # DataTable's own cache and key: what invalidates its rows invalidates these.
        row_cache_key = (row_key, line_no, base_style, cursor_location, hover_location,
                         cursor_type, show_cursor, show_hover, update_count, pseudo_classes)
        drawn = self._row_render_cache.get(row_cache_key)
        if drawn is not None:
            return drawn
        if header:
            row_style = self._shared_style("datatable--header")
        elif self.zebra_stripes:
            row_style = self._shared_style(
                "datatable--odd-row" if row_index % 2 else "datatable--even-row")
        else:
            row_style = base_style
        # A row cursor highlights a whole row (DataTable._should_highlight).
        cursor = row_index == cursor_location.row
        hover = row_index == hover_location.row
        component_style, post_style = self._get_styles_to_render_cell(
            header, False, False, hover, cursor, show_cursor, show_hover,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        console = self.app.console
        pre = console.get_style(row_style + component_style)
        post = console.get_style(post_style)
        # _cell_line adds the cell's place to styles that carry none.
        placeable = not (pre.link or pre.meta or post.link or post.meta)
        values = None if header else self._data[row_key]
        pad = self.cell_padding
        cell_cache = self._cell_render_cache
        line: list[list[Segment]] = []
        table_width = 0
        for column_index, column in enumerate(self.ordered_columns):
            width = column.get_render_width(self)
            table_width += width
            cell_cache_key = (row_key, column.key, row_style, cursor, hover, show_hover,
                              update_count, pseudo_classes)
            lines = cell_cache.get(cell_cache_key)
            if lines is None:
                value = column.label if header else self._shown(values.get(column.key))
                segments = (self._cell_line(value, row_index, column_index, pre, post,
                                            width - 2 * pad, pad) if placeable else None)
                if segments is None:
                    lines = super()._render_cell(row_index, column_index, row_style, width,
                                                 cursor, hover)
                else:
                    lines = cell_cache[cell_cache_key] = [segments]
            line.append(lines[0])
        # The rest of the width, in the row's colours, a click there lands on the row.
        extend_style, _ = self._get_styles_to_render_cell(
            header, False, False, hover, cursor, show_cursor, show_hover, False, False)
        extend_style = row_style + extend_style
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        line.append([Segment(" " * max(0, self.size.width - table_width), extend_style)])
        drawn = self._row_render_cache[row_cache_key] = ([], line)
        return drawn

    @staticmethod
    def _shown(value: Any) -> Any:
        """What ``DataTable`` draws for a body cell holding ``value``: an empty text of its own
        for none or an empty text (whatever that one's style or justification)."""
        return _EMPTY_TEXT if value is None or isinstance(value, Text) and not value else value

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """A body cell's lines, as ``DataTable`` draws them, drawn by :meth:`_cell_line`.
        (:meth:`_render_line_in_row` calls that itself; this is for ``DataTable``'s other
        callers.) Headers, labels and anything unusual are drawn by ``DataTable`` itself."""
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        row = self.rows.get(row_key)
        pad = self.cell_padding
        if row is None or row.height != 1 or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        cache = self._cell_render_cache
        lines = cache.get(cache_key)
        if lines is not None:
            return lines
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        console = self.app.console
        pre = console.get_style(base_style + component_style)
        post = console.get_style(post_style)
        segments = None
        if not (pre.link or pre.meta or post.link or post.meta):
            value = self._shown(self._data[row_key].get(column_key))
            segments = self._cell_line(value, row_index, column_index, pre, post,
                                       width - 2 * pad, pad)
        if segments is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        lines = cache[cache_key] = [segments]
        return lines

    def _cell_line(self, value: Any, row_index: int, column_index: int, pre: Style,
                   post: Style, inner: int, pad: int) -> list[Segment] | None:
        """A one-line cell's segments, as ``DataTable`` draws ``value`` there, or None when
        ``DataTable`` must draw it itself.

        ``DataTable`` renders ``Styled(Padding(value, (0, pad)), pre, post)`` into lines by Rich's
        general path and crops them, which cost about as much as the rest of a frame (some 40 ms
        for the two dozen rows a tab shows when it comes to the front). Every cell here is one
        line of ``Text``: plain printable ASCII (most cells: one cell a character) is cut and
        padded here as Rich would; other text goes through the parts of that path that matter
        for one line. ``inner`` is the width inside the padding, ``pad`` the padding each side;
        ``pre`` and ``post`` carry no link and no meta (the cell's place is added here).
        """
        if not isinstance(value, Text) or inner < 1 or value.no_wrap is False:
            return None  # (a text that wraps wraps even in a row one line high)
        plain = value.plain
        if "\n" in plain or "\t" in plain:
            return None
        console = self.app.console
        overflow = value.overflow
        # The console options DataTable renders with carry no justify and no overflow: the
        # text's own or Rich's defaults.
        if not value._spans and plain.isascii() and plain.isprintable() and overflow != "ignore":
            content = (console.get_style(value.style, default=Style.null())
                       if value.style else None)
            if content is not None and (content.link or content.meta):
                return None
            ellipsis = overflow == "ellipsis"
            justify = value.justify
            # Text.wrap with no_wrap: Lines.justify, then Text.truncate (cut to the width with
            # "…" or not; a left-justified line is padded to it as well).
            if justify == "left":
                if len(plain) > inner:
                    shown = plain[:inner - 1] + "…" if ellipsis else plain[:inner]
                else:
                    shown = plain + " " * (inner - len(plain))
            elif justify == "center" or justify == "right":
                shown = plain.rstrip()
                if len(shown) > inner:
                    shown = shown[:inner - 1] + "…" if ellipsis else shown[:inner]
                gap = inner - len(shown)
                shown = (" " * (gap // 2) + shown + " " * (gap - gap // 2) if justify == "center"
                         else " " * gap + shown)
            elif len(plain) > inner:  # "default", and "full" (which leaves a last line be)
                shown = plain[:inner - 1] + "…" if ellipsis else plain[:inner]
            else:
                shown = plain
            # Segment.apply_style(pre, post) on the padding (no style) and on the text (its
            # style, if any), then the cell's place for a mouse click.
            place = Style.from_meta({"row": row_index, "column": column_index})
            blank = pre or None
            if post:
                blank = blank + post if blank else post
            blank = place if blank is None else blank + place
            if content is None:
                styled = blank
            else:
                styled = pre + content if pre else content
                if post:
                    styled = styled + post if styled else post
                styled = styled + place
            line = [Segment(" " * pad, blank)] if pad else []
            if shown:
                line.append(Segment(shown, styled))
            elif not value.style:
                # Rich draws a text without spans as one segment, empty or not (a text's style
                # is a span once Text.__rich_console__ has joined its lines).
                line.append(Segment("", blank))
            if len(shown) < inner:
                line.append(Segment(" " * (inner - len(shown)), blank))
            if pad:
                line.append(Segment(" " * pad, blank))
            return line
        options = self.app.console_options
        # Text.__rich_console__ with the options DataTable gives it (one line, no wrapping),
        # then what Padding, Styled and Console.render_lines do with that line.
        wrapped = value.wrap(console, inner, justify=value.justify or options.justify or "default",
                             overflow=overflow or options.overflow or "fold",
                             tab_size=value.tab_size or console.tab_size, no_wrap=True)
        # Joined as Text.__rich_console__ joins its lines: a line's own style becomes a span
        # (Text.render draws a text without spans in no style at all).
        segments = list(Text("\n").join(wrapped).render(console, end="")) if wrapped else []
        blank = console.get_style("none")
        segments = Segment.adjust_line_length(segments, inner, style=blank, pad=True)
        if pad:
            segments = [Segment(" " * pad, blank), *segments, Segment(" " * pad, blank)]
        # DataTable puts the cell's place (a mouse click's target) first in the styles, which
        # makes every cell's styles unique and each of their sums a miss of Rich's cache; the
        # styles are summed without it, then it is added: the same styles, when nothing else in
        # the cell carries a place or a link (else DataTable draws it).
        if any(style is not None and (style.link or style.meta)
               for style in (segment.style for segment in segments)):
            return None
        place = Style.from_meta({"row": row_index, "column": column_index})
        return [Segment(text, None if control else place if style is None else style + place,
                        control)
                for text, style, control in Segment.apply_style(segments, pre, post)]

    # -- what DataTable measures ----------------------------------------------------------------

    def add_row(self, *cells: Any, height: int | None = 1, key: str | None = None,
                label: Any = None) -> RowKey:
        if height != 1:
            raise ValueError("a RecordTable's rows are one line high")
        return super().add_row(*cells, height=height, key=key, label=label)

    @property
    def ordered_rows(self) -> Any:  # type: ignore[override]
        return _RowsInOrder(self)

    @property
    def _y_offsets(self) -> Any:  # type: ignore[override]
        return _OneLineRows(self)

    @property
    def _total_row_height(self) -> int:  # type: ignore[override]
        return self.row_count

    def _fixed_widths(self) -> bool:
        return not any(column.auto_width for column in self.columns.values())

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        if not self._fixed_widths():
            super()._update_dimensions(new_rows)
            return
        # DataTable measures every cell of the new rows (3,000 rows: some 12,000 measures) to
        # widen auto-width columns and to size auto-height rows; here there are neither, so
        # only the scrollable size is worked out.
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    def _update_column_widths(self, updated_cells: set[Any]) -> None:
        if not self._fixed_widths():
            super()._update_column_widths(updated_cells)
        # Else nothing to do: DataTable would measure the changed cells (and, when one got
        # narrower, every cell of its column) to resize columns whose width is fixed.

    def on_resize(self, event: events.Resize) -> None:
        # DataTable's own resize handler runs as well; this one only refits the columns.
        if self._wanted_layout() != self._layout:
            self._rebuild(self._rows)
