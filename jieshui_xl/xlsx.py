"""XlsxWriter as every writer of this project uses it: no failure passes silently, one print setup.

XlsxWriter reports many failures only by a negative return value (a name it refuses, a cell out of
range, a validation or conditional format it cannot write) and writes the workbook anyway — whose
formulas would then show ``#NAME?``.  :class:`Workbook` checks every such value and raises a
:class:`~jieshui_xl.findings.JieshuiError` naming the sheet and cell or the name, so that workbook is
never written.
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect
from dataclasses import dataclass, field

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet as _Worksheet

from .findings import JieshuiError

__all__ = ["Workbook", "Worksheet", "print_setup", "footer_text", "Pager", "Carry", "keep_blocks_together", "width_scale"]

MARGINS = (0.4, 0.4, 0.5, 0.6)     # inches: left, right, top, bottom

_HINT = "因此没有写出该文件。这是程序或任务分工表的问题，请把本消息告知维护人员。"


def _where(args) -> str:
    """The cell or range an XlsxWriter call was given (``B3`` from ``(2, 1)`` or ``"B3"``)."""
    if args and isinstance(args[0], str):
        return args[0]
    if len(args) >= 2 and all(isinstance(a, int) for a in args[:2]):
        return xl_rowcol_to_cell(args[0], args[1])
    return ""


def _checked(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        if type(result) is int and result < 0:
            raise JieshuiError(f"无法写入工作表“{self.name}”{_where(args)}"
                               f"（{method.__name__} 返回 {result}）；" + _HINT)
        return result
    return call


class Worksheet(_Worksheet):
    """A worksheet whose every public method that reports failure by its return value raises instead."""


for _name, _method in inspect.getmembers(_Worksheet, inspect.isfunction):
    if not _name.startswith("_"):
        setattr(Worksheet, _name, _checked(_method))


class Workbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook with checked worksheets and checked defined names."""

    def add_worksheet(self, name=None, worksheet_class=None):
        return super().add_worksheet(name, worksheet_class or Worksheet)

    def define_name(self, name, formula):
        if super().define_name(name, formula) < 0:
            raise JieshuiError(f"Excel 不接受名称“{name}”（{formula}）：引用它的公式会显示 #NAME?；" + _HINT)
        return 0


def footer_text(text: str) -> str:
    """Header/footer text: '&' doubled; a leading digit separated (after a section code it is a font size)."""
    text = str(text).replace("&", "&&")
    return " " + text if text[:1].isdigit() else text


def print_setup(ws, *, left: str = "", right: str | None = None, landscape: bool = True, pages_high: int = 0,
                repeat=None, margins: tuple[float, float, float, float] = MARGINS) -> None:
    """A4, one page wide (``pages_high`` 0: as many long as needed), centred, ``repeat`` rows
    (a row or a (first, last) pair) on every page; footer: ``left`` | page x of y | ``right``, by
    default the date the file was generated, written as 2026-12-01 (never left to the locale)."""
    ws.set_paper(9)
    ws.fit_to_pages(1, pages_high)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.center_horizontally()
    left_m, right_m, top_m, bottom_m = margins
    ws.set_margins(left=left_m, right=right_m, top=top_m, bottom=bottom_m)
    if repeat is not None:
        ws.repeat_rows(*(repeat if isinstance(repeat, tuple) else (repeat,)))
    if right is None:
        right = f"生成日期：{_dt.date.today().isoformat()}"
    ws.set_footer(f"&L{footer_text(left)}&C第 &P 页，共 &N 页&R{footer_text(right)}", {"margin": 0.3})


# -- keeping merged blocks on one printed page ---------------------------------------------------

A4_INCHES = (8.27, 11.69)
SAFETY = 0.96       # heights are set by the writers; the scale is an upper estimate: keep a little spare


