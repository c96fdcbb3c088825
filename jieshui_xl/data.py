"""The round's data: what consolidation gathered from the returned workbooks.

This is the contract between ``collect`` (which fills it) and ``compute`` / ``scorecard`` /
``status`` (which read it).  Values are already cleaned and validated: a rejected value is absent
from :attr:`Collection.values` and present in :attr:`Collection.report` as a finding.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .findings import Report
from .labels import ACCEPTED, REJECTED, UNIT_STATUS_LABELS, UNREADABLE_LABEL, SubmissionStatus, UnitStatus

__all__ = ["CellValue", "Collection", "EvidenceEntry", "ProgressAnswer", "Received", "Submission", "TaskAnswer",
           "UnitState"]


@dataclass(frozen=True)
class CellValue:
    """One accepted value and where it came from."""
    value: float | str | None   # number for numeric items, text for yes/no and text items
    unit: str                   # reporting unit
    file: str = ""              # returned file, relative to the collected folder
    sheet: str = ""
    cell: str = ""              # e.g. "D12"
    raw: str | None = None      # the value as typed, where it differed from ``value``
    source: str = ""            # the 数据来源 the department gave


@dataclass(frozen=True)
class TaskAnswer:
    """A unit's answer to a checklist task (a task with no linked indicator)."""
    task: int
    unit: str
    status: str = ""            # 已完成 / 推进中 / 未启动, or "" when not answered
    evidence: str = ""
    note: str = ""
    file: str = ""
    cell: str = ""


@dataclass(frozen=True)
class EvidenceEntry:
    """One row of a unit's 佐证材料清单: what it says it sends for one kind of evidence."""
    code: str                   # the 佐证材料 row's code
    unit: str
    title: str = ""
    docno: str = ""             # 文号/日期
    files: tuple[str, ...] = ()   # the attachment names it lists
    note: str = ""
    file: str = ""              # the workbook
    cell: str = ""              # the 附件文件名 cell

    @property
    def empty(self) -> bool:
        return not (self.title or self.docno or self.files or self.note)


@dataclass(frozen=True)
class Received:
    """A file that came with the returns and is not a workbook: evidence (佐证材料), as it was received.

    ``path`` is the file on disk that holds it (the file itself, the .zip or the .eml); ``member`` the
    member of the .zip or the attachment's place in the .eml ("" for the file itself)."""
    name: str                   # shown name: relative to the folder (a member: "<zip>/<member>")
    base: str                   # the file's own name, as listed in a 佐证材料清单
    path: str
    member: str = ""
    origin: str = "folder"      # folder | zip | eml
    size: int = 0
    digest: str = ""            # sha256 of the bytes
    pages: int | None = None    # pages of a PDF, where they could be counted
    unit: str | None = None     # whose it is (by its folder, its e-mail or its name in a list)


@dataclass(frozen=True)
class ProgressAnswer:
    """A lead unit's answer about one task in a progress round (工作调度)."""
    task: int
    unit: str
    status: str = ""            # a value of the 进展状态 list, or "" when not answered
    percent: float | None = None   # 完成比例, 0–100
    report: str = ""            # 进展情况
    issues: str = ""            # 存在问题
    plan: str = ""              # 下步计划
    eta: str = ""               # 预计完成时间 (YYYY-MM-DD where a date was typed)
    file: str = ""
    cell: str = ""              # the status cell

    @property
    def empty(self) -> bool:
        return not (self.status or self.percent is not None or self.report or self.issues or self.plan or self.eta)


@dataclass
class Submission:
    """One file found in the returns folder and what became of it."""
    file: str                   # path relative to the folder
    unit: str | None = None     # identified unit (None when the file is not ours)
    status: SubmissionStatus = ACCEPTED   # accepted | superseded | duplicate | rejected | skipped
    saved_at: _dt.datetime | None = None
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    reason: str = ""            # why it was not used (Chinese), where it was not
    unreadable: bool = False    # rejected because no reader could open it (the unit is 已收到，无法读取)
    city: str | None = None     # the city its identity names (None when not identified)

    @property
    def identified(self) -> bool:
        """Recognised as a collection workbook by its identity (whatever became of it)."""
        return self.year is not None


@dataclass(frozen=True)
class UnitState:
    """A reporting unit's status, decided once (:meth:`Collection.unit_state`) and read by every
    writer: the scorecard's 报送情况, the JSON, ``status``, the console summary, reminders."""
    unit: str
    status: UnitStatus
    main: Submission | None                 # the file that decides it: the accepted one, else the latest rejected
    files: tuple[Submission, ...] = ()      # every file identified as the unit's

    @property
    def file(self) -> str | None:
        return self.main.file if self.main else None

    @property
    def unreadable(self) -> bool:
        return self.main is not None and self.main.status == REJECTED and self.main.unreadable

    @property
    def errors(self) -> int:
        return self.main.errors if self.main else 0

    @property
    def warnings(self) -> int:
        return self.main.warnings if self.main else 0

    @property
    def label(self) -> str:
        """How people read it: 已报送 / 被退回 / 未报送, or 已收到，无法读取."""
        return UNREADABLE_LABEL if self.unreadable else UNIT_STATUS_LABELS[self.status]


@dataclass
class Collection:
    year: int
    city: str
    values: dict[str, CellValue] = field(default_factory=dict)                   # item code -> value
    tables: dict[str, list[dict[str, CellValue]]] = field(default_factory=dict)  # table -> rows
    tasks: dict[tuple[int, str], TaskAnswer] = field(default_factory=dict)       # (task, unit) -> answer
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)            # unit -> name/phone/date
    progress: dict[tuple[int, str], ProgressAnswer] = field(default_factory=dict)  # (task, unit) -> answer
    evidence: dict[tuple[str, str], EvidenceEntry] = field(default_factory=dict)   # (code, unit) -> list row
    received: list[Received] = field(default_factory=list)                         # evidence files received
    submissions: list[Submission] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    def value(self, code: str):
        cv = self.values.get(code)
        return None if cv is None else cv.value

    def accepted(self, unit: str) -> Submission | None:
        for s in self.submissions:
            if s.unit == unit and s.status == ACCEPTED:
                return s
        return None

    def unit_state(self, unit: str) -> UnitState:
        """The one decision of a unit's status: returned (a usable workbook, perhaps with warnings),
        rejected (only unusable workbooks, or errors that keep items out), or missing (nothing)."""
        files = tuple(s for s in self.submissions if s.unit == unit)
        accepted = self.accepted(unit)
        rejected = [s for s in files if s.status == REJECTED]
        main = accepted or (rejected[-1] if rejected else None)
        if accepted is not None:
            status = UnitStatus.REJECTED if accepted.errors else UnitStatus.RETURNED
        else:
            status = UnitStatus.REJECTED if files else UnitStatus.MISSING
        return UnitState(unit, status, main, files)

    def unit_status(self, unit: str) -> UnitStatus:
        return self.unit_state(unit).status
