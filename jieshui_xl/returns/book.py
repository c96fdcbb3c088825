"""A returned workbook as consolidation sees it, whatever format it came in.

Each reader (:mod:`.xlsx`, :mod:`.ods`, :mod:`.xls`, :mod:`.xlsb`) fills the same few facts: the
sheets (title, visibility, protection, the cells that hold something), the defined names, the
document properties and the save time.  Nothing else is kept: styles, drawings, macros and
external links are never loaded.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..identity import META_SHEET, Identity, parse_identity
from ..workbook_names import Place, covered_cells, resolve
from .values import Typed

__all__ = ["Source", "Cell", "Sheet", "Book", "VISIBLE"]

VISIBLE = "visible"


@dataclass(frozen=True)
class Source:
    """A candidate workbook: a file, or an attachment of a saved e-mail."""
    name: str                      # relative to the folder ("mail.eml/附件.xlsx" for an attachment)
    data: bytes
    mtime: _dt.datetime | None     # the file's modification time (UTC), the fallback save time

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Cell:
    value: object                  # cached value: number, text, bool, datetime; None when none saved
    number_format: str = "General"
    formula: str | None = None     # "=..." where the cell holds a formula


@dataclass
class Sheet:
    title: str
    state: str = VISIBLE           # visible | hidden | veryHidden
    protected: bool | None = None  # None where the format's reader cannot tell
    cells: dict[str, Cell] = field(default_factory=dict)   # "D12" -> Cell, only cells with content
    unread: bool = False           # a sheet the template did not have: listed, not parsed (see xlsx.read_xlsx)


@dataclass
class Book:
    source: Source
    sheets: dict[str, Sheet]                        # in workbook order
    names: dict[str, str]                           # defined name -> reference text
    properties: dict[str, str] = field(default_factory=dict)   # custom document properties
    modified: _dt.datetime | None = None            # last save recorded in the file (UTC, naive)
    converted_from: str = ""                        # label of the original format where converted
    names_from_identity: bool = False               # the format's names cannot be read (.xlsb)
    formulas_known: bool = True                     # False: formula cells read as plain values (.xls, .xlsb)
    max_name_cells: int = 10_000
    _places: dict[str, Place | None] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def saved_at(self) -> _dt.datetime | None:
        """Last save time recorded in the workbook, else the file's modification time."""
        return self.modified or self.source.mtime

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def locate(self, name: str) -> Place | None:
        if name not in self._places:
            self._places[name] = resolve(self.names, self.sheets, name, self.max_name_cells)
        return self._places[name]

    def cell(self, sheet: str, coord: str) -> tuple[Typed, str | None]:
        """(cached value with its number format, formula text or None) of one cell."""
        cell = self.sheets[sheet].cells.get(coord) if sheet in self.sheets else None
        if cell is None:
            return Typed(None), None
        return Typed(cell.value, cell.number_format or "General"), cell.formula

    def named_cells(self) -> set[tuple[str, str]]:
        """Every (sheet, coordinate) a defined name covers."""
        return covered_cells((ref for name, ref in self.names.items() if not name.startswith("_xlnm.")),
                             self.max_name_cells)

    def identity(self) -> Identity | None:
        """The identity the workbook carries (hidden sheet, else document properties), or None."""
        try:
            return parse_identity(self._identity_rows(), self.properties)
        except Exception:  # noqa: BLE001 - a damaged identity is the same as none
            return None

    def _identity_rows(self) -> list[tuple[object, object]]:
        sheet = self.sheets.get(META_SHEET)
        if sheet is None:
            return []
        rows: dict[int, list] = {}
        for coord, cell in sheet.cells.items():
            col = coord.rstrip("0123456789")
            if col in ("A", "B"):
                rows.setdefault(int(coord[len(col):]), [None, None])[col == "B"] = cell.value
        return [tuple(rows[r]) for r in sorted(rows)]
