"""Cross-checks: what no single cell shows.  Each check takes the table as read, the rows it was
read from (for the cell to point at) and the problem collector; :data:`CHECKS` runs them in order.

A check that depends on a missing sheet is skipped (the missing sheet is the one problem), and a
formula is not blamed for a parameter already reported missing for the year.  Problems within one
cell (a bad number, an unknown unit, a duplicate code) are the cells' kinds' (:mod:`.cells`).
"""

from __future__ import annotations

from typing import Any, Callable

from ..formula import Formula
from .evidence import SELF_ASSESSMENT_PARAM, VOLUME_LIST
from .model import TASK_STATUS_LIST, YESNO_LIST, TaskTable
from .names import ROW_NAME, iter_defined_names
from .problems import Problems
from .progress import PROGRESS_STATUS_LIST
from .rows import Field, Row, Rows
from .sheets import (
    CalcSheet,
    CheckSheet,
    ChoiceSheet,
    ColumnSheet,
    EvidenceSheet,
    IndicatorSheet,
    ItemSheet,
    ParamSheet,
    TaskSheet,
)

CrossCheck = Callable[[TaskTable, Rows, Problems], None]

NAME_SHEETS = tuple(s.title for s in (ParamSheet, ItemSheet, ColumnSheet, CalcSheet, IndicatorSheet, CheckSheet))


def formula_names(table: TaskTable) -> set[str]:
    """Every name a formula may use: defined names and the checks' codes."""
    return set(iter_defined_names(table)) | {c.code for c in table.checks}


def _unknown_names(problems: Problems, f: Formula | None, names: set[str], row: Row,
                   col: Field[Any]) -> None:
    """Each name of ``f`` that is not one of ``names``."""
    if f is None or not problems.have_sheets(*NAME_SHEETS):
        return
    for name in sorted(f.names - names - problems.missing_params):
        problems.add("table-unknown-name", value=name, **row.loc(col))


def _unknown_indicator(problems: Problems, code: str, table: TaskTable, row: Row, col: Field[Any]) -> None:
    if code and code not in {i.code for i in table.indicators}:
        problems.add("table-bad-value", value=code, detail="没有这个指标代码", **row.loc(col))


def indicator_formulas(table: TaskTable, rows: Rows, problems: Problems) -> None:
    """An indicator's formulas use defined names; its table is in 表格列, and its row formulas may
    also use that table's columns (and the row rule the row's value)."""
    S = IndicatorSheet
    names = formula_names(table)
    for row, ind in zip(rows[S.title], table.indicators):
        for col, f in ((S.target, ind.target), (S.formula, ind.formula), (S.rule, ind.rule), (S.note, ind.note)):
            _unknown_names(problems, f, names, row, col)
        if not ind.table:
            continue
        if ind.table not in table.tables:
            problems.add("table-bad-value", value=ind.table, detail=f"“{ColumnSheet.title}”工作表中没有这个表格",
                         **row.loc(S.table))
            continue
        cols = {c.code for c in table.tables[ind.table].columns}
        _unknown_names(problems, ind.row_formula, names | cols, row, S.row_formula)
        _unknown_names(problems, ind.row_rule, names | cols | {ROW_NAME}, row, S.row_rule)


def calc_formulas(table: TaskTable, rows: Rows, problems: Problems) -> None:
    """A calc's formula uses defined names, and its 所属指标 is an indicator."""
    names = formula_names(table)
    for row in rows[CalcSheet.title]:
        calc = table.calcs.get(row.text(CalcSheet.code))
        if calc is not None:
            _unknown_names(problems, calc.formula, names, row, CalcSheet.formula)
            _unknown_indicator(problems, calc.indicator, table, row, CalcSheet.indicator)


def check_rules(table: TaskTable, rows: Rows, problems: Problems) -> None:
    """A check's rule uses defined names (a rule that did not parse was reported, and has no check)."""
    names = formula_names(table)
    checks = {c.code: c for c in table.checks}
    for row in rows[CheckSheet.title]:
        if row.text(CheckSheet.code) in checks:
            _unknown_names(problems, checks[row.text(CheckSheet.code)].rule, names, row, CheckSheet.rule)


def task_indicators(table: TaskTable, rows: Rows, problems: Problems) -> None:
    """A task's 关联指标 is an indicator."""
    for row, task in zip(rows[TaskSheet.title], table.tasks):
        _unknown_indicator(problems, task.indicator, table, row, TaskSheet.indicator)


def choice_lists(table: TaskTable, rows: Rows, problems: Problems) -> None:
    """The 选项 sheet has the lists the workbooks need; a 进展状态 list (progress rounds) tells done
    from lagging by its 次序, so its ranks differ."""
    for name in (YESNO_LIST, TASK_STATUS_LIST):
        if name not in table.choices and problems.have_sheets(ChoiceSheet.title):
            problems.add("table-missing-value", sheet=ChoiceSheet.title, field=f"列表“{name}”")
    ranks = [c.rank for c in table.choices.get(PROGRESS_STATUS_LIST, [])]
    if len(set(ranks)) != len(ranks):
        problems.add("table-bad-value", sheet=ChoiceSheet.title, field=f"列表“{PROGRESS_STATUS_LIST}”的次序",
                     value="、".join(map(str, ranks)), detail="各值的次序须互不相同（最大者为已完成，最小者为滞后）")


