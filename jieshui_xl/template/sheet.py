"""A thin layer over an XlsxWriter worksheet: a row cursor, merged text cells, defined names and
row heights that fit wrapped CJK text (Excel does not autofit merged cells)."""

from __future__ import annotations

from typing import Callable

from xlsxwriter.utility import xl_rowcol_to_cell

from ..display import show
from ..xlsx import print_setup
from .styles import LINE_HEIGHT, text_lines

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
MIN_HEIGHT = 18.0
FORM_MARGINS = (0.5, 0.5, 0.6, 0.7)     # inches: left, right, top, bottom


class Names:
    """The workbook's defined names: name -> absolute reference ("'数据填报'!$D$12")."""

    def __init__(self):
        self.refs: dict[str, str] = {}

    def add(self, name: str, ref: str) -> None:
        if name in self.refs:
            raise ValueError(f"defined name {name} placed twice ({self.refs[name]}, {ref})")
        self.refs[name] = ref

    def define_all(self, wb) -> None:
        for name, ref in self.refs.items():
            wb.define_name(name, "=" + ref)


class Sheet:
    """``carry``: what the writer of the current block would repeat at the top of a page the block
    continues on (a callable writing one row), or None.  ``continue_at``: the rows, numbered as
    without repeated rows, before which :meth:`next_row` writes it (from a rehearsal of the sheet:
    :func:`~jieshui_xl.template.datasheet.write_data_sheet`); ``carried`` records, for such a
    rehearsal, the rows that had a ``carry``."""

    def __init__(self, wb, title: str, widths: tuple[float, ...], names: Names, continue_at=()):
        self.ws = wb.add_worksheet(title)
        self.title, self.widths, self.names = title, widths, names
        self.row = 0
        self.carry: Callable[[Sheet, int], None] | None = None
        self.carried: set[int] = set()
        self.glued: set[int] = set()        # rows that print on the page of the row above
        self._continue_at: set[int] = set(continue_at)      # where to write the carry (rows as planned)
        self._continued: list[int] = []                   # where it was written (rows as planned)
        self.literals: set[str] = set()     # every constant written (for the returned-layout check)
        self._lines: dict[int, int] = {}
        self._fixed: dict[int, float] = {}
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)

    # -- addresses and names ----------------------------------------------------------------------
    def ref(self, row: int, col: int, last_row: int | None = None) -> str:
        cell = xl_rowcol_to_cell(row, col, True, True)
        if last_row is not None and last_row != row:
            cell += ":" + xl_rowcol_to_cell(last_row, col, True, True)
        return f"'{self.title}'!{cell}"

    def name(self, name: str, row: int, col: int, last_row: int | None = None) -> None:
        self.names.add(name, self.ref(row, col, last_row))

    def next_row(self, skip: int = 0) -> int:
        for _ in range(skip + 1):
            if self.carry is not None:
                planned = self.row - len(self._continued)
                self.carried.add(planned)
                if planned in self._continue_at:
                    self._continue_at.discard(planned)
                    self._continued.append(planned)
                    self.carry(self, self.row)
                    self.row += 1
            self.row += 1
        return self.row - 1

    def keep_whole(self, first: int, last: int) -> None:
        """Rows ``first`` … ``last`` print on one page: a page may break before ``first`` only."""
        shift = len(self._continued)
        self.glued.update(range(first + 1 - shift, last + 1 - shift))

    def pieces(self, first: int, end: int) -> list[tuple[int, float]]:
        """Rows ``first`` … ``end - 1`` as (row, points) pieces a page may break between."""
        out: list[tuple[int, float]] = []
        for row in range(first, end):
            if out and row in self.glued:
                out[-1] = (out[-1][0], out[-1][1] + self.row_height(row))
            else:
                out.append((row, self.row_height(row)))
        return out

    def moved(self, rows) -> list[int]:
        """``rows`` numbered as without repeated rows, numbered as written (a break before a row
        where a title was repeated falls before that title)."""
        return [r + sum(1 for c in self._continued if c < r) for r in rows]

    # -- writing ------------------------------------------------------------------------------------
    def text(self, row: int, col: int, value, fmt, last_col: int | None = None) -> None:
        """A label (always a string: a text starting with '=' stays text)."""
        self._merge(row, col, last_col, fmt)
        value = "" if value is None else str(value)
        if value:
            self.ws.write_string(row, col, value, fmt)
            self.literals.add(value.strip())
        else:
            self.ws.write_blank(row, col, None, fmt)
        self.need(row, text_lines(value, self.width(col, last_col)))

    def blank(self, row: int, col: int, fmt, last_col: int | None = None) -> None:
        self._merge(row, col, last_col, fmt)
        self.ws.write_blank(row, col, None, fmt)
        self.need(row, 1)

    def formula(self, row: int, col: int, text: str, fmt, value, last_col: int | None = None) -> None:
        """A formula (text without '=') with its cached value."""
        self._merge(row, col, last_col, fmt)
        self.ws.write_formula(row, col, "=" + text, fmt, value)
        self.need(row, 1)

    def number(self, row: int, col: int, value, fmt) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.ws.write_number(row, col, value, fmt)
            self.literals.add(show(value))
        else:
            self.text(row, col, value, fmt)
        self.need(row, 1)

    def width(self, col: int, last_col: int | None = None) -> float:
        last = col if last_col is None else last_col
        return sum(self.widths[c] if c < len(self.widths) else 8.43 for c in range(col, last + 1))

    def need(self, row: int, lines: int) -> None:
        self._lines[row] = max(self._lines.get(row, 1), lines)

    def height(self, row: int, points: float) -> None:
        self._fixed[row] = points

    def row_height(self, row: int) -> float:
        """The height (points) :meth:`finish` gives ``row``."""
        if row not in self._lines:
            return self._fixed.get(row, 15.0)
        return self._fixed.get(row, max(MIN_HEIGHT, self._lines[row] * LINE_HEIGHT + 5))

    def rows_height(self, first: int, end: int) -> float:
        return sum(self.row_height(r) for r in range(first, end))

    def finish(self) -> None:
        """Set every written row's height to fit its longest wrapped text."""
        for row in self._lines:
            self.ws.set_row(row, self.row_height(row))

    def _merge(self, row: int, col: int, last_col: int | None, fmt) -> None:
        if last_col is not None and last_col > col:
            self.ws.merge_range(row, col, row, last_col, "", fmt)


def setup_print(sheet: Sheet, *, footer_left: str, footer_right: str, landscape: bool,
                repeat: tuple[int, int] | None = None) -> None:
    """The shared print setup (A4, one page wide, page number footer), no gridlines, protected
    without password."""
    ws = sheet.ws
    print_setup(ws, left=footer_left, right=footer_right, landscape=landscape, repeat=repeat,
                margins=FORM_MARGINS)
    ws.hide_gridlines(2)
    ws.protect("", {"format_columns": True, "format_rows": True})
