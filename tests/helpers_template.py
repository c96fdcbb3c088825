"""Helpers for the collection-workbook tests: find workbooks, resolve and fill defined names."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from jieshui_xl.identity import META_SHEET, Identity, parse_identity
from jieshui_xl.template import file_name
from jieshui_xl.workbook_names import locate


def read_identity(wb) -> Identity | None:
    """The identity as openpyxl reads it: an independent check of what the generator stamped
    (the package itself reads it with its own bounded reader, ``returns.identify_file``)."""
    rows = []
    if META_SHEET in wb.sheetnames:
        rows = [tuple(row[:2]) for row in wb[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True)]
    props = getattr(wb, "custom_doc_props", None)
    properties = {p.name: p.value for p in props.props} if props is not None else {}
    return parse_identity(rows, properties)


def workbook_path(table, folder: Path, unit: str) -> Path:
    return Path(folder) / file_name(table, unit)


def load(table, folder: Path, unit: str, data_only: bool = False):
    return openpyxl.load_workbook(workbook_path(table, folder, unit), data_only=data_only)


def named(wb, name: str):
    """(worksheet, cell or block of cells) a defined name points at."""
    place = locate(wb, name)
    assert place is not None, f"no defined name {name}"
    ws = wb[place.sheet]
    return ws, ws[place.ref]


def cells_of(wb, name: str) -> list:
    """The cells a defined name points at (one, or a one-column range), row by row."""
    place = locate(wb, name)
    assert place is not None, f"no defined name {name}"
    ws = wb[place.sheet]
    return [ws[coord] for coord in place.cells]


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


__all__ = ["META_SHEET", "cell_of", "cells_of", "fill", "load", "named", "validations_at", "visible_sheets",
           "workbook_path"]
