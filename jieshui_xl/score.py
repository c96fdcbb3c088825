"""Score a collected round: every indicator, check and checklist task, and the findings they raise.

The values come from evaluating the guarded formulas of :func:`jieshui_xl.logic.logic` with the one
:class:`~jieshui_xl.logic.Evaluator`; the :class:`Result` keeps that evaluator, so whatever shows a
value later (the scorecard's cached values) reads the very value computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .data import Collection, TaskAnswer
from .display import show
from .findings import ERROR, Report
from .labels import INVALID, PASS, STATUS_CODES, STATUS_LABELS, UNIT_MISSING, VERDICTS
from .logic import Evaluator, Logic, RowResult, logic
from .spec import Indicator, Task, TaskTable

__all__ = ["IndicatorResult", "Result", "TaskResult", "compute"]

# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

@dataclass
class IndicatorResult:
    indicator: Indicator
    value: float | None
    status: str                      # pass | fail | missing | invalid
    note: str
    target: float | None
    calcs: dict[str, object] = field(default_factory=dict)
    missing_items: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class TaskResult:
    task: Task
    status: str                      # least advanced answer (未启动 where a reporter did not answer)
    answers: dict[str, TaskAnswer]   # unit -> answer
    unanswered: list[str]


@dataclass
class Result:
    year: int
    city: str
    indicators: list[IndicatorResult]
    tasks: list[TaskResult]
    checks: dict[str, bool]
    report: Report
    evaluator: Evaluator = field(repr=False, compare=False)   # every name's value, as computed

    @property
    def logic(self) -> Logic:
        return self.evaluator.logic

    def value(self, name: str):
        """The value of any name of the round (item, parameter, computed name, helper range)."""
        return self.evaluator(name)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.indicators if r.status == PASS)

    @property
    def veto(self) -> list[IndicatorResult]:
        return [r for r in self.indicators if r.indicator.is_veto]

    @property
    def veto_ok(self) -> bool:
        return all(r.status == PASS for r in self.veto)

    @property
    def verdict(self) -> str:
        return VERDICTS[self.veto_ok]

    def by_code(self, code: str) -> IndicatorResult:
        return next(r for r in self.indicators if r.code == code)


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def compute(table: TaskTable, collection: Collection, lg: Logic | None = None) -> Result:
    """Compute indicators, checks and tasks; consistency findings are added to a new report."""
    lg = lg or logic(table)
    env = Evaluator(table, collection, lg)
    report = Report()
    checks = {c.code: env(c.code) is True for c in table.checks}
    _check_findings(table, collection, checks, report)
    results = [_indicator(table, collection, lg, env, ind, checks) for ind in table.indicators]
    tasks = [_task(table, collection, t) for t in table.checklist]
    _round_findings(table, collection, tasks, report)
    return Result(year=table.year, city=table.city, indicators=results, tasks=tasks, checks=checks,
                  report=report, evaluator=env)


def _indicator(table, collection, lg: Logic, env: Evaluator, ind: Indicator, checks) -> IndicatorResult:
    status_label = lg.status[ind.code].evaluate(env)
    status = STATUS_CODES.get(status_label, INVALID) if isinstance(status_label, str) else INVALID
    note = lg.note[ind.code].evaluate(env)
    result = IndicatorResult(
        indicator=ind, value=_number(env(ind.value_name)), status=status,
        note=note if isinstance(note, str) else "", target=_number(env(ind.target_name)) if ind.target else None,
        calcs={c.code: env(c.code) for c in table.indicator_calcs(ind)},
        missing_items=[i for i in lg.required[ind.code] if collection.value(i) is None],
        failed_checks=[c.code for c in table.checks_of(ind) if not checks[c.code]])
    if ind.table:
        result.rows = env.table_rows(ind.code)
    return result


def _check_findings(table: TaskTable, collection: Collection, checks: dict, report: Report) -> None:
    for chk in table.checks:
        if checks[chk.code]:
            continue
        items = sorted(table.items_used(chk.rule))
        values = "，".join(f"{table.items[i].label}={show(collection.value(i))}" for i in items)
        units = "、".join(dict.fromkeys(table.items[i].reporter for i in items))
        report.add("check-failed" if chk.severity == ERROR else "check-warning", unit=units,
                   field=",".join(items), value=chk.code, detail=chk.message, values=values,
                   file="；".join(dict.fromkeys(collection.values[i].file for i in items
                                                if i in collection.values)) or None)


def _round_findings(table: TaskTable, collection: Collection, tasks: list, report: Report) -> None:
    missing = [u for u in table.reporting_units() if collection.unit_status(u) == UNIT_MISSING]
    for unit in missing:
        report.add("unit-not-returned", unit=unit)
    for tr in tasks:
        for unit in tr.unanswered:
            if unit in missing:
                continue
            answer = tr.answers.get(unit)
            report.add("task-status-missing", unit=unit, task=tr.task.seq, title=tr.task.title,
                       field=tr.task.name("status"), file=answer.file if answer else None,
                       cell=answer.cell if answer else None, value=answer.status if answer else None)


def _task(table: TaskTable, collection: Collection, task) -> TaskResult:
    ranks = {c.value: c.rank for c in table.task_status_choices()}
    lowest = min(table.task_status_choices(), key=lambda c: c.rank).value if ranks else ""
    answers, unanswered = {}, []
    for unit in task.reporters:
        answer = collection.tasks.get((task.seq, unit))
        if answer is not None:
            answers[unit] = answer
        if answer is None or answer.status not in ranks:
            unanswered.append(unit)
    statuses = [answers[u].status for u in task.reporters if u in answers and answers[u].status in ranks]
    statuses += [lowest] * len(unanswered)
    status = min(statuses, key=lambda s: ranks[s]) if statuses else lowest
    return TaskResult(task=task, status=status, answers=answers, unanswered=unanswered)
