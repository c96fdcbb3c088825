"""Helpers for the collection-workbook tests: find workbooks, resolve and fill defined names."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import range_boundaries

from jieshui_xl.identity import META_SHEET
from jieshui_xl.template import file_name


def workbook_path(table, folder: Path, unit: str) -> Path:
    return Path(folder) / file_name(table, unit)


def load(table, folder: Path, unit: str, data_only: bool = False):
    return openpyxl.load_workbook(workbook_path(table, folder, unit), data_only=data_only)


def cells_of(wb, name: str) -> list:
    """The cells a workbook-level defined name points at (one, or a one-column range)."""
    out = []
    for sheet, coord in wb.defined_names[name].destinations:
        min_col, min_row, max_col, max_row = range_boundaries(coord.replace("$", ""))
        ws = wb[sheet]
        out += [ws.cell(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    return out


def cell_of(wb, name: str):
    cells = cells_of(wb, name)
    assert len(cells) == 1, f"{name} points at {len(cells)} cells"
    return cells[0]


def visible_sheets(wb) -> list:
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def validations_at(ws, cell) -> list:
    return [dv for dv in ws.data_validations.dataValidation if cell.coordinate in dv.sqref]


def fill(path: Path, values: dict, rows: list[dict] | None = None, out: Path | None = None) -> Path:
    """Type values into the input cells (by defined name) as a department would; save as ``out``."""
    wb = openpyxl.load_workbook(path)
    for name, value in values.items():
        if name in wb.defined_names and value is not None:
            cell_of(wb, name).value = value
    for n, row in enumerate(rows or []):
        for code, value in row.items():
            if code in wb.defined_names and value is not None:
                cells_of(wb, code)[n].value = value
    target = out or path
    wb.save(target)
    return target


__all__ = ["META_SHEET", "cell_of", "cells_of", "fill", "load", "validations_at", "visible_sheets",
           "workbook_path"]
