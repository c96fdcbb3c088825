"""Model objects from the rows of each sheet.

Each reader reads a row's cells in one fixed order (its code first, then what its object is made
of), which is the order the row's problems are reported in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .cells import NAMES, Cells, RowCells, Text
from .evidence import Evidence
from .model import Calc, Check, Choice, Column, Indicator, Item, Table, Task, TaskTable, Unit
from .names import is_formula_name
from .params import read_params
from .problems import Problems
from .rows import Row, Rows
from .sheets import (
    HINT,
    ITEM_TYPE,
    LOWER,
    LOWER_INCLUSIVE,
    REPORTER,
    REQUIRED,
    UNIT,
    UPPER,
    CalcSheet,
    CheckSheet,
    ChoiceSheet,
    ColumnSheet,
    EvidenceSheet,
    IndicatorSheet,
    ItemSheet,
    ParamSheet,
    TaskSheet,
    UnitSheet,
)


def read_task_table(path: Path, rows: Rows, problems: Problems, year: int | None, city: str | None) -> TaskTable:
    """The task table the rows describe, every problem of a cell reported to ``problems``."""
    cells = Cells(problems)
    params = read_params(cells, rows[ParamSheet.title], year, city)
    units = read_units(cells, rows[UnitSheet.title])
    cells.units = units if problems.have_sheets(UnitSheet.title) else None
    cells.codes[NAMES] = {p: f"“{ParamSheet.title}”工作表" for p in params.values if is_formula_name(p)}
    items, tables = read_items(cells, rows[ItemSheet.title]), read_tables(cells, rows[ColumnSheet.title])
    indicators, calcs = read_indicators(cells, rows[IndicatorSheet.title]), read_calcs(cells, rows[CalcSheet.title])
    tasks = read_tasks(cells, rows[TaskSheet.title])
    return TaskTable(
        path=path, year=params.year, city=params.city, params=params.values, units=units, items=items, tables=tables,
        indicators=indicators, calcs=calcs, tasks=tasks,
        checks=read_checks(cells, rows[CheckSheet.title]),
        choices=read_choices(cells, rows[ChoiceSheet.title]),
        evidence=read_evidence(cells, rows[EvidenceSheet.title], indicators, tasks),
        param_labels=params.labels, notices=params.notices,
    )


def read_units(cells: Cells, rows: list[Row]) -> dict[str, Unit]:
    S = UnitSheet
    units: dict[str, Unit] = {}
    for get in cells.each(rows):
        name = get(S.name)
        if name in units:
            cells.bad("table-duplicate-code", get.row, S.name, value=name, other="前面的同名单位")
        units[name] = Unit(name=name, code=get(S.code), email=get(S.email), cc=get(S.cc), contact=get(S.contact),
                           phone=get(S.phone), note=get(S.note))
    return units


def _item_fields(get: RowCells, label: Text) -> dict[str, Any]:
    """What a data item and a table's column have alike (read in this order)."""
    return {"type": get(ITEM_TYPE), "lower_inclusive": get(LOWER_INCLUSIVE), "reporter": get(REPORTER),
            "required": get(REQUIRED), "label": get(label), "unit": get(UNIT), "lower": get(LOWER),
            "upper": get(UPPER), "hint": get(HINT), "row": get.row.number}


def read_items(cells: Cells, rows: list[Row]) -> dict[str, Item]:
    S = ItemSheet
    items = {}
    for get in cells.each(rows):
        code = get(S.code)
        items[code] = Item(code=code, prev_of=get(S.prev_of), **_item_fields(get, S.label))
    return items


def read_tables(cells: Cells, rows: list[Row]) -> dict[str, Table]:
    S = ColumnSheet
    cols: dict[str, list[Column]] = {}
    sizes: dict[str, int] = {}
    for get in cells.each(rows):
        table = get(S.table)
        sizes[table] = get(S.rows) or S.rows.default          # 0 rows: the default
        code = get(S.code)
        cols.setdefault(table, []).append(Column(code=code, table=table, **_item_fields(get, S.label)))
    return {t: Table(code=t, rows=sizes[t], columns=tuple(c)) for t, c in cols.items()}


def read_indicators(cells: Cells, rows: list[Row]) -> list[Indicator]:
    S = IndicatorSheet
    out = []
    for get in cells.each(rows):
        code = get(S.code)
        ind = Indicator(
            seq=get(S.seq), goal=get(S.goal), name=get(S.name), definition=get(S.definition), kind=get(S.kind),
            requirement=get(S.requirement), leads=get(S.leads), responsible=get(S.responsible), code=code,
            result_unit=get(S.result_unit), decimals=get(S.decimals), target=get(S.target), formula=get(S.formula),
            rule=get(S.rule), note=get(S.note), table=get(S.table), row_formula=get(S.row_formula),
            row_rule=get(S.row_rule), remark=get(S.remark))
        for derived in (ind.value_name, ind.target_name, ind.status_name):
            cells.codes[NAMES][derived] = f"“{S.title}”{get.row.cell(S.code)}"
        if not get.row.text(S.rule) and not ind.table:   # (a rule that did not parse is reported once)
            cells.bad("table-missing-value", get.row, S.rule)
        out.append(ind)
    return out


def read_calcs(cells: Cells, rows: list[Row]) -> dict[str, Calc]:
    S = CalcSheet
    out = {}
    for get in cells.each(rows):
        code = get(S.code)
        f = get(S.formula)
        if f is None and get.row.text(S.formula) == "":
            cells.bad("table-missing-value", get.row, S.formula)
        out[code] = Calc(code=code, label=get(S.label), indicator=get(S.indicator), unit=get(S.unit),
                         formula=f, note=get(S.note))
    return out


def read_tasks(cells: Cells, rows: list[Row]) -> list[Task]:
    S = TaskSheet
    return [Task(seq=get(S.seq), category=get(S.category), title=get(S.name), text=get(S.text), leads=get(S.leads),
                 responsible=get(S.responsible), indicator=get(S.indicator), note=get(S.note),
                 deadline=get(S.deadline), milestones=get(S.milestones))
            for get in cells.each(rows)]


def read_checks(cells: Cells, rows: list[Row]) -> list[Check]:
    S = CheckSheet
    out = []
    for get in cells.each(rows):
        code, severity, rule = get(S.code), get(S.severity), get(S.rule)
        if rule is not None:
            out.append(Check(code=code, rule=rule, severity=severity, message=get(S.message)))
    return out


def read_choices(cells: Cells, rows: list[Row]) -> dict[str, list[Choice]]:
    S = ChoiceSheet
    out: dict[str, list[Choice]] = {}
    for get in cells.each(rows):
        out.setdefault(get(S.list_name), []).append(Choice(get(S.value), get(S.rank)))
    return out


def read_evidence(cells: Cells, rows: list[Row], indicators: list[Indicator], tasks: list[Task]) -> list[Evidence]:
    """The 佐证材料 rows; a row naming no 提供单位 is provided by its indicator's or task's lead units
    (a task without lead units: its responsible units)."""
    S = EvidenceSheet
    leads = {i.code: i.leads for i in indicators}
    task_leads = {t.seq: t.leads or t.responsible for t in tasks}
    out = []
    for get in cells.each(rows):
        code, volume, indicator, task = get(S.code), get(S.volume), get(S.indicator), get(S.task)
        providers = get(S.providers) or (leads.get(indicator, ()) if indicator else task_leads.get(task, ()))
        out.append(Evidence(code=code, volume=volume, indicator=indicator, task=task, title=get(S.material),
                            kind=get(S.kind), providers=providers, required=get(S.required), note=get(S.note),
                            row=get.row.number))
    return out
