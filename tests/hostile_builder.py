"""Hostile files for the reader, built in code from readable descriptions (no binaries in the repo).

``xlsb(...)``: a minimal Excel binary workbook (BIFF12 records in a zip), enough for python-calamine
to open, with the knobs the hostile cases turn: the sheet's relationship id, its declared dimension,
where its cells are.
"""

from __future__ import annotations

import io
import struct
import zipfile

_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BEGIN_BOOK, END_BOOK, BEGIN_SHEETS, END_SHEETS, SHEET_ENTRY = 0x83, 0x84, 0x8F, 0x90, 0x9C
BEGIN_SHEET, END_SHEET, DIMENSION, BEGIN_DATA, END_DATA, ROW, CELL_REAL = 0x81, 0x82, 0x94, 0x91, 0x92, 0x00, 0x05


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def record(kind: int, data: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(data)) + data


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def _rels(rows: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{_DOC}/{t}" Target="{target}"/>' for i, t, target in rows)
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">{items}</Relationships>'


def xlsb(sheet_rel: str = "rId1", dimension=(0, 0, 0, 0), cells=((0, 0, 42.0),)) -> bytes:
    """An .xlsb with one sheet; ``cells`` are (row, column, number), zero-based."""
    book = (record(BEGIN_BOOK) + record(BEGIN_SHEETS) + record(SHEET_ENTRY, struct.pack("<II", 0, 1)
            + _wide(sheet_rel) + _wide("Sheet1")) + record(END_SHEETS) + record(END_BOOK))
    sheet = record(BEGIN_SHEET) + record(DIMENSION, struct.pack("<4I", *dimension)) + record(BEGIN_DATA)
    for row, col, value in cells:
        sheet += record(ROW, struct.pack("<IIHHBB", row, 0, 300, 0, 0, 0))
        sheet += record(CELL_REAL, struct.pack("<IId", col, 0, value))
    sheet += record(END_DATA) + record(END_SHEET)
    members = {"_rels/.rels": _rels([("rId1", "officeDocument", "xl/workbook.bin")]),
               "xl/workbook.bin": book, "xl/worksheets/sheet1.bin": sheet,
               "xl/_rels/workbook.bin.rels": _rels([("rId1", "worksheet", "worksheets/sheet1.bin")])}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


# Worker jobs that fail the ways a native parser can (run by jieshui_xl.returns.isolate in its workers).

def job_hangs(found, limits):
    import time

    time.sleep(3600)


def job_aborts(found, limits):
    import os

    os.abort()


def job_grabs_memory(found, limits):
    return bytearray(8 * 2**30)          # far beyond the worker's address space


def job_reads(found, limits):
    from jieshui_xl.returns.parse import parse_entry

    return parse_entry(found, limits)
