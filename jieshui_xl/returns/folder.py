"""Consolidation: read every returned workbook under a folder into a :class:`~jieshui_xl.data.Collection`
(imported through the package: ``jieshui_xl.returns.collect``).

Steps, one module each: ``discover`` (every file, lock and hidden files set aside), ``load`` (by
content, bounded: native readers for .xlsx/.xlsm, .ods, .xls, .xlsb; e-mail attachments),
``identify`` (is it this round's workbook?), ``read`` (named cells → values, rows, checklist answers,
contact), ``values`` (what people type → numbers), ``layout`` (protection, content outside the
inputs), ``merge`` (latest save wins).  Every file is read once; files are never modified.
Problems are findings in ``Collection.report``; only a missing folder or a folder without any
workbook raises :class:`~jieshui_xl.findings.JieshuiError`.

:func:`collect` gives one city's Collection (the task table's city: workbooks of another city are
rejected with a finding).  :func:`collect_by_city` reads the folder once and gives a Collection per
city its workbooks name, for districts that share one returns folder.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from ..console import Progress
from ..data import Collection, Received, Submission
from ..evidence import owner_of, settle
from ..findings import ERROR, Finding, JieshuiError, Report
from ..identity import PROGRESS_KIND, Identity
from ..labels import UNREADABLE_LABEL
from ..spec import TaskTable
from .attach import evidence_suffixes
from .book import Book
from .discover import SKIPPED as SKIPPED_CODE
from .discover import Found, discover
from .identify import DATA_ROUND, Expect, check_city, problems
from .isolate import parse_isolated
from .layout import check_extra_content, check_protection
from .limits import Limits
from .load import WORKBOOK_SUFFIXES, FileTooLarge, NotRegular, Source, complete_with_libreoffice, open_book, read_file
from .merge import DUPLICATE, REJECTED, SKIPPED, Outcome, merge
from .parse import Entry, Parsed, parse_entry
from .progress import read_progress
from .read import read_returned

__all__ = ["collect", "collect_by_city", "identify_file", "CitySplit", "Expect", "Progress", "Limits", "STALE_TMP",
           "TMP_PREFIX"]

# Findings for a file received but not read: its unit still shows as 已收到，无法读取 (by its name).
UNREADABLE_CODES = {"file-over-limit", "file-worker-failed", "file-unreadable"}


class _Run:
    """State of one pass over the returns folder: every file read once, its city noted."""

    def __init__(self, table: TaskTable, tmpdir: Path, expect: Expect = DATA_ROUND):
        self.table, self.tmpdir, self.expect = table, tmpdir, expect
        self.read = read_progress if expect.kind == PROGRESS_KIND else read_returned
        self.limits = Limits.from_params(table.params)
        self.outcomes: list[Outcome] = []
        self.seen: dict[str, Outcome] = {}       # digest -> first file with these bytes
        self.workbooks = 0                        # sources that are (or claim to be) workbooks
        self.idents: dict[int, Identity] = {}     # id(outcome) -> identity of its workbook
        self.suffixes = evidence_suffixes(table.params) if expect == DATA_ROUND else ()
        self.received: list[Received] = []        # evidence files (佐证材料), in folder order
        self.evidence_report = Report()           # what reading them found

    def city_of(self, o: Outcome) -> str | None:
        ident = self.idents.get(id(o))
        return None if ident is None else ident.city

    # -- one entry of the folder (read and parsed by a worker: .isolate) --------------------------
    def entry(self, entry: Entry) -> None:
        self.workbooks += entry.workbook_like
        self.received += entry.evidence
        if entry.evidence_only or (entry.evidence and not entry.parsed):
            return self.evidence_report.extend(entry.findings)
        if not entry.parsed:
            return self.rejected(entry, entry.findings)
        for parsed in entry.parsed:
            self.source(parsed)

    def skipped(self, found: Found) -> None:
        """Set aside by discover: a lock or hidden file (listed), or a link or special file (a finding)."""
        if found.code and found.code != SKIPPED_CODE:
            return self.rejected(Entry(found.name), [Report().add(found.code, file=found.name, detail=found.detail)])
        o = Outcome(Submission(file=found.name, status=SKIPPED, reason="Office 临时锁定文件或隐藏文件"))
        o.report.add(SKIPPED_CODE, file=found.name)
        self.outcomes.append(o)

    def rejected(self, entry: Entry, findings: list[Finding]) -> None:
        """A whole entry refused (not a workbook, too large, its worker failed ...); a file whose name
        names a unit is that unit's (已收到，无法读取)."""
        o = Outcome(Submission(file=entry.name, status=REJECTED))
        o.report.extend(findings)
        _reject(o)
        self.outcomes.append(o)
        if any(f.code in UNREADABLE_CODES for f in findings):
            self.received_unreadable(o, None)

    # -- one workbook (file or attachment) ---------------------------------------------------------
    def source(self, parsed: Parsed) -> None:
        if parsed.kind != "other":
            self.workbooks += 1
        if parsed.digest in self.seen:
            return self.duplicate(parsed, self.seen[parsed.digest])
        o = Outcome(Submission(file=parsed.name), mtime=parsed.mtime)
        self.seen[parsed.digest] = o
        self.outcomes.append(o)
        book = parsed.book
        if parsed.fallback:
            book = complete_with_libreoffice(Source(parsed.name, parsed.data or b"", parsed.mtime), parsed.kind,
                                             self.tmpdir, len(self.outcomes), self.limits, o.report, parsed.findings,
                                             parse=self.parse_isolated)
        else:
            o.report.extend(parsed.findings)
        if book is None:
            _reject(o)
            return self.received_unreadable(o, parsed.salvaged)
        try:
            self.book(o, book)
        except Exception as exc:  # noqa: BLE001 - one strange workbook must not stop the round
            o.returned = None
            o.report.add("file-unreadable", unit=o.submission.unit, file=book.name,
                         detail=f"读取内容时出错（{type(exc).__name__}: {str(exc)[:80]}）")
            _reject(o)

    def parse_isolated(self, source: Source, limits: Limits) -> Parsed:
        """A converted workbook, parsed by a worker like every other file."""
        path = self.tmpdir / f"converted-{len(self.outcomes):04d}.xlsx"
        path.write_bytes(source.data)
        entry = parse_isolated([Found(path, source.name)], limits)[0]
        return entry.parsed[0] if entry.parsed else Parsed(source.name, "", source.mtime, "xlsx",
                                                             findings=entry.findings)

    def received_unreadable(self, o: Outcome, ident: Identity | None) -> None:
        """Received but not readable: its unit (from the identity its properties still show, else
        from the file name) is 已收到，无法读取, never 未报送."""
        if ident is not None:
            self.idents[id(o)] = ident
        units = self.expect.units(self.table)
        o.submission.unit = ident.unit if ident is not None and ident.unit in units else \
            _unit_in_name(self.table, o.name, self.expect)
        if o.submission.unit:
            o.submission.unreadable = True
            o.submission.reason = f"{UNREADABLE_LABEL}：{o.submission.reason}"
            o.report.findings = [dataclasses.replace(f, unit=f.unit or o.submission.unit) for f in o.report]

    def duplicate(self, parsed: Parsed, kept: Outcome) -> None:
        o = Outcome(Submission(file=parsed.name, unit=kept.submission.unit, status=DUPLICATE,
                               reason=f"与“{kept.name}”内容相同"), mtime=parsed.mtime)
        o.report.add("file-identical-copy", unit=kept.submission.unit, file=parsed.name, kept=kept.name)
        self.outcomes.append(o)
        if id(kept) in self.idents:
            self.idents[id(o)] = self.idents[id(kept)]

    def book(self, o: Outcome, book: Book) -> None:
        o.submission.saved_at = book.saved_at
        ident = book.identity()
        if ident is None:
            o.report.add("file-unknown", file=book.name)
            return _reject(o)
        o.submission.unit, o.submission.year, o.submission.city = ident.unit, ident.year, ident.city
        o.generated_at = _generated_at(ident)
        self.idents[id(o)] = ident
        found = [p for p in problems(self.table, ident, self.expect) if p[0] != "file-wrong-city"]
        for code, kw in found:
            o.report.add(code, unit=ident.unit, file=book.name, **kw)
        if found:
            return _reject(o)
        o.returned = self.read(self.table, book, ident, o.report)
        if o.returned.empty and not any(f.severity == ERROR for f in o.report):
            o.report.add("file-empty", unit=ident.unit, file=book.name)
            o.returned = None
            return _reject(o)
        check_protection(book, ident, o.report)
        check_extra_content(book, ident, o.report, o.returned.cells)


