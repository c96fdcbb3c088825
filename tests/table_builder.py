"""Build modified copies of the bundled task table in code (no committed binaries).

    tb = TableBuilder()                                   # a copy of templates/task_division.xlsx
    cell = tb.set("数据项", row_where_code="builtup_area_km2", column="填报单位", value="区不存在局")
    path = tb.save(tmp_path / "broken.xlsx")

``set`` returns the address of the cell it changed (e.g. "I3"), so a test can check that an error
message points at exactly that cell.  Rows are found by a column value: ``row_where_code`` looks in
the sheet's 代码 column; ``row_where={"序号": 9}`` in any column.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from jieshui_xl.spec import default_task_table_path


class TableBuilder:
    def __init__(self, source: str | Path | None = None):
        self.wb = openpyxl.load_workbook(source or default_task_table_path())

    # -- looking things up ----------------------------------------------------------------------
    def header(self, sheet: str) -> dict[str, int]:
        """Header name -> 1-based column index."""
        ws = self.wb[sheet]
        return {str(c.value).strip(): c.column for c in ws[1] if c.value is not None}

    def column_index(self, sheet: str, column: str) -> int:
        header = self.header(sheet)
        if column not in header:
            raise KeyError(f"sheet {sheet!r} has no column {column!r}; it has {list(header)}")
        return header[column]

    def row_of(self, sheet: str, row_where: dict) -> int:
        """The first data row whose cells equal every value of ``row_where`` ({column: value})."""
        ws = self.wb[sheet]
        cols = {name: self.column_index(sheet, name) for name in row_where}
        for r in range(2, ws.max_row + 1):
            if all(_same(ws.cell(r, c).value, row_where[name]) for name, c in cols.items()):
                return r
        raise KeyError(f"no row in {sheet!r} with {row_where!r}")

    def get(self, sheet: str, *, column: str, row: int | None = None, row_where_code: str | None = None,
            row_where: dict | None = None):
        r = self._row(sheet, row, row_where_code, row_where)
        return self.wb[sheet].cell(r, self.column_index(sheet, column)).value

    # -- editing ------------------------------------------------------------------------------------
    def set(self, sheet: str, *, column: str, value, row: int | None = None, row_where_code: str | None = None,
            row_where: dict | None = None) -> str:
        """Write ``value`` into one cell; return its address (e.g. "I3")."""
        r = self._row(sheet, row, row_where_code, row_where)
        c = self.column_index(sheet, column)
        self.wb[sheet].cell(r, c).value = value
        return f"{get_column_letter(c)}{r}"

    def append(self, sheet: str, **values) -> int:
        """Add a row after the last one ({column: value}); return its row number."""
        ws = self.wb[sheet]
        r = ws.max_row + 1
        for name, value in values.items():
            ws.cell(r, self.column_index(sheet, name)).value = value
        return r

    def delete_sheet(self, sheet: str) -> None:
        del self.wb[sheet]

    def delete_column(self, sheet: str, column: str) -> None:
        self.wb[sheet].delete_cols(self.column_index(sheet, column))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.wb.save(path)
        return path

    # -- internals ----------------------------------------------------------------------------------
    def _row(self, sheet, row, row_where_code, row_where) -> int:
        given = [x is not None for x in (row, row_where_code, row_where)]
        if sum(given) != 1:
            raise ValueError("give exactly one of row, row_where_code, row_where")
        if row is not None:
            return row
        if row_where_code is not None:
            return self.row_of(sheet, {"代码": row_where_code})
        return self.row_of(sheet, row_where)


def _same(cell_value, wanted) -> bool:
    if isinstance(wanted, (int, float)) and isinstance(cell_value, (int, float)):
        return float(cell_value) == float(wanted)
    return cell_value is not None and str(cell_value).strip() == str(wanted)
