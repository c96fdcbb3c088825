"""Compute every indicator, check and checklist task from the task table's own formulas.

The logic is stated once, as Excel formulas (:func:`logic`): for each indicator a guarded value, a
status (数据缺失 / 数据异常 / 达标 / 未达标) and a note; for each check a guarded rule.  Python
evaluates exactly these formulas here; the scorecard and the collection workbooks write the same
text into their cells, so a spreadsheet's recalculation reproduces the Python result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .data import Collection
from .display import show
from .findings import Report
from .formula import ExcelError, Formula, parse
from .labels import FAIL, INVALID, MISSING, PASS, STATUS_CODES, STATUS_LABELS, VERDICTS
from .spec import Indicator, Table, TaskTable

__all__ = ["IndicatorResult", "Logic", "Result", "RowResult", "TaskResult", "compute", "evaluator", "logic",
           "STATUS_LABELS", "STATUS_CODES", "VERDICTS", "row_logic", "TableLogic"]



# ---------------------------------------------------------------------------------------------
# The logic, as formulas
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableLogic:
    """Formulas of a table indicator.  Row formulas use column codes and ``row_value``, to be
    rendered per row; the aggregate formulas use the range names ``<table>_rows_filled`` etc."""
    table: Table
    filled: Formula        # 1 if any cell of the row is filled
    complete: Formula      # 1 if every cell of the row is filled
    value: Formula         # the row's value, "" where incomplete or not computable
    passed: Formula        # 1 if the row's value meets the row rule
    range_names: dict      # part -> defined name of the helper column (filled/complete/value/pass)


@dataclass(frozen=True)
class Logic:
    """Every computed name of the round with its (guarded) formula, in dependency-safe order."""
    formulas: dict[str, Formula]           # name -> formula (calcs, targets, values, checks, ...)
    status: dict[str, Formula]             # indicator code -> status formula
    note: dict[str, Formula]               # indicator code -> note formula
    required: dict[str, list[str]]         # indicator code -> required items it needs
    tables: dict[str, TableLogic]          # indicator code -> table logic


def _missing_condition(items: list[str]) -> str:
    return "OR(" + ",".join(f"ISBLANK({i})" for i in items) + ")" if items else "FALSE"


def _guarded(formula: Formula | None, missing: str, blank: str = '""') -> Formula:
    if formula is None:
        return parse('""')
    if missing == "FALSE":
        return parse(f"IFERROR({formula.text},{blank})")
    return parse(f"IF({missing},{blank},IFERROR({formula.text},{blank}))")


def _required(table: TaskTable, formulas) -> list[str]:
    used = set()
    for f in formulas:
        used |= table.items_used(f)
    return sorted(i for i in used if table.items[i].required)


def row_logic(table: TaskTable, ind: Indicator) -> TableLogic:
    tbl = table.tables[ind.table]
    cols = ",".join(c.code for c in tbl.columns)
    n = len(tbl.columns)
    names = {part: f"{tbl.code}_rows_{part}" for part in ("filled", "complete", "value", "pass")}
    value = parse(f'IF(COUNTA({cols})={n},IFERROR({ind.row_formula.text},""),"")') if ind.row_formula \
        else parse('""')
    passed = parse(f"IF(ISNUMBER(row_value),IF({ind.row_rule.text},1,0),0)") if ind.row_rule else parse("0")
    return TableLogic(table=tbl, filled=parse(f"IF(COUNTA({cols})>0,1,0)"),
                      complete=parse(f"IF(COUNTA({cols})={n},1,0)"), value=value, passed=passed,
                      range_names=names)


def logic(table: TaskTable) -> Logic:
    """Build the guarded formulas of every indicator, calc, target and check."""
    formulas: dict[str, Formula] = {}
    status, note, required, tables = {}, {}, {}, {}
    for chk in table.checks:
        missing = _missing_condition(_required(table, [chk.rule]))
        formulas[chk.code] = parse(f"IF({missing},TRUE,IFERROR(AND({chk.rule.text}),FALSE))")
    for calc in table.calcs.values():
        formulas[calc.code] = parse(f'IFERROR({calc.formula.text},"")')
    for ind in table.indicators:
        if ind.table:
            tables[ind.code] = tl = row_logic(table, ind)
            r = tl.range_names
            formulas[ind.value_name] = parse('""')
            status[ind.code] = parse(
                f'IF(SUM({r["filled"]})=0,"{STATUS_LABELS[MISSING]}",'
                f'IF(SUM({r["complete"]})<SUM({r["filled"]}),"{STATUS_LABELS[INVALID]}",'
                f'IF(SUM({r["pass"]})=SUM({r["filled"]}),"{STATUS_LABELS[PASS]}","{STATUS_LABELS[FAIL]}")))')
            note[ind.code] = parse(f'IF(SUM({r["filled"]})=0,"",SUM({r["filled"]})&"项中"&SUM({r["pass"]})&"项达标")')
            required[ind.code] = []
            continue
        req = _required(table, [ind.formula, ind.rule, ind.target])
        required[ind.code] = req
        missing = _missing_condition(req)
        formulas[ind.target_name] = _guarded(ind.target, "FALSE")
        formulas[ind.value_name] = _guarded(ind.formula, missing)
        errors = [f"ISERROR({ind.formula.text})"] if ind.formula else []
        errors += [f"NOT({c.code})" for c in table.checks_of(ind) if c.severity == "error"]
        invalid = "OR(" + ",".join(errors) + ")" if errors else "FALSE"
        status[ind.code] = parse(
            f'IF({missing},"{STATUS_LABELS[MISSING]}",IF({invalid},"{STATUS_LABELS[INVALID]}",'
            f'IF(IFERROR(AND({ind.rule.text}),FALSE),"{STATUS_LABELS[PASS]}","{STATUS_LABELS[FAIL]}")))')
        note[ind.code] = _guarded(ind.note, missing)
    return Logic(formulas=formulas, status=status, note=note, required=required, tables=tables)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

@dataclass
class RowResult:
    number: int                      # 1-based row of the table
    cells: dict[str, object]         # column code -> value
    filled: bool
    complete: bool
    value: float | None
    passed: bool


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
    task: object                     # spec.Task
    status: str                      # least advanced answer (未启动 where a reporter did not answer)
    answers: dict[str, object]       # unit -> TaskAnswer
    unanswered: list[str]


@dataclass
class Result:
    year: int
    city: str
    indicators: list[IndicatorResult]
    tasks: list[TaskResult]
    checks: dict[str, bool]
    report: Report

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


class _Env:
    """Resolves names for evaluation: items from the collection, parameters, computed names."""

    def __init__(self, table: TaskTable, collection: Collection, lg: Logic):
        self.table, self.collection, self.logic = table, collection, lg
        self.cache: dict[str, object] = {}
        self.rows: dict[str, list[RowResult]] = {}

    def __call__(self, name: str):
        if name in self.cache:
            return self.cache[name]
        if name in self.table.items:
            value = self.collection.value(name)
        elif name in self.table.params:
            value = self.table.params[name]
        elif name in self.logic.formulas:
            value = self.logic.formulas[name].evaluate(self)
        else:
            value = self._range(name)
        self.cache[name] = value
        return value

    def _range(self, name: str):
        for code, tl in self.logic.tables.items():
            for part, range_name in tl.range_names.items():
                if range_name == name:
                    rows = self.table_rows(code)
                    return [_row_part(r, part) for r in rows]
        return ExcelError("#NAME?")

    def table_rows(self, code: str) -> list[RowResult]:
        if code not in self.rows:
            tl = self.logic.tables[code]
            ind = self.table.indicator(code)
            got = self.collection.tables.get(tl.table.code, [])
            out = []
            for n in range(tl.table.rows):
                cells = {c.code: (got[n][c.code].value if n < len(got) and c.code in got[n] else None)
                         for c in tl.table.columns}
                out.append(self._row(n + 1, cells, tl, ind))
            self.rows[code] = out
        return self.rows[code]

    def _row(self, number: int, cells: dict, tl: TableLogic, ind: Indicator) -> RowResult:
        def env(name):
            return cells[name] if name in cells else (value if name == "row_value" else self(name))
        value = None
        value = tl.value.evaluate(env)
        passed = tl.passed.evaluate(env)
        return RowResult(number=number, cells=cells, filled=tl.filled.evaluate(env) == 1,
                         complete=tl.complete.evaluate(env) == 1,
                         value=value if isinstance(value, float) else None, passed=passed == 1)


def evaluator(table: TaskTable, collection: Collection, lg: Logic | None = None) -> Callable[[str], object]:
    """The value of any name on ``collection`` (item, parameter, computed name, table helper range),
    as :func:`compute` resolves it: for evaluating the formulas of :func:`logic` elsewhere."""
    return _Env(table, collection, lg or logic(table))


def _row_part(row: RowResult, part: str):
    return {"filled": float(row.filled), "complete": float(row.complete),
            "value": row.value if row.value is not None else "", "pass": float(row.passed)}[part]


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def compute(table: TaskTable, collection: Collection, lg: Logic | None = None) -> Result:
    """Compute indicators, checks and tasks; consistency findings are added to a new report."""
    lg = lg or logic(table)
    env = _Env(table, collection, lg)
    report = Report()
    checks = {c.code: env(c.code) is True for c in table.checks}
    _check_findings(table, collection, checks, report)
    results = [_indicator(table, collection, lg, env, ind, checks) for ind in table.indicators]
    tasks = [_task(table, collection, t) for t in table.checklist]
    _round_findings(table, collection, tasks, report)
    return Result(year=table.year, city=table.city, indicators=results, tasks=tasks, checks=checks,
                  report=report)


def _indicator(table, collection, lg: Logic, env: _Env, ind: Indicator, checks) -> IndicatorResult:
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
        report.add("check-failed" if chk.severity == "error" else "check-warning", unit=units,
                   field=",".join(items), value=chk.code, detail=chk.message, values=values,
                   file="；".join(dict.fromkeys(collection.values[i].file for i in items
                                                if i in collection.values)) or None)


def _round_findings(table: TaskTable, collection: Collection, tasks: list, report: Report) -> None:
    missing = [u for u in table.reporting_units() if collection.unit_status(u) == "missing"]
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
