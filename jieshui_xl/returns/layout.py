"""Was the workbook's layout changed?  Sheet protection removed; content typed outside the input cells.

What the template looked like travels inside the workbook: its identity records, per sheet, a digest
of every constant the generator wrote (:attr:`Identity.literals`).  So a returned sheet is compared
with its template without regenerating anything.  A workbook from an older generator (no digests)
is checked coarsely: the sheets its identity names stand for the template, and only unprotected
sheets nobody names are treated as added by the department (the template protects every sheet).
"""

from __future__ import annotations

from ..display import show
from ..findings import Report
from ..identity import META_SHEET, Identity, literal_digest
from ..workbook_names import parse_reference
from .book import VISIBLE, Book, Sheet

__all__ = ["check_protection", "check_extra_content", "MAX_EXTRA_PER_SHEET"]

MAX_EXTRA_PER_SHEET = 30


def _template_sheets(book: Book, ident: Identity) -> set[str]:
    """The sheets the template had (and protected)."""
    if ident.literals:
        return set(ident.literals)
    places = (parse_reference(ref) for ref in ident.cells.values())
    named = {p.sheet for p in places if p is not None}
    return named or {sheet for sheet, _ in book.named_cells()}


def check_protection(book: Book, ident: Identity, report: Report) -> None:
    """A sheet the template protects that arrives unprotected (where the format tells)."""
    for title in sorted(_template_sheets(book, ident)):
        sheet = book.sheets.get(title)
        if title == META_SHEET or sheet is None or sheet.state != VISIBLE:
            continue
        if sheet.protected is False:
            report.add("file-protection-removed", unit=ident.unit, file=book.name, sheet=title)


def _extra_cells(sheet: Sheet, inputs: set, known: frozenset[str] | None):
    """Cells with content the template does not have: (coordinate, value as text).  With the template's
    digests (``known``), its own constants and formulas are left out."""
    for coord, cell in sheet.cells.items():
        if (sheet.title, coord) in inputs:
            continue
        if known is not None and cell.formula is not None:
            continue          # a template sheet's own calculations
        text = cell.formula or show(cell.value).strip()
        if text and (known is None or literal_digest(text) not in known):
            yield coord, text, cell


def check_extra_content(book: Book, ident: Identity, report: Report,
                        inputs: set[tuple[str, str]] | None = None) -> None:
    """Content outside the input cells that the template does not hold: reported, never lost.

    ``inputs``: the cells the reader read (default: every named cell).  A constant on a cell the
    template names for a calculation (a row inserted without moving the names) is then reported too.
    """
    if inputs is None or not ident.literals:
        inputs = book.named_cells()
    template = _template_sheets(book, ident)
    known_all = frozenset().union(*ident.literals.values()) if ident.literals else None
    for title, sheet in book.sheets.items():
        if title == META_SHEET:
            continue
        if sheet.unread:
            report.add("sheet-not-read", unit=ident.unit, file=book.name, sheet=title)
            continue
        if (known_all is None or not book.formulas_known) and (title in template or sheet.protected):
            continue          # no template (or no formulas) to compare with: only sheets the department added
        cells = sorted(_extra_cells(sheet, inputs, known_all), key=lambda c: _order(c[0]))
        _report_extra(report, book, ident, title, cells)


def _order(coord: str) -> tuple[int, str]:
    letters = coord.rstrip("0123456789")
    return int(coord[len(letters):]), letters.rjust(3)


def _report_extra(report: Report, book: Book, ident: Identity, title: str, cells: list) -> None:
    for coord, text, cell in cells[:MAX_EXTRA_PER_SHEET]:
        shown = f"{text} = {show(cell.value)}" if cell.formula and cell.value is not None else text
        report.add("extra-content", unit=ident.unit, file=book.name, sheet=title, cell=coord, value=shown)
    if len(cells) > MAX_EXTRA_PER_SHEET:
        rest = cells[MAX_EXTRA_PER_SHEET:]
        report.add("extra-content-more", unit=ident.unit, file=book.name, sheet=title, cell=rest[0][0],
                   count=len(rest))