def width_scale(widths, landscape: bool = True, margins=MARGINS) -> int:
    """The print scale (%) at which columns ``widths`` (character units) fill the A4 page width."""
    points = sum(int(w * 7 + 5) for w in widths) * 0.75          # Excel: 7 px per character + 5 px
    paper = (A4_INCHES[1] if landscape else A4_INCHES[0]) - margins[0] - margins[1]
    return max(10, min(100, int(paper * 72 / points * 100)))


@dataclass
class Carry:
    """Where a block taller than a page may continue on the next page under a repeated title row.

    ``rows``: the rows before which that title can be written (the block's writer knows what to
    repeat there); ``height``: the title row's points.  :func:`keep_blocks_together` fills ``at``:
    the rows (numbered without the repeated titles) before which a title is to be written."""
    rows: set[int] = field(default_factory=set)
    height: float = 0.0
    at: list[int] = field(default_factory=list)


def keep_blocks_together(ws, widths, blocks, repeat_height: float, landscape: bool = True,
                         margins=MARGINS, carry: Carry | None = None) -> list[int]:
    """Break pages only between ``blocks`` (each a list of (first row, points) pieces: rows that
    print together, such as a merged cell over several rows), with ``repeat_height`` points of
    repeated rows (``repeat_rows``) on every page.  A block taller than a page breaks between its
    pieces, where ``carry`` allows and records a repeated title.  Returns the rows before which a
    page breaks."""
    pager = Pager(ws, widths, top=0.0, repeat=repeat_height, landscape=landscape, margins=margins)
    carry = carry or Carry()
    for pieces in blocks:
        first, total = pieces[0][0], sum(height for _, height in pieces)
        if total <= pager.capacity:
            pager.place(first, total)
            continue
        # its opening rows stay with the first row a page could continue from (a title is never
        # left alone at the foot of a page)
        lead = next((n for n, (row, _) in enumerate(pieces) if n and row in carry.rows), 0)
        pieces = [(first, sum(height for _, height in pieces[:lead + 1])), *pieces[lead + 1:]]
        for row, height in pieces:
            breaks = len(pager.breaks)
            pager.place(row, height)
            if len(pager.breaks) > breaks and row != first and row in carry.rows:
                carry.at.append(row)
                pager.used += carry.height
    return pager.breaks


class Pager:
    """Lays rows out on printed pages of a sheet with several sections, each with its own column
    header: a block that would not fit on the current page starts a new one (a manual break), and
    the current section's header is written again at the top of that page.

    Callers ask :meth:`place` for the row of each block *before* writing it (the row moves down by
    one where a header is repeated)."""

    def __init__(self, ws, widths, *, top: float, repeat: float = 0.0, landscape: bool = True,
                 margins=MARGINS):
        """``top``: points used on the first page before the first block; ``repeat``: points of
        rows repeated on every page (``repeat_rows``).  The sheet stays "one page wide" (manual
        breaks hold under it while the height is automatic); page capacity is estimated at the
        largest scale that could apply, so a page never holds less than estimated."""
        self.ws = ws
        self.breaks: list[int] = []
        scale = width_scale(widths, landscape, margins)
        paper = (A4_INCHES[0] if landscape else A4_INCHES[1]) - margins[2] - margins[3]
        self.capacity = (paper * 72 * 100 / scale - repeat) * SAFETY
        self.used = top                 # points of the first page above the first placed block
        self.heading = None             # (write(row), height) of the current section's column header

    def place(self, row: int, height: float, keep_with_next: float = 0.0) -> int:
        """The row where a block of ``height`` points starts (``keep_with_next``: points of what
        follows that must share its page, e.g. the first row under a header)."""
        if self.used and self.used + height + keep_with_next > self.capacity:
            self.breaks.append(row)
            self.ws.set_h_pagebreaks(self.breaks)
            self.used = 0.0
            if self.heading is not None:
                write, header_height = self.heading
                write(row)
                row += 1
                self.used = header_height
        self.used += height
        return row
