"""What a worker does with one entry of the returns folder: read it (bounded) and parse it.

This is the only code that touches the bytes of a returned file, and it runs in an isolated worker
(:mod:`.isolate`): a parser that panics, aborts or runs away takes down the worker, never the round.
The result is plain data sent back to the parent: for each workbook found (the file itself, or the
attachments of a saved e-mail) a :class:`Parsed` — its digest, its format, the parsed
:class:`~.book.Book` (without the bytes) or the findings that say why not, and the identity a damaged
workbook still shows.  Everything after parsing (identification, values, merge) happens in the parent.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from ..findings import Finding, Report
from ..identity import Identity
from .book import Book, Source
from .container import Deadline
from .discover import Found
from .limits import Limits, ReadLimit
from .load import (
    LIBREOFFICE_KINDS,
    OLE_MAGIC,
    WORKBOOK_SUFFIXES,
    ZIP_MAGIC,
    FileTooLarge,
    NotRegular,
    file_mtime,
    native_reader,
    read_file,
    salvage_identity,
    sniff,
    sniff_problem,
)

__all__ = ["EML_SUFFIX", "Entry", "Parsed", "parse_entry", "parse_source"]

EML_SUFFIX = ".eml"


@dataclass
class Parsed:
    """One workbook (file or attachment) as a worker saw it."""
    name: str
    digest: str
    mtime: _dt.datetime | None
    kind: str                               # sniff(): xlsx, xls, ods, xlsb, html, encrypted, corrupt, other
    book: Book | None = None
    findings: list[Finding] = field(default_factory=list)
    salvaged: Identity | None = None        # the identity an unreadable workbook still shows
    fallback: bool = False                  # a native reader could not parse it: LibreOffice may
    data: bytes | None = None               # the bytes, kept only for that fallback


@dataclass
class Entry:
    """One entry of the folder: rejected as a whole (``findings``), or the workbooks it holds."""
    name: str
    parsed: list[Parsed] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    workbook_like: bool = False             # counted as "a workbook" even when refused (too large)


def parse_entry(found: Found, limits: Limits) -> Entry:
    """Read and parse one (not set-aside) entry of the returns folder."""
    entry = Entry(found.name)
    suffix = PurePosixPath(found.name).suffix.lower()
    bound = limits.mail_bytes if suffix == EML_SUFFIX else limits.file_bytes
    try:
        mtime = file_mtime(found.path)
        data = read_file(found.path, bound)
    except NotRegular:
        return _refused(entry, "file-not-regular", detail="特殊文件")
    except FileTooLarge:
        entry.workbook_like = suffix in WORKBOOK_SUFFIXES
        what = "邮件" if suffix == EML_SUFFIX else "文件"
        return _refused(entry, "file-over-limit", detail=f"{what}大于 {bound // 2**20} MB")
    except OSError as exc:
        return _refused(entry, "file-unreadable", detail=f"无法打开文件（{exc.strerror or type(exc).__name__}）")
    if suffix == EML_SUFFIX:
        return _eml(entry, data, mtime, limits)
    if suffix not in WORKBOOK_SUFFIXES and not data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return _refused(entry, "file-not-workbook")
    entry.parsed.append(parse_source(Source(found.name, data, mtime), limits))
    return entry


def _refused(entry: Entry, code: str, **kw) -> Entry:
    entry.findings.append(Report().add(code, file=entry.name, **kw))
    return entry


def _eml(entry: Entry, data: bytes, mtime, limits: Limits) -> Entry:
    from ..eml import MailTooComplex, workbook_attachments

    try:
        attachments = workbook_attachments(data, max_parts=limits.members)
    except MailTooComplex as exc:
        return _refused(entry, "file-over-limit", detail=str(exc))
    except Exception as exc:  # noqa: BLE001 - a damaged message is a finding, not a crash
        return _refused(entry, "file-unreadable", detail=f"邮件无法解析（{str(exc)[:120] or type(exc).__name__}）")
    if not attachments:
        return _refused(entry, "eml-no-workbook")
    for name, content in attachments:
        source = Source(f"{entry.name}/{name}", content, mtime)
        if len(content) > limits.file_bytes:
            entry.parsed.append(Parsed(source.name, source.digest, mtime, "xlsx", findings=[Report().add(
                "file-over-limit", file=source.name, detail=f"附件大于 {limits.file_bytes // 2**20} MB")]))
        else:
            entry.parsed.append(parse_source(source, limits))
    return entry


def parse_source(source: Source, limits: Limits) -> Parsed:
    """The workbook in ``source`` parsed by its native reader, or the findings that say why not."""
    kind = sniff(source.data, source.suffix)
    parsed = Parsed(source.name, source.digest, source.mtime, kind)
    report = Report()
    problem = sniff_problem(kind)
    if problem is not None:
        report.add(problem[0], file=source.name, **problem[1])
    elif kind in LIBREOFFICE_KINDS:
        parsed.fallback = True
    else:
        try:
            book = native_reader(kind)(source, limits, Deadline(limits.seconds))
            parsed.book = replace(book, source=Source(source.name, b"", source.mtime))
        except ReadLimit as exc:
            report.add("file-over-limit", file=source.name, detail=exc.detail)
        except MemoryError:
            report.add("file-over-limit", file=source.name, detail="读取所需内存超过上限")
        except BaseException as exc:  # noqa: B036 - a native parser's panic is a BaseException: a finding
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            parsed.fallback = True
            report.add("file-unreadable", file=source.name, detail=f"文件结构无法解析（{type(exc).__name__}）")
    parsed.findings = list(report)
    if parsed.fallback:
        parsed.data = source.data
    if parsed.book is None and kind not in ("other",):
        parsed.salvaged = salvage_identity(source, limits)
    return parsed
