"""What a cell of a returned workbook holds: cached value, number format, formula.

Defined names are resolved to cells by :mod:`jieshui_xl.workbook_names`.
"""

from __future__ import annotations

from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from .values import Typed

__all__ = ["formula_text", "read_cell"]


def formula_text(cell) -> str | None:
    """The formula a cell of the formulas workbook holds, or None."""
    value = cell.value
    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, DataTableFormula):
        return "{=TABLE()}"
    if cell.data_type == "f":
        return str(value)
    return None


def read_cell(book, sheet: str, coord: str) -> tuple[Typed, str | None]:
    """(cached value with its number format, formula text or None) of one cell."""
    cell = book.values[sheet][coord]
    return Typed(cell.value, cell.number_format or "General"), formula_text(book.formulas[sheet][coord])