def no_cycles(table: TaskTable, rows: Rows, problems: Problems) -> None:
    """No calc or indicator value depends on itself, through any chain of formulas."""
    state: dict[str, int] = {}          # 1: being visited, 2: done
    where = _formula_cells(table, rows)

    def visit(name: str, path: list[str]) -> None:
        f = table.definition(name)
        if f is None or state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = path[path.index(name):] if name in path else path
            steps = [f"{n}（“{where[n]['sheet']}”{where[n]['cell']}）" if n in where else n for n in cycle]
            problems.add("table-cycle", detail=" → ".join(steps + [name]), **where.get(cycle[-1] if cycle else name, {}))
            return
        state[name] = 1
        for dep in sorted(f.names):
            visit(dep, path + [name])
        state[name] = 2

    for name in list(table.calcs) + [i.value_name for i in table.indicators]:
        visit(name, [])


def _formula_cells(table: TaskTable, rows: Rows) -> dict[str, dict[str, str]]:
    """Where each computed name's formula is (sheet, cell, column), for messages."""
    where = {}
    for row in rows[CalcSheet.title]:
        where[row.text(CalcSheet.code)] = row.loc(CalcSheet.formula)
    for row, ind in zip(rows[IndicatorSheet.title], table.indicators):
        where[ind.value_name] = row.loc(IndicatorSheet.formula)
        where[ind.target_name] = row.loc(IndicatorSheet.target)
    for row in rows[CheckSheet.title]:
        where[row.text(CheckSheet.code)] = row.loc(CheckSheet.rule)
    return where


def evidence_rows(table: TaskTable, rows: Rows, problems: Problems) -> None:
    """A 佐证材料 row proves one indicator or one task (both known), is bound in a volume of the
    申报卷册 list, and has someone to provide it; within a volume no two subjects share a number."""
    S = EvidenceSheet
    volumes = {c.value for c in table.volumes()}
    numbers: dict[tuple[str, int], str] = {}
    leads_known = all(r.has(IndicatorSheet.leads) for r in rows[IndicatorSheet.title][:1])   # else reported
    for row, ev in zip(rows[S.title], table.evidence):
        known = _evidence_subject(table, problems, row, ev)
        if ev.volume and ev.volume not in volumes and problems.have_sheets(ChoiceSheet.title):
            problems.add("table-bad-value", value=ev.volume, **row.loc(S.volume),
                         detail=f"卷册须是“{ChoiceSheet.title}”工作表列表“{VOLUME_LIST}”中的一个")
        if not known:
            continue
        if not ev.providers and leads_known:
            problems.add("table-missing-value", **row.loc(S.providers))
        subject = table.subject(ev)
        key, label = (ev.volume, subject.seq), f"{subject.label}（{subject.name}）"
        if numbers.setdefault(key, label) != label:
            problems.add("table-bad-value", value=label, **row.loc(S.indicator if ev.indicator else S.task),
                         detail=f"与同一卷册中的{numbers[key]}编号相同，请把二者放入不同卷册")
    if problems.have_sheets(ChoiceSheet.title, ParamSheet.title):
        _self_assessment_volume(table, problems, volumes)


def _evidence_subject(table: TaskTable, problems: Problems, row: Row, ev) -> bool:
    """Whether the row names exactly one known indicator or task (else reported, unless its sheet is missing)."""
    S = EvidenceSheet
    if bool(ev.indicator) == bool(ev.task):
        problems.add("table-bad-value", value=ev.indicator or ev.task or "", **row.loc(S.indicator),
                     detail="每行须填且只填“关联指标”（指标代码）或“关联任务”（任务序号）之一")
        return False
    if not problems.have_sheets(IndicatorSheet.title, TaskSheet.title):
        return False
    if ev.indicator and ev.indicator not in {i.code for i in table.indicators}:
        problems.add("table-bad-value", value=ev.indicator, detail="没有这个指标代码", **row.loc(S.indicator))
        return False
    if ev.task and ev.task not in {t.seq for t in table.tasks}:
        problems.add("table-bad-value", value=ev.task, detail="没有这个任务序号", **row.loc(S.task))
        return False
    return True


def _self_assessment_volume(table: TaskTable, problems: Problems, volumes: set[str]) -> None:
    volume = str(table.params.get(SELF_ASSESSMENT_PARAM) or "")
    if table.evidence and volume not in volumes:
        problems.add("table-bad-value", sheet=ParamSheet.title, field=SELF_ASSESSMENT_PARAM, value=volume,
                     detail=f"应为“{ChoiceSheet.title}”工作表列表“{VOLUME_LIST}”中的一个卷册（评分表装入该卷）")


CHECKS: list[CrossCheck] = [indicator_formulas, calc_formulas, check_rules, task_indicators, choice_lists, no_cycles,
                            evidence_rows]
