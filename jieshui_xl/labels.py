"""Statuses, their Chinese labels and their colours — declared once, used by every workbook and the console.

An indicator's status (``pass`` …) reads 达标 … in the collection workbook's self-check, the
scorecard, the overview and the JSON's ``status_label``; a unit's status (``returned`` …) reads
已报送 … in the scorecard, ``jieshui-xl status`` and the one-click script.  Each status has one
colour pair (fill, font) wherever it is coloured.
"""

from __future__ import annotations

__all__ = ["PASS", "FAIL", "MISSING", "INVALID", "STATUS_LABELS", "STATUS_CODES", "VERDICTS",
           "UNIT_RETURNED", "UNIT_REJECTED", "UNIT_MISSING", "UNIT_STATUS_LABELS", "UNREADABLE_LABEL",
           "ACCEPTED", "SUPERSEDED", "DUPLICATE", "REJECTED", "SKIPPED", "SUBMISSION_LABELS",
           "GOOD", "BAD", "WARN", "ODD", "INFO", "VETO", "STATUS_COLOURS", "UNIT_STATUS_COLOURS",
           "SEVERITY_COLOURS"]

# Palette (fill, font) by meaning.
GOOD = ("#C6EFCE", "#006100")
BAD = ("#FFC7CE", "#9C0006")
WARN = ("#FFEB9C", "#7F5F00")
ODD = ("#E4DFEC", "#5B2C6F")
INFO = ("#DDEBF7", "#1F4E78")
VETO = ("#C00000", "#FFFFFF")

# An indicator's status.
PASS, FAIL, MISSING, INVALID = "pass", "fail", "missing", "invalid"
STATUS_LABELS = {PASS: "达标", FAIL: "未达标", MISSING: "数据缺失", INVALID: "数据异常"}
STATUS_CODES = {v: k for k, v in STATUS_LABELS.items()}
STATUS_COLOURS = {PASS: GOOD, FAIL: BAD, MISSING: WARN, INVALID: ODD}
VERDICTS = {True: "底线指标全部达标", False: "底线指标未全部达标"}   # Result.verdict, by veto_ok

# A reporting unit's status.
UNIT_RETURNED, UNIT_REJECTED, UNIT_MISSING = "returned", "rejected", "missing"
UNIT_STATUS_LABELS = {UNIT_RETURNED: "已报送", UNIT_REJECTED: "被退回", UNIT_MISSING: "未报送"}
UNIT_STATUS_COLOURS = {UNIT_RETURNED: GOOD, UNIT_REJECTED: ODD, UNIT_MISSING: BAD}
UNREADABLE_LABEL = "已收到，无法读取"     # a rejected unit whose file could not be read at all (Submission.unreadable)

# What became of one returned file (Submission.status).
ACCEPTED, SUPERSEDED, DUPLICATE, REJECTED, SKIPPED = "accepted", "superseded", "duplicate", "rejected", "skipped"
SUBMISSION_LABELS = {ACCEPTED: "采用", SUPERSEDED: "被替代（未采用）", DUPLICATE: "重复（已忽略）",
                     REJECTED: "退回（未采用）", SKIPPED: "跳过"}

# A finding's severity (labels: findings.SEVERITY_LABELS).
SEVERITY_COLOURS = {"error": BAD, "warning": WARN, "info": INFO}
