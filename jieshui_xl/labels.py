"""Statuses, their Chinese labels and their colours — declared once, used by every workbook and the console.

An indicator's status (``pass`` …) reads 达标 … in the collection workbook's self-check, the
scorecard, the overview and the JSON's ``status_label``; a unit's status (``returned`` …) reads
已报送 … in the scorecard, ``jieshui-xl status`` and the one-click script.  Each status has one
colour pair (fill, font) wherever it is coloured.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["TextEnum", "IndicatorStatus", "UnitStatus", "SubmissionStatus", "Severity",
           "PASS", "FAIL", "MISSING", "INVALID", "STATUS_LABELS", "STATUS_CODES", "VERDICTS",
           "UNIT_RETURNED", "UNIT_REJECTED", "UNIT_MISSING", "UNIT_STATUS_LABELS", "UNREADABLE_LABEL",
           "ACCEPTED", "SUPERSEDED", "DUPLICATE", "REJECTED", "SKIPPED", "SUBMISSION_LABELS",
           "GOOD", "BAD", "WARN", "ODD", "INFO", "VETO", "MIDWAY", "STATUS_COLOURS", "UNIT_STATUS_COLOURS",
           "SEVERITY_COLOURS"]

class TextEnum(str, Enum):
    """A status code that is also its text: equal to, hashed as, formatted and serialised (JSON,
    SQLite, workbooks) as the plain string, so ``status == "pass"`` and ``{"pass": …}[status]`` hold."""

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class IndicatorStatus(TextEnum):
    PASS = "pass"
    FAIL = "fail"
    MISSING = "missing"
    INVALID = "invalid"


class UnitStatus(TextEnum):
    RETURNED = "returned"       # a usable workbook, perhaps with warnings
    REJECTED = "rejected"       # only unusable workbooks, or errors that keep items out
    MISSING = "missing"         # nothing from it


class SubmissionStatus(TextEnum):
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    SKIPPED = "skipped"


class Severity(TextEnum):
    """A finding's severity (labels: findings.SEVERITY_LABELS)."""
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Palette (fill, font) by meaning.
GOOD = ("#C6EFCE", "#006100")
BAD = ("#FFC7CE", "#9C0006")
WARN = ("#FFEB9C", "#7F5F00")
ODD = ("#E4DFEC", "#5B2C6F")
INFO = ("#DDEBF7", "#1F4E78")
VETO = ("#C00000", "#FFFFFF")
MIDWAY = ("#FCE4D6", "#843C0C")    # a ranked choice between the lowest and the highest (推进中): not 数据缺失's yellow

# An indicator's status.
PASS, FAIL, MISSING, INVALID = IndicatorStatus.PASS, IndicatorStatus.FAIL, IndicatorStatus.MISSING, IndicatorStatus.INVALID
STATUS_LABELS: dict[str, str] = {PASS: "达标", FAIL: "未达标", MISSING: "数据缺失", INVALID: "数据异常"}
STATUS_CODES = {v: k for k, v in STATUS_LABELS.items()}
STATUS_COLOURS: dict[str, tuple[str, str]] = {PASS: GOOD, FAIL: BAD, MISSING: WARN, INVALID: ODD}
VERDICTS = {True: "底线指标全部达标", False: "底线指标未全部达标"}   # Result.verdict, by veto_ok

# A reporting unit's status.
UNIT_RETURNED, UNIT_REJECTED, UNIT_MISSING = UnitStatus.RETURNED, UnitStatus.REJECTED, UnitStatus.MISSING
UNIT_STATUS_LABELS: dict[str, str] = {UNIT_RETURNED: "已报送", UNIT_REJECTED: "被退回", UNIT_MISSING: "未报送"}
UNIT_STATUS_COLOURS: dict[str, tuple[str, str]] = {UNIT_RETURNED: GOOD, UNIT_REJECTED: ODD, UNIT_MISSING: BAD}
UNREADABLE_LABEL = "已收到，无法读取"     # a rejected unit whose file could not be read at all (Submission.unreadable)

# What became of one returned file (Submission.status).
ACCEPTED, SUPERSEDED, DUPLICATE, REJECTED, SKIPPED = tuple(SubmissionStatus)
SUBMISSION_LABELS: dict[str, str] = {ACCEPTED: "采用", SUPERSEDED: "被替代（未采用）", DUPLICATE: "重复（已忽略）",
                     REJECTED: "退回（未采用）", SKIPPED: "跳过"}

# A finding's severity (labels: findings.SEVERITY_LABELS).
SEVERITY_COLOURS: dict[str, tuple[str, str]] = {Severity.ERROR: BAD, Severity.WARNING: WARN, Severity.INFO: INFO}
