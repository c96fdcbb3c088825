"""Open one returned file as a :class:`~.book.Book`, by its content, within the reader's bounds.

Returned files are never modified: they are read into memory once (at most ``Limits.file_bytes``;
their bytes also give the digest that finds identical copies).  Every format has a native reader
(.xlsx/.xlsm: :mod:`.xlsx`; .ods: :mod:`.ods`; .xls/.et: :mod:`.xls` through xlrd; .xlsb: :mod:`.xlsb`
through python-calamine), so nothing needs LibreOffice.  LibreOffice is a fallback only: for a
web page saved as ".xls", or a file a native reader cannot parse, where it is installed.
"""

from __future__ import annotations

import datetime as _dt
import errno
import io
import os
import stat
import zipfile
from pathlib import Path

from .. import libreoffice
from ..findings import JieshuiError, Report
from ..identity import Identity, parse_identity
from .book import Book, Source
from .limits import Limits

__all__ = ["Source", "Book", "sniff", "sniff_problem", "native_reader", "open_book", "complete_with_libreoffice",
           "read_file", "file_mtime", "salvage_identity", "WORKBOOK_SUFFIXES", "LIBREOFFICE_KINDS", "OLE_MAGIC",
           "ZIP_MAGIC", "FileTooLarge", "NotRegular"]

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".ods", ".ots", ".xlsb", ".et", ".ett"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptionInfo"   # the OLE stream of a password-protected .xlsx (MS-OFFCRYPTO)
_NOT_SPREADSHEET_OLE = {".doc", ".dot", ".ppt", ".pps", ".msg", ".wps", ".pub", ".vsd"}
LABELS = {
    "xlsx": "Excel 工作簿(.xlsx)",
    "xls": "Excel 97-2003 工作簿(.xls)",
    "ods": "OpenDocument 电子表格(.ods)",
    "xlsb": "Excel 二进制工作簿(.xlsb)",
    "html": "网页格式的“Excel”文件",
}
_LIBREOFFICE_SUFFIX = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods", "xlsb": ".xlsb", "html": ".xls"}
LIBREOFFICE_KINDS = {"html"}             # formats with no native reader


class FileTooLarge(Exception):
    """The file on disk is larger than ``Limits.file_bytes``."""


class NotRegular(Exception):
    """Not a regular file (a FIFO, a device, a socket): never opened for reading."""


def file_mtime(path: Path) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(path.stat().st_mtime, tz=_dt.timezone.utc).replace(tzinfo=None)


def read_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.  Opened without blocking (a FIFO
    never hangs the run) and measured on the open descriptor (a file that grows is cut at the limit)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EWOULDBLOCK):
            raise NotRegular() from None
        raise
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular()
        if info.st_size > limit:
            raise FileTooLarge()
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge()
    return data


# ---------------------------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------------------------

def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.lower() for n in zf.namelist()}
            if "mimetype" in names:
                with zf.open("mimetype") as fh:        # read a few bytes: never a whole member
                    if b"opendocument.spreadsheet" in fh.read(100):
                        return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, RuntimeError):
        return "corrupt"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "other"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table")) or (b"<html" in head and head.startswith(b"<"))


def _ole_streams(data: bytes) -> set[str]:
    """The stream names of an OLE compound file's directory (xlrd's reader; bounded by the file)."""
    import contextlib

    from xlrd.compdoc import CompDoc

    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return {node.name for node in CompDoc(data, logfile=io.StringIO()).dirlist}
        except Exception:  # noqa: BLE001 - a damaged directory: xlrd reports it when it reads the file
            return set()


