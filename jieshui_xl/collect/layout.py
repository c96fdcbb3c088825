"""Was the workbook's layout changed?  Sheet protection removed; content typed outside the input cells.

What the template looked like is learnt from the generator itself (the round's templates are written
once into a temporary folder and indexed).  Where the generator cannot be used, the sheets the
identity's recorded names point at stand for the template, and only unprotected sheets nobody
names are treated as added by the department (the template protects every sheet a department sees).
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from ..findings import Report
from ..identity import META_SHEET, Identity, read_identity
from ..spec import TaskTable
from ..workbook_names import named_cells, parse_reference
from .cells import formula_text
from .values import show

__all__ = ["TemplateIndex", "template_index", "SheetShape", "check_protection", "check_extra_content", "MAX_EXTRA_PER_SHEET"]

MAX_EXTRA_PER_SHEET = 30


@dataclass
class SheetShape:
    protected: bool
    literals: set[str] = field(default_factory=set)   # every constant the template sheet holds


class TemplateIndex:
    """unit -> sheet shapes of the round's freshly generated templates (built lazily, once).

    A returned workbook is compared with its template only when both record the same input cells
    (identity ``cells``): a workbook from another generator version falls back to the coarse check.
    """

    def __init__(self, table: TaskTable):
        self.table = table
        self._units: dict[str, tuple[dict[str, str], dict[str, SheetShape]]] | None = None

    def shapes(self, ident: Identity) -> dict[str, SheetShape] | None:
        if self._units is None:
            self._units = self._build()
        cells, shapes = self._units.get(ident.unit, ({}, None))
        return shapes if ident.cells and cells == ident.cells else None

    def _build(self) -> dict[str, tuple[dict[str, str], dict[str, SheetShape]]]:
        try:
            from ..template import write_templates
        except ImportError:
            return {}
        out = {}
        try:
            with tempfile.TemporaryDirectory(prefix="jieshui-tpl-") as tmp, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for path in write_templates(self.table, Path(tmp)):
                    wb = openpyxl.load_workbook(path)
                    ident = read_identity(wb)
                    if ident is not None:
                        out[ident.unit] = (ident.cells, {ws.title: _shape(ws) for ws in wb.worksheets})
        except Exception:  # noqa: BLE001 - the generator failing must not stop consolidation
            return {}
        return out


_INDEXES: dict[tuple, TemplateIndex] = {}


def template_index(table: TaskTable) -> TemplateIndex:
    """The index for ``table``, shared by the runs of one process (generating takes a moment)."""
    try:
        stamp = table.path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(table.path), stamp, table.year, table.city, table.version, table.fingerprint)
    if key not in _INDEXES:
        if len(_INDEXES) >= 4:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = TemplateIndex(table)
    return _INDEXES[key]


def _shape(ws) -> SheetShape:
    literals = {show(c.value).strip() for row in ws.iter_rows() for c in row
                if c.value is not None and c.data_type != "f"}
    return SheetShape(protected=bool(ws.protection.sheet), literals=literals)


def _named_sheets(ident: Identity) -> set[str]:
    places = (parse_reference(ref) for ref in ident.cells.values())
    return {p.sheet for p in places if p is not None}


def _expected_shapes(book, ident: Identity, index: TemplateIndex | None) -> dict[str, SheetShape]:
    shapes = index.shapes(ident) if index is not None else None
    if shapes:
        return shapes
    named = _named_sheets(ident) or {s for s, _ in named_cells(book.formulas)}
    return {title: SheetShape(protected=True) for title in named}


def check_protection(book, ident: Identity, report: Report, index: TemplateIndex | None = None) -> None:
    """A sheet the template protects that arrives unprotected."""
    for title, shape in _expected_shapes(book, ident, index).items():
        if title == META_SHEET or not shape.protected or title not in book.formulas.sheetnames:
            continue
        ws = book.formulas[title]
        if ws.sheet_state == "visible" and not ws.protection.sheet:
            report.add("file-protection-removed", unit=ident.unit, file=book.name, sheet=title)


def _extra_cells(ws, inputs: set, shape: SheetShape | None, known: set[str]):
    """Cells of ``ws`` with content the template does not have: (coordinate, value as text)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (ws.title, cell.coordinate) in inputs:
                continue
            formula = formula_text(cell)
            if shape is not None and formula is not None:
                continue          # a template sheet's own calculations
            text = formula or show(cell.value).strip()
            if text and text not in known:
                yield cell.coordinate, text


def check_extra_content(book, ident: Identity, report: Report, index: TemplateIndex | None = None) -> None:
    """Content outside the input cells that the template does not hold: reported, never lost."""
    shapes = index.shapes(ident) if index is not None else None
    inputs = named_cells(book.formulas)
    named = _named_sheets(ident) or {s for s, _ in inputs}
    known = set().union(*(s.literals for s in shapes.values())) if shapes else set()
    for ws in book.formulas.worksheets:
        if ws.title == META_SHEET:
            continue
        shape = shapes.get(ws.title) if shapes else None
        if shapes is None and (ws.title in named or ws.protection.sheet):
            continue          # no template to compare with: only sheets the department added
        _report_extra(report, book, ident, ws.title, list(_extra_cells(ws, inputs, shape, known)),
                      book.values[ws.title])


def _report_extra(report: Report, book, ident: Identity, title: str, cells: list, values_ws) -> None:
    for coord, text in cells[:MAX_EXTRA_PER_SHEET]:
        cached = values_ws[coord].value
        shown = f"{text} = {show(cached)}" if text.startswith("=") and cached is not None else text
        report.add("extra-content", unit=ident.unit, file=book.name, sheet=title, cell=coord, value=shown)
    if len(cells) > MAX_EXTRA_PER_SHEET:
        rest = cells[MAX_EXTRA_PER_SHEET:]
        report.add("extra-content-more", unit=ident.unit, file=book.name, sheet=title, cell=rest[0][0],
                   count=len(rest))
