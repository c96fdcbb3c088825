"""Fill a collection workbook's named input cells, as a department would (demo and tests).

Values are written as given: a number stays a number, a string stays a string (so "1,285.0",
"１２" or "约12" arrive exactly as a person typed them).  Table columns take a row number.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import zipfile
from pathlib import Path
from typing import Iterable

import openpyxl

from .workbook_names import locate

__all__ = ["Entry", "fill_workbook"]

Entry = tuple[str, int | None, object]   # (defined name, row in a range (1-based) or None, value)


def fill_workbook(template: str | Path, target: str | Path, entries: Iterable[Entry],
                  modified: _dt.datetime | None = None) -> Path:
    """Copy ``template`` to ``target`` with ``entries`` typed into its named cells.

    Raises KeyError for a name the workbook does not define (a demo or test mistake, not user data).
    """
    wb = openpyxl.load_workbook(template)
    for name, row, value in entries:
        place = locate(wb, name)
        if place is None:
            raise KeyError(f"{Path(template).name} has no defined name {name!r}")
        cell = wb[place.sheet][place.cells[(row or 1) - 1]]
        cell.value = _as_typed_into(cell, value)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    if modified is not None:
        _set_modified(target, modified)
    return target


def _as_typed_into(cell, value):
    """A date typed into a text cell (format "@") stays the text typed, as Excel, WPS and LibreOffice keep it."""
    if cell.number_format == "@" and isinstance(value, _dt.datetime) and value.time() == _dt.time():
        return value.strftime("%Y-%m-%d")
    return value


def _set_modified(path: Path, when: _dt.datetime) -> None:
    """Record ``when`` as the save time (openpyxl always stamps "now" on save)."""
    stamp = when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zout.writestr(info, data)
    ts = when.timestamp()
    os.utime(path, (ts, ts))