def sniff(data: bytes, suffix: str) -> str:
    """The format by content: xlsx, xlsb, ods, xls, html, encrypted, corrupt or other."""
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        if suffix in _NOT_SPREADSHEET_OLE:
            return "other"
        return "encrypted" if _ENCRYPTED_STREAM in _ole_streams(data) else "xls"
    if suffix in WORKBOOK_SUFFIXES and _looks_like_html(data):
        return "html"
    return "corrupt" if suffix in WORKBOOK_SUFFIXES else "other"


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def native_reader(kind: str):
    """The native reader of a format (imported on first use: xlrd and calamine only when needed)."""
    if kind == "xlsx":
        from .xlsx import read_xlsx
        return read_xlsx
    if kind == "ods":
        from .ods import read_ods
        return read_ods
    if kind == "xls":
        from .xls import read_xls
        return read_xls
    if kind == "xlsb":
        from .xlsb import read_xlsb
        return read_xlsb
    raise ValueError(kind)


def sniff_problem(kind: str) -> tuple[str, dict] | None:
    """The finding (code, keywords) for a format no reader takes, or None."""
    if kind == "other":
        return "file-not-workbook", {}
    if kind == "corrupt":
        return "file-unreadable", {"detail": "文件内容不是有效的电子表格（可能已损坏或未完整下载）"}
    if kind == "encrypted":
        return "file-unreadable", {"detail": "文件设置了打开密码"}
    return None


def _via_libreoffice(source: Source, kind: str, tmpdir: Path, index: int, limits: Limits, report: Report,
                     parse=None) -> Book | None:
    label = LABELS[kind]
    work = tmpdir / f"{index:04d}"
    (work / "out").mkdir(parents=True, exist_ok=True)
    src = work / f"source{_LIBREOFFICE_SUFFIX[kind]}"
    src.write_bytes(source.data)
    try:
        converted = libreoffice.convert(src, "xlsx", work / "out").read_bytes()
    except JieshuiError:
        report.add("file-unreadable", file=source.name, detail=f"{label}无法转换为 .xlsx")
        return None
    from .parse import parse_source

    parsed = (parse or parse_source)(Source(source.name, converted, source.mtime), limits)
    if parsed.book is None:
        over = [f for f in parsed.findings if f.code == "file-over-limit"]
        report.extend(over or [Report().add("file-unreadable", file=source.name, detail="转换后的文件仍无法解析")])
        return None
    book = parsed.book
    report.add("file-converted", file=source.name, detail=label)
    book.converted_from = label
    return book


def open_book(source: Source, tmpdir: Path, index: int, report: Report, limits: Limits | None = None
              ) -> Book | None:
    """The workbook in ``source``, parsed here (not isolated: for the tool's own files, e.g. templates),
    or None with a finding in ``report`` saying why not."""
    from .parse import parse_source

    limits = limits or Limits()
    parsed = parse_source(source, limits)
    if parsed.fallback:
        return complete_with_libreoffice(source, parsed.kind, tmpdir, index, limits, report, parsed.findings)
    report.extend(parsed.findings)
    return parsed.book


def complete_with_libreoffice(source: Source, kind: str, tmpdir: Path, index: int, limits: Limits, report: Report,
                              findings, parse=None) -> Book | None:
    """A format no native reader took (a web page saved as .xls, a file its reader could not parse):
    converted by LibreOffice where installed, the converted .xlsx parsed by ``parse`` (default: here)."""
    if not libreoffice.available():
        report.extend(findings or [Report().add("file-needs-conversion", file=source.name, detail=LABELS[kind])])
        return None
    return _via_libreoffice(source, kind, tmpdir, index, limits, report, parse)


def salvage_identity(source: Source, limits: Limits) -> Identity | None:
    """The identity a workbook that could not be read still shows in its document properties (a
    small part, read on its own): so a damaged return is known as its unit's, never as 未报送."""
    kind = sniff(source.data, source.suffix)
    try:
        if kind == "xlsx":
            from .xlsx import read_properties
            props = read_properties(source, limits)
        elif kind == "ods":
            from .ods import read_properties
            props = read_properties(source, limits)
        else:
            return None
    except Exception:  # noqa: BLE001 - nothing more can be learnt from this file
        return None
    return parse_identity([], props)
