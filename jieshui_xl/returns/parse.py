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

from ..data import Received
from ..findings import Finding, Report
from ..identity import Identity
from .attach import ZIP_SUFFIX, FetchError, describe, fetch, read_zip
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

__all__ = ["EML_SUFFIX", "Entry", "FetchJob", "Parsed", "fetch_entry", "parse_entry", "parse_source"]

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
    evidence: list[Received] = field(default_factory=list)   # evidence files it is or holds (佐证材料)
    evidence_only: bool = False             # an evidence file or .zip: its findings are the evidence's
    payload: bytes | None = None            # fetch_entry: the bytes of one evidence file


def parse_entry(found: Found, limits: Limits, evidence: tuple[str, ...] = ()) -> Entry:
    """Read and parse one (not set-aside) entry of the returns folder; ``evidence``: the extensions
    of evidence files (described, not parsed: :mod:`.attach`)."""
    entry = Entry(found.name)
    suffix = PurePosixPath(found.name).suffix.lower()
    entry.evidence_only = suffix in evidence and suffix not in WORKBOOK_SUFFIXES and suffix != EML_SUFFIX
    bound = limits.mail_bytes if suffix == EML_SUFFIX or entry.evidence_only else limits.file_bytes
    try:
        mtime = file_mtime(found.path)
        data = read_file(found.path, bound)
    except NotRegular:
        return _refused(entry, "file-not-regular", detail="特殊文件")
    except FileTooLarge:
        entry.workbook_like = suffix in WORKBOOK_SUFFIXES
        what = "邮件" if suffix == EML_SUFFIX else "文件"
        code = "evidence-over-limit" if entry.evidence_only else "file-over-limit"
        return _refused(entry, code, detail=f"{what}大于 {bound // 2**20} MB")
    except OSError as exc:
        return _refused(entry, "file-unreadable", detail=f"无法打开文件（{exc.strerror or type(exc).__name__}）")
    if entry.evidence_only:
        return _evidence(entry, found, data, limits, evidence)
    if suffix == EML_SUFFIX:
        return _eml(entry, data, mtime, limits, str(found.path), evidence)
    if suffix not in WORKBOOK_SUFFIXES and not data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return _refused(entry, "file-not-workbook")
    entry.parsed.append(parse_source(Source(found.name, data, mtime), limits))
    return entry


def _refused(entry: Entry, code: str, **kw) -> Entry:
    entry.findings.append(Report().add(code, file=entry.name, **kw))
    return entry


def _evidence(entry: Entry, found: Found, data: bytes, limits: Limits, suffixes: tuple[str, ...]) -> Entry:
    """An evidence file described, or the evidence members of a .zip."""
    base = PurePosixPath(found.name).name
    if base.lower().endswith(ZIP_SUFFIX):
        report = Report()
        entry.evidence = read_zip(found.name, str(found.path), data, limits, suffixes, report)
        entry.findings.extend(report)
    else:
        entry.evidence.append(describe(found.name, base, str(found.path), data))
    return entry


@dataclass(frozen=True)
class FetchJob(Found):
    """One evidence file to read again (:func:`fetch_entry`): the file described and the evidence types."""
    received: Received | None = None
    suffixes: tuple[str, ...] = ()


def fetch_entry(job: Found, limits: Limits) -> Entry:
    """The bytes of one evidence file, read again by a worker (the package copies them)."""
    entry = Entry(job.name)
    assert isinstance(job, FetchJob) and job.received is not None
    received = job.received
    try:
        entry.payload = fetch(received, limits, job.suffixes)
    except (FetchError, ReadLimit) as exc:
        entry.findings.append(Report().add("evidence-unreadable", file=received.name, detail=str(exc)))
    except Exception as exc:  # noqa: BLE001 - a damaged container is a finding, not a crash
        entry.findings.append(Report().add("evidence-unreadable", file=received.name,
                                           detail=f"无法读取（{type(exc).__name__}）"))
    return entry


def _eml(entry: Entry, data: bytes, mtime, limits: Limits, path: str = "", evidence: tuple[str, ...] = ()) -> Entry:
    from ..eml import WORKBOOK_EXTENSIONS, MailTooComplex
    from ..eml import attachments as mail_attachments

    try:
        attachments = mail_attachments(data, limits.members, WORKBOOK_EXTENSIONS + evidence)
    except MailTooComplex as exc:
        return _refused(entry, "file-over-limit", detail=str(exc))
    except Exception as exc:  # noqa: BLE001 - a damaged message is a finding, not a crash
        return _refused(entry, "file-unreadable", detail=f"邮件无法解析（{str(exc)[:120] or type(exc).__name__}）")
    attachments = _eml_evidence(entry, attachments, path)
    if not attachments:
        return entry if entry.evidence else _refused(entry, "eml-no-workbook")
    for name, content in attachments:
        source = Source(f"{entry.name}/{name}", content, mtime)
        if len(content) > limits.file_bytes:
            entry.parsed.append(Parsed(source.name, source.digest, mtime, "xlsx", findings=[Report().add(
                "file-over-limit", file=source.name, detail=f"附件大于 {limits.file_bytes // 2**20} MB")]))
        else:
            entry.parsed.append(parse_source(source, limits))
    return entry


def _eml_evidence(entry: Entry, attachments: list[tuple[str, bytes]], path: str) -> list[tuple[str, bytes]]:
    """Describe the evidence attachments (a zip's evidence members); give back the workbooks."""
    from ..eml import WORKBOOK_EXTENSIONS

    workbooks = []
    for name, content in attachments:
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in WORKBOOK_EXTENSIONS:
            workbooks.append((name, content))
        else:               # (within the e-mail's own bound; a .zip attached is copied as it is)
            entry.evidence.append(describe(f"{entry.name}/{name}", name, path, content, "eml", name))
    return workbooks


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