def _generated_at(ident: Identity) -> _dt.datetime | None:
    """When the workbook's template was generated (local time, as recorded), or None."""
    try:
        return _dt.datetime.fromisoformat(ident.generated_at).replace(tzinfo=None)
    except (TypeError, ValueError):
        return None


def _unit_in_name(table: TaskTable, name: str, expect: Expect = DATA_ROUND) -> str | None:
    """The reporting unit a file name names (the longest match), for a file that cannot be read."""
    found = [u for u in expect.units(table) if u and u in name]
    return max(found, key=len) if found else None


def _reject(o: Outcome) -> None:
    o.submission.status = REJECTED
    errors = [f for f in o.report if f.severity == ERROR]
    o.submission.reason = (errors or list(o.report))[0].message if len(o.report) else ""


def _wrong_city(o: Outcome, table: TaskTable, ident: Identity) -> None:
    """A workbook of another city: only that is reported (its data is not this round's)."""
    problem = check_city(table, ident)
    assert problem is not None
    code, kw = problem
    o.report = Report()
    o.report.add(code, unit=ident.unit, file=o.name, **kw)
    o.returned = None
    _reject(o)


def _no_workbook(folder: Path, others: int) -> JieshuiError:
    found = f"，只有 {others} 个其他文件" if others else "，文件夹是空的"
    kinds = "/".join(sorted(WORKBOOK_SUFFIXES))
    return JieshuiError(f"回收文件夹“{folder}”中没有找到任何工作簿（{kinds}，或附有工作簿的 .eml 邮件）"
                        f"{found}。请把各单位发回的填报表放入该文件夹（可含子文件夹）后重试。")


