"""Defined names → the cells they cover.

One resolver for every reader: consolidation (returned workbooks, where a name may be missing,
broken, moved to a sheet, or hostile: a name over a whole sheet is refused, never expanded), the
demo's workbook filler, and the tests.  References are parsed here, without a spreadsheet library,
and a name that covers more than ``max_cells`` cells is treated as broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

__all__ = ["Place", "locate", "parse_reference", "named_cells", "resolve", "covered_cells", "MAX_CELLS",
           "column_letter", "column_index"]

MAX_CELLS = 10_000
_MAX_COL, _MAX_ROW = 16384, 1048576
_AREA = re.compile(r"""(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^'!,]+))!
                       \$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d{1,7})
                       (?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d{1,7}))?""", re.X)


@dataclass(frozen=True)
class Place:
    sheet: str
    ref: str                  # "D12" or "B5:B14", without "$"
    cells: tuple[str, ...]    # the coordinates, row by row

    def __str__(self) -> str:
        return f"{self.sheet}!{self.ref}"


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def parse_reference(text: str, max_cells: int = MAX_CELLS) -> Place | None:
    """The first area of a reference ("'填报表'!$D$12", "表!$B$5:$B$14") as a :class:`Place`;
    None when it is not a cell range, is out of the sheet, or covers more than ``max_cells`` cells."""
    m = _AREA.match((text or "").lstrip("=").strip())
    if m is None:
        return None
    sheet = m["quoted"].replace("''", "'") if m["quoted"] is not None else m["bare"].strip()
    c1, r1 = column_index(m["c1"]), int(m["r1"])
    c2, r2 = (column_index(m["c2"]), int(m["r2"])) if m["c2"] else (c1, r1)
    c1, c2, r1, r2 = min(c1, c2), max(c1, c2), min(r1, r2), max(r1, r2)
    if r1 < 1 or c2 > _MAX_COL or r2 > _MAX_ROW or (c2 - c1 + 1) * (r2 - r1 + 1) > max_cells:
        return None
    start = f"{column_letter(c1)}{r1}"
    ref = start if (c1, r1) == (c2, r2) else f"{start}:{column_letter(c2)}{r2}"
    cells = tuple(f"{column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    return Place(sheet, ref, cells)


def resolve(names: Mapping[str, str], sheets: Iterable[str], name: str, max_cells: int = MAX_CELLS
            ) -> Place | None:
    """Where ``name`` points, given ``names`` (name -> reference text); None when missing or broken."""
    text = names.get(name)
    place = parse_reference(text, max_cells) if text is not None else None
    return place if place is not None and place.sheet in set(sheets) else None


def covered_cells(refs: Iterable[str], max_cells: int = MAX_CELLS) -> set[tuple[str, str]]:
    """Every (sheet, coordinate) the references cover (a reference over too many cells covers none)."""
    out: set[tuple[str, str]] = set()
    for text in refs:
        place = parse_reference(text, max_cells)
        if place is not None:
            out |= {(place.sheet, c) for c in place.cells}
    return out


# -- openpyxl workbooks (the demo's filler and the tests) ----------------------------------------

def _openpyxl_names(wb) -> dict[str, str]:
    """Workbook-level names, then sheet-scoped ones (some programs move names to a sheet on save)."""
    out: dict[str, str] = {}
    for ws in wb.worksheets:
        for name in ws.defined_names:
            out.setdefault(name, ws.defined_names[name].attr_text)
    out.update({name: wb.defined_names[name].attr_text for name in wb.defined_names})
    return out


def locate(wb, name: str) -> Place | None:
    """Where ``name`` points in an openpyxl workbook; None when missing or broken."""
    return resolve(_openpyxl_names(wb), wb.sheetnames, name)


def named_cells(wb) -> set[tuple[str, str]]:
    """Every (sheet, coordinate) covered by a defined name of an openpyxl workbook."""
    return covered_cells(_openpyxl_names(wb).values())
