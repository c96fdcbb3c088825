"""Read an Excel 97-2003 workbook (.xls; WPS's .et is the same format) through xlrd.

xlrd reads the cells with their formats (dates, percentages), sheet visibility and defined names;
it reads neither formulas (a formula cell is read by its cached result, with no formula warning) nor
sheet protection (left unknown: no protection finding) nor the document properties (the identity
is on its hidden sheet; the save time falls back to the file's modification time).
The file is already bounded in size; ``ragged_rows`` keeps xlrd from padding rows out to the widest.
"""

from __future__ import annotations

from ..workbook_names import column_letter
from .book import VISIBLE, Book, Cell, Sheet, Source
from .container import Deadline
from .limits import Limits, ReadLimit
from .numfmt import builtin_format, is_date_format

__all__ = ["read_xls"]

_STATES = {0: VISIBLE, 1: "hidden", 2: "veryHidden"}


def _format(book, xf_index: int) -> str:
    try:
        xf = book.xf_list[xf_index]
        fmt = book.format_map.get(xf.format_key)
        return fmt.format_str if fmt is not None else builtin_format(xf.format_key)
    except (IndexError, AttributeError):
        return "General"


def _value(xlrd, book, cell, fmt: str):
    ctype = cell.ctype
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#VALUE!")
    if ctype == xlrd.XL_CELL_DATE or is_date_format(fmt):
        try:
            when = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
        return when.time() if cell.value < 1 else when
    number = cell.value
    return int(number) if float(number).is_integer() and abs(number) < 1e15 else number


def _sheet(xlrd, book, index: int, limits: Limits, deadline: Deadline, counted: list[int]) -> Sheet:
    ws = book.sheet_by_index(index)
    sheet = Sheet(ws.name, _STATES.get(ws.visibility, VISIBLE), protected=None)
    for r in range(ws.nrows):
        deadline.check()
        row = ws.row(r)
        counted[0] += len(row)
        if counted[0] > limits.cells:
            raise ReadLimit(f"工作簿的单元格超过 {limits.cells} 个（可能整表设置了格式或内容异常）")
        for c, cell in enumerate(row):
            fmt = _format(book, cell.xf_index) if cell.xf_index is not None else "General"
            value = _value(xlrd, book, cell, fmt)
            if value is not None and value != "":
                sheet.cells[f"{column_letter(c + 1)}{r + 1}"] = Cell(value, fmt)
    return sheet


def _names(book, sheets: list[str], limits: Limits) -> dict[str, str]:
    """Defined names that are one area of one sheet, as A1 reference text."""
    out: dict[str, str] = {}
    for name in book.name_obj_list:
        try:
            ws, rlo, rhi, clo, chi = name.area2d(clipped=False)
        except Exception:  # noqa: BLE001 - a name that is not a single area is left out (reported as broken)
            out.setdefault(name.name, "#REF!")
            continue
        if (rhi - rlo) * (chi - clo) > limits.name_cells or ws.name not in sheets:
            out.setdefault(name.name, "#REF!")
            continue
        start = f"${column_letter(clo + 1)}${rlo + 1}"
        end = f"${column_letter(chi)}${rhi}"
        ref = start if (rhi - rlo, chi - clo) == (1, 1) else f"{start}:{end}"
        text = "'" + ws.name.replace("'", "''") + "'!" + ref
        key = "_xlnm." + name.name if getattr(name, "builtin", 0) else name.name
        if name.scope == -1:
            out[key] = text
        else:
            out.setdefault(key, text)
    return out


def read_xls(source: Source, limits: Limits, deadline: Deadline | None = None) -> Book:
    import xlrd

    deadline = deadline or Deadline(limits.seconds)
    book = xlrd.open_workbook(file_contents=source.data, formatting_info=True, ragged_rows=True,
                              on_demand=False, logfile=_Quiet())
    try:
        counted = [0]
        sheets = [_sheet(xlrd, book, i, limits, deadline, counted) for i in range(book.nsheets)]
        names = _names(book, [s.title for s in sheets], limits)
    finally:
        book.release_resources()
    return Book(source, {s.title: s for s in sheets}, names, {}, None, formulas_known=False,
                max_name_cells=limits.name_cells)


class _Quiet:
    """xlrd writes warnings to a log file; a returned file's oddities are findings, not console noise."""

    def write(self, _text: str) -> None:
        pass