TMP_PREFIX = "jieshui-collect-"
STALE_TMP = 3600            # seconds: a run's temporary folder older than this was left by an interrupted run


def _clean_stale_tmp() -> None:
    """Remove the temporary folders of runs that were interrupted (killed) before they cleaned up."""
    import shutil
    import time

    root = Path(tempfile.gettempdir())
    try:
        stale = [p for p in root.glob(TMP_PREFIX + "*") if time.time() - p.stat().st_mtime > STALE_TMP]
    except OSError:
        return
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _read_folder(table: TaskTable, folder: Path, progress: Progress | None, expect: Expect = DATA_ROUND,
                 empty_ok: bool = False) -> _Run:
    """Walk ``folder``; every entry read and parsed once, by isolated workers, then taken in folder order."""
    found = discover(folder)
    _clean_stale_tmp()
    todo = [f for f in found if not f.skipped]
    with tempfile.TemporaryDirectory(prefix=TMP_PREFIX) as tmp:
        run = _Run(table, Path(tmp), expect)
        count = [len(found) - len(todo)]

        def done(_index: int, entry: Entry) -> None:
            count[0] += 1
            if progress is not None:
                progress(count[0], len(found), entry.name)

        parsed = iter(parse_isolated(todo, run.limits, done, work=partial(parse_entry, evidence=run.suffixes)))
        for entry in found:
            if entry.skipped:
                run.skipped(entry)
            else:
                run.entry(next(parsed))
    if run.workbooks == 0 and not empty_ok:
        raise _no_workbook(folder, len(todo))
    return run


