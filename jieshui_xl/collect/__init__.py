"""Consolidation: read every returned workbook under a folder into a :class:`~jieshui_xl.data.Collection`.

Steps, one module each: ``discover`` (every file, lock and hidden files set aside), ``load`` (by
content; .xls/.ods through LibreOffice; e-mail attachments), ``identify`` (is it this round's
workbook?), ``read`` (named cells → values, rows, checklist answers, contact), ``values`` (what people
type → numbers), ``layout`` (protection, content outside the inputs), ``merge`` (latest save wins).
Files are never modified.  Problems are findings in ``Collection.report``; only a missing folder or
a folder without any workbook raises :class:`~jieshui_xl.findings.JieshuiError`.

``cities`` (optional) keeps only the workbooks whose identity names one of those cities: every other
file is left out of the Collection without a finding, so that districts sharing one returns folder
can be consolidated one by one (:mod:`jieshui_xl.bycity` accounts for the files of no city).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
import tempfile
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import openpyxl

from ..data import Collection, Submission
from ..findings import ERROR, Finding, JieshuiError
from ..identity import read_identity
from ..spec import TaskTable
from .discover import Found, discover
from .identify import identify, problems
from .layout import check_extra_content, check_protection, template_index
from .merge import DUPLICATE, REJECTED, SKIPPED, Outcome, merge
from .load import OLE_MAGIC, WORKBOOK_SUFFIXES, ZIP_MAGIC, Book, Source, file_mtime, open_book, sniff
from .read import read_returned

__all__ = ["collect", "survey", "Survey", "Progress"]

Progress = Callable[[int, int, str], None]
EML_SUFFIX = ".eml"


class _Run:
    """State of one consolidation run."""

    def __init__(self, table: TaskTable, folder: Path, tmpdir: Path, cities: Iterable[str] | None = None):
        self.table, self.folder, self.tmpdir = table, folder, tmpdir
        self.outcomes: list[Outcome] = []
        self.seen: dict[str, Outcome] = {}       # digest -> first file with these bytes
        self.workbooks = 0                        # sources that are (or claim to be) workbooks
        self.templates = template_index(table)
        self.cities = None if cities is None else frozenset(cities)   # None: no filter
        self.city_of: dict[int, str] = {}         # id(outcome) -> city its identity names

    def kept(self) -> list[Outcome]:
        """The outcomes to merge: all of them, or with a ``cities`` filter those of these cities."""
        if self.cities is None:
            return self.outcomes
        return [o for o in self.outcomes if self.city_of.get(id(o)) in self.cities]

    # -- one entry of the folder -----------------------------------------------------------------
    def file(self, found: Found) -> None:
        if found.skipped:
            return self.skipped(found)
        suffix = PurePosixPath(found.name).suffix.lower()
        try:
            mtime = file_mtime(found.path)
            if suffix == EML_SUFFIX:
                return self.eml(found, mtime)
            if not _may_be_workbook(found.path, suffix):
                return self.not_workbook(found.name)
            data = found.path.read_bytes()
        except OSError as exc:
            return self.unreadable(found.name, f"无法打开文件（{exc.strerror or type(exc).__name__}）")
        self.source(Source(found.name, data, mtime))

    def skipped(self, found: Found) -> None:
        o = Outcome(Submission(file=found.name, status=SKIPPED, reason="Office 临时锁定文件或隐藏文件"))
        o.report.add("file-skipped", file=found.name)
        self.outcomes.append(o)

    def not_workbook(self, name: str) -> None:
        o = Outcome(Submission(file=name, status=REJECTED))
        o.submission.reason = o.report.add("file-not-workbook", file=name).message
        self.outcomes.append(o)

    def unreadable(self, name: str, detail: str) -> None:
        o = Outcome(Submission(file=name, status=REJECTED))
        o.submission.reason = o.report.add("file-unreadable", file=name, detail=detail).message
        self.outcomes.append(o)

    def eml(self, found: Found, mtime) -> None:
        try:
            from ..eml import workbook_attachments
        except ImportError:
            return self.unreadable(found.name, "本程序缺少读取邮件（.eml）的组件")
        try:
            attachments = workbook_attachments(found.path)
        except Exception as exc:  # noqa: BLE001 - a damaged message is a finding, not a crash
            return self.unreadable(found.name, f"邮件无法解析（{str(exc)[:120] or type(exc).__name__}）")
        if not attachments:
            o = Outcome(Submission(file=found.name, status=REJECTED))
            o.submission.reason = o.report.add("eml-no-workbook", file=found.name).message
            self.outcomes.append(o)
        for name, data in attachments:
            self.source(Source(f"{found.name}/{name}", data, mtime))

    # -- one workbook (file or attachment) ---------------------------------------------------------
    def source(self, source: Source) -> None:
        if sniff(source.data, source.suffix) != "other":
            self.workbooks += 1
        digest = source.digest
        if digest in self.seen:
            return self.duplicate(source, self.seen[digest])
        o = Outcome(Submission(file=source.name), mtime=source.mtime)
        self.seen[digest] = o
        self.outcomes.append(o)
        if self.cities is not None:               # another city's workbook is not loaded in full
            city = _peek_city(source)
            if city is not None and city not in self.cities:
                self.city_of[id(o)] = city
                return
        book = open_book(source, self.tmpdir, len(self.outcomes), o.report)
        if book is None:
            return _reject(o)
        try:
            self.book(o, book)
        except Exception as exc:  # noqa: BLE001 - one strange workbook must not stop the round
            o.returned = None
            o.report.add("file-unreadable", unit=o.submission.unit, file=book.name,
                         detail=f"读取内容时出错（{type(exc).__name__}: {str(exc)[:80]}）")
            _reject(o)

    def duplicate(self, source: Source, kept: Outcome) -> None:
        o = Outcome(Submission(file=source.name, unit=kept.submission.unit, status=DUPLICATE,
                               reason=f"与“{kept.name}”内容相同"), mtime=source.mtime)
        o.report.add("file-identical-copy", unit=kept.submission.unit, file=source.name, kept=kept.name)
        self.outcomes.append(o)
        if id(kept) in self.city_of:
            self.city_of[id(o)] = self.city_of[id(kept)]

    def book(self, o: Outcome, book: Book) -> None:
        o.submission.saved_at = book.saved_at
        ident = identify(book.values)
        if ident is None:
            o.report.add("file-unknown", file=book.name)
            return _reject(o)
        o.submission.unit, o.submission.year = ident.unit, ident.year
        self.city_of[id(o)] = ident.city
        if self.cities is not None and ident.city not in self.cities:
            return
        found = problems(self.table, ident)
        for code, kw in found:
            o.report.add(code, unit=ident.unit, file=book.name, **kw)
        if found:
            return _reject(o)
        o.returned = read_returned(self.table, book, ident, o.report)
        if o.returned.empty and not any(f.severity == ERROR for f in o.report):
            o.report.add("file-empty", unit=ident.unit, file=book.name)
            o.returned = None
            return _reject(o)
        check_protection(book, ident, o.report, self.templates)
        check_extra_content(book, ident, o.report, self.templates)


def _may_be_workbook(path: Path, suffix: str) -> bool:
    """By name or by the first bytes (zip or OLE container); other files are not read in full."""
    if suffix in WORKBOOK_SUFFIXES:
        return True
    with open(path, "rb") as fh:
        head = fh.read(8)
    return head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)


def _peek_city(source: Source) -> str | None:
    """The city an .xlsx source's identity names, read cheaply (None: not known without a full load)."""
    if sniff(source.data, source.suffix) != "xlsx":
        return None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True)
        try:
            ident = read_identity(wb)
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - the full load decides (and reports) what is wrong
        return None
    return None if ident is None else ident.city


