"""What every sheet writer shares: the round's data, the logic, the defined names and cached values.

Formulas are written through :meth:`Context.formula`, which records the names they use; at the end
:meth:`Context.define_names` defines every name and fails loudly if a formula refers to one that no
sheet defined (a scorecard that would show #NAME? is a bug, not an output).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_rowcol_to_cell

from ..data import Collection, UnitState
from ..findings import JieshuiError
from ..formula import ExcelError, Formula
from ..logic import Logic
from ..prevyear import PrevYear
from ..score import Result
from ..scored import Round, Trend
from ..spec import TaskTable
from .styles import Styles, row_height


def begin_sheet(ctx: "Context", ws, widths, subject: str) -> None:
    """Column widths, and the title “<city><year>年度 <subject>” merged over every column (row 0)."""
    title_row(ws, ctx.st, widths, f"{ctx.table.city}{ctx.table.year}年度 {subject}")


def title_row(ws, st, widths, title: str) -> None:
    """Column widths, and ``title`` merged over every column (row 0)."""
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    ws.merge_range(0, 0, 0, len(widths) - 1, title, st.title)
    ws.set_row(0, 26)


SECTION_HEIGHT = HEADER_HEIGHT = 18.0     # points


def section(ws, st, pager, row: int, title: str, heads: list[str], widths,
            keep: float = HEADER_HEIGHT * 2) -> int:
    """A section title and its column header over the columns of ``widths``, kept on one page with
    the next ``keep`` points (the section's first row) and repeated at the top of every page the
    section continues on (``pager``: :class:`jieshui_xl.xlsx.Pager`).  Returns the row under it."""
    last = len(widths) - 1
    spans = [widths[c] if c < len(heads) - 1 else sum(widths[c:]) for c in range(len(heads))]
    height = row_height(list(zip(heads, spans)), minimum=HEADER_HEIGHT)
    pager.heading = None
    row = pager.place(row, SECTION_HEIGHT + height, keep_with_next=keep)
    ws.merge_range(row, 0, row, last, title, st.section)
    ws.set_row(row, SECTION_HEIGHT)
    column_heads(ws, st, row + 1, heads, last, height)
    pager.heading = (lambda r: column_heads(ws, st, r, heads, last, height), height)
    return row + 2


def column_heads(ws, st, row: int, heads: list[str], last: int, height: float) -> None:
    """A header row; where there are fewer heads than columns the last one spans the rest."""
    for c, head in enumerate(heads[:-1]):
        ws.write_string(row, c, head, st.header)
    if len(heads) - 1 < last:
        ws.merge_range(row, len(heads) - 1, row, last, heads[-1], st.header)
    else:
        ws.write_string(row, last, heads[-1], st.header)
    ws.set_row(row, height)


def sheet_ref(sheet: str, row: int, col: int, row2: int | None = None, col2: int | None = None) -> str:
    """Absolute reference with the sheet name quoted: ``'汇总数据'!$C$5`` (or a range)."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    ref = xl_rowcol_to_cell(row, col, True, True)
    if row2 is not None:
        ref += ":" + xl_rowcol_to_cell(row2, col if col2 is None else col2, True, True)
    return f"{quoted}!{ref}"


@dataclass
class Context:
    round: Round
    wb: Workbook
    st: Styles
    sheets: dict = field(default_factory=dict)          # sheet name -> worksheet
    names: dict = field(default_factory=dict)           # defined name -> reference
    used: set = field(default_factory=set)              # names used by written formulas
    table_cells: dict = field(default_factory=dict)     # (table, row index, column code) -> reference

    # -- the round (read only) --------------------------------------------------------------------
    @property
    def table(self) -> TaskTable:
        return self.round.table

    @property
    def collection(self) -> Collection:
        return self.round.collection

    @property
    def result(self) -> Result:
        return self.round.result

    @property
    def prev(self) -> PrevYear:
        return self.round.prev

    @property
    def trend(self) -> Trend:
        return self.round.trend

    # -- names ----------------------------------------------------------------------------------
    def define(self, name: str, sheet: str, row: int, col: int, row2: int | None = None,
               col2: int | None = None) -> str:
        if name in self.names:
            raise ValueError(f"defined name {name} written twice")
        ref = sheet_ref(sheet, row, col, row2, col2)
        self.names[name] = ref
        return ref

    def define_names(self) -> None:
        undefined = sorted(self.used - set(self.names))
        if undefined:
            raise JieshuiError("评分表的公式引用了未定义的名称（会显示 #NAME?）：" + "、".join(undefined)
                               + "。因此没有写出评分表，请把本消息告知维护人员。")
        for name, ref in self.names.items():
            self.wb.define_name(name, "=" + ref)

    # -- formulas -------------------------------------------------------------------------------
    def formula(self, ws, row: int, col: int, formula: Formula, fmt, cached, rename: dict | None = None) -> None:
        """Write ``formula`` (names kept unless ``rename`` maps them to cells) with a cached value."""
        rename = rename or {}
        self.used |= {n for n in formula.names if n not in rename}
        ws.write_formula(row, col, "=" + formula.render(rename), fmt, cache(cached))

    def raw_formula(self, ws, row: int, col: int, text: str, names, fmt, cached) -> None:
        """A presentation formula built here (COUNTIF, NA ...) that the Python evaluator need not know."""
        self.used |= set(names)
        ws.write_formula(row, col, "=" + text, fmt, cache(cached))

    # -- values -----------------------------------------------------------------------------------
    @property
    def logic(self) -> Logic:
        return self.result.logic

    def value(self, name: str):
        """Python's value of any name of the round (the evaluator :func:`compute` used)."""
        return self.result.value(name)

    def unit_state(self, unit: str) -> UnitState:
        return self.round.unit(unit)

    def unit_status(self, unit: str) -> str:
        return self.unit_state(unit).status

    def contact(self, unit: str) -> str:
        info = self.collection.contacts.get(unit) or {}
        return " ".join(str(p) for p in (info.get("name"), info.get("phone")) if p)

    def findings(self) -> list:
        return list(self.round.report)


def cache(value):
    """The cached value xlsxwriter writes for a Python value (blank → "")."""
    if value is None:
        return ""
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else "#NUM!"
    return str(value)


def operand_text(value) -> str:
    """A value as a reviewer reads it in a substituted formula (blank as 空, text quoted)."""
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    if isinstance(value, ExcelError):
        return value.code
    return "“" + str(value) + "”"


def substituted(formula: Formula | None, value: Callable[[str], object]) -> str:
    """The formula with every name replaced by its value (``value(name)``): ``10.5/22.3*100``."""
    if formula is None:
        return ""
    return formula.render(lambda n: operand_text(value(n)))