def collect(table: TaskTable, folder: str | Path, progress: Progress | None = None,
            cities: Iterable[str] | None = None, expect: Expect = DATA_ROUND, empty_ok: bool = False) -> Collection:
    """Read every returned workbook under ``folder`` (recursively) into the Collection of the table's city.

    With ``cities``, only workbooks whose identity names one of them are kept; files of another
    city, and files that belong to no city (not ours, unreadable, skipped), are left out silently.
    ``expect``: the round's kind (a progress round of a period reads progress forms; every other
    workbook is named in a finding and not used).  ``empty_ok``: a folder without any workbook is an
    answer (nobody has returned anything: ``status``, reminders), not an error.
    """
    run = _read_folder(table, Path(folder), progress, expect, empty_ok)
    if cities is not None:
        wanted = set(cities)
        kept = [o for o in run.outcomes if run.city_of(o) in wanted]
    else:
        kept = run.outcomes
        for o in kept:
            ident = run.idents.get(id(o))
            if ident is not None and ident.city != table.city and o.submission.status != DUPLICATE:
                _wrong_city(o, table, ident)
    collection = merge(kept, Collection(year=table.year, city=table.city))
    if cities is None:
        settle(table, collection, run.received, run.evidence_report)
    return collection


@dataclass
class CitySplit:
    """The returns folder read once: a Collection per city, and the findings of files of no city."""
    collections: dict[str, Collection]
    findings: list[Finding]
    workbooks: int

    @property
    def cities(self) -> list[str]:
        return sorted(self.collections)


def collect_by_city(table: TaskTable, folder: str | Path, table_for: Callable[[str], TaskTable],
                    progress: Progress | None = None) -> CitySplit:
    """Every workbook under ``folder`` read once and grouped by the city its identity names.

    ``table_for(city)`` gives the task table of a city (the Collection's year and city come from it).
    Raises :class:`JieshuiError` for a missing folder or a folder without any workbook.
    """
    run = _read_folder(table, Path(folder), progress)
    groups: dict[str, list[Outcome]] = {}
    findings: list[Finding] = []
    for o in run.outcomes:
        city = run.city_of(o)
        if city:
            groups.setdefault(city, []).append(o)
            continue
        if city == "":                      # an identity without a city: it cannot be placed
            o.report = Report()
            o.report.add("file-unknown", unit=o.submission.unit, file=o.name)
        findings.extend(o.report)
    collections, placed = {}, set()
    for city, outcomes in sorted(groups.items()):
        city_table = table_for(city)
        collections[city] = collection = merge(outcomes, Collection(year=city_table.year, city=city))
        mine = [r for r in run.received if r.name not in placed and owner_of(r, collection)]   # a city's units' files
        placed |= {r.name for r in mine}
        settle(city_table, collection, mine, Report())
    findings += list(run.evidence_report) + [Report().add("evidence-unlisted", file=r.name, owner="任何单位")
                                             for r in run.received if r.name not in placed]
    return CitySplit(collections, findings, run.workbooks)


def identify_file(path: str | Path, limits: Limits | None = None) -> Identity | None:
    """The identity of the workbook file at ``path`` as consolidation reads it (bounded, any format);
    None when it is not a collection workbook or cannot be read.  Used by mail and the demo, so a
    workbook is recognised the same way everywhere."""
    limits = limits or Limits()
    path = Path(path)
    try:
        source = Source(path.name, read_file(path, limits.file_bytes), None)
    except (OSError, FileTooLarge, NotRegular):
        return None
    with tempfile.TemporaryDirectory(prefix=TMP_PREFIX) as tmp:
        book = open_book(source, Path(tmp), 0, Report(), limits)
    return None if book is None else book.identity()
