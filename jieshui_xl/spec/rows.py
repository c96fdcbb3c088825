"""The generic reader: a worksheet of the task table, checked against its declaration, as rows.

A sheet is declared as a subclass of :class:`Sheet` whose class attributes are its columns
(:class:`Field` objects, in header order); :func:`read_workbook` reports every missing sheet and
missing column, and gives each sheet's non-blank rows.  How a cell of each kind is read is
:mod:`.cells`; the sheets themselves are :mod:`.sheets`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Iterable, Sequence, TypeVar

import openpyxl
from openpyxl.utils import get_column_letter

from ..findings import TaskTableError
from .problems import Problems

if TYPE_CHECKING:
    from .cells import Cells

T = TypeVar("T")
Rows = dict[str, list["Row"]]          # sheet title -> its rows (none for a missing sheet)


@dataclass(frozen=True)
class Field(Generic[T]):
    """A column: its header (row 1) and whether the sheet must have it.  Subclasses (the kinds of
    :mod:`.cells`) say how a cell is read into a ``T``."""
    header: str
    required: bool = True

    def read(self, cells: Cells, row: Row) -> T:
        raise NotImplementedError


class Sheet:
    """A sheet: ``class UnitSheet(Sheet, title="单位")`` with one :class:`Field` attribute a column."""
    title: ClassVar[str] = ""
    fields: ClassVar[tuple[Field[Any], ...]] = ()
    optional: ClassVar[bool] = False      # a table without this sheet has none of its rows (no problem)

    def __init_subclass__(cls, title: str = "", optional: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.title, cls.optional = title, optional
        cls.fields = tuple(v for v in vars(cls).values() if isinstance(v, Field))


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, object]     # header -> the cell's value
    columns: dict[str, int]       # header -> column index (1-based)

    def has(self, f: Field[Any]) -> bool:
        return f.header in self.columns

    def get(self, f: Field[Any]) -> object:
        v = self.values.get(f.header)
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    def text(self, f: Field[Any]) -> str:
        v = self.get(f)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (_dt.datetime, _dt.date)):
            return v.strftime("%Y-%m-%d")
        return str(v)

    def cell(self, f: Field[Any]) -> str:
        col = self.columns.get(f.header)
        return f"{get_column_letter(col)}{self.number}" if col else f"第{self.number}行"

    def loc(self, f: Field[Any]) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell(f), "field": f.header}


def read_workbook(path: Path, sheets: Sequence[type[Sheet]], problems: Problems) -> Rows:
    """Every declared sheet's rows; a missing sheet or column is reported (and the sheet's rows are
    none).  A file that cannot be opened at all raises :class:`TaskTableError` at once."""
    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except FileNotFoundError:
        problems.add("table-unreadable", file=str(path), detail="文件不存在")
        raise TaskTableError(problems.report) from None
    except Exception as exc:  # corrupt zip, not a workbook, ...
        problems.add("table-unreadable", file=str(path), detail=type(exc).__name__)
        raise TaskTableError(problems.report) from None
    out: Rows = {}
    try:
        for sheet in sheets:
            if sheet.title in wb.sheetnames:
                out[sheet.title] = _rows(wb[sheet.title].iter_rows(values_only=True), sheet, problems)
            elif sheet.optional:
                out[sheet.title] = []
            else:
                problems.add("table-missing-sheet", sheet=sheet.title)
                problems.missing_sheets.add(sheet.title)
                out[sheet.title] = []
    finally:
        wb.close()
    return out


def _rows(cells: Iterable[tuple[object, ...]], sheet: type[Sheet], problems: Problems) -> list[Row]:
    rows = list(cells)
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
    columns = {h: i + 1 for i, h in enumerate(header) if h}
    for f in sheet.fields:
        if f.required and f.header not in columns:
            problems.add("table-missing-column", sheet=sheet.title, field=f.header)
    out = []
    for n, values in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append(Row(sheet.title, n, {h: values[i - 1] if i - 1 < len(values) else None
                                        for h, i in columns.items()}, columns))
    return out