def _reject(o: Outcome) -> None:
    o.submission.status = REJECTED
    errors = [f for f in o.report if f.severity == ERROR]
    o.submission.reason = (errors or list(o.report))[0].message if len(o.report) else ""


def _no_workbook(folder: Path, others: int) -> JieshuiError:
    found = f"，只有 {others} 个其他文件" if others else "，文件夹是空的"
    return JieshuiError(f"回收文件夹“{folder}”中没有找到任何工作簿（.xlsx/.xlsm/.xls/.ods，或附有工作簿的 .eml 邮件）"
                        f"{found}。请把各单位发回的填报表放入该文件夹（可含子文件夹）后重试。")


def _read_folder(table: TaskTable, folder: Path, progress: Progress | None,
                 cities: Iterable[str] | None) -> _Run:
    """Walk ``folder`` and read every entry (one shared loop for :func:`collect` and :func:`survey`)."""
    found = discover(folder)
    with tempfile.TemporaryDirectory(prefix="jieshui-collect-") as tmp:
        run = _Run(table, folder, Path(tmp), cities)
        for done, entry in enumerate(found, start=1):
            run.file(entry)
            if progress is not None:
                progress(done, len(found), entry.name)
    if run.workbooks == 0:
        raise _no_workbook(folder, sum(1 for f in found if not f.skipped))
    return run


def collect(table: TaskTable, folder: str | Path, progress: Progress | None = None,
            cities: Iterable[str] | None = None) -> Collection:
    """Read every returned workbook under ``folder`` (recursively) into a Collection.

    With ``cities``, only workbooks whose identity names one of them are read and reported; files of
    another city, and files that belong to no city (not ours, unreadable, skipped), are left out.
    """
    run = _read_folder(table, Path(folder), progress, cities)
    return merge(run.kept(), Collection(year=table.year, city=table.city))


@dataclass
class Survey:
    """The cities the folder's workbooks name, and the findings of files that belong to none."""
    cities: list[str]
    findings: list[Finding]
    workbooks: int


def survey(table: TaskTable, folder: str | Path, progress: Progress | None = None) -> Survey:
    """Identify every file under ``folder`` as :func:`collect` does (e-mail attachments, lock files,
    duplicates, unreadable files) without reading any data: which cities do its workbooks name?

    Raises :class:`JieshuiError` for a missing folder or a folder without any workbook.
    """
    run = _read_folder(table, Path(folder), progress, cities=())    # keep no city: identify only
    cities: set[str] = set()
    findings: list[Finding] = []
    for o in run.outcomes:
        city = run.city_of.get(id(o))
        if city:
            cities.add(city)
            continue
        if city == "":                      # an identity without a city: it cannot be placed
            o.report.add("file-unknown", unit=o.submission.unit, file=o.name)
        findings.extend(o.report)
    return Survey(sorted(cities), findings, run.workbooks)
