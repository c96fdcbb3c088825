"""Defined names of an openpyxl workbook → the cells they cover.

One resolver for every reader: consolidation (returned workbooks, where a name may be missing,
broken or moved to a sheet), the demo's workbook filler, and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

__all__ = ["Place", "locate", "parse_reference", "named_cells"]


@dataclass(frozen=True)
class Place:
    sheet: str
    ref: str                  # "D12" or "B5:B14", without "$"
    cells: tuple[str, ...]    # the coordinates, row by row

    def __str__(self) -> str:
        return f"{self.sheet}!{self.ref}"


def _expand(ref: str) -> tuple[str, ...]:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return tuple(f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1)
                 for c in range(min_col, max_col + 1))


def _place(destinations) -> Place | None:
    for sheet, ref in destinations:
        ref = ref.replace("$", "").upper()
        try:
            return Place(sheet, ref, _expand(ref))
        except (ValueError, TypeError):
            return None
    return None


def parse_reference(text: str) -> Place | None:
    """A reference as recorded in the identity ("'填报表'!$D$12") as a :class:`Place`."""
    try:
        return _place(DefinedName("ref", attr_text=text).destinations)
    except Exception:  # noqa: BLE001 - an unparsable record is treated as unknown
        return None


def _defined(wb, name: str):
    defn = wb.defined_names.get(name)
    if defn is not None:
        return defn
    for ws in wb.worksheets:   # a sheet-scoped name (some programs move names to a sheet on save)
        if name in ws.defined_names:
            return ws.defined_names[name]
    return None


def locate(wb, name: str) -> Place | None:
    """Where ``name`` points in ``wb``; None when it is missing or broken (#REF!, unknown sheet)."""
    defn = _defined(wb, name)
    if defn is None:
        return None
    try:
        place = _place(defn.destinations)
    except Exception:  # noqa: BLE001 - "#REF!" and other non-ranges
        return None
    if place is None or place.sheet not in wb.sheetnames:
        return None
    return place


def named_cells(wb) -> set[tuple[str, str]]:
    """Every (sheet, coordinate) covered by a defined name of the workbook."""
    out = set()
    names = [wb.defined_names[n] for n in wb.defined_names]
    for ws in wb.worksheets:
        names += [ws.defined_names[n] for n in ws.defined_names]
    for defn in names:
        try:
            for sheet, ref in defn.destinations:
                out |= {(sheet, c) for c in _expand(ref.replace("$", "").upper())}
        except Exception:  # noqa: BLE001 - broken names cover nothing
            continue
    return out
