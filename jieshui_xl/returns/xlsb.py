"""Read an Excel binary workbook (.xlsb) through python-calamine.

calamine reads cell values and sheet visibility, but neither defined names, number formats,
formulas, protection nor document properties.  So the identity comes from the hidden identity
sheet, and the input cells from the positions the identity recorded at generation (a moved cell
cannot be detected in an .xlsb); percent-formatted cells read as their stored fraction (and are
warned about as such by the value checks).  calamine holds a sheet's used range densely, so each
sheet's declared dimension (the BrtWsDim record) is checked against ``Limits.cells`` first.
"""

from __future__ import annotations

import datetime as _dt
import io
import struct

from ..workbook_names import column_letter
from .book import VISIBLE, Book, Cell, Sheet, Source
from .container import Container, Deadline
from .limits import Limits, ReadLimit

__all__ = ["read_xlsb"]

_BRT_WS_DIM = 0x94
_STATES = {"Visible": VISIBLE, "Hidden": "hidden", "VeryHidden": "veryHidden"}


def _varint(data: bytes, pos: int, limit: int) -> tuple[int, int]:
    value, shift = 0, 0
    for _ in range(limit):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


def _dimension(part: bytes) -> int | None:
    """Cells in the sheet's declared used range, from its first records (None where not found)."""
    pos = 0
    for _ in range(64):
        if pos >= len(part):
            return None
        rtype, pos = _varint(part, pos, 2)
        size, pos = _varint(part, pos, 4)
        if rtype == _BRT_WS_DIM and size >= 16:
            r1, r2, c1, c2 = struct.unpack_from("<4I", part, pos)
            return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
        pos += size
    return None


def _check_dimensions(source: Source, limits: Limits) -> None:
    container = Container(source.data, limits)
    try:
        for name in container.names():
            if name.lower().startswith("xl/worksheets/") and name.lower().endswith(".bin"):
                with container.open(name) as fh:
                    cells = _dimension(fh.read(4096))
                if cells is not None and cells > limits.cells:
                    raise ReadLimit(f"工作表声明的区域有 {cells} 个单元格，超过上限 {limits.cells}")
    finally:
        container.close()


def _value(value):
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, _dt.timedelta):
        return str(value)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day)
    return value


def _sheet(wb, meta, limits: Limits, deadline: Deadline, counted: list[int]) -> Sheet:
    ws = wb.get_sheet_by_name(meta.name)
    counted[0] += ws.height * ws.width
    if counted[0] > limits.cells:
        raise ReadLimit(f"工作簿的单元格超过 {limits.cells} 个（可能整表设置了格式或内容异常）")
    sheet = Sheet(meta.name, _STATES.get(str(meta.visible).rsplit(".", 1)[-1], VISIBLE), protected=None)
    if ws.start is None:
        return sheet
    top, left = ws.start
    for r, row in enumerate(ws.to_python(skip_empty_area=True)):
        deadline.check()
        for c, raw in enumerate(row):
            value = _value(raw)
            if value is not None:
                sheet.cells[f"{column_letter(left + c + 1)}{top + r + 1}"] = Cell(value)
    return sheet


def read_xlsb(source: Source, limits: Limits, deadline: Deadline | None = None) -> Book:
    from python_calamine import CalamineWorkbook

    deadline = deadline or Deadline(limits.seconds)
    if source.data.startswith(b"PK"):
        _check_dimensions(source, limits)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(source.data))
    try:
        counted = [0]
        sheets = [_sheet(wb, m, limits, deadline, counted) for m in wb.sheets_metadata
                  if str(m.typ).rsplit(".", 1)[-1] == "WorkSheet"]
    finally:
        wb.close()
    book = Book(source, {s.title: s for s in sheets}, {}, {}, None, names_from_identity=True, formulas_known=False,
                max_name_cells=limits.name_cells)
    ident = book.identity()
    if ident is not None:
        book.names = dict(ident.cells)
    return book
