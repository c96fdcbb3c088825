"""One value per item: pick each unit's workbook (the latest save wins) and fill the Collection."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..data import Collection, Submission
from ..findings import ERROR, WARNING, Report
from ..labels import ACCEPTED, DUPLICATE, REJECTED, SKIPPED, SUPERSEDED
from .read import Returned

__all__ = ["Outcome", "merge", "ACCEPTED", "SUPERSEDED", "DUPLICATE", "REJECTED", "SKIPPED"]

_EPOCH = _dt.datetime.min
CLOCK_SLACK = _dt.timedelta(days=1)     # time zones and slightly wrong clocks are not suspicious


@dataclass
class Outcome:
    """What became of one file (or e-mail attachment): its submission, its findings, its data."""
    submission: Submission
    report: Report = field(default_factory=Report)
    returned: Returned | None = None
    mtime: _dt.datetime | None = None
    generated_at: _dt.datetime | None = None    # when the template was generated (its identity)

    @property
    def name(self) -> str:
        return self.submission.file


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def time_problem(o: Outcome, when: _dt.datetime | None, now: _dt.datetime) -> tuple[str, dict] | None:
    """Why a recorded time cannot be trusted (in the future, before the template existed), or None."""
    if when is None:
        return None
    if when > now + CLOCK_SLACK:
        return "saved-in-future", {}
    if o.generated_at is not None and when < o.generated_at - CLOCK_SLACK:
        return "saved-before-template", {"generated": o.generated_at.isoformat(sep=" ", timespec="seconds")}
    return None


def _trusted_time(o: Outcome, now: _dt.datetime) -> _dt.datetime:
    """The save time, else the file's modified time, when believable; else none (sorts oldest)."""
    for when in (o.submission.saved_at, o.mtime):
        if when is not None and time_problem(o, when, now) is None:
            return when
    return _EPOCH


def _newest_first(outcomes: list[Outcome], now: _dt.datetime) -> list[Outcome]:
    return sorted(outcomes, key=lambda o: (_trusted_time(o, now), o.name), reverse=True)


def _warn_time(o: Outcome, now: _dt.datetime) -> None:
    saved = o.submission.saved_at
    if saved is None:
        return
    problem = time_problem(o, saved, now)
    if problem is not None:
        code, kw = problem
        o.report.add(code, unit=o.submission.unit, file=o.name,
                     value=saved.isoformat(sep=" ", timespec="seconds"), **kw)


def _supersede(old: Outcome, kept: Outcome) -> None:
    """An older workbook of the same unit: not used, and its value findings are not reported."""
    old.submission.status = SUPERSEDED
    old.submission.reason = f"{old.submission.unit}另有更晚保存的“{kept.name}”"
    old.report = Report()
    old.report.add("file-superseded", unit=old.submission.unit, file=old.name, kept=kept.name)
    old.returned = None


def choose(outcomes: list[Outcome]) -> None:
    """Among each unit's usable workbooks keep the latest save; mark the others superseded."""
    now = _now()
    by_unit: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.returned is not None:
            by_unit.setdefault(o.returned.unit, []).append(o)
    for group in by_unit.values():
        kept, *older = _newest_first(group, now)
        for old in older:
            _supersede(old, kept)
        for o in group:
            _warn_time(o, now)


def _count(submission: Submission, report: Report) -> None:
    submission.errors = sum(1 for f in report if f.severity == ERROR)
    submission.warnings = sum(1 for f in report if f.severity == WARNING)


def _take(collection: Collection, returned: Returned) -> None:
    collection.values.update(returned.values)
    collection.tables.update(returned.tables)
    collection.tasks.update(returned.tasks)
    collection.contacts[returned.unit] = returned.contact
    collection.progress.update(returned.progress)
    collection.evidence.update(returned.evidence)


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
