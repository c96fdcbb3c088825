"""Open one returned file as a workbook, by its content: sniff the format, convert where needed.

Returned files are never modified: they are read into memory once (their bytes also give the digest
that finds identical copies), loaded by openpyxl from those bytes, and where a format needs
LibreOffice the bytes are written to a temporary folder and converted there.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from .. import libreoffice
from ..findings import JieshuiError, Report

__all__ = ["Source", "Book", "sniff", "open_book", "WORKBOOK_SUFFIXES", "OLE_MAGIC", "ZIP_MAGIC"]

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".ods", ".ots", ".xlsb", ".et", ".ett"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_NOT_SPREADSHEET_OLE = {".doc", ".dot", ".ppt", ".pps", ".msg", ".wps", ".pub", ".vsd"}
_CONVERTIBLE = {  # sniffed kind -> (suffix given to LibreOffice, label for messages)
    "xls": (".xls", "Excel 97-2003 工作簿(.xls)"),
    "ods": (".ods", "OpenDocument 电子表格(.ods)"),
    "xlsb": (".xlsb", "Excel 二进制工作簿(.xlsb)"),
    "html": (".xls", "网页格式的“Excel”文件"),
    "xlsx": (".xlsx", "本程序无法直接读取的 .xlsx"),
}


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


@dataclass
class Book:
    """A workbook loaded twice: cached values (``values``) and formulas (``formulas``)."""
    source: Source
    values: object
    formulas: object
    converted_from: str = ""       # label of the original format where LibreOffice converted it

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def saved_at(self) -> _dt.datetime | None:
        """Last save time recorded in the workbook (UTC), else the file's modification time."""
        modified = getattr(self.values.properties, "modified", None)
        if isinstance(modified, _dt.datetime):
            return modified.replace(tzinfo=None) if modified.tzinfo is None else \
                modified.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return self.source.mtime


def file_mtime(path: Path) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(path.stat().st_mtime, tz=_dt.timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------------------------

def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype"):
                return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return "corrupt"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "other"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table")) or (b"<html" in head and head.startswith(b"<"))


def sniff(data: bytes, suffix: str) -> str:
    """The format by content: xlsx, xlsb, ods, xls, html, encrypted, corrupt or other."""
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            return "encrypted"
        return "other" if suffix in _NOT_SPREADSHEET_OLE else "xls"
    if suffix in WORKBOOK_SUFFIXES and _looks_like_html(data):
        return "html"
    return "corrupt" if suffix in WORKBOOK_SUFFIXES else "other"


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

def _load(data: bytes):
    """(values, formulas) workbooks from bytes; macros are never kept, links never followed."""
    with warnings.catch_warnings(), _merged_cells_without_borders():
        warnings.simplefilter("ignore")
        values = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_vba=False, keep_links=False)
        formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_vba=False, keep_links=False)
    return values, formulas


@contextlib.contextmanager
def _merged_cells_without_borders():
    """Skip openpyxl's re-creation of borders inside merged ranges while loading.

    Our workbooks have dozens of merged label cells; rebuilding their borders is about three
    quarters of openpyxl's load time (scripts/benchmark.py) and borders are never read here.
    Cells, values and the merged ranges themselves are kept exactly as openpyxl loads them.
    """
    original = getattr(Worksheet, "_clean_merge_range", None)
    if original is None:            # a future openpyxl without the hook: load as usual
        yield
        return

    def clean_without_format(ws, mcr):
        cells = mcr.cells
        next(cells)
        for row, col in cells:
            ws._cells[row, col] = MergedCell(ws, row, col)

    Worksheet._clean_merge_range = clean_without_format
    try:
        yield
    finally:
        Worksheet._clean_merge_range = original


def _convert(source: Source, kind: str, tmpdir: Path, index: int) -> bytes:
    suffix, _ = _CONVERTIBLE[kind]
    work = tmpdir / f"{index:04d}"
    (work / "out").mkdir(parents=True, exist_ok=True)
    src = work / f"source{suffix}"
    src.write_bytes(source.data)
    return libreoffice.convert(src, "xlsx", work / "out").read_bytes()


def _unreadable(report: Report, source: Source, detail: str) -> None:
    report.add("file-unreadable", file=source.name, detail=detail)


def _via_libreoffice(source: Source, kind: str, tmpdir: Path, index: int, report: Report) -> Book | None:
    label = _CONVERTIBLE[kind][1]
    if not libreoffice.available():
        report.add("file-needs-conversion", file=source.name, detail=label)
        return None
    try:
        values, formulas = _load(_convert(source, kind, tmpdir, index))
    except JieshuiError as exc:
        _unreadable(report, source, f"LibreOffice 转换失败（{str(exc)[:120]}）")
        return None
    except Exception as exc:  # noqa: BLE001 - any parse failure of the converted file
        _unreadable(report, source, f"转换后的文件仍无法解析（{type(exc).__name__}）")
        return None
    report.add("file-converted", file=source.name, detail=label)
    return Book(source, values, formulas, converted_from=label)


def open_book(source: Source, tmpdir: Path, index: int, report: Report) -> Book | None:
    """The workbook in ``source``, or None with a finding in ``report`` saying why not."""
    kind = sniff(source.data, source.suffix)
    if kind == "other":
        report.add("file-not-workbook", file=source.name)
        return None
    if kind == "corrupt":
        _unreadable(report, source, "文件内容不是有效的电子表格（可能已损坏或未完整下载）")
        return None
    if kind == "encrypted":
        _unreadable(report, source, "文件设置了打开密码")
        return None
    if kind != "xlsx":
        return _via_libreoffice(source, kind, tmpdir, index, report)
    try:
        values, formulas = _load(source.data)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        if libreoffice.available():
            return _via_libreoffice(source, "xlsx", tmpdir, index, report)
        _unreadable(report, source, f"文件结构无法解析（{type(exc).__name__}）")
        return None
    return Book(source, values, formulas)
