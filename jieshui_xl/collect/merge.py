"""One value per item: pick each unit's workbook (the latest save wins) and fill the Collection."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..data import ACCEPTED, DUPLICATE, REJECTED, SKIPPED, SUPERSEDED, Collection, Submission
from ..findings import ERROR, WARNING, Report
from .read import Returned

__all__ = ["Outcome", "merge", "ACCEPTED", "SUPERSEDED", "DUPLICATE", "REJECTED", "SKIPPED"]

_EPOCH = _dt.datetime.min


@dataclass
class Outcome:
    """What became of one file (or e-mail attachment): its submission, its findings, its data."""
    submission: Submission
    report: Report = field(default_factory=Report)
    returned: Returned | None = None
    mtime: _dt.datetime | None = None

    @property
    def name(self) -> str:
        return self.submission.file


def _newest_first(outcomes: list[Outcome]) -> list[Outcome]:
    return sorted(outcomes, key=lambda o: (o.submission.saved_at or _EPOCH, o.mtime or _EPOCH, o.name),
                  reverse=True)


def _supersede(old: Outcome, kept: Outcome) -> None:
    """An older workbook of the same unit: not used, and its value findings are not reported."""
    old.submission.status = SUPERSEDED
    old.submission.reason = f"{old.submission.unit}另有更晚保存的“{kept.name}”"
    old.report = Report()
    old.report.add("file-superseded", unit=old.submission.unit, file=old.name, kept=kept.name)
    old.returned = None


def choose(outcomes: list[Outcome]) -> None:
    """Among each unit's usable workbooks keep the latest save; mark the others superseded."""
    by_unit: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.returned is not None:
            by_unit.setdefault(o.returned.unit, []).append(o)
    for group in by_unit.values():
        kept, *older = _newest_first(group)
        for old in older:
            _supersede(old, kept)


def _count(submission: Submission, report: Report) -> None:
    submission.errors = sum(1 for f in report if f.severity == ERROR)
    submission.warnings = sum(1 for f in report if f.severity == WARNING)


def _take(collection: Collection, returned: Returned) -> None:
    collection.values.update(returned.values)
    collection.tables.update(returned.tables)
    collection.tasks.update(returned.tasks)
    collection.contacts[returned.unit] = returned.contact


def merge(outcomes: list[Outcome], collection: Collection) -> Collection:
    """Fill ``collection`` from the outcomes (in folder order), with every finding reported."""
    choose(outcomes)
    for o in outcomes:
        _count(o.submission, o.report)
        collection.report.extend(o.report)
        collection.submissions.append(o.submission)
        if o.returned is not None and o.submission.status == ACCEPTED:
            _take(collection, o.returned)
    return collection
