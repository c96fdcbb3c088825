"""A progress period consolidated: per task its status, days overdue and lead units; per unit its
ranking (完成率, 滞后数).  Computed once from the collected forms; the 调度表, its JSON, the console
summary and the reminders all read this.

Rules (the words come from the task table's 进展状态 list): a task is done when every unit that
reports it says the most advanced status (已完成); its status is the least advanced one any of them
gave, and a unit that gave none (nothing returned, or the cell left blank) counts below every
status.  A task not done is overdue by the days from its 完成时限 to the period's end.  A unit's
完成率 is the share of its tasks it reports done; its 滞后数 the tasks it reports lagging (滞后) or has
not done past their 完成时限.  Units rank by 完成率, then (returned before silent) by 滞后数.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..data import Collection, ProgressAnswer
from ..findings import Report
from ..labels import UNIT_MISSING, UNIT_STATUS_LABELS
from ..progressstore import ProgressTask
from ..spec import Task, TaskTable
from ..spec.cells import parse_date
from ..spec.progress import Period, Statuses, overdue_days, progress_tasks, progress_units, statuses, task_reporters

__all__ = ["NOT_ANSWERED", "NOT_RETURNED", "ProgressRound", "TaskState", "UnitRank", "evaluate"]

NOT_RETURNED = UNIT_STATUS_LABELS[UNIT_MISSING]      # 未报送
NOT_ANSWERED = "未填写"


@dataclass
class TaskState:
    task: Task
    status: str                          # the least advanced status given, or 未报送 / 未填写
    done: bool
    overdue_days: int
    answers: dict[str, ProgressAnswer]   # unit -> its answer (units that answered something)
    missing: list[str]                   # reporting units with no answer (nothing returned, or blank)
    trajectory: list[tuple[str, ProgressTask]] = field(default_factory=list)   # earlier periods

    @property
    def reporters(self) -> tuple[str, ...]:
        return task_reporters(self.task)

    @property
    def lagging(self) -> bool:
        return self.overdue_days > 0

    def next_milestone(self, period: Period) -> tuple[_dt.date, str] | None:
        return next(((d, what) for d, what in self.task.milestones if d > period.end), None)


@dataclass
class UnitRank:
    unit: str
    status: str                          # returned | rejected | missing (the unit's form)
    tasks: list[int]
    done: list[int]
    lagging: list[int]                   # reported lagging, or not done past the deadline
    overdue: list[int]                   # not done past the deadline
    rank: int = 0

    @property
    def rate(self) -> float:
        """完成率 in % (0 for a unit without tasks)."""
        return 100.0 * len(self.done) / len(self.tasks) if self.tasks else 0.0


@dataclass
class ProgressRound:
    table: TaskTable
    period: Period
    collection: Collection
    statuses: Statuses
    tasks: list[TaskState]
    units: list[UnitRank]
    report: Report = field(default_factory=Report)      # findings of the evaluation (overdue, blank status)
    notices: list[str] = field(default_factory=list)     # history store notices

    def findings(self) -> list:
        return list(self.collection.report) + list(self.report)

    def counts(self) -> dict[str, int]:
        """Tasks by status (the 进展状态 values, then 未报送 / 未填写 where any)."""
        out = {v: 0 for v in self.statuses.values}
        for t in self.tasks:
            out[t.status] = out.get(t.status, 0) + 1
        return out

    @property
    def overdue(self) -> list[TaskState]:
        return [t for t in self.tasks if t.lagging]


def _answer(collection: Collection, task: Task, unit: str) -> ProgressAnswer | None:
    answer = collection.progress.get((task.seq, unit))
    return answer if answer is not None and not answer.empty else None


def task_state(table: TaskTable, collection: Collection, period: Period, st: Statuses, task: Task) -> TaskState:
    answers = {u: a for u in task_reporters(task) if (a := _answer(collection, task, u)) is not None}
    missing = [u for u in task_reporters(task) if u not in answers or not answers[u].status]
    given = [a.status for a in answers.values() if a.status]
    done = bool(task_reporters(task)) and not missing and all(s == st.done for s in given)
    if missing:
        status = NOT_RETURNED if all(collection.unit_status(u) == UNIT_MISSING for u in missing) else NOT_ANSWERED
    else:
        status = min(given, key=st.rank) if given else NOT_ANSWERED
    return TaskState(task, status, done, overdue_days(task, period, done), answers, missing)


def unit_rank(collection: Collection, period: Period, st: Statuses, unit: str, tasks: list[Task]) -> UnitRank:
    mine = {t.seq: _answer(collection, t, unit) for t in tasks}
    done = [seq for seq, a in mine.items() if a is not None and a.status == st.done]
    overdue = [t.seq for t in tasks if overdue_days(t, period, t.seq in done) > 0]
    reported = [seq for seq, a in mine.items() if a is not None and a.status == st.lagging]
    lagging = sorted(set(reported) | set(overdue))
    return UnitRank(unit, collection.unit_status(unit), [t.seq for t in tasks], done, lagging, overdue)


def rank_units(ranks: list[UnitRank]) -> list[UnitRank]:
    """Highest 完成率 first; at equal 完成率 a unit that returned nothing after those that did, then
    fewest 滞后; equal places share a rank."""
    def key(r: UnitRank) -> tuple:
        return -r.rate, r.status == UNIT_MISSING, len(r.lagging)

    ordered = sorted(ranks, key=key)
    for n, r in enumerate(ordered):
        prev = ordered[n - 1] if n else None
        r.rank = prev.rank if prev and key(prev) == key(r) else n + 1
    return ordered


def evaluate(table: TaskTable, collection: Collection, period: Period,
             trajectory: dict[int, list[tuple[str, ProgressTask]]] | None = None) -> ProgressRound:
    """The period consolidated; ``trajectory`` (task -> earlier periods' states, from the store)."""
    st = statuses(table)
    tasks = [task_state(table, collection, period, st, t) for t in table.tasks]
    for state in tasks:
        state.trajectory = [(p, s) for p, s in (trajectory or {}).get(state.task.seq, []) if p < period.text]
    units = rank_units([unit_rank(collection, period, st, u, progress_tasks(table, u)) for u in progress_units(table)])
    out = ProgressRound(table, period, collection, st, tasks, units)
    _findings(out)
    return out


def _findings(out: ProgressRound) -> None:
    """Units that returned nothing, blank statuses, overdue tasks: one finding each, per unit."""
    st, period, report = out.statuses, out.period, out.report
    for rank in out.units:
        if rank.status == UNIT_MISSING:
            report.add("progress-not-returned", unit=rank.unit, period=period.text)
    for state in out.tasks:
        t = state.task
        for unit in state.reporters:
            answer = state.answers.get(unit)
            where = dict(unit=unit, file=answer.file if answer else None, task=t.seq, title=t.title)
            if out.collection.unit_status(unit) != UNIT_MISSING and (answer is None or not answer.status):
                report.add("progress-status-missing", **where)
            days = overdue_days(t, period, answer is not None and answer.status == st.done)
            if days and t.deadline is not None:
                report.add("progress-overdue", value=answer.status if answer and answer.status else state.status,
                           deadline=t.deadline.isoformat(), period_end=period.end.isoformat(), days=days, **where)
            eta = parse_date(answer.eta) if answer is not None and answer.eta else None
            if eta is not None and t.deadline is not None and eta > t.deadline and answer and answer.status != st.done:
                report.add("progress-eta-after-deadline", value=eta.isoformat(), deadline=t.deadline.isoformat(),
                           cell=answer.cell, **where)
