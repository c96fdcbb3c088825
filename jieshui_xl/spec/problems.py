"""The problem collector of one load: every problem of the task table goes into one report."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Report


@dataclass
class Problems:
    """The report, with the task table's file name on every finding, and what was already reported
    so that its consequences are not reported again (checks depending on a missing sheet are
    skipped; a formula using a parameter missing for the year is not reported for it)."""

    file: str
    report: Report = field(default_factory=Report)
    missing_sheets: set[str] = field(default_factory=set)
    missing_params: set[str] = field(default_factory=set)

    def add(self, code: str, **where: object) -> None:
        self.report.add(code, **{"file": self.file, **where})

    def have_sheets(self, *titles: str) -> bool:
        """Whether none of these sheets is missing."""
        return not self.missing_sheets.intersection(titles)
